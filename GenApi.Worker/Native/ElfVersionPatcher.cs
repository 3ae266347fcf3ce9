// This file is compiled twice: into GenApi.Worker (so tests can exercise the patcher) and, by
// RoslynCodeTaskFactory in Directory.Build.targets (netstandard2.0 API only), into the MSBuild task that patches the build output.
// GENAPI_WORKER is defined only in the first case; the task wrapper at the bottom exists only in the second.
using System;
using System.IO;

namespace GenApi.Worker.Native
{
    /// <summary>What <see cref="ElfVersionPatcher.MarkVersionWeak"/> did to a file.</summary>
    public enum ElfPatchOutcome
    {
        /// <summary>The version requirement was found and its flag set.</summary>
        Patched,
        /// <summary>The requirement was already weak; the file was not written.</summary>
        AlreadyWeak,
        /// <summary>The file does not require that version.</summary>
        VersionNotRequired,
        /// <summary>Not a 64-bit little-endian ELF file.</summary>
        NotElf64,
    }

    /// <summary>
    /// Marks one symbol-version requirement of a shared library weak (VER_FLG_WEAK in the
    /// <c>.gnu.version_r</c> entry), so the dynamic loader no longer refuses the library when the
    /// system's libstdc++ lacks that version. TorchSharp 0.107 asks for GLIBCXX_3.4.32 for a single
    /// symbol that Debian 12's libstdc++ (3.4.30) does not need to provide for our use.
    /// </summary>
    public static class ElfVersionPatcher
    {
        private const uint ShtGnuVerneed = 0x6ffffffe;
        private const ushort VerFlgWeak = 0x2;

        /// <summary>Sets VER_FLG_WEAK on the requirement named <paramref name="version"/>; idempotent.</summary>
        public static ElfPatchOutcome MarkVersionWeak(string path, string version)
        {
            var bytes = File.ReadAllBytes(path);
            var offset = FindVernauxFlagsOffset(bytes, version);
            if (offset < 0) return (ElfPatchOutcome)(-offset);
            var flags = BitConverter.ToUInt16(bytes, offset);
            if ((flags & VerFlgWeak) != 0) return ElfPatchOutcome.AlreadyWeak;
            BitConverter.GetBytes((ushort)(flags | VerFlgWeak)).CopyTo(bytes, offset);
            // Write a new file and rename it over the old one: the output copy may be a hard link
            // into the NuGet cache, which must never change.
            var temp = path + ".patching";
            File.WriteAllBytes(temp, bytes);
            File.Delete(path);
            File.Move(temp, path);
            return ElfPatchOutcome.Patched;
        }

        /// <summary>True when the requirement named <paramref name="version"/> exists and is weak.</summary>
        public static bool IsVersionWeak(string path, string version)
        {
            var bytes = File.ReadAllBytes(path);
            var offset = FindVernauxFlagsOffset(bytes, version);
            return offset >= 0 && (BitConverter.ToUInt16(bytes, offset) & VerFlgWeak) != 0;
        }

        /// <summary>True when a libstdc++ on the loader's usual paths already defines <paramref name="version"/>.</summary>
        public static bool SystemLibStdCxxHas(string version)
        {
            string[] candidates =
            {
                "/usr/lib/x86_64-linux-gnu/libstdc++.so.6", "/usr/lib/aarch64-linux-gnu/libstdc++.so.6",
                "/usr/lib64/libstdc++.so.6", "/lib64/libstdc++.so.6", "/usr/lib/libstdc++.so.6",
            };
            foreach (var candidate in candidates)
            {
                // The version names sit NUL-terminated in .dynstr; a plain byte search is enough.
                if (File.Exists(candidate) && IndexOfCString(File.ReadAllBytes(candidate), version) >= 0)
                    return true;
            }
            return false;
        }

        // Returns the file offset of the matching Elf64_Vernaux.vna_flags, or minus an ElfPatchOutcome.
        private static int FindVernauxFlagsOffset(byte[] elf, string version)
        {
            if (elf.Length < 64 || elf[0] != 0x7f || elf[1] != (byte)'E' || elf[2] != (byte)'L' || elf[3] != (byte)'F'
                || elf[4] != 2 /* ELFCLASS64 */ || elf[5] != 1 /* little-endian */)
                return -(int)ElfPatchOutcome.NotElf64;

            var sectionTable = checked((int)BitConverter.ToUInt64(elf, 0x28));
            int entrySize = BitConverter.ToUInt16(elf, 0x3A);
            int count = BitConverter.ToUInt16(elf, 0x3C);
            for (var i = 0; i < count; i++)
            {
                var header = sectionTable + i * entrySize;
                if (BitConverter.ToUInt32(elf, header + 4) != ShtGnuVerneed) continue;

                var verneed = checked((int)BitConverter.ToUInt64(elf, header + 0x18));
                var stringsHeader = sectionTable + (int)BitConverter.ToUInt32(elf, header + 0x28) * entrySize;
                var strings = checked((int)BitConverter.ToUInt64(elf, stringsHeader + 0x18));
                var needCount = BitConverter.ToUInt32(elf, header + 0x2C);

                for (var n = 0; n < needCount; n++)
                {
                    int auxCount = BitConverter.ToUInt16(elf, verneed + 2);
                    var aux = verneed + (int)BitConverter.ToUInt32(elf, verneed + 8);
                    for (var a = 0; a < auxCount; a++)
                    {
                        var name = strings + (int)BitConverter.ToUInt32(elf, aux + 8);
                        if (CStringEquals(elf, name, version)) return aux + 4;
                        aux += (int)BitConverter.ToUInt32(elf, aux + 12);
                    }
                    verneed += (int)BitConverter.ToUInt32(elf, verneed + 12);
                }
            }
            return -(int)ElfPatchOutcome.VersionNotRequired;
        }

        private static int IndexOfCString(byte[] data, string value)
        {
            for (var i = 0; i + value.Length < data.Length; i++)
                if ((i == 0 || data[i - 1] == 0) && CStringEquals(data, i, value)) return i;
            return -1;
        }

        private static bool CStringEquals(byte[] data, int offset, string value)
        {
            for (var i = 0; i < value.Length; i++)
                if (offset + i >= data.Length || data[offset + i] != value[i]) return false;
            return offset + value.Length < data.Length && data[offset + value.Length] == 0;
        }
    }

#if !GENAPI_WORKER
    /// <summary>MSBuild entry point: patches every listed library unless the system needs no patch.</summary>
    public sealed class WeakenElfVersionRequirement : Microsoft.Build.Framework.ITask
    {
        public Microsoft.Build.Framework.IBuildEngine BuildEngine { get; set; } = null!;
        public Microsoft.Build.Framework.ITaskHost HostObject { get; set; } = null!;

        [Microsoft.Build.Framework.Required]
        public Microsoft.Build.Framework.ITaskItem[] Libraries { get; set; } = Array.Empty<Microsoft.Build.Framework.ITaskItem>();

        [Microsoft.Build.Framework.Required]
        public string Version { get; set; } = "";

        public bool Execute()
        {
            if (ElfVersionPatcher.SystemLibStdCxxHas(Version)) return true;
            foreach (var library in Libraries)
            {
                var outcome = ElfVersionPatcher.MarkVersionWeak(library.ItemSpec, Version);
                BuildEngine.LogMessageEvent(new Microsoft.Build.Framework.BuildMessageEventArgs(
                    $"{library.ItemSpec}: {Version} {outcome}", null, nameof(WeakenElfVersionRequirement),
                    Microsoft.Build.Framework.MessageImportance.Normal));
            }
            return true;
        }
    }
#endif
}
