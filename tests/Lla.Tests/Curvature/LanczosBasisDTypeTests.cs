using Lla.Curvature;
using Lla.Data;
using Lla.Models;
using Lla.Models.Gpt;
using Lla.Objectives;
using Lla.Tests.Support;
using Lla.Vectors;
using Xunit.Abstractions;

namespace Lla.Tests.Curvature;

/// <summary>
/// Lanczos bases stored in float16 (rows scaled by a power of two near √D) or bfloat16 against float32 (issue 27 item 5,
/// docs/language-models.md "Micro-batches and memory"): the rows' rounding, then top-5 eigenpairs and a 2 × 30-step SLQ of
/// a float32 operator of known spectrum (D = 20,000) and of a small float32 GPT (28,032 parameters). The recurrence runs
/// on unrounded vectors; only the reorthogonalization, the Ritz vectors and a restart's rotation read rounded rows.
/// Eigenvalues, SLQ nodes and weights agree with float32's to float32's own level; the Ritz vectors carry the rows'
/// rounding (u: float16 2⁻¹¹ ≈ 4.9e-4, bfloat16 2⁻⁸ ≈ 3.9e-3). Each tolerance has the measured value beside it
/// (deterministic: fixed seeds).
/// </summary>
public class LanczosBasisDTypeTests(ITestOutputHelper output)
{
    private static double UnitRoundoff(ScalarType dtype) => dtype == ScalarType.Float16 ? Math.Pow(2, -11) : Math.Pow(2, -8);

    [Fact]
    public void Float16_rows_are_scaled_by_a_power_of_two_near_the_root_of_the_dimension_and_round_within_its_unit_roundoff()
    {
        TestTorch.Init();
        Assert.Equal(1024, LanczosRows.ScaleFor(ScalarType.Float16, 1 << 20));
        Assert.Equal(8192, LanczosRows.ScaleFor(ScalarType.Float16, 124_439_808)); // gpt2-small: √D = 11,155 = 2^13.4
        Assert.Equal(1, LanczosRows.ScaleFor(ScalarType.BFloat16, 1 << 20));
        Assert.Equal(16384, LanczosRows.ScaleFor(ScalarType.Float16, 1L << 40)); // capped: a unit vector's entries stay below 2^14
        long n = 1 << 20;
        using var rows = new LanczosRows(3, n, ScalarType.Float16, ScalarType.Float32, CPU);
        using var bf = new LanczosRows(1, n, ScalarType.BFloat16, ScalarType.Float32, CPU);
        using var scope = NewDisposeScope();
        var gaussian = randn(n, generator: new Generator(3));
        gaussian.div_(gaussian.norm());
        var oneHot = zeros(n);
        oneHot[5] = tensor(1f);
        rows.Set(0, gaussian);
        rows.Set(1, oneHot);
        rows.Set(2, gaussian.mul(1e-3f).add_(oneHot.mul(0.9999995f))); // one entry near 1, the others about 1e-6
        bf.Set(0, gaussian);
        double Error(LanczosRows r, int i, Tensor v) => r.Row(i).sub(v).norm().ToDouble() / v.norm().ToDouble();
        double half = Error(rows, 0, gaussian), brain = Error(bf, 0, gaussian);
        output.WriteLine($"relative error of a stored unit Gaussian row: float16 {half:G3}, bfloat16 {brain:G3}");
        // A uniform relative rounding error of at most u has root mean square about u/√3: measured 2.8e-4 and 2.3e-3.
        Assert.InRange(half, 1e-5, UnitRoundoff(ScalarType.Float16) / Math.Sqrt(3) * 1.2);
        Assert.InRange(brain, 1e-4, UnitRoundoff(ScalarType.BFloat16) / Math.Sqrt(3) * 1.2);
        Assert.Equal(0, Error(rows, 1, oneHot)); // 1 · 2^10 is exact in float16: no overflow
        Assert.True(Error(rows, 2, gaussian.mul(1e-3f).add_(oneHot.mul(0.9999995f))) <= UnitRoundoff(ScalarType.Float16));
    }

