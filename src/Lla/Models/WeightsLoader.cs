using static TorchSharp.torch;

namespace Lla.Models;

/// <summary>
/// Loads a weights file into a model by parameter and buffer name after checking that every name
/// and shape matches; a mismatch is an error that lists the missing, unexpected and mis-shaped
/// names. Entries under "optimizer." (the optimizer state that <c>lla train</c> stores beside the
/// model) are not model weights and are skipped. Values are converted to the model's dtype and
/// copied in place, so parameters keep requiring gradients; conversions that lose precision are counted
/// and returned (a float64 file loaded into a float32 model is not silent; widening ones are exact).
/// </summary>
public static class WeightsLoader
{
    public const string OptimizerPrefix = "optimizer.";

    /// <returns>What was converted, e.g. "converted 10 float64 tensors to float32", or null if nothing was.</returns>
    public static string? Load(nn.Module model, string path)
    {
        var entries = StateDictFiles.Read(path);
        try
        {
            if (model is Gpt.GptModel) Gpt.GptCheckpoint.Adapt(entries, path);
            var weights = entries.Where(e => !e.Key.StartsWith(OptimizerPrefix, StringComparison.Ordinal))
                .ToDictionary(e => e.Key, e => e.Value);
            var target = model.state_dict();
            var missing = target.Keys.Where(k => !weights.ContainsKey(k)).ToList();
            var unexpected = weights.Keys.Where(k => !target.ContainsKey(k)).ToList();
            var misShaped = target.Keys.Where(k => weights.ContainsKey(k) && !weights[k].shape.SequenceEqual(target[k].shape))
                .Select(k => $"{k} [{string.Join(",", weights[k].shape)}] in the file vs [{string.Join(",", target[k].shape)}] in the model")
                .ToList();
            if (missing.Count + unexpected.Count + misShaped.Count > 0)
            {
                var parts = new List<string>();
                if (missing.Count > 0) parts.Add("missing: " + Summarize(missing));
                if (unexpected.Count > 0) parts.Add("unexpected: " + Summarize(unexpected));
                if (misShaped.Count > 0) parts.Add("mis-shaped: " + Summarize(misShaped));
                throw new LlaException($"{path} does not match the model ({string.Join("; ", parts)})");
            }
            using var _ = no_grad();
            var converted = new SortedDictionary<string, int>(StringComparer.Ordinal);
            foreach (var (name, tensor) in target)
            {
                var source = weights[name];
                if (is_floating_point(source) != is_floating_point(tensor))
                    throw new LlaException($"{path}: {name} has element type {source.dtype}, the model needs {tensor.dtype}");
                if (source.dtype != tensor.dtype && source.element_size() >= tensor.element_size()) Count(converted, $"{Name(source.dtype)} tensors to {Name(tensor.dtype)}");
                // Owned: a temporary that nothing owns can be finalized while copy_ still reads it (signal 11).
                using var asModel = source.to(tensor.dtype);
                tensor.copy_(asModel);
            }
            return converted.Count == 0 ? null : "converted " + string.Join(", ", converted.Select(c => $"{c.Value} {c.Key}"));
        }
        finally
        {
            foreach (var t in entries.Values) t.Dispose();
        }
    }

    private static void Count(IDictionary<string, int> counts, string key) => counts[key] = counts.TryGetValue(key, out int n) ? n + 1 : 1;

    private static string Name(ScalarType dtype) => dtype.ToString().ToLowerInvariant();

    private static string Summarize(IReadOnlyList<string> names) =>
        names.Count <= 6 ? string.Join(", ", names) : string.Join(", ", names.Take(6)) + $" and {names.Count - 6} more";
}
