using Lla.Data;
using Lla.Tests.Support;

namespace Lla.Tests.Data;

public class IdxReaderTests
{
    public IdxReaderTests() => TestTorch.Init();

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void Reads_a_handmade_file(bool gzip)
    {
        string path = Path.Combine(Paths.NewTempFolder(), "images");
        // Written byte by byte here, independent of IdxReader.Write: magic 0,0,8,3; dims 2,2,3 big-endian.
        var bytes = new byte[] { 0, 0, 8, 3, 0, 0, 0, 2, 0, 0, 0, 2, 0, 0, 0, 3, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12 };
        if (gzip)
        {
            using var file = File.Create(path);
            using var z = new System.IO.Compression.GZipStream(file, System.IO.Compression.CompressionLevel.Fastest);
            z.Write(bytes);
        }
        else File.WriteAllBytes(path, bytes);
        var array = IdxReader.Read(path);
        Assert.Equal(new[] { 2, 2, 3 }, array.Shape);
        Assert.Equal(Enumerable.Range(1, 12).Select(i => (byte)i), array.Data);
    }

    [Fact]
    public void Bad_files_are_clear_errors()
    {
        Assert.Contains("bad magic", Assert.Throws<LlaException>(() => IdxReader.Parse(new byte[] { 1, 2, 8, 1, 0, 0, 0, 1, 5 })).Message);
        Assert.Contains("not supported", Assert.Throws<LlaException>(() => IdxReader.Parse(new byte[] { 0, 0, 0x0d, 1, 0, 0, 0, 1, 5, 5, 5, 5 })).Message);
        Assert.Contains("promises 3 values", Assert.Throws<LlaException>(() => IdxReader.Parse(new byte[] { 0, 0, 8, 1, 0, 0, 0, 3, 5 })).Message);
        Assert.Contains("not found", Assert.Throws<LlaException>(() => IdxReader.Read("/no/such/file")).Message);
    }

    [Fact]
    public void Loads_the_embedded_subset_as_scaled_images_and_labels()
    {
        using var train = IdxDataset.Load(Paths.EmbeddedData, Split.Train);
        using var test = IdxDataset.Load(Paths.EmbeddedData, Split.Test);
        Assert.Equal(10_000, train.Count);
        Assert.Equal(2_000, test.Count);
        Assert.Equal(new long[] { 1, 28, 28 }, train.SampleShape);
        Assert.InRange(train.Inputs.max().ToDouble(), 0.99, 1.0);
        Assert.Equal(0.0, train.Inputs.min().ToDouble());
        Assert.Equal(10, train.Labels.unique().Item1.numel());
    }

    [Fact]
    public void Batches_in_file_order_and_seeded_shuffles()
    {
        using var train = IdxDataset.Load(Paths.EmbeddedData, Split.Train);
        var batches = train.Batches(3000, null, false, 0);
        Assert.Equal(new long[] { 3000, 3000, 3000, 1000 }, batches.Select(b => b.Count));
        Assert.True(batches[1].Inputs.eq(train.Inputs.narrow(0, 3000, 3000)).all().ToBoolean());
        var a = train.Batches(100, 2, true, 5);
        var b = train.Batches(100, 2, true, 5);
        Assert.Equal(2, a.Count);
        Assert.True(a[1].Targets.eq(b[1].Targets).all().ToBoolean());
        Assert.False(a[0].Inputs.eq(train.Inputs.narrow(0, 0, 100)).all().ToBoolean());
    }

    [Fact]
    public void Labels_outside_the_classes_are_refused()
    {
        string dir = Paths.NewTempFolder();
        IdxTestData.Write(dir, count: 4, labels: new byte[] { 0, 3, 12, 1 });
        var error = Assert.Throws<LlaException>(() => IdxDataset.Load(dir, Split.Train));
        Assert.Contains("label 12 is outside the model's 10 classes", error.Message);
    }

    [RequiresFullFashionMnistFact]
    public void The_full_fashion_mnist_loads_and_the_embedded_model_generalizes_to_its_test_split()
    {
        using var train = IdxDataset.Load(Paths.FullFashionMnist, Split.Train);
        using var test = IdxDataset.Load(Paths.FullFashionMnist, Split.Test);
        Assert.Equal(60_000, train.Count);
        Assert.Equal(10_000, test.Count);
        var model = new Lla.Models.LeNet();
        Lla.Models.WeightsLoader.Load(model, Paths.EmbeddedWeights);
        model.eval();
        var accuracy = new Lla.Objectives.Objective(model, Lla.Objectives.LossFunctions.CrossEntropy, test.Batches(2000, null, false, 0)).Evaluate().Accuracy;
        Assert.True(accuracy >= 0.85, $"accuracy {accuracy}");
    }
}

public static class IdxTestData
{
    /// <summary>A tiny MNIST-style folder (train and t10k) with random 28×28 images and the given labels.</summary>
    public static void Write(string dir, int count, byte[] labels)
    {
        var rng = new Random(1);
        var pixels = new byte[count * 28 * 28];
        rng.NextBytes(pixels);
        foreach (var prefix in new[] { "train", "t10k" })
        {
            IdxReader.Write(Path.Combine(dir, $"{prefix}-images-idx3-ubyte.gz"), new[] { count, 28, 28 }, pixels, gzip: true);
            IdxReader.Write(Path.Combine(dir, $"{prefix}-labels-idx1-ubyte"), new[] { count }, labels, gzip: false);
        }
    }
}
