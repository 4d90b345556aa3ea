using static TorchSharp.torch;

namespace Lla.Data;

/// <summary>
/// CIFAR-10's binary version: data_batch_1.bin … data_batch_5.bin (train) and test_batch.bin (test),
/// in DIR or DIR/cifar-10-batches-bin. Each record is a label byte and 3,072 pixel bytes (red, green,
/// blue planes of 32×32). Images become float32 [N, 3, 32, 32] in [0, 1], labels int64.
/// </summary>
public static class Cifar10Dataset
{
    private const int RecordSize = 1 + 3 * 32 * 32;

    public static Dataset Load(string directory, Split split)
    {
        DataSpec.RequireNoValidation(split, $"cifar10:{directory}");
        InputPaths.RequireFolder(directory, "data folder", "data");
        string folder = File.Exists(Path.Combine(directory, "test_batch.bin")) ? directory : Path.Combine(directory, "cifar-10-batches-bin");
        var names = split == Split.Train ? Enumerable.Range(1, 5).Select(i => $"data_batch_{i}.bin").ToArray() : new[] { "test_batch.bin" };
        var files = names.Select(n => Path.Combine(folder, n)).ToArray();
        var missing = files.Where(f => !File.Exists(f)).ToArray();
        if (missing.Length > 0) throw new LlaException($"{directory} is not a CIFAR-10 binary folder: {Path.GetFileName(missing[0])} is missing");
        foreach (var file in files) InputPaths.RequireFile(file, "CIFAR-10 batch", "data");
        var bytes = new List<byte>();
        foreach (var file in files)
        {
            var data = File.ReadAllBytes(file);
            if (data.Length == 0 || data.Length % RecordSize != 0)
                throw new LlaException($"{file} is not a CIFAR-10 batch: {data.Length} bytes is not a whole number of {RecordSize}-byte records");
            bytes.AddRange(data);
        }
        int n = bytes.Count / RecordSize;
        var all = bytes.ToArray();
        var labels = new long[n];
        var pixels = new byte[n * (RecordSize - 1)];
        for (int i = 0; i < n; i++)
        {
            labels[i] = all[i * RecordSize];
            Buffer.BlockCopy(all, i * RecordSize + 1, pixels, i * (RecordSize - 1), RecordSize - 1);
        }
        using var scope = NewDisposeScope();
        var inputs = tensor(pixels, dtype: ScalarType.Byte).reshape(n, 3, 32, 32).to(ScalarType.Float32).div_(255f);
        return new Dataset(inputs.DetachFromDisposeScope(), tensor(labels).DetachFromDisposeScope(),
            $"{directory} ({(split == Split.Train ? "train" : "test")} split)", numClasses: 10);
    }
}
