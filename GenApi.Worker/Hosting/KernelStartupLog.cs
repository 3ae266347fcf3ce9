using GenApi.Worker.Compute;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace GenApi.Worker.Hosting;

/// <summary>
/// Says at start-up which CPU this worker trains on and what its kernel check found, so that a host whose libtorch
/// kernels misbehave is seen in its log before any job fails.
/// </summary>
public sealed class KernelStartupLog(TorchDevice device, ILogger<KernelStartupLog> logger) : IHostedService
{
    public Task StartAsync(CancellationToken cancellationToken)
    {
        var report = device.Kernels;
        if (report.StillFaulty)
            logger.LogError("Training on {Device}; {Kernels}. Updates with non-finite gradients are recomputed, wrong finite ones are not: set Worker:OneDnn or use another host.", device, report);
        else if (report.WithOneDnn is { Faulty: true })
            logger.LogWarning("Training on {Device}; {Kernels}", device, report);
        else
            logger.LogInformation("Training on {Device}; {Kernels}", device, report);
        return Task.CompletedTask;
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
