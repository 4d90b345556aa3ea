using Onnx;

namespace Lla.Onnx;

/// <summary>
/// Float initializers that feed more than one node input. Each is one parameter of the module, so every
/// slot it feeds moves with it and the Hessian is taken over the tied value. PyTorch's exporter makes
/// such ties when it merges initializers with equal values (untrained zero biases, unit BatchNorm scales),
/// though the PyTorch model held them apart.
/// </summary>
internal static class TiedInitializers
{
    /// <summary>One line per tied float initializer, in the file's order, naming the node inputs it feeds.</summary>
    public static IReadOnlyList<string> Describe(GraphProto graph, Func<TensorProto, bool> isFloat)
    {
        var slots = new Dictionary<string, List<string>>();
        foreach (var node in graph.Node)
            for (int i = 0; i < node.Input.Count; i++)
            {
                string name = node.Input[i];
                if (name.Length == 0) continue;
                if (!slots.TryGetValue(name, out var list)) slots[name] = list = new List<string>();
                list.Add($"{(string.IsNullOrEmpty(node.Name) ? node.OpType : node.Name)} ({node.OpType}) input {i + 1}");
            }
        var lines = new List<string>();
        foreach (var init in graph.Initializer.Where(isFloat))
        {
            if (!slots.TryGetValue(init.Name, out var fed) || fed.Count < 2) continue;
            string shown = string.Join(", ", fed.Take(4)) + (fed.Count > 4 ? $" and {fed.Count - 4} more" : "");
            lines.Add($"initializer '{init.Name}' feeds {fed.Count} node inputs ({shown}): one tied parameter, and the Hessian is taken over it");
        }
        return lines;
    }
}