    [Fact]
    public void A_basis_dtype_wider_than_the_analysis_or_unknown_is_refused_in_one_line()
    {
        TestTorch.Init();
        using var op = new ReflectedDiagonal(new double[] { 3, 2, 1, 0.5 }, seed: 1, dtype: ScalarType.Float32);
        var wider = Assert.Throws<LlaException>(() => SpectralDensity.Estimate(op, new SlqOptions { Steps = 2, BasisDType = ScalarType.Float64 }));
        Assert.StartsWith("{lanczos-basis-dtype} float64 is wider than the analysis's float32", wider.Template);
        Assert.DoesNotContain('\n', wider.Message);
        Assert.Equal(0, op.ApplyCount);
        var unknown = Assert.Throws<LlaException>(() => HessianAnalysisOptions.ParseBasisDType("half"));
        Assert.Equal("{lanczos-basis-dtype} must be float32, float16, bfloat16 or float64 (got 'half')", unknown.Template);
        Assert.Equal(ScalarType.BFloat16, HessianAnalysisOptions.ParseBasisDType("bfloat16"));
        Assert.Null(HessianAnalysisOptions.ParseBasisDType(null));
    }

    [Fact]
    public void The_eigenpairs_running_after_the_density_change_neither()
    {
        // HessianAnalysis.Run runs the trace, the SLQ, then the eigenpairs: each from its own seed, so each equals its stage run alone.
        TestTorch.Init();
        var g = new Random(2);
        var spectrum = new List<double> { 9, 7, -6 };
        while (spectrum.Count < 400) spectrum.Add(g.NextDouble() * 4 - 1);
        using var op = new ReflectedDiagonal(spectrum.ToArray(), seed: 3);
        var options = new HessianAnalysisOptions { TopK = 2, Trace = true, Esd = true, Runs = 2, LanczosSteps = 20, Seed = 5 };
        var all = HessianAnalysis.Run(op, options);
        var eigen = HessianAnalysis.Run(op, options with { Trace = false, Esd = false });
        var esd = HessianAnalysis.Run(op, options with { TopK = 0, Trace = false });
        var trace = HessianAnalysis.Run(op, options with { TopK = 0, Esd = false });
        Assert.Equal(eigen.Eigen!.Values, all.Eigen!.Values);
        Assert.Equal(eigen.Eigen.Pairs[0].Vector, all.Eigen.Pairs[0].Vector);
        for (int r = 0; r < 2; r++)
        {
            Assert.Equal(esd.Esd!.Runs[r].Nodes, all.Esd!.Runs[r].Nodes);
            Assert.Equal(esd.Esd.Runs[r].Weights, all.Esd.Runs[r].Weights);
        }
        Assert.Equal(trace.Trace!.Trace, all.Trace!.Trace);
        Assert.Equal(new[] { "eigen", "trace", "esd" }, all.Seeds.Keys);
    }

    [Fact]
    public void Float16_and_bfloat16_bases_agree_with_float32_on_a_known_spectrum()
    {
        TestTorch.Init();
        var g = new Random(21);
        var spectrum = new List<double> { 50.0, 40.0, 35.0, 30.0, 28.0, -20.0 };
        while (spectrum.Count < 20_000) spectrum.Add(-1 + 6 * g.NextDouble());
        using var op = new ReflectedDiagonal(spectrum.ToArray(), seed: 4, dtype: ScalarType.Float32);
        var exact = new[] { 50.0, 40.0, 35.0, 30.0, 28.0 };
        foreach (var dtype in new ScalarType?[] { null, ScalarType.Float16, ScalarType.BFloat16 })
        {
            // Every basis dtype is as close to the exact eigenvalues as float32's (measured: up to 1.9e-6, 2.2e-6, 2.2e-6 relative).
            var values = Analyse(op, dtype).Eigen!.Values;
            for (int i = 0; i < 5; i++) Assert.True(Math.Abs(values[i] - exact[i]) <= 1e-5 * exact[i], $"{dtype?.ToString() ?? "float32"} λ{i} {values[i]:G9}");
        }
        Compare("diagonal", op);
    }

