using Lla.Curvature;
using Lla.Models.Gpt;
using static TorchSharp.torch;

namespace Lla.Analysis;

/// <summary>
/// The memory a Hessian run of a GPT will hold, planned before any product (DESIGN.md "Memory is planned",
/// docs/language-models.md "Memory"): the runtime, the parameters, the vectors of one product, the
/// activations of one micro-batch, then the largest of the stages that follow one another — the top-k
/// Lanczos basis (as many vectors as fit, <see cref="LanczosBasis"/>), the trace's sketch, and the SLQ basis
/// with the k eigenvectors already found — and, before and after the work, the numeric guard's float64 twin. Pure: sizes in, bytes out.
/// </summary>
public sealed record HessianMemoryPlan(
    double RuntimeBytes, double ModelBytes, double ProductBytes, double ActivationBytes, int MicroBatch,
    double MinimumEigenBytes, double TraceBytes, double SlqBytes, double BudgetBytes, double GuardBytes = 0)
{
    /// <summary>The .NET runtime, libtorch, the data and the tokenizer (measured: about 0.5 GiB before the model).</summary>
    public const double Runtime = 0.5 * (1L << 30);

    /// <summary>Vectors of the parameter count one product and one Lanczos step hold besides the basis: the gradient (with its graph), the product, its flat copy, the accumulated result, the next Lanczos vector.</summary>
    public const int ProductVectors = 5;

    /// <summary>What every stage holds: runtime, parameters, a product's vectors and one micro-batch's activations.</summary>
    public double FixedBytes => RuntimeBytes + ModelBytes + ProductBytes + ActivationBytes;

    /// <summary>The peak with the smallest Lanczos basis: what must fit for the run to start.</summary>
    public double LeastPeakBytes => Math.Max(FixedBytes + Math.Max(MinimumEigenBytes, Math.Max(TraceBytes, SlqBytes)), GuardBytes);

    /// <summary>What the top-k Lanczos basis may take: the budget less the fixed part (it grows to what fits, then restarts).</summary>
    public double EigenBasisBudgetBytes => BudgetBytes - FixedBytes;

    public bool Fits => LeastPeakBytes <= BudgetBytes;

    /// <summary>One line naming each part.</summary>
    public string Describe() =>
        $"runtime {Fmt(RuntimeBytes)}, parameters {Fmt(ModelBytes)}, product vectors {Fmt(ProductBytes)}, activations of a micro-batch of {MicroBatch} {Fmt(ActivationBytes)}, "
        + $"the numeric guard's float64 twin {Fmt(GuardBytes)} (before and after), then the largest of: the smallest Lanczos basis {Fmt(MinimumEigenBytes)}, the trace's vectors {Fmt(TraceBytes)}, the SLQ basis with the eigenvectors {Fmt(SlqBytes)}";

    private static string Fmt(double bytes) => Native.MemoryBudget.Format(bytes);

    /// <summary>
    /// The plan for <paramref name="microBatch"/> windows of <paramref name="positions"/> tokens per product
    /// on a GPT of <paramref name="dimension"/> analysed parameters.
    /// </summary>
    public static HessianMemoryPlan For(GptConfig config, long dimension, ScalarType dtype, HessianAnalysisOptions analysis,
        int microBatch, long positions, double budgetBytes)
    {
        double s = LanczosBasis.BytesPerValue(dtype), vector = dimension * s;
        // The parameters themselves: the whole model's, whatever block is analysed.
        double model = config.ParameterCount * s;
        double eigen = analysis.TopK > 0 && analysis.EigenMethod == EigenMethod.Lanczos
            ? (Math.Min(Math.Min(analysis.EigenMaxSteps, dimension), LanczosBasis.Minimum(analysis.TopK)) + 1) * vector
            : analysis.TopK * 2.0 * vector;
        // Hutch++ keeps a sketch of a third of its products and their images; Hutchinson one probe.
        double trace = !analysis.Trace ? 0 : analysis.TraceMethod == TraceMethod.Hutchinson ? vector : 2.0 * analysis.TraceApplications / 3 * vector;
        double slq = analysis.Esd ? (Math.Min(analysis.LanczosSteps, dimension) + 1 + analysis.TopK) * vector : 0;
        // The numeric guard (before and after the work, no basis alive): the float32 model beside its float64 twin, whose
        // products on the guard's window hold twice a float32 product's vectors and activations.
        double guard = Runtime + model + config.ParameterCount * 8.0 + ProductVectors * dimension * 8.0
            + GptMemory.ActivationBytes(config, Runs.AnalysisSession.GptGuardWindows, positions, 8);
        return new HessianMemoryPlan(Runtime, model, ProductVectors * vector, GptMemory.ActivationBytes(config, microBatch, positions, s),
            microBatch, eigen, trace, slq, budgetBytes, guard);
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
}
