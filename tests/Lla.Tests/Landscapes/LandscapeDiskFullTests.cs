using Lla.Data;
using Lla.Landscapes;
using Lla.Models;
using Lla.Objectives;
using Lla.Runs;
using Lla.Tests.Support;

namespace Lla.Tests.Landscapes;

/// <summary>
/// A landscape interrupted by an IO error (the disk filling) keeps a resumable state: the plan, the
/// directions and the point log up to the last finished point; --resume continues from there. The
/// error is raised through the progress callback after a finished point (a seam for a full disk),
/// and, where this machine allows a small tmpfs, by a real full disk.
/// </summary>
public class LandscapeDiskFullTests
{
    private static LandscapeRunOptions Options(string outDir, bool resume = false) => new()
    {
        Source = new ModelSource("lenet", Paths.EmbeddedWeights, "idx:" + Paths.EmbeddedData, TorchSharp.torch.ScalarType.Float32, 42),
        Selection = new DataSelection(Split.Train, BatchSize: 128, MaxBatches: 1, Shuffle: false, BatchNormMode.Train),
        Planes = new[] { new PlaneSpec(AxesKind.Random, NormKind.Filter, 2, UpdateRule.Add, 42) },
        Steps = 4,
        OutDir = outDir,
        Resume = resume,
    };

    [Fact]
    public void A_run_stopped_by_an_io_error_after_some_points_keeps_them_and_resumes()
    {
        TestTorch.Init();
        string cut = Path.Combine(Paths.NewTempFolder(), "cut");
        Assert.Throws<IOException>(() => LandscapeRun.Execute(Options(cut), p =>
        {
            if (p.Unit == "points" && p.Done >= 7) throw new IOException("No space left on device");
        }));
        // Kept: the plan, the directions, the 7 finished points (not removed as a failed run's leftovers).
        Assert.True(File.Exists(Path.Combine(cut, LandscapePlan.FileName)));
        Assert.True(File.Exists(Path.Combine(cut, "landscape-0.directions.bin")));
        Assert.Equal(7, File.ReadAllLines(Path.Combine(cut, "landscape-0.points")).Count(l => l.EndsWith(';')));
        Assert.False(File.Exists(Path.Combine(cut, "results.json")));
        Assert.False(File.Exists(Path.Combine(cut, RunLock.FileName)));

        var resumed = LandscapeRun.Execute(Options(cut, resume: true));
        Assert.Equal(7, resumed.Landscapes[0].PointsResumed);
        Assert.Equal(25 - 7, resumed.Landscapes[0].PointsComputed);
    }

    [Fact]
    public void A_run_that_fails_before_its_first_point_leaves_nothing()
    {
        TestTorch.Init();
        string cut = Path.Combine(Paths.NewTempFolder(), "cut");
        // Hessian axes are computed after the plan is written; an eigenvector index beyond the dimension fails there.
        var options = Options(cut) with { Planes = new[] { new PlaneSpec(AxesKind.Hessian, NormKind.None, 2, UpdateRule.Add, 42) }, EigenSecond = 100_000 };
        Assert.Throws<LlaException>(() => LandscapeRun.Execute(options));
        Assert.False(Directory.Exists(cut));
        // In a folder that existed, nothing new is left.
        Directory.CreateDirectory(cut);
        File.WriteAllText(Path.Combine(cut, "notes.txt"), "mine");
        Assert.Throws<LlaException>(() => LandscapeRun.Execute(options));
        Assert.Equal(new[] { "notes.txt" }, Directory.GetFileSystemEntries(cut).Select(Path.GetFileName));
    }

    [Fact]
    public void A_real_full_disk_keeps_the_finished_points_and_resume_continues_after_space_is_freed()
    {
        TestTorch.Init();
        string mount = Path.Combine(Paths.NewTempFolder(), "tiny");
        Directory.CreateDirectory(mount);
        var mounted = ProcessRunner.Run("mount", new[] { "-t", "tmpfs", "-o", "size=80m", "none", mount }, Path.GetTempPath());
        if (mounted.ExitCode != 0)
        {
            Console.Error.WriteLine($"SKIPPED (visibly): no tmpfs here ({mounted.Stderr.Trim()}); the progress-callback seam above covers the logic");
            return;
        }
        try
        {
            string cut = Path.Combine(mount, "cut");
            // (The run asks for 64 MiB of headroom beyond its directions before it starts.)
            // Once the first point is logged, the disk is filled but for a few kilobytes: the point log runs out within a few hundred points.
            string filler = Path.Combine(mount, "filler");
            var options = Options(cut) with { Steps = 16 };
            var error = Record.Exception(() => LandscapeRun.Execute(options, p =>
            {
                if (p.Unit == "points" && p.Done == 1) FillAllBut(filler, 4096);
            }));
            Assert.NotNull(error);
            int kept = File.Exists(Path.Combine(cut, "landscape-0.points"))
                ? File.ReadAllLines(Path.Combine(cut, "landscape-0.points")).Count(l => l.EndsWith(';')) : 0;
            Assert.True(kept > 0, $"no point kept before the disk filled ({error!.GetType().Name}: {error.Message})");
            File.Delete(filler);
            var resumed = LandscapeRun.Execute(options with { Resume = true });
            Assert.Equal(kept, resumed.Landscapes[0].PointsResumed);
            Assert.Equal(17 * 17, resumed.Landscapes[0].PointsResumed + resumed.Landscapes[0].PointsComputed);
        }
        finally
        {
            ProcessRunner.Run("umount", new[] { mount }, Path.GetTempPath());
        }
    }

    private static void FillAllBut(string path, long leave)
    {
        var drive = new DriveInfo(Path.GetDirectoryName(path)!);
        long size = Math.Max(0, drive.AvailableFreeSpace - leave);
        using var f = new FileStream(path, FileMode.Create);
        var block = new byte[65536];
        for (long written = 0; written < size; written += block.Length) f.Write(block, 0, (int)Math.Min(block.Length, size - written));
    }
}
