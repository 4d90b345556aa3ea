using Lla.Curvature;
using Lla.Models.Gpt;
using static TorchSharp.torch;

namespace Lla.Analysis;

/// <summary>
/// The memory a Hessian run of a GPT will hold, planned before any product (DESIGN.md "Memory is planned",
/// docs/language-models.md "Micro-batches and memory"): the runtime, the parameters, the vectors of one product, the
/// activations of one micro-batch, then the largest of the stages that follow one another — the trace's sketch, the SLQ
/// basis, and last the top-k stage (its Lanczos basis, as many rows as fit, <see cref="LanczosBasis"/>, beside the k
/// eigenvectors it finds) — and, before and after the work, the numeric guard (<see cref="GuardBytesFor"/>). The bases' rows take the
/// bytes of <see cref="BasisDType"/> (`--lanczos-basis-dtype`); in a smaller dtype than the analysis's each basis also
/// holds two unrounded vectors. Pure: sizes in, bytes out.
/// </summary>
public sealed record HessianMemoryPlan(
    double RuntimeBytes, double ModelBytes, double ProductBytes, double ActivationBytes, int MicroBatch,
    double MinimumEigenBytes, double TraceBytes, double SlqBytes, double BudgetBytes, double GuardBytes = 0)
{
    /// <summary>The dtype the Lanczos bases' rows are stored in.</summary>
    public ScalarType BasisDType { get; init; } = ScalarType.Float32;

    /// <summary>The eigenvectors the top-k stage finds (held as float32 beside its basis at the end).</summary>
    public int TopK { get; init; }

    /// <summary>The plan chose <see cref="BasisDType"/> itself (no `--lanczos-basis-dtype`): the analysis dtype's bases did not fit.</summary>
    public bool BasisChosen { get; init; }

    /// <summary>The .NET runtime, libtorch, the data and the tokenizer (measured: about 0.5 GiB before the model).</summary>
    public const double Runtime = 0.5 * (1L << 30);

    /// <summary>Vectors of the parameter count one product and one Lanczos step hold besides the basis: the gradient (with its graph), the product, its flat copy, the accumulated result, the next Lanczos vector.</summary>
    public const int ProductVectors = 5;

    /// <summary>What every stage holds: runtime, parameters, a product's vectors and one micro-batch's activations.</summary>
    public double FixedBytes => RuntimeBytes + ModelBytes + ProductBytes + ActivationBytes;

    /// <summary>The peak with the smallest Lanczos basis: what must fit for the run to start.</summary>
    public double LeastPeakBytes => Math.Max(FixedBytes + Math.Max(MinimumEigenBytes, Math.Max(TraceBytes, SlqBytes)), GuardBytes);

    /// <summary>
    /// What the top-k and the SLQ stage may each take (<see cref="HessianAnalysisOptions.MemoryBudgetBytes"/>): the budget
    /// less the fixed part. The top-k basis grows to what this leaves beside its eigenvectors, then restarts.
    /// </summary>
    public double EigenBasisBudgetBytes => BudgetBytes - FixedBytes;

    public bool Fits => LeastPeakBytes <= BudgetBytes;

    /// <summary>One line naming each part.</summary>
    public string Describe()
    {
        string basis = LanczosBasis.Name(BasisDType);
        return $"runtime {Fmt(RuntimeBytes)}, parameters {Fmt(ModelBytes)}, product vectors {Fmt(ProductBytes)}, activations of a micro-batch of {MicroBatch} {Fmt(ActivationBytes)}, "
            + $"the numeric guard (its float64 twin, directions and products) {Fmt(GuardBytes)} (before and after), then the largest of: the trace's vectors {Fmt(TraceBytes)}, "
            + $"the SLQ basis in {basis} {Fmt(SlqBytes)}, the smallest top-k Lanczos basis in {basis} with the {TopK} eigenvector(s) found {Fmt(MinimumEigenBytes)}";
    }

    private static string Fmt(double bytes) => Native.MemoryBudget.Format(bytes);

    /// <summary>
    /// The plan for <paramref name="microBatch"/> windows of <paramref name="positions"/> tokens per product
    /// on a GPT of <paramref name="dimension"/> analysed parameters.
    /// </summary>
    public static HessianMemoryPlan For(GptConfig config, long dimension, ScalarType dtype, HessianAnalysisOptions analysis,
        int microBatch, long positions, double budgetBytes)
    {
        double s = LanczosBasis.BytesPerValue(dtype), vector = dimension * s;
        var storage = LanczosBasis.Storage(analysis.LanczosBasisDType, dtype);
        // A basis row, and the unrounded current and previous Lanczos vectors a smaller basis dtype adds.
        double row = dimension * LanczosBasis.BytesPerValue(storage), unrounded = LanczosBasis.UnroundedVectors(storage, dtype) * vector;
        // The parameters themselves: the whole model's, whatever block is analysed.
        double model = config.ParameterCount * s;
        // Lanczos: its smallest basis, and at the end the k eigenvectors found (float32 arrays) beside it; power iteration its k vectors and their images.
        double eigen = analysis.TopK > 0 && analysis.EigenMethod == EigenMethod.Lanczos
            ? (Math.Min(Math.Min(analysis.EigenMaxSteps, dimension), LanczosBasis.Minimum(analysis.TopK)) + 1) * row + unrounded + analysis.TopK * 4.0 * dimension
            : analysis.TopK * 2.0 * vector;
        // Hutch++ keeps a sketch of a third of its products and their images; Hutchinson one probe.
        double trace = !analysis.Trace ? 0 : analysis.TraceMethod == TraceMethod.Hutchinson ? vector : 2.0 * analysis.TraceApplications / 3 * vector;
        // SLQ runs before the eigenpairs (HessianAnalysis.Run): its basis is alone.
        double slq = analysis.Esd ? (Math.Min(analysis.LanczosSteps, dimension) + 1) * row + unrounded : 0;
        double guard = dtype == ScalarType.Float64 ? 0 : GuardBytesFor(config, positions);
        return new HessianMemoryPlan(Runtime, model, ProductVectors * vector, GptMemory.ActivationBytes(config, microBatch, positions, s),
            microBatch, eigen, trace, slq, budgetBytes, guard)
        { BasisDType = storage, TopK = analysis.TopK };
    }

    /// <summary>
    /// The numeric guard of a float32 GPT (<see cref="Guard.NumericGuard.Check"/>, before and after the work, no basis alive;
    /// a float64 model is not checked), counted from what it holds over the whole model's P parameters: throughout, the
    /// model, its float64 twin and a float32 copy of the weights (16P bytes); then, one vector at a time, the larger of its
    /// float64 reference product (the float64 direction, the twin's gradient with its graph and the product, 24P, with float64
    /// activations of its window) and a float32 evaluation (the float64 reference, the float32 direction and the previous
    /// evaluation 16P, the gradient and the product 8P, float32 activations, and the per-tensor temporaries of re-rounding
    /// the weights and comparing, 17 and 16 bytes per entry of the largest tensor, the token embedding).
    /// </summary>
    public static double GuardBytesFor(GptConfig config, long positions)
    {
        double p = config.ParameterCount, largest = (double)config.Vocabulary * config.Width;
        int windows = Guard.NumericGuard.GptWindows;
        double reference = 24 * p + GptMemory.ActivationBytes(config, windows, positions, 8);
        double repeat = 24 * p + GptMemory.ActivationBytes(config, windows, positions, 4) + 17 * largest;
        return Runtime + 16 * p + Math.Max(reference, repeat);
    }

    /// <summary>
    /// The largest micro-batch of at most <paramref name="batchSize"/> windows whose plan fits and whose activations take at
    /// most a quarter of the budget (the rest goes to the bases); 1 when even that does not fit (the caller refuses it).
    /// </summary>
    public static HessianMemoryPlan Choose(GptConfig config, long dimension, ScalarType dtype, HessianAnalysisOptions analysis,
        int batchSize, long positions, double budgetBytes)
    {
        var best = For(config, dimension, dtype, analysis, 1, positions, budgetBytes);
        for (int m = 2; m <= batchSize; m++)
        {
            var plan = For(config, dimension, dtype, analysis, m, positions, budgetBytes);
            if (!plan.Fits || plan.ActivationBytes > budgetBytes / 4) break;
            best = plan;
        }
        return best;
    }

    /// <summary>
    /// A run's plan: for the micro-batch given, or the largest that fits (<see cref="Choose"/>). Without a basis dtype
    /// (`--lanczos-basis-dtype`), when nothing fits with the bases in the analysis dtype, the bases in the first smaller
    /// dtype that fits (float32 for a float64 analysis, then float16), marked <see cref="BasisChosen"/>; a dtype the user
    /// gave is kept, fitting or not.
    /// </summary>
    public static HessianMemoryPlan Make(GptConfig config, long dimension, ScalarType dtype, HessianAnalysisOptions analysis,
        int? microBatch, int batchSize, long positions, double budgetBytes)
    {
        HessianMemoryPlan Plan(HessianAnalysisOptions a) => microBatch is int m
            ? For(config, dimension, dtype, a, Math.Min(m, batchSize), positions, budgetBytes)
            : Choose(config, dimension, dtype, a, batchSize, positions, budgetBytes);
        var plan = Plan(analysis);
        if (plan.Fits || analysis.LanczosBasisDType is not null || (analysis.TopK == 0 || analysis.EigenMethod == EigenMethod.Power) && !analysis.Esd) return plan;
        foreach (var smaller in new[] { ScalarType.Float32, ScalarType.Float16 }.Where(t => LanczosBasis.BytesPerValue(t) < LanczosBasis.BytesPerValue(dtype)))
        {
            var candidate = Plan(analysis with { LanczosBasisDType = smaller });
            if (candidate.Fits) return candidate with { BasisChosen = true };
        }
        return plan;
    }
}
