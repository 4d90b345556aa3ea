namespace Lla.Training;

/// <summary>How the learning rate changes over a training (<c>--schedule</c>).</summary>
public enum ScheduleKind
{
    /// <summary>The learning rate after the warm-up, every step (the default).</summary>
    Constant,
    /// <summary>nanoGPT's cosine decay from the learning rate down to the minimum over the run, after the warm-up.</summary>
    Cosine,
}

/// <summary>
/// The learning rate of every step of a run of <see cref="TotalSteps"/> optimizer steps, nanoGPT's <c>get_lr</c>
/// with <c>lr_decay_iters</c> = the run's steps S, for step index t = 0 … S − 1 (counted over the whole run, across epochs):
/// <list type="bullet">
/// <item>t &lt; W (warm-up): lr·(t + 1)/(W + 1);</item>
/// <item>otherwise, constant: lr; cosine: min + ½(1 + cos(π·(t − W)/(S − W)))·(lr − min), which starts at lr when t = W and would reach min at t = S, one step after the last.</item>
/// </list>
/// W &lt; S is required (<see cref="Trainer.Schedule"/> refuses a longer warm-up). Pure: no tensors.
/// </summary>
public sealed record LearningRateSchedule(ScheduleKind Kind, double Peak, double Min, int WarmupSteps, long TotalSteps)
{
    /// <summary>Whether every step runs at <see cref="Peak"/> (a constant schedule without warm-up): nothing to set or save.</summary>
    public bool IsConstant => Kind == ScheduleKind.Constant && WarmupSteps == 0;

    /// <summary>The learning rate of step <paramref name="step"/> (0-based, over the whole run).</summary>
    public double At(long step)
    {
        if (step < WarmupSteps) return Peak * (step + 1) / (WarmupSteps + 1);
        return Kind switch
        {
            ScheduleKind.Constant => Peak,
            ScheduleKind.Cosine => step > TotalSteps ? Min : Cosine(step),
        };
    }

    private double Cosine(long step)
    {
        double ratio = (double)(step - WarmupSteps) / (TotalSteps - WarmupSteps);
        double coefficient = 0.5 * (1.0 + Math.Cos(Math.PI * ratio));
        return Min + coefficient * (Peak - Min);
    }
}

/// <summary>
/// An optimizer whose learning rate follows a schedule: before each step it sets the rate of the step's
/// position, as nanoGPT sets its param_groups' lr. The position (the steps taken) is saved with the
/// optimizer's state as "schedule_step", so a resumed training continues the schedule where it stopped.
/// </summary>
public sealed class ScheduledOptimizer(IOptimizer inner, LearningRateSchedule schedule) : IOptimizer
{
    public const string PositionKey = "schedule_step";

    public IOptimizer Inner => inner;
    public LearningRateSchedule Schedule => schedule;
    /// <summary>The index of the next step (0-based over the whole run).</summary>
    public long Position { get; private set; }

    public string Name => inner.Name;
    public double LearningRate { get => inner.LearningRate; set => inner.LearningRate = value; }

    public void Step()
    {
        inner.LearningRate = schedule.At(Position);
        inner.Step();
        Position++;
    }

    public void ZeroGrad() => inner.ZeroGrad();

    public IEnumerable<KeyValuePair<string, TorchSharp.torch.Tensor>> State() =>
        inner.State().Append(new(PositionKey, TorchSharp.torch.tensor(Position)));

    public void Restore(IReadOnlyDictionary<string, TorchSharp.torch.Tensor> state)
    {
        inner.Restore(state);
        Position = AdamMoments.Entry(state, PositionKey).ToInt64();
    }
}
