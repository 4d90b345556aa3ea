using System.Diagnostics;

namespace Lla.Curvature;

public sealed record HessianAnalysisOptions
{
    public int TopK { get; init; } = 2;
    public EigenTarget Which { get; init; } = EigenTarget.LargestMagnitude;
    public EigenMethod EigenMethod { get; init; } = EigenMethod.Lanczos;
    public int EigenMaxSteps { get; init; } = 200;
    public double EigenTolerance { get; init; } = 1e-4;
    public int PowerMaxIterations { get; init; } = 100;
    public double PowerTolerance { get; init; } = 1e-3;
    public bool Trace { get; init; } = true;
    /// <summary>Hutch++ by default (far less variance per HVP on spectra with a few large eigenvalues), or Hutchinson (the seed library's).</summary>
    public TraceMethod TraceMethod { get; init; } = TraceMethod.HutchPlusPlus;
    /// <summary>Hutch++'s HVP budget (a multiple of 3).</summary>
    public int TraceApplications { get; init; } = 30;
    public int TraceMaxIterations { get; init; } = 100;
    public double TraceTolerance { get; init; } = 1e-3;
    public bool Esd { get; init; } = true;
    public int Runs { get; init; } = 1;
    public int LanczosSteps { get; init; } = 100;
    public double KhPower { get; init; } = Criteria.DefaultKhPower;
    public double CtThreshold { get; init; } = Criteria.DefaultCtThreshold;
    public long Seed { get; init; } = 42;
    /// <summary>
    /// What the top-k stage (its Lanczos basis, the unrounded vectors a smaller basis dtype adds, and the eigenvectors found)
    /// and the SLQ stage (its basis and those unrounded vectors) may each take (a run's memory plan); null: half of this
    /// machine's memory for each basis.
    /// </summary>
    public double? MemoryBudgetBytes { get; init; }
    /// <summary>The dtype both Lanczos bases (top-k and SLQ) are stored in (`--lanczos-basis-dtype`); null: the analysis dtype.</summary>
    public TorchSharp.torch.ScalarType? LanczosBasisDType { get; init; }

    /// <summary>`--lanczos-basis-dtype`'s value: null (the analysis dtype), float64, float32, float16 or bfloat16.</summary>
    public static TorchSharp.torch.ScalarType? ParseBasisDType(string? name) => LanczosBasis.ParseStorage(name);

    /// <summary>Checks every option before any work starts; throws <see cref="LlaException"/> naming the bad one.</summary>
    public void Validate()
    {
        if (TopK < 0) throw new LlaException($"{{top-k}} must not be negative (got {TopK})");
        if (EigenMethod == EigenMethod.Power && Which == EigenTarget.Smallest) throw new LlaException("{which} smallest needs {eigen-method} lanczos (power iteration finds the largest magnitudes)");
        if (EigenMaxSteps < 1) throw new LlaException($"{{eigen-max-steps}} must be at least 1 (got {EigenMaxSteps})");
        if (!(EigenTolerance > 0)) throw new LlaException($"{{eigen-tol}} must be positive (got {EigenTolerance})");
        // Lanczos accepts a Ritz pair when its residual ‖Hv − λv‖ is at most eigen-tol·|λ|: at 1 or more
        // any vector passes (the residual of a random start is about |λ|), so nothing would be computed.
        if (EigenTolerance >= 1) throw new LlaException($"{{eigen-tol}} must be below 1 (got {EigenTolerance:G3}): it bounds the relative residual ‖Hv − λv‖/|λ| of an accepted eigenpair, and at 1 or more any vector passes; 1e-4 is the default, 1e-2 is rough");
        if (TraceMethod == TraceMethod.XTrace && (TraceApplications < 4 || TraceApplications % 2 != 0)) throw new LlaException($"{{trace-hvps}} must be an even number of at least 4 for XTrace (got {TraceApplications})");
        if (TraceMethod == TraceMethod.HutchPlusPlus && (TraceApplications < 3 || TraceApplications % 3 != 0)) throw new LlaException($"{{trace-hvps}} must be a positive multiple of 3 (got {TraceApplications})");
        if (TraceMaxIterations < 1) throw new LlaException($"Hutchinson's probe limit (TraceMaxIterations) must be at least 1 (got {TraceMaxIterations})");
        if (Runs < 1) throw new LlaException($"{{runs}} must be at least 1 (got {Runs})");
        if (LanczosSteps < 1) throw new LlaException($"{{lanczos-steps}} must be at least 1 (got {LanczosSteps})");
        if (KhPower < 0 || double.IsNaN(KhPower)) throw new LlaException($"{{kh-power}} must not be negative (got {KhPower})");
        if (double.IsNaN(CtThreshold)) throw new LlaException("{ct-threshold} must be a number");
    }
}

