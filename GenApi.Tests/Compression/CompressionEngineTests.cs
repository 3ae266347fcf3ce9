using GenApi.Worker.Compression;
using GenApi.Worker.Contracts;
using GenApi.Worker.Models;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace GenApi.Tests.Compression;

/// <summary>The compression methods on tiny networks: exact sparsity, real channel removal, bounded quantization error, distillation that learns.</summary>
public sealed class CompressionEngineTests
{
    private static readonly ModelConfig Config = new(28, 1, LatentDim: 16, BaseChannels: 8);

    private static DcganGenerator Generator(ModelConfig config, int seed)
    {
        manual_seed(seed);
        return new DcganGenerator(config);
    }

    [Theory]
    [InlineData(true, 0.5)]
    [InlineData(false, 0.75)]
    [InlineData(true, 0.9)]
    public void MagnitudePruning_ReachesTheSparsityExactly_AndKeepsTheLargestWeights(bool global, double sparsity)
    {
        using var g = Generator(Config, 1);
        var weights = MagnitudePruning.Prunable(g);
        Assert.DoesNotContain(weights, w => w.Weight.dim() < 2);
        var before = weights.ToDictionary(w => w.Name, w => w.Weight.detach().clone());
        var masks = MagnitudePruning.Apply(g, sparsity, global);

        var total = weights.Sum(w => w.Weight.NumberOfElements);
        var zeros = weights.Sum(w => w.Weight.eq(0).sum().item<long>());
        if (global) Assert.Equal((long)Math.Round(sparsity * total, MidpointRounding.AwayFromZero), zeros);
        else
            foreach (var (name, weight) in weights)
                Assert.Equal((long)Math.Round(sparsity * weight.NumberOfElements, MidpointRounding.AwayFromZero), weight.eq(0).sum().item<long>());
        // Every kept weight is unchanged and at least as large as every pruned one (per layer, or across them).
        foreach (var (name, weight) in weights)
        {
            Assert.True(weight.eq(before[name] * masks[name]).all().item<bool>());
            var kept = before[name].abs().masked_select(masks[name].to(ScalarType.Bool));
            var pruned = before[name].abs().masked_select(masks[name].eq(0));
            if (!global && kept.NumberOfElements > 0 && pruned.NumberOfElements > 0) Assert.True(kept.min().item<float>() >= pruned.max().item<float>());
        }
        Assert.Equal(zeros / (double)total, MagnitudePruning.Sparsity(g), 12);
    }

    [Fact]
    public void ChannelPruning_RemovesTheWeakestFilters_AndTheNarrowGeneratorDrawsTheSameShape()
    {
        using var teacher = Generator(Config, 2);
        // Make filters 3 and 12 of the first layer (16 = 8 << 1 wide) the strongest: they must survive.
        var project = teacher.named_parameters().Single(p => p.name == "_net.project.weight").parameter;
        using (no_grad()) project.index_fill_(1, tensor(new long[] { 3, 12 }), 5f);
        using var student = new DcganGenerator(Config with { BaseChannels = 4 });
        ChannelPruning.Narrow(teacher, student);

        var layers = student.named_modules().Where(m => m.module is ConvTranspose2d).Select(m => ((ConvTranspose2d)m.module).weight!.shape).ToList();
        Assert.Equal([[16, 8, 7, 7], [8, 4, 4, 4], [4, 1, 4, 4]], layers.Select(s => s.ToArray()));
        var kept = student.named_parameters().Single(p => p.name == "_net.project.weight").parameter;
        Assert.Equal(2, kept.eq(5f).all(dim: 0).all(dim: 1).all(dim: 1).sum().item<long>());
        // Batch norm follows its channels; the next layer reads only the kept ones.
        var teacherNorm = teacher.named_buffers().Single(b => b.name == "_net.project_bn.running_var").buffer;
        Assert.Equal(8, student.named_buffers().Single(b => b.name == "_net.project_bn.running_var").buffer.shape[0]);
        Assert.Equal(16, teacherNorm.shape[0]);
        student.eval();
        using var z = randn(5, 16);
        Assert.Equal(new long[] { 5, 1, 28, 28 }, student.call(z).shape);
        Assert.True(ModelCosts.Of(student).FlopsPerSample < ModelCosts.Of(teacher).FlopsPerSample / 3);
    }

