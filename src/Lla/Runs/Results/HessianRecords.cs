using Lla.Guard;
using Lla.Curvature;

namespace Lla.Runs;

/// <summary>Results records of the Hessian analysis: what a <see cref="HessianAnalysisResult"/> stores, with the derived values pages show.</summary>
public static class HessianRecords
{
    /// <summary>Points of the stored smoothed density (the pages' and figures' resolution).</summary>
    public const int DensityBins = 2000;

    public static HessianRecord From(HessianAnalysisResult result, long parameterCount)
    {
        var record = new HessianRecord { ParameterCount = parameterCount, HvpCount = result.HvpCount };
        if (result.Eigen is { } eigen)
            record = record with
            {
                TopEigenvalues = eigen.Values, EigenResiduals = eigen.Residuals,
                EigenConverged = eigen.Pairs.Select(p => p.Converged).ToArray(),
                EigenMethod = eigen.Method, EigenSteps = eigen.Steps, EigenHvps = eigen.OperatorApplications,
                EigenBasis = eigen.Basis, EigenRestarts = eigen.Restarts,
            };
        if (result.Trace is { } trace)
            record = record with
            {
                Trace = trace.Trace, TraceStderr = trace.StandardError, TraceProbes = trace.Probes,
                TraceMethod = trace.Method, TraceHvps = trace.OperatorApplications,
            };
        if (result.Esd is { } esd)
            record = record with
            {
                Esd = new EsdRecord(esd.Runs.Select(r => new SlqRunRecord(r.Nodes, r.Weights, r.Steps)).ToArray(), esd.TraceEstimate, esd.OperatorApplications, Density(esd)),
            };
        if (result.Criteria is { } c) record = record with { Criteria = Criteria(c) };
        return record;
    }

    public static DensityRecord Density(SpectralDensityResult esd)
    {
        var smooth = esd.Smooth(bins: DensityBins);
        return new DensityRecord(smooth.X, smooth.Density, smooth.Variance);
    }

    public static CriteriaRecord Criteria(CriteriaResult c) => new(
        c.Re, c.ReStd, c.Kh, c.KhStd, c.Ct, c.CtStd, c.KhPower, c.CtThreshold, c.HesdType, c.Notes,
        c.Runs.Select(r => new CriteriaRunRecord(r.LambdaMin, r.LambdaMax, r.Re, r.Kh, r.Ct, r.Note)).ToArray()) { Meaning = c.Meaning };

    public static GuardRecord Guard(OneDnnDecision decision)
    {
        static GuardCheckRecord? Check(GuardReport? r) => r is null ? null : new GuardCheckRecord(r.Passed, r.Repeats, r.OneDnn, r.Checked,
            r.Verdict.WorstEntry, r.Verdict.WorstError, r.Verdict.Floor, r.Verdict.LowerBound, r.Verdict.WorstRatio, r.Verdict.Factor);
        return new GuardRecord(decision.Setting.Name(), decision.OneDnnForBackward, decision.Reason,
            Check(decision.Guard), Check(decision.FallbackGuard), Check(decision.PostCheck)) { Summary = decision.Summary() };
    }
}
