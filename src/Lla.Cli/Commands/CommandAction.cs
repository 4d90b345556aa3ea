namespace Lla.Cli.Commands;

/// <summary>Runs a command body and turns a user mistake into one line on stderr (settings named as flags) and exit code 2.</summary>
internal static class CommandAction
{
    public const int UserError = 2;

    public static int Run(Processes processes, Func<int> body)
    {
        try
        {
            return body();
        }
        catch (LlaException e)
        {
            string message = e.Render(setting => "--" + setting);
            Console.Error.WriteLine(processes.Distributed ? $"error (rank {processes.Group.Rank}): {message}" : $"error: {message}");
            Console.Error.Flush();
            if (processes.Distributed)
            {
                // The launcher forwards output asynchronously: give it the line before the abort ends every rank.
                Thread.Sleep(500);
                processes.Abort(UserError); // the other ranks may be waiting for this one
            }
            return UserError;
        }
    }
}
