namespace GenApi.Worker.Contracts;

/// <summary>Hyperparameters of one training run. Defaults are the DCGAN paper's.</summary>
public sealed record TrainingSettings
{
    /// <summary>The batch size a learning rate refers to when <see cref="LrScaling"/> scales it.</summary>
    public const int ReferenceBatchSize = 64;

    /// <summary>The values of <see cref="LrScaling"/>.</summary>
    public static IReadOnlyList<string> LrScalings { get; } = ["none", "linear", "sqrt"];

    public int Steps { get; init; } = 1000;
    public int BatchSize { get; init; } = 64;
    public long Seed { get; init; } = 1;
    /// <summary>Save a checkpoint every this many steps (and at the end).</summary>
    public int CheckpointEvery { get; init; } = 200;
    /// <summary>Render the progress grid every this many steps (and at the end).</summary>
    public int SampleEvery { get; init; } = 100;

    /// <summary>The generator's optimizer; a VAE's only one (encoder and decoder).</summary>
    public OptimizerSettings OptimizerG { get; init; } = new();
    public OptimizerSettings OptimizerD { get; init; } = new();
    public LearningRateSchedule Schedule { get; init; } = new();
    /// <summary><c>none</c>, <c>linear</c> or <c>sqrt</c>: scale learning rates by batch/64 or its square root.</summary>
    public string LrScaling { get; init; } = "none";

    /// <summary>GAN loss: see <see cref="AdversarialLoss.Kinds"/>.</summary>
    [Setting("loss", SettingGroup.Adversarial, OneOf = typeof(AdversarialLoss), OneOfMember = nameof(AdversarialLoss.Kinds))]
    public string Loss { get; init; } = AdversarialLoss.Bce;
    /// <summary>D updates per G update.</summary>
    [Setting("nCritic", SettingGroup.Adversarial, Min = 1, Max = 100)]
    public int NCritic { get; init; } = 1;
    /// <summary>Weight λ of the WGAN-GP gradient penalty; 0 for none.</summary>
    [Setting("gradientPenalty", SettingGroup.Adversarial, Min = 0, Max = 1000)]
    public double GradientPenalty { get; init; }
    /// <summary>One-sided label smoothing: real targets become 1 − s.</summary>
    [Setting("labelSmoothing", SettingGroup.Adversarial, Min = 0, Max = 0.5, MaxExclusive = true)]
    public double LabelSmoothing { get; init; }
    /// <summary>σ of Gaussian noise added to D's inputs, annealed linearly to 0 at the last step.</summary>
    [Setting("instanceNoise", SettingGroup.Adversarial, Min = 0, Max = 2)]
    public double InstanceNoise { get; init; }
    /// <summary>Dropout probability in D.</summary>
    [Setting("dropout", SettingGroup.Adversarial, Min = 0, Max = 1, MaxExclusive = true)]
    public double Dropout { get; init; }
    /// <summary>Spectrally normalised D (SNGAN): every convolution's weight divided by its largest singular value, no batch norm.</summary>
    [Setting("spectralNorm", SettingGroup.Adversarial, Architectural = true)]
    public bool SpectralNorm { get; init; }
    /// <summary>Weight γ of the R1 penalty γ/2·E‖∇D(x)‖² on real images; 0 for none.</summary>
    [Setting("r1", SettingGroup.Adversarial, Min = 0, Max = 1000)]
    public double R1 { get; init; }
    /// <summary>Lazy regularisation: R1 every this many steps, scaled by it (StyleGAN2's 16).</summary>
    [Setting("r1Interval", SettingGroup.Adversarial, Min = 1, Max = 1000)]
    public int R1Interval { get; init; } = 16;
    /// <summary>DiffAugment policies applied to every image D sees (<see cref="DiffAugment.Policies"/>); empty for none.</summary>
    [Setting("augment", SettingGroup.Adversarial, OneOf = typeof(DiffAugment), OneOfMember = nameof(DiffAugment.Policies))]
    public IReadOnlyList<string> Augment { get; init; } = [];
    /// <summary>Fine-tuning GANs (FreezeD, Mo et al. 2020): D's first this many blocks keep their pretrained weights; 0 for none.</summary>
    [Setting("freezeD", SettingGroup.Adversarial)]
    public int FreezeD { get; init; }

    /// <summary>GANs: the arithmetic of forward and backward passes (<see cref="Precision.Kinds"/>); fp32 master weights either way.</summary>
    [Setting("precision", SettingGroup.Adversarial, OneOf = typeof(Contracts.Precision), OneOfMember = nameof(Contracts.Precision.Kinds))]
    public string Precision { get; init; } = Contracts.Precision.Fp32;

    /// <summary>VAE reconstruction loss: <c>bce</c> or <c>mse</c>.</summary>
    [Setting("reconstruction", SettingGroup.Variational, OneOf = typeof(VaeLoss), OneOfMember = nameof(VaeLoss.Reconstructions))]
    public string Reconstruction { get; init; } = "bce";
    /// <summary>Weight β of the VAE's KL term.</summary>
    [Setting("klWeight", SettingGroup.Variational, Min = 0, Max = 1000)]
    public double Beta { get; init; } = 1.0;
    /// <summary>VAEs: steps over which the KL weight rises linearly from 0 to β; 0 for none.</summary>
    [Setting("klWarmupSteps", SettingGroup.Variational, Min = 0, Max = 1_000_000)]
    public int KlWarmupSteps { get; init; }
    /// <summary>VAEs: free bits λ, nats per latent dimension below which the KL is not pushed down; 0 for none.</summary>
    [Setting("freeBits", SettingGroup.Variational, Min = 0, Max = 10, Unit = "nats per latent dimension")]
    public double FreeBits { get; init; }

    /// <summary>Translation: weight λ of the cycle-consistency losses.</summary>
    [Setting("cycleWeight", SettingGroup.Translation, Min = 0, Max = 1000)]
    public double CycleWeight { get; init; } = 10.0;
    /// <summary>Translation: weight of the identity losses.</summary>
    [Setting("identityWeight", SettingGroup.Translation, Min = 0, Max = 1000)]
    public double IdentityWeight { get; init; } = 5.0;
    /// <summary>Translation: earlier fakes the discriminators also see; 0 for none.</summary>
    [Setting("poolSize", SettingGroup.Translation, Min = 0, Max = 1000, Architectural = true)]
    public int PoolSize { get; init; } = 50;

    /// <summary>Coefficient of Σ|w| added to each network's loss.</summary>
    public double L1 { get; init; }
    /// <summary>Coefficient of Σw² added to each network's loss.</summary>
    public double L2 { get; init; }
    /// <summary>Clip each network's gradient to this global L2 norm; null for no clipping.</summary>
    public double? ClipGradNorm { get; init; }
    /// <summary>Micro-batches of <see cref="BatchSize"/> whose gradients are summed before each update.</summary>
    public int AccumulateSteps { get; init; } = 1;
    /// <summary>Decay of the generator's weight EMA; 0 keeps none.</summary>
    public double EmaDecay { get; init; }

    /// <summary>The factor <see cref="LrScaling"/> applies to every base learning rate.</summary>
    public double LrFactor
    {
        get
        {
            var ratio = BatchSize * AccumulateSteps / (double)ReferenceBatchSize;
            return LrScaling switch { "linear" => ratio, "sqrt" => Math.Sqrt(ratio), _ => 1.0 };
        }
    }
}
