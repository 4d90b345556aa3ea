using System.Runtime.InteropServices;
using TorchSharp;

namespace Lla.Native;

/// <summary>
/// Switches in libtorch's global context that TorchSharp does not expose, reached through
/// <c>at::globalContext()</c>: the oneDNN (MKLDNN) and NNPACK CPU kernels. With oneDNN on, float32
/// convolution weight gradients were seen to be intermittently wrong on the project's machines
/// (see TORCHSHARP-NOTES.md); <see cref="Guard.NumericGuard"/> checks for that.
/// </summary>
public static class TorchContext
{
    private delegate IntPtr GlobalContextFn();
    private delegate void SetFlagFn(IntPtr context, byte enabled);
    private delegate byte GetFlagFn(IntPtr context);

    private static readonly object Gate = new();
    private static IntPtr _context;
    private static SetFlagFn? _setOneDnn, _setNnpack;
    private static GetFlagFn? _getOneDnn, _getNnpack;

    private static void Bind()
    {
        lock (Gate)
        {
            if (_setOneDnn != null) return;
            // Make sure TorchSharp has loaded libtorch; dlopen by soname then returns the loaded copy.
            using (var _ = torch.zeros(1)) { }
            if (!NativeLibrary.TryLoad("libtorch_cpu.so", out var lib) &&
                !NativeLibrary.TryLoad("libtorch_cpu.dylib", out lib) &&
                !NativeLibrary.TryLoad("torch_cpu.dll", out lib))
                throw new InvalidOperationException("libtorch_cpu could not be found in the process");
            T Get<T>(string symbol) => Marshal.GetDelegateForFunctionPointer<T>(NativeLibrary.GetExport(lib, symbol));
            _context = Get<GlobalContextFn>("_ZN2at13globalContextEv")();
            _setOneDnn = Get<SetFlagFn>("_ZN2at7Context20setUserEnabledMkldnnEb");
            _getOneDnn = Get<GetFlagFn>("_ZNK2at7Context17userEnabledMkldnnEv");
            _setNnpack = Get<SetFlagFn>("_ZN2at7Context20setUserEnabledNNPACKEb");
            _getNnpack = Get<GetFlagFn>("_ZNK2at7Context17userEnabledNNPACKEv");
        }
    }

    /// <summary>Whether oneDNN kernels may be used.</summary>
    public static bool OneDnn
    {
        get { Bind(); return _getOneDnn!(_context) != 0; }
        set { Bind(); _setOneDnn!(_context, value ? (byte)1 : (byte)0); }
    }

    /// <summary>
    /// Whether NNPACK kernels may be used. Where NNPACK does not support the CPU, libtorch tries it
    /// anyway for every convolution without oneDNN and prints a warning each time.
    /// </summary>
    public static bool Nnpack
    {
        get { Bind(); return _getNnpack!(_context) != 0; }
        set { Bind(); _setNnpack!(_context, value ? (byte)1 : (byte)0); }
    }

    private static readonly object ScopeGate = new();

    /// <summary>
    /// Sets <see cref="OneDnn"/> for the lifetime of the returned scope, then restores it. The switch is libtorch's, one
    /// per process: a scope holds it for its thread until disposed (on that thread), so that two jobs running side by side
    /// in one process never run under each other's setting (a job refused oneDNN by the guard would otherwise silently get
    /// it back from the other). Scopes nest on one thread; a scope on another thread waits until they end.
    /// </summary>
    public static IDisposable OneDnnScope(bool enabled)
    {
        Monitor.Enter(ScopeGate);
        try
        {
            bool before = OneDnn;
            OneDnn = enabled;
            return new Restore(() =>
            {
                try { OneDnn = before; }
                finally { Monitor.Exit(ScopeGate); }
            });
        }
        catch
        {
            Monitor.Exit(ScopeGate);
            throw;
        }
    }

    private sealed class Restore(Action undo) : IDisposable
    {
        private bool _done;
        public void Dispose()
        {
            if (_done) return;
            _done = true;
            undo();
        }
    }
}
