using System.Text;
using Lla.Data.Text;

namespace Lla.Tests.Data.Text;

public class TokenizerTests
{
    // GPT-2's published ids (its encoder.json / tiktoken's gpt2 file), written here by hand.
    [Theory]
    [InlineData("Hello world", new[] { 15496, 995 })]
    [InlineData(" the", new[] { 262 })]
    [InlineData("Hello, world!", new[] { 15496, 11, 995, 0 })]
    [InlineData("The", new[] { 464 })]
    [InlineData("\n", new[] { 198 })]
    public void Gpt2_matches_the_published_ids(string text, int[] ids)
    {
        var gpt2 = TextTokenizer.Create(TokenizerKind.Gpt2);
        Assert.Equal(ids, gpt2.Encode(Encoding.UTF8.GetBytes(text)));
        Assert.Equal(50257, gpt2.VocabularySize);
        Assert.Equal(50256, gpt2.EndOfText);
    }

    [Fact]
    public void Bytes_are_the_utf8_bytes()
    {
        var bytes = TextTokenizer.Create(TokenizerKind.Bytes);
        Assert.Equal(new[] { 104, 195, 169, 10 }, bytes.Encode(Encoding.UTF8.GetBytes("hé\n")));
        Assert.Equal(256, bytes.VocabularySize);
        Assert.Null(bytes.EndOfText);
    }

    [Fact]
    public void Names_parse_and_an_unknown_one_is_one_line()
    {
        Assert.Equal(TokenizerKind.Gpt2, TextTokenizer.Parse("gpt2"));
        Assert.Equal(TokenizerKind.Bytes, TextTokenizer.Parse("bytes"));
        var e = Assert.Throws<LlaException>(() => TextSettings.Parse("bpe", 128));
        Assert.Equal("unknown tokenizer 'bpe': --tokenizer must be gpt2 or bytes", e.Render(s => "--" + s));
        Assert.Contains("{context} must be at least 1", Assert.Throws<LlaException>(() => TextSettings.Parse("gpt2", 0)).Template);
    }
}
