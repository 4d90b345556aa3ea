using System.Text.Json.Nodes;
using Lla.Runs;
using Lla.Tests.Support;

namespace Lla.Tests.Runs;

/// <summary>A run folder belongs to one command: another command's run (or the same command's with other options) is refused naming what is there, unless forced.</summary>
public class RunClaimTests
{
    private static string FolderWith(string file, JsonObject content)
    {
        string folder = Paths.NewTempFolder();
        File.WriteAllText(Path.Combine(folder, file), content.ToJsonString());
        File.WriteAllText(Path.Combine(folder, "figure.png"), "png");
        Directory.CreateDirectory(Path.Combine(folder, "plane"));
        return folder;
    }

    private static JsonObject Results(string command, int topK = 2) =>
        new() { ["command"] = command, ["options"] = new JsonObject { ["top-k"] = topK, ["out"] = "x", ["threads"] = 2 } };

    [Fact]
    public void An_empty_or_missing_folder_or_one_with_other_files_is_free()
    {
        Assert.Null(new RunClaim("hessian", null).Apply(Path.Combine(Paths.NewTempFolder(), "new")));
        string folder = Paths.NewTempFolder();
        File.WriteAllText(Path.Combine(folder, "notes.txt"), "mine");
        Assert.Null(new RunClaim("hessian", null).Apply(folder));
        Assert.True(File.Exists(Path.Combine(folder, "notes.txt")));
    }

    [Theory]
    [InlineData("results.json", "connect", "hessian", "a finished `lla connect` run (results.json)")]
    [InlineData("results.json", "landscape", "study", "a finished `lla landscape` run (results.json)")]
    [InlineData("plan.json", "landscape", "measure", "an unfinished `lla landscape` run (plan.json)")]
    [InlineData("study.json", "study", "hessian", "a finished `lla study` run (study.json)")]
    [InlineData("score.json", "study score", "analyze", "a finished `lla study score` run (score.json)")]
    public void Another_commands_run_is_refused_naming_it_and_kept(string file, string owner, string claimant, string described)
    {
        string folder = FolderWith(file, Results(owner));
        var e = Assert.Throws<LlaException>(() => new RunClaim(claimant, new JsonObject()).Apply(folder));
        Assert.Equal($"--out {folder} holds {described}: choose another --out, or add --force to replace it", e.Render(s => "--" + s));
        Assert.True(File.Exists(Path.Combine(folder, file)));
        Assert.True(File.Exists(Path.Combine(folder, "figure.png")));
    }

    [Fact]
    public void The_same_command_with_other_options_is_refused_naming_the_first_difference_unless_resumed()
    {
        string folder = FolderWith("results.json", Results("hessian", topK: 2));
        var asked = new JsonObject { ["out"] = "y", ["threads"] = 1, ["top-k"] = 5, ["new-option"] = true };
        var e = Assert.Throws<LlaException>(() => new RunClaim("hessian", asked).Apply(folder));
        Assert.Contains("holds a finished `lla hessian` run (results.json) with other options (--top-k was 2 there, 5 now)", e.Render(s => "--" + s));
        Assert.Null(new RunClaim("hessian", asked, Resume: true).Apply(folder));
        // Only settings that change no result (out, threads) differ, and an option the old run did not know: the same run.
        Assert.Null(new RunClaim("hessian", new JsonObject { ["out"] = "y", ["threads"] = 1, ["top-k"] = 2, ["new-option"] = true }).Apply(folder));
    }

    [Fact]
    public void Force_replaces_what_the_folder_holds_but_keeps_the_lock()
    {
        string folder = FolderWith("results.json", Results("connect"));
        using var runLock = RunLock.Acquire(folder);
        string? note = new RunClaim("hessian", new JsonObject(), Force: true).Apply(folder);
        Assert.Equal($"replaced the `lla connect` run that was in {folder} ({{force}})", note);
        Assert.Equal(new[] { RunLock.FileName, RunLock.HolderFileName }.Order(), Directory.GetFileSystemEntries(folder).Select(Path.GetFileName).Order());
    }

    [Fact]
    public void A_damaged_results_file_still_names_a_run()
    {
        string folder = Paths.NewTempFolder();
        File.WriteAllText(Path.Combine(folder, "results.json"), "{ \"command\": 3, ");
        var e = Assert.Throws<LlaException>(() => new RunClaim("hessian", null).Apply(folder));
        Assert.Contains("holds a finished `lla unknown` run (results.json)", e.Message);
    }
}
