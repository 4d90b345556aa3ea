using static TorchSharp.torch;

namespace Lla.Data.Text;

/// <summary>
/// <c>tokens:FILE.npy</c>: pre-tokenized data, an integer array of windows [N, T + 1] (inputs the first T
/// tokens, targets the last T) or a 1-D token stream cut into windows of --context tokens as
/// <see cref="TextWindows"/> cuts a part. Used whole as the training split (like npy:); the class count
/// is the largest id + 1.
/// </summary>
public static class TokensDataset
{
    public const string Kind = "tokens";

    public static Dataset Load(string path, Split split, int context) => split switch
    {
        Split.Train => Load(path, context),
        Split.Test => throw new LlaException("{data} tokens:… has no test split: analyse {split} train"),
        Split.Validation => throw new LlaException("{data} tokens:… has no validation split: analyse {split} train"),
    };

    public static Dataset Load(string path, int context)
    {
        TextSettings.CheckContext(context);
        using var scope = NewDisposeScope();
        var array = NpyReader.Read(path);
        if (array.dtype is ScalarType.Float16 or ScalarType.Float32 or ScalarType.Float64 or ScalarType.Bool)
            throw new LlaException($"{{data}} tokens:{path} holds {array.dtype.ToString().ToLowerInvariant()} values: token ids are integers");
        var ids = array.to(ScalarType.Int64);
        if (ids.numel() > 0 && ids.min().ToInt64() < 0)
            throw new LlaException($"{{data}} tokens:{path} holds a negative token id ({ids.min().ToInt64()})");
        Tensor windows;
        string form;
        switch (ids.dim())
        {
            case 2:
                if (ids.shape[1] < 2) throw new LlaException($"{{data}} tokens:{path}: windows of {ids.shape[1]} token{(ids.shape[1] == 1 ? "" : "s")} predict nothing (each needs T + 1 tokens, T at least 1)");
                if (ids.shape[0] < 1) throw new LlaException($"{{data}} tokens:{path} holds no windows");
                windows = ids;
                form = $"{ids.shape[0]:N0} windows of {ids.shape[1] - 1} + 1 tokens";
                break;
            case 1:
                long n = TextWindows.Count(ids.shape[0], context);
                if (n < 1) throw new LlaException($"{{data}} tokens:{path}: its {ids.shape[0]:N0} tokens are too few for one window of {{context}} {context} + 1 tokens");
                windows = ids.narrow(0, 0, n * context + 1).unfold(0, context + 1, context);
                form = $"a stream of {ids.shape[0]:N0} tokens cut into {n:N0} windows of {context} + 1";
                break;
            default:
                throw new LlaException($"{{data}} tokens:{path} is a {ids.dim()}-D array: give windows [N, T + 1] or a 1-D token stream");
        }
        long t = windows.shape[1] - 1;
        var inputs = windows.narrow(1, 0, t).contiguous().MoveToOuterDisposeScope();
        var targets = windows.narrow(1, 1, t).contiguous().MoveToOuterDisposeScope();
        // The vocabulary the ids need: inputs count too (a window's first id is never a target), so an id beyond a model's
        // vocabulary is refused in one line before any work, not by an index error inside the embedding.
        long largest = windows.max().ToInt64();
        if (largest >= int.MaxValue) throw new LlaException($"{{data}} tokens:{path}: token id {largest} is beyond any vocabulary");
        return new Dataset(inputs, targets, $"tokens:{path} ({form})", (int)Math.Max(largest + 1, 2));
    }
}
