using System.ComponentModel;
using System.ComponentModel.DataAnnotations;
using System.Text.Json.Serialization;
using GenApi.OpenApi;
using GenApi.Worker.Contracts;
using GenApi.Worker.Families;

namespace GenApi.Contracts;

/// <summary>
/// A training job to run. Only <c>dataset</c> is required; every other field has its family's published default
/// (DCGAN paper for the GANs, Gulrajani et al. for WGAN-GP, Kingma &amp; Welling for VAEs). Fields that do not apply to
/// the chosen family (e.g. <c>loss</c> for a VAE) are errors, not silently ignored.
/// </summary>
[JsonUnmappedMemberHandling(JsonUnmappedMemberHandling.Disallow)]
public sealed record CreateJobRequest
{
    /// <summary>Model family (default <c>dcgan</c>, or the checkpoint's with <c>resumeFrom</c>, or the source's with <c>initFrom</c>);
    /// the families are listed below from the registry, and <c>GET /v1/families</c> says what each takes.</summary>
    /// <example>dcgan</example>
    [ClosedSet(typeof(ModelFamilies), nameof(ModelFamilies.Names))]
    public string? Model { get; init; }

    /// <summary>Training data: <c>fashion-mnist</c>, <c>mnist</c>, <c>cifar10</c>, <c>synthetic</c> (built-in shapes),
    /// <c>synthetic-sequences</c> (built-in waves, for rvae/crvae), or the id of a dataset you uploaded (<c>POST /v1/datasets</c>: a zip of
    /// images, or a CSV of sequences). Conditional families need labelled data. A view trains on part of one:
    /// <c>{dataset}:{class},{class}…</c> keeps those classes (relabelled in the order given), <c>{dataset}:{classes or *}:{n}</c>
    /// the first n of their training images (the test split keeps every image of the classes), e.g.
    /// <c>fashion-mnist:sandal,sneaker,ankle-boot:1000</c>.</summary>
    /// <example>fashion-mnist</example>
    [Required]
    public string? Dataset { get; init; }

    /// <summary>Side of the generated images: 28, 32 or 64. Default: the dataset's own size.</summary>
    /// <example>28</example>
    public int? ImageSize { get; init; }

    /// <summary>Resize the dataset when <c>imageSize</c> differs from it (antialiased bilinear). With false, a size mismatch is an error.</summary>
    [DefaultValue(true)]
    public bool? Resize { get; init; }

    /// <summary>Optimizer steps (one batch each for D and G), 1…1,000,000.</summary>
    /// <example>3000</example>
    [DefaultValue(1000)]
    public int? Steps { get; init; }

    /// <summary>Images per step, 1…1024.</summary>
    /// <example>64</example>
    [DefaultValue(64)]
    public int? BatchSize { get; init; }

    /// <summary>Fixes weights, noise and data order: the same request gives the same losses on CPU. Random when absent.</summary>
    /// <example>1</example>
    public long? Seed { get; init; }

    /// <summary>Shorthand: the learning rate of both networks' optimizers (each can still set its own <c>lr</c>), (0, 10].</summary>
    /// <example>0.0002</example>
    public double? LearningRate { get; init; }

    /// <summary>Shorthand: Adam/AdamW β1 of both optimizers, [0, 1).</summary>
    /// <example>0.5</example>
    public double? Beta1 { get; init; }

    /// <summary>Shorthand: Adam/AdamW β2 of both optimizers, [0, 1).</summary>
    /// <example>0.999</example>
    public double? Beta2 { get; init; }

    /// <summary>The generator's optimizer; for VAEs the one optimizer of encoder and decoder, for cyclegan that of both generators.</summary>
    public OptimizerRequest? OptimizerG { get; init; }

    /// <summary>The discriminator's (critic's) optimizer: GAN families, and cyclegan's two discriminators.</summary>
    public OptimizerRequest? OptimizerD { get; init; }

