using Lla.Objectives;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Lla.Measures;

/// <summary>A convolution or linear layer with any following BatchNorm folded in: detached copies of its effective weight and bias.</summary>
public sealed record FoldedLayer(string Name, nn.Module Module, Tensor Weight, Tensor? Bias, string? FoldedBatchNorm)
{
    public bool IsConvolution => Module is Conv2d;
}

/// <summary>
/// Folds each BatchNorm (eval-mode statistics) into the convolution or linear layer that feeds it:
/// with s = γ/√(σ²+ε), W ← W·s (per output channel) and b ← (b − μ)·s + β (b = 0 for a layer without
/// bias). The network then computes the same function with the BatchNorms removed.
/// <para>Which layer feeds a BatchNorm: the traced layer called right before it in a forward pass
/// (<see cref="LayerTrace"/>); for a BatchNorm the trace did not see (or saw first), the name rule of the
/// zoo and of torchvision: <c>p.bnK</c> follows <c>p.convK</c>, and entry N of a Sequential follows entry
/// N − 1. <see cref="MarginAndNorms.PathNorm"/> checks the pairing: folding must not change the outputs.</para>
/// </summary>
public static class BatchNormFolding
{
    /// <summary>The convolution and linear layers of the model (named_modules order), BatchNorms folded in.</summary>
    public static IReadOnlyList<FoldedLayer> Fold(nn.Module model, LayerTrace? trace)
    {
        var feeds = Pairs(model, trace);
        var result = new List<FoldedLayer>();
        using var _ = no_grad();
        foreach (var (name, module) in WeightLayers(model))
        {
            var (weight, bias) = WeightAndBias(module);
            var w = weight.detach().clone();
            var b = bias?.detach().clone();
            string? bnName = null;
            if (feeds.TryGetValue(name, out var bn))
            {
                bnName = bn.Name;
                var (scale, shift) = ScaleAndShift(bn.Module, b);
                w = w * scale.reshape(Broadcast(w));
                b = shift;
            }
            result.Add(new FoldedLayer(name, module, w.DetachFromDisposeScope(), b?.DetachFromDisposeScope(), bnName));
        }
        return result;
    }

    /// <summary>
    /// Folds in place: the layer gets W·s and bias 0, the BatchNorm becomes an exact-up-to-rounding
    /// shift (running mean 0, γ = √(σ²+ε), β = the folded bias), so the model (in eval mode) computes
    /// the same logits. Take a <see cref="ModelSnapshot"/> first to undo it.
    /// </summary>
    public static void FoldInPlace(nn.Module model, LayerTrace? trace)
    {
        var feeds = Pairs(model, trace);
        using var scope = NewDisposeScope();
        using var _ = no_grad();
        var layers = WeightLayers(model).ToDictionary(l => l.Name, l => l.Module);
        foreach (var (layerName, bn) in feeds)
        {
            var (weight, bias) = WeightAndBias(layers[layerName]);
            var (scale, shift) = ScaleAndShift(bn.Module, bias);
            var batchNorm = (BatchNormParts)bn.Module;
            weight.mul_(scale.reshape(Broadcast(weight)));
            bias?.zero_();
            batchNorm.RunningMean.zero_();
            batchNorm.Gamma.copy_(batchNorm.RunningVar.add(batchNorm.Eps).sqrt());
            batchNorm.Beta.copy_(shift);
        }
    }

    /// <summary>Conv2d and Linear modules with their names, in named_modules order; other modules with own parameters (except BatchNorm) are refused.</summary>
    public static IReadOnlyList<(string Name, nn.Module Module)> WeightLayers(nn.Module model)
    {
        var layers = new List<(string, nn.Module)>();
        foreach (var (name, module) in model.named_modules())
        {
            if (module is Conv2d || module is Linear) layers.Add((name, module));
            else if (!AnalysisMode.IsBatchNorm(module) && module.named_parameters(recurse: false).Any())
                throw new LlaException($"layer '{name}' ({module.GetType().Name}) is not a convolution, linear or BatchNorm layer: the norm measures support only those");
        }
        return layers;
    }

