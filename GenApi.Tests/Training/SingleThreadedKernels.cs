using static TorchSharp.torch;

namespace GenApi.Tests.Training;

/// <summary>
/// For tests that assert byte-equal training (resume, recovered updates): they train on one intra-op thread. libtorch
/// 2.10's CPU kernels are not deterministic with two threads on an AMD EPYC family 26 host (avx512f, avx512_bf16): the same
/// generator's backward from the same inputs gave other low bits on later calls; with one thread it did not. The suite runs
/// test classes one at a time (xunit.runner.json), so the setting does not reach another test.
/// </summary>
public abstract class SingleThreadedKernels : IDisposable
{
    private readonly int _threads = get_num_threads();

    protected SingleThreadedKernels() => set_num_threads(1);

    public void Dispose()
    {
        set_num_threads(_threads);
        GC.SuppressFinalize(this);
    }
}
