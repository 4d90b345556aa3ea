using System.Diagnostics;
using Lla.Data.Text;
using Xunit.Abstractions;

namespace Lla.Tests.Data.Text;

/// <summary>A test that needs a text corpus from a Debian package; skipped, with the reason shown, where it is not installed.</summary>
public sealed class RequiresDebianTextFactAttribute : FactAttribute
{
    public RequiresDebianTextFactAttribute(string path, string package)
    {
        if (!Directory.Exists(path) && !File.Exists(path)) Skip = $"{path} is not installed (apt-get install {package})";
    }
}

/// <summary>Real corpora: Debian's fortunes (BSD licence), fortunes-de (GPL-2+) and jargon-text (public domain).</summary>
public class DebianCorpusTests(ITestOutputHelper output)
{
    public const string Fortunes = "/usr/share/games/fortunes";
    public const string Jargon = "/usr/share/doc/jargon-text/jargon.txt.gz";

    [RequiresDebianTextFact(Fortunes, "fortunes")]
    public void Fortunes_folder_reads_its_text_skips_the_dat_indexes_and_tokenizes()
    {
        var corpus = TextCorpus.Read(Fortunes);
        int indexes = Directory.GetFiles(Fortunes, "*.dat", SearchOption.AllDirectories).Length;
        Assert.True(corpus.SkippedBinary >= indexes && indexes > 0, $"{corpus.SkippedBinary} skipped, {indexes} .dat files");
        Assert.DoesNotContain(corpus.Documents, d => d.File.EndsWith(".dat", StringComparison.Ordinal));
        // fortune's NAME.u8 links to NAME: each text is read once.
        Assert.DoesNotContain(corpus.Documents, d => d.File.EndsWith(".u8", StringComparison.Ordinal));
        long bytes = corpus.Documents.Sum(d => (long)d.Utf8.Length);

        var clock = Stopwatch.StartNew();
        var tokens = TokenStream.Tokenize(corpus, TextTokenizer.Create(TokenizerKind.Gpt2));
        double seconds = clock.Elapsed.TotalSeconds;
        Assert.All(tokens, t => Assert.InRange(t, 0, 50256));
        Assert.InRange(tokens.Length, bytes / 8, bytes);
        output.WriteLine($"{Fortunes}: {corpus.Summary}; {tokens.Length:N0} GPT-2 tokens in {seconds:F2} s ({tokens.Length / seconds:N0} tokens/s, {bytes / seconds / 1e6:F1} MB/s)");
    }

    [RequiresDebianTextFact(Jargon, "jargon-text")]
    public void The_gzipped_jargon_file_is_text()
    {
        var corpus = TextCorpus.Read(Jargon);
        Assert.Single(corpus.Documents);
        Assert.StartsWith("The Jargon File", System.Text.Encoding.UTF8.GetString(corpus.Documents[0].Utf8).TrimStart(), StringComparison.Ordinal);
    }
}
