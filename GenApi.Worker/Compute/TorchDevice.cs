using GenApi.Worker.Compute.Kernels;
using Microsoft.Extensions.Options;
using TorchSharp;

namespace GenApi.Worker.Compute;

/// <summary>The torch device this process computes on, resolved once from <see cref="WorkerOptions"/>.</summary>
public sealed class TorchDevice
{
    public TorchDevice(IOptions<WorkerOptions> options)
    {
        var setting = options.Value.Device;
        // Options validation has already refused CUDA where it is not available.
        Device = torch.device(setting == "auto" ? (torch.cuda.is_available() ? "cuda" : "cpu") : setting);
        if (Device.type == DeviceType.CPU)
            torch.set_num_threads(options.Value.Threads > 0 ? options.Value.Threads : Environment.ProcessorCount);
        Kernels = KernelSelection.Ensure(options.Value.OneDnn);
    }

    public torch.Device Device { get; }

    /// <summary>The CPU kernels this process measured and kept.</summary>
    public Kernels.KernelReport Kernels { get; }

    public override string ToString() => Device.ToString();
}
