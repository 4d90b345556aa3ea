using System.Globalization;
using Lla.Data;
using Lla.Data.Text;

namespace Lla.Studies;

/// <summary>
/// A shifted test set of a study, named as its config lists it: an image shift of the test split (<c>KIND:SEVERITY</c>,
/// as <c>shift:KIND:SEVERITY:DATA</c>), token noise on a text test split (<c>token-noise:FRACTION</c>, as
/// <c>shift:token-noise:FRACTION:DATA</c>), or another corpus (<c>text:PATH</c>: its test part, tokenized and cut as
/// the study's own text). Every one is deterministic: the image shifts and token noise take seeds fixed by kind and severity.
/// </summary>
public sealed record StudyShift(string Kind, int Severity)
{
    /// <summary>token-noise: the share of tokens replaced, in (0, 1].</summary>
    public double Fraction { get; init; }
    /// <summary>Another corpus: its data spec, text:PATH.</summary>
    public string? Corpus { get; init; }

    public static StudyShift TokenNoiseOf(double fraction) => new(TokenNoise.Kind, 0) { Fraction = fraction };
    public static StudyShift CorpusOf(string spec) => new(TextDataset.Kind, 0) { Corpus = spec };

    public string Name => Corpus ?? (Kind == TokenNoise.Kind ? $"{Kind}:{Fraction.ToString("R", CultureInfo.InvariantCulture)}" : $"{Kind}:{Severity}");

    /// <summary>It shifts text (token noise, another corpus), not images.</summary>
    public bool OfText => Kind is TokenNoise.Kind or TextDataset.Kind;

    /// <summary>The shifted test set: a new dataset the caller owns.</summary>
    public Dataset Apply(Dataset test) =>
        Corpus is not null ? DataSpec.Load(Corpus, Split.Test)
        : Kind == TokenNoise.Kind ? TokenNoise.Apply(test, Fraction)
        : Shifts.Apply(test, Kind, Severity);

    /// <summary>A config's shift: KIND:SEVERITY (image kinds), token-noise:FRACTION, or text:PATH.</summary>
    public static StudyShift Parse(string text, string where)
    {
        if (text.StartsWith(TextDataset.Kind + ":", StringComparison.Ordinal))
        {
            if (text.Length == TextDataset.Kind.Length + 1) throw new LlaException($"{where} '{text}' names no corpus: give text:PATH (a UTF-8 file or folder)");
            return CorpusOf(text);
        }
        var parts = text.Split(':');
        if (parts.Length == 2 && parts[0] == TokenNoise.Kind)
        {
            if (!double.TryParse(parts[1], NumberStyles.Float, CultureInfo.InvariantCulture, out double f) || !(f > 0 && f <= 1))
                throw new LlaException($"{where}: the token-noise fraction must be above 0 and at most 1 (got '{parts[1]}')");
            return TokenNoiseOf(f);
        }
        if (parts.Length != 2 || !int.TryParse(parts[1], out int severity))
            throw new LlaException($"{where} '{text}' must look like KIND:SEVERITY (e.g. \"noise:3\"), token-noise:FRACTION or text:PATH");
        if (!Shifts.Kinds.Contains(parts[0])) throw new LlaException($"{where}: unknown shift '{parts[0]}' (known: {string.Join(", ", Shifts.Kinds)}, {TokenNoise.Kind}, {TextDataset.Kind})");
        if (severity is < 1 or > 5) throw new LlaException($"{where}: shift severity must be 1 to 5 (got {severity})");
        return new StudyShift(parts[0], severity);
    }
}