    /// <summary>Learning-rate schedule with optional warm-up; default constant.</summary>
    public ScheduleRequest? Schedule { get; init; }

    /// <summary>Scale learning rates with the effective batch (batchSize × accumulateSteps) relative to 64:
    /// <c>none</c>, <c>linear</c> (× b/64) or <c>sqrt</c> (× √(b/64)).</summary>
    [DefaultValue("none"), ClosedSet(typeof(TrainingSettings), nameof(TrainingSettings.LrScalings))]
    public string? LrScaling { get; init; }

    /// <summary>GAN loss: <c>bce</c> (non-saturating), <c>lsgan</c> (least squares), <c>hinge</c> or <c>wasserstein</c>.
    /// Default <c>bce</c>; <c>wasserstein</c> for (and only with a penalty in) <c>wgan-gp</c>.</summary>
    /// <example>bce</example>
    public string? Loss { get; init; }

    /// <summary>Discriminator (critic) updates per generator update, 1…100. Default 1; 5 for <c>wgan-gp</c>.</summary>
    public int? NCritic { get; init; }

    /// <summary>Weight λ of the gradient penalty, ≥ 0. Default 10 for <c>wgan-gp</c> (which needs it &gt; 0), 0 otherwise.</summary>
    public double? GradientPenalty { get; init; }

    /// <summary>One-sided label smoothing: real targets become 1 − s, [0, 0.5). For the <c>bce</c> and <c>lsgan</c> losses.</summary>
    /// <example>0.1</example>
    public double? LabelSmoothing { get; init; }

    /// <summary>σ of Gaussian instance noise added to D's inputs, annealed linearly to 0 by the last step, [0, 2]. GANs only.</summary>
    public double? InstanceNoise { get; init; }

    /// <summary>Dropout probability in the discriminator, [0, 1). GANs only.</summary>
    public double? Dropout { get; init; }

    /// <summary>VAE reconstruction loss: <c>bce</c> (pixels as Bernoulli means) or <c>mse</c>. VAEs only.</summary>
    public string? Reconstruction { get; init; }

    /// <summary>β, the weight of the VAE's KL term (β-VAE), ≥ 0; default 1. VAEs only.</summary>
    public double? KlWeight { get; init; }

    /// <summary>VAEs: steps over which the KL weight rises linearly from 0 to <c>klWeight</c> (KL annealing, against posterior
    /// collapse), 0…1,000,000; default 0, and 200 for rvae/crvae.</summary>
    public int? KlWarmupSteps { get; init; }

    /// <summary>VAEs: free bits λ, nats per latent dimension: a dimension's batch-mean KL below λ costs λ, so it is not pushed onto the
    /// prior (Kingma et al. 2016), 0…10; default 0 (none).</summary>
    public double? FreeBits { get; init; }

    /// <summary>rvae/crvae: hidden units of each GRU/LSTM layer, 4…1024; default 128.</summary>
    public int? HiddenSize { get; init; }

    /// <summary>rvae/crvae: stacked recurrent layers in encoder and decoder, 1…4; default 1.</summary>
    public int? Layers { get; init; }

    /// <summary>rvae/crvae: the recurrent cell, <c>gru</c> or <c>lstm</c>; default <c>gru</c>.</summary>
    [ClosedSet(typeof(Worker.Contracts.RecurrentShape), nameof(Worker.Contracts.RecurrentShape.Cells))]
    public string? Cell { get; init; }

    /// <summary>rvae/crvae: the encoder reads the sequence both ways; default true (the decoder generates forwards).</summary>
    public bool? Bidirectional { get; init; }

    /// <summary>rvae/crvae: steps per training sequence. A sequence dataset is cut into consecutive windows of this length (2…its
    /// length; default its length); an image dataset is always read as its rows.</summary>
    public int? SequenceLength { get; init; }

    /// <summary>rvae/crvae: share of the decoder's teacher-forced inputs (the true previous step) zeroed in training, 0…1 (Bowman et al.'s
    /// word dropout, against posterior collapse); at 1 the decoder never reads past values and generates from z alone; default 0.25 (the best samples in the screening, README).</summary>
    public double? InputDropout { get; init; }

