using static TorchSharp.torch;

namespace Lla.Connectivity;

/// <summary>Options of <see cref="WeightMatching"/>.</summary>
/// <param name="Seed">Seeds the random order in which the permutations are visited in each round.</param>
/// <param name="MaxRounds">At most this many rounds over all permutations (the search stops earlier when a round changes nothing).</param>
public sealed record WeightMatchingOptions(long Seed = 0, int MaxRounds = 100);

/// <summary>
/// The outcome of weight matching: the permutation of each group (B's unit Permutations[g][i] is moved to position i),
/// B's state with them applied (parameters and BatchNorm buffers), the objective Σ_l ⟨W_l^A, π(W_l^B)⟩ before and after,
/// the rounds used, and whether the last round changed nothing.
/// </summary>
public sealed record WeightMatchingResult(
    IReadOnlyDictionary<string, int[]> Permutations,
    ModelState AlignedB,
    double InitialInner,
    double FinalInner,
    int Rounds,
    bool Converged)
{
    /// <summary>Loads the permuted B into <paramref name="model"/> (a fresh model of the same architecture, e.g. a copy of B).</summary>
    public void ApplyTo(nn.Module model) => AlignedB.LoadInto(model);
}

/// <summary>
/// Weight matching (Ainsworth, Hayase &amp; Srinivasa 2023): permutes the hidden units of B to maximize
/// Σ over parameters W of ⟨W^A, π(W^B)⟩, where π applies each group's permutation on every axis the
/// <see cref="PermutationSpec"/> assigns to it. Coordinate ascent: with all other permutations fixed, the objective is
/// linear in group g's permutation P, Σ_i C[i, P(i)] with C = Σ over g's axes of A_axis · B_axisᵀ (each entry
/// reshaped to [units, rest] along the axis, B with the other groups already applied); the best P is one exact linear
/// assignment. Groups are visited in a seeded random order each round, a new P is taken only when it strictly
/// improves the objective (by more than 1e-12 relative, so ties cannot cycle), and the rounds stop when one changes
/// nothing. Only trainable parameters enter the objective; BatchNorm running statistics move with their channels.
/// </summary>
public static class WeightMatching
{
    /// <summary>Aligns model B to model A using the zoo's spec for A's architecture (<see cref="PermutationSpecs.For"/>).</summary>
    public static WeightMatchingResult Align(nn.Module modelA, nn.Module modelB, WeightMatchingOptions? options = null)
    {
        var spec = PermutationSpecs.For(modelA);
        using var a = ModelState.Of(modelA);
        var b = ModelState.Of(modelB);
        a.RequireSameArchitecture(b);
        try { return Align(a, b, spec, options); }
        finally { b.Dispose(); }
    }

    public static WeightMatchingResult Align(ModelState a, ModelState b, PermutationSpec spec, WeightMatchingOptions? options = null)
    {
        options ??= new WeightMatchingOptions();
        if (options.MaxRounds < 1) throw new LlaException($"weight matching needs at least 1 round (got {options.MaxRounds})");
        a.RequireSameArchitecture(b);
        spec.Validate(a);
        var byEntry = spec.AxesByEntry();
        var permutations = spec.Identity();
        var random = new Random(unchecked((int)(options.Seed ^ (options.Seed >> 32))));
        var order = Enumerable.Range(0, spec.Groups.Count).ToArray();
        double initial = Inner(a, b, spec, permutations, byEntry);
        int rounds = 0;
        bool converged = false;
        while (rounds < options.MaxRounds && !converged)
        {
            rounds++;
            converged = true;
            random.Shuffle(order);
            foreach (int gi in order)
            {
                var group = spec.Groups[gi];
                var profit = Profit(a, b, group, permutations, byEntry);
                var current = permutations[group.Name];
                var best = LinearAssignment.Maximize(profit);
                double before = 0, after = 0;
                for (int i = 0; i < group.Size; i++) { before += profit[i, current[i]]; after += profit[i, best[i]]; }
                if (after > before + 1e-12 * Math.Max(1.0, Math.Abs(before)))
                {
                    permutations[group.Name] = best;
                    converged = false;
                }
            }
        }
        double final = Inner(a, b, spec, permutations, byEntry);
        return new WeightMatchingResult(permutations, spec.Apply(b, permutations), initial, final, rounds, converged);
    }

    /// <summary>C[i, j] = Σ over g's parameter axes of ⟨A's unit i, B's unit j⟩, B with every other group applied.</summary>
    private static double[,] Profit(ModelState a, ModelState b, PermutationGroup group, Dictionary<string, int[]> permutations,
        Dictionary<string, List<(string Name, int Axis, int Group)>> byEntry)
    {
        using var scope = NewDisposeScope();
        using var _ = no_grad();
        Tensor? total = null;
        foreach (var axis in group.Axes)
        {
            if (!a.ParameterNames.Contains(axis.Entry)) continue;
            var others = byEntry[axis.Entry].Where(x => x.Name != group.Name).Select(x => (x.Axis, x.Group, permutations[x.Name]));
            var wb = PermutationSpec.Permute(b[axis.Entry], others);
            var ma = a[axis.Entry].movedim(new long[] { axis.Axis }, new long[] { 0 }).reshape(group.Size, -1).to(ScalarType.Float64);
            var mb = wb.movedim(new long[] { axis.Axis }, new long[] { 0 }).reshape(group.Size, -1).to(ScalarType.Float64);
            var c = ma.matmul(mb.t());
            total = total is null ? c : total.add(c);
        }
        var result = new double[group.Size, group.Size];
        if (total is null) return result;
        var values = total.cpu().contiguous().data<double>().ToArray();
        for (int i = 0; i < group.Size; i++)
            for (int j = 0; j < group.Size; j++) result[i, j] = values[i * group.Size + j];
        return result;
    }

    /// <summary>Σ over parameters of ⟨W^A, π(W^B)⟩.</summary>
    private static double Inner(ModelState a, ModelState b, PermutationSpec spec, Dictionary<string, int[]> permutations,
        Dictionary<string, List<(string Name, int Axis, int Group)>> byEntry)
    {
        using var scope = NewDisposeScope();
        using var _ = no_grad();
        double sum = 0;
        foreach (var name in a.ParameterNames)
        {
            var wb = byEntry.TryGetValue(name, out var axes)
                ? PermutationSpec.Permute(b[name], axes.Select(x => (x.Axis, x.Group, permutations[x.Name])))
                : b[name];
            sum += a[name].to(ScalarType.Float64).mul(wb.to(ScalarType.Float64)).sum().ToDouble();
        }
        return sum;
    }
}
