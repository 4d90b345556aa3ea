using Lla.Curvature;
using Lla.Tests.Support;

namespace Lla.Tests.Curvature;

public class XTraceAndDiagonalTests
{
    private readonly Xunit.Abstractions.ITestOutputHelper _output;

    public XTraceAndDiagonalTests(Xunit.Abstractions.ITestOutputHelper output)
    {
        TestTorch.Init();
        _output = output;
    }

    [Theory]
    [InlineData(8)]
    [InlineData(9)] // rank = m/2 − 1, the largest rank XTrace is exact for
    public void XTrace_is_exact_when_the_rank_is_below_half_its_applications(int rank)
    {
        var spectrum = new double[60];
        for (int i = 0; i < rank; i++) spectrum[i] = (i % 2 == 0 ? 1 : -1) * (10 - i); // indefinite: exactness must not rely on A ⪰ 0
        using var op = DenseOperator.WithSpectrum(spectrum, seed: 5);
        var result = XTrace.Estimate(op, new XTraceOptions { Applications = 20, Seed = 2 });
        // The leave-one-out projectors all contain A's range: every estimate is tr(A) up to rounding (~1e-14 here).
        Assert.Equal(spectrum.Sum(), result.Trace, 9);
        Assert.True(result.StandardError <= 1e-9, $"error estimate {result.StandardError}");
        Assert.Equal(20, result.OperatorApplications);
        Assert.Equal("xtrace", result.Method);
    }

    [Fact]
    public void XTrace_is_not_exact_beyond_its_rank_and_its_error_estimate_says_so()
    {
        var spectrum = Enumerable.Range(1, 60).Select(i => 10.0 / i).ToArray();
        using var op = DenseOperator.WithSpectrum(spectrum, seed: 6);
        var result = XTrace.Estimate(op, new XTraceOptions { Applications = 20, Seed = 3 });
        Assert.True(result.StandardError > 1e-3);
        Assert.True(Math.Abs(result.Trace - spectrum.Sum()) <= 5 * result.StandardError, $"{result.Trace} vs {spectrum.Sum()} ± {result.StandardError}");
    }

    [Fact]
    public void XTrace_has_lower_error_than_Hutchinson_and_HutchPlusPlus_for_the_same_count_on_a_decaying_spectrum()
    {
        // λ_i = 100 / i², 40 seeds, 30 applications each (the Hutch++ test's setting).
        var spectrum = Enumerable.Range(1, 200).Select(i => 100.0 / (i * i)).ToArray();
        using var op = DenseOperator.WithSpectrum(spectrum, seed: 4);
        double exact = spectrum.Sum();
        double Rms(Func<long, double> estimate) => Math.Sqrt(Enumerable.Range(0, 40).Average(s => Math.Pow(estimate(s), 2)));
        var xtraceRuns = Enumerable.Range(0, 40).Select(s => XTrace.Estimate(op, new XTraceOptions { Applications = 30, Seed = s })).ToArray();
        double xtrace = Rms(s => xtraceRuns[s].Trace - exact);
        double reported = Rms(s => xtraceRuns[s].StandardError);
        double hutchinson = Rms(s => Hutchinson.Estimate(op, new HutchinsonOptions { MaxIterations = 30, Tolerance = 0, Seed = s }).Trace - exact);
        double hutchPlusPlus = Rms(s => HutchPlusPlus.Estimate(op, new HutchPlusPlusOptions { Applications = 30, Seed = s }).Trace - exact);
        _output.WriteLine($"RMS error over 40 seeds: XTrace {xtrace:G3} (its error estimate, RMS: {reported:G3}), Hutch++ {hutchPlusPlus:G3}, Hutchinson {hutchinson:G3}");
        Assert.InRange(reported, xtrace / 3, 3 * xtrace);
        Assert.True(xtrace < 0.2 * hutchinson, $"XTrace RMS {xtrace}, Hutchinson {hutchinson}");
        Assert.True(xtrace < hutchPlusPlus, $"XTrace RMS {xtrace}, Hutch++ {hutchPlusPlus}");
    }

    [Theory]
    [InlineData(3)]
    [InlineData(0)]
    [InlineData(2)]
    public void XTrace_refuses_an_odd_or_too_small_count(int applications)
    {
        using var op = DenseOperator.WithSpectrum(new double[] { 1, 2, 3, 4, 5 }, seed: 1);
        Assert.Throws<LlaException>(() => XTrace.Estimate(op, new XTraceOptions { Applications = applications }));
    }

    [Fact]
    public void Diagonal_estimates_average_to_the_exact_diagonal_over_many_seeds()
    {
        var g = new Random(3);
        using var op = DenseOperator.WithSpectrum(Enumerable.Range(0, 20).Select(_ => g.NextDouble() * 4 - 1).ToArray(), seed: 7);
        var a = op.Matrix;
        var exact = a.diagonal().data<double>().ToArray();
        // Variance of one probe's entry j: Σ_{k≠j} A_jk² (see HutchinsonDiagonal).
        var sigma = (a.pow(2).sum(1) - a.diagonal().pow(2)).sqrt().data<double>().ToArray();
        const int seeds = 200, probes = 10;
        var mean = new double[20];
        for (int s = 0; s < seeds; s++)
        {
            var result = HutchinsonDiagonal.Estimate(op, new DiagonalOptions { Probes = probes, Seed = s });
            Assert.Equal(probes, result.OperatorApplications);
            for (int j = 0; j < 20; j++) mean[j] += result.Diagonal[j] / seeds;
            if (s == 0)
                for (int j = 0; j < 20; j++) // the reported error of 10 probes is a rough estimate: within a factor 3 of the truth
                    Assert.InRange(result.StandardError[j], sigma[j] / Math.Sqrt(probes) / 3, 3 * sigma[j] / Math.Sqrt(probes));
        }
        for (int j = 0; j < 20; j++)
        {
            double standardError = sigma[j] / Math.Sqrt(seeds * probes);
            Assert.True(Math.Abs(mean[j] - exact[j]) <= 4 * standardError, $"entry {j}: {mean[j]} vs {exact[j]} ± {standardError}");
        }
    }

    [Fact]
    public void Diagonal_of_a_diagonal_operator_is_exact_with_zero_error()
    {
        using var op = new DenseOperator(diag(tensor(new double[] { 1, -2, 3, 1e6 })));
        var result = HutchinsonDiagonal.Estimate(op, new DiagonalOptions { Probes = 5 });
        Assert.Equal(new double[] { 1, -2, 3, 1e6 }, result.Diagonal);
        Assert.All(result.StandardError, e => Assert.Equal(0.0, e));
        Assert.Equal(5, result.OperatorApplications);
    }
}