    /// <summary>GANs: spectrally normalised discriminator (SNGAN, Miyato et al. 2018): each convolution's weight divided by its
    /// largest singular value (one power iteration per step), and no batch norm in D. Pairs well with <c>loss: hinge</c> and β1 0.</summary>
    [DefaultValue(false)]
    public bool? SpectralNorm { get; init; }

    /// <summary>GANs: γ of the R1 penalty γ/2·E‖∇D(x)‖² on real images (Mescheder et al. 2018), 0…1000; default 0 (none).</summary>
    public double? R1 { get; init; }

    /// <summary>GANs: apply R1 every this many steps, scaled by it (lazy regularisation, as StyleGAN2), 1…1000; default 16.</summary>
    public int? R1Interval { get; init; }

    /// <summary>GANs: DiffAugment policies (Zhao et al. 2020), applied differentiably to every image D sees, real and generated, in D's
    /// and G's updates: <c>color</c> (brightness, saturation, contrast), <c>translation</c> (shifts up to 1/8 of the side),
    /// <c>cutout</c> (a square of half the side erased). Default none.</summary>
    public IReadOnlyList<string>? Augment { get; init; }

    /// <summary>GANs: the arithmetic of the forward and backward passes: <c>fp32</c> (the default), <c>bf16</c> or <c>fp16</c> (dynamic loss
    /// scaling). Low precision is mixed precision: the optimizer, EMA, checkpoints and samples keep fp32 weights. It is faster only on
    /// hardware with native support (CUDA; CPUs with AVX-512 BF16/FP16 or AMX); elsewhere libtorch emulates it, far slower (README).</summary>
    [DefaultValue("fp32")]
    public string? Precision { get; init; }

    /// <summary>The set of defaults to start from: <c>paper</c> (the family's published values, the default) or, where the family has it,
    /// <c>fast</c> (the best short-budget recipe measured here; dcgan: both learning rates 8e-4). Fields you set override it; the job
    /// shows the resolved values.</summary>
    [ClosedSet(typeof(TrainingPresets), nameof(TrainingPresets.Names))]
    public string? Preset { get; init; }

    /// <summary>cyclegan: domain A, a class name of the dataset (see <c>GET /v1/datasets</c>; an upload's folder, e.g. <c>A</c>);
    /// default the dataset's first class.</summary>
    /// <example>sneaker</example>
    public string? DomainA { get; init; }

    /// <summary>cyclegan: domain B, another class name of the dataset; default its second class.</summary>
    /// <example>ankle-boot</example>
    public string? DomainB { get; init; }

    /// <summary>cyclegan: λ, the weight of the cycle-consistency losses ‖G_BA(G_AB(a)) − a‖₁ and ‖G_AB(G_BA(b)) − b‖₁, 0…1000; default 10.</summary>
    public double? CycleWeight { get; init; }

    /// <summary>cyclegan: weight of the identity losses ‖G_AB(b) − b‖₁ and ‖G_BA(a) − a‖₁, 0…1000 (0 disables); default 0.5·cycleWeight.</summary>
    public double? IdentityWeight { get; init; }

    /// <summary>cyclegan: how many earlier translations the discriminators also see (Shrivastava et al.'s image pool), 0…1000 (0 disables); default 50.</summary>
    public int? PoolSize { get; init; }

    /// <summary>L1 penalty coefficient on every network's weights, ≥ 0.</summary>
    public double? L1 { get; init; }

    /// <summary>L2 penalty coefficient on every network's weights (added to the loss), ≥ 0.</summary>
    public double? L2 { get; init; }

    /// <summary>Clip each network's gradient to this global L2 norm, &gt; 0. Default: no clipping.</summary>
    public double? ClipGradNorm { get; init; }

