using Lla.Objectives;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Lla.Measures;

/// <summary>One call of a layer during a traced forward pass: its name, the module and the shape of its input.</summary>
public sealed record TracedLayer(string Name, nn.Module Module, long[] InputShape);

/// <summary>
/// The convolution, linear and BatchNorm layers of a model in the order one forward pass calls them,
/// with their input shapes (recorded by forward hooks on one sample, eval mode, no autograd; the
/// model's modes and buffers are restored afterwards).
/// <para>TorchSharp runs hooks only when a parent calls a child through <c>call(x)</c> (as
/// <c>nn.Sequential</c> and the zoo do), not through <c>forward(x)</c>: layers called the second way
/// are missing from <see cref="Calls"/>, and measures that need them say so.</para>
/// </summary>
public sealed class LayerTrace
{
    public IReadOnlyList<TracedLayer> Calls { get; }

    private LayerTrace(IReadOnlyList<TracedLayer> calls) => Calls = calls;

    /// <summary>Whether a module is one the trace records: Conv2d, Linear or BatchNorm.</summary>
    public static bool IsTraced(nn.Module module) =>
        module is Conv2d || module is Linear || AnalysisMode.IsBatchNorm(module);

    /// <summary>Runs the model on the first sample of <paramref name="inputs"/> and records the traced layers' calls.</summary>
    public static LayerTrace Record(nn.Module<Tensor, Tensor> model, Tensor inputs)
    {
        var calls = new List<TracedLayer>();
        var removals = new List<Action>();
        try
        {
            foreach (var (name, module) in model.named_modules())
            {
                if (!IsTraced(module) || module is not nn.Module<Tensor, Tensor> typed) continue;
                string layerName = name;
                var handle = typed.register_forward_hook((m, input, output) =>
                {
                    calls.Add(new TracedLayer(layerName, m, input.shape.ToArray()));
                    return output;
                });
                removals.Add(() => handle.remove());
            }
            using var mode = new EvalModeScope(model);
            using var _ = no_grad();
            using var scope = NewDisposeScope();
            model.call(inputs.narrow(0, 0, 1));
        }
        finally
        {
            foreach (var remove in removals) remove();
        }
        return new LayerTrace(calls);
    }

    /// <summary>The input shape of the first call of the layer named <paramref name="name"/>, or null when the trace did not see it.</summary>
    public long[]? InputShapeOf(string name) => Calls.FirstOrDefault(c => c.Name == name)?.InputShape;
}
