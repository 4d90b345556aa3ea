namespace Lla;

/// <summary>
/// A problem with the user's input (a file, an option, a checkpoint, data). Its message is one line
/// that names the problem; the command line prints it without a stack trace and exits non-zero.
/// </summary>
public sealed class LlaException : Exception
{
    public LlaException(string message) : base(message) { }
    public LlaException(string message, Exception inner) : base(message, inner) { }
}
