using Lla.Vectors;
using static TorchSharp.torch;

namespace Lla.Curvature;

/// <summary>Which eigenvalues Lanczos looks for: largest by magnitude, algebraically smallest, or algebraically largest.</summary>
/// <summary>Which eigenvalues: the largest by magnitude (the command line's "largest"), the algebraically smallest or largest.</summary>
public enum EigenTarget { [SettingName("largest-magnitude", Flag = "largest")] LargestMagnitude, Smallest, Largest }

/// <summary>Options of <see cref="Lanczos.TopEigenpairs"/>.</summary>
public sealed record LanczosOptions
{
    public int K { get; init; } = 2;
    public EigenTarget Which { get; init; } = EigenTarget.LargestMagnitude;
    /// <summary>
    /// Upper bound on Lanczos steps over all restarts: the operator applications before the final residual
    /// checks (one more per pair). Without a restart it is also the basis size.
    /// </summary>
    public int MaxSteps { get; init; } = 200;
    /// <summary>Stop when every wanted Ritz pair's estimated relative residual ‖Ay − θy‖/|θ| is at most this.</summary>
    public double Tolerance { get; init; } = 1e-4;
    /// <summary>A pair is reported converged when its measured relative residual is at most this.</summary>
    public double ConvergedResidual { get; init; } = 1e-3;
    public long Seed { get; init; } = 42;
    /// <summary>The dtype the basis rows are stored in (<see cref="LanczosRows"/>); null: the operator's.</summary>
    public ScalarType? BasisDType { get; init; }
    /// <summary>The basis size, forced (tests); null: chosen from the memory budget by <see cref="LanczosBasis.Size"/>.</summary>
    internal int? Basis { get; init; }
    /// <summary>The bytes the basis may take (tests); null: <see cref="Native.MemoryBudget.LimitBytes"/>.</summary>
    internal double? BasisBudgetBytes { get; init; }
}

/// <summary>An eigenpair estimate with its measured relative residual ‖Av − λv‖/|λ|.</summary>
public sealed record Eigenpair(double Value, double Residual, bool Converged, float[] Vector);

public sealed record EigenResult(IReadOnlyList<Eigenpair> Pairs, int Steps, long OperatorApplications, string Method, long Seed)
{
    public double[] Values => Pairs.Select(p => p.Value).ToArray();
    public double[] Residuals => Pairs.Select(p => p.Residual).ToArray();
    public bool AllConverged => Pairs.All(p => p.Converged);
    /// <summary>Lanczos: the basis size m (vectors held besides the next one); null for power iteration.</summary>
    public int? Basis { get; init; }
    /// <summary>Lanczos: how many times the basis was restarted (0: a plain Lanczos run); null for power iteration.</summary>
    public int? Restarts { get; init; }
}

