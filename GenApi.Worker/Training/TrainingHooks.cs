using GenApi.Worker.Compute.Recovery;
using TorchSharp;

namespace GenApi.Worker.Training;

/// <summary>What the trainer hands out while it runs; the caller decides where it goes.</summary>
public sealed class TrainingHooks
{
    public Action<TrainingProgress>? Progress { get; init; }
    /// <summary>Called at checkpoint steps with the trainer, which can then <see cref="Trainer.SaveCheckpoint"/>.</summary>
    public Action<Trainer>? Checkpoint { get; init; }
    /// <summary>Called with the generator's images <c>[N, C, H, W]</c> for the fixed progress noise.</summary>
    public Action<torch.Tensor>? Samples { get; init; }
    /// <summary>Called when an update was non-finite and its recomputation was not (the try that succeeded).</summary>
    public Action<UpdateAttempt>? Recovered { get; init; }
    /// <summary>The test seam that corrupts chosen updates; null in production.</summary>
    public IGradientFaults? Faults { get; init; }
    /// <summary>Longest time between two progress reports; each report costs one host sync.</summary>
    public TimeSpan ReportInterval { get; init; } = TimeSpan.FromMilliseconds(500);
}
