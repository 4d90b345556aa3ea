using static TorchSharp.torch;

namespace Lla.Data.Text;

/// <summary>The three parts of a token stream, cut by position.</summary>
public enum TextPart { Train, Validation, Test }

/// <summary>
/// Cuts a token stream into next-token samples. The stream of L tokens is split by position: train is
/// tokens [0, ⌊0.90 L⌋), validation [⌊0.90 L⌋, ⌊0.95 L⌋), test [⌊0.95 L⌋, L). Inside each part, window i
/// is the T + 1 tokens starting at i·T (consecutive windows share one token, so every token after the
/// part's first is predicted exactly once); windows never cross a part's border, and a part's last
/// tokens that do not fill a window are dropped. A sample's inputs are a window's first T tokens and
/// its targets the last T (int64 [N, T] each).
/// </summary>
public static class TextWindows
{
    /// <summary>The [start, end) token range of a part of a stream of <paramref name="length"/> tokens.</summary>
    public static (long Start, long End) Range(long length, TextPart part) => part switch
    {
        TextPart.Train => (0, length * 90 / 100),
        TextPart.Validation => (length * 90 / 100, length * 95 / 100),
        TextPart.Test => (length * 95 / 100, length),
    };

    public static string NameOf(TextPart part) => part switch
    {
        TextPart.Train => "train",
        TextPart.Validation => "validation",
        TextPart.Test => "test",
    };

    /// <summary>Windows of the part: (inputs, targets), int64 [N, T] each, owned by the caller.</summary>
    public static (Tensor Inputs, Tensor Targets) Cut(int[] stream, TextPart part, int context)
    {
        var (start, end) = Range(stream.Length, part);
        long count = Count(end - start, context);
        using var scope = NewDisposeScope();
        var span = tensor(stream.AsSpan((int)start, (int)(count * context + 1)).ToArray(), dtype: ScalarType.Int32).to(ScalarType.Int64);
        var windows = span.unfold(0, context + 1, context);
        var inputs = windows.narrow(1, 0, context).contiguous();
        var targets = windows.narrow(1, 1, context).contiguous();
        return (inputs.MoveToOuterDisposeScope(), targets.MoveToOuterDisposeScope());
    }

    /// <summary>How many windows of <paramref name="context"/> + 1 tokens fit in <paramref name="tokens"/> tokens.</summary>
    public static long Count(long tokens, int context) => tokens <= context ? 0 : (tokens - 1) / context;

    /// <summary>Checks that every part of a stream holds at least one window (before any work), else one line.</summary>
    public static void RequireWindows(string what, long length, int context)
    {
        foreach (var part in new[] { TextPart.Train, TextPart.Validation, TextPart.Test })
        {
            var (start, end) = Range(length, part);
            if (Count(end - start, context) < 1)
                throw new LlaException($"{what}: its {length:N0} tokens give a {NameOf(part)} part of {end - start:N0} tokens, too few for one window of {{context}} {context} + 1 tokens (the parts are 90%, 5% and 5% of the tokens): give a shorter {{context}} or more text");
        }
    }
}
