using Lla.Runs;

namespace Lla.Tests.Runs;

/// <summary>Where a run goes when not told (<see cref="RunFolder.Default(string, DateTime)"/>): runs/COMMAND-TIMESTAMP.</summary>
public class RunFolderDefaultTests
{
    [Fact]
    public void The_default_folder_is_the_command_and_the_time_to_the_second()
    {
        Assert.Equal(Path.Combine("runs", "hessian-20250102-030405"), RunFolder.Default("hessian", new DateTime(2025, 1, 2, 3, 4, 5)));
        Assert.Equal(Path.Combine("runs", "measure-19991231-235959"), RunFolder.Default("measure", new DateTime(1999, 12, 31, 23, 59, 59)));
        Assert.StartsWith(Path.Combine("runs", "connect-"), RunFolder.Default("connect"));
    }
}
