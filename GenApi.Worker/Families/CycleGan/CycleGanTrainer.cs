using GenApi.Worker.Artifacts;
using GenApi.Worker.Contracts;
using GenApi.Worker.Training;
using TorchSharp;
using static TorchSharp.torch;

namespace GenApi.Worker.Families.CycleGan;

/// <summary>
/// Trains CycleGAN (Zhu et al. 2017): generators G_AB and G_BA against PatchGAN discriminators D_B and D_A, with
/// least-squares adversarial losses, cycle consistency λ·(‖G_BA(G_AB(a)) − a‖₁ + ‖G_AB(G_BA(b)) − b‖₁), identity
/// losses and an image pool for D. One step: one G update (both generators), then one D update (both critics) on the
/// step's translations. Unpaired batches of each domain are drawn from the run's random stream, so they resume exactly.
/// </summary>
public sealed class CycleGanTrainer : Trainer
{
    public const string AtoBFile = "generator-ab.pt";
    public const string BtoAFile = "generator-ba.pt";
    private const int OptimizerG = 0, OptimizerD = 1;
    private const int ProgressColumns_ = 8;
    private readonly ResnetTranslator _aToB, _bToA;
    private readonly PatchDiscriminator _criticA, _criticB;
    private readonly ImagePool _poolA, _poolB;
    private readonly List<(Tensor RealA, Tensor RealB, Tensor FakeA, Tensor FakeB)> _micro = [];
    private readonly TorchSharp.Modules.Parameter[] _criticParameters;
    private Tensor? _a, _b, _fixedA, _fixedB;

    public CycleGanTrainer(IFamilyNetworks family, ModelConfig config, TrainingSettings settings, Device device) : base(family, config, settings, device)
    {
        if (config.Domains is null) throw new ArgumentException("A cyclegan model needs two domains.");
        _aToB = new ResnetTranslator(config);
        _bToA = new ResnetTranslator(config);
        _criticA = new PatchDiscriminator(config);
        _criticB = new PatchDiscriminator(config);
        foreach (var network in new nn.Module[] { _aToB, _bToA, _criticA, _criticB }) network.to(device).train();
        _poolA = new ImagePool(settings.PoolSize, config.Channels, config.ImageSize, device);
        _poolB = new ImagePool(settings.PoolSize, config.Channels, config.ImageSize, device);
        AddOptimizer("optimizer-g.bin", "G", settings.OptimizerG, _aToB.parameters().Concat(_bToA.parameters()));
        _criticParameters = _criticA.parameters().Concat(_criticB.parameters()).ToArray();
        AddOptimizer("optimizer-d.bin", "D", settings.OptimizerD, _criticParameters);
        SamplingAtoB = KeepEma(ArtifactLayout.Ema(AtoBFile), _aToB, () => new ResnetTranslator(config));
        SamplingBtoA = KeepEma(ArtifactLayout.Ema(BtoAFile), _bToA, () => new ResnetTranslator(config));
    }

    /// <summary>What translations are drawn from: the EMA generators when kept.</summary>
    public ResnetTranslator SamplingAtoB { get; }

    public ResnetTranslator SamplingBtoA { get; }

    /// <summary>The pools' fill levels (A, B), for tests.</summary>
    public (int A, int B) PoolCounts => (_poolA.Count, _poolB.Count);

    protected override IEnumerable<(string File, nn.Module Module)> Networks =>
    [
        (AtoBFile, _aToB), (BtoAFile, _bToA), ("discriminator-a.pt", _criticA), ("discriminator-b.pt", _criticB),
        ("image-pool-a.pt", _poolA), ("image-pool-b.pt", _poolB),
    ];

    protected override int BatchesPerStep => Settings.AccumulateSteps;

    public override int? ProgressColumns => ProgressColumns_;

