using Lla.Data;
using Lla.Data.Text;
using Lla.Models;

namespace Lla.Objectives;

/// <summary>
/// The data settings a command line gives beside the model and data: text's tokenizer and context (null: not given)
/// and how folder: images decode. <see cref="Resolve"/> gives a resolved source the settings its data reads with.
/// </summary>
public sealed record DataSettingsAsked(string? Tokenizer, int? Context, ImageDecoding Images)
{
    /// <summary>
    /// The source <paramref name="resolve"/> gives (the model, weights and data with the embedded default filled in), with
    /// <see cref="Images"/> when its data reads image folders and its text settings when it reads text: or tokens:; and the
    /// text settings to read text with. The text settings given are checked first, before anything is resolved.
    /// </summary>
    public (ModelSource Source, TextSettings Text) Resolve(Func<ModelSource> resolve)
    {
        var text = TextSettings.Parse(Tokenizer ?? "gpt2", Context ?? TextSettings.DefaultContext);
        var source = resolve();
        // The embedded text default (gpt-bytes without --data) reads its corpus as it was trained: bytes, context 64 unless given.
        if (source.Text is not null) text = EmbeddedDefault.TextFor(Tokenizer, Context);
        if (source.Data.Contains("folder:", StringComparison.Ordinal))
            source = source with { Images = Images };
        if (source.Data.Contains("text:", StringComparison.Ordinal) || source.Data.Contains("tokens:", StringComparison.Ordinal))
            source = source with { Text = text };
        return (source, text);
    }
}
