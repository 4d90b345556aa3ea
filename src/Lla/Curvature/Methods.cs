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
    HutchPlusPlus,
    /// <summary>Hutchinson's estimator, the seed library's.</summary>
    Hutchinson,
    /// <summary>XTrace (Epperly, Tropp, Webber 2024): exchangeable Hutch++ with leave-one-out estimates.</summary>
    XTrace,
}

/// <summary>The names methods have in settings and results files.</summary>
public static class MethodNames
{
    public static string Name(this EigenMethod m) => m switch { EigenMethod.Power => "power", EigenMethod.Lanczos => "lanczos" };
    public static string Name(this TraceMethod m) => m switch { TraceMethod.Hutchinson => "hutchinson", TraceMethod.XTrace => "xtrace", TraceMethod.HutchPlusPlus => "hutch++" };

    public static EigenMethod ParseEigen(string name) => name switch
    {
        "lanczos" => EigenMethod.Lanczos,
        "power" => EigenMethod.Power,
        _ => throw new LlaException($"{{eigen-method}} must be lanczos or power (got '{name}')"),
    };

    public static TraceMethod ParseTrace(string name) => name switch
    {
        "hutch++" => TraceMethod.HutchPlusPlus,
        "hutchinson" => TraceMethod.Hutchinson,
        "xtrace" => TraceMethod.XTrace,
        _ => throw new LlaException($"{{trace-method}} must be hutch++, hutchinson or xtrace (got '{name}')"),
    };
}
