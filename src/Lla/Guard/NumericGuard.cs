using Lla.Curvature;
using Lla.Data;
using Lla.Native;
using Lla.Objectives;
using Lla.Vectors;
using static TorchSharp.torch;

namespace Lla.Guard;

/// <summary>What the numeric guard checked and found.</summary>
/// <param name="Checked">The quantities, in words.</param>
/// <param name="Verdict">The decision at the worst entry: its error, measured floor and ratio.</param>
public sealed record GuardReport(bool Passed, int Repeats, bool OneDnn, string Checked, GuardVerdict Verdict)
{
    /// <summary>Every checked entry's errors and disagreements (for measuring the guard; not recorded in results.json).</summary>
    public IReadOnlyList<GuardEntry> Entries { get; init; } = Array.Empty<GuardEntry>();

    public double MaxRelativeError => Verdict.WorstError;
    public string WorstParameter => Verdict.WorstEntry;

    /// <summary>The finding in words: "Hessian-vector product in conv1.weight: relative error 0.31, 1.5e+04× its float32 rounding floor 2.1e-05 (200× allowed)".</summary>
    public string Finding => Verdict.FloorBeyondRounding
        ? $"{Verdict.WorstEntry}: relative error {Verdict.WorstError:G3}, and its float32 evaluations disagree among themselves by {Verdict.Floor:G3}, beyond rounding ({RoundingFloor.MaximumFloor:G} allowed)"
        : $"{Verdict.WorstEntry}: relative error {Verdict.WorstError:G3}, {Verdict.WorstRatio:G3}× its float32 rounding floor {Verdict.Floor:G3} ({Verdict.Factor:G}× allowed)";
}

/// <summary>
/// The numeric guard (METHOD.md, "The numeric guard"; docs/numeric-guard.md): float32 evaluations of
/// what the work consumes (<see cref="GuardProbe"/>) against a float64 twin holding the same weights, on
/// the same batch. After a first pass over the vectors as given, each float32 evaluation is another valid
/// float32 evaluation of the same quantity: the batch in another seeded order (the loss is a mean and
/// BatchNorm's statistics do not depend on the order) and every weight moved by one unit in its last place
/// in a seeded random direction (float32 rounds every stored activation by as much, and a reordering alone
/// does not show that: docs/numeric-guard.md). Pairs of them measure each entry's float32 rounding floor;
/// every evaluation is compared with float64 (the known oneDNN fault is intermittent: 1 of 30 must be
/// enough to fail). The model's weights and buffers (BatchNorm's running statistics) are restored after.
/// </summary>
public static class NumericGuard
{
    public const int DefaultRepeats = 30;

    /// <summary>
    /// Samples in the guard's batch (the first of the work's first batch): its cost is 30 float32 and 3 float64 products on
    /// it, before and after the work (its share of `lla analyze`: docs/numeric-guard.md).
    /// </summary>
    public const int BatchSize = 64;

    /// <summary>Windows in a GPT's guard batch: one (its float32 and float64 products on a whole batch of vocabulary-wide logits would cost as much as the work).</summary>
    public const int GptWindows = 1;

    /// <summary>Samples of the work's first batch the guard takes for <paramref name="model"/>: <see cref="GptWindows"/> for a GPT, else <see cref="BatchSize"/>.</summary>
    public static int BatchSizeFor(nn.Module model) => model is Models.Gpt.GptModel ? GptWindows : BatchSize;
    private const long Seed = 7919;

