using Lla.Tests.Support;

namespace Lla.Tests.Cli;

/// <summary>Bad text data on the command line: one line, exit 2, before any work.</summary>
[Collection("console")]
public class TextDataCaseTests
{
    [Fact]
    public void An_unknown_tokenizer_a_bad_context_and_a_binary_text_are_one_line()
    {
        string dir = Paths.NewTempFolder();
        string text = Path.Combine(dir, "story.txt");
        File.WriteAllText(text, string.Concat(Enumerable.Repeat("a story of many words. ", 50)));
        string binary = Path.Combine(dir, "art.dat");
        File.WriteAllBytes(binary, new byte[] { 0, 0, 0, 2, 0, 0, 1, 0 });
        Refusal.AssertOneLine(InProcessLla.Run(dir, "hessian", "--model", "mlp", "--weights", "none", "--data", "text:" + text, "--tokenizer", "bpe"), "unknown tokenizer 'bpe': --tokenizer must be gpt2 or bytes");
        Refusal.AssertOneLine(InProcessLla.Run(dir, "hessian", "--model", "mlp", "--weights", "none", "--data", "text:" + text, "--context", "0"), "--context must be at least 1");
        Refusal.AssertOneLine(InProcessLla.Run(dir, "hessian", "--model", "mlp", "--weights", "none", "--data", "text:" + binary), $"--data text:{binary} is a binary file, not UTF-8 text");
        Refusal.AssertOneLine(InProcessLla.Run(dir, "hessian", "--model", "mlp", "--weights", "none", "--data", "text:" + text, "--context", "100000"), "too few for one window of --context 100000 + 1 tokens");
        Assert.Empty(Directory.GetDirectories(dir));
    }
}
