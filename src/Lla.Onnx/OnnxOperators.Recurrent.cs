using TorchSharp;
using static TorchSharp.torch;

namespace Lla.Onnx;

internal static partial class OnnxOperators
{
    /// <summary>
    /// The recurrent layers LSTM, GRU and RNN (opsets 7–14), unrolled over time with TorchSharp operations:
    /// directions forward, reverse and bidirectional; optional B, sequence_lens, initial_h (and initial_c, P for
    /// LSTM); activations with activation_alpha/beta; clip; layout 0 ([seq, batch, …]) and 1 ([batch, seq, …]).
    /// Outputs Y [seq, directions, batch, hidden] (layout 1: [batch, seq, directions, hidden]) with zeros past a
    /// sequence's length, and the last states Y_h (and Y_c) [directions, batch, hidden] (layout 1: [batch, directions, hidden]).
    /// </summary>
    private static Dictionary<string, Operator> RecurrentOperators() => new()
    {
        ["LSTM"] = n => Recurrent(n, gates: 4, new[] { "Sigmoid", "Tanh", "Tanh" }, LstmStep),
        ["GRU"] = n => Recurrent(n, gates: 3, new[] { "Sigmoid", "Tanh" }, GruStep),
        ["RNN"] = n => Recurrent(n, gates: 1, new[] { "Tanh" }, RnnStep),
    };

    /// <summary>One direction's weights and activations.</summary>
    private sealed record Direction(Tensor W, Tensor R, Tensor WBias, Tensor RBias, Tensor? Peephole, Func<Tensor, Tensor>[] Activations, double Clip);

    /// <summary>One time step: the input projection x·Wᵀ + Wb of this step and the state (h, or h and c for LSTM) to the next state.</summary>
    private delegate Tensor[] Step(OnnxNode n, Direction d, Tensor projected, Tensor[] state);

    private static Tensor[] Recurrent(OnnxNode n, int gates, string[] defaults, Step step)
    {
        Tensor x = n.In(0), w = n.In(1), r = n.In(2);
        bool batchFirst = n.Int("layout", 0) != 0;
        if (x.dim() != 3) throw n.Error($"needs a 3-D input, not one of rank {x.dim()}");
        if (batchFirst) x = x.transpose(0, 1);
        long seq = x.shape[0], batch = x.shape[1];
        long hidden = n.Int("hidden_size", r.shape[^1]);
        string direction = n.String("direction", "forward");
        int count = direction switch
        {
            "forward" or "reverse" => 1,
            "bidirectional" => 2,
            _ => throw n.Error($"has direction \"{direction}\"; ONNX's are forward, reverse and bidirectional"),
        };
        if (w.shape[0] != count || w.shape[1] != gates * hidden || r.shape[1] != gates * hidden)
            throw n.Error($"has weights of shape [{string.Join(", ", w.shape)}] for {count} direction(s) of {gates}×{hidden} gate rows");
        // Shapes are checked here: a mismatched matmul aborts the whole process instead of throwing.
        if (w.dim() != 3 || w.shape[2] != x.shape[2] || r.dim() != 3 || r.shape[0] != count || r.shape[2] != hidden)
            throw n.Error($"has W [{string.Join(", ", w.shape)}] and R [{string.Join(", ", r.shape)}] for inputs of size {x.shape[2]} and hidden size {hidden}");
        var bias = n.Optional(3) ?? zeros(count, 2 * gates * hidden, dtype: x.dtype, device: x.device);
        if (!bias.shape.SequenceEqual(new[] { count, 2L * gates * hidden }))
            throw n.Error($"has B of shape [{string.Join(", ", bias.shape)}]; it needs [{count}, {2 * gates * hidden}]");
        foreach (int i in new[] { 5, 6 })
            if (n.Optional(i) is { } state && !state.shape.SequenceEqual(batchFirst ? new[] { batch, count, hidden } : new[] { count, batch, hidden }))
                throw n.Error($"has an initial state of shape [{string.Join(", ", state.shape)}] for {count} direction(s), {batch} sequences and hidden size {hidden}");
        if (gates == 4 && n.Optional(7) is { } peepholes && !peepholes.shape.SequenceEqual(new[] { count, 3 * hidden }))
            throw n.Error($"has P of shape [{string.Join(", ", peepholes.shape)}]; it needs [{count}, {3 * hidden}]");
        long[] lengths = n.Optional(4) is { } l ? OnnxTensors.Longs(l) : Enumerable.Repeat(seq, (int)batch).ToArray();
        int states = gates == 4 ? 2 : 1;
        Tensor? InitialState(int input) => n.Optional(input) is { } t ? (batchFirst ? t.transpose(0, 1) : t) : null;
        var initial = new[] { InitialState(5), states == 2 ? InitialState(6) : null };
        var activations = Activations(n, defaults, count);
        double clip = n.Float("clip", 0f);

        var ys = new List<Tensor>();
        var last = new List<Tensor>[states];
        for (int s = 0; s < states; s++) last[s] = new List<Tensor>();
        for (int d = 0; d < count; d++)
        {
            var peephole = gates == 4 && n.Optional(7) is { } p ? p[d] : null;
            var weights = new Direction(w[d], r[d], bias[d].narrow(0, 0, gates * hidden), bias[d].narrow(0, gates * hidden, gates * hidden), peephole,
                activations.Skip(d * defaults.Length).Take(defaults.Length).ToArray(), clip);
            var state = Enumerable.Range(0, states).Select(s => initial[s]?[d] ?? zeros(batch, hidden, dtype: x.dtype, device: x.device)).ToArray();
            bool reverse = direction == "reverse" || d == 1;
            var (y, final) = Unroll(n, x, lengths, reverse, weights, state, step);
            ys.Add(y);
            for (int s = 0; s < states; s++) last[s].Add(final[s]);
        }
        var outputs = new List<Tensor> { stack(ys, 1) };
        outputs.AddRange(last.Select(states => stack(states, 0)));
        if (batchFirst)
        {
            outputs[0] = outputs[0].permute(2, 0, 1, 3);
            for (int i = 1; i < outputs.Count; i++) outputs[i] = outputs[i].transpose(0, 1);
        }
        return outputs.ToArray();
    }

