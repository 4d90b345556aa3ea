using TorchSharp;

namespace Lla.Native;

/// <summary>Process-wide settings that make libtorch fast and predictable on CPU.</summary>
public static class RuntimeSetup
{
    /// <summary>
    /// Keeps large freed blocks inside the process instead of returning them to the OS with munmap,
    /// so a forward pass over a big batch does not page-fault its activations in again every time
    /// (glibc only; a no-op elsewhere). Returns whether glibc accepted both settings.
    /// </summary>
    public static bool KeepFreedMemory()
    {
        if (!OperatingSystem.IsLinux()) return false;
        try
        {
            // No block is mapped on its own, however large (activations of big batches stay on the heap), and the heap never
            // shrinks: what a process once held stays resident (a GPT returns it instead: ReturnFreedMemory).
            bool mmap = LibC.MallOpt(LibC.M_MMAP_THRESHOLD, int.MaxValue) == 1;
            bool trim = LibC.MallOpt(LibC.M_TRIM_THRESHOLD, int.MaxValue) == 1;
            return mmap && trim;
        }
        catch (DllNotFoundException) { return false; }
        catch (EntryPointNotFoundException) { return false; }
    }

    /// <summary>
    /// The opposite of <see cref="KeepFreedMemory"/>, for work whose stages hold gigabytes each (a GPT's Lanczos bases,
    /// numeric guard and logits): blocks of 1 MiB and more are mapped on their own and returned when freed, at most 64 MiB
    /// of freed heap is kept, and what the heap holds free now is returned. Kept, a stage's freed memory stayed beside the
    /// next stage's: a 14.5M-parameter GPT's top-2 eigenpairs and 30-step SLQ peaked at 8.4 GB resident kept and 3.3 GB
    /// returned (docs/language-models.md "Memory"). glibc only; returns whether glibc accepted the settings.
    /// </summary>
    public static bool ReturnFreedMemory()
    {
        if (!OperatingSystem.IsLinux()) return false;
        try
        {
            bool mmap = LibC.MallOpt(LibC.M_MMAP_THRESHOLD, 1 << 20) == 1;
            bool trim = LibC.MallOpt(LibC.M_TRIM_THRESHOLD, 64 << 20) == 1;
            LibC.MallocTrim(0);
            return mmap && trim;
        }
        catch (DllNotFoundException) { return false; }
        catch (EntryPointNotFoundException) { return false; }
    }

    /// <summary>
    /// The thread count a process should use when not told: OMP_NUM_THREADS when set; under an MPI
    /// launcher, this machine's cores shared among the ranks on it (ranks on one machine competing
    /// for its cores with a thread per core each ran 2 ranks only 1.19× faster than one process,
    /// one thread per rank 1.97×); otherwise every core.
    /// </summary>
    public static int DefaultThreads()
    {
        if (int.TryParse(Environment.GetEnvironmentVariable("OMP_NUM_THREADS"), out int omp) && omp >= 1) return omp;
        int cores = Math.Max(1, Environment.ProcessorCount);
        foreach (var name in new[] { "MPI_LOCALNRANKS", "OMPI_COMM_WORLD_LOCAL_SIZE", "MV2_COMM_WORLD_LOCAL_SIZE", "SLURM_NTASKS_PER_NODE" })
            if (int.TryParse(Environment.GetEnvironmentVariable(name), out int local) && local >= 1)
                return Math.Max(1, cores / local);
        return cores;
    }

    /// <summary>
    /// Sets the intra-op thread count. OpenMP threads spin while waiting, which on small machines
    /// with another busy process costs 20x; a passive wait policy is set before libtorch starts.
    /// </summary>
    public static void SetThreads(int threads)
    {
        if (threads < 1) throw new LlaException($"{{threads}} must be at least 1 (got {threads})");
        if (threads > 4 * Environment.ProcessorCount) throw new LlaException($"{{threads}} {threads} is more than 4× this machine's {Environment.ProcessorCount} cores");
        torch.set_num_threads(threads);
    }

    /// <summary>
    /// Turns NNPACK off. libtorch tries it for convolutions that oneDNN does not take (float64, or
    /// oneDNN switched off) and, on CPUs it does not support, prints a warning on every call.
    /// oneDNN and the native fallback cover every case NNPACK would.
    /// </summary>
    public static void DisableNnpack() => TorchContext.Nnpack = false;

    /// <summary>Must run before the first TorchSharp call to take effect.</summary>
    public static void SetPassiveOpenMpWait()
    {
        if (!OperatingSystem.IsLinux()) return;
        try { LibC.SetEnv("OMP_WAIT_POLICY", "PASSIVE", 0); }
        catch (DllNotFoundException) { }
    }
}
