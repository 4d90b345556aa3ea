using Lla.Data;
using Lla.Tests.Support;

namespace Lla.Tests.Data;

public class ReaderTests
{
    public ReaderTests() => TestTorch.Init();

    private static string Npy(string name) => Path.Combine(Paths.Root, "tests", "fixtures", "npy", name);

    [Fact]
    public void Npy_files_written_by_numpy_read_with_their_shapes_types_and_values()
    {
        var x = NpyReader.Read(Npy("inputs_f64.npy"));
        Assert.Equal(new long[] { 5, 2, 3 }, x.shape);
        Assert.Equal(ScalarType.Float64, x.dtype);
        Assert.Equal(-1.0, x[0, 0, 0].ToDouble());
        Assert.Equal(1.9, x[4, 1, 2].ToDouble(), 12);
        Assert.Equal(ScalarType.Byte, NpyReader.Read(Npy("inputs_u8.npy")).dtype);
        Assert.Equal(new long[] { 1, 0, 1, 0, 1 }, NpyReader.Read(Npy("labels_i32.npy")).to(ScalarType.Int64).data<long>().ToArray());
    }

    [Fact]
    public void Npy_datasets_for_classification_and_regression()
    {
        using var classes = NpyDataset.Load($"{Npy("inputs_f64.npy")},{Npy("labels_i64.npy")}");
        Assert.True(classes.IsClassification);
        Assert.Equal(3, classes.NumClasses);
        Assert.Equal(ScalarType.Float32, classes.Inputs.dtype);
        Assert.Equal(new long[] { 2, 3 }, classes.SampleShape);
        using var regression = NpyDataset.Load($"{Npy("inputs_u8.npy")},{Npy("targets_f32.npy")}");
        Assert.False(regression.IsClassification);
        Assert.Equal(ScalarType.Float32, regression.Labels.dtype);
    }

    [Fact]
    public void Float16_npy_inputs_are_converted_to_float32_and_recorded_as_such()
    {
        using var half = NpyDataset.Load($"{Npy("inputs_f16.npy")},{Npy("labels_i64.npy")}");
        using var full = NpyDataset.Load($"{Npy("inputs_f64.npy")},{Npy("labels_i64.npy")}");
        Assert.Equal(ScalarType.Float32, half.Inputs.dtype);
        Assert.Contains("inputs float16, converted to float32", half.Description);
        // float16 keeps about 3 decimal digits of these values in [-1, 1.9].
        Assert.True(half.Inputs.sub(full.Inputs).abs().max().ToDouble() < 1e-3);
    }

    [Fact]
    public void Npy_error_paths()
    {
        Assert.Contains("5 inputs but 3 labels", Assert.Throws<LlaException>(() => NpyDataset.Load($"{Npy("inputs_f64.npy")},{Npy("labels_short.npy")}")).Message);
        Assert.Contains("Fortran-ordered", Assert.Throws<LlaException>(() => NpyReader.Read(Npy("inputs_fortran.npy"))).Message);
        Assert.Contains("element type '<c8' is not supported", Assert.Throws<LlaException>(() => NpyReader.Read(Npy("inputs_complex.npy"))).Message);
        Assert.Contains("must name two files", Assert.Throws<LlaException>(() => NpyDataset.Load(Npy("inputs_f64.npy"))).Message);
        string junk = Path.Combine(Paths.NewTempFolder(), "junk.npy");
        File.WriteAllText(junk, "not numpy");
        Assert.Contains("bad magic", Assert.Throws<LlaException>(() => NpyReader.Read(junk)).Message);
        var truncated = File.ReadAllBytes(Npy("inputs_f64.npy"));
        File.WriteAllBytes(junk, truncated[..^8]);
        Assert.Contains("the header promises 30 values", Assert.Throws<LlaException>(() => NpyReader.Read(junk)).Message);
    }

    /// <summary>A CIFAR-10 binary folder built record by record: label byte, then red, green, blue planes.</summary>
    private static string CifarFolder(int trainPerBatch, byte badLabel = 0)
    {
        string dir = Paths.NewTempFolder();
        byte[] Records(int count, int offset)
        {
            var bytes = new byte[count * 3073];
            for (int r = 0; r < count; r++)
            {
                bytes[r * 3073] = (byte)((r + offset) % 10);
                for (int p = 0; p < 3072; p++) bytes[r * 3073 + 1 + p] = (byte)((p / 1024) * 100 + r); // plane c holds 100c + r
            }
            return bytes;
        }
        for (int i = 1; i <= 5; i++) File.WriteAllBytes(Path.Combine(dir, $"data_batch_{i}.bin"), Records(trainPerBatch, i));
        var test = Records(2, 0);
        if (badLabel != 0) test[0] = badLabel;
        File.WriteAllBytes(Path.Combine(dir, "test_batch.bin"), test);
        return dir;
    }

    [Fact]
    public void Cifar10_binary_batches()
    {
        string dir = CifarFolder(3);
        using var train = Cifar10Dataset.Load(dir, Split.Train);
        using var test = Cifar10Dataset.Load(dir, Split.Test);
        Assert.Equal(15, train.Count);
        Assert.Equal(2, test.Count);
        Assert.Equal(new long[] { 3, 32, 32 }, train.SampleShape);
        Assert.Equal(1, train.Labels[0].ToInt64()); // first record of data_batch_1 has label (0 + 1) % 10
        Assert.Equal(201 / 255.0, test.Inputs[1, 2, 31, 31].ToDouble(), 6); // blue plane of record 1: 200 + 1
        Assert.Equal(0.0, test.Inputs[0, 0, 0, 0].ToDouble());
    }

    [Fact]
    public void Cifar10_error_paths()
    {
        string dir = CifarFolder(1);
        File.Delete(Path.Combine(dir, "data_batch_3.bin"));
        Assert.Contains("data_batch_3.bin is missing", Assert.Throws<LlaException>(() => Cifar10Dataset.Load(dir, Split.Train)).Message);
        File.WriteAllBytes(Path.Combine(dir, "test_batch.bin"), new byte[100]);
        Assert.Contains("not a whole number", Assert.Throws<LlaException>(() => Cifar10Dataset.Load(dir, Split.Test)).Message);
        Assert.Contains("outside the model's 10 classes", Assert.Throws<LlaException>(() => Cifar10Dataset.Load(CifarFolder(1, badLabel: 11), Split.Test)).Message);
        Assert.Contains("unknown data kind 'imagenet'", Assert.Throws<LlaException>(() => DataSpec.Load("imagenet:/x", Split.Train)).Message);
    }
}
