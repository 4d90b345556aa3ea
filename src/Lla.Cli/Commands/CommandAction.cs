namespace Lla.Cli.Commands;

/// <summary>Runs a command body and turns a user mistake into one line on stderr and exit code 2.</summary>
internal static class CommandAction
{
    public const int UserError = 2;

    public static int Run(Func<int> body)
    {
        try
        {
            return body();
        }
        catch (LlaException e)
        {
            Console.Error.WriteLine($"error: {e.Message}");
            return UserError;
        }
    }
}
