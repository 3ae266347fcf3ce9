using GenApi.Worker.Contracts;
using GenApi.Worker.Training;
using static TorchSharp.torch;

namespace GenApi.Tests.Training;

public sealed class OptimizerTests
{
    [Theory]
    [InlineData("sgd")]
    [InlineData("adam")]
    [InlineData("adamw")]
    [InlineData("rmsprop")]
    [InlineData("adagrad")]
    public void EveryOptimizer_MovesTheWeightsDownhill(string type)
    {
        using var scope = NewDisposeScope();
        manual_seed(3);
        var layer = nn.Linear(4, 1);
        var x = randn(32, 4);
        var y = x.matmul(tensor(new float[] { 1, -2, 3, 0.5f }).unsqueeze(1));
        using var optimizer = new OptimizerSettings { Type = type, LearningRate = 0.01, Momentum = type is "rmsprop" ? 0.9 : 0 }.Create(layer.parameters());
        var before = layer.weight!.clone();
        double Loss() => nn.functional.mse_loss(layer.call(x), y).item<float>();
        var initial = Loss();
        for (var i = 0; i < 20; i++)
        {
            optimizer.zero_grad();
            nn.functional.mse_loss(layer.call(x), y).backward();
            optimizer.step();
        }
        Assert.False(before.equal(layer.weight!).all().item<bool>(), $"{type} left the weights unchanged");
        Assert.True(Loss() < initial, $"{type}: loss {Loss()} did not fall below {initial}");
    }

    [Fact]
    public void AdamW_DecaysWeightsThatHaveNoGradient()
    {
        using var scope = NewDisposeScope();
        var weight = nn.Parameter(ones(3));
        using var optimizer = new OptimizerSettings { Type = "adamw", LearningRate = 0.1, WeightDecay = 0.5 }.Create([weight]);
        weight.grad = zeros(3);
        optimizer.step();
        // Decoupled decay: w ← w − lr·λ·w with a zero gradient.
        Assert.Equal(1 - 0.1 * 0.5, weight[0].item<float>(), 5);
    }
}