    public static GuardReport Check(nn.Module<Tensor, Tensor> model32, nn.Module<Tensor, Tensor> model64, LossFunction loss,
        Batch batch, GuardProbe probe, int repeats = DefaultRepeats)
    {
        if (repeats < 2 * probe.VectorCount) throw new ArgumentOutOfRangeException(nameof(repeats), repeats, "the floor needs two evaluations along every vector");
        var parameters32 = ParameterSet.Of(model32);
        var parameters64 = ParameterSet.Of(model64);
        if (!parameters32.Layout.SameAs(parameters64.Layout)) throw new ArgumentException("the float64 twin's parameters differ from the model's");
        var names = parameters32.Layout.Names;
        int vectors = probe.VectorCount;
        using var generator = new Generator((ulong)Seed);
        // Entries: 0 the loss, 1..n the parameter tensors' parts, n + 1 the whole product (or gradient).
        var errors = new List<double>[names.Count + 2];
        var disagreements = new List<double>[names.Count + 2];
        for (int e = 0; e < errors.Length; e++) { errors[e] = new(); disagreements[e] = new(); }

        // The float32 model is checked in the twin's modes (the caller makes the twin in the work's modes): a model
        // left in eval mode by a training's last evaluation must not be compared with a train-mode twin.
        var modules32 = model32.modules().Prepend(model32).ToArray();
        var modules64 = model64.modules().Prepend(model64).ToArray();
        if (modules32.Length != modules64.Length) throw new ArgumentException("the float64 twin's modules differ from the model's");
        var modes = modules32.Select(m => m.training).ToArray();
        var twinModes = modules64.Select(m => m.training).ToArray();
        var weights = parameters32.Parameters.Select(p => p.detach().clone().DetachFromDisposeScope()).ToArray();
        var buffers = model32.buffers().Select(b => (Buffer: b, Saved: b.clone().DetachFromDisposeScope())).ToArray();
        using var inputs64 = batch.Inputs.to(ScalarType.Float64);
        var batch64 = new Batch(inputs64, batch.Targets);
        try
        {
            for (int m = 0; m < modules32.Length; m++) modules32[m].train(modules64[m].training);
            // Dropout draws a new mask on every pass: the check compares deterministic functions, so it is off in both
            // models during it (the modes are restored after; a training's own steps keep it).
            foreach (var module in modules32.Concat(modules64).Where(IsDropout)) module.eval();
            // One vector at a time (its direction, its float64 reference and the last float32 evaluation alive), so the
            // guard holds a few parameter-sized vectors whatever the repeats (HessianMemoryPlan.GuardBytesFor). The random
            // draws are those of the order the repeats take, cycling through the vectors (directions first, then each
            // repeat's batch order and weight rounding): the generator's state before each is recorded by drawing them
            // once, so every direction, order and rounding, and so every verdict, is what cycling would give.
            var (directionStates, repeatStates) = DrawStates(generator, parameters32, parameters64.Dimension, batch.Count, vectors, repeats);
            try
            {
                for (int j = 0; j < vectors; j++) CheckAlong(j);
            }
            finally
            {
                foreach (var t in directionStates.Concat(repeatStates)) t.Dispose();
            }

            void CheckAlong(int j)
            {
                Tensor direction32;
                Evaluation reference;
                using (var scope = NewDisposeScope())
                {
                    // Drawn on the CPU (the generator's device), used on the model's; the float64 direction lives for its reference only.
                    generator.set_state(directionStates[j]);
                    var v = randn(parameters64.Dimension, dtype: ScalarType.Float64, generator: generator);
                    var direction = v.div_(v.norm()).to(parameters64.Device);
                    reference = Evaluate(model64, parameters64, loss, batch64, probe, direction);
                    direction32 = direction.to(ScalarType.Float32).DetachFromDisposeScope();
                }
                Evaluation? previous = null;
                try
                {
                    var denominators = Denominators(reference);
                    for (int r = j; r < repeats; r += vectors)
                    {
                        Evaluation current;
                        using (var scope = NewDisposeScope())
                        {
                            // The first evaluation along a vector takes the batch and weights as they are; every later one
                            // another seeded order of the batch and another rounding of the weights.
                            bool other = r >= vectors;
                            generator.set_state(repeatStates[r]);
                            var order = other ? randperm(batch.Count, generator: generator).to(batch.Inputs.device) : null;
                            var ordered = order is null ? batch : new Batch(batch.Inputs.index_select(0, order), batch.Targets.index_select(0, order));
                            RoundWeights(parameters32, weights, other ? generator : null);
                            current = Evaluate(model32, parameters32, loss, ordered, probe, direction32);
                        }
                        Compare(current, reference, denominators, errors);
                        if (previous is not null)
                        {
                            Compare(current, previous, denominators, disagreements);
                            previous.Dispose();
                        }
                        previous = current;
                    }
                }
                finally
                {
                    direction32.Dispose();
                    reference.Dispose();
                    previous?.Dispose();
                }
            }
        }
        finally
        {
            RoundWeights(parameters32, weights, null);
            using (no_grad()) foreach (var (buffer, saved) in buffers) buffer.copy_(saved);
            for (int m = 0; m < modules32.Length; m++) { modules32[m].train(modes[m]); modules64[m].train(twinModes[m]); }
            foreach (var t in weights) t.Dispose();
            foreach (var (_, saved) in buffers) saved.Dispose();
        }

        var entries = new List<GuardEntry> { new("loss", errors[0], disagreements[0]) };
        for (int i = 0; i < names.Count; i++) entries.Add(new($"{probe.ProductName} in {names[i]}", errors[i + 1], disagreements[i + 1]));
        entries.Add(new($"{probe.ProductName} as a whole", errors[^1], disagreements[^1], Whole: true));
        var verdict = RoundingFloor.Decide(entries, parameters32.Dimension);
        return new GuardReport(verdict.Passed, repeats, TorchContext.OneDnn, probe.Describe(), verdict) { Entries = entries };
    }