public sealed record HessianAnalysisResult(
    EigenResult? Eigen, TraceResult? Trace, SpectralDensityResult? Esd, CriteriaResult? Criteria,
    long HvpCount, IReadOnlyDictionary<string, double> TimingsSeconds,
    IReadOnlyDictionary<string, long> Seeds);

/// <summary>A progress report: which stage, how far (in <see cref="Unit"/>: HVPs or grid points), and the stage's known total if any.</summary>
public sealed record AnalysisProgress(string Stage, long Done, long? Total, string Unit = "HVPs");

/// <summary>
/// Runs the Hessian quantities a user asked for on one operator: trace, spectral density and the criteria, then the
/// top eigenpairs. Each random part takes its own seed derived from the main one (eigen: seed, trace: seed + 1, SLQ:
/// seed + 2) so switching one part off leaves the others unchanged, and their order changes no result. The eigenpairs
/// come last so that the k eigenvectors found are never held beside the trace's or the SLQ basis's vectors
/// (docs/language-models.md, "Micro-batches and memory").
/// </summary>
public static class HessianAnalysis
{
    public static HessianAnalysisResult Run(ILinearOperator op, HessianAnalysisOptions options, Action<AnalysisProgress>? progress = null)
    {
        options.Validate();
        CheckFits(options, op.Dimension, op.DType);
        long start = op.ApplyCount;
        var timings = new Dictionary<string, double>();
        var seeds = new Dictionary<string, long>();
        var observed = new ProgressOperator(op, progress);
        // The seeds in the order results.json has always listed them (eigen, trace, SLQ), whatever the stages' order.
        if (options.TopK > 0) seeds["eigen"] = options.Seed;
        if (options.Trace) seeds["trace"] = options.Seed + 1;
        if (options.Esd) seeds["esd"] = options.Seed + 2;

        TraceResult? trace = null;
        if (options.Trace)
        {
            observed.Begin("trace", options.TraceMethod == TraceMethod.Hutchinson ? options.TraceMaxIterations : options.TraceApplications);
            var clock = Stopwatch.StartNew();
            trace = options.TraceMethod == TraceMethod.HutchPlusPlus
                ? HutchPlusPlus.Estimate(observed, new HutchPlusPlusOptions { Applications = options.TraceApplications, Seed = options.Seed + 1 })
                : options.TraceMethod == TraceMethod.XTrace
                ? XTrace.Estimate(observed, new XTraceOptions { Applications = options.TraceApplications, Seed = options.Seed + 1 })
                : Hutchinson.Estimate(observed, new HutchinsonOptions
                {
                    MaxIterations = options.TraceMaxIterations, Tolerance = options.TraceTolerance, Seed = options.Seed + 1,
                });
            timings["trace"] = clock.Elapsed.TotalSeconds;
        }

        SpectralDensityResult? esd = null;
        CriteriaResult? criteria = null;
        if (options.Esd)
        {
            observed.Begin("spectral density", (long)options.Runs * Math.Min(options.LanczosSteps, op.Dimension));
            var clock = Stopwatch.StartNew();
            esd = SpectralDensity.Estimate(observed, new SlqOptions { Runs = options.Runs, Steps = options.LanczosSteps, Seed = options.Seed + 2, BasisDType = options.LanczosBasisDType });
            criteria = Criteria.FromSpectrum(esd.Runs, options.KhPower, options.CtThreshold);
            timings["esd"] = clock.Elapsed.TotalSeconds;
        }

        EigenResult? eigen = null;
        if (options.TopK > 0)
        {
            observed.Begin("eigenpairs", null);
            var clock = Stopwatch.StartNew();
            eigen = options.EigenMethod == EigenMethod.Power
                ? PowerIteration.TopEigenpairs(observed, new PowerIterationOptions
                {
                    K = options.TopK, MaxIterations = options.PowerMaxIterations, Tolerance = options.PowerTolerance, Seed = options.Seed,
                })
                : Lanczos.TopEigenpairs(observed, new LanczosOptions
                {
                    K = options.TopK, Which = options.Which, MaxSteps = options.EigenMaxSteps, Tolerance = options.EigenTolerance, Seed = options.Seed,
                    BasisDType = options.LanczosBasisDType, BasisBudgetBytes = EigenBasisBudget(options, op.Dimension, op.DType),
                });
            timings["eigen"] = clock.Elapsed.TotalSeconds;
        }
        return new HessianAnalysisResult(eigen, trace, esd, criteria, op.ApplyCount - start, timings, seeds);
    }

