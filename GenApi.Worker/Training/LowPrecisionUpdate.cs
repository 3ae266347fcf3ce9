using GenApi.Worker.Contracts;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace GenApi.Worker.Training;

/// <summary>
/// One optimizer's side of mixed precision: moves the compute copies' gradients onto its fp32 master parameters, and
/// for fp16 scales the loss so small gradients do not flush to zero (dynamic loss scaling: halve and skip the update on
/// overflow, double after <see cref="GrowthInterval"/> clean updates). bf16 has fp32's range and needs no scaling.
/// </summary>
public sealed class LowPrecisionUpdate(IEnumerable<LowPrecisionCopy> copies, IReadOnlyCollection<Parameter> masters, string precision)
{
    public const int GrowthInterval = 2000;
    public const double InitialScale = 65536;

    private readonly (Parameter Master, Parameter Copy)[] _pairs = copies.SelectMany(c => c.PairsOf(masters)).ToArray();
    private readonly bool _scaled = precision == Precision.Fp16;
    private int _cleanUpdates;

    /// <summary>The factor the loss is multiplied by before backward (1 for bf16).</summary>
    public double LossScale { get; private set; } = precision == Precision.Fp16 ? InitialScale : 1;

    public void ZeroGradients()
    {
        foreach (var (_, copy) in _pairs)
            using (var gradient = copy.grad)
                gradient?.zero_();
    }

    /// <summary>Whether the loss is scaled (fp16): then gradients that stay non-finite are an overflow, not a fault.</summary>
    public bool Scaled => _scaled;

    /// <summary>Adds the copies' unscaled gradients to the masters' (the guard then checks them, on the masters).</summary>
    public void MoveGradients()
    {
        using var noGrad = no_grad();
        foreach (var (master, copy) in _pairs)
        {
            using var gradient = copy.grad;
            if (gradient is null) continue;
            using var existing = master.grad;
            if (existing is null) master.grad = gradient.to(ScalarType.Float32).div_(LossScale);
            else existing.add_(gradient, alpha: 1 / LossScale);
        }
    }

    /// <summary>fp16 overflowed (the update is skipped): halve the scale.</summary>
    public void Overflowed()
    {
        LossScale /= 2;
        _cleanUpdates = 0;
    }

    /// <summary>A finite update: after <see cref="GrowthInterval"/> of them the scale doubles.</summary>
    public void Clean()
    {
        if (_scaled && ++_cleanUpdates % GrowthInterval == 0) LossScale *= 2;
    }

    /// <summary>Casts the stepped masters into the copies.</summary>
    public void Pull()
    {
        using var noGrad = no_grad();
        foreach (var (master, copy) in _pairs) copy.copy_(master);
    }

    /// <summary>The scaler's state, saved with the checkpoint so a resumed fp16 run continues exactly.</summary>
    public (double Scale, int CleanUpdates) State
    {
        get => (LossScale, _cleanUpdates);
        set => (LossScale, _cleanUpdates) = value;
    }
}
