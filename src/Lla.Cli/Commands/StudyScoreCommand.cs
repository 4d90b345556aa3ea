using System.CommandLine;
using Lla.Cli.Display;
using Lla.Reports;
using Lla.Studies.Scoring;

namespace Lla.Cli.Commands;

/// <summary>`lla study score TABLE.csv`: the across-model scoring alone (τ, Ψ, worst-case sign-error) on a model-zoo table from anywhere.</summary>
internal static class StudyScoreCommand
{
    public static Command Create(Processes processes)
    {
        var command = new Command("score", "Rank measures on a model-zoo table: Kendall τ with the generalization gap, granulated Ψ, CMI, worst-case sign-error");
        var table = new Argument<string>("TABLE") { Description = "CSV: model, the axis columns, train_accuracy, test_accuracy (fractions), [test_size], measure columns" };
        var axes = new Option<string>("--axes") { Description = "the hyperparameter columns, comma-separated", Required = true };
        var measures = new Option<string?>("--measures") { Description = "measure columns to score (default: every other numeric column)" };
        var negate = new Option<string?>("--negate") { Description = "measures where a smaller value predicts a larger gap (scored negated)" };
        var testSize = new Option<int?>("--test-size") { Description = "test-set size n of the sign-error weights (default: the table's test_size column)" };
        var resamples = new Option<int>("--resamples")
        {
            Description = "bootstrap resamples of the intervals (24 bytes of memory each; a count that cannot fit is refused, a long run prints its estimated time and its progress)",
            DefaultValueFactory = _ => 1000,
        };
        var seed = new Option<long>("--seed") { Description = "seed of the bootstrap", DefaultValueFactory = _ => 42 };
        var outFolder = new Option<string>("--out") { Description = "where score.json goes", DefaultValueFactory = _ => "score" };
        command.Arguments.Add(table);
        foreach (var o in new Option[] { axes, measures, negate, testSize, resamples, seed, outFolder }) command.Options.Add(o);
        var force = RunFolderOptions.Force();
        command.Options.Add(force);
        command.SetAction(p => CommandAction.Run(processes, p, () =>
        {
            static string[] List(string? text) => text?.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries) ?? Array.Empty<string>();
            var results = ScoreRun.Execute(new ScoreRunOptions
            {
                Table = p.GetValue(table)!, Axes = List(p.GetValue(axes)), Measures = p.GetValue(measures) is string m ? List(m) : null, Negate = List(p.GetValue(negate)),
                TestSize = p.GetValue(testSize), Resamples = p.GetValue(resamples), Seed = p.GetValue(seed), OutDir = p.GetValue(outFolder)!, Force = p.GetValue(force),
            }, say: line => Console.Error.WriteLine(line)); // a long run's estimate and progress: stderr, so the table alone goes to stdout
            ConsoleTable.Write(ScoreBoard.Columns, ScoreBoard.Rows(results));
            Console.WriteLine(ScoreBoard.Footer(results, p.GetValue(outFolder)!));
            return 0;
        }));
        return command;
    }
}
