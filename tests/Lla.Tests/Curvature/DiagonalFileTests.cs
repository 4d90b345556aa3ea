using Lla.Curvature;
using Lla.Runs;
using Lla.Tests.Support;

namespace Lla.Tests.Curvature;

/// <summary>
/// The saved diagonal (`--diagonal`) and its per-layer summary, on the oracle's tanh MLP in float64:
/// the file holds float64 entries, so it must read back bit for bit; the layer sums partition the
/// entries, so they add up to the diagonal's sum up to rounding (1e-12 relative).
/// </summary>
public class DiagonalFileTests
{
    public DiagonalFileTests() => TestTorch.Init();

    [Fact]
    public void The_diagonal_file_round_trips_and_the_layer_summary_adds_up()
    {
        var oracle = new CurvatureOracle("cross-entropy");
        var layout = oracle.Parameters.Layout;
        var diagonal = HutchinsonDiagonal.Estimate(new HessianOperator(oracle.Objective(), oracle.Parameters), new DiagonalOptions { Probes = 8, Seed = 5 });

        string path = Path.Combine(Paths.NewTempFolder(), DiagonalFile.FileName);
        DiagonalFile.Write(path, diagonal, layout);
        var (entries, stderr, probes) = DiagonalFile.Read(path, layout);
        Assert.Equal(diagonal.Diagonal, entries);
        Assert.Equal(diagonal.StandardError, stderr);
        Assert.Equal(8, probes);

        var layers = DiagonalSummary.PerLayer(diagonal, layout);
        Assert.Equal(new[] { "fc1", "fc2" }, layers.Select(l => l.Layer));
        Assert.Equal(new long[] { 24, 15 }, layers.Select(l => l.Entries));
        double total = diagonal.Diagonal.Sum(), scale = diagonal.Diagonal.Sum(Math.Abs);
        Assert.True(Math.Abs(layers.Sum(l => l.Sum) - total) <= 1e-12 * scale);
        // fc1 is the first 24 entries (fc1.weight, fc1.bias), fc2 the last 15.
        var fc1 = diagonal.Diagonal.Take(24).ToArray();
        Assert.Equal(fc1.Sum(), layers[0].Sum, 12);
        Assert.Equal(fc1.Max(), layers[0].Max);
        Assert.Equal(fc1.Average(), layers[0].Mean, 12);
        double se = Math.Sqrt(diagonal.StandardError.Skip(24).Sum(s => s * s));
        Assert.Equal(se, layers[1].SumStderr, 12);

        var record = DiagonalRecord.From(diagonal, layers, "hessian");
        Assert.Equal(total, record.Sum, 12);
        Assert.Equal(8, record.Hvps);
    }

    [Fact]
    public void A_file_of_another_model_is_refused_by_name()
    {
        var oracle = new CurvatureOracle("mse", samples: 4);
        var diagonal = new DiagonalResult(new double[39], new double[39], 2, 2, 1);
        string path = Path.Combine(Paths.NewTempFolder(), DiagonalFile.FileName);
        DiagonalFile.Write(path, diagonal, oracle.Parameters.Layout);
        var other = new Lla.Vectors.ParameterLayout(new[] { "conv.weight" }, new[] { new long[] { 39 } });
        var e = Assert.Throws<LlaException>(() => DiagonalFile.Read(path, other));
        Assert.Contains("conv.weight", e.Message);
    }
}
