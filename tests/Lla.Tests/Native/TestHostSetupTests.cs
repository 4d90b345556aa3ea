using System.Runtime.InteropServices;

namespace Lla.Tests.Native;

public class TestHostSetupTests
{
    [DllImport("libc", EntryPoint = "getenv")]
    private static extern IntPtr GetEnv([MarshalAs(UnmanagedType.LPUTF8Str)] string name);

    [Fact]
    public void The_test_host_has_openmp_wait_passively_as_lla_does()
    {
        if (!OperatingSystem.IsLinux()) return;
        // What libtorch's OpenMP reads when it loads (native environment, not .NET's copy of it).
        string? policy = Marshal.PtrToStringUTF8(GetEnv("OMP_WAIT_POLICY"));
        Assert.Equal("PASSIVE", policy?.ToUpperInvariant());
    }
}