    /// <summary>
    /// The most operator products <see cref="Run"/> can make with these options on <paramref name="dimension"/>
    /// parameters (Lanczos may stop earlier): for the estimate of a long run's time before it starts.
    /// </summary>
    public static double PlannedProducts(HessianAnalysisOptions o, long dimension, TorchSharp.torch.ScalarType dtype)
    {
        double eigen = o.TopK == 0 ? 0 : o.EigenMethod == EigenMethod.Power ? (double)o.TopK * o.PowerMaxIterations
            : LanczosBasis.PlannedSteps(o.TopK, o.EigenMaxSteps, dimension, LanczosBasis.Storage(o.LanczosBasisDType, dtype));
        double trace = !o.Trace ? 0 : o.TraceMethod == TraceMethod.Hutchinson ? o.TraceMaxIterations : o.TraceApplications;
        double esd = o.Esd ? (double)o.Runs * Math.Min(o.LanczosSteps, dimension) : 0;
        return eigen + trace + esd;
    }

    /// <summary>
    /// What the top-k Lanczos basis's rows may take under a memory plan: <see cref="HessianAnalysisOptions.MemoryBudgetBytes"/>
    /// less what the stage holds besides them (the eigenvectors found, as float32 arrays, and a smaller dtype's
    /// unrounded vectors); null without a plan (then the basis alone may take half of this machine's memory).
    /// </summary>
    public static double? EigenBasisBudget(HessianAnalysisOptions o, long dimension, TorchSharp.torch.ScalarType dtype)
    {
        if (o.MemoryBudgetBytes is not double budget) return null;
        var storage = LanczosBasis.Storage(o.LanczosBasisDType, dtype);
        return budget - o.TopK * 4.0 * dimension - LanczosBasis.UnroundedVectors(storage, dtype) * dimension * LanczosBasis.BytesPerValue(dtype);
    }

    /// <summary>
    /// What can be known before any product: the top-k fits the dimension, the basis dtype is one the analysis can use,
    /// the SLQ basis and the smallest top-k Lanczos basis (held in memory for full reorthogonalization) fit the machine.
    /// </summary>
    public static void CheckFits(HessianAnalysisOptions options, long dimension, TorchSharp.torch.ScalarType dtype)
    {
        options.Validate();
        if (options.TopK > dimension) throw new LlaException($"{{top-k}} {options.TopK} exceeds the number of parameters ({dimension})");
        var storage = LanczosBasis.Storage(options.LanczosBasisDType, dtype);
        if (options.Esd)
        {
            long rows = Math.Min(options.LanczosSteps, dimension) + 1; // the basis and the next vector
            double bytes = rows * (double)dimension * LanczosBasis.BytesPerValue(storage)
                + LanczosBasis.UnroundedVectors(storage, dtype) * (double)dimension * LanczosBasis.BytesPerValue(dtype);
            Native.MemoryBudget.Require(bytes,
                $"the SLQ basis of {{lanczos-steps}} {options.LanczosSteps} vectors of {dimension:N0} parameters",
                options.MemoryBudgetBytes ?? Native.MemoryBudget.LimitBytes, options.MemoryBudgetBytes is null ? Native.MemoryBudget.LimitWords : "the run's memory plan");
        }
        // Power iteration keeps only the k vectors it finds; Lanczos keeps a basis of what fits, and
        // is refused only when not even its smallest basis (k + 3 vectors) does.
        if (options.TopK > 0 && options.EigenMethod == EigenMethod.Lanczos)
            LanczosBasis.Size(options.TopK, options.EigenMaxSteps, dimension, storage, EigenBasisBudget(options, dimension, dtype));
    }

    /// <summary>Passes applications through and reports each one as progress of the current stage.</summary>
    /// <summary>An operator that reports each product as progress of the current stage (also used for a run's diagonal).</summary>
    internal sealed class ProgressOperator(ILinearOperator inner, Action<AnalysisProgress>? progress) : ILinearOperator
    {
        private string _stage = "";
        private long _stageStart;
        private long? _total;

        public void Begin(string stage, long? total)
        {
            _stage = stage;
            _stageStart = inner.ApplyCount;
            _total = total;
            progress?.Invoke(new AnalysisProgress(stage, 0, total));
        }

        public long Dimension => inner.Dimension;
        public TorchSharp.torch.ScalarType DType => inner.DType;
        public TorchSharp.torch.Device Device => inner.Device;
        public long ApplyCount => inner.ApplyCount;

        public TorchSharp.torch.Tensor Apply(TorchSharp.torch.Tensor v)
        {
            var result = inner.Apply(v);
            progress?.Invoke(new AnalysisProgress(_stage, inner.ApplyCount - _stageStart, _total));
            return result;
        }
    }
}
