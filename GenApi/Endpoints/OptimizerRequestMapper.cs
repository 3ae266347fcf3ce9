using GenApi.Contracts;
using GenApi.Worker.Contracts;

namespace GenApi.Endpoints;

/// <summary>Checks and maps the optimizer and schedule parts of a job request.</summary>
public static class OptimizerRequestMapper
{
    public static OptimizerSettings Map(OptimizerRequest? request, OptimizerSettings defaults, double? learningRate, double? beta1, double? beta2,
        string field, FieldErrors errors)
    {
        var r = request ?? new OptimizerRequest();
        var type = r.Type ?? defaults.Type;
        errors.Check(OptimizerSettings.Types.Contains(type), $"{field}.type", $"Unknown optimizer '{type}'; expected one of: {string.Join(", ", OptimizerSettings.Types)}.");
        bool adam = type is OptimizerSettings.Adam or OptimizerSettings.AdamW, sgd = type == OptimizerSettings.Sgd;
        if (!adam)
        {
            errors.NotFor(r.Beta1, $"{field}.beta1", "applies to adam and adamw only");
            errors.NotFor(r.Beta2, $"{field}.beta2", "applies to adam and adamw only");
        }
        if (!sgd && type != OptimizerSettings.RmsProp) errors.NotFor(r.Momentum, $"{field}.momentum", "applies to sgd and rmsprop only");
        if (!sgd) errors.NotFor(r.Nesterov, $"{field}.nesterov", "applies to sgd only");
        if (sgd) errors.NotFor(r.Eps, $"{field}.eps", "does not apply to sgd");
        if (type != OptimizerSettings.RmsProp) errors.NotFor(r.Alpha, $"{field}.alpha", "applies to rmsprop only");

        var settings = defaults with
        {
            Type = type,
            LearningRate = r.Lr ?? learningRate ?? defaults.LearningRate,
            Beta1 = r.Beta1 ?? (adam ? beta1 : null) ?? defaults.Beta1,
            Beta2 = r.Beta2 ?? (adam ? beta2 : null) ?? defaults.Beta2,
            Eps = r.Eps ?? (type == OptimizerSettings.AdaGrad ? 1e-10 : defaults.Eps),
            Momentum = r.Momentum ?? 0,
            Nesterov = r.Nesterov ?? false,
            WeightDecay = r.WeightDecay ?? 0,
            Alpha = r.Alpha ?? defaults.Alpha,
        };
        errors.Check(settings.LearningRate is > 0 and <= 10, r.Lr is null && learningRate is not null ? "learningRate" : $"{field}.lr", "The learning rate must be in (0, 10].");
        errors.Check(settings.Beta1 is >= 0 and < 1, r.Beta1 is null && beta1 is not null ? "beta1" : $"{field}.beta1", "β1 must be in [0, 1).");
        errors.Check(settings.Beta2 is >= 0 and < 1, r.Beta2 is null && beta2 is not null ? "beta2" : $"{field}.beta2", "β2 must be in [0, 1).");
        errors.Check(settings.Eps is > 0 and < 1, $"{field}.eps", "eps must be in (0, 1).");
        errors.Check(settings.Momentum is >= 0 and < 1, $"{field}.momentum", "momentum must be in [0, 1).");
        errors.Check(!settings.Nesterov || settings.Momentum > 0, $"{field}.nesterov", "Nesterov momentum needs momentum > 0.");
        errors.Check(settings.WeightDecay is >= 0 and <= 1, $"{field}.weightDecay", "weightDecay must be in [0, 1].");
        errors.Check(settings.Alpha is > 0 and < 1, $"{field}.alpha", "alpha must be in (0, 1).");
        return settings;
    }

    /// <param name="defaults">The family's schedule, used when the request has none.</param>
    public static LearningRateSchedule MapSchedule(ScheduleRequest? request, LearningRateSchedule defaults, int steps, double smallestLr, FieldErrors errors)
    {
        if (request is null) return defaults;
        var r = request;
        var type = r.Type ?? LearningRateSchedule.Constant;
        errors.Check(LearningRateSchedule.Types.Contains(type), "schedule.type", $"Unknown schedule '{type}'; expected one of: {string.Join(", ", LearningRateSchedule.Types)}.");
        var only = $"applies to the {{0}} schedule only, not '{type}'";
        if (type != LearningRateSchedule.StepDecay)
        {
            errors.NotFor(r.StepSize, "schedule.stepSize", string.Format(only, "step"));
            errors.NotFor(r.Gamma, "schedule.gamma", string.Format(only, "step"));
        }
        if (type != LearningRateSchedule.Exponential) errors.NotFor(r.TimeConstant, "schedule.timeConstant", string.Format(only, "exponential"));
        if (type != LearningRateSchedule.Polynomial) errors.NotFor(r.Power, "schedule.power", string.Format(only, "polynomial"));
        if (type != LearningRateSchedule.Linear) errors.NotFor(r.EndLr, "schedule.endLr", string.Format(only, "linear"));
        if (type != LearningRateSchedule.Cosine) errors.NotFor(r.MinLr, "schedule.minLr", string.Format(only, "cosine"));

        var plain = new LearningRateSchedule();
        var schedule = new LearningRateSchedule
        {
            Type = type, WarmupSteps = r.WarmupSteps ?? 0, StepSize = r.StepSize ?? plain.StepSize, Gamma = r.Gamma ?? plain.Gamma,
            TimeConstant = r.TimeConstant, Power = r.Power ?? plain.Power, EndLr = r.EndLr ?? 0, MinLr = r.MinLr ?? 0,
            HoldFraction = r.HoldFraction ?? defaults.HoldFraction,
        };
        errors.Check(schedule.HoldFraction is >= 0 and < 1, "schedule.holdFraction", "holdFraction must be in [0, 1).");
        errors.Check(schedule.WarmupSteps >= 0 && schedule.WarmupSteps < Math.Max(steps, 1), "schedule.warmupSteps", "warmupSteps must be between 0 and steps − 1.");
        errors.Check(schedule.StepSize >= 1, "schedule.stepSize", "stepSize must be at least 1.");
        errors.Check(schedule.Gamma is > 0 and <= 1, "schedule.gamma", "gamma must be in (0, 1].");
        errors.Check(schedule.TimeConstant is null or > 0, "schedule.timeConstant", "timeConstant must be positive.");
        errors.Check(schedule.Power is > 0 and <= 10, "schedule.power", "power must be in (0, 10].");
        errors.Check(schedule.EndLr >= 0 && schedule.EndLr <= 1, "schedule.endLr", "endLr must be in [0, 1].");
        errors.Check(schedule.MinLr >= 0 && (type != LearningRateSchedule.Cosine || schedule.MinLr < smallestLr), "schedule.minLr",
            "minLr must be zero or positive and below the learning rate.");
        return schedule;
    }
}
