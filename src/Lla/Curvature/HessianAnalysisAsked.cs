namespace Lla.Curvature;

/// <summary>
/// The Hessian analysis as a front end is asked for it: counts and tolerances as given, the choices by their
/// command-line names (which: largest | smallest; eigen-method; trace-method). <see cref="Options"/> maps them to
/// <see cref="HessianAnalysisOptions"/>, refusing a name that is no choice in one line that names its setting.
/// </summary>
public sealed record HessianAnalysisAsked(int TopK, string Which, string EigenMethod, double EigenTolerance, int EigenMaxSteps,
    string TraceMethod, int TraceApplications, int Runs, int LanczosSteps, double KhPower, double CtThreshold)
{
    /// <summary>The analysis options, with the trace and the spectral density on or off as the command decides and the run's seed.</summary>
    public HessianAnalysisOptions Options(long seed, bool trace, bool esd) => new()
    {
        TopK = TopK,
        Which = Which switch
        {
            "largest" => EigenTarget.LargestMagnitude,
            "smallest" => EigenTarget.Smallest,
            var w => throw new LlaException($"{{which}} must be largest or smallest (got '{w}')"),
        },
        EigenMethod = SettingNames.Parse<EigenMethod>(EigenMethod, "eigen-method"),
        EigenTolerance = EigenTolerance,
        EigenMaxSteps = EigenMaxSteps,
        Trace = trace,
        TraceMethod = SettingNames.Parse<TraceMethod>(TraceMethod, "trace-method"),
        TraceApplications = TraceApplications,
        Esd = esd,
        Runs = Runs,
        LanczosSteps = LanczosSteps,
        KhPower = KhPower,
        CtThreshold = CtThreshold,
        Seed = seed,
    };
}