    [Fact]
    public void A_restarted_float16_basis_finds_a_clustered_known_top_three()
    {
        // Thick restarts rotate the rounded rows into rounded Ritz vectors: a basis of k + 4 restarts many times.
        TestTorch.Init();
        var g = new Random(1);
        var spectrum = new List<double> { 50.0, 49.99, 49.98 };
        while (spectrum.Count < 3000) spectrum.Add(-2 + 22 * g.NextDouble());
        using var op = new ReflectedDiagonal(spectrum.ToArray(), seed: 11, dtype: ScalarType.Float32);
        foreach (var dtype in new ScalarType?[] { null, ScalarType.Float16 })
        {
            var result = Lanczos.TopEigenpairs(op, new LanczosOptions { K = 3, Which = EigenTarget.Largest, Tolerance = 1e-6, MaxSteps = 3000, Basis = 7, Seed = 5, BasisDType = dtype });
            output.WriteLine($"{dtype?.ToString() ?? "float32"}: λ {string.Join(", ", result.Values.Select(v => v.ToString("G9")))}; residuals {string.Join(", ", result.Residuals.Select(v => v.ToString("G3")))}; {result.Steps} steps, {result.Restarts} restarts");
            Assert.True(result.Restarts > 3);
            // Measured: up to 1.7e-7 (float32) and 7.1e-7 (float16) relative from the exact eigenvalues.
            for (int i = 0; i < 3; i++) Assert.True(Math.Abs(result.Values[i] - spectrum[i]) <= 2e-6 * spectrum[i], $"λ{i} {result.Values[i]:G9}");
            Assert.True(result.AllConverged);
            // The eigenvectors' subspace: float16's carries its rows' rounding (u = 4.9e-4; measured 8.7e-7 and 1.6e-4 rad).
            var angles = PrincipalAngles.Between(result.Pairs.Select(p => p.Vector).ToList(), Enumerable.Range(0, 3).Select(op.Eigenvector).ToList());
            output.WriteLine($"largest principal angle {angles.LargestAngle:G3}");
            Assert.True(angles.LargestAngle <= (dtype is null ? 1e-5 : 1e-3), $"largest principal angle {angles.LargestAngle:G3}");
        }
    }

    [Fact]
    public void Float16_and_bfloat16_bases_agree_with_float32_on_a_small_gpt()
    {
        TestTorch.Init();
        var (model, objective) = Gpt();
        var parameters = ParameterSet.Of(model);
        Assert.Equal(28_032, parameters.Dimension);
        Compare("gpt", CurvatureOperators.Create(CurvatureOperator.Hessian, objective, parameters));
    }

