using static TorchSharp.torch;

namespace Lla.Models.Gpt;

/// <summary>
/// Turns the entries of a nanoGPT or Hugging Face GPT-2 weights file into this GPT's names and layout,
/// in place, before they are matched by name (<see cref="WeightsLoader"/>):
/// <list type="bullet">
/// <item>names without the <c>transformer.</c> prefix (GPT-2 files on the Hub: <c>h.0.attn.c_attn.weight</c>, <c>wte.weight</c>) get it;</item>
/// <item>the causal-mask buffers <c>attn.bias</c> and <c>attn.masked_bias</c> are dropped;</item>
/// <item>the tied head <c>lm_head.weight</c> is dropped when it equals the token embedding (an error when it differs), and is the embedding when the file has no other;</item>
/// <item>GPT-2's Conv1D layout ([in, out]) is transposed to Linear's ([out, in]) for c_attn, c_proj and c_fc. The layout is
/// decided once per file from c_attn's shape ([W, 3W] Conv1D, [3W, W] Linear), not per tensor: attn.c_proj is square.</item>
/// </list>
/// Entries of other names (e.g. "optimizer.") are left as they are.
/// </summary>
public static class GptCheckpoint
{
    private const string Prefix = "transformer.";
    private const string Head = "lm_head.weight";
    private const string Embedding = Prefix + "wte.weight";
    private static readonly string[] OwnRoots = { "wte.", "wpe.", "h.", "ln_f." };
    private static readonly string[] Conv1DLayers = { ".attn.c_attn.weight", ".attn.c_proj.weight", ".mlp.c_fc.weight", ".mlp.c_proj.weight" };

    public static void Adapt(Dictionary<string, Tensor> entries, string path)
    {
        foreach (var name in entries.Keys.ToList())
        {
            if (name.EndsWith(".attn.bias", StringComparison.Ordinal) || name.EndsWith(".attn.masked_bias", StringComparison.Ordinal))
            {
                entries.Remove(name, out var mask);
                mask!.Dispose();
            }
            else if (OwnRoots.Any(r => name.StartsWith(r, StringComparison.Ordinal)))
            {
                if (entries.ContainsKey(Prefix + name)) throw new LlaException($"{path} holds both {name} and {Prefix + name}");
                entries.Remove(name, out var t);
                entries[Prefix + name] = t!;
            }
        }
        TieHead(entries, path);
        if (Conv1DLayout(entries, path))
        {
            foreach (var name in entries.Keys.Where(n => n.StartsWith(Prefix + "h.", StringComparison.Ordinal) && Conv1DLayers.Any(l => n.EndsWith(l, StringComparison.Ordinal))).ToList())
            {
                var stored = entries[name];
                if (stored.dim() != 2) throw new LlaException($"{path}: {name} has {stored.dim()} dimensions, a GPT's weight matrix has 2");
                entries[name] = stored.t().contiguous();
                stored.Dispose();
            }
        }
    }

    /// <summary>lm_head.weight is the token embedding: dropped when both are there (they must be equal), renamed when it is the only one.</summary>
    private static void TieHead(Dictionary<string, Tensor> entries, string path)
    {
        if (!entries.Remove(Head, out var head)) return;
        using (head)
        {
            if (!entries.TryGetValue(Embedding, out var embedding))
            {
                entries[Embedding] = head.clone();
                return;
            }
            bool equal = head.shape.SequenceEqual(embedding.shape) && head.dtype == embedding.dtype;
            if (equal)
            {
                using var _ = no_grad();
                using var scope = NewDisposeScope();
                equal = head.eq(embedding).all().item<bool>();
            }
            if (!equal)
                throw new LlaException($"{path}: {Head} differs from {Embedding}; a GPT here ties its head to the token embedding, so the file must hold the same tensor under both names (or only one)");
        }
    }

    /// <summary>True for GPT-2's Conv1D layout, false for Linear's, from the first block's c_attn weight.</summary>
    private static bool Conv1DLayout(Dictionary<string, Tensor> entries, string path)
    {
        var attention = entries.Where(e => e.Key.StartsWith(Prefix + "h.", StringComparison.Ordinal) && e.Key.EndsWith(".attn.c_attn.weight", StringComparison.Ordinal))
            .OrderBy(e => e.Key, StringComparer.Ordinal).Select(e => e.Value).FirstOrDefault();
        if (attention is null) return false; // nothing to transpose; the name check reports what is missing
        if (attention.dim() == 2 && attention.shape[1] == 3 * attention.shape[0]) return true;
        if (attention.dim() == 2 && attention.shape[0] == 3 * attention.shape[1]) return false;
        throw new LlaException($"{path}: attn.c_attn.weight has shape [{string.Join(",", attention.shape)}], neither Linear's [3·width, width] nor GPT-2's Conv1D [width, 3·width]");
    }
}
