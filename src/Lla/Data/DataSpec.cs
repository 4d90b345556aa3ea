using Lla.Data.Text;

namespace Lla.Data;

/// <summary>
/// Parses a --data value and loads the chosen split: idx:DIR, cifar10:DIR, npy:INPUTS.npy,LABELS.npy,
/// text:PATH and tokens:FILE.npy (token data, with the default tokenizer and context until an
/// application registers its own: <see cref="TextDataset.Register"/>), and kinds an application registers (Lla.Vision adds folder:DIR);
/// wrappers: holdout:F:SPEC, first:N:SPEC (a smaller training split), shift:KIND:SEVERITY:SPEC.
/// </summary>
public static class DataSpec
{
    private sealed record Kind(Func<string, Split, Dataset> Load, Func<string, bool> HasTestSplit, Func<string, bool> HasValidationSplit);

    private static readonly Dictionary<string, Kind> Kinds = new()
    {
        ["idx"] = new((path, split) => IdxDataset.Load(path, split), _ => true, _ => false),
        ["cifar10"] = new((path, split) => Cifar10Dataset.Load(path, split), _ => true, _ => false),
        ["npy"] = new((path, split) => split == Split.Train
            ? NpyDataset.Load(path)
            : throw new LlaException($"{{data}} npy:… has no {split.Name()} split: analyse {{split}} train"), _ => false, _ => false),
        [TextDataset.Kind] = new((path, split) => TextDataset.Load(path, TextDataset.Part(split), TextSettings.Default), _ => true, _ => true),
        [TokensDataset.Kind] = new((path, split) => TokensDataset.Load(path, split, TextSettings.DefaultContext), _ => false, _ => false),
    };

    public static string Names
    {
        get { lock (Kinds) return string.Join(", ", Kinds.Keys); }
    }

    /// <param name="hasValidationSplit">Whether the kind has a validation split (<see cref="Split.Validation"/>); none when not given.</param>
    public static void Register(string kind, Func<string, Split, Dataset> load, Func<string, bool> hasTestSplit, Func<string, bool>? hasValidationSplit = null)
    {
        lock (Kinds) Kinds[kind] = new Kind(load, hasTestSplit, hasValidationSplit ?? (_ => false));
    }

    /// <summary>Loads a split; <c>shift:KIND:SEVERITY:SPEC</c> loads SPEC and applies a deterministic distribution shift.</summary>
    public static Dataset Load(string spec, Split split)
    {
        RequireSplit(spec, split);
        if (spec.StartsWith(HoldoutPrefix, StringComparison.Ordinal))
        {
            // holdout:F:SPEC — the training split of SPEC without its last share F (train), and that share (test: a validation set).
            var (fraction, inner) = ParseHoldout(spec);
            using var whole = Load(inner, Split.Train);
            long held = (long)Math.Round(whole.Count * fraction);
            if (held < 1 || held >= whole.Count) throw new LlaException($"{{data}} '{spec}': holding out {fraction:G3} of {whole.Count} samples leaves an empty split");
            return split == Split.Train
                ? whole.Slice(0, whole.Count - held, $"{whole.Description}, first {whole.Count - held} (the last {held} held out)")
                : whole.Slice(whole.Count - held, held, $"{whole.Description}, last {held} held out for validation");
        }
        if (spec.StartsWith(FirstPrefix, StringComparison.Ordinal))
        {
            // first:N:SPEC — the first N samples of SPEC's training split; its other splits as they are.
            var (count, inner) = ParseFirst(spec);
            if (split != Split.Train) return Load(inner, split);
            using var whole = Load(inner, Split.Train);
            if (count > whole.Count) throw new LlaException($"{{data}} '{spec}': the training split has {whole.Count} samples, fewer than the {count} asked for");
            return whole.Slice(0, count, $"{whole.Description}, first {count}");
        }
        if (spec.StartsWith(TokenNoise.Prefix, StringComparison.Ordinal))
        {
            var (fraction, text) = TokenNoise.Parse(spec);
            using var tokens = Load(text, split);
            return TokenNoise.Apply(tokens, fraction);
        }
        if (spec.StartsWith("shift:", StringComparison.Ordinal))
        {
            var (kind, severity, inner) = ParseShift(spec);
            using var clean = Load(inner, split);
            return Shifts.Apply(clean, kind, severity);
        }
        var (k, path) = Parse(spec);
        return k.Load(path, split);
    }

