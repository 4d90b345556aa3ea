using System.Diagnostics;
using System.Text.Json.Nodes;
using Lla.Curvature;
using Lla.Models;
using Lla.Tests.Support;
using Lla.Training;
using static TorchSharp.torch;

namespace Lla.Tests.Cli;

/// <summary>
/// `lla train` under hostile input (issue 23): absurd settings refused before any work, divergence and a
/// full disk as one line with nothing left behind but a resumable point, --save through a symbolic link,
/// the validation split's accuracy per epoch, and the weights a failed post-training guard keeps.
/// Trainings here are one or two epochs of the MLP on the embedded data in large batches (seconds).
/// </summary>
[Collection("console")]
public class TrainCaseTests
{
    private static readonly string[] Tiny = { "--model", "mlp", "--threads", "2", "--batch-size", "4096" };

    private static InProcessLla.Outcome Train(string cwd, params string[] args) =>
        InProcessLla.Run(cwd, new[] { "train" }.Concat(Tiny).Concat(args).ToArray());

    /// <summary>Exactly one line on stderr, "error: …" with <paramref name="expected"/>, exit 2, no stack trace.</summary>
    public static TheoryData<string, string> Refused() => new()
    {
        { "--lr 1e300 --save m.bin", "--lr must be at most 1000000 (got 1E+300)" },
        { "--lr 1e7 --save m.bin", "--lr must be at most" },
        { "--momentum -5 --optimizer sgd --save m.bin", "--momentum must be at least 0 and below 1 (got -5)" },
        { "--momentum 1 --optimizer sgd --save m.bin", "--momentum must be at least 0 and below 1" },
        { "--weight-decay -1 --save m.bin", "--weight-decay must not be negative (got -1)" },
        { "--epochs 1 --save-every 2 --save m.bin", "--save-every 2 is more than --epochs 1" },
        { "--epochs 2 --analyze-every 5 --save m.bin", "--analyze-every 5 is more than --epochs 2" },
        { "--save a-folder", "--save a-folder is a folder" },
        { "--save m.bin --epochs 1 --tensorboard tb --save-every 3", "--save-every 3 is more than --epochs 1" },
        { "--lr -0.5 --optimizer adamw --save m.bin", "--lr must be positive (got -0.5)" },
        { "--optimizer adamw --clip-grad-norm NaN --save m.bin", "--clip-grad-norm must be a finite number (got NaN)" }, // the command line refuses it
        { "--clip-grad-norm -1 --save m.bin", "--clip-grad-norm must be a positive number, or 0 for no clipping (got -1)" },
        { "--warmup-steps -1 --save m.bin", "--warmup-steps must not be negative (got -1)" },
        { "--schedule linear --save m.bin", "--schedule" },
        { "--min-lr 0.0001 --save m.bin", "--min-lr is where --schedule cosine decays to: add --schedule cosine, or leave --min-lr out" },
        { "--schedule cosine --min-lr 0.01 --save m.bin", "--min-lr must be at least 0 and at most --lr 0.001 (got 0.01)" },
        { "--optimizer adamw --beta2 1 --save m.bin", "--beta2 must be at least 0 and below 1 (got 1)" },
        // Known once the data is loaded, still before anything is written (the embedded data is a few steps of 4096 per epoch).
        { "--optimizer adamw --epochs 1 --warmup-steps 1000 --save m.bin", "--warmup-steps 1000 is not shorter than the run: --epochs 1 of" },
    };

    [Theory]
    [MemberData(nameof(Refused))]
    public void An_absurd_setting_is_refused_before_any_work(string args, string expected)
    {
        TestTorch.Init();
        string cwd = Paths.NewTempFolder();
        Directory.CreateDirectory(Path.Combine(cwd, "a-folder"));
        var outcome = Train(cwd, args.Split(' '));
        Refusal.AssertOneLine(outcome, expected);
        Assert.Equal(new[] { "a-folder" }, Directory.GetFileSystemEntries(cwd).Select(Path.GetFileName));
        Assert.Empty(Directory.GetFileSystemEntries(Path.Combine(cwd, "a-folder")));
    }

    [Fact]
    public void A_symbolic_link_to_a_missing_folder_is_refused_before_any_work()
    {
        TestTorch.Init();
        string cwd = Paths.NewTempFolder();
        File.CreateSymbolicLink(Path.Combine(cwd, "link.bin"), "no-such-folder/m.bin");
        Refusal.AssertOneLine(Train(cwd, "--epochs", "1", "--save", "link.bin"), "no-such-folder does not exist");
        Assert.Equal(new[] { "link.bin" }, Directory.GetFileSystemEntries(cwd).Select(Path.GetFileName));
    }

