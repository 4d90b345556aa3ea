using Lla.Curvature;
using Lla.Models;
using Lla.Vectors;
using static TorchSharp.torch;

namespace Lla.Runs;

/// <summary>
/// Saves eigenvectors for later use as landscape axes, in TorchSharp's tensor-file format:
/// "eigenvalues" (float64 [k]) and, for eigenvector i and parameter p, "v{i}.{p}" shaped like p.
/// </summary>
public static class EigenvectorFile
{
    public const string FileName = "eigenvectors.bin";

    public static void Write(string path, EigenResult result, ParameterLayout layout)
    {
        var entries = new List<KeyValuePair<string, Tensor>>();
        try
        {
            entries.Add(new("eigenvalues", tensor(result.Values, dtype: ScalarType.Float64)));
            for (int i = 0; i < result.Pairs.Count; i++)
            {
                var flat = tensor(result.Pairs[i].Vector);
                entries.AddRange(layout.Entries(flat, $"v{i}"));
                flat.Dispose();
            }
            TensorFile.Write(path, entries);
        }
        finally
        {
            foreach (var e in entries) e.Value.Dispose();
        }
    }
}
