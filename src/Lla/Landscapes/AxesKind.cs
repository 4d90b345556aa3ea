namespace Lla.Landscapes;

/// <summary>Where a landscape's axes come from.</summary>
public enum AxesKind
{
    /// <summary>Gaussian directions, the second orthogonalized to the first.</summary>
    Random,
    /// <summary>The seed library's uniform [0, 1) draws.</summary>
    [SettingName("random-uniform", Flag = "uniform")]
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
    /// <summary>Random axes take a seed per plane; the others are the same plane every time.</summary>
    public static bool IsRandom(this AxesKind axes) => axes is AxesKind.Random or AxesKind.RandomUniform;
}