    [Fact]
    public void A_diverging_training_is_one_line_and_leaves_nothing_behind()
    {
        TestTorch.Init();
        string cwd = Paths.NewTempFolder();
        // Weight decay 1e6 at lr 1 multiplies every weight by about -1e6 per step: the loss is infinite in epoch 2,
        // after epoch 1 wrote its resume point (which a diverging training must not leave: it diverges again).
        var outcome = Train(cwd, "--epochs", "2", "--optimizer", "sgd", "--momentum", "0", "--lr", "1", "--weight-decay", "1e6", "--save", "m.bin", "--quiet");
        Refusal.AssertOneLine(outcome, "the training diverged in epoch 2, step 1: the loss became");
        Assert.EndsWith("lower --lr or --weight-decay", outcome.Stderr.Trim());
        Assert.Empty(Directory.GetFileSystemEntries(cwd)); // no m.bin.init, no resume point, no lock
    }

    [Fact]
    public void An_update_that_overflows_float32_is_reported_as_divergence()
    {
        TestTorch.Init();
        string cwd = Paths.NewTempFolder();
        var outcome = Train(cwd, "--epochs", "1", "--weight-decay", "1e300", "--save", "m.bin", "--quiet");
        Refusal.AssertOneLine(outcome, "the training diverged in epoch 1, step 1: the update overflowed");
        Assert.Empty(Directory.GetFileSystemEntries(cwd));
    }

    [Fact]
    public void Save_through_a_symbolic_link_writes_the_links_target()
    {
        TestTorch.Init();
        string cwd = Paths.NewTempFolder();
        Directory.CreateDirectory(Path.Combine(cwd, "real"));
        File.WriteAllText(Path.Combine(cwd, "real", "t.bin"), "old");
        File.CreateSymbolicLink(Path.Combine(cwd, "link.bin"), Path.Combine("real", "t.bin"));
        var outcome = Train(cwd, "--epochs", "1", "--save", "link.bin", "--quiet");
        Assert.True(outcome.ExitCode == 0, outcome.Stderr);
        var link = new FileInfo(Path.Combine(cwd, "link.bin"));
        Assert.Equal(Path.Combine("real", "t.bin"), link.LinkTarget); // still the link
        var entries = TensorFile.Read(Path.Combine(cwd, "real", "t.bin"));
        Assert.Contains(entries.Keys, k => k.StartsWith("optimizer.", StringComparison.Ordinal));
        foreach (var t in entries.Values) t.Dispose();
        Assert.True(File.Exists(Path.Combine(cwd, "link.bin.json")));
        Assert.Empty(Directory.GetFiles(Path.Combine(cwd, "real"), "*.tmp-*"));
    }

    [Fact]
    public void A_validation_split_prints_and_records_its_accuracy_every_epoch()
    {
        TestTorch.Init();
        string cwd = Paths.NewTempFolder();
        var outcome = Train(cwd, "--epochs", "2", "--validation-split", "0.2", "--save", "m.bin");
        Assert.True(outcome.ExitCode == 0, outcome.Stderr);
        var epochLines = outcome.Stdout.Split('\n').Where(l => l.StartsWith("epoch ", StringComparison.Ordinal)).ToArray();
        Assert.Equal(2, epochLines.Length);
        foreach (var line in epochLines) Assert.Matches(@"validation loss \d+\.\d{4}, validation accuracy \d+\.\d\d %", line);
        var epochs = JsonNode.Parse(File.ReadAllText(Path.Combine(cwd, "m.bin.json")))!["epochs"]!.AsArray();
        foreach (var e in epochs)
        {
            Assert.InRange(e!["validation_accuracy"]!.GetValue<double>(), 0.2, 1.0); // well above chance after an epoch
            Assert.True(e["validation_loss"]!.GetValue<double>() > 0);
        }
    }

    [Fact]
    public void Epoch_lines_leave_out_what_was_not_measured_and_counts_agree_in_number()
    {
        string line = TrainRun.EpochLine(new EpochReport(1, 0.5, 0.8, double.NaN, double.NaN, 1.25), 1);
        Assert.DoesNotContain("NaN", line);
        Assert.StartsWith("epoch 1/1: train loss 0.5000, train accuracy", line);
        Assert.DoesNotContain("test", line);
        Assert.Equal("epoch 2/3: train loss 2.0000 (perplexity 7.39), test loss 1.0000 (perplexity 2.72) (0.5 s)",
            TrainRun.EpochLine(new EpochReport(2, 2.0, double.NaN, 1.0, double.NaN, 0.5), 3, perplexity: true));
        Assert.Equal("1 epoch", TrainRun.Count(1, "epoch"));
        Assert.Equal("2 epochs", TrainRun.Count(2, "epoch"));
        Assert.Equal("0 epochs", TrainRun.Count(0, "epoch"));
    }

