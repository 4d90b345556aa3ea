using Lla.Tests.Support;

namespace Lla.Tests.Cli;

/// <summary>A bad --validation is named as --validation (it was reported as --data, after the model had been loaded), and an ignored one is refused.</summary>
[Collection("console")]
public class MeasureValidationCaseTests
{
    [Theory]
    [InlineData("--validation 'bogus' must look like KIND:PATH", "--only", "confidence", "--validation", "bogus")]
    [InlineData("data folder not found: /no/such/folder (--validation)", "--only", "confidence", "--validation", "idx:/no/such/folder")]
    [InlineData("--validation calibrates the confidence measures (atc_accuracy, doc_accuracy) only, which --only leaves out", "--only", "norms", "--validation", "holdout:0.1:idx:/no/such")]
    public void A_bad_or_ignored_validation_set_is_one_line_naming_it_before_any_work(string expected, params string[] args)
    {
        TestTorch.Init();
        string cwd = Paths.NewTempFolder();
        var outcome = InProcessLla.Run(cwd, new[] { "measure" }.Concat(args).Concat(new[] { "--out", "run" }).ToArray());
        Assert.Equal(2, outcome.ExitCode);
        var line = Assert.Single(outcome.Stderr.Split('\n', StringSplitOptions.RemoveEmptyEntries));
        Assert.Contains(expected, line);
        Assert.DoesNotContain("--data", line);
        Assert.Empty(Directory.GetFileSystemEntries(cwd));
    }
}
