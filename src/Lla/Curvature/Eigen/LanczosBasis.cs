using static TorchSharp.torch;

namespace Lla.Curvature;

/// <summary>
/// How many vectors the top-k Lanczos run holds (docs/eigenpairs.md). The basis of m vectors plus
/// the next one, (m + 1)·D values of the basis's dtype (the parameters', or `--lanczos-basis-dtype`), must fit the memory budget (half of
/// this machine's memory, <see cref="Native.MemoryBudget"/>). m is never more than needed,
/// min(eigen-max-steps, D): when that fits the run never restarts and is the plain Lanczos run;
/// otherwise m is the most that fits, and the run restarts (<see cref="Lanczos"/>). It is refused
/// only when not even <see cref="Minimum"/> vectors fit.
/// </summary>
internal static class LanczosBasis
{
    /// <summary>The smallest basis that restarts: the k wanted Ritz vectors, one more kept, one new direction per cycle.</summary>
    public static int Minimum(int k) => k + 2;

    /// <summary>
    /// The Ritz vectors kept at a restart of a basis of m: the k wanted and half of the m − k others
    /// (the wanted end's next ones), so each cycle adds m − l ≥ 1 new Lanczos vectors.
    /// </summary>
    public static int Kept(int k, int m) => k + (m - k) / 2;

    /// <summary>Bytes of one value of a parameter vector or a basis row: 8 (float64), 4 (float32) or 2 (float16, bfloat16).</summary>
    public static double BytesPerValue(ScalarType dtype) => dtype switch
    {
        ScalarType.Float64 => 8,
        ScalarType.Float16 or ScalarType.BFloat16 => 2,
        _ => 4,
    };

    /// <summary>The dtypes a basis may be stored in (`--lanczos-basis-dtype`), by their names.</summary>
    public static readonly IReadOnlyDictionary<string, ScalarType> StorageNames = new Dictionary<string, ScalarType>
    {
        ["float64"] = ScalarType.Float64, ["float32"] = ScalarType.Float32, ["float16"] = ScalarType.Float16, ["bfloat16"] = ScalarType.BFloat16,
    };

    /// <summary>
    /// The dtype the rows are stored in: <paramref name="asked"/>, or the analysis dtype when null; refused in one line when
    /// it is not a floating dtype or is wider than the analysis dtype (it would hold more than the vectors it stores).
    /// </summary>
    public static ScalarType Storage(ScalarType? asked, ScalarType analysis)
    {
        if (asked is not ScalarType storage) return analysis;
        string name = Name(storage);
        if (!StorageNames.ContainsKey(name))
            throw new LlaException($"{{lanczos-basis-dtype}} must be float64, float32, float16 or bfloat16 (got {name})");
        if (BytesPerValue(storage) > BytesPerValue(analysis))
            throw new LlaException($"{{lanczos-basis-dtype}} {name} is wider than the analysis's {Name(analysis)}: the basis would hold more than its vectors' digits (choose {Name(analysis)} or smaller)");
        return storage;
    }

    /// <summary>`--lanczos-basis-dtype`'s value: null (the analysis dtype) or one of <see cref="StorageNames"/>.</summary>
    public static ScalarType? ParseStorage(string? name) =>
        name is null ? null
        : StorageNames.TryGetValue(name, out var dtype) ? dtype
        : throw new LlaException($"{{lanczos-basis-dtype}} must be float32, float16, bfloat16 or float64 (got '{name}')");

    /// <summary>A dtype's lower-case name (float32, bfloat16), as results.json writes it.</summary>
    public static string Name(ScalarType dtype) => dtype.ToString().ToLowerInvariant();

    /// <summary>
    /// Unrounded vectors a basis stored in <paramref name="storage"/> holds besides its rows: none in the analysis dtype; in a
    /// smaller one the current and the previous Lanczos vector (<see cref="LanczosProcess"/>).
    /// </summary>
    public static int UnroundedVectors(ScalarType storage, ScalarType analysis) => storage == analysis ? 0 : 2;

    /// <summary>
    /// The basis size m for top-<paramref name="k"/> with a step limit of <paramref name="maxSteps"/> on
    /// <paramref name="dimension"/> parameters, within <paramref name="budgetBytes"/> (null: the machine's share);
    /// throws a one-line <see cref="LlaException"/> when even the smallest basis cannot fit.
    /// </summary>
    public static int Size(int k, int maxSteps, long dimension, ScalarType dtype, double? budgetBytes = null)
    {
        int needed = (int)Math.Min(maxSteps, dimension);
        double vector = dimension * BytesPerValue(dtype);
        double budget = budgetBytes ?? Native.MemoryBudget.LimitBytes;
        double fits = Math.Floor(budget / vector) - 1; // m vectors and the next one
        if (fits >= needed) return needed;
        int least = Math.Min(needed, Minimum(k));
        if (fits < least)
            Native.MemoryBudget.Require((least + 1) * vector,
                $"the smallest Lanczos basis for {{top-k}} {k} ({least + 1} vectors of {dimension:N0} parameters)",
                budget, budgetBytes is null ? Native.MemoryBudget.LimitWords : "the budget given");
        return (int)fits;
    }

    /// <summary>A basis size forced by a caller (tests): at most what is needed, at least the minimum.</summary>
    public static int Forced(int basis, int k, int maxSteps, long dimension)
    {
        int needed = (int)Math.Min(maxSteps, dimension);
        if (basis < Math.Min(needed, Minimum(k))) throw new ArgumentException($"a Lanczos basis for k = {k} needs at least {Minimum(k)} vectors (asked {basis})");
        return Math.Min(basis, needed);
    }

    /// <summary>The most operator applications before the residual checks: the step limit, or the dimension when the run never restarts.</summary>
    public static long PlannedSteps(int k, int maxSteps, long dimension, ScalarType dtype)
    {
        long needed = Math.Min(maxSteps, dimension);
        double fits = Math.Floor(Native.MemoryBudget.LimitBytes / (dimension * BytesPerValue(dtype))) - 1;
        return fits >= needed ? needed : maxSteps;
    }
}
