using Lla.Data;
using Lla.Data.Text;
using Lla.Tests.Support;

namespace Lla.Tests.Data.Text;

public class TextWindowsTests
{
    public TextWindowsTests() => TestTorch.Init();

    private static TextSettings Bytes(int context, string cache) => new(TokenizerKind.Bytes, context, cache);

    [Fact]
    public void Windows_and_the_split_by_position_are_exact()
    {
        string dir = TextFiles.Folder();
        string file = TextFiles.Letters(dir, "letters.txt", 200); // token i = 65 + i mod 26
        long Token(long i) => 65 + i % 26;
        // 200 tokens: train [0, 180), validation [180, 190), test [190, 200); context 4: windows of 5 at stride 4.
        foreach (var (part, start, windows) in new[] { (TextPart.Train, 0L, 44L), (TextPart.Validation, 180L, 2L), (TextPart.Test, 190L, 2L) })
        {
            using var data = TextDataset.Load(file, part, Bytes(4, dir));
            Assert.Equal(new[] { windows, 4L }, data.Inputs.shape);
            Assert.Equal(new[] { windows, 4L }, data.Labels.shape);
            Assert.Equal(TorchSharp.torch.ScalarType.Int64, data.Inputs.dtype);
            Assert.Equal(256, data.NumClasses);
            for (long w = 0; w < windows; w++)
                for (long j = 0; j < 4; j++)
                {
                    Assert.Equal(Token(start + 4 * w + j), data.Inputs[w, j].ToInt64());
                    Assert.Equal(Token(start + 4 * w + j + 1), data.Labels[w, j].ToInt64());
                }
        }
        Assert.Equal((0L, 180L), TextWindows.Range(200, TextPart.Train));
        Assert.Equal((180L, 190L), TextWindows.Range(200, TextPart.Validation));
        Assert.Equal((190L, 200L), TextWindows.Range(200, TextPart.Test));
    }

    [Fact]
    public void The_data_spec_gives_train_and_test_and_batches_count_windows()
    {
        string dir = TextFiles.Folder();
        string file = TextFiles.Letters(dir, "letters.txt", 400);
        TextDataset.Register(Bytes(8, dir));
        try
        {
            Assert.True(DataSpec.HasTestSplit("text:" + file));
            using var train = DataSpec.Load("text:" + file, Split.Train);
            using var test = DataSpec.Load("text:" + file, Split.Test);
            Assert.Equal((360 - 1) / 8, train.Count);
            Assert.Equal((20 - 1) / 8, test.Count);
            Assert.Equal(65 + 380 % 26, test.Inputs[0, 0].ToInt64());
            Assert.Contains("train part, tokens 0 to 360", train.Description);
            var batches = train.Batches(16, null, shuffle: true, seed: 1);
            Assert.Equal(new[] { 16L, 8L }, batches[0].Inputs.shape);
            Assert.Equal(new[] { 16L, 8L }, batches[0].Targets.shape);
            Assert.Equal(train.Count, batches.Sum(b => b.Count));
            foreach (var b in batches) b.Dispose();
        }
        finally { TextDataset.Register(TextSettings.Default); }
    }

    [Fact]
    public void The_validation_split_is_the_validation_part_and_only_text_data_has_one()
    {
        string dir = TextFiles.Folder();
        string file = TextFiles.Letters(dir, "letters.txt", 400);
        TextDataset.Register(Bytes(8, dir));
        try
        {
            Assert.True(DataSpec.HasValidationSplit("text:" + file));
            Assert.True(DataSpec.HasValidationSplit(TokenNoise.Format(0.1, "text:" + file)));
            using var validation = DataSpec.Load("text:" + file, Split.Validation);
            // Validation is tokens [360, 380): (20 − 1) / 8 = 2 windows, starting with byte 360 ('A' + 360 mod 26).
            Assert.Equal((20 - 1) / 8, validation.Count);
            Assert.Equal(65 + 360 % 26, validation.Inputs[0, 0].ToInt64());
            Assert.Contains("validation part", validation.Description);

            string tokens = TextFiles.Npy(Path.Combine(dir, "stream.npy"), new long[] { 40 }, Enumerable.Range(0, 40).Select(i => (long)(i % 7)).ToArray());
            foreach (var spec in new[] { "tokens:" + tokens, "idx:" + dir, "cifar10:" + dir, "npy:a.npy,b.npy", DataSpec.Holdout(0.1, "text:" + file), "shift:noise:2:idx:" + dir })
            {
                Assert.False(DataSpec.HasValidationSplit(spec), spec);
                var e = Assert.Throws<LlaException>(() => DataSpec.Load(spec, Split.Validation));
                Assert.Equal($"--data {spec} has no validation split (text: data has one): analyse --split train or --split test", e.Render(s => "--" + s));
                // The jobs check it with their options, before anything is read.
                Assert.Throws<LlaException>(() => DataSpec.RequireSplit(spec, Split.Validation));
                DataSpec.RequireSplit(spec, Split.Train);
            }
            // A loader called directly refuses it too rather than read the test part.
            Assert.Contains("has no validation split", Assert.Throws<LlaException>(() => IdxDataset.Load(dir, Split.Validation)).Message);
            Assert.Contains("has no validation split", Assert.Throws<LlaException>(() => TokensDataset.Load(tokens, Split.Validation, 8)).Message);
        }
        finally { TextDataset.Register(TextSettings.Default); }
    }

