using static TorchSharp.torch;

namespace Lla.Data;

/// <summary>
/// Which part of a data set a job reads (--split). Every kind has train; test where the data has one;
/// validation only where the data has a third part (text: data, split by position): elsewhere
/// <see cref="DataSpec.RequireSplit"/> refuses it in one line before any work.
/// </summary>
public enum Split { Train, Test, Validation }

/// <summary>
/// An MNIST-family folder: train-images-idx3-ubyte, train-labels-idx1-ubyte, t10k-images-idx3-ubyte,
/// t10k-labels-idx1-ubyte, each optionally gzipped. Images become float32 [N, 1, H, W] in [0, 1]
/// (pixel / 255, as torchvision's ToTensor), labels int64.
/// </summary>
public static class IdxDataset
{
    public static Dataset Load(string directory, Split split)
    {
        DataSpec.RequireNoValidation(split, $"idx:{directory}");
        InputPaths.RequireFolder(directory, "data folder", "data");
        // Every IDX file of the folder is checked now, not when the other split is read after the work (a FIFO there would block then).
        foreach (var stem in new[] { "train-images-idx3-ubyte", "train-labels-idx1-ubyte", "t10k-images-idx3-ubyte", "t10k-labels-idx1-ubyte" })
            foreach (var name in new[] { stem, stem + ".gz" })
            {
                string candidate = Path.Combine(directory, name);
                if (File.Exists(candidate) || Directory.Exists(candidate) || new FileInfo(candidate).LinkTarget is not null)
                    InputPaths.RequireFile(candidate, "IDX file", "data");
            }
        string prefix = split == Split.Train ? "train" : "t10k";
        string images = Find(directory, $"{prefix}-images-idx3-ubyte");
        string labels = Find(directory, $"{prefix}-labels-idx1-ubyte");
        var x = IdxReader.Read(images);
        var y = IdxReader.Read(labels);
        if (x.Shape.Length != 3) throw new LlaException($"{images}: expected a 3-D image array, got {x.Shape.Length}-D");
        if (y.Shape.Length != 1) throw new LlaException($"{labels}: expected a 1-D label array, got {y.Shape.Length}-D");
        if (x.Shape[0] != y.Shape[0])
            throw new LlaException($"{directory}: {x.Shape[0]} {prefix} images but {y.Shape[0]} labels");
        using var scope = NewDisposeScope();
        var inputs = tensor(x.Data, dtype: ScalarType.Byte).reshape(x.Shape[0], 1, x.Shape[1], x.Shape[2])
            .to(ScalarType.Float32).div_(255f);
        var targets = tensor(y.Data, dtype: ScalarType.Byte).to(ScalarType.Int64);
        return new Dataset(inputs.DetachFromDisposeScope(), targets.DetachFromDisposeScope(),
            $"{directory} ({(split == Split.Train ? "train" : "test")} split)", numClasses: 10);
    }

    private static string Find(string directory, string stem)
    {
        foreach (var name in new[] { stem, stem + ".gz" })
        {
            string path = Path.Combine(directory, name);
            if (File.Exists(path)) return path;
        }
        throw new LlaException($"{directory} has no {stem} or {stem}.gz");
    }
}