    [Fact]
    public void ChannelPruning_ToTheSameWidth_CopiesTheNetwork()
    {
        using var teacher = Generator(Config with { Classes = 3 }, 3);
        using var student = Generator(Config with { Classes = 3 }, 4);
        ChannelPruning.Narrow(teacher, student);
        teacher.eval();
        student.eval();
        using var z = randn(4, 16);
        using var labels = tensor(new long[] { 0, 1, 2, 0 });
        Assert.True(teacher.call(z, labels).allclose(student.call(z, labels)));
    }

    [Theory]
    [InlineData("int8")]
    [InlineData("fp16")]
    [InlineData("bf16")]
    [InlineData(null)]
    public void Quantization_RoundTrip_StaysWithinItsBound_AndShrinksTheFile(string? kind)
    {
        using var g = Generator(Config with { Classes = 3 }, 5);
        var folder = TestPaths.NewScratch();
        g.save(Path.Combine(folder, "plain.pt"));
        var path = Path.Combine(folder, "compressed.pt");
        WeightCodec.Save(g, path, kind);
        Assert.True(WeightCodec.IsEncoded(path));
        Assert.False(WeightCodec.IsEncoded(Path.Combine(folder, "plain.pt")));
        using var loaded = Generator(Config with { Classes = 3 }, 6);
        WeightCodec.Load(loaded, path);

        var weights = MagnitudePruning.Prunable(g).Select(w => w.Name).ToHashSet();
        var restored = loaded.state_dict();
        foreach (var (name, original) in g.state_dict())
        {
            var error = (restored[name].to(ScalarType.Float64) - original.to(ScalarType.Float64)).abs();
            if (!weights.Contains(name) || kind is null) { Assert.True(restored[name].eq(original).all().item<bool>(), name); continue; }
            // int8: half a step of its row's scale; fp16 and bf16: half an ulp at their mantissa widths (11 and 8 bits).
            var bound = kind switch
            {
                "int8" => original.abs().flatten(1).max(1).values.div(127 * 2).view([-1, .. Enumerable.Repeat(1L, (int)original.dim() - 1)]).to(ScalarType.Float64) + 1e-7,
                "fp16" => original.abs().to(ScalarType.Float64) * Math.Pow(2, -11) + 1e-7,
                _ => original.abs().to(ScalarType.Float64) * Math.Pow(2, -8) + 1e-12,
            };
            Assert.True(error.le(bound).all().item<bool>(), $"{kind} {name}: max error {error.max().item<double>()}");
        }
        var ratio = new FileInfo(Path.Combine(folder, "plain.pt")).Length / (double)new FileInfo(path).Length;
        var (low, high) = kind switch { "int8" => (3.3, 4.2), "fp16" or "bf16" => (1.85, 2.1), _ => (0.95, 1.1) };
        Assert.True(ratio > low && ratio < high, $"{kind}: plain/compressed {ratio}");
    }

    [Fact]
    public void SparseWeights_AreStoredAsMaskAndValues_AndLoadExactly()
    {
        using var g = Generator(Config, 7);
        MagnitudePruning.Apply(g, 0.9, global: true);
        var folder = TestPaths.NewScratch();
        var (dense, sparse) = (Path.Combine(folder, "dense.pt"), Path.Combine(folder, "sparse.pt"));
        g.save(dense);
        WeightCodec.Save(g, sparse, null);
        // 10 % of fp32 values plus one bit per weight: about a quarter of the dense file.
        var ratio = new FileInfo(sparse).Length / (double)new FileInfo(dense).Length;
        Assert.True(ratio is > 0.1 and < 0.3, $"sparse/dense {ratio}");
        using var loaded = Generator(Config, 8);
        WeightCodec.Load(loaded, sparse);
        foreach (var (name, tensor) in g.state_dict()) Assert.True(loaded.state_dict()[name].eq(tensor).all().item<bool>(), name);
    }

