namespace GenApi.Worker.Training;

/// <summary>
/// KL annealing (Bowman et al. 2016): the KL weight rises linearly from 0 to β over the first steps, so the decoder
/// learns to use z before the KL term can push the posterior onto the prior (recurrent decoders otherwise ignore z).
/// </summary>
public static class KlAnnealing
{
    /// <summary>The KL weight of the update after <paramref name="step"/> completed steps: β·min(1, (step + 1) / warm-up).</summary>
    public static double Weight(double beta, int step, int warmupSteps) =>
        warmupSteps <= 0 ? beta : beta * Math.Min(1.0, (step + 1) / (double)warmupSteps);
}