    private static bool IsDropout(nn.Module module) =>
        module is TorchSharp.Modules.Dropout or TorchSharp.Modules.Dropout1d or TorchSharp.Modules.Dropout2d or TorchSharp.Modules.Dropout3d
            or TorchSharp.Modules.AlphaDropout or TorchSharp.Modules.FeatureAlphaDropout;

    /// <summary>
    /// The generator's state before each vector's direction and before each repeat's draws (its batch order and weight
    /// rounding, none in the first pass), in the order the repeats cycle through the vectors; the draws are made and dropped.
    /// </summary>
    private static (Tensor[] Directions, Tensor[] Repeats) DrawStates(Generator generator, ParameterSet parameters, long dimension, long samples, int vectors, int repeats)
    {
        var directions = new Tensor[vectors];
        var states = new Tensor[repeats];
        for (int j = 0; j < vectors; j++)
        {
            directions[j] = generator.get_state().DetachFromDisposeScope();
            using var scope = NewDisposeScope();
            randn(dimension, dtype: ScalarType.Float64, generator: generator);
        }
        for (int r = 0; r < repeats; r++)
        {
            states[r] = generator.get_state().DetachFromDisposeScope();
            if (r < vectors) continue;
            using (NewDisposeScope()) randperm(samples, generator: generator);
            foreach (var p in parameters.Parameters)
            {
                using var scope = NewDisposeScope();
                RoundingDraw(p, generator);
            }
        }
        return (directions, states);
    }

    /// <summary>Which way each weight of <paramref name="weight"/> is rounded: true up, false down (the one draw a rounding makes).</summary>
    private static Tensor RoundingDraw(Tensor weight, Generator generator) =>
        rand(weight.shape, dtype: ScalarType.Float64, generator: generator).lt(0.5).to(weight.device);

    /// <summary>
    /// Sets the weights to <paramref name="original"/>, or with a generator to each one's float32 neighbour
    /// (the next representable number up or down, at random): another rounding of the same weights.
    /// </summary>
    private static void RoundWeights(ParameterSet parameters, Tensor[] original, Generator? generator)
    {
        using var _ = no_grad();
        for (int i = 0; i < original.Length; i++)
        {
            // A scope per tensor: the draws and neighbours of all tensors at once would be 17 bytes per parameter.
            using var scope = NewDisposeScope();
            if (generator is null) { parameters.Parameters[i].copy_(original[i]); continue; }
            var up = RoundingDraw(original[i], generator);
            var toward = where(up, tensor(double.PositiveInfinity, dtype: original[i].dtype, device: original[i].device), tensor(double.NegativeInfinity, dtype: original[i].dtype, device: original[i].device));
            parameters.Parameters[i].copy_(original[i].nextafter(toward));
        }
    }

    /// <summary>One evaluation: the loss and the per-parameter parts of the product (or gradient), in the model's dtype, owned here.</summary>
    private sealed record Evaluation(double Loss, Tensor[] Parts) : IDisposable
    {
        public void Dispose() { foreach (var p in Parts) p.Dispose(); }
    }

