namespace Lla.Curvature;

/// <summary>How top eigenpairs are found.</summary>
public enum EigenMethod
{
    /// <summary>Lanczos with full reorthogonalization (default).</summary>
    Lanczos,
    /// <summary>Power iteration with deflation, the seed library's method.</summary>
    Power,
}

/// <summary>How the trace is estimated.</summary>
public enum TraceMethod
{
    /// <summary>Hutch++ (default): exact on a sketched top of the spectrum, Hutchinson on the rest.</summary>
    [SettingName("hutch++")]
    HutchPlusPlus,
    /// <summary>Hutchinson's estimator, the seed library's.</summary>
    Hutchinson,
    /// <summary>XTrace (Epperly, Tropp, Webber 2024): exchangeable Hutch++ with leave-one-out estimates.</summary>
    [SettingName("xtrace")]
    XTrace,
}
