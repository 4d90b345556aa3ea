namespace Lla.Data;

/// <summary>Parses a --data value ("idx:DIR") and loads the chosen split.</summary>
public static class DataSpec
{
    public static Dataset Load(string spec, Split split)
    {
        int colon = spec.IndexOf(':');
        if (colon <= 0) throw new LlaException($"--data '{spec}' must look like KIND:PATH (known kinds: idx)");
        string kind = spec[..colon], path = spec[(colon + 1)..];
        return kind switch
        {
            "idx" => IdxDataset.Load(path, split),
            _ => throw new LlaException($"unknown data kind '{kind}' in --data '{spec}' (known kinds: idx)"),
        };
    }
}