/// <summary>
/// Top-k eigenpairs by Lanczos with full reorthogonalization, restarted when the basis that fits
/// memory is smaller than the step limit: thick-restart Lanczos (K. Wu and H. Simon, "Thick-restart
/// Lanczos method for large symmetric eigenvalue problems", SIAM J. Matrix Anal. Appl. 22(2),
/// 602–616, 2000; mathematically the implicitly restarted Lanczos of ARPACK with exact shifts,
/// D. Sorensen 1992). The basis size m comes from <see cref="LanczosBasis.Size"/>; when the basis is
/// full, the <see cref="LanczosBasis.Kept"/> most wanted Ritz vectors are kept and the recurrence goes
/// on from the last Lanczos vector. Stops as soon as the wanted Ritz pairs' residual estimates
/// (|β_m u_m|, exact for the recurrence, restarted or not) reach the tolerance or the steps over all
/// restarts reach <see cref="LanczosOptions.MaxSteps"/>, then measures each pair's true residual
/// with one more operator application. When min(MaxSteps, dimension) vectors fit, the run never
/// restarts and is plain Lanczos. A single start vector finds one copy of an exactly repeated
/// eigenvalue (the Krylov space holds one direction of its eigenspace) until the space becomes invariant
/// (a zero β): the run then goes on from a random vector orthogonal to the basis and, as ARPACK's
/// dsaitr does, fills the basis before testing convergence again, so other copies can be found
/// (docs/eigenpairs.md).
/// </summary>
public static class Lanczos
{
    public static EigenResult TopEigenpairs(ILinearOperator op, LanczosOptions options)
    {
        if (options.K < 1) throw new LlaException($"{{top-k}} must be at least 1 (got {options.K})");
        if (options.K > op.Dimension) throw new LlaException($"{{top-k}} {options.K} exceeds the number of parameters ({op.Dimension})");
        if (options.MaxSteps < options.K) throw new LlaException($"the Lanczos step limit ({options.MaxSteps}) must be at least k ({options.K})");
        var storage = LanczosBasis.Storage(options.BasisDType, op.DType);
        int basis = options.Basis is int forced
            ? LanczosBasis.Forced(forced, options.K, options.MaxSteps, op.Dimension)
            : LanczosBasis.Size(options.K, options.MaxSteps, op.Dimension, storage, options.BasisBudgetBytes);
        long before = op.ApplyCount;
        var generator = new Generator((ulong)options.Seed);
        using var start = RandomVectors.Gaussian(op.Dimension, op.DType, generator, op.Device);
        using var process = new LanczosProcess(op, basis, start, generator, storage);

        int[] chosen = Array.Empty<int>();
        (double[] Values, double[,] Vectors) ritz = (Array.Empty<double>(), new double[0, 0]);
        // After a breakdown (β = 0: the Krylov space is invariant) every Ritz pair of the space found so far has a zero
        // residual estimate, though copies of its eigenvalues (or others) may lie outside it. As ARPACK does, the run then
        // goes on from a random orthogonal vector and fills the basis before it tests convergence again.
        bool filling = false;
        while (true)
        {
            bool more = process.Step(continueOnBreakdown: true);
            int m = process.Steps;
            if (more && process.LastBeta == 0) filling = true;
            if (m < options.K) { if (!more) break; continue; }
            ritz = process.Ritz();
            chosen = Choose(ritz.Values, options.K, options.Which);
            double lastBeta = process.LastBeta;
            bool done = (!filling || process.Full) && chosen.All(c =>
            {
                double estimate = Math.Abs(lastBeta * ritz.Vectors[m - 1, c]);
                return estimate <= options.Tolerance * Math.Max(Math.Abs(ritz.Values[c]), 1e-300);
            });
            if (done || process.BrokeDown || process.Applications >= options.MaxSteps) break;
            if (!process.Full) continue;
            if (m >= op.Dimension) break; // the basis spans the whole space: T's eigenpairs are exact
            process.Restart(ritz, Choose(ritz.Values, LanczosBasis.Kept(options.K, m), options.Which));
            filling = false;
        }

        var pairs = new List<Eigenpair>();
        foreach (int c in chosen)
        {
            using var scope = NewDisposeScope();
            var y = process.RitzVector(ritz.Vectors, c);
            y.div_(Reductions.Norm(y));
            double theta = ritz.Values[c];
            var ay = op.Apply(y);
            double residual = Reductions.Norm(ay.sub(y.mul(theta))) / Math.Max(Math.Abs(theta), 1e-300);
            pairs.Add(new Eigenpair(theta, residual, residual <= options.ConvergedResidual, ToArray(y)));
        }
        return new EigenResult(pairs, process.Applications, op.ApplyCount - before, "lanczos", options.Seed)
        {
            Basis = process.Capacity, Restarts = process.Restarts,
        };
    }

    /// <summary>Indices of the k wanted Ritz values, in the order they are reported.</summary>
    internal static int[] Choose(double[] ascending, int k, EigenTarget which) => which switch
    {
        EigenTarget.Smallest => Enumerable.Range(0, ascending.Length).Take(k).ToArray(),
        EigenTarget.Largest => Enumerable.Range(0, ascending.Length).Reverse().Take(k).ToArray(),
        EigenTarget.LargestMagnitude => Enumerable.Range(0, ascending.Length)
            .OrderByDescending(i => Math.Abs(ascending[i])).ThenByDescending(i => ascending[i])
            .Take(k).ToArray(),
    };

    internal static float[] ToArray(Tensor v)
    {
        using var f = v.to(ScalarType.Float32).cpu().contiguous();
        return f.data<float>().ToArray();
    }
}