    /// <summary>
    /// Runs one direction over time. A reverse direction reads each sequence backwards within its own length;
    /// past a sequence's length the state stays as it was and Y is 0.
    /// </summary>
    private static (Tensor Y, Tensor[] State) Unroll(OnnxNode n, Tensor x, long[] lengths, bool reverse, Direction d, Tensor[] state, Step step)
    {
        long seq = x.shape[0], batch = x.shape[1];
        if (lengths.Length != batch || lengths.Any(l => l < 0 || l > seq))
            throw n.Error($"has sequence_lens [{string.Join(", ", lengths)}] for {batch} sequences of length {seq}");
        bool ragged = lengths.Any(l => l != seq);
        // order[t, b]: the time step sequence b reads at step t (a permutation of each sequence's own steps).
        var order = new long[seq * batch];
        for (long t = 0; t < seq; t++)
            for (long b = 0; b < batch; b++)
                order[t * batch + b] = reverse && t < lengths[b] ? lengths[b] - 1 - t : t;
        var index = tensor(order, device: x.device).reshape(seq, batch, 1);
        if (reverse) x = x.gather(0, index.expand(x.shape));
        var projected = x.matmul(d.W.t()) + d.WBias;
        var mask = tensor(Enumerable.Range(0, (int)(seq * batch)).Select(i => i / batch < lengths[i % batch] ? 1.0 : 0.0).ToArray(), dtype: x.dtype, device: x.device)
            .reshape(seq, batch, 1);
        var ys = new List<Tensor>();
        for (long t = 0; t < seq; t++)
        {
            var next = step(n, d, projected[t], state);
            if (ragged)
            {
                var m = mask[t];
                for (int s = 0; s < state.Length; s++) state[s] = m * next[s] + (1 - m) * state[s];
                ys.Add(m * next[0]);
            }
            else
            {
                state = next;
                ys.Add(next[0]);
            }
        }
        var y = stack(ys, 0);
        if (reverse) y = y.gather(0, index.expand(y.shape));
        return (y, state);
    }

    private static Tensor Clipped(Direction d, Tensor t) => d.Clip > 0 ? t.clamp(-d.Clip, d.Clip) : t;

    /// <summary>LSTM gates in ONNX's order i, o, f, c; peepholes P = (Pi, Po, Pf); input_forget=1 couples f = 1 − i.</summary>
    private static Tensor[] LstmStep(OnnxNode n, Direction d, Tensor projected, Tensor[] state)
    {
        Tensor h = state[0], c = state[1];
        var g = (projected + h.matmul(d.R.t()) + d.RBias).chunk(4, -1);
        Tensor[] p = d.Peephole is { } peep ? peep.chunk(3, 0) : Array.Empty<Tensor>();
        Tensor gi = g[0], go = g[1], gf = g[2], gc = g[3];
        if (p.Length == 3)
        {
            gi = gi + p[0] * c;
            gf = gf + p[2] * c;
        }
        var input = d.Activations[0](Clipped(d, gi));
        var forget = n.Int("input_forget", 0) != 0 ? 1 - input : d.Activations[0](Clipped(d, gf));
        var cell = forget * c + input * d.Activations[1](Clipped(d, gc));
        if (p.Length == 3) go = go + p[1] * cell;
        var output = d.Activations[0](Clipped(d, go));
        return new[] { output * d.Activations[2](cell), cell };
    }

