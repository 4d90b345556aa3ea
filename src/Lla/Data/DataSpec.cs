namespace Lla.Data;

/// <summary>Parses a --data value and loads the chosen split: idx:DIR, cifar10:DIR, npy:INPUTS.npy,LABELS.npy.</summary>
public static class DataSpec
{
    public const string Kinds = "idx, cifar10, npy";

    public static Dataset Load(string spec, Split split)
    {
        var (kind, path) = Parse(spec);
        return kind switch
        {
            "idx" => IdxDataset.Load(path, split),
            "cifar10" => Cifar10Dataset.Load(path, split),
            "npy" => split == Split.Train
                ? NpyDataset.Load(path)
                : throw new LlaException($"--data npy:… has no test split: analyse --split train"),
            _ => throw new LlaException($"unknown data kind '{kind}' in --data '{spec}' (known kinds: {Kinds})"),
        };
    }

    /// <summary>Whether the data has a separate test split (for a test accuracy beside the analysis).</summary>
    public static bool HasTestSplit(string spec) => Parse(spec).Kind is "idx" or "cifar10";

    private static (string Kind, string Path) Parse(string spec)
    {
        int colon = spec.IndexOf(':');
        if (colon <= 0) throw new LlaException($"--data '{spec}' must look like KIND:PATH (known kinds: {Kinds})");
        return (spec[..colon], spec[(colon + 1)..]);
    }
}