    [Fact]
    public void A_failing_write_of_a_weights_file_leaves_no_temporary_file()
    {
        TestTorch.Init();
        string dir = Paths.NewTempFolder(), target = Path.Combine(dir, "occupied");
        Directory.CreateDirectory(target); // the rename into place fails: a folder holds the name
        using var t = ones(3);
        Assert.ThrowsAny<IOException>(() => TensorFile.Write(target, new[] { new KeyValuePair<string, Tensor>("w", t) }));
        Assert.Equal(new[] { "occupied" }, Directory.GetFileSystemEntries(dir).Select(Path.GetFileName));
    }

    [RequiresTmpfsFact]
    public void A_full_disk_at_the_final_save_is_one_line_keeps_the_resume_point_and_no_temporary_file()
    {
        TestTorch.Init();
        using var disk = new Tmpfs("2500k"); // θ₀ (0.4 MB) and the resume point (1.2 MB) fit; the final file (1.2 MB) does not
        var outcome = Train(disk.Path, "--epochs", "1", "--save", "m.bin", "--quiet");
        Refusal.AssertOneLine(outcome, "could not write the training's files beside m.bin (No space left on device); the training up to its last finished epoch is kept in m.bin.resume: make room and add --resume");
        Assert.Equal(new[] { "m.bin.init", "m.bin.resume", "m.bin.resume.json" }, Directory.GetFileSystemEntries(disk.Path).Select(Path.GetFileName).Order());

        disk.Resize("8m");
        var resumed = Train(disk.Path, "--epochs", "1", "--save", "m.bin", "--resume");
        Assert.True(resumed.ExitCode == 0, resumed.Stderr);
        Assert.Contains("resuming after epoch 1 of 1: 1 epoch kept", resumed.Stdout);
        Assert.Equal(new[] { "m.bin", "m.bin.init", "m.bin.json" }, Directory.GetFileSystemEntries(disk.Path).Select(Path.GetFileName).Order());
    }

    [RequiresTmpfsFact]
    public void A_disk_too_full_for_the_initial_weights_leaves_nothing_behind()
    {
        TestTorch.Init();
        using var disk = new Tmpfs("200k");
        var outcome = Train(disk.Path, "--epochs", "1", "--save", "m.bin", "--quiet");
        Refusal.AssertOneLine(outcome, "(No space left on device); nothing was kept");
        Assert.Empty(Directory.GetFileSystemEntries(disk.Path));
    }

    /// <summary>A small tmpfs mounted for one test (root only), unmounted and removed after it.</summary>
    private sealed class Tmpfs : IDisposable
    {
        public string Path { get; } = Paths.NewTempFolder();

        public Tmpfs(string size) => Mount("-t", "tmpfs", "-o", $"size={size}", "tmpfs", Path);

        public void Resize(string size) => Mount("-o", $"remount,size={size}", Path);

        public void Dispose()
        {
            Mount("-u", Path); // umount
            Directory.Delete(Path);
        }

        public static bool TryProbe(out string reason)
        {
            try
            {
                using var probe = new Tmpfs("64k");
                reason = "";
                return true;
            }
            catch (Exception e)
            {
                reason = $"a tmpfs cannot be mounted here (root and mount(8) needed: {e.Message.Trim()})";
                return false;
            }
        }

        private static void Mount(params string[] args)
        {
            bool umount = args[0] == "-u";
            var info = new ProcessStartInfo(umount ? "umount" : "mount") { RedirectStandardError = true, RedirectStandardOutput = true };
            foreach (var a in umount ? args[1..] : args) info.ArgumentList.Add(a);
            using var process = Process.Start(info) ?? throw new InvalidOperationException("mount did not start");
            string error = process.StandardError.ReadToEnd();
            process.WaitForExit();
            if (process.ExitCode != 0) throw new InvalidOperationException($"{info.FileName} {string.Join(' ', info.ArgumentList)}: {error}");
        }
    }

    /// <summary>A test that mounts a small tmpfs (a real full disk); skipped, with the reason shown, where that is impossible.</summary>
    private sealed class RequiresTmpfsFactAttribute : FactAttribute
    {
        public RequiresTmpfsFactAttribute()
        {
            if (!OperatingSystem.IsLinux()) Skip = "a tmpfs needs Linux";
            else if (!Tmpfs.TryProbe(out string reason)) Skip = reason;
        }
    }
}
