using Lla.Curvature;
using Lla.Tests.Support;
using Lla.Vectors;

namespace Lla.Tests.Curvature;

/// <summary>
/// The split H = G + R on the oracle's tanh MLP (39 parameters, float64) against explicit matrices
/// (H by one HVP per unit vector, G = mean J_iᵀH_ℓ,iJ_i brute force, R = H − G). With 39 Lanczos
/// steps (= the dimension) Lanczos and SLQ are exact quadratures, and Hutch++ with 117 products has
/// a 39-column sketch that spans the space, so every number is exact up to rounding: 1e-8 relative
/// leaves a wide margin over float64 rounding (~1e-13 here) while any mistake (a wrong operator, seed
/// or weight) changes the numbers at order 1. Eigenvectors are stored in float32, so the angles'
/// cosines are compared at 1e-5.
/// </summary>
public class CurvatureSplitTests
{
    public CurvatureSplitTests() => TestTorch.Init();

    private const int N = 39;

    private static readonly HessianAnalysisOptions Options = new()
    {
        TopK = 3, EigenTolerance = 1e-10, Trace = false, Esd = false, TraceApplications = 3 * N, LanczosSteps = N, Runs = 2, Seed = 7,
    };

    [Fact]
    public void The_splits_numbers_equal_those_of_the_explicit_matrices()
    {
        var oracle = new CurvatureOracle("cross-entropy");
        Assert.Equal(N, oracle.Parameters.Dimension);
        var h = oracle.Hessian();
        h = (h + h.t()) / 2;
        var g = oracle.Ggn();
        var r = h - g;

        var split = CurvatureSplit.Run(oracle.Objective(), oracle.Parameters, Options);

        foreach (var (name, m, a) in new[] { ("H", h, split.Hessian), ("G", g, split.Ggn), ("R", r, split.Residual) })
        {
            var (values, _) = linalg.eigh(m);
            var exact = values.data<double>().ToArray();
            double scale = exact.Max(Math.Abs);
            var top = exact.OrderByDescending(Math.Abs).Take(Options.TopK).ToArray();
            var measured = a.Eigen!.Values;
            for (int i = 0; i < top.Length; i++)
                Assert.True(Math.Abs(measured[i] - top[i]) <= 1e-8 * scale, $"{name}: eigenvalue {i} {measured[i]} vs {top[i]}");
            double trace = m.trace().ToDouble();
            Assert.True(Math.Abs(a.Trace!.Trace - trace) <= 1e-8 * exact.Sum(Math.Abs), $"{name}: trace {a.Trace.Trace} vs {trace}");
            Assert.Equal(Options.Runs, a.Esd!.Runs.Count);
        }

        // The negative mass of each SLQ run is the exact quadrature Σ_{λ<0}|λ|(qᵀv)² with the run's start vector v.
        foreach (var (name, m, mass) in new[] { ("H", h, split.HessianMass), ("G", g, split.GgnMass), ("R", r, split.ResidualMass) })
        {
            var exact = ExactMasses(m, Options.Seed + 2, Options.Runs);
            for (int run = 0; run < Options.Runs; run++)
            {
                double total = exact[run].Negative + exact[run].Positive;
                Assert.True(Math.Abs(mass.Runs[run].Negative - exact[run].Negative) <= 1e-8 * total, $"{name} run {run}: negative mass {mass.Runs[run].Negative} vs {exact[run].Negative}");
                Assert.True(Math.Abs(mass.Runs[run].Positive - exact[run].Positive) <= 1e-8 * total, $"{name} run {run}: positive mass {mass.Runs[run].Positive} vs {exact[run].Positive}");
            }
        }
        // G is positive semi-definite: no negative mass beyond rounding. This network's R, and so H, have some.
        Assert.True(split.GgnMass.Negative <= 1e-8 * split.GgnMass.Positive, $"G's negative mass {split.GgnMass.Negative}");
        Assert.True(split.ResidualMass.Negative > 1e-3 * split.ResidualMass.Positive, "the test needs an indefinite residual");
        Assert.True(split.HessianMass.Negative > 0);

        // Principal angles between the top-3 eigenvector subspaces of H and G, from the explicit eigenvectors.
        var exactAngles = PrincipalAngles.Between(TopVectors(h, Options.TopK), TopVectors(g, Options.TopK));
        var angles = split.AnglesHessianGgn!;
        Assert.Equal(Options.TopK, angles.Cosines.Length);
        for (int i = 0; i < Options.TopK; i++)
            Assert.True(Math.Abs(angles.Cosines[i] - exactAngles.Cosines[i]) <= 1e-5, $"cosine {i}: {angles.Cosines[i]} vs {exactAngles.Cosines[i]}");
    }

    [Fact]
    public void A_given_hessian_analysis_is_reused_and_the_record_carries_all_three()
    {
        var oracle = new CurvatureOracle("mse", samples: 6);
        var options = Options with { TopK = 1, Runs = 1 };
        var hOp = new HessianOperator(oracle.Objective(), oracle.Parameters);
        var done = HessianAnalysis.Run(hOp, CurvatureSplit.OptionsFor(options));
        long spent = hOp.ApplyCount;
        var split = CurvatureSplit.Run(oracle.Objective(), oracle.Parameters, options, hessianDone: done);
        Assert.Same(done, split.Hessian);
        Assert.Equal(spent, hOp.ApplyCount);

        var record = Lla.Runs.CurvatureSplitRecord.From(split, N);
        Assert.Equal(new[] { "hessian", "ggn", "residual" }, new[] { record.Hessian.Operator, record.Ggn.Operator, record.Residual.Operator });
        Assert.NotNull(record.Ggn.Esd?.Density);
        Assert.Equal(split.ResidualMass.Negative * N, record.ResidualMass.NegativeSum, 12);
        Assert.Single(record.AnglesHessianGgn!.Cosines);
    }

    /// <summary>Per SLQ run: Σ_{λ<0}|λ|w and Σ_{λ>0}λw with w = (qᵀv)²/‖v‖² for the run's Rademacher start v.</summary>
    private static RunSpectralMass[] ExactMasses(Tensor m, long seed, int runs)
    {
        var (values, vectors) = linalg.eigh(m);
        var lambda = values.data<double>().ToArray();
        var generator = new Generator((ulong)seed);
        var result = new RunSpectralMass[runs];
        for (int run = 0; run < runs; run++)
        {
            var v = RandomVectors.Rademacher(m.shape[0], ScalarType.Float64, generator);
            // Each SLQ run draws only its start vector from the generator when no restart is needed (none in N steps here).
            var w = vectors.t().mv(v / v.norm()).pow(2).data<double>().ToArray();
            double negative = 0, positive = 0;
            for (int k = 0; k < lambda.Length; k++)
                if (lambda[k] < 0) negative -= lambda[k] * w[k]; else positive += lambda[k] * w[k];
            result[run] = new RunSpectralMass(negative, positive);
        }
        return result;
    }

    private static Tensor TopVectors(Tensor m, int k)
    {
        var (values, vectors) = linalg.eigh(m);
        var order = values.data<double>().Select((v, i) => (Math.Abs(v), i)).OrderByDescending(t => t.Item1).Take(k).Select(t => (long)t.i).ToArray();
        return vectors.index_select(1, tensor(order));
    }
}
