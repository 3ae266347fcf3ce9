namespace GenApi.Worker.Contracts;

/// <summary>
/// The learning rate as a pure function of the step, so a resumed run is at the same point of its schedule.
/// A linear warm-up from η0/W to η0 over <see cref="WarmupSteps"/> = W comes first; the decay then runs over the
/// remaining T = steps − W, with t counted from the end of the warm-up.
/// </summary>
public sealed record LearningRateSchedule
{
    public const string Constant = "constant";
    public const string StepDecay = "step";
    public const string Exponential = "exponential";
    public const string Polynomial = "polynomial";
    public const string Linear = "linear";
    public const string Cosine = "cosine";

    public static IReadOnlyList<string> Types { get; } = [Constant, StepDecay, Exponential, Polynomial, Linear, Cosine];

    public string Type { get; init; } = Constant;
    public int WarmupSteps { get; init; }
    /// <summary>step: multiply by <see cref="Gamma"/> every this many steps.</summary>
    public int StepSize { get; init; } = 1000;
    /// <summary>step: the factor per <see cref="StepSize"/>.</summary>
    public double Gamma { get; init; } = 0.5;
    /// <summary>exponential: T in η0·exp(−t/T); by default the decay's length, so the rate ends at η0/e.</summary>
    public double? TimeConstant { get; init; }
    /// <summary>polynomial: γ in η0·(1 − t/T)^γ.</summary>
    public double Power { get; init; } = 1.0;
    /// <summary>linear: the rate reached at the last step.</summary>
    public double EndLr { get; init; }
    /// <summary>cosine: the rate reached at the last step.</summary>
    public double MinLr { get; init; }
    /// <summary>Share of the steps after the warm-up held at η0 before the decay starts (CycleGAN decays over the second half: 0.5).</summary>
    public double HoldFraction { get; init; }

    /// <summary>The rate for the update at 0-based <paramref name="step"/> of <paramref name="totalSteps"/>, from base rate <paramref name="baseLr"/>.</summary>
    public double At(int step, int totalSteps, double baseLr)
    {
        if (step < WarmupSteps) return baseLr * (step + 1) / WarmupSteps;
        double t = step - WarmupSteps, horizon = Math.Max(totalSteps - WarmupSteps, 1);
        var hold = Math.Floor(HoldFraction * horizon);
        if (t < hold) return baseLr;
        (t, horizon) = (t - hold, Math.Max(horizon - hold, 1));
        var progress = Math.Min(t / horizon, 1.0);
        return Type switch
        {
            StepDecay => baseLr * Math.Pow(Gamma, Math.Floor(t / StepSize)),
            Exponential => baseLr * Math.Exp(-t / (TimeConstant ?? horizon)),
            Polynomial => baseLr * Math.Pow(1 - progress, Power),
            Linear => baseLr + (EndLr - baseLr) * progress,
            Cosine => MinLr + (baseLr - MinLr) * (1 + Math.Cos(Math.PI * progress)) / 2,
            _ => baseLr,
        };
    }
}
