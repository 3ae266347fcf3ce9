using GenApi.Worker.Artifacts;
using GenApi.Worker.Contracts;
using GenApi.Worker.Families.CycleGan;
using TorchSharp;
using static TorchSharp.torch;

namespace GenApi.Worker.Rendering;

public sealed partial class ModelSampler
{
    /// <summary>Translates <paramref name="image"/> (<c>[C, H, W]</c> in [-1, 1]) from one domain into the other, as PNG.</summary>
    /// <param name="ema">The EMA translators (default when the model kept them) or the raw ones.</param>
    public byte[] Translate(ModelRecord model, Tensor image, TranslationDirection direction, bool? ema, int scale)
    {
        using var scope = NewDisposeScope();
        return WithTranslators(model, ema, (aToB, bToA) =>
        {
            using var noGrad = no_grad();
            var there = direction == TranslationDirection.AtoB ? aToB : bToA;
            return grid.RenderSinglePng(there.call(image.unsqueeze(0).to(device.Device)).cpu(), scale);
        });
    }

    /// <summary>
    /// <paramref name="count"/> held-out images of the source domain (the test split's, or the training split's when the dataset
    /// has none), chosen by <paramref name="seed"/>; under them their translations, and under those the cycle reconstructions.
    /// </summary>
    public byte[] RenderTranslations(ModelRecord model, TranslationDirection direction, int count, long seed, bool? ema, int scale)
    {
        using var scope = NewDisposeScope();
        var domains = model.Config.Domains ?? throw new ArgumentException($"Model '{model.Id}' is not a translation model.");
        var data = datasets.TestSplitProblem(model.Dataset, model.Team) is null
            ? datasets.Load(model.Dataset, test: true, size: model.Config.ImageSize)
            : datasets.Load(model.Dataset, size: model.Config.ImageSize);
        var indexes = data.Labels.eq(direction == TranslationDirection.AtoB ? domains.ClassA : domains.ClassB).nonzero().flatten();
        using var random = new Generator((ulong)seed);
        var chosen = indexes.index_select(0, randperm(indexes.shape[0], generator: random).narrow(0, 0, Math.Min(count, indexes.shape[0])));
        var sources = data.Images.index_select(0, chosen).to(device.Device);
        return WithTranslators(model, ema, (aToB, bToA) =>
        {
            using var noGrad = no_grad();
            var (there, back) = direction == TranslationDirection.AtoB ? (aToB, bToA) : (bToA, aToB);
            var translated = there.call(sources);
            return grid.RenderPng(cat([sources, translated, back.call(translated)]).cpu(), (int)sources.shape[0], scale);
        });
    }

    // A module's forward is not safe to share between threads: both translators are held while in use.
    private T WithTranslators<T>(ModelRecord model, bool? ema, Func<nn.Module<Tensor, Tensor>, nn.Module<Tensor, Tensor>, T> use)
    {
        var averaged = ema ?? model.Config.Ema;
        string File(string file) => averaged ? ArtifactLayout.Ema(file) : file;
        var aToB = (ResnetTranslator)Acquire(model, File(CycleGanTrainer.AtoBFile));
        var bToA = (ResnetTranslator)Acquire(model, File(CycleGanTrainer.BtoAFile));
        lock (aToB)
        lock (bToA)
            return use(aToB, bToA);
    }
}

/// <summary>Which way a translation model maps: domain A to B, or B to A.</summary>
public enum TranslationDirection
{
    AtoB,
    BtoA,
}
