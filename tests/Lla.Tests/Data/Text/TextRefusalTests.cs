using Lla.Data;
using Lla.Data.Text;
using Lla.Tests.Support;

namespace Lla.Tests.Data.Text;

/// <summary>Bad text and token input: one line each, before any tokenization or work.</summary>
public class TextRefusalTests
{
    public TextRefusalTests() => TestTorch.Init();

    private static string Refused(Action load)
    {
        var e = Assert.Throws<LlaException>(load);
        Assert.DoesNotContain('\n', e.Message);
        return e.Render(setting => "--" + setting); // as the command line shows it
    }

    private static TextSettings Bytes(int context, string cache) => new(TokenizerKind.Bytes, context, cache);

    [Fact]
    public void A_binary_file_given_as_text()
    {
        string dir = TextFiles.Folder();
        string file = Path.Combine(dir, "cookie.dat");
        File.WriteAllBytes(file, new byte[] { 0, 0, 0, 2, 0, 0, 1, 0 });
        Assert.Equal($"--data text:{file} is a binary file, not UTF-8 text", Refused(() => TextDataset.Load(file, TextPart.Train, Bytes(4, dir))));
        string latin1 = Path.Combine(dir, "latin1.txt");
        File.WriteAllBytes(latin1, new byte[] { (byte)'c', 0xE9, (byte)'!' });
        Assert.Contains("is a binary file, not UTF-8 text", Refused(() => TextDataset.Load(latin1, TextPart.Train, Bytes(4, dir))));
    }

    [Fact]
    public void An_empty_corpus()
    {
        string dir = TextFiles.Folder();
        string empty = Path.Combine(dir, "empty.txt");
        File.WriteAllText(empty, "");
        Assert.Equal($"--data text:{empty} is empty: no text to tokenize", Refused(() => TextDataset.Load(empty, TextPart.Train, Bytes(4, dir))));
        string folder = Directory.CreateDirectory(Path.Combine(dir, "only-indexes")).FullName;
        File.WriteAllBytes(Path.Combine(folder, "art.dat"), new byte[] { 0, 1, 2 });
        Assert.Equal($"--data text:{folder} holds no text files (1 binary and 0 other files skipped)", Refused(() => TextDataset.Load(folder, TextPart.Train, Bytes(4, dir))));
        string none = Path.Combine(dir, "missing");
        Assert.Contains("not found", Refused(() => TextDataset.Load(none, TextPart.Train, Bytes(4, dir))));
    }

    [Fact]
    public void A_context_longer_than_the_corpus()
    {
        string dir = TextFiles.Folder();
        string file = TextFiles.Letters(dir, "short.txt", 100);
        // 100 tokens: the validation and test parts hold 5 each; a context of 8 needs 9.
        Assert.Equal($"--data text:{file}: its 100 tokens give a validation part of 5 tokens, too few for one window of --context 8 + 1 tokens (the parts are 90%, 5% and 5% of the tokens): give a shorter --context or more text",
            Refused(() => TextDataset.Load(file, TextPart.Train, Bytes(8, dir))));
        Assert.Contains("too few for one window of --context 500 + 1", Refused(() => TextDataset.Load(file, TextPart.Test, Bytes(500, dir))));
    }

    [Fact]
    public void Token_files_of_floats_or_of_the_wrong_rank()
    {
        string dir = TextFiles.Folder();
        string floats = TextFiles.Npy(Path.Combine(dir, "floats.npy"), new long[] { 2, 3 }, new long[] { 1, 2, 3, 4, 5, 6 }, "<f4");
        Assert.Equal($"--data tokens:{floats} holds float32 values: token ids are integers", Refused(() => DataSpec.Load("tokens:" + floats, Split.Train)));
        string cube = TextFiles.Npy(Path.Combine(dir, "cube.npy"), new long[] { 2, 2, 2 }, new long[] { 1, 2, 3, 4, 5, 6, 7, 8 });
        Assert.Equal($"--data tokens:{cube} is a 3-D array: give windows [N, T + 1] or a 1-D token stream", Refused(() => DataSpec.Load("tokens:" + cube, Split.Train)));
        string shortStream = TextFiles.Npy(Path.Combine(dir, "short.npy"), new long[] { 5 }, new long[] { 1, 2, 3, 4, 5 });
        // Through the loader with the default context: DataSpec's tokens: registration is process-wide, and tests running
        // beside this one register other contexts for their own runs.
        Assert.Contains("too few for one window of --context 128 + 1 tokens", Refused(() => TokensDataset.Load(shortStream, Split.Train, TextSettings.DefaultContext)));
        Assert.Contains("has no test split", Refused(() => DataSpec.Load("tokens:" + shortStream, Split.Test)));
    }

    [Fact]
    public void An_input_id_beyond_the_vocabulary_and_a_non_gpt_model_on_token_data()
    {
        string dir = TextFiles.Folder();
        // Id 99 only ever appears as a window's first token, an input, never a target.
        string windows = TextFiles.Npy(Path.Combine(dir, "windows.npy"), new long[] { 2, 5 }, new long[] { 99, 1, 2, 3, 4, 0, 1, 2, 3, 4 });
        using (var data = TokensDataset.Load(windows, Split.Train, TextSettings.DefaultContext)) Assert.Equal(100, data.NumClasses);
        var source = Lla.Objectives.ModelSource.Resolve("gpt:layers=1,heads=1,width=4,context=4,vocab=10", "none", "tokens:" + windows, "float32", 0, "next-token");
        using (var data = TokensDataset.Load(windows, Split.Train, TextSettings.DefaultContext))
            Assert.Equal("the data holds token ids up to 99, beyond gpt:layers=1,heads=1,width=4,context=4,vocab=10's vocabulary of 10", Refused(() => source.Build(data)));
        var mlp = Lla.Objectives.ModelSource.Resolve("mlp", "none", "tokens:" + windows, "float32", 0, "next-token");
        using (var data = TokensDataset.Load(windows, Split.Train, TextSettings.DefaultContext))
            Assert.StartsWith("--model mlp reads images or feature vectors, and tokens:", Refused(() => mlp.Build(data)));
    }

    [Fact]
    public void Token_noise_with_a_bad_fraction_or_on_images()
    {
        Assert.Contains("fraction must be above 0 and at most 1", Refused(() => DataSpec.Load("shift:token-noise:1.5:text:x.txt", Split.Train)));
        Assert.Contains("must look like shift:token-noise:FRACTION:DATA", Refused(() => DataSpec.Load("shift:token-noise:lots:text:x.txt", Split.Train)));
        Assert.Contains("token-noise shifts token data", Refused(() => DataSpec.Load("shift:token-noise:0.1:idx:" + Paths.EmbeddedData, Split.Test)));
    }
}