    protected override void OnData(Tensor images, Tensor labels)
    {
        var domains = Config.Domains!;
        _a?.Dispose();
        _b?.Dispose();
        _a = Domain(images, labels, domains.ClassA, domains.A);
        _b = Domain(images, labels, domains.ClassB, domains.B);
        // The first images of each domain (in dataset order) are the progress grid's fixed inputs.
        _fixedA ??= _a.narrow(0, 0, Math.Min(ProgressColumns_, _a.shape[0])).clone().DetachFromDisposeScope();
        _fixedB ??= _b.narrow(0, 0, Math.Min(ProgressColumns_, _b.shape[0])).clone().DetachFromDisposeScope();
    }

    private static Tensor Domain(Tensor images, Tensor labels, int label, string name)
    {
        using var scope = NewDisposeScope();
        var indexes = labels.eq(label).nonzero().flatten();
        if (indexes.shape[0] == 0) throw new ArgumentException($"Domain '{name}' has no images in this dataset.");
        return images.index_select(0, indexes).MoveToOuterDisposeScope();
    }

    protected override void OnLoaded()
    {
        _poolA.Restore();
        _poolB.Restore();
    }

    protected override void TrainStep(Tensor lossD, Tensor lossG)
    {
        _micro.Clear();
        // D's gradients are not needed while G learns through it.
        SetRequiresGrad(false);
        // A recomputed update gathers its micro-batches' translations anew.
        Update(OptimizerG, GeneratorLoss, lossG, onAttempt: _micro.Clear);
        SetRequiresGrad(true);
        var next = 0;
        Update(OptimizerD, () =>
        {
            var (realA, realB, fakeA, fakeB) = _micro[next++];
            return CycleLoss.Discriminator(_criticA.call(realA), _criticA.call(_poolA.Query(fakeA, NoiseRandom)))
                + CycleLoss.Discriminator(_criticB.call(realB), _criticB.call(_poolB.Query(fakeB, NoiseRandom)));
        }, lossD, onAttempt: () => next = 0);
        UpdateEma();
    }

    private Tensor GeneratorLoss()
    {
        var (realA, realB) = (Batch(_a!), Batch(_b!));
        var fakeB = _aToB.call(realA);
        var fakeA = _bToA.call(realB);
        var loss = CycleLoss.Generator(_criticB.call(fakeB)) + CycleLoss.Generator(_criticA.call(fakeA))
            + Settings.CycleWeight * (CycleLoss.L1(_bToA.call(fakeB), realA) + CycleLoss.L1(_aToB.call(fakeA), realB));
        if (Settings.IdentityWeight > 0)
            loss += Settings.IdentityWeight * (CycleLoss.L1(_aToB.call(realB), realB) + CycleLoss.L1(_bToA.call(realA), realA));
        _micro.Add((realA, realB, fakeA.detach(), fakeB.detach()));
        return loss;
    }

    private Tensor Batch(Tensor domain) =>
        domain.index_select(0, randint(domain.shape[0], new long[] { Settings.BatchSize }, dtype: int64, device: Device, generator: NoiseRandom));

    private void SetRequiresGrad(bool on)
    {
        foreach (var parameter in _criticParameters) parameter.requires_grad = on;
    }

    /// <summary>Rows: A, A→B, A→B→A, B, B→A, B→A→B for the fixed first images of each domain.</summary>
    public override Tensor SampleProgressGrid()
    {
        if (_fixedA is null || _fixedB is null) throw new InvalidOperationException("No data yet: the grid shows translations of the training images.");
        using var noGrad = no_grad();
        using var scope = NewDisposeScope();
        var (ab, ba) = (SamplingAtoB, SamplingBtoA);
        var fakeB = ab.call(_fixedA);
        var fakeA = ba.call(_fixedB);
        return cat([_fixedA, fakeB, ba.call(fakeB), _fixedB, fakeA, ab.call(fakeA)]).cpu().MoveToOuterDisposeScope();
    }

    public override EvaluationResult Evaluate(Evaluation.Evaluator evaluator, string dataset, Action<string>? progress, CancellationToken cancellation, int? samples) =>
        evaluator.EvaluateTranslation(SamplingAtoB, SamplingBtoA, Config, dataset, Step, progress, cancellation, samples);

    public override void Dispose()
    {
        _a?.Dispose();
        _b?.Dispose();
        _fixedA?.Dispose();
        _fixedB?.Dispose();
        base.Dispose();
    }
}
