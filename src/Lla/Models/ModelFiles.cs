using static TorchSharp.torch;

namespace Lla.Models;

/// <summary>
/// Models that come as one file carrying architecture and weights, named by a prefix in place of a
/// zoo name: <c>torchscript:FILE</c> (built in) and whatever a package registers (Lla.Onnx: <c>onnx:FILE</c>).
/// </summary>
public static class ModelFiles
{
    /// <summary>A kind of model file: its name in messages, how to load it and how to turn it to another floating type.</summary>
    public sealed record Format(string Name, Func<string, nn.Module<Tensor, Tensor>> Load, Func<nn.Module<Tensor, Tensor>, ScalarType, nn.Module<Tensor, Tensor>> ToDType)
    {
        /// <summary>How to load it with some graph inputs bound to constants (<see cref="GraphInputs"/>); null: the format has no such inputs.</summary>
        public Func<string, IReadOnlyDictionary<string, Tensor>, nn.Module<Tensor, Tensor>>? LoadBound { get; init; }

        /// <summary>What reading the file said of the model it made (parameters tied in the file, tensors widened when read), one line each; null: nothing to say.</summary>
        public Func<nn.Module<Tensor, Tensor>, IReadOnlyList<string>>? Notes { get; init; }
    }

    private static readonly Dictionary<string, Format> Formats = new()
    {
        ["torchscript:"] = new("TorchScript", path => TorchScriptModel.Load(path), (m, dtype) => ((TorchScriptModel)m).ToDType(dtype)),
    };

    public static void Register(string prefix, Format format)
    {
        lock (Formats) Formats[prefix] = format;
    }

    /// <summary>How model files are named, for messages: "torchscript:FILE or onnx:FILE".</summary>
    public static string Forms
    {
        get
        {
            lock (Formats)
            {
                var forms = Formats.Keys.Select(p => p + "FILE").ToList();
                return forms.Count == 1 ? forms[0] : string.Join(", ", forms.Take(forms.Count - 1)) + " or " + forms[^1];
            }
        }
    }

    /// <summary>The format and file of a model name like onnx:FILE, or null for a zoo name.</summary>
    public static (Format Format, string Path)? Find(string model)
    {
        lock (Formats)
            foreach (var (prefix, format) in Formats)
                if (model.StartsWith(prefix, StringComparison.Ordinal)) return (format, model[prefix.Length..]);
        return null;
    }
}
