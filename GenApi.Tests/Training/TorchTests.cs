using TorchSharp;
using static TorchSharp.torch;

namespace GenApi.Tests.Training;

public sealed class TorchTests
{
    [Fact]
    public void Torch_Loads_AndConvolutionRunsForwardAndBackward()
    {
        using var scope = NewDisposeScope();
        using var conv = nn.Conv2d(1, 4, 3);
        var input = randn(2, 1, 8, 8);
        var output = conv.call(input);
        Assert.Equal(new long[] { 2, 4, 6, 6 }, output.shape);
        output.square().sum().backward();
        Assert.True(conv.weight!.grad!.abs().sum().item<float>() > 0);
    }
}