    private static (string Kind, int Severity, string Inner) ParseShift(string spec)
    {
        var parts = spec.Split(':', 4);
        if (parts.Length < 4 || !int.TryParse(parts[2], out int severity))
            throw new LlaException($"{{data}} '{spec}' must look like shift:KIND:SEVERITY:DATA, e.g. shift:noise:3:idx:DIR (kinds: {string.Join(", ", Shifts.Kinds)}; for text shift:{TokenNoise.Kind}:FRACTION:DATA)");
        if (!Shifts.Kinds.Contains(parts[1])) throw new LlaException($"unknown shift '{parts[1]}' (known: {string.Join(", ", Shifts.Kinds)}, {TokenNoise.Kind})");
        if (severity is < 1 or > 5) throw new LlaException($"shift severity must be 1 to 5 (got {severity})");
        return (parts[1], severity, parts[3]);
    }

    public const string HoldoutPrefix = "holdout:";
    public const string FirstPrefix = "first:";

    /// <summary>first:N:SPEC: SPEC with its training split cut to its first N samples (its test and validation splits whole).</summary>
    public static string First(long count, string spec) => $"{FirstPrefix}{count.ToString(System.Globalization.CultureInfo.InvariantCulture)}:{spec}";

    private static (long Count, string Inner) ParseFirst(string spec)
    {
        var parts = spec.Split(':', 3);
        if (parts.Length < 3 || !long.TryParse(parts[1], System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out long n) || n < 1)
            throw new LlaException($"{{data}} '{spec}' must look like first:COUNT:DATA with a whole COUNT of at least 1, e.g. first:2000:idx:DIR");
        return (n, parts[2]);
    }

    /// <summary>holdout:F:SPEC for a fraction F in (0, 1): SPEC's training split with its last share F held out as the test split.</summary>
    public static string Holdout(double fraction, string spec) =>
        $"{HoldoutPrefix}{fraction.ToString("R", System.Globalization.CultureInfo.InvariantCulture)}:{spec}";

    private static (double Fraction, string Inner) ParseHoldout(string spec)
    {
        var parts = spec.Split(':', 3);
        if (parts.Length < 3 || !double.TryParse(parts[1], System.Globalization.NumberStyles.Float, System.Globalization.CultureInfo.InvariantCulture, out double f) || !(f > 0 && f < 1))
            throw new LlaException($"{{data}} '{spec}' must look like holdout:FRACTION:DATA with 0 < FRACTION < 1, e.g. holdout:0.1:idx:DIR");
        return (f, parts[2]);
    }

    /// <summary>
    /// The spec with every file path in it passed through <paramref name="map"/> (through holdout: and
    /// shift: wrappers; npy's comma-separated pair): how a record stores a spec relative to its own
    /// folder, and how a reader resolves it again.
    /// </summary>
    public static string MapPaths(string spec, Func<string, string> map)
    {
        if (spec.StartsWith(FirstPrefix, StringComparison.Ordinal))
        {
            var (count, inner) = ParseFirst(spec);
            return First(count, MapPaths(inner, map));
        }
        if (spec.StartsWith(HoldoutPrefix, StringComparison.Ordinal))
        {
            var (fraction, inner) = ParseHoldout(spec);
            return Holdout(fraction, MapPaths(inner, map));
        }
        if (spec.StartsWith(TokenNoise.Prefix, StringComparison.Ordinal))
        {
            var (fraction, text) = TokenNoise.Parse(spec);
            return TokenNoise.Format(fraction, MapPaths(text, map));
        }
        if (spec.StartsWith("shift:", StringComparison.Ordinal))
        {
            var (kind, severity, inner) = ParseShift(spec);
            return $"shift:{kind}:{severity}:{MapPaths(inner, map)}";
        }
        int colon = spec.IndexOf(':');
        if (colon <= 0) return spec;
        return spec[..(colon + 1)] + string.Join(',', spec[(colon + 1)..].Split(',').Select(map));
    }