    public static (Tensor Weight, Tensor? Bias) WeightAndBias(nn.Module layer) => layer switch
    {
        Conv2d c => (c.weight!, c.bias),
        Linear l => (l.weight!, l.bias),
        _ => throw new LlaException($"{layer.GetType().Name} is not a convolution or linear layer"),
    };

    private static long[] Broadcast(Tensor weight)
    {
        var shape = new long[weight.dim()];
        Array.Fill(shape, 1L);
        shape[0] = -1;
        return shape;
    }

    private static (Tensor Scale, Tensor Shift) ScaleAndShift(nn.Module bn, Tensor? bias)
    {
        var p = (BatchNormParts)bn;
        var scale = p.Gamma.detach() / p.RunningVar.add(p.Eps).sqrt();
        var b = bias is null ? zeros_like(p.RunningMean) : bias.detach();
        return (scale, (b - p.RunningMean) * scale + p.Beta.detach());
    }

    /// <summary>The layer each foldable BatchNorm follows: layer name → (BatchNorm name, module).</summary>
    private static Dictionary<string, (string Name, nn.Module Module)> Pairs(nn.Module model, LayerTrace? trace)
    {
        var modules = model.named_modules().ToDictionary(m => m.name, m => m.module);
        var pairs = new Dictionary<string, (string, nn.Module)>();
        foreach (var (name, module) in modules)
        {
            if (!AnalysisMode.IsBatchNorm(module)) continue;
            string? layer = null;
            int at = trace?.Calls.ToList().FindIndex(c => c.Name == name) ?? -1;
            layer = at > 0 ? trace!.Calls[at - 1].Name : NameRule(name, modules);
            if (layer is null || !modules.TryGetValue(layer, out var feeding) || !(feeding is Conv2d || feeding is Linear))
                throw new LlaException($"BatchNorm '{name}' does not follow a convolution or linear layer: it cannot be folded");
            var (weight, _) = WeightAndBias(feeding);
            long features = ((BatchNormParts)module).RunningMean.shape[0];
            if (weight.shape[0] != features)
                throw new LlaException($"BatchNorm '{name}' has {features} features but the layer before it, '{layer}', has {weight.shape[0]} outputs: it cannot be folded");
            if (pairs.ContainsKey(layer))
                throw new LlaException($"two BatchNorms follow layer '{layer}': they cannot be folded");
            pairs[layer] = (name, module);
        }
        return pairs;
    }

    private static string? NameRule(string bnName, Dictionary<string, nn.Module> modules)
    {
        int dot = bnName.LastIndexOf('.');
        string parent = dot < 0 ? "" : bnName[..(dot + 1)], leaf = bnName[(dot + 1)..];
        if (leaf.StartsWith("bn")) return parent + "conv" + leaf[2..];
        if (int.TryParse(leaf, out int index) && index > 0) return parent + (index - 1);
        return null;
    }

    /// <summary>Uniform access to BatchNorm1d/2d/3d's tensors (they share no base type in TorchSharp).</summary>
    private sealed record BatchNormParts(Tensor Gamma, Tensor Beta, Tensor RunningMean, Tensor RunningVar, double Eps)
    {
        public static explicit operator BatchNormParts(nn.Module m) => m switch
        {
            BatchNorm1d b => Of(b.weight, b.bias, b.running_mean, b.running_var, b.eps),
            BatchNorm2d b => Of(b.weight, b.bias, b.running_mean, b.running_var, b.eps),
            BatchNorm3d b => Of(b.weight, b.bias, b.running_mean, b.running_var, b.eps),
            _ => throw new ArgumentException("not a BatchNorm"),
        };

        private static BatchNormParts Of(Tensor? w, Tensor? b, Tensor? mean, Tensor? var, double eps)
        {
            if (w is null || b is null || mean is null || var is null)
                throw new LlaException("a BatchNorm without affine parameters or running statistics cannot be folded");
            return new BatchNormParts(w, b, mean, var, eps);
        }
    }
}
