using GenApi.Worker.Models;
using TorchSharp;

namespace GenApi.Tests.Training;

/// <summary>Scoring and sampling blocks put networks in eval mode and each back in its own mode, thrown or not.</summary>
public sealed class EvalModeTests
{
    [Fact]
    public void EachNetwork_GoesBackToItsOwnMode_AfterTheBlock_EvenWhenItThrows()
    {
        using var training = torch.nn.Linear(2, 2);
        using var evaluating = torch.nn.Linear(2, 2);
        training.train();
        evaluating.eval();
        for (var round = 0; round < 3; round++)
        {
            using (EvalMode.Of(training, evaluating))
                Assert.False(training.training || evaluating.training);
            Assert.Equal((true, false), (training.training, evaluating.training));
            Assert.Throws<InvalidOperationException>(Score);
            Assert.Equal((true, false), (training.training, evaluating.training));
        }

        void Score()
        {
            using var _ = EvalMode.Of(training, evaluating);
            throw new InvalidOperationException("scoring failed");
        }
    }
}