    [Fact]
    public void Distillation_LowersTheTeacherStudentError_AndKeepsPrunedWeightsAtZero()
    {
        using var teacher = Generator(Config, 9);
        // DCGAN's initialisation draws images near 0; a teacher with a range to imitate makes the test mean something.
        using (no_grad()) teacher.named_parameters().Single(p => p.name == "_net.to_image.weight").parameter.mul_(40);
        teacher.eval();
        using var student = new DcganGenerator(Config with { BaseChannels = 4 });
        var before = Distillation.MeanAbsoluteError(teacher, student, CPU);
        var masks = MagnitudePruning.Apply(student, 0.5, global: true);
        var reports = new List<(int Step, double Pixel)>();
        new Distillation(teacher, student, CPU).Train(100, 16, 2e-3, DistillSpec.L1, 0, null, masks, (step, pixel, _) => reports.Add((step, pixel)),
            CancellationToken.None, seed: 1);
        var after = Distillation.MeanAbsoluteError(teacher, student, CPU);
        Assert.True(after < before * 0.7, $"error {before:0.####} → {after:0.####}");
        Assert.Equal([50, 100], reports.Select(r => r.Step));
        Assert.Equal(0.5, MagnitudePruning.Sparsity(student), 2);
    }

    [Fact]
    public void TheFeatureTerm_DefaultsOnWhereTheDatasetHasAClassifier_AndChannelPruningSetsTheStudentsWidth()
    {
        var distill = new CompressionSpec("m", Distill: new DistillSpec(16));
        Assert.Equal(DistillSpec.DefaultFeatureWeight, distill.Resolve(parentHasTestSplit: true).Distill!.FeatureWeight);
        Assert.Equal(0, distill.Resolve(parentHasTestSplit: false).Distill!.FeatureWeight);
        Assert.Equal(0.5, new CompressionSpec("m", Distill: new DistillSpec(16, FeatureWeight: 0.5)).Resolve(true).Distill!.FeatureWeight);
        Assert.Equal((16, 64, 16), (distill.StudentBaseChannels(64), new CompressionSpec("m", Quantize: "int8").StudentBaseChannels(64),
            new CompressionSpec("m", new PruneSpec(0.75, PruneSpec.Channels)).StudentBaseChannels(64)));
    }

    [Fact]
    public void ATranslator_IsNotCompressed_AndTheFeatureTermNeedsATestSplit()
    {
        var translator = new Worker.Contracts.ModelRecord
        {
            Id = "model_t", JobId = "job_t", Family = "cyclegan", Dataset = "synthetic", Steps = 1, CreatedAt = DateTimeOffset.UnixEpoch,
            Config = new ModelConfig(28, 1, BaseChannels: 8, Family: "cyclegan"),
        };
        var errors = new Worker.Contracts.FieldErrors();
        new CompressionSpec("model_t", Quantize: CompressionSpec.Int8).Validate(translator, parentHasTestSplit: true, errors);
        var only = Assert.Single(errors.ToDictionary());
        Assert.Equal("id", only.Key);
        Assert.Contains("sample from noise", only.Value[0]);

        var generator = translator with { Family = "dcgan", Config = Config };
        errors = new Worker.Contracts.FieldErrors();
        new CompressionSpec("model_t", Distill: new DistillSpec(4, FeatureWeight: 1)).Validate(generator, parentHasTestSplit: false, errors);
        Assert.Equal(["distill.featureWeight"], errors.ToDictionary().Keys);
    }

    [Fact]
    public void Flops_OfAnMlp_AreTwiceItsWeights()
    {
        using var mlp = new MlpGenerator(Config);
        var linear = mlp.named_modules().Where(m => m.module is Linear).Sum(m => ((Linear)m.module).weight!.NumberOfElements);
        Assert.Equal(2 * linear, ModelCosts.Of(mlp).FlopsPerSample);
    }
}