    [Fact]
    public void A_folder_is_read_recursively_with_gzip_and_links_and_binary_files_are_skipped_and_counted()
    {
        string root = TextFiles.Folder();
        string dir = Directory.CreateDirectory(Path.Combine(root, "corpus")).FullName;
        string outside = Directory.CreateDirectory(Path.Combine(root, "outside")).FullName;
        File.WriteAllText(Path.Combine(dir, "a.txt"), new string('a', 30));
        File.WriteAllText(Path.Combine(outside, "c.txt"), new string('c', 30));
        File.WriteAllText(Path.Combine(outside, "e.txt"), new string('e', 30));
        File.CreateSymbolicLink(Path.Combine(dir, "b-link.txt"), Path.Combine(outside, "c.txt"));
        File.WriteAllBytes(Path.Combine(dir, "c.dat"), new byte[] { 0, 0, 0, 2, 0, 0, 1, 0, 0x25, 0x0a });
        Directory.CreateSymbolicLink(Path.Combine(dir, "d-linked"), outside); // holds c.txt again (read once) and e.txt
        Directory.CreateDirectory(Path.Combine(dir, "sub"));
        TextFiles.Gzip(Path.Combine(dir, "sub", "f.txt.gz"), new string('f', 30));
        File.CreateSymbolicLink(Path.Combine(dir, "z-again.txt"), Path.Combine(dir, "a.txt"));

        var corpus = TextCorpus.Read(dir);
        Assert.Equal(new[] { "aaa", "ccc", "eee", "fff" }.Select(t => string.Concat(Enumerable.Repeat(t[0], 30))), corpus.Documents.Select(d => System.Text.Encoding.UTF8.GetString(d.Utf8)));
        Assert.Equal(1, corpus.SkippedBinary);
        Assert.Equal("4 files, 120 bytes; skipped 1 binary file", corpus.Summary);
        // Bytes join documents as they are; GPT-2 puts <|endoftext|> between them.
        Assert.Equal(120, TokenStream.Tokenize(corpus, TextTokenizer.Create(TokenizerKind.Bytes)).Length);
        var gpt2 = TokenStream.Tokenize(corpus, TextTokenizer.Create(TokenizerKind.Gpt2));
        Assert.Equal(3, gpt2.Count(t => t == 50256));
        using var data = TextDataset.Load(dir, TextPart.Train, new TextSettings(TokenizerKind.Bytes, 2, root));
        Assert.Contains("skipped 1 binary file", data.Description);
    }

    [Fact]
    public void The_second_load_reads_the_cache_and_a_changed_text_is_tokenized_again()
    {
        string dir = TextFiles.Folder();
        string file = Path.Combine(dir, "story.txt");
        File.WriteAllText(file, string.Concat(Enumerable.Repeat("Once upon a time there was a tokenizer. ", 20)));
        string cacheFolder = Path.Combine(dir, "cache");
        var tokenizer = TextTokenizer.Create(TokenizerKind.Gpt2);

        var first = TokenStream.Of(TextCorpus.Read(file), tokenizer, cacheFolder);
        Assert.False(first.FromCache);
        Assert.Equal(file + ".lla-tokens.gpt2", first.CacheFile);
        var second = TokenStream.Of(TextCorpus.Read(file), tokenizer, cacheFolder);
        Assert.True(second.FromCache);
        Assert.Equal(first.Tokens, second.Tokens);
        using (var data = TextDataset.Load(file, TextPart.Train, new TextSettings(TokenizerKind.Gpt2, 8, cacheFolder)))
            Assert.Contains("from the token cache", data.Description);
        // Another tokenizer has its own cache.
        Assert.False(TokenStream.Of(TextCorpus.Read(file), TextTokenizer.Create(TokenizerKind.Bytes), cacheFolder).FromCache);

        File.AppendAllText(file, "The end.");
        var changed = TokenStream.Of(TextCorpus.Read(file), tokenizer, cacheFolder);
        Assert.False(changed.FromCache);
        Assert.Equal(TokenStream.Tokenize(TextCorpus.Read(file), tokenizer), changed.Tokens);
        Assert.NotEqual(first.Tokens, changed.Tokens);
        Assert.True(TokenStream.Of(TextCorpus.Read(file), tokenizer, cacheFolder).FromCache);
    }

    [Fact]
    public void Where_the_text_folder_cannot_take_the_cache_it_goes_to_the_cache_folder()
    {
        string dir = TextFiles.Folder();
        string file = TextFiles.Letters(dir, "letters.txt", 100);
        Directory.CreateDirectory(file + ".lla-tokens.bytes"); // the place beside the text is taken
        string cacheFolder = Path.Combine(dir, "cache");
        var tokenizer = TextTokenizer.Create(TokenizerKind.Bytes);
        var first = TokenStream.Of(TextCorpus.Read(file), tokenizer, cacheFolder);
        Assert.StartsWith(cacheFolder, first.CacheFile);
        Assert.True(TokenStream.Of(TextCorpus.Read(file), tokenizer, cacheFolder).FromCache);
    }
}
