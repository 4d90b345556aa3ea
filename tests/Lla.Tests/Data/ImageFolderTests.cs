using Lla.Data;
using Lla.Tests.Support;
using Lla.Vision;
using SkiaSharp;

namespace Lla.Tests.Data;

public class ImageFolderTests
{
    public ImageFolderTests() => TestTorch.Init();

    private static void Png(string path, int width, int height, SKColor color)
    {
        using var bitmap = new SKBitmap(width, height);
        bitmap.Erase(color);
        using var data = bitmap.Encode(SKEncodedImageFormat.Png, 100);
        File.WriteAllBytes(path, data.ToArray());
    }

    /// <summary>DIR/train/{cat,dog} and DIR/val/{cat,dog}; cats red, dogs blue; 40×20 images.</summary>
    private static string Folder()
    {
        string dir = Paths.NewTempFolder();
        foreach (var split in new[] { "train", "val" })
            foreach (var (name, color) in new[] { ("cat", SKColors.Red), ("dog", SKColors.Blue) })
            {
                string folder = Path.Combine(dir, split, name);
                Directory.CreateDirectory(folder);
                for (int i = 0; i < 2; i++) Png(Path.Combine(folder, $"{i}.png"), 40, 20, color);
            }
        return dir;
    }

    [Fact]
    public void Classes_from_sub_folders_resized_cropped_and_normalized()
    {
        string dir = Folder();
        var transform = new ImageTransform(8, new[] { 0.5f, 0.5f, 0.5f }, new[] { 0.5f, 0.5f, 0.5f });
        using var train = ImageFolderDataset.Load(dir, Split.Train, transform);
        using var test = ImageFolderDataset.Load(dir, Split.Test, transform);
        Assert.Equal(4, train.Count);
        Assert.Equal(4, test.Count);
        Assert.Equal(new long[] { 3, 8, 8 }, train.SampleShape);
        Assert.Equal(new long[] { 0, 0, 1, 1 }, train.Labels.data<long>().ToArray());
        // Red after (x − 0.5)/0.5: R = 1, G = B = −1; blue: B = 1.
        Assert.Equal(1.0, train.Inputs[0, 0, 4, 4].ToDouble(), 5);
        Assert.Equal(-1.0, train.Inputs[0, 2, 4, 4].ToDouble(), 5);
        Assert.Equal(1.0, train.Inputs[3, 2, 0, 7].ToDouble(), 5);
    }

    [Fact]
    public void Error_paths()
    {
        string empty = Paths.NewTempFolder();
        Assert.Contains("has no class folders", Assert.Throws<LlaException>(() => ImageFolderDataset.Load(empty, Split.Train, ImageTransform.Default)).Message);
        Assert.Contains("has no test/ or val/ folder", Assert.Throws<LlaException>(() => ImageFolderDataset.Load(empty, Split.Test, ImageTransform.Default)).Message);
        string dir = Folder();
        File.WriteAllText(Path.Combine(dir, "train", "cat", "broken.png"), "not an image");
        Assert.Contains("broken.png is not a readable image", Assert.Throws<LlaException>(() => ImageFolderDataset.Load(dir, Split.Train, ImageTransform.Default)).Message);
        Directory.CreateDirectory(Path.Combine(empty, "nothing"));
        Assert.Contains("hold no images", Assert.Throws<LlaException>(() => ImageFolderDataset.Load(empty, Split.Train, ImageTransform.Default)).Message);
    }

    [Fact]
    public void The_command_line_reads_image_folders()
    {
        string dir = Folder();
        var outcome = LlaProcess.Run("hessian", "--model", "mlp", "--data", "folder:" + dir, "--weights", "none", "--image-size", "8",
            "--top-k", "1", "--out", Path.Combine(dir, "run"), "--threads", "2");
        Assert.True(outcome.ExitCode == 0, outcome.Stderr);
        var results = System.Text.Json.Nodes.JsonNode.Parse(File.ReadAllText(Path.Combine(dir, "run", "results.json")))!;
        Assert.Equal(4, results["data"]!["samples"]!.GetValue<long>());
        Assert.NotNull(results["test_accuracy"]);
        var bad = LlaProcess.Run("hessian", "--model", "mlp", "--data", "folder:" + dir, "--weights", "none", "--image-mean", "0,0", "--out", Path.Combine(dir, "bad"));
        Assert.Equal(2, bad.ExitCode);
        Assert.Contains("--image-mean takes three numbers", bad.Stderr);
    }
}
