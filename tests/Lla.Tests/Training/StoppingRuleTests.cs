using Lla.Data;
using Lla.Models;
using Lla.Objectives;
using Lla.Tests.Support;
using Lla.Training;

namespace Lla.Tests.Training;

/// <summary>
/// The stopping rule of a converged zoo (PGDL): training ends after the first epoch whose eval-mode accuracy on the
/// training samples reaches the share asked for, the epochs being a cap; an interrupted run whose last kept epoch met
/// the rule resumes to the same weights without training further. A VGG of width 4 on 300 embedded images (seconds).
/// </summary>
[Collection("console")]
public class StoppingRuleTests
{
    private sealed class Interrupted : Exception;

    private static TrainRunOptions Options(string save, double stop, bool resume = false) => new()
    {
        Source = ModelSource.Resolve("vgg:depth=1,width=4", ModelSource.RandomWeights, DataSpec.First(300, "idx:" + Paths.EmbeddedData), "float32", 5),
        Training = new TrainOptions { Epochs = 30, BatchSize = 32, LearningRate = 0.003, Seed = 5, StopAccuracy = stop },
        Save = save,
        Resume = resume,
    };

    [Fact]
    public void Training_stops_after_the_first_epoch_that_reaches_the_rule_and_records_why()
    {
        TestTorch.Init();
        string dir = Paths.NewTempFolder(), save = Path.Combine(dir, "m.bin");
        var lines = new List<string>();
        var record = TrainRun.Execute(Options(save, 0.6), lines.Add);
        int stopped = record.Epochs.Count;
        Assert.InRange(stopped, 2, 29);
        Assert.True(record.Epochs[^1].FitAccuracy >= 0.6, $"last epoch's eval-mode accuracy {record.Epochs[^1].FitAccuracy}");
        Assert.All(record.Epochs.Take(stopped - 1), e => Assert.True(e.FitAccuracy < 0.6, $"epoch {e.Epoch} had {e.FitAccuracy} already"));
        Assert.Contains(lines, l => l.StartsWith($"stopped after epoch {stopped} of 30: accuracy on the training samples", StringComparison.Ordinal));
        Assert.Equal(0.6, record.Options switch { TrainSettings t => t.StopAccuracy, _ => double.NaN });
        // Without the rule every epoch runs (here: capped at 3 to stay quick) and no eval-mode accuracy is measured.
        var whole = TrainRun.Execute(Options(Path.Combine(dir, "w.bin"), 0) with { Training = Options(save, 0).Training with { Epochs = 3 } }, _ => { });
        Assert.Equal(3, whole.Epochs.Count);
        Assert.All(whole.Epochs, e => Assert.Null(e.FitAccuracy));
    }

    [Fact]
    public void A_run_interrupted_after_the_converged_epoch_resumes_without_training_further()
    {
        TestTorch.Init();
        string dir = Paths.NewTempFolder(), whole = Path.Combine(dir, "whole.bin"), cut = Path.Combine(dir, "cut.bin");
        var uninterrupted = TrainRun.Execute(Options(whole, 0.6), _ => { });
        int last = uninterrupted.Epochs.Count;
        // Killed after the converged epoch's progress was saved, before the final checkpoint.
        Assert.Throws<Interrupted>(() => TrainRun.Execute(Options(cut, 0.6), line => { if (line.StartsWith($"epoch {last}/30", StringComparison.Ordinal)) throw new Interrupted(); }));
        var lines = new List<string>();
        var resumed = TrainRun.Execute(Options(cut, 0.6, resume: true), lines.Add);
        Assert.Equal(last, resumed.Epochs.Count);
        Assert.DoesNotContain(lines, l => l.StartsWith("epoch ", StringComparison.Ordinal));
        var a = TensorFile.Read(whole);
        var b = TensorFile.Read(cut);
        foreach (var (name, tensor) in a.Where(kv => !kv.Key.StartsWith("optimizer", StringComparison.Ordinal)))
            Assert.True(tensor.equal(b[name]).all().item<bool>(), $"{name} differs");
    }

    [Fact]
    public void Evaluating_the_last_epoch_only_leaves_the_weights_and_the_last_record_as_they_were()
    {
        TestTorch.Init();
        string dir = Paths.NewTempFolder(), every = Path.Combine(dir, "every.bin"), last = Path.Combine(dir, "last.bin");
        var everyEpoch = TrainRun.Execute(Options(every, 0.6) with { ValidationSplit = 0.1 }, _ => { });
        var lastOnly = TrainRun.Execute(Options(last, 0.6) with { ValidationSplit = 0.1, EvaluateLastEpochOnly = true }, _ => { });
        Assert.Equal(everyEpoch.Epochs.Count, lastOnly.Epochs.Count);
        Assert.InRange(lastOnly.Epochs.Count, 2, 29);
        Assert.All(lastOnly.Epochs.SkipLast(1), e => Assert.True(double.IsNaN(e.TestAccuracy ?? double.NaN) && double.IsNaN(e.ValidationAccuracy ?? double.NaN), $"epoch {e.Epoch} was evaluated"));
        Assert.Equal(everyEpoch.Epochs[^1] with { Seconds = 0 }, lastOnly.Epochs[^1] with { Seconds = 0 });
        Assert.InRange(lastOnly.Epochs[^1].TestAccuracy ?? double.NaN, 0.3, 1);
        Assert.InRange(lastOnly.Epochs[^1].ValidationAccuracy ?? double.NaN, 0.3, 1);
        var a = TensorFile.Read(every);
        var b = TensorFile.Read(last);
        foreach (var (name, tensor) in a.Where(kv => !kv.Key.StartsWith("optimizer", StringComparison.Ordinal)))
            Assert.True(tensor.equal(b[name]).all().item<bool>(), $"{name} differs");
    }

    [Fact]
    public void A_share_outside_zero_to_one_is_refused()
    {
        var e = Assert.Throws<LlaException>(() => Trainer.ValidateSettings(new TrainOptions { StopAccuracy = 1.5 }));
        Assert.Contains("stopping rule's training accuracy must be a share in [0, 1]", e.Message);
    }
}