    /// <summary>Relative errors are taken against max(‖part‖, 1e-3·‖whole‖): a part whose true value is (nearly) zero is not divided by it.</summary>
    private static double[] Denominators(Evaluation reference)
    {
        // Norms one tensor at a time: a scope over all would hold every part's squares at once.
        double Norm(Tensor part) { using var scope = NewDisposeScope(); return part.norm().ToDouble(); }
        var norms = reference.Parts.Select(Norm).ToArray();
        double whole = Math.Sqrt(norms.Sum(n => n * n));
        var result = new double[reference.Parts.Length + 2];
        // A loss near zero (a memorised training set) is not divided by: float32's absolute error there is ~ε per sample.
        result[0] = Math.Max(Math.Abs(reference.Loss), 1e-3);
        for (int i = 0; i < reference.Parts.Length; i++)
            result[i + 1] = Math.Max(Math.Max(norms[i], 1e-3 * whole), 1e-30);
        result[^1] = Math.Max(whole, 1e-30);
        return result;
    }

    private static void Compare(Evaluation a, Evaluation b, double[] denominators, List<double>[] into)
    {
        into[0].Add(Relative(Math.Abs(a.Loss - b.Loss), denominators[0]));
        double squares = 0;
        for (int i = 0; i < a.Parts.Length; i++)
        {
            // In float64 (a float32 evaluation is stored as computed), one tensor at a time.
            using var scope = NewDisposeScope();
            double norm = a.Parts[i].to(ScalarType.Float64).sub(b.Parts[i]).norm().ToDouble();
            squares += norm * norm;
            into[i + 1].Add(Relative(norm, denominators[i + 1]));
        }
        into[^1].Add(Relative(Math.Sqrt(squares), denominators[^1]));
    }

    private static double Relative(double difference, double denominator) =>
        double.IsFinite(difference) ? difference / denominator : double.PositiveInfinity;

    private static Evaluation Evaluate(nn.Module<Tensor, Tensor> model, ParameterSet parameters, LossFunction loss, Batch batch, GuardProbe probe, Tensor v)
    {
        using var scope = NewDisposeScope();
        var inputs = parameters.Parameters.Cast<Tensor>().ToArray();
        Tensor[] parts;
        double value;
        using (enable_grad())
        {
            if (probe.Use == GuardUse.Training)
            {
                var l = loss(model.forward(batch.Inputs), batch.Targets);
                value = l.ToDouble();
                parts = Complete(torch.autograd.grad(new[] { l }, inputs, allow_unused: true), inputs);
            }
            else if (probe.Operator == CurvatureOperator.Hessian)
            {
                // One pass gives the loss and the product: Hv = ∂/∂θ (∇L·v).
                var l = loss(model.forward(batch.Inputs), batch.Targets);
                value = l.ToDouble();
                var grads = Complete(torch.autograd.grad(new[] { l }, inputs, create_graph: true, retain_graph: true, allow_unused: true), inputs);
                var directions = parameters.Unflatten(v);
                Tensor gv = grads[0].mul(directions[0]).sum();
                for (int i = 1; i < grads.Length; i++) gv = gv.add(grads[i].mul(directions[i]).sum());
                parts = gv.requires_grad ? Complete(torch.autograd.grad(new[] { gv }, inputs, allow_unused: true), inputs) : inputs.Select(t => zeros_like(t)).ToArray();
            }
            else
            {
                var op = CurvatureOperators.Create(probe.Operator, new Objective(model, loss, new[] { batch }), parameters);
                parts = parameters.Unflatten(op.Apply(v));
                using (no_grad()) value = loss(model.forward(batch.Inputs), batch.Targets).ToDouble();
            }
        }
        // Kept as computed (float32 for the float32 model: exact, and half the memory of float64), no copy.
        var owned = parts.Select(p => p.detach().DetachFromDisposeScope()).ToArray();
        return new Evaluation(value, owned);
    }

    /// <summary>An unused parameter's gradient is zero.</summary>
    private static Tensor[] Complete(IList<Tensor> grads, Tensor[] inputs) =>
        grads.Select((g, i) => g is null || g.IsInvalid ? zeros_like(inputs[i]) : g).ToArray();
}
