using System.Globalization;
using Lla.Data;
using static TorchSharp.torch;

namespace Lla.Models;

/// <summary>
/// The extra inputs of a model graph that are not the data (an attention mask, token types, a sequence length), bound to
/// constants: each given as NAME=FILE.npy (an array) or NAME=NUMBER (a scalar: an int64 for a whole number, else a float),
/// read here as stored; the ONNX importer converts each to the element type its graph input declares. Checked and read
/// before any model is built; the data feeds the graph's one input left unbound.
/// </summary>
public static class GraphInputs
{
    /// <summary>Checks every binding (form, duplicate names, the files exist) without reading a file.</summary>
    public static void Check(IReadOnlyList<string> bindings)
    {
        var names = new HashSet<string>(StringComparer.Ordinal);
        foreach (var binding in bindings)
        {
            var (name, value) = Split(binding);
            if (!names.Add(name)) throw new LlaException($"{{onnx-input}} binds '{name}' twice");
            if (!IsNumber(value)) InputPaths.RequireFile(value, $"the file bound to input '{name}'", "onnx-input");
        }
    }

    /// <summary>The bound tensors by input name (the caller owns them).</summary>
    public static Dictionary<string, Tensor> Read(IReadOnlyList<string> bindings)
    {
        Check(bindings);
        var bound = new Dictionary<string, Tensor>(StringComparer.Ordinal);
        foreach (var binding in bindings)
        {
            var (name, value) = Split(binding);
            bound[name] = long.TryParse(value, NumberStyles.Integer, CultureInfo.InvariantCulture, out long whole) ? tensor(whole)
                : double.TryParse(value, NumberStyles.Float, CultureInfo.InvariantCulture, out double number) ? tensor((float)number)
                : NpyReader.Read(value);
        }
        return bound;
    }

    private static bool IsNumber(string value) => double.TryParse(value, NumberStyles.Float, CultureInfo.InvariantCulture, out double d) && double.IsFinite(d);

    private static (string Name, string Value) Split(string binding)
    {
        int at = binding.IndexOf('=');
        if (at <= 0 || at == binding.Length - 1) throw new LlaException($"{{onnx-input}} must be NAME=FILE.npy or NAME=NUMBER (got '{binding}')");
        string value = binding[(at + 1)..];
        if (double.TryParse(value, NumberStyles.Float, CultureInfo.InvariantCulture, out double d) && !double.IsFinite(d))
            throw new LlaException($"{{onnx-input}} {binding}: the value must be a finite number or an .npy file");
        return (binding[..at], value);
    }
}
