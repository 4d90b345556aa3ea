using Lla.Curvature;

namespace Lla.Tests.Curvature;

/// <summary>The Hessian analysis as the command line names it (<see cref="HessianAnalysisAsked"/>): every value mapped, a bad name refused naming its setting.</summary>
public class HessianAnalysisAskedTests
{
    private static HessianAnalysisAsked Asked(string which = "smallest", string eigenMethod = "lanczos", string traceMethod = "xtrace") =>
        new(TopK: 3, which, eigenMethod, EigenTolerance: 1e-3, EigenMaxSteps: 150, traceMethod, TraceApplications: 24, Runs: 2, LanczosSteps: 60, KhPower: 2.5, CtThreshold: 0.3);

    [Fact]
    public void Every_value_is_mapped_to_the_analysis_options()
    {
        var expected = new HessianAnalysisOptions
        {
            TopK = 3, Which = EigenTarget.Smallest, EigenMethod = EigenMethod.Lanczos, EigenTolerance = 1e-3, EigenMaxSteps = 150,
            Trace = false, TraceMethod = TraceMethod.XTrace, TraceApplications = 24, Esd = true, Runs = 2, LanczosSteps = 60, KhPower = 2.5, CtThreshold = 0.3, Seed = 7,
        };
        Assert.Equal(expected, Asked().Options(seed: 7, trace: false, esd: true));
        Assert.Equal(EigenTarget.LargestMagnitude, Asked(which: "largest").Options(7, true, true).Which);
        Assert.Equal(TraceMethod.HutchPlusPlus, Asked(traceMethod: "hutch++").Options(7, true, true).TraceMethod);
        Assert.Equal(EigenMethod.Power, Asked(eigenMethod: "power").Options(7, true, true).EigenMethod);
    }

    [Theory]
    [InlineData("--which must be largest or smallest (got 'largest-magnitude')", "largest-magnitude", "lanczos", "hutch++")]
    [InlineData("--eigen-method must be", "largest", "arnoldi", "hutch++")]
    [InlineData("--trace-method must be", "largest", "lanczos", "exact")]
    public void A_name_that_is_no_choice_is_refused_naming_its_setting(string expected, string which, string eigenMethod, string traceMethod)
    {
        var e = Assert.Throws<LlaException>(() => Asked(which, eigenMethod, traceMethod).Options(7, true, true));
        Assert.StartsWith(expected, e.Render(s => "--" + s));
    }
}
