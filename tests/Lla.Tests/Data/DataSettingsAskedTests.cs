using Lla.Data;
using Lla.Data.Text;
using Lla.Models;
using Lla.Objectives;

namespace Lla.Tests.Data;

/// <summary>The data settings beside the model (<see cref="DataSettingsAsked"/>): each goes to the data that reads with it; the text settings are checked before anything is resolved.</summary>
public class DataSettingsAskedTests
{
    private static readonly ImageDecoding Images = new(64, "0.5,0.5,0.5", "0.25,0.25,0.25", true);

    private static ModelSource Source(string data, TextSettings? text = null) => new ModelSource("mlp", null, data, ScalarType.Float32, 42) { Text = text };

    [Fact]
    public void Image_folders_get_the_decoding_text_and_tokens_get_the_text_settings_and_other_data_neither()
    {
        var asked = new DataSettingsAsked("bytes", 32, Images);
        var (folder, text) = asked.Resolve(() => Source("folder:/x"));
        Assert.Equal((Images, (TextSettings?)null), (folder.Images, folder.Text));
        Assert.Equal(new TextSettings(TokenizerKind.Bytes, 32), text);
        Assert.Equal(new TextSettings(TokenizerKind.Bytes, 32), asked.Resolve(() => Source("text:/x.txt")).Source.Text);
        Assert.Equal(new TextSettings(TokenizerKind.Bytes, 32), asked.Resolve(() => Source("tokens:/x.npy")).Source.Text);
        var idx = asked.Resolve(() => Source("idx:/x")).Source;
        Assert.Equal(((ImageDecoding?)null, (TextSettings?)null), (idx.Images, idx.Text));
    }

    [Fact]
    public void Nothing_given_is_gpt2_with_the_default_context_and_the_embedded_text_default_reads_bytes_in_its_own_context()
    {
        var asked = new DataSettingsAsked(null, null, Images);
        Assert.Equal(new TextSettings(TokenizerKind.Gpt2, TextSettings.DefaultContext), asked.Resolve(() => Source("text:/x.txt")).Text);
        var embedded = asked.Resolve(() => Source(EmbeddedDefault.TextDataSpec, EmbeddedDefault.Text));
        Assert.Equal(EmbeddedDefault.Text, embedded.Text);
        Assert.Equal(EmbeddedDefault.Text, embedded.Source.Text);
        Assert.Equal(EmbeddedDefault.Text with { Context = 16 }, new DataSettingsAsked(null, 16, Images).Resolve(() => Source(EmbeddedDefault.TextDataSpec, EmbeddedDefault.Text)).Text);
    }

    [Fact]
    public void Bad_text_settings_are_refused_before_the_source_is_resolved()
    {
        bool resolved = false;
        var e = Assert.Throws<LlaException>(() => new DataSettingsAsked("gpt2", 0, Images).Resolve(() => { resolved = true; return Source("idx:/x"); }));
        Assert.StartsWith("--context must be at least 1 token", e.Render(s => "--" + s));
        Assert.False(resolved);
    }
}
