using Lla.Runs;
using static Lla.Reports.Text;

namespace Lla.Reports;

/// <summary>What report.html lays out for a run: its head and every view's sections, in page order.</summary>
public sealed record ReportPage(PageHeader Header, IReadOnlyList<PageSection> Sections)
{
    public static ReportPage Of(RunResults r, IReadOnlyList<IResultsView> views)
    {
        var (model, data) = (r.Model, r.Data);
        string subtitle = $"{model?.Name ?? "?"} ({Count(model?.Parameters ?? 0)} parameters, {model?.Dtype}) on {data?.Spec ?? "?"} — " +
                          $"{data?.Split} split, {(data is null ? "?" : Count(data.Samples))} samples, BatchNorm {r.BnMode ?? "?"}";
        var cards = new List<PageCard> { new("loss at the weights", N(r.Loss)), new("accuracy (analysed data)", Percent(r.Accuracy)) };
        if (r.Perplexity is double perplexity) cards.Insert(1, new PageCard("perplexity (exp of the loss)", N(perplexity)));
        if (r.TestAccuracy is double test && double.IsFinite(test)) cards.Add(new PageCard("accuracy (test split)", Percent(test)));
        // What loading the weights or reading the model file said (tied ONNX initializers, converted tensors).
        foreach (var note in (model?.WeightsNote is { } w ? [w] : Array.Empty<string>()).Concat(model?.FileNotes ?? []))
            cards.Add(new PageCard("model note", note));
        cards.AddRange(views.SelectMany(v => v.Cards(r)));
        return new ReportPage(new PageHeader($"Lla.NET {r.Command} report", subtitle, cards), views.SelectMany(v => v.Sections(r)).ToArray());
    }
}