    /// <summary>GRU gates in ONNX's order z, r, h; linear_before_reset=1 applies the reset gate after the recurrent product.</summary>
    private static Tensor[] GruStep(OnnxNode n, Direction d, Tensor projected, Tensor[] state)
    {
        var h = state[0];
        var x = projected.chunk(3, -1);
        var rw = d.R.chunk(3, 0);
        var rb = d.RBias.chunk(3, 0);
        var z = d.Activations[0](Clipped(d, x[0] + h.matmul(rw[0].t()) + rb[0]));
        var reset = d.Activations[0](Clipped(d, x[1] + h.matmul(rw[1].t()) + rb[1]));
        var candidate = n.Int("linear_before_reset", 0) != 0
            ? x[2] + reset * (h.matmul(rw[2].t()) + rb[2])
            : x[2] + (reset * h).matmul(rw[2].t()) + rb[2];
        var hh = d.Activations[1](Clipped(d, candidate));
        return new[] { (1 - z) * hh + z * h };
    }

    private static Tensor[] RnnStep(OnnxNode n, Direction d, Tensor projected, Tensor[] state) =>
        new[] { d.Activations[0](Clipped(d, projected + state[0].matmul(d.R.t()) + d.RBias)) };

    /// <summary>
    /// The activations of every direction in order: the activations attribute, else the defaults repeated per direction.
    /// activation_alpha and activation_beta are consumed in order by the activations that take them; defaults as the ONNX operators'.
    /// </summary>
    private static Func<Tensor, Tensor>[] Activations(OnnxNode n, string[] defaults, int directions)
    {
        var attribute = n.Attribute("activations");
        var names = attribute is not null && attribute.Strings.Count > 0
            ? attribute.Strings.Select(s => s.ToStringUtf8()).ToArray()
            : Enumerable.Repeat(defaults, directions).SelectMany(a => a).ToArray();
        if (names.Length != defaults.Length * directions)
            throw n.Error($"lists {names.Length} activations; it needs {defaults.Length} per direction ({defaults.Length * directions})");
        float[] alphas = n.Attribute("activation_alpha")?.Floats.ToArray() ?? Array.Empty<float>();
        float[] betas = n.Attribute("activation_beta")?.Floats.ToArray() ?? Array.Empty<float>();
        int nextAlpha = 0, nextBeta = 0;
        double Alpha(double fallback) => nextAlpha < alphas.Length ? alphas[nextAlpha++] : fallback;
        double Beta(double fallback) => nextBeta < betas.Length ? betas[nextBeta++] : fallback;
        var result = new Func<Tensor, Tensor>[names.Length];
        for (int i = 0; i < names.Length; i++)
        {
            string name = names[i];
            result[i] = name.ToLowerInvariant() switch
            {
                "sigmoid" => t => t.sigmoid(),
                "tanh" => t => t.tanh(),
                "relu" => t => nn.functional.relu(t),
                "softsign" => t => t / (t.abs() + 1),
                "softplus" => t => nn.functional.softplus(t),
                "affine" => Affine(Alpha(1), Beta(0)),
                "leakyrelu" => LeakyRelu(Alpha(0.01)),
                "thresholdedrelu" => ThresholdedRelu(Alpha(1)),
                "scaledtanh" => ScaledTanh(Alpha(1), Beta(1)),
                "hardsigmoid" => HardSigmoidOf(Alpha(0.2), Beta(0.5)),
                "elu" => EluOf(Alpha(1)),
                _ => throw n.Error($"has activation {name}, which is not an ONNX recurrent activation"),
            };
        }
        return result;
    }

    private static Func<Tensor, Tensor> Affine(double alpha, double beta) => t => alpha * t + beta;
    private static Func<Tensor, Tensor> LeakyRelu(double alpha) => t => nn.functional.leaky_relu(t, alpha);
    private static Func<Tensor, Tensor> ThresholdedRelu(double alpha) => t => t * (t > alpha).to(t.dtype);
    private static Func<Tensor, Tensor> ScaledTanh(double alpha, double beta) => t => alpha * (beta * t).tanh();
    private static Func<Tensor, Tensor> HardSigmoidOf(double alpha, double beta) => t => HardSigmoid(t, alpha, beta);
    private static Func<Tensor, Tensor> EluOf(double alpha) => t => nn.functional.elu(t, alpha);
}
