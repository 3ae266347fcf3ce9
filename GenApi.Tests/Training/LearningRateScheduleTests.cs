using GenApi.Worker.Contracts;

namespace GenApi.Tests.Training;

public sealed class LearningRateScheduleTests
{
    private const double Lr = 0.01;
    private const int Steps = 1000;

    [Theory]
    [InlineData(0)]
    [InlineData(1)]
    [InlineData(499)]
    [InlineData(999)]
    public void Constant_KeepsTheBaseRate(int t) => Assert.Equal(Lr, new LearningRateSchedule().At(t, Steps, Lr), 12);

    [Theory]
    [InlineData(0, 1.0)]
    [InlineData(299, 1.0)]
    [InlineData(300, 0.1)]
    [InlineData(650, 0.01)]
    [InlineData(999, 0.001)]
    public void Step_MultipliesByGammaEveryStepSize(int t, double factor) =>
        Assert.Equal(Lr * factor, new LearningRateSchedule { Type = "step", StepSize = 300, Gamma = 0.1 }.At(t, Steps, Lr), 12);

    [Theory]
    [InlineData(0)]
    [InlineData(100)]
    [InlineData(500)]
    [InlineData(999)]
    public void Exponential_IsEta0TimesExpOfMinusTOverT(int t)
    {
        Assert.Equal(Lr * Math.Exp(-t / 250.0), new LearningRateSchedule { Type = "exponential", TimeConstant = 250 }.At(t, Steps, Lr), 12);
        // Without T, the decay's length: the rate ends at η0/e.
        Assert.Equal(Lr * Math.Exp(-t / (double)Steps), new LearningRateSchedule { Type = "exponential" }.At(t, Steps, Lr), 12);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(250)]
    [InlineData(750)]
    [InlineData(999)]
    public void Polynomial_IsEta0TimesOneMinusTOverTToTheGamma(int t) =>
        Assert.Equal(Lr * Math.Pow(1 - t / (double)Steps, 2.5), new LearningRateSchedule { Type = "polynomial", Power = 2.5 }.At(t, Steps, Lr), 12);

    [Theory]
    [InlineData(0)]
    [InlineData(200)]
    [InlineData(500)]
    [InlineData(1000)]
    public void Linear_GoesFromEta0ToEndLr(int t) =>
        Assert.Equal(Lr + (0.002 - Lr) * t / Steps, new LearningRateSchedule { Type = "linear", EndLr = 0.002 }.At(t, Steps, Lr), 12);

    [Theory]
    [InlineData(0)]
    [InlineData(250)]
    [InlineData(500)]
    [InlineData(1000)]
    public void Cosine_GoesFromEta0ToMinLr(int t) =>
        Assert.Equal(1e-4 + (Lr - 1e-4) * (1 + Math.Cos(Math.PI * t / Steps)) / 2,
            new LearningRateSchedule { Type = "cosine", MinLr = 1e-4 }.At(t, Steps, Lr), 12);

    [Fact]
    public void Warmup_RisesLinearly_ThenTheDecayStartsFromEta0()
    {
        var schedule = new LearningRateSchedule { Type = "cosine", WarmupSteps = 100 };
        Assert.Equal(Lr / 100, schedule.At(0, Steps, Lr), 12);
        Assert.Equal(Lr * 50 / 100, schedule.At(49, Steps, Lr), 12);
        Assert.Equal(Lr, schedule.At(99, Steps, Lr), 12);
        Assert.Equal(Lr, schedule.At(100, Steps, Lr), 12);
        // t counts from the end of the warm-up over T = steps − W.
        Assert.Equal(Lr * (1 + Math.Cos(Math.PI * 450 / 900.0)) / 2, schedule.At(550, Steps, Lr), 12);
    }

    [Theory]
    [InlineData("none", 256, 1, 1.0)]
    [InlineData("linear", 256, 1, 4.0)]
    [InlineData("sqrt", 256, 1, 2.0)]
    [InlineData("linear", 32, 4, 2.0)]
    public void LrScaling_ScalesWithTheEffectiveBatch(string scaling, int batch, int accumulate, double factor) =>
        Assert.Equal(factor, new TrainingSettings { LrScaling = scaling, BatchSize = batch, AccumulateSteps = accumulate }.LrFactor, 12);
}