    /// <summary>A spec's paths relative to <paramref name="folder"/> (what a record beside its files stores).</summary>
    public static string RelativeTo(string spec, string folder) =>
        MapPaths(spec, p => Path.GetRelativePath(Path.GetFullPath(folder), Path.GetFullPath(p)));

    /// <summary>A recorded spec's relative paths resolved against the record's <paramref name="folder"/>.</summary>
    public static string ResolveFrom(string spec, string folder) =>
        MapPaths(spec, p => Path.GetFullPath(Path.Combine(folder, p)));

    /// <summary>
    /// Refuses, in one line, a split the data does not have; today only <see cref="Split.Validation"/> can be
    /// missing this early (test splits are checked by their loaders). Jobs call it while checking their
    /// options, before any work; <see cref="Load"/> calls it too.
    /// </summary>
    public static void RequireSplit(string spec, Split split)
    {
        if (split == Split.Validation && !HasValidationSplit(spec))
            throw new LlaException($"{{data}} {spec} has no validation split (text: data has one): analyse {{split}} train or {{split}} test");
    }

    /// <summary>For a loader that has no validation split: refuses <see cref="Split.Validation"/> in one line.</summary>
    public static void RequireNoValidation(Split split, string spec)
    {
        if (split == Split.Validation)
            throw new LlaException($"{{data}} {spec} has no validation split (text: data has one): analyse {{split}} train or {{split}} test");
    }

    /// <summary>Whether the data has a validation split: text: data (and token noise or shifts of it); holdout:'s held-out share is its test split.</summary>
    public static bool HasValidationSplit(string spec)
    {
        if (spec.StartsWith(HoldoutPrefix, StringComparison.Ordinal)) { ParseHoldout(spec); return false; }
        if (spec.StartsWith(FirstPrefix, StringComparison.Ordinal)) return HasValidationSplit(ParseFirst(spec).Inner);
        if (spec.StartsWith(TokenNoise.Prefix, StringComparison.Ordinal)) return HasValidationSplit(TokenNoise.Parse(spec).Inner);
        if (spec.StartsWith("shift:", StringComparison.Ordinal)) return HasValidationSplit(ParseShift(spec).Inner);
        var (kind, path) = Parse(spec);
        return kind.HasValidationSplit(path);
    }

    /// <summary>Whether the data has a separate test split (for a test accuracy beside the analysis).</summary>
    public static bool HasTestSplit(string spec)
    {
        if (spec.StartsWith(HoldoutPrefix, StringComparison.Ordinal)) { ParseHoldout(spec); return true; }
        if (spec.StartsWith(FirstPrefix, StringComparison.Ordinal)) return HasTestSplit(ParseFirst(spec).Inner);
        if (spec.StartsWith(TokenNoise.Prefix, StringComparison.Ordinal)) return HasTestSplit(TokenNoise.Parse(spec).Inner);
        if (spec.StartsWith("shift:", StringComparison.Ordinal)) return HasTestSplit(ParseShift(spec).Inner);
        var (kind, path) = Parse(spec);
        return kind.HasTestSplit(path);
    }

    private static (Kind Kind, string Path) Parse(string spec)
    {
        int colon = spec.IndexOf(':');
        if (colon <= 0) throw new LlaException($"{{data}} '{spec}' must look like KIND:PATH (known kinds: {Names})");
        string name = spec[..colon];
        Kind? kind;
        lock (Kinds) Kinds.TryGetValue(name, out kind);
        if (kind is null) throw new LlaException($"unknown data kind '{name}' in {{data}} '{spec}' (known kinds: {Names})");
        return (kind, spec[(colon + 1)..]);
    }
}
