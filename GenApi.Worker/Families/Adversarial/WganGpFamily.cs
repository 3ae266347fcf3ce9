using GenApi.Worker.Contracts;

namespace GenApi.Worker.Families.Adversarial;

/// <summary>WGAN-GP (Gulrajani et al. 2017): a critic under the Wasserstein loss with a gradient penalty, and that paper's defaults.</summary>
public sealed class WganGpFamily : AdversarialFamily
{
    public const string Id = "wgan-gp";
    public override string Name => Id;
    public override string Summary => "Wasserstein GAN with gradient penalty (Gulrajani et al. 2017): 5 critic updates per step, λ = 10.";

    public override TrainingSettings Defaults { get; } = new()
    {
        OptimizerG = new OptimizerSettings { LearningRate = 1e-4, Beta1 = 0.0, Beta2 = 0.9 },
        OptimizerD = new OptimizerSettings { LearningRate = 1e-4, Beta1 = 0.0, Beta2 = 0.9 },
        Loss = AdversarialLoss.Wasserstein, NCritic = 5, GradientPenalty = 10.0,
    };

    public override void Validate(JobSpec spec, DatasetShape? data, FieldErrors e)
    {
        base.Validate(spec, data, e);
        e.Check(spec.Training.Loss == AdversarialLoss.Wasserstein, "loss", "wgan-gp trains with the wasserstein loss; choose another model for other losses.");
        e.Check(spec.Training.GradientPenalty > 0, "gradientPenalty", "wgan-gp needs a gradient penalty above 0 (default 10).");
    }
}
