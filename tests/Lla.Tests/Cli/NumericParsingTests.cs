using System.CommandLine;
using System.Globalization;
using Lla.Tests.Support;

namespace Lla.Tests.Cli;

/// <summary>
/// Numbers are read one way: every numeric option of every command parses with the invariant culture
/// (a decimal point, no thousands separators) whatever the locale, and refuses a decimal comma with one
/// line instead of reading "0,001" as 1.
/// </summary>
[Collection("console")]
public class NumericParsingTests
{
    private static IEnumerable<(Command Command, string Path, Option Option)> NumericOptions()
    {
        using var processes = Lla.Mpi.Processes.Start(Array.Empty<string>());
        var root = Lla.Cli.Program.BuildRoot(processes);
        foreach (var (command, path) in Commands(root, ""))
            foreach (var option in command.Options.Where(o => o is Option<int> or Option<int?> or Option<long> or Option<long?> or Option<double> or Option<double?>))
                yield return (root, path, option);
    }

    private static IEnumerable<(Command, string)> Commands(Command command, string path)
    {
        yield return (command, path);
        foreach (var sub in command.Subcommands)
            foreach (var item in Commands(sub, (path + " " + sub.Name).Trim())) yield return item;
    }

    private static ParseResult Parse(Command root, string path, string option, string value) =>
        root.Parse(path.Split(' ', StringSplitOptions.RemoveEmptyEntries).Concat(new[] { option, value }).ToArray());

    private static IEnumerable<string> ErrorsAbout(ParseResult p, string option) => p.Errors.Select(e => e.Message).Where(m => m.Contains(option + " "));

    [Fact]
    public void Every_numeric_option_refuses_a_decimal_comma_and_reads_a_point_under_a_comma_decimal_culture()
    {
        var (culture, uiCulture) = (CultureInfo.CurrentCulture, CultureInfo.CurrentUICulture);
        try
        {
            // German: ',' is the decimal separator and '.' the thousands separator.
            CultureInfo.CurrentCulture = CultureInfo.CurrentUICulture = CultureInfo.GetCultureInfo("de-DE");
            var options = NumericOptions().ToList();
            Assert.True(options.Count >= 40, $"only {options.Count} numeric options found");
            foreach (var (root, path, option) in options)
            {
                bool real = option is Option<double> or Option<double?>;
                var comma = Parse(root, path, option.Name, "0,5");
                var refusal = Assert.Single(ErrorsAbout(comma, option.Name));
                Assert.Contains(real ? "decimal point, not a comma" : "whole number", refusal);

                var thousands = Parse(root, path, option.Name, "1,000");
                Assert.NotEmpty(ErrorsAbout(thousands, option.Name));

                var plain = Parse(root, path, option.Name, real ? "0.25" : "3");
                Assert.Empty(ErrorsAbout(plain, option.Name));
                object? value = plain.GetResult(option)!.GetValueOrDefault<object?>();
                Assert.Equal(real ? 0.25 : 3.0, Convert.ToDouble(value, CultureInfo.InvariantCulture));
                if (real)
                {
                    var exponent = Parse(root, path, option.Name, "1.5e-3");
                    Assert.Equal(1.5e-3, Convert.ToDouble(exponent.GetResult(option)!.GetValueOrDefault<object?>(), CultureInfo.InvariantCulture));
                }
                else
                {
                    var huge = Parse(root, path, option.Name, "99999999999999999999");
                    Assert.Contains("too large (at most", Assert.Single(ErrorsAbout(huge, option.Name)));
                    var exponent = Parse(root, path, option.Name, "1e300");
                    Assert.Contains("must be a whole number (got '1e300')", Assert.Single(ErrorsAbout(exponent, option.Name)));
                }
            }
        }
        finally
        {
            (CultureInfo.CurrentCulture, CultureInfo.CurrentUICulture) = (culture, uiCulture);
        }
    }

