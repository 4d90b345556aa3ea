namespace Lla.Data.Text;

/// <summary>
/// A corpus as one stream of token ids: its documents in order, each encoded alone, joined by the
/// tokenizer's end-of-text token (GPT-2) or directly (bytes); read from the token cache when it holds
/// this corpus, else tokenized and cached.
/// </summary>
public sealed record TokenStream(int[] Tokens, TextTokenizer Tokenizer, bool FromCache, string? CacheFile)
{
    public static TokenStream Of(TextCorpus corpus, TextTokenizer tokenizer, string? cacheFolder)
    {
        if (TokenCache.TryRead(corpus, tokenizer, cacheFolder) is { } cached)
            return new TokenStream(cached, tokenizer, true, null);
        var tokens = Tokenize(corpus, tokenizer);
        return new TokenStream(tokens, tokenizer, false, TokenCache.Write(corpus, tokenizer, cacheFolder, tokens));
    }

    /// <summary>The corpus's tokens without any cache.</summary>
    public static int[] Tokenize(TextCorpus corpus, TextTokenizer tokenizer)
    {
        var all = new List<int>();
        foreach (var (_, utf8) in corpus.Documents)
        {
            if (utf8.Length == 0) continue;
            if (all.Count > 0 && tokenizer.EndOfText is int separator) all.Add(separator);
            all.AddRange(tokenizer.Encode(utf8));
        }
        return all.ToArray();
    }
}
