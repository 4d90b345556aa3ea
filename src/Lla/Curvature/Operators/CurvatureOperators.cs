using Lla.Objectives;
using Lla.Parallel;
using Lla.Vectors;

namespace Lla.Curvature;

/// <summary>Which curvature operator an analysis works on (METHOD.md, "Curvature operators beyond the Hessian").</summary>
public enum CurvatureOperator
{
    /// <summary>The Hessian H, by double backward.</summary>
    Hessian,
    /// <summary>The generalized Gauss-Newton G (the Fisher for cross-entropy and NLL): positive semi-definite, needs no labels for them.</summary>
    Ggn,
    /// <summary>The empirical Fisher (1/B) Σ g_i g_iᵀ.</summary>
    EmpiricalFisher,
    /// <summary>The residual R = H − G, where every negative eigenvalue of H comes from.</summary>
    Residual,
}

public static class CurvatureOperators
{
    /// <summary>The operator of <paramref name="objective"/> over <paramref name="parameters"/>, its batches shared over the process group.</summary>
    public static ILinearOperator Create(CurvatureOperator kind, Objective objective, ParameterSet parameters, IProcessGroup? group = null) => kind switch
    {
        CurvatureOperator.Ggn => new GgnOperator(objective, parameters, group),
        CurvatureOperator.EmpiricalFisher => new EmpiricalFisherOperator(objective, parameters, group),
        CurvatureOperator.Residual => new ResidualOperator(objective, parameters, group),
        CurvatureOperator.Hessian => new HessianOperator(objective, parameters, group),
    };
}
