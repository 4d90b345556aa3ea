using Lla.Curvature;
namespace Lla.Guard;

/// <summary>Which work the numeric guard vouches for, and so which quantities it checks.</summary>
public enum GuardUse
{
    /// <summary>An analysis: the loss and curvature-operator products (Hessian-vector products by default).</summary>
    Analysis,
    /// <summary>A training: the loss and its gradient, the direction every optimizer's update is made from.</summary>
    Training,
}

/// <summary>What the numeric guard evaluates in float32 and float64: the quantities the work consumes.</summary>
public sealed record GuardProbe(GuardUse Use, CurvatureOperator Operator)
{
    /// <summary>Seeded random unit vectors the products are taken along (the repeats cycle through them).</summary>
    public const int Vectors = 3;

    public static GuardProbe Analysis(CurvatureOperator op = CurvatureOperator.Hessian) => new(GuardUse.Analysis, op);
    public static GuardProbe Training { get; } = new(GuardUse.Training, CurvatureOperator.Hessian);

    /// <summary>How many distinct vectors the repeats cycle through (a training's gradient needs none: one).</summary>
    public int VectorCount => Use == GuardUse.Training ? 1 : Vectors;

    /// <summary>The checked quantity per parameter tensor, in words ("Hessian-vector product").</summary>
    public string ProductName => Use switch
    {
        GuardUse.Training => "gradient",
        GuardUse.Analysis => Operator switch
        {
            CurvatureOperator.Hessian => "Hessian-vector product",
            CurvatureOperator.Ggn => "GGN-vector product",
            CurvatureOperator.EmpiricalFisher => "empirical-Fisher-vector product",
            CurvatureOperator.Residual => "residual-vector product",
        },
    };

    /// <summary>What was checked, in words, for results.json and the page.</summary>
    public string Describe() => Use == GuardUse.Training
        ? "the loss and its gradient (the update direction)"
        : $"the loss and {ProductName}s along {Vectors} seeded random unit vectors";
}
