using GenApi.Worker.Compute.Recovery;
using GenApi.Worker.Contracts;
using GenApi.Worker.Models;
using static TorchSharp.torch;

namespace GenApi.Worker.Compression;

/// <summary>
/// Knowledge distillation of a generator (θs = argmin L(θs, θt, z)): the student draws, for the same z and label, what the
/// teacher draws: a pixel term (L1 or L2) plus, optionally, the squared distance between both images' features under the
/// dataset's domain classifier (feature matching, as in GAN compression work such as Aguinaldo et al. 2019 and Li et al. 2020).
/// </summary>
public sealed class Distillation(ImageGenerator teacher, ImageGenerator student, Device device)
{
    /// <summary>Reports (step, pixel term, total loss) every this many steps.</summary>
    public const int ReportEvery = 50;

    /// <summary>Trains the student for <paramref name="steps"/>; <paramref name="features"/> maps images to the classifier's
    /// features (null: no feature term); <paramref name="masks"/> keep pruned weights at zero;
    /// <paramref name="guard"/> recomputes a non-finite update (as the trainers do).</summary>
    public void Train(int steps, int batchSize, double learningRate, string pixelLoss, double featureWeight, Func<Tensor, Tensor>? features,
        IReadOnlyDictionary<string, Tensor>? masks, Action<int, double, double> progress, CancellationToken cancellation, long seed = 0,
        UpdateGuard? guard = null)
    {
        guard ??= new UpdateGuard();
        var parameters = student.parameters().ToArray();
        // z and labels are drawn before the update: a recomputation needs only the student's batch-norm statistics back.
        using var state = new RecomputeState([], () => [student]);
        teacher.eval();
        student.train();
        using var optimizer = optim.Adam(student.parameters(), learningRate, beta1: 0.5, beta2: 0.999);
        using var random = new Generator((ulong)seed, device);
        var config = teacher.Config;
        for (var step = 1; step <= steps; step++)
        {
            cancellation.ThrowIfCancellationRequested();
            using var scope = NewDisposeScope();
            var z = randn(new long[] { batchSize, config.LatentDim }, generator: random, device: device);
            var labels = config.Conditional ? randint(config.Classes, new long[] { batchSize }, generator: random, device: device) : null;
            Tensor target;
            using (no_grad()) target = teacher.call(z, labels);
            Tensor? wanted = null;
            if (features is not null && featureWeight > 0)
                using (no_grad()) wanted = features(target);
            Tensor pixel = null!;
            state.Capture();
            var loss = guard.Run("student", step, parameters, () =>
            {
                optimizer.zero_grad();
                var images = student.call(z, labels);
                pixel = pixelLoss == DistillSpec.L2 ? nn.functional.mse_loss(images, target) : nn.functional.l1_loss(images, target);
                var objective = wanted is null ? pixel : pixel + featureWeight * nn.functional.mse_loss(features!(images), wanted);
                objective.backward();
                return objective.detach();
            }, state.Restore)!;
            optimizer.step();
            if (masks is not null) MagnitudePruning.Reapply(student, masks);
            if (step % ReportEvery == 0 || step == steps) progress(step, pixel.item<float>(), loss.item<float>());
        }
        student.eval();
    }

    /// <summary>Fidelity: the mean |G_student(z) − G_teacher(z)| per pixel (images in [-1, 1]) over fixed latents, in eval mode.</summary>
    public static double MeanAbsoluteError(ImageGenerator teacher, ImageGenerator student, Device device, int count = 256, long seed = 7)
    {
        using var scope = NewDisposeScope();
        using var noGrad = no_grad();
        using (EvalMode.Of(teacher, student))
        {
            using var random = new Generator((ulong)seed);
            var z = randn(new long[] { count, teacher.Config.LatentDim }, generator: random).to(device);
            var labels = teacher.Config.Conditional ? arange(count, device: device).remainder_(teacher.Config.Classes) : null;
            return (student.call(z, labels) - teacher.call(z, labels)).abs().mean().item<float>();
        }
    }
}
