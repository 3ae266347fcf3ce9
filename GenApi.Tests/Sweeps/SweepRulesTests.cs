using System.Text.Json;
using GenApi.Worker.Contracts;
using GenApi.Worker.Sweeps;

namespace GenApi.Tests.Sweeps;

/// <summary>The sweep rules as pure functions: proposals and early-stopping decisions, against hand-computed answers.</summary>
public sealed class SweepRulesTests
{
    private static JsonElement J(object value) => JsonSerializer.SerializeToElement(value);

    private static SweepSpec Space(SweepMethod method, int maxTrials = 9, long seed = 7) => new()
    {
        BaseRequest = "{}", Method = method, MaxTrials = maxTrials, Seed = seed, Steps = 1000, CheckpointEvery = 100,
        Parameters =
        [
            new SweepParameter("learningRate", Min: 1e-4, Max: 3e-3, Distribution: ParameterDistribution.LogUniform),
            new SweepParameter("loss", [J("bce"), J("hinge")]),
            new SweepParameter("batchSize", Min: 16, Max: 64, Distribution: ParameterDistribution.IntUniform),
        ],
    };

    [Fact]
    public void Grid_EnumeratesEveryCombination_InOrder_LastParameterFastest_ThenStops()
    {
        var sweep = new SweepSpec
        {
            BaseRequest = "{}", Method = SweepMethod.Grid,
            Parameters = [new SweepParameter("loss", [J("bce"), J("hinge"), J("lsgan")]), new SweepParameter("batchSize", [J(32), J(64)])],
        };
        Assert.Equal(6, sweep.GridSize);
        var trials = Enumerable.Range(0, 6).Select(n => TrialSampler.Propose(sweep, n, [])!)
            .Select(p => $"{p["loss"].GetString()}/{p["batchSize"].GetInt32()}").ToList();
        Assert.Equal(["bce/32", "bce/64", "hinge/32", "hinge/64", "lsgan/32", "lsgan/64"], trials);
        Assert.Null(TrialSampler.Propose(sweep, 6, []));
    }

    [Theory]
    [InlineData(SweepMethod.Random)]
    [InlineData(SweepMethod.Tpe)]
    public void Proposals_AreTheSame_ForTheSameSeedAndHistory_AndStayInTheirRanges(SweepMethod method)
    {
        var history = new List<TrialOutcome>();
        List<string> Run(long seed)
        {
            var sweep = Space(method, seed: seed);
            var seen = new List<string>();
            history.Clear();
            for (var n = 0; n < 9; n++)
            {
                var p = TrialSampler.Propose(sweep, n, history)!;
                seen.Add(JsonSerializer.Serialize(p));
                var lr = p["learningRate"].GetDouble();
                Assert.InRange(lr, 1e-4, 3e-3);
                Assert.InRange(p["batchSize"].GetInt32(), 16, 64);
                Assert.Contains(p["loss"].GetString(), new[] { "bce", "hinge" });
                // A made-up objective with its optimum at lr 1e-3 and hinge.
                history.Add(new TrialOutcome(p, Math.Abs(Math.Log10(lr) + 3) + (p["loss"].GetString() == "hinge" ? 0 : 0.5), 1000));
            }
            return seen;
        }
        var first = Run(7);
        Assert.Equal(first, Run(7));
        Assert.NotEqual(first, Run(8));
    }

    [Fact]
    public void Tpe_AfterItsRandomStart_ProposesNearTheBestTrials()
    {
        var sweep = Space(SweepMethod.Tpe, maxTrials: 40, seed: 3);
        var history = new List<TrialOutcome>();
        double Objective(IReadOnlyDictionary<string, JsonElement> p) =>
            Math.Abs(Math.Log10(p["learningRate"].GetDouble()) + 3) + (p["loss"].GetString() == "hinge" ? 0 : 0.5);
        for (var n = 0; n < 40; n++)
        {
            var p = TrialSampler.Propose(sweep, n, history)!;
            history.Add(new TrialOutcome(p, Objective(p), 1000));
        }
        var startup = ParzenSampler.StartupTrials(40);
        var randomPart = history.Take(startup).Average(t => t.Loss!.Value);
        var modelPart = history.Skip(history.Count - 10).Average(t => t.Loss!.Value);
        Assert.True(modelPart < randomPart / 2, $"TPE's last 10 trials average {modelPart:F3}, the random start {randomPart:F3}");
        Assert.True(history.Skip(history.Count - 10).Count(t => t.Parameters["loss"].GetString() == "hinge") >= 7);
    }

