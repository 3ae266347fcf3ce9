using Microsoft.Extensions.Options;
using TorchSharp;

namespace GenApi.Worker.Training;

/// <summary>The torch device this process computes on, resolved once from <see cref="WorkerOptions"/>.</summary>
public sealed class TorchDevice
{
    public TorchDevice(IOptions<WorkerOptions> options)
    {
        var setting = options.Value.Device;
        var wanted = setting == "auto" ? (torch.cuda.is_available() ? "cuda" : "cpu") : setting;
        if (wanted.StartsWith("cuda", StringComparison.Ordinal) && !torch.cuda.is_available())
            throw new InvalidOperationException(
                $"Worker:Device is '{setting}' but CUDA is not available: build with -p:TorchBackend=cuda on a GPU host, or set Worker:Device=cpu.");
        Device = torch.device(wanted);
        if (Device.type == DeviceType.CPU)
            torch.set_num_threads(options.Value.Threads > 0 ? options.Value.Threads : Environment.ProcessorCount);
    }

    public torch.Device Device { get; }

    public override string ToString() => Device.ToString();
}
