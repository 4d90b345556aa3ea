using Lla.Objectives;
using Lla.Guard;
using Lla.Curvature;
using Lla.Data;
using Lla.Models;
using static TorchSharp.torch;

namespace Lla.Runs;

/// <summary>
/// A model with its weights, the analysed batches and the objective over them, in analysis mode
/// (BatchNorm as chosen, buffers restored on dispose). Shared by every command that analyses a model.
/// </summary>
public sealed class AnalysisSession : IDisposable
{
    public ModelSource Source { get; }
    public Dataset Data { get; }
    public List<Batch> Batches { get; }
    public nn.Module<Tensor, Tensor> Model { get; }
    public Objective Objective { get; }
    public BatchNormMode BatchNorm { get; }
    private readonly AnalysisMode _mode;

    private AnalysisSession(ModelSource source, Dataset data, List<Batch> batches, nn.Module<Tensor, Tensor> model, BatchNormMode bn)
    {
        Source = source;
        Data = data;
        Batches = batches;
        Model = model;
        BatchNorm = bn;
        _mode = new AnalysisMode(model, bn);
        Objective = new Objective(model, source.LossFunction, batches);
    }

    /// <summary>
    /// Opens the model and the selected data. The objective is split into the selection's micro-batch, or, without one,
    /// a GPT's default (<see cref="EvaluationMicroBatch"/>), so that every evaluation and product on it holds the
    /// activations of one micro-batch; a job may split it again (a Hessian run, from its memory plan).
    /// </summary>
    public static AnalysisSession Open(ModelSource source, DataSelection selection)
    {
        var session = OpenWhole(source, selection);
        try
        {
            EvaluationMicroBatch.Apply(session.Objective, selection.MicroBatch);
            return session;
        }
        catch
        {
            session.Dispose();
            throw;
        }
    }

    private static AnalysisSession OpenWhole(ModelSource source, DataSelection selection)
    {
        // NNPACK is never used where oneDNN is off on these CPUs, but libtorch warns on every convolution unless it is off too.
        Native.RuntimeSetup.DisableNnpack();
        var data = source.LoadData(selection.Split);
        try
        {
            var batches = data.Batches(selection.BatchSize, selection.MaxBatches, selection.Shuffle, source.Seed, source.Device);
            if (source.DType != ScalarType.Float32)
                batches = batches.Select(b => new Batch(b.Inputs.to(source.DType).DetachFromDisposeScope(), b.Targets)).ToList();
            var model = source.Build(data);
            return new AnalysisSession(source, data, batches, model, selection.BatchNorm);
        }
        catch
        {
            data.Dispose();
            throw;
        }
    }

    /// <summary>
    /// The numeric guard's batch: the first <see cref="NumericGuard.BatchSize"/> samples of the first analysed batch (the
    /// analysis's shapes but the first); for a GPT its first window only, since the guard's 66 products on a whole batch of
    /// windows would cost as much as the analysis (docs/language-models.md, "Memory").
    /// </summary>
    public Batch GuardSample()
    {
        var first = Batches[0];
        long n = Math.Min(NumericGuard.BatchSizeFor(Model), first.Count);
        return new Batch(first.Inputs.narrow(0, 0, n), first.Targets.narrow(0, 0, n));
    }


    public Func<nn.Module<Tensor, Tensor>> Float64Twin() => Source.Float64Twin(Model, Data, BatchNorm);

    /// <summary>The numeric guard before backward work, on this model, its float64 twin and the guard sample, checking what <paramref name="probe"/> names.</summary>
    public OneDnnDecision DecideOneDnn(OneDnnSetting setting, GuardProbe probe) =>
        OneDnnPolicy.Decide(setting, Model, Float64Twin(), Source.LossFunction, GuardSample(), probe);

    /// <summary>The numeric guard again after the work (<paramref name="stage"/>: "the analysis", "the curve's training"), with the setting it ran under.</summary>
    public OneDnnDecision PostCheck(OneDnnDecision decision, GuardProbe probe, string stage) =>
        OneDnnPolicy.PostCheck(decision, Model, Float64Twin(), Source.LossFunction, GuardSample(), probe, stage);

    /// <summary>Accuracy on the data's test split in eval mode (running statistics); the analysis mode is restored after.</summary>
    public double TestAccuracy()
    {
        using var test = Source.LoadData(Split.Test);
        var batches = test.Batches(1024, null, false, 0, Source.Device);
        if (Source.DType != ScalarType.Float32)
            batches = batches.Select(b => new Batch(b.Inputs.to(Source.DType).DetachFromDisposeScope(), b.Targets)).ToList();
        using var eval = new AnalysisMode(Model, BatchNormMode.Eval);
        // In the analysis's micro-batches: 1,024 windows of a GPT's logits at once would need tens of GB.
        var objective = new Objective(Model, Source.LossFunction, batches);
        objective.SplitInto(Objective.MicroBatch);
        double accuracy = objective.Evaluate().Accuracy;
        foreach (var b in batches) b.Dispose();
        return accuracy;
    }

    public void Dispose()
    {
        _mode.Dispose();
        foreach (var b in Batches) b.Dispose();
        Data.Dispose();
    }
}
