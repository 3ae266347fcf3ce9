using GenApi.Worker.Models;

namespace GenApi.Worker.Training;

/// <summary>Each family's published defaults: DCGAN paper, Gulrajani et al. (WGAN-GP), Kingma &amp; Welling (VAE).</summary>
public static class FamilyDefaults
{
    public static OptimizerSettings Optimizer(string family) => family switch
    {
        ModelFamily.WganGp => new OptimizerSettings { LearningRate = 1e-4, Beta1 = 0.0, Beta2 = 0.9 },
        ModelFamily.Vae or ModelFamily.Cvae => new OptimizerSettings { LearningRate = 1e-3, Beta1 = 0.9, Beta2 = 0.999 },
        _ => new OptimizerSettings(),
    };

    public static string Loss(string family) => family == ModelFamily.WganGp ? AdversarialLoss.Wasserstein : AdversarialLoss.Bce;

    public static int NCritic(string family) => family == ModelFamily.WganGp ? 5 : 1;

    public static double GradientPenalty(string family) => family == ModelFamily.WganGp ? 10.0 : 0.0;

    public static int LatentDim(string family) => ModelFamily.IsVae(family) ? 32 : 100;
}
