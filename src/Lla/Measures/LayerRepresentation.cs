using static TorchSharp.torch;

namespace Lla.Measures;

/// <summary>
/// The representation of the data at one layer of a model, as Natekar &amp; Sharma (2020) cluster it: the layer's
/// output captured by a forward hook during an ordinary forward pass, max-pooled over windows of
/// <c>pool</c>×<c>pool</c> (stride the same, no padding; a smaller side is pooled whole) when it is a feature
/// map [N, C, H, W] (their Keras <c>MaxPooling2D(4, 4)</c>), then flattened to [N, D] in float64; other
/// outputs are only flattened. The layer is named as <c>named_modules()</c> names it (e.g. <c>conv1</c>,
/// <c>layer1.0.conv1</c>); by default it is the first convolution or linear layer the forward pass calls
/// (their "initial" layer: the first convolution of the network). A layer called more than once per
/// forward pass gives its first call. TorchSharp runs hooks only for layers their parent calls through
/// <c>call(x)</c> (<see cref="LayerTrace"/>): a layer called otherwise is refused.
/// </summary>
internal sealed class LayerRepresentation : IDisposable
{
    private readonly nn.Module<Tensor, Tensor> _model;
    private readonly int _pool;
    private readonly Action _removeHook;
    private Tensor? _captured;

    /// <summary>The layer's name in <c>named_modules()</c>.</summary>
    public string Name { get; }

    /// <summary>Forward passes spent finding the default layer (one sample's).</summary>
    public int TracePasses { get; }

    /// <param name="layer">The layer's name; null: the first convolution or linear layer called (traced on the first sample of <paramref name="sample"/>).</param>
    public LayerRepresentation(nn.Module<Tensor, Tensor> model, string? layer, int pool, Tensor sample)
    {
        if (pool < 1) throw new LlaException($"the max-pooling window of the representation measures must be at least 1 (got {pool})");
        _model = model;
        _pool = pool;
        var modules = model.named_modules().ToList();
        if (layer is null)
        {
            var first = LayerTrace.Record(model, sample).Calls.FirstOrDefault(c => !Objectives.AnalysisMode.IsBatchNorm(c.Module))
                ?? throw new LlaException("the representation measures found no convolution or linear layer that the forward pass calls through call(): the model has no default layer");
            layer = first.Name;
            TracePasses = 1;
        }
        var module = modules.FirstOrDefault(m => m.name == layer).module
            ?? throw new LlaException($"unknown layer '{layer}' for the representation measures (layers: {string.Join(", ", modules.Select(m => m.name).Where(n => n.Length > 0))})");
        if (module is not nn.Module<Tensor, Tensor> typed)
            throw new LlaException($"layer '{layer}' does not map a tensor to a tensor: the representation measures cannot capture its output");
        Name = layer;
        var hook = typed.register_forward_hook((_, _, output) =>
        {
            // The first call only; detached, since the model's forward may dispose what is made inside it.
            _captured ??= Flatten(output).DetachFromDisposeScope();
            return output;
        });
        _removeHook = () => hook.remove();
    }

    /// <summary>The layer's pooled, flattened output [n, D] (float64) on <paramref name="inputs"/>; the caller owns it. The caller sets the mode (eval) and no_grad.</summary>
    public Tensor Of(Tensor inputs)
    {
        _captured?.Dispose();
        _captured = null;
        using (NewDisposeScope()) _model.call(inputs);
        var captured = _captured ?? throw new LlaException($"layer '{Name}' was not called through call() in the forward pass: the representation measures cannot capture its output");
        _captured = null;
        return captured;
    }

    /// <summary>[N, C, H, W] max-pooled (windows min(pool, side)), then [N, D] in float64; always a new tensor.</summary>
    private Tensor Flatten(Tensor output)
    {
        long n = output.shape[0];
        var x = output.detach();
        if (x.dim() == 4)
        {
            long kh = Math.Min(_pool, x.shape[2]), kw = Math.Min(_pool, x.shape[3]);
            x = nn.functional.max_pool2d(x, new[] { kh, kw }, new[] { kh, kw });
        }
        return x.reshape(n, -1).to(ScalarType.Float64).clone();
    }

    public void Dispose()
    {
        _removeHook();
        _captured?.Dispose();
    }
}
