using System.CommandLine;

namespace Lla.Cli.Commands;

/// <summary>
/// Runs a command body and turns a user mistake into one line on stderr (settings named as flags)
/// and exit code 2; so does a disk that fills or refuses writes during the run (one line naming the
/// file, not a stack trace). Numbers are checked finite as they are parsed (NumericOptions).
/// </summary>
internal static class CommandAction
{
    public const int UserError = 2;
    /// <summary>The work finished and is saved, but a check on it failed (the numeric guard after a training): the user decides.</summary>
    public const int CheckFailed = 3;

    public static int Run(Processes processes, ParseResult p, Func<int> body)
    {
        try
        {
            return body();
        }
        catch (Exception e) when (e is LlaException || Lla.Runs.StorageFailure.Describe(e) is not null)
        {
            string message = e is LlaException lla ? lla.Render(setting => "--" + setting) : Lla.Runs.StorageFailure.Describe(e)!;
            Console.Error.WriteLine(processes.Distributed ? $"error (rank {processes.Group.Rank}): {message}" : $"error: {message}");
            Console.Error.Flush();
            processes.AbortAfterError(UserError);
            return UserError;
        }
    }

    /// <summary>A parse error (unknown option, a value of the wrong type, a missing required option): one line, a pointer to --help, exit 2.</summary>
    public static int ParseError(ParseResult p)
    {
        var error = p.Errors[0];
        // The full path of a subcommand of a subcommand (`lla study score`), not just its own name.
        var names = new List<string>();
        for (var result = p.CommandResult; result is not null; result = result.Parent as System.CommandLine.Parsing.CommandResult)
            if (result.Command is not RootCommand) names.Insert(0, result.Command.Name);
        string command = string.Join(" ", names.Prepend("lla"));
        Console.Error.WriteLine($"error: {error.Message} (see `{command} --help`)");
        return UserError;
    }
}
