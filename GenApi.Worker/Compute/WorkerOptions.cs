using System.ComponentModel.DataAnnotations;

namespace GenApi.Worker.Compute;

/// <summary>How this process trains. Bound from the <c>Worker</c> configuration section.</summary>
public sealed class WorkerOptions
{
    public const string Section = "Worker";

    /// <summary><c>auto</c> (CUDA when available, else CPU), <c>cpu</c>, <c>cuda</c> or <c>cuda:N</c>.</summary>
    [Required, RegularExpression("^(auto|cpu|cuda(:[0-9]+)?)$", ErrorMessage = "Worker:Device must be auto, cpu, cuda or cuda:N.")]
    public string Device { get; set; } = "auto";

    /// <summary>
    /// Whether the API process also runs the training server. Unset: yes in embedded mode (SQLite),
    /// no in distributed mode (PostgreSQL), where GenApi.Worker processes train.
    /// </summary>
    public bool? Embedded { get; set; }

    /// <summary>Intra-op threads for TorchSharp on CPU; 0 means one per core.</summary>
    [Range(0, 1024)]
    public int Threads { get; set; }

    /// <summary>
    /// libtorch's oneDNN CPU kernels: <c>auto</c> checks their convolution gradients against an exact reference at start-up
    /// and turns them off where they are wrong (as on an AMD EPYC family 26 host with libtorch 2.10); <c>on</c> or <c>off</c>
    /// skip the decision.
    /// </summary>
    [Required, AllowedValues("auto", "on", "off", ErrorMessage = "Worker:OneDnn must be auto, on or off.")]
    public string OneDnn { get; set; } = Kernels.KernelSelection.Auto;

    /// <summary>
    /// Concurrent training jobs in this process, all on <see cref="Device"/>: several GPUs take one process each (one
    /// compose service per GPU), not one process with several slots.
    /// </summary>
    [Range(1, 64)]
    public int WorkerCount { get; set; } = 1;

    /// <summary>
    /// Where GenApi.Worker answers <c>/health/live</c> and <c>/health/ready</c> (semicolon-separated URLs). The default,
    /// port 0 on loopback, picks a free port so several workers share a host; containers set a fixed one.
    /// </summary>
    [Required]
    public string HealthUrls { get; set; } = "http://127.0.0.1:0";
}
