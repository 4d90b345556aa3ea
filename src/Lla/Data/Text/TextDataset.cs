namespace Lla.Data.Text;

/// <summary>
/// <c>text:PATH</c>: a UTF-8 file or a folder of text (<see cref="TextCorpus"/>), tokenized
/// (<see cref="TextTokenizer"/>, cached by <see cref="TokenCache"/>) and cut into next-token windows
/// split by position (<see cref="TextWindows"/>). The data's training split is the train part, its test
/// split the test part, its validation split (--split validation) the validation part.
/// The dataset's class count is the tokenizer's vocabulary.
/// </summary>
public static class TextDataset
{
    public const string Kind = "text";

    /// <summary>Makes <c>text:</c> data use <paramref name="settings"/> (the command line's --tokenizer and --context).</summary>
    public static void Register(TextSettings settings)
    {
        DataSpec.Register(Kind, (path, split) => Load(path, Part(split), settings), hasTestSplit: _ => true, hasValidationSplit: _ => true);
        DataSpec.Register(TokensDataset.Kind, (path, split) => TokensDataset.Load(path, split, settings.Context), hasTestSplit: _ => false);
    }

    public static TextPart Part(Split split) => split switch
    {
        Split.Train => TextPart.Train,
        Split.Test => TextPart.Test,
        Split.Validation => TextPart.Validation,
    };

    public static Dataset Load(string path, TextPart part, TextSettings settings)
    {
        TextSettings.CheckContext(settings.Context);
        var corpus = TextCorpus.Read(path);
        var tokenizer = TextTokenizer.Create(settings.Tokenizer);
        var stream = TokenStream.Of(corpus, tokenizer, settings.CacheFolder);
        TextWindows.RequireWindows($"{{data}} text:{path}", stream.Tokens.Length, settings.Context);
        var (start, end) = TextWindows.Range(stream.Tokens.Length, part);
        var (inputs, targets) = TextWindows.Cut(stream.Tokens, part, settings.Context);
        string description = $"text:{path} ({corpus.Summary}; {stream.Tokens.Length:N0} {tokenizer.Name} tokens{(stream.FromCache ? " from the token cache" : "")}; "
            + $"{TextWindows.NameOf(part)} part, tokens {start:N0} to {end:N0}, {inputs.shape[0]:N0} windows of {settings.Context} + 1)";
        return new Dataset(inputs, targets, description, tokenizer.VocabularySize);
    }
}
