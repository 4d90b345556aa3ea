namespace Lla.Models;

/// <summary>
/// The data and model shipped with the tool: a 10,000/2,000-image subset of Fashion-MNIST and a
/// LeNet trained on it by <c>lla train</c> (see data/README.md for the command that made it).
/// </summary>
public static class EmbeddedDefault
{
    public const string Model = "lenet";
    public static string Folder => Path.Combine(AppContext.BaseDirectory, "defaults");
    public static string DataSpec => "idx:" + Path.Combine(Folder, "fashion-mnist-subset");
    public static string Weights => Path.Combine(Folder, "lenet-fashion-mnist-subset.bin");
}
