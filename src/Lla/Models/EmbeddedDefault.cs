using Lla.Data.Text;

namespace Lla.Models;

/// <summary>
/// The data and models shipped with the tool (see data/README.md for the commands that made them):
/// a 10,000/2,000-image subset of Fashion-MNIST and a LeNet trained on it by <c>lla train</c> (the default of
/// every command), and, for <c>--model gpt-bytes</c> without <c>--data</c>, the "computers" fortunes of Debian's
/// fortune-mod (BSD licence) and a byte-level GPT trained on them, read with the bytes tokenizer and a context of 64.
/// </summary>
public static class EmbeddedDefault
{
    public const string Model = "lenet";
    public static string Folder => Path.Combine(AppContext.BaseDirectory, "defaults");
    public static string DataSpec => "idx:" + Path.Combine(Folder, "fashion-mnist-subset");
    public static string Weights => Path.Combine(Folder, "lenet-fashion-mnist-subset.bin");

    /// <summary>The embedded text default's model: <c>gpt-bytes</c> (<see cref="Gpt.GptConfig.Bytes"/>).</summary>
    public const string TextModel = "gpt-bytes";
    public const string TextCorpusFile = "fortunes-computers.txt.gz";
    public const string TextWeightsFile = "gpt-bytes-fortunes.bin";
    public static string TextDataSpec => "text:" + Path.Combine(Folder, TextCorpusFile);
    public static string TextWeights => Path.Combine(Folder, TextWeightsFile);

    /// <summary>How the shipped corpus is read for the shipped GPT: bytes, windows of the preset's context (64).</summary>
    public static TextSettings Text => new(TokenizerKind.Bytes, Gpt.GptConfig.Bytes.Context);

    /// <summary>
    /// The text settings of the embedded text default given what the user asked (null: not given): the bytes tokenizer
    /// (the weights were trained on bytes; another tokenizer is one line) and the preset's context unless a context is given.
    /// </summary>
    public static TextSettings TextFor(string? tokenizer, int? context)
    {
        if (tokenizer is not null && TextTokenizer.Parse(tokenizer) != TokenizerKind.Bytes)
            throw new LlaException($"{{tokenizer}} {tokenizer} does not fit the embedded {TextModel} default, which was trained on bytes: leave out {{tokenizer}} (or give bytes), or give your own {{data}} and {{weights}}");
        return Text with { Context = context is int c ? TextSettings.CheckContext(c) : Text.Context };
    }
}
