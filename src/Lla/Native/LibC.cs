using System.Runtime.InteropServices;

namespace Lla.Native;

/// <summary>glibc entry points that .NET does not expose (environment seen by native code, malloc tuning).</summary>
internal static partial class LibC
{
    [LibraryImport("libc", EntryPoint = "setenv", StringMarshalling = StringMarshalling.Utf8)]
    internal static partial int SetEnv(string name, string value, int overwrite);

    [LibraryImport("libc", EntryPoint = "mallopt")]
    internal static partial int MallOpt(int parameter, int value);

    [LibraryImport("libc", EntryPoint = "malloc_trim")]
    internal static partial int MallocTrim(nuint pad);

    internal const int M_TRIM_THRESHOLD = -1;
    internal const int M_MMAP_THRESHOLD = -3;
}
