namespace Lla.Tests.Support;

/// <summary>
/// Keeps the garbage collector and the finalizer thread busy while a test runs: collector threads
/// force collections (mostly of the youngest generation, where a just-made temporary lives) and
/// wait for finalizers after each; allocator threads make managed garbage and unowned tensors, so
/// that the finalizer thread is often inside libtorch too. A tensor that nothing owns is then freed
/// within microseconds of becoming unreachable: a native call still reading it crashes.
/// </summary>
public sealed class CollectorPressure : IDisposable
{
    private readonly List<Thread> _threads = [];
    private volatile bool _stop;
    private long _collections;

    /// <summary>Forced collections so far (each followed by a wait for pending finalizers).</summary>
    public long Collections => Interlocked.Read(ref _collections);

    private CollectorPressure(int collectors, int allocators)
    {
        for (int i = 0; i < collectors; i++) Begin(Collect, $"collector {i}");
        for (int i = 0; i < allocators; i++) Begin(Allocate, $"allocator {i}");
    }

    public static CollectorPressure Start(int collectors = 2, int allocators = 1) => new(collectors, allocators);

    private void Begin(Action body, string name)
    {
        var thread = new Thread(() => body()) { IsBackground = true, Name = name };
        _threads.Add(thread);
        thread.Start();
    }

    private void Collect()
    {
        long n = 0;
        while (!_stop)
        {
            GC.Collect(n % 8 == 7 ? GC.MaxGeneration : 0, GCCollectionMode.Forced, blocking: true);
            GC.WaitForPendingFinalizers();
            Interlocked.Increment(ref _collections);
            n++;
        }
    }

    private void Allocate()
    {
        var keep = new object[256];
        var random = new Random(7);
        long n = 0;
        while (!_stop)
        {
            // Some garbage survives a little while (promotions), most dies at once.
            keep[random.Next(keep.Length)] = new byte[random.Next(16, 4096)];
            // Unowned tensors: their finalizers run libtorch's dispose on the finalizer thread.
            if (n++ % 16 == 0) _ = torch.empty(random.Next(1, 2048));
        }
    }

    public void Dispose()
    {
        _stop = true;
        foreach (var thread in _threads) thread.Join();
    }
}
