using Lla.Models;
using Lla.Vectors;
using static TorchSharp.torch;

namespace Lla.Landscapes;

/// <summary>One or two raw (not yet normalized) landscape directions and what they are.</summary>
public sealed record DirectionPair(ParameterVector D1, ParameterVector? D2, string Axes, IReadOnlyDictionary<string, double> Facts) : IDisposable
{
    /// <summary>The same directions on <paramref name="device"/> (itself when already there).</summary>
    public DirectionPair On(Device device) => D1.Flat.device == device ? this : this with
    {
        D1 = new ParameterVector(D1.Flat.to(device), D1.Layout),
        D2 = D2 is null ? null : new ParameterVector(D2.Flat.to(device), D2.Layout),
    };

    public void Dispose() { D1.Dispose(); D2?.Dispose(); }
}

/// <summary>Where landscape directions come from.</summary>
public static class Directions
{
    /// <summary>
    /// Two random directions, the second orthogonalized to the first. Gaussian by default (centred,
    /// as Li et al.); <paramref name="uniform"/> reproduces the seed library's uniform [0, 1) draws.
    /// </summary>
    public static DirectionPair Random(ParameterLayout layout, ScalarType dtype, long seed, bool uniform = false)
    {
        var generator = new Generator((ulong)seed);
        ParameterVector Draw() => uniform
            ? new ParameterVector(rand(layout.Dimension, dtype: dtype, generator: generator), layout)
            : ParameterVector.Gaussian(layout, dtype, generator);
        var d1 = Draw();
        var d2 = Draw().OrthogonalizeAgainst(new[] { d1 });
        return new DirectionPair(d1, d2, uniform ? "random-uniform" : "random", new Dictionary<string, double> { ["seed"] = seed });
    }

    /// <summary>The Adam moments saved by `lla train`: d1 = first moment m, d2 = second moment v (unscaled).</summary>
    public static DirectionPair Adam(string checkpoint, ParameterLayout layout, ScalarType dtype)
    {
        var entries = StateDictFiles.Read(checkpoint);
        try
        {
            var m = Gather(entries, layout, WeightsLoader.OptimizerPrefix + "exp_avg.", checkpoint, dtype,
                "Adam axes need the optimizer state that a training with {optimizer} adam or adamw saves beside the weights");
            var v = Gather(entries, layout, WeightsLoader.OptimizerPrefix + "exp_avg_sq.", checkpoint, dtype,
                "Adam axes need the optimizer state that a training with {optimizer} adam or adamw saves beside the weights");
            var facts = new Dictionary<string, double>();
            if (entries.TryGetValue(WeightsLoader.OptimizerPrefix + "step", out var step)) facts["adam_step"] = step.ToDouble();
            return new DirectionPair(m, v, "adam", facts);
        }
        finally { foreach (var t in entries.Values) t.Dispose(); }
    }

    /// <summary>Eigenvectors i and j from a run's eigenvectors.bin (unit norm), with their eigenvalues.</summary>
    public static DirectionPair Hessian(string eigenvectorFile, ParameterLayout layout, ScalarType dtype, int first = 0, int second = 1)
    {
        var entries = StateDictFiles.Read(eigenvectorFile);
        try
        {
            if (!entries.TryGetValue("eigenvalues", out var values))
                throw new LlaException($"{eigenvectorFile} holds no eigenvalues: give the eigenvectors.bin of an `lla hessian` run");
            var lambda = values.to(ScalarType.Float64).data<double>().ToArray();
            foreach (int k in new[] { first, second })
                if (k < 0 || k >= lambda.Length) throw new LlaException($"{{eigen-pair}} index {k} is out of range: {eigenvectorFile} holds {lambda.Length} eigenvectors");
            var d1 = Gather(entries, layout, $"v{first}.", eigenvectorFile, dtype, "the eigenvectors were computed for other parameters");
            var d2 = Gather(entries, layout, $"v{second}.", eigenvectorFile, dtype, "the eigenvectors were computed for other parameters");
            return new DirectionPair(d1, d2, "hessian", new Dictionary<string, double>
            {
                ["eigenvalue_1"] = lambda[first], ["eigenvalue_2"] = lambda[second], ["eigen_index_1"] = first, ["eigen_index_2"] = second,
            });
        }
        finally { foreach (var t in entries.Values) t.Dispose(); }
    }

    /// <summary>Directions towards other models: d_k = θ_k − θ* (one for a line, two for the plane through three models).</summary>
    public static DirectionPair Towards(ParameterVector theta, IReadOnlyList<ParameterVector> others)
    {
        if (others.Count is < 1 or > 2) throw new LlaException("{checkpoints} takes one other model (a line) or two (a plane)");
        var d1 = others[0].Clone().Axpy(-1, theta);
        var d2 = others.Count > 1 ? others[1].Clone().Axpy(-1, theta) : null;
        return new DirectionPair(d1, d2, "checkpoints", new Dictionary<string, double>());
    }

    /// <summary>Directions saved by an earlier landscape run (d1.NAME, d2.NAME) or written by hand in that format.</summary>
    public static DirectionPair FromFile(string path, ParameterLayout layout, ScalarType dtype)
    {
        var entries = StateDictFiles.Read(path);
        try
        {
            var d1 = Gather(entries, layout, "d1.", path, dtype, "a direction file holds d1.NAME (and d2.NAME) for every parameter NAME");
            var d2 = layout.Names.All(n => entries.ContainsKey("d2." + n))
                ? Gather(entries, layout, "d2.", path, dtype, "")
                : null;
            return new DirectionPair(d1, d2, "file", new Dictionary<string, double>());
        }
        finally { foreach (var t in entries.Values) t.Dispose(); }
    }

    public static void Save(string path, ParameterVector d1, ParameterVector? d2)
    {
        var entries = new List<KeyValuePair<string, Tensor>>();
        void Add(string prefix, ParameterVector d)
        {
            var parts = d.Parts();
            for (int i = 0; i < parts.Length; i++) entries.Add(new(prefix + d.Layout.Names[i], parts[i]));
        }
        Add("d1.", d1);
        if (d2 is not null) Add("d2.", d2);
        TensorFile.Write(path, entries);
    }

    private static ParameterVector Gather(Dictionary<string, Tensor> entries, ParameterLayout layout, string prefix, string path, ScalarType dtype, string hint)
    {
        var missing = layout.Names.Where(n => !entries.ContainsKey(prefix + n)).ToList();
        if (missing.Count > 0)
            throw new LlaException($"{path} has no {prefix}{missing[0]}{(missing.Count > 1 ? $" (and {missing.Count - 1} more)" : "")}: {hint}");
        var parts = new List<Tensor>();
        for (int i = 0; i < layout.Count; i++)
        {
            var t = entries[prefix + layout.Names[i]];
            if (!t.shape.SequenceEqual(layout.Shapes[i]))
                throw new LlaException($"{path}: {prefix}{layout.Names[i]} has shape [{string.Join(",", t.shape)}], the model's parameter [{string.Join(",", layout.Shapes[i])}]");
            parts.Add(t.reshape(-1).to(dtype, disposeAfter: true));
        }
        return new ParameterVector(cat(parts.ToArray()).DetachFromDisposeScope(), layout);
    }
}
