using Lla.TensorBoard;
using Lla.Runs;
using Lla.Training;

namespace Lla.Training;

/// <summary>
/// What a training run logs to TensorBoard, at step = epoch (1-based): every epoch
/// <c>loss/train</c>, <c>accuracy/train</c>, <c>loss/test</c>, <c>accuracy/test</c> (as in FILE.json);
/// at every analysed epoch <c>hessian/lambda_max</c> (the largest-magnitude eigenvalue),
/// <c>hessian/trace</c>, <c>criteria/re</c>, <c>criteria/kh</c>, <c>criteria/ct</c> (as in that
/// analysis's results.json; a value that is null or not finite is left out) and the spectral density
/// as the histogram <c>hessian/spectral_density</c> (<see cref="HistogramBuckets.FromDensity"/>).
/// A front end adds the landscape figures (the library draws nothing).
/// </summary>
public static class TrainingEvents
{
    public static void Epoch(EventFileWriter writer, EpochReport e)
    {
        Scalar(writer, "loss/train", e.Epoch, e.TrainLoss);
        Scalar(writer, "accuracy/train", e.Epoch, e.TrainAccuracy);
        Scalar(writer, "loss/test", e.Epoch, e.TestLoss);
        Scalar(writer, "accuracy/test", e.Epoch, e.TestAccuracy);
    }

    public static void Analysis(EventFileWriter writer, int epoch, RunResults analysis)
    {
        if (analysis.Hessian is not { } h) return;
        if (h.TopEigenvalues is { Count: > 0 } top) Scalar(writer, "hessian/lambda_max", epoch, top[0]);
        Scalar(writer, "hessian/trace", epoch, h.Trace);
        Scalar(writer, "criteria/re", epoch, h.Criteria?.Re);
        Scalar(writer, "criteria/kh", epoch, h.Criteria?.Kh);
        Scalar(writer, "criteria/ct", epoch, h.Criteria?.Ct);
        if (h.Esd?.Density is { } density) writer.Histogram("hessian/spectral_density", epoch, HistogramBuckets.FromDensity(density));
    }

    private static void Scalar(EventFileWriter writer, string tag, long step, double? value)
    {
        if (value is { } v && double.IsFinite(v)) writer.Scalar(tag, step, v);
    }

    /// <summary>
    /// Refuses, before any work, a TensorBoard folder that cannot be one: an existing path that is not a
    /// folder, or a folder (or, when it does not exist yet, its nearest existing parent) where no file
    /// can be written. Creates nothing.
    /// </summary>
    public static void CheckFolder(string folder)
    {
        string full = Path.GetFullPath(folder);
        if (File.Exists(full)) throw new LlaException($"{{tensorboard}} {folder} is a file, not a folder");
        string? existing = full;
        while (existing is not null && !Directory.Exists(existing))
        {
            if (File.Exists(existing)) throw new LlaException($"{{tensorboard}} {folder}: {existing} is a file, not a folder");
            existing = Path.GetDirectoryName(existing);
        }
        if (existing is null) throw new LlaException($"{{tensorboard}} {folder}: no part of the path exists");
        string probe = Path.Combine(existing, $".lla-write-probe-{Guid.NewGuid():N}");
        try
        {
            using (File.Create(probe, 1, FileOptions.DeleteOnClose)) { }
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new LlaException($"{{tensorboard}} {folder}: cannot write in {existing} ({e.Message})");
        }
    }
}