    [Theory]
    [InlineData("--lr must be written with a decimal point", "train", "--lr", "0,001", "--save", "m.bin")]
    [InlineData("--distance must be written with a decimal point, not a comma, and no thousands separators (got '0,5'; e.g. 0.5)", "landscape", "--distance", "0,5", "--out", "run")]
    [InlineData("--lr 5e-400 is too small for a double (it would be read as 0)", "train", "--lr", "5e-400", "--save", "m.bin")]
    [InlineData("--test-size must be a whole number (got '1e300')", "study", "score", "table.csv", "--axes", "lr", "--test-size", "1e300")]
    [InlineData("--batch-size 99999999999 is too large (at most 2147483647)", "hessian", "--batch-size", "99999999999", "--out", "run")]
    [InlineData("--lr must be a finite number (got NaN)", "train", "--lr", "NaN", "--save", "m.bin")]
    [InlineData("--lr must be a finite number (got 1e400, beyond the largest double, 1.8e308)", "train", "--lr", "1e400", "--save", "m.bin")]
    public void A_badly_written_number_is_one_line_naming_the_option_and_no_type_name(string expected, params string[] args)
    {
        string cwd = Paths.NewTempFolder();
        var outcome = InProcessLla.Run(cwd, args);
        Assert.Equal(2, outcome.ExitCode);
        var line = Assert.Single(outcome.Stderr.Split('\n', StringSplitOptions.RemoveEmptyEntries));
        Assert.Contains(expected, line);
        Assert.DoesNotContain("System.", line);
        Assert.Empty(Directory.GetFileSystemEntries(cwd));
    }

    [Theory]
    [InlineData("landscape", "--distance", ".5", 0.5)]
    [InlineData("landscape", "--distance", "5.", 5.0)]
    [InlineData("landscape", "--distance", "+2", 2.0)]
    [InlineData("landscape", "--distance", "1E-3", 1e-3)]
    [InlineData("hessian", "--seed", "-5", -5.0)]
    [InlineData("hessian", "--seed", "+7", 7.0)]
    [InlineData("hessian", "--kh-power", "0", 0.0)]
    public void Ordinary_ways_of_writing_a_number_are_read(string command, string option, string text, double expected)
    {
        using var processes = Lla.Mpi.Processes.Start(Array.Empty<string>());
        var parsed = Lla.Cli.Program.BuildRoot(processes).Parse(new[] { command, option, text });
        Assert.Empty(ErrorsAbout(parsed, option));
        var symbol = parsed.CommandResult.Command.Options.Single(o => o.Name == option);
        Assert.Equal(expected, Convert.ToDouble(parsed.GetResult(symbol)!.GetValueOrDefault<object?>(), CultureInfo.InvariantCulture));
    }

    [Fact]
    public void Under_a_German_locale_the_process_refuses_a_comma_and_reads_a_point()
    {
        string cwd = Paths.NewTempFolder();
        var german = new Dictionary<string, string> { ["LANG"] = "de_DE.UTF-8", ["LC_ALL"] = "de_DE.UTF-8", ["OMP_NUM_THREADS"] = "1" };
        var refused = ProcessRunner.Run("dotnet", new[] { LlaProcess.CliDll, "train", "--lr", "0,001", "--save", "m.bin" }, cwd, TimeSpan.FromMinutes(5), german);
        Assert.Equal(2, refused.ExitCode);
        Assert.Equal("error: --lr must be written with a decimal point, not a comma, and no thousands separators (got '0,001'; e.g. 0.001) (see `lla train --help`)",
            refused.Stderr.Trim());
        var ran = ProcessRunner.Run("dotnet", new[] { LlaProcess.CliDll, "landscape", "--distance", "0.5", "--steps", "2", "--batch-size", "64", "--threads", "1", "--out", "run", "--quiet" },
            cwd, TimeSpan.FromMinutes(5), german);
        Assert.True(ran.ExitCode == 0, ran.Stderr);
        var options = System.Text.Json.Nodes.JsonNode.Parse(File.ReadAllText(Path.Combine(cwd, "run", "results.json")))!["options"]!;
        Assert.Equal(0.5, options["distance"]!.GetValue<double>());
    }

    [Fact]
    public void Help_names_the_program_lla_and_does_not_print_this_machines_thread_count()
    {
        var outcome = InProcessLla.Run(Paths.NewTempFolder(), "hessian", "--help");
        Assert.Equal(0, outcome.ExitCode);
        Assert.Contains("  lla hessian [options]", outcome.Stdout);
        Assert.DoesNotContain("Lla.Cli", outcome.Stdout);
        var threads = outcome.Stdout.Split('\n').Single(l => l.TrimStart().StartsWith("--threads"));
        Assert.DoesNotContain("[default:", threads);
        Assert.Contains("every core", threads);
    }
}