    // minSteps 100, η 3, 1000 steps: rungs at 100, 300 and 900.
    private static SweepSpec Asha() => new()
    {
        BaseRequest = "{}", Parameters = [], Metric = new SweepMetric(SweepMetric.FrechetDistance, SweepGoal.Minimize),
        EarlyStopping = new EarlyStopping(EarlyStoppingType.Asha, Eta: 3, MinSteps: 100),
    };

    [Fact]
    public void Asha_KeepsTheTopThird_OfTheTrialsScoredAtARung()
    {
        var sweep = Asha();
        Assert.Equal([100, 300, 900], sweep.EarlyStopping.Rungs(1000, 100));
        double[] earlier = [50, 40, 60, 30, 70];
        // 6 trials at the rung: ⌊6/3⌋ = 2 go on, i.e. 30 and the better of 40 and this one.
        Assert.Null(TrialPruner.Decide(sweep, 100, 1000, 100, 35, earlier));
        Assert.Null(TrialPruner.Decide(sweep, 100, 1000, 100, 40, earlier)); // a tie goes on
        var reason = TrialPruner.Decide(sweep, 100, 1000, 100, 45, earlier);
        Assert.Equal("pruned at rung 1 (step 100) by asha: frechetDistance 45 is not in the top 1/3 of the 6 trials scored there (2 go on; cut-off 40)", reason);
        // The first trial at a rung always goes on; with 2 there, only the better one.
        Assert.Null(TrialPruner.Decide(sweep, 300, 1000, 100, 99, []));
        Assert.NotNull(TrialPruner.Decide(sweep, 300, 1000, 100, 99, [98]));
        // Between rungs, and at the last step, nothing is decided.
        Assert.Null(TrialPruner.Decide(sweep, 200, 1000, 100, 1e9, earlier));
        Assert.Null(TrialPruner.Decide(sweep, 1000, 1000, 100, 1e9, earlier));
        // Maximized metrics rank the other way.
        var recall = sweep with { Metric = new SweepMetric(SweepMetric.Recall, SweepGoal.Maximize) };
        Assert.Null(TrialPruner.Decide(recall, 100, 1000, 100, 0.9, [0.5, 0.6]));
        Assert.NotNull(TrialPruner.Decide(recall, 100, 1000, 100, 0.4, [0.5, 0.6]));
    }

    [Fact]
    public void Median_StopsTrialsWorseThanTheOthersMedian_OnceEnoughOthersAreScored()
    {
        var sweep = Asha() with { EarlyStopping = new EarlyStopping(EarlyStoppingType.Median, MinSteps: 200, StartupTrials: 2) };
        Assert.Null(TrialPruner.Decide(sweep, 200, 1000, 100, 25, [10])); // one other: too few
        Assert.Equal("pruned at step 200 by the median rule: frechetDistance 25 is worse than the median 20 of the 3 other trials scored there",
            TrialPruner.Decide(sweep, 200, 1000, 100, 25, [10, 20, 30]));
        Assert.Null(TrialPruner.Decide(sweep, 200, 1000, 100, 15, [10, 20, 30]));
        Assert.Null(TrialPruner.Decide(sweep, 300, 1000, 100, 22, [10, 20, 30, 40])); // median 25
        Assert.Null(TrialPruner.Decide(sweep, 100, 1000, 100, 99, [10, 20, 30])); // before minSteps
    }

    [Fact]
    public void TrialJobIds_AreDerivedFromTheSweepAndNumber()
    {
        Assert.Equal(SweepRecord.TrialJobId("sweep_a", 3), SweepRecord.TrialJobId("sweep_a", 3));
        Assert.NotEqual(SweepRecord.TrialJobId("sweep_a", 3), SweepRecord.TrialJobId("sweep_a", 4));
        Assert.Matches("^job_[0-9a-f]{32}$", SweepRecord.TrialJobId("sweep_a", 3));
    }
}
