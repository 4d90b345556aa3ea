using System.Text.RegularExpressions;

namespace Lla;

/// <summary>
/// A problem with the user's input (a file, a setting, a checkpoint, data). Its message is one line
/// that names the problem; front ends print it without a stack trace. Settings are named in braces
/// (<c>"{steps} must be even"</c>): <see cref="Exception.Message"/> shows the library's concept
/// ("steps must be even"), and a front end renders them its own way with <see cref="Render"/>
/// (the command line as flags: "--steps must be even").
/// </summary>
public partial class LlaException : Exception
{
    /// <summary>The message with its settings in braces.</summary>
    public string Template { get; }

    public LlaException(string template) : base(Plain(template)) { Template = template; }
    public LlaException(string template, Exception inner) : base(Plain(template), inner) { Template = template; }

    /// <summary>The message with every named setting rendered by <paramref name="setting"/>.</summary>
    public string Render(Func<string, string> setting) => SettingPattern().Replace(Template, m => setting(m.Groups[1].Value));

    private static string Plain(string template) => SettingPattern().Replace(template, m => m.Groups[1].Value);

    [GeneratedRegex(@"\{([a-z][a-z0-9-]*)\}")]
    private static partial Regex SettingPattern();
}

/// <summary>
/// The numeric guard found float32 results (losses, curvature products, gradients) that disagree with float64 far beyond rounding (oneDNN's intermittent
/// fault, or a model too ill-conditioned for float32): results computed under the failing setting are
/// not trustworthy. A job may recover by redoing the work without oneDNN.
/// </summary>
public sealed class NumericGuardException : LlaException
{
    public NumericGuardException(string template) : base(template) { }
}