    /// <summary>
    /// Top-5 and SLQ with the basis in float32, float16 and bfloat16; asserts the smaller dtypes' agreement with float32.
    /// Measured (diagonal; gpt): float16's eigenvalues 2.1e-7; 5.6e-8 relative from float32's, residuals up to 1.4e-4; 2.2e-4,
    /// SLQ nodes 7.7e-7; 1.0e-7 of the largest |node| apart, weights 2.0e-6; 1.8e-7; bfloat16's 3.2e-7; 9.7e-8, 2.0e-3; 1.7e-3,
    /// 1.1e-6; 8.6e-8, 2.6e-6; 9.4e-7.
    /// </summary>
    private void Compare(string name, ILinearOperator op)
    {
        var reference = Analyse(op, null);
        Assert.True(reference.Eigen!.AllConverged);
        output.WriteLine($"{name} float32: λ {string.Join(", ", reference.Eigen.Values.Select(v => v.ToString("G9")))}; residuals {string.Join(", ", reference.Eigen.Residuals.Select(v => v.ToString("G3")))}; steps {reference.Eigen.Steps}; trace {reference.Esd!.TraceEstimate:G9}");
        foreach (var dtype in new[] { ScalarType.Float16, ScalarType.BFloat16 })
        {
            double u = UnitRoundoff(dtype);
            var r = Analyse(op, dtype);
            double value = reference.Eigen.Values.Zip(r.Eigen!.Values, (a, b) => Math.Abs(a - b) / Math.Abs(a)).Max();
            double trace = Math.Abs(r.Esd!.TraceEstimate - reference.Esd.TraceEstimate) / Math.Abs(reference.Esd.TraceEstimate);
            double second = Math.Abs(r.Esd.SecondMomentEstimate - reference.Esd.SecondMomentEstimate) / reference.Esd.SecondMomentEstimate;
            double top = reference.Esd.Runs.Max(run => run.Nodes.Max(Math.Abs));
            double nodes = reference.Esd.Runs.Zip(r.Esd.Runs, (a, b) => a.Nodes.Zip(b.Nodes, (x, y) => Math.Abs(x - y)).Max()).Max() / top;
            double weights = reference.Esd.Runs.Zip(r.Esd.Runs, (a, b) => a.Weights.Zip(b.Weights, (x, y) => Math.Abs(x - y)).Max()).Max();
            double residual = r.Eigen.Residuals.Max();
            output.WriteLine($"{name} {dtype}: λ {string.Join(", ", r.Eigen.Values.Select(v => v.ToString("G9")))}");
            output.WriteLine($"{name} {dtype}: eigenvalues {value:G3} relative; residuals up to {residual:G3}; steps {r.Eigen.Steps}; trace {trace:G3}, second moment {second:G3} relative; nodes {nodes:G3} of the largest |node|; weights {weights:G3}");
            // The same steps: the stopping rule reads T, which the rounded rows barely change.
            Assert.Equal(reference.Eigen.Steps, r.Eigen.Steps);
            // Ritz values come from T, built from unrounded vectors and reorthogonalized exactly against the last two:
            // float32's own level (its distance from the exact eigenvalues on the known spectrum is up to 1.9e-6).
            Assert.True(value <= 1e-5, $"{dtype}: eigenvalues {value:G3} apart");
            // SLQ's trace and second moment are D·α₀ and D·(α₀² + β₀²), from the unrounded start vector: float32's, up to
            // the float32 HVP's repeatability. That is bitwise at one thread count (measured 2.6e-15 alone), but the suite
            // runs classes in parallel and some set torch's thread count, which changes the reductions' order: measured, the
            // gpt's trace moved by 3.5e-7 relative from 2 threads to 1 (α₀ = v₀ᵀHv₀ cancels, the trace being a sum of ±
            // curvature), and by 3.0e-7 and the second moment by 1.2e-10 in a full `dotnet test` on a fresh clone.
            // A start vector rounded to the basis dtype would move both by about u (≥ 4.9e-4) or more.
            Assert.True(trace <= 1e-5 && second <= 1e-7, $"{dtype}: trace {trace:G3}, second moment {second:G3}");
            // Nodes and weights (the density): 2e-5, a fiftieth of what the smoothed density resolves (its Gaussian's
            // standard deviation, √(1e-5·width), is about 1e-3 of the largest |node| here).
            Assert.True(nodes <= 2e-5, $"{dtype}: nodes {nodes:G3} apart");
            Assert.True(weights <= 2e-5, $"{dtype}: weights {weights:G3} apart");
            // A Ritz vector is a sum of rounded rows: its residual ‖Ay − θy‖/|θ| has a floor near the rows' error, u/√3
            // (float32's: 1e-6). float16's stays under the 1e-3 that reports a pair converged; bfloat16's does not.
            Assert.True(residual <= 1.2 * u / Math.Sqrt(3), $"{dtype}: residual {residual:G3}");
            Assert.Equal(dtype == ScalarType.Float16, r.Eigen.AllConverged);
        }
    }

    private static HessianAnalysisResult Analyse(ILinearOperator op, ScalarType? dtype) => HessianAnalysis.Run(op, new HessianAnalysisOptions
    {
        TopK = 5, Trace = false, Esd = true, Runs = 2, LanczosSteps = 30, EigenMaxSteps = 300, Seed = 3, LanczosBasisDType = dtype,
    });

    /// <summary>A float32 GPT of 28,032 parameters (two layers of width 32, 64 tokens) on 8 windows of 16 tokens.</summary>
    private static (GptModel Model, Objective Objective) Gpt()
    {
        torch.manual_seed(5);
        var model = (GptModel)ModelZoo.Create(new ModelSpec("gpt:layers=2,heads=2,width=32,context=16,vocab=64", new long[] { 16 }, 64));
        using (no_grad())
            foreach (var (_, p) in model.named_parameters())
                p.add_(randn_like(p).mul(0.2)); // away from nanoGPT's near-zero initialization
        var generator = new Generator(9);
        var ids = randint(0, 64, new long[] { 8, 16 }, dtype: ScalarType.Int64, generator: generator);
        var targets = randint(0, 64, new long[] { 8, 16 }, dtype: ScalarType.Int64, generator: generator);
        return (model, new Objective(model, LossFunctions.NextTokenCrossEntropy, new[] { new Batch(ids, targets) }));
    }
}