    /// <summary>Micro-batches of <c>batchSize</c> accumulated per update, 1…64: the effective batch is batchSize × accumulateSteps.</summary>
    [DefaultValue(1)]
    public int? AccumulateSteps { get; init; }

    /// <summary>Keep an exponential moving average of the generator's weights with this decay, [0, 1) (0 = none; 0.999 is usual).
    /// Samples then come from the EMA generator unless <c>ema=false</c> is asked for.</summary>
    /// <example>0.999</example>
    public double? EmaDecay { get; init; }

    /// <summary>Continue from a checkpoint: a job id (its latest checkpoint), <c>{jobId}/checkpoints/{step}</c>, or a model id.
    /// Step counter, optimizer moments, schedule position, EMA and noise RNG are restored, so the run matches one never
    /// interrupted. The model fields must match the checkpoint's; <c>seed</c> defaults to the source job's; <c>steps</c> is the
    /// new total and must exceed the checkpoint's step.</summary>
    public string? ResumeFrom { get; init; }

    /// <summary>Fine-tune: start from the weights of a model of yours (<c>model_…</c>) or of a checkpoint (a job id for its latest,
    /// or <c>{jobId}/checkpoints/{step}</c>), with fresh optimizers, schedule and step count, on any dataset whose images have the
    /// source's channels. A trained model's job checkpoint at the model's step supplies the discriminator while it is kept.
    /// Parameters of another shape (another class count's label layers) start fresh; the job's events and the new model's
    /// lineage name them. <c>model</c>, <c>imageSize</c>, <c>latentDim</c> and <c>baseChannels</c> default to the source's and
    /// must equal them. Not with <c>resumeFrom</c>.</summary>
    /// <example>model_3f2a9c1e5b7d4e6fa0b1c2d3e4f56789</example>
    public string? InitFrom { get; init; }

    /// <summary>GANs, with <c>initFrom</c>: keep the discriminator's first this many feature blocks at their pretrained weights
    /// (FreezeD, Mo et al. 2020); the upper blocks and the logit adapt. 0…the blocks below D's logit: 2 for <c>gan</c>; for the
    /// convolutional GANs 2, 3 or 4 at 28, 32 or 64 pixels. Default 0.</summary>
    [DefaultValue(0)]
    public int? FreezeD { get; init; }

    /// <summary>Length of the generator's noise vector (a VAE's code), 1…1024. Default 100; 32 for VAEs.</summary>
    /// <example>100</example>
    public int? LatentDim { get; init; }

    /// <summary>Network width: feature maps at full resolution (ngf = ndf) of the convolutional families; the MLP's hidden
    /// layers are 2…16× it. 4…512; default 64 (the checkpoint's with <c>resumeFrom</c>).</summary>
    /// <example>64</example>
    public int? BaseChannels { get; init; }

    /// <summary>Steps between checkpoints, 1…steps; default 200 or <c>steps</c> if fewer. A restarted job resumes from the last one.</summary>
    /// <example>200</example>
    public int? CheckpointEvery { get; init; }

    /// <summary>Score sample quality (Fréchet distance, KID, precision/recall on a domain classifier) at every checkpoint.
    /// The first evaluation of a dataset trains its classifier (about a minute on CPU).</summary>
    /// <example>true</example>
    [DefaultValue(false)]
    public bool? Evaluate { get; init; }

    /// <summary>Publish the checkpoint with the lowest Fréchet distance as the model, rather than the last one (GAN runs often
    /// get worse late). Needs <c>evaluate: true</c>; the model's <c>steps</c> says which checkpoint it is.</summary>
    [DefaultValue(false)]
    public bool? KeepBest { get; init; }

    /// <summary>Optional: POST the job's events to this URL.</summary>
    public WebhookRequest? Webhook { get; init; }

    /// <summary>Steps between refreshes of the progress grid (<c>GET /v1/jobs/{id}/samples.png</c>), 1…steps; default 100 or <c>steps</c> if fewer.</summary>
    /// <example>100</example>
    public int? SampleEvery { get; init; }
}
