using Lla.Tests.Support;

namespace Lla.Tests.Training;

/// <summary>A --tensorboard path that cannot be a log folder is one line, exit 2, before any work, with no file left behind.</summary>
[Collection("console")]
public class TensorBoardBadInputTests
{
    private static readonly string Work = Paths.NewTempFolder();

    static TensorBoardBadInputTests() => File.WriteAllText(Path.Combine(Work, "a-file"), "not a folder");

    public static TheoryData<string, string, string> Invalid() => new()
    {
        { "train", Path.Combine(Work, "a-file"), "is a file, not a folder" },
        { "train", Path.Combine(Work, "a-file", "below"), "is a file, not a folder" },
        { "train", "/proc/lla-tensorboard", "cannot write in /proc" }, // refused even to root
        { "study", Path.Combine(Work, "a-file"), "is a file, not a folder" },
    };

    [Theory]
    [MemberData(nameof(Invalid))]
    public void An_unusable_tensorboard_folder_is_refused(string command, string folder, string expected)
    {
        TestTorch.Init();
        string cwd = Paths.NewTempFolder();
        string[] args = command == "train"
            ? new[] { "train", "--epochs", "1", "--save", "m.bin", "--tensorboard", folder }
            : new[] { "study", "--preset", "quick", "--out", "run", "--tensorboard", folder };
        var outcome = InProcessLla.Run(cwd, args);
        Assert.True(outcome.ExitCode == 2, $"exit {outcome.ExitCode}; stderr: {outcome.Stderr}");
        var lines = outcome.Stderr.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.True(lines.Length == 1, "stderr: " + outcome.Stderr);
        Assert.StartsWith("error: --tensorboard ", lines[0]);
        Assert.Contains(expected, lines[0]);
        Assert.Empty(Directory.GetFileSystemEntries(cwd));
    }
}
