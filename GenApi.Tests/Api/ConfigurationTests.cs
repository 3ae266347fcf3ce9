using Microsoft.Extensions.Options;

namespace GenApi.Tests.Api;

public sealed class ConfigurationTests
{
    [Theory]
    [InlineData("gpu", "Worker:Device must be auto, cpu, cuda or cuda:N.")]
    [InlineData("cuda", "CUDA, which is not available")]
    public void Startup_FailsWithAClearMessage_ForAnUnusableDevice(string device, string message)
    {
        if (device == "cuda" && TorchSharp.torch.cuda.is_available()) return; // a GPU host can use it
        using var app = new GenApiFactory(TestPaths.NewScratch(), device: device);
        var error = Assert.ThrowsAny<OptionsValidationException>(() => app.CreateClient());
        Assert.Contains(message, error.Message);
    }
}
