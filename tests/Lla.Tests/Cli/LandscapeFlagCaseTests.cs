using Lla.Landscapes;
using Lla.Tests.Support;

namespace Lla.Tests.Cli;

/// <summary>
/// Issue 23's landscape cases: flags that only some axes read are refused with other axes (not
/// ignored), --all-modes takes --axes hessian or adam and refuses the single-plane settings it would
/// ignore, and a run refused after loading leaves nothing behind (no plan.json, no folder it made,
/// nothing new in a folder that existed).
/// </summary>
[Collection("console")]
public class LandscapeFlagCaseTests
{
    private static readonly string Inputs = Paths.NewTempFolder();

    static LandscapeFlagCaseTests()
    {
        // A Hessian run folder whose eigenvectors.bin is not one.
        Directory.CreateDirectory(Path.Combine(Inputs, "bad-hessian-run"));
        File.WriteAllBytes(Path.Combine(Inputs, "bad-hessian-run", "eigenvectors.bin"), Enumerable.Range(0, 4096).Select(i => (byte)(i * 7919 % 251)).ToArray());
    }

    private static string Lenet => Paths.EmbeddedWeights;

    public static TheoryData<string, string> Refused()
    {
        var cases = new TheoryData<string, string>();
        void Add(string expected, params string[] args) => cases.Add(string.Join(" ", args), expected);
        Add("--checkpoints is read only by --axes checkpoints", "landscape", "--axes", "random", "--checkpoints", Lenet);
        Add("--trajectory is read only by --axes pca", "landscape", "--trajectory", $"{Lenet},{Lenet}");
        Add("--trajectory is read only by --axes pca", "landscape", "--axes", "hessian", "--trajectory", $"{Lenet},{Lenet}");
        Add("--directions is read only by --axes file", "landscape", "--directions", Lenet);
        Add("--optimizer-state is read only by --axes adam", "landscape", "--axes", "random", "--optimizer-state", Lenet);
        Add("--hessian-run gives Hessian axes, but no plane here has them", "landscape", "--hessian-run", Path.Combine(Inputs, "bad-hessian-run"));
        Add("--eigen-pair chooses the Hessian axes", "landscape", "--eigen-pair", "0,2");
        Add("--eigen-pair chooses the Hessian axes", "landscape", "--axes", "random", "--eigen-pair", "0,1");
        Add("--operator chooses the Hessian axes", "landscape", "--operator", "ggn");
        Add("--order is not used by --norm none", "landscape", "--norm", "none", "--order", "1");
        // --all-modes: its panel is random axes and then Hessian or Adam axes; other axes and single-plane settings are refused.
        Add("--all-modes draws random axes and then Hessian or Adam axes", "landscape", "--all-modes", "--axes", "pca", "--trajectory", $"{Lenet},{Lenet}");
        Add("--all-modes draws random axes and then Hessian or Adam axes", "landscape", "--all-modes", "--axes", "random");
        Add("--norm is not used with --all-modes", "landscape", "--all-modes", "--norm", "layer");
        Add("--num-plots is not used with --all-modes", "landscape", "--all-modes", "--num-plots", "3");
        Add("--mode is not used with --all-modes", "landscape", "--all-modes", "--axes", "adam", "--mode", "adameq");
        return cases;
    }

    [Theory]
    [MemberData(nameof(Refused))]
    public void An_ignored_or_contradictory_flag_is_one_line_exit_2_and_leaves_no_file(string command, string expected)
    {
        TestTorch.Init();
        string cwd = Paths.NewTempFolder();
        var outcome = InProcessLla.Run(cwd, command.Split(' ').Concat(new[] { "--out", "run" }).ToArray());
        Refusal.AssertOneLine(outcome, expected);
        Assert.Empty(Directory.GetFileSystemEntries(cwd));
    }

    [Fact]
    public void All_modes_with_hessian_axes_is_the_panel_on_hessian_axes_and_without_axes_too()
    {
        var planes = PlaneSpec.Planes(AxesKind.Hessian, NormKind.Filter, 2, UpdateRule.Add, 42, 1, allModes: true);
        Assert.Equal(8, planes.Count);
        Assert.Equal(new[] { AxesKind.Random, AxesKind.Hessian }, planes.Select(p => p.Axes).Distinct());
        var adam = PlaneSpec.Planes(AxesKind.Adam, NormKind.Filter, 2, UpdateRule.Add, 42, 1, allModes: true);
        Assert.Contains(adam, p => p.Axes == AxesKind.Adam && p.Mode == UpdateRule.AdamEq);
        // Formerly any other axes were silently replaced by Hessian axes.
        Assert.Throws<LlaException>(() => PlaneSpec.Planes(AxesKind.Pca, NormKind.Filter, 2, UpdateRule.Add, 42, 1, allModes: true));
    }

    public static TheoryData<string, string> RefusedAfterLoading() => new()
    {
        // A checkpoint of another model: found when the checkpoint is read against the model.
        { $"landscape --model mlp --weights none --axes checkpoints --checkpoints {Paths.EmbeddedWeights}", "" },
        // A Hessian run whose eigenvectors.bin is garbage.
        { $"landscape --axes hessian --hessian-run {Path.Combine(Inputs, "bad-hessian-run")}", "eigenvectors.bin" },
    };

    [Theory]
    [MemberData(nameof(RefusedAfterLoading))]
    public void A_run_refused_after_loading_leaves_no_plan_and_no_folder(string command, string expected)
    {
        TestTorch.Init();
        string cwd = Paths.NewTempFolder();
        var outcome = InProcessLla.Run(cwd, command.Split(' ').Concat(new[] { "--out", "run", "--batch-size", "64", "--steps", "2" }).ToArray());
        Refusal.AssertOneLine(outcome, expected);
        Assert.Empty(Directory.GetFileSystemEntries(cwd));
    }

    [Theory]
    [MemberData(nameof(RefusedAfterLoading))]
    public void A_run_refused_after_loading_adds_nothing_to_a_folder_that_existed(string command, string expected)
    {
        TestTorch.Init();
        string cwd = Paths.NewTempFolder();
        Directory.CreateDirectory(Path.Combine(cwd, "run"));
        File.WriteAllText(Path.Combine(cwd, "run", "notes.txt"), "mine");
        var outcome = InProcessLla.Run(cwd, command.Split(' ').Concat(new[] { "--out", "run", "--batch-size", "64", "--steps", "2" }).ToArray());
        Refusal.AssertOneLine(outcome, expected);
        Assert.Equal(new[] { "notes.txt" }, Directory.GetFileSystemEntries(Path.Combine(cwd, "run")).Select(Path.GetFileName));
    }

}
