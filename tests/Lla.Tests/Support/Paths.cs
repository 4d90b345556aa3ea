namespace Lla.Tests.Support;

public static class Paths
{
    /// <summary>The repository root (the folder holding Lla.slnx).</summary>
    public static string Root
    {
        get
        {
            var dir = new DirectoryInfo(AppContext.BaseDirectory);
            while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "Lla.slnx"))) dir = dir.Parent;
            return dir?.FullName ?? throw new InvalidOperationException("repository root not found");
        }
    }

    public static string EmbeddedData => Path.Combine(Root, "data", "fashion-mnist-subset");
    public static string EmbeddedWeights => Path.Combine(Root, "data", "lenet-fashion-mnist-subset.bin");
    public static string Fixture(string name) => Path.Combine(Root, "tests", "fixtures", name);
    public const string FullFashionMnist = "/usr/share/datasets/fashion-mnist";

    public static string NewTempFolder()
    {
        string path = Path.Combine(Path.GetTempPath(), "lla-tests-" + Guid.NewGuid().ToString("N")[..10]);
        Directory.CreateDirectory(path);
        return path;
    }
}

/// <summary>A test that needs Debian's dataset-fashion-mnist; it is skipped, with the reason shown, where that is not installed.</summary>
public sealed class RequiresFullFashionMnistFactAttribute : FactAttribute
{
    public RequiresFullFashionMnistFactAttribute()
    {
        if (!File.Exists(Path.Combine(Paths.FullFashionMnist, "t10k-labels-idx1-ubyte.gz")))
            Skip = $"the full Fashion-MNIST is not installed at {Paths.FullFashionMnist} (apt-get install dataset-fashion-mnist)";
    }
}
