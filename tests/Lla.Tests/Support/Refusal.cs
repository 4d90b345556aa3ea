namespace Lla.Tests.Support;

/// <summary>The project's rule for a user mistake: exit code 2 and one stderr line, `error: …`, that names the problem.</summary>
public static class Refusal
{
    /// <summary>Asserts the rule and that the line contains <paramref name="expected"/>; returns the line.</summary>
    public static string AssertOneLine(InProcessLla.Outcome outcome, string expected)
    {
        Assert.True(outcome.ExitCode == 2, $"exit {outcome.ExitCode}; stderr: {outcome.Stderr}; stdout: {outcome.Stdout}");
        var lines = outcome.Stderr.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.True(lines.Length == 1, "stderr: " + outcome.Stderr);
        Assert.StartsWith("error: ", lines[0]);
        Assert.Contains(expected, lines[0]);
        return lines[0];
    }
}
