using Lla.Curvature;
using Lla.Models;
using Lla.Vectors;
using static TorchSharp.torch;

namespace Lla.Runs;

/// <summary>
/// Saves an estimated operator diagonal (`--diagonal`) in TorchSharp's tensor-file format, the
/// style of <see cref="EigenvectorFile"/>: for each parameter p, "diagonal.{p}" and "stderr.{p}"
/// (float64, shaped like p), and "probes" (int64 [1]).
/// </summary>
public static class DiagonalFile
{
    public const string FileName = "diagonal.bin";

    public static void Write(string path, DiagonalResult result, ParameterLayout layout)
    {
        if (result.Diagonal.Length != layout.Dimension) throw new ArgumentException($"a diagonal of {result.Diagonal.Length} entries for {layout.Dimension} parameters");
        var entries = new List<KeyValuePair<string, Tensor>>();
        try
        {
            entries.Add(new("probes", tensor(new long[] { result.Probes })));
            foreach (var (name, values) in new[] { ("diagonal", result.Diagonal), ("stderr", result.StandardError) })
            {
                using var flat = tensor(values, dtype: ScalarType.Float64);
                entries.AddRange(layout.Entries(flat, name));
            }
            TensorFile.Write(path, entries);
        }
        finally
        {
            foreach (var e in entries) e.Value.Dispose();
        }
    }

    /// <summary>The diagonal and its standard errors, flat in <paramref name="layout"/>'s order, and the probe count.</summary>
    public static (double[] Diagonal, double[] StandardError, int Probes) Read(string path, ParameterLayout layout)
    {
        if (!File.Exists(path)) throw new LlaException($"diagonal file not found: {path}");
        var entries = TensorFile.Read(path);
        try
        {
            double[] Flat(string name)
            {
                using var scope = NewDisposeScope();
                return layout.Names.SelectMany(p => entries.TryGetValue($"{name}.{p}", out var t)
                    ? t.to(ScalarType.Float64).reshape(-1).data<double>().ToArray()
                    : throw new LlaException($"{path} holds no {name} of parameter {p}")).ToArray();
            }
            var diagonal = Flat("diagonal");
            var stderr = Flat("stderr");
            if (diagonal.Length != layout.Dimension) throw new LlaException($"{path} holds {diagonal.Length} entries, not {layout.Dimension}");
            int probes = entries.TryGetValue("probes", out var n) ? (int)n.ToInt64() : throw new LlaException($"{path} holds no probe count");
            return (diagonal, stderr, probes);
        }
        finally
        {
            foreach (var t in entries.Values) t.Dispose();
        }
    }
}
