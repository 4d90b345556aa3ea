using System.Text.RegularExpressions;

namespace Lla.Vectors;

/// <summary>Chooses parameters by name with comma-separated globs ('*' any text, '?' one character), e.g. "fc*,conv2.weight".</summary>
public static class ParameterFilter
{
    public static Func<string, bool>? FromGlobs(string? globs)
    {
        if (string.IsNullOrWhiteSpace(globs)) return null;
        var patterns = globs.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            .Select(g => new Regex("^" + Regex.Escape(g).Replace("\\*", ".*").Replace("\\?", ".") + "$"))
            .ToArray();
        return name => patterns.Any(p => p.IsMatch(name));
    }
}
