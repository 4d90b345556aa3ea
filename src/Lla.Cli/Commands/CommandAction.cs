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
            Console.Error.WriteLine(Pipeline.Cluster.Distributed ? $"error (rank {Pipeline.Cluster.Group.Rank}): {e.Message}" : $"error: {e.Message}");
            Console.Error.Flush();
            if (Pipeline.Cluster.Distributed)
            {
                // The launcher forwards output asynchronously: give it the line before the abort ends every rank.
                Thread.Sleep(500);
                Pipeline.Cluster.Abort(UserError); // the other ranks may be waiting for this one
            }
            return UserError;
        }
    }
}
