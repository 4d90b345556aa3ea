using System.Text.Json.Nodes;
using Lla.Analysis;
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
        new() { ["command"] = command, ["schema_version"] = ResultsSerializer.SchemaVersion, ["options"] = ResultsSerializer.ToNode<JobSettings>(Hessian(topK)) };

    private static HessianSettings Hessian(int topK) => new() { TopK = topK, Weights = "m.bin", Data = "idx:/x" };

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
        var e = Assert.Throws<LlaException>(() => new RunClaim(claimant, Hessian(2)).Apply(folder));
        Assert.Equal($"--out {folder} holds {described}: choose another --out, or add --force to replace it", e.Render(s => "--" + s));
        Assert.True(File.Exists(Path.Combine(folder, file)));
        Assert.True(File.Exists(Path.Combine(folder, "figure.png")));
    }

    [Fact]
    public void The_same_command_with_other_options_is_refused_naming_the_first_difference_unless_resumed()
    {
        string folder = FolderWith("results.json", Results("hessian", topK: 2));
        var asked = Hessian(5);
        var e = Assert.Throws<LlaException>(() => new RunClaim("hessian", asked).Apply(folder));
        Assert.Contains("holds a finished `lla hessian` run (results.json) with other options (--top-k was 2 there, 5 now)", e.Render(s => "--" + s));
        Assert.Null(new RunClaim("hessian", asked, Resume: true).Apply(folder));
        Assert.Null(new RunClaim("hessian", Hessian(2)).Apply(folder));
    }

    [Fact]
    public void An_older_versions_options_are_compared_by_the_settings_they_name()
    {
        // Schema 3 and before: every flag by its kebab-case name, as the command line took it; settings the old run did
        // not record (a later setting) are not compared, those it did are.
        string folder = FolderWith("results.json", new JsonObject
        {
            ["command"] = "hessian", ["schema_version"] = 3,
            ["options"] = new JsonObject { ["top-k"] = 2, ["out"] = "x", ["threads"] = 2, ["batches"] = "all", ["dtype"] = "float32" },
        });
        var e = Assert.Throws<LlaException>(() => new RunClaim("hessian", Hessian(5)).Apply(folder));
        Assert.Contains("with other options (--top-k was 2 there, 5 now)", e.Render(s => "--" + s));
        e = Assert.Throws<LlaException>(() => new RunClaim("hessian", Hessian(2) with { Batches = 3 }).Apply(folder));
        Assert.Contains("with other options (--batches was not given there, 3 now)", e.Render(s => "--" + s));
        Assert.Null(new RunClaim("hessian", Hessian(2)).Apply(folder));
    }

    private static string[] Entries(string folder) => Directory.GetFileSystemEntries(folder).Select(Path.GetFileName).Order().ToArray()!;

    [Fact]
    public void Force_sets_the_old_run_aside_and_deletes_it_only_when_the_new_run_finishes()
    {
        string folder = FolderWith("results.json", Results("connect"));
        using (var runLock = RunLock.ForJob(folder, Lla.Parallel.SingleProcess.Instance, null, claim: new RunClaim("hessian", Hessian(2), Force: true)))
        {
            Assert.DoesNotContain("results.json", Entries(folder));
            File.WriteAllText(Path.Combine(folder, "results.json"), Results("hessian").ToJsonString()); // the new run finishes
        }
        Assert.Equal(new[] { "results.json" }, Entries(folder));
        Assert.Equal("hessian", RunOwner.Find(folder)!.Command);
    }

    [Fact]
    public void A_forced_run_that_fails_puts_the_old_run_back_as_it_was()
    {
        string folder = FolderWith("results.json", Results("connect"));
        var before = Entries(folder);
        using (RunLock.ForJob(folder, Lla.Parallel.SingleProcess.Instance, null, claim: new RunClaim("hessian", Hessian(2), Force: true)))
            File.WriteAllText(Path.Combine(folder, "figure.png"), "the failed run's half"); // fails before its results
        Assert.Equal(before, Entries(folder));
        Assert.Equal("png", File.ReadAllText(Path.Combine(folder, "figure.png")));
        Assert.Equal("connect", RunOwner.Find(folder)!.Command);
    }

    [Fact]
    public void A_forced_run_keeps_its_own_inputs_inside_the_folder()
    {
        string folder = FolderWith("results.json", Results("hessian"));
        File.WriteAllText(Path.Combine(folder, "mine.bin"), "weights");
        var claim = new RunClaim("landscape", new HessianSettings { Weights = Path.Combine(folder, "mine.bin"), Data = "npy:" + Path.Combine(folder, "plane") + "/x.npy,y.npy" }, Force: true);
        Assert.Equal(new[] { "mine.bin", "plane" }, claim.InputsIn(folder).Order());
        using (RunLock.ForJob(folder, Lla.Parallel.SingleProcess.Instance, null, claim: claim))
            Assert.Equal(new[] { RunLock.FileName, RunLock.HolderFileName, ".lla-replaced-" + Environment.ProcessId, "mine.bin", "plane" }.Order(StringComparer.Ordinal),
                Entries(folder).Order(StringComparer.Ordinal));
    }

    [Fact]
    public void An_aside_left_by_a_killed_forced_run_is_settled_by_the_next_run()
    {
        string folder = FolderWith("results.json", Results("connect"));
        string aside = Path.Combine(folder, RunReplacement.Prefix + "999999");
        Directory.CreateDirectory(aside);
        File.Move(Path.Combine(folder, "results.json"), Path.Combine(aside, "results.json"));
        // The killed run left nothing of its own: the old run is put back, and it is what the claim sees.
        var e = Assert.Throws<LlaException>(() => new RunClaim("hessian", null).Apply(folder));
        Assert.Contains("`lla connect`", e.Message);
        Assert.False(Directory.Exists(aside));
    }

    [Fact]
    public void Paths_written_differently_are_not_other_options()
    {
        string folder = Paths.NewTempFolder();
        string weights = Path.Combine(folder, "m.bin");
        File.WriteAllText(weights, "w");
        var before = Hessian(2) with { Weights = weights };
        string relative = Path.GetRelativePath(Environment.CurrentDirectory, folder);
        Assert.Null(SettingsDifference.Between(before with { Weights = Path.Combine(relative, ".", "m.bin") }, before));
        var difference = SettingsDifference.Between(before with { Weights = weights + "2" }, before)!;
        Assert.Equal(("weights", $"'{weights}2'", $"'{weights}'"), (difference.Setting, difference.Now, difference.Before));
    }

    [Fact]
    public void A_study_score_with_other_options_is_refused()
    {
        string folder = FolderWith("score.json", new JsonObject { ["command"] = "study score", ["options"] = new JsonObject { ["test-size"] = 100 } });
        var e = Assert.Throws<LlaException>(() => new RunClaim("study score", new Lla.Studies.Scoring.ScoreSettings { TestSize = 200 }).Apply(folder));
        Assert.Contains("with other options (--test-size was 100 there, 200 now)", e.Render(s => "--" + s));
    }

    [Fact]
    public void A_lock_that_created_parent_folders_removes_them_when_it_leaves_nothing()
    {
        string root = Paths.NewTempFolder();
        using (RunLock.Acquire(Path.Combine(root, "runs", "hessian-1"))) { }
        Assert.Empty(Directory.GetFileSystemEntries(root));
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
