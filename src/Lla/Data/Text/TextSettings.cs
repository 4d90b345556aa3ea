namespace Lla.Data.Text;

/// <summary>
/// How text data is tokenized and cut: the tokenizer (<c>--tokenizer</c>) and the window length
/// (<c>--context</c>, tokens per sample); <paramref name="CacheFolder"/> is where token caches go when
/// the text's own folder is not writable (null: the user's cache folder).
/// </summary>
public sealed record TextSettings(TokenizerKind Tokenizer, int Context, string? CacheFolder = null)
{
    public const int DefaultContext = 128;

    public static TextSettings Default => new(TokenizerKind.Gpt2, DefaultContext);

    /// <summary>The settings from their command-line values, each checked.</summary>
    public static TextSettings Parse(string tokenizer, int context)
    {
        var kind = TextTokenizer.Parse(tokenizer);
        return new TextSettings(kind, CheckContext(context));
    }

    public static int CheckContext(int context) => context >= 1 ? context
        : throw new LlaException($"{{context}} must be at least 1 token (got {context})");
}
