using Lla.Native;

namespace Lla.Tests.Support;

/// <summary>One place that sets libtorch up for tests the way the command line does.</summary>
public static class TestTorch
{
    private static readonly object Gate = new();
    private static bool _done;

    public static void Init()
    {
        lock (Gate)
        {
            if (_done) return;
            RuntimeSetup.KeepFreedMemory();
            RuntimeSetup.DisableNnpack();
            torch.set_num_threads(Math.Max(1, Environment.ProcessorCount));
            _done = true;
        }
    }
}
