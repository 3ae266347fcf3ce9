using TorchSharp.Modules;
using static TorchSharp.torch;

namespace GenApi.Worker.Compute.Recovery;

/// <summary>
/// Keeps transient numerical faults out of the weights. libtorch 2.10's CPU <c>Conv2d</c> backward sometimes returns a
/// whole NaN channel in the input gradient from finite inputs (seen on AMD EPYC family 26 with AVX-512; PyTorch 1.13 on
/// the same host does not), and one such update poisons a run. After backward (and accumulation) and before the optimizer
/// steps, one host read checks that the loss and every gradient are finite; a non-finite update is recomputed from the
/// same inputs after its caller restored every random state, so a recovered update gives the numbers a clean one gives.
/// Only a fault that persists through <see cref="Recomputations"/> recomputations ends the run.
/// </summary>
public sealed class UpdateGuard(IGradientFaults? faults = null, Action<UpdateAttempt>? recovered = null)
{
    /// <summary>Recomputations of a non-finite update before it counts as persistent.</summary>
    public const int Recomputations = 3;

    private readonly IGradientFaults _faults = faults ?? NoGradientFaults.Instance;

    // Prevention before recovery: where oneDNN's convolution gradients are wrong (finite but off, not only NaN), the
    // process stops using it before the first update it would guard. Hosts decide first (TorchDevice, with Worker:OneDnn).
    static UpdateGuard() => Kernels.KernelSelection.Ensure();

    /// <summary>Updates that were non-finite at first and finite when recomputed.</summary>
    public int RecoveredUpdates { get; private set; }

    /// <summary>
    /// Runs <paramref name="attempt"/> (zero the gradients, forward, backward; it returns the update's detached loss) until
    /// the loss and the gradients of <paramref name="parameters"/> are finite, calling <paramref name="restore"/> before each
    /// recomputation.
    /// </summary>
    /// <param name="network">The network's name in messages (as its loss is named: D, G, student…).</param>
    /// <param name="persistentSkips">fp16's loss scaling: gradients that stay non-finite under a finite loss are an overflow, and the
    /// update is skipped (null is returned) instead of failing the run.</param>
    /// <returns>The finite loss; null when <paramref name="persistentSkips"/> skipped the update.</returns>
    /// <exception cref="TrainingDivergedException">The loss, or the gradients, stayed non-finite.</exception>
    public Tensor? Run(string network, int step, IReadOnlyList<Parameter> parameters, Func<Tensor> attempt, Action restore, bool persistentSkips = false)
    {
        Tensor loss = null!;
        for (var i = 0; i <= Recomputations; i++)
        {
            if (i > 0) restore();
            loss = attempt();
            var site = new UpdateAttempt(network, step, i);
            if (_faults.Corrupts(site)) Corrupt(parameters);
            if (!Finite(loss, parameters)) continue;
            if (i > 0)
            {
                RecoveredUpdates++;
                recovered?.Invoke(site);
            }
            return loss;
        }
        if (!float.IsFinite(loss.item<float>()))
        {
            var what = float.IsNaN(loss.item<float>()) ? "NaN" : "infinite";
            throw new TrainingDivergedException($"loss {network} became {what} at step {step}; try a lower learning rate.");
        }
        if (persistentSkips) return null;
        throw new TrainingDivergedException(
            $"the gradients of {network} at step {step} stayed non-finite through {Recomputations} recomputations from the same inputs, "
            + "while its loss was finite: not a transient kernel fault; try a lower learning rate or clipGradNorm.");
    }

    // The one host read of an update: NaN and ±∞ survive a sum, so one scalar says whether all of it is finite.
    private static bool Finite(Tensor loss, IReadOnlyList<Parameter> parameters)
    {
        using var noGrad = no_grad();
        var sums = new List<Tensor>(parameters.Count + 1) { loss.sum() };
        foreach (var parameter in parameters)
            if (parameter.grad is { } gradient) sums.Add(gradient.sum());
        using var total = stack(sums).sum();
        var finite = total.isfinite().item<bool>();
        foreach (var sum in sums) sum.Dispose();
        return finite;
    }

    // As the faulty kernel does: one NaN in the first gradient there is.
    private static void Corrupt(IReadOnlyList<Parameter> parameters)
    {
        using var noGrad = no_grad();
        if (parameters.Select(p => p.grad).FirstOrDefault(g => g is not null) is not { } gradient) return;
        using var flat = gradient.view(-1);
        using var first = flat[0];
        first.fill_(float.NaN);
    }
}
