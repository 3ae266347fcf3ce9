using GenApi.Worker.Native;

namespace GenApi.Tests.Native;

public sealed class ElfVersionPatcherTests
{
    private const string Version = "GLIBCXX_3.4.32";

    private static string PackagedLibrary => Path.Combine(
        TestPaths.NuGetPackageRoot, "torchsharp", "0.107.0", "runtimes", "linux-x64", "native", "libLibTorchSharp.so");

    private static string OutputLibrary => Path.Combine(AppContext.BaseDirectory, "runtimes", "linux-x64", "native", "libLibTorchSharp.so");

    [Fact]
    public void MarkVersionWeak_SetsOnlyTheFlag_AndIsIdempotent()
    {
        var copy = Path.Combine(TestPaths.NewScratch(), "libLibTorchSharp.so");
        File.Copy(PackagedLibrary, copy);
        var original = File.ReadAllBytes(copy);
        Assert.False(ElfVersionPatcher.IsVersionWeak(copy, Version));

        Assert.Equal(ElfPatchOutcome.Patched, ElfVersionPatcher.MarkVersionWeak(copy, Version));
        var patched = File.ReadAllBytes(copy);
        Assert.True(ElfVersionPatcher.IsVersionWeak(copy, Version));
        Assert.Equal(original.Length, patched.Length);
        Assert.Single(Enumerable.Range(0, original.Length), i => original[i] != patched[i]);

        Assert.Equal(ElfPatchOutcome.AlreadyWeak, ElfVersionPatcher.MarkVersionWeak(copy, Version));
        Assert.Equal(patched, File.ReadAllBytes(copy));
    }

    [Fact]
    public void Build_PatchesOutputCopy_OnlyWhereSystemLacksTheVersion_AndNeverTheNuGetCache()
    {
        Assert.False(ElfVersionPatcher.IsVersionWeak(PackagedLibrary, Version));
        Assert.Equal(!ElfVersionPatcher.SystemLibStdCxxHas(Version), ElfVersionPatcher.IsVersionWeak(OutputLibrary, Version));
    }

    [Fact]
    public void MarkVersionWeak_LeavesOtherFilesAlone()
    {
        var text = Path.Combine(TestPaths.NewScratch(), "not-elf.so");
        File.WriteAllText(text, "not an ELF file, long enough to have a header's worth of bytes in it........");
        Assert.Equal(ElfPatchOutcome.NotElf64, ElfVersionPatcher.MarkVersionWeak(text, Version));

        var copy = Path.Combine(TestPaths.NewScratch(), "libLibTorchSharp.so");
        File.Copy(PackagedLibrary, copy);
        Assert.Equal(ElfPatchOutcome.VersionNotRequired, ElfVersionPatcher.MarkVersionWeak(copy, "GLIBCXX_9.9.99"));
    }
}
