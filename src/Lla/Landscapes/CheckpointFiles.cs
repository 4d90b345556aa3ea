namespace Lla.Landscapes;

/// <summary>Lists of checkpoint files as users give them: comma-separated, each possibly a glob over file names.</summary>
public static class CheckpointFiles
{
    /// <summary>Comma-separated files, each possibly a glob over file names ('*', '?'), in natural order of their numbers.</summary>
    public static List<string> Expand(string? spec)
    {
        var files = new List<string>();
        foreach (var item in (spec ?? "").Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            if (!item.Contains('*') && !item.Contains('?'))
            {
                Data.InputPaths.RequireFile(item, "trajectory checkpoint", "trajectory");
                files.Add(item);
                continue;
            }
            string folder = Path.GetDirectoryName(item) is { Length: > 0 } d ? d : ".";
            if (!Directory.Exists(folder)) throw new LlaException($"{{trajectory}}: folder {folder} does not exist");
            var matches = Directory.GetFiles(folder, Path.GetFileName(item))
                .Where(f => !f.EndsWith(".json", StringComparison.Ordinal))
                .OrderBy(f => System.Text.RegularExpressions.Regex.Replace(f, @"\d+", m => m.Value.PadLeft(10, '0')), StringComparer.Ordinal)
                .ToList();
            if (matches.Count == 0) throw new LlaException($"{{trajectory}}: no file matches {item}");
            files.AddRange(matches);
        }
        return files;
    }
}
