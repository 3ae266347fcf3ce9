using GenApi.Worker.Compute.Recovery;
using GenApi.Worker.Datasets;
using TorchSharp;
using static TorchSharp.torch;
using static TorchSharp.torch.nn.functional;

namespace GenApi.Worker.Evaluation;

/// <summary>Trains a <see cref="DomainClassifier"/> (Adam, batch 128, fixed seed) and measures its test accuracy.</summary>
public static class ClassifierTraining
{
    /// <summary>Small datasets get more epochs: a classifier needs updates, not passes.</summary>
    public const int MinimumSteps = 600;

    /// <param name="guard">Recomputes a non-finite update (as the trainers do).</param>
    /// <param name="minimumSteps">At least this many updates (<see cref="MinimumSteps"/>; fewer only in tests).</param>
    public static double Train(DomainClassifier classifier, ImageDataset train, ImageDataset test, int epochs, Device device, Action<string>? progress,
        UpdateGuard? guard = null, int minimumSteps = MinimumSteps)
    {
        guard ??= new UpdateGuard();
        manual_seed(0);
        classifier.to(device).train();
        var parameters = classifier.parameters().ToArray();
        // nn.Dropout draws its masks from torch's global generator: a recomputation restores it with the batch-norm statistics.
        using var state = new RecomputeState([], () => [classifier], globalGenerator: true);
        var update = 0;
        using var optimizer = optim.Adam(classifier.parameters(), 1e-3);
        using var random = new Generator(0);
        const int batch = 128;
        var images = train.Images.to(device);
        var labels = train.Labels.to(device);
        epochs = Math.Max(epochs, (int)Math.Ceiling(minimumSteps / (double)Math.Max(1, train.Count / batch)));
        for (var epoch = 0; epoch < epochs; epoch++)
        {
            using var order = randperm(train.Count, generator: random).to(device);
            for (long i = 0; i + batch <= train.Count; i += batch)
            {
                using var scope = NewDisposeScope();
                var index = order.narrow(0, i, batch);
                state.Capture();
                guard.Run("feature classifier", ++update, parameters, () =>
                {
                    optimizer.zero_grad();
                    var loss = cross_entropy(classifier.call(images.index_select(0, index)), labels.index_select(0, index));
                    loss.backward();
                    return loss.detach();
                }, state.Restore);
                optimizer.step();
            }
            if ((epoch + 1) % Math.Max(1, epochs / 5) == 0 || epoch + 1 == epochs)
                progress?.Invoke($"feature classifier: epoch {epoch + 1} of {epochs} done");
        }
        return Accuracy(classifier, test, device);
    }

    public static double Accuracy(DomainClassifier classifier, ImageDataset data, Device device)
    {
        classifier.eval();
        using var noGrad = no_grad();
        long correct = 0;
        for (long i = 0; i < data.Count; i += 1000)
        {
            using var scope = NewDisposeScope();
            var n = Math.Min(1000, data.Count - i);
            var predicted = classifier.call(data.Images.narrow(0, i, n).to(device)).argmax(1).cpu();
            correct += predicted.eq(data.Labels.narrow(0, i, n)).sum().item<long>();
        }
        return correct / (double)data.Count;
    }
}
