namespace Lla.Landscapes;

/// <summary>Where a landscape's axes come from.</summary>
public enum AxesKind
{
    /// <summary>Gaussian directions, the second orthogonalized to the first.</summary>
    Random,
    /// <summary>The seed library's uniform [0, 1) draws.</summary>
    RandomUniform,
    /// <summary>Adam's first and second moments from a training checkpoint.</summary>
    Adam,
    /// <summary>Top Hessian eigenvectors.</summary>
    Hessian,
    /// <summary>Principal components of a training trajectory.</summary>
    Pca,
    /// <summary>Towards one or two other checkpoints.</summary>
    Checkpoints,
    /// <summary>A saved direction file.</summary>
    File,
}

/// <summary>The names axes have in results files and labels.</summary>
public static class AxesKinds
{
    public static string Name(this AxesKind axes) => axes switch
    {
        AxesKind.Random => "random",
        AxesKind.RandomUniform => "random-uniform",
        AxesKind.Adam => "adam",
        AxesKind.Hessian => "hessian",
        AxesKind.Pca => "pca",
        AxesKind.Checkpoints => "checkpoints",
        AxesKind.File => "file",
    };

    /// <summary>The axes a user names: random, uniform (the seed library's draws), adam, hessian, pca, checkpoints, file.</summary>
    public static AxesKind Parse(string name) => name switch
    {
        "random" => AxesKind.Random,
        "uniform" => AxesKind.RandomUniform,
        "adam" => AxesKind.Adam,
        "hessian" => AxesKind.Hessian,
        "pca" => AxesKind.Pca,
        "checkpoints" => AxesKind.Checkpoints,
        "file" => AxesKind.File,
        _ => throw new LlaException($"{{axes}} must be random, uniform, adam, hessian, pca, checkpoints or file (got '{name}')"),
    };

    /// <summary>Random axes take a seed per plane; the others are the same plane every time.</summary>
    public static bool IsRandom(this AxesKind axes) => axes is AxesKind.Random or AxesKind.RandomUniform;
}
