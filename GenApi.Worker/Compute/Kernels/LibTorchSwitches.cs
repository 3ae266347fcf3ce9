using System.Runtime.InteropServices;

namespace GenApi.Worker.Compute.Kernels;

/// <summary>
/// libtorch's process-wide backend switches (<c>torch.backends.mkldnn.enabled</c>, NNPACK), which TorchSharp 0.107 does not
/// expose: called on <c>at::globalContext()</c> by their exported C++ names. A libtorch without them (another build or
/// version) leaves the switches as they are; callers are told so.
/// </summary>
internal static class LibTorchSwitches
{
    private const string Library = "libtorch_cpu.so";

    /// <summary>Whether oneDNN (MKL-DNN) kernels are on; null where the switch cannot be read.</summary>
    public static bool? OneDnnEnabled => Try(() => UserEnabledMkldnn(GlobalContext()) != 0);

    /// <summary>Turns oneDNN kernels on or off for the whole process; false where the switch is missing.</summary>
    public static bool TrySetOneDnn(bool enabled) => Try(() => { SetUserEnabledMkldnn(GlobalContext(), enabled ? (byte)1 : (byte)0); return true; }) ?? false;

    /// <summary>
    /// Turns NNPACK off where libtorch cannot use it on this CPU. libtorch otherwise prints "Could not initialize NNPACK!
    /// Reason: Unsupported hardware." at each convolution that would take it (hundreds of lines a job); asked once here, it
    /// prints that line once. True when NNPACK was turned off.
    /// </summary>
    public static bool TryDisableUnavailableNnpack() =>
        Try(() =>
        {
            if (NnpackAvailable() != 0) return false;
            SetUserEnabledNnpack(GlobalContext(), 0);
            return true;
        }) ?? false;

    private static T? Try<T>(Func<T> call) where T : struct
    {
        try { return call(); }
        catch (Exception e) when (e is DllNotFoundException or EntryPointNotFoundException) { return null; }
    }

    // DllImport, not LibraryImport: the generated stubs need unsafe code, and these signatures are blittable anyway.
#pragma warning disable SYSLIB1054
    [DllImport(Library, EntryPoint = "_ZN2at13globalContextEv")]
    private static extern IntPtr GlobalContext();

    [DllImport(Library, EntryPoint = "_ZNK2at7Context17userEnabledMkldnnEv")]
    private static extern byte UserEnabledMkldnn(IntPtr context);

    [DllImport(Library, EntryPoint = "_ZN2at7Context20setUserEnabledMkldnnEb")]
    private static extern void SetUserEnabledMkldnn(IntPtr context, byte enabled);

    [DllImport(Library, EntryPoint = "_ZN2at7Context20setUserEnabledNNPACKEb")]
    private static extern void SetUserEnabledNnpack(IntPtr context, byte enabled);

    [DllImport(Library, EntryPoint = "_ZN2at25compositeimplicitautograd17_nnpack_availableEv")]
    private static extern byte NnpackAvailable();
#pragma warning restore SYSLIB1054
}
