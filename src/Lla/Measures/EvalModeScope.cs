using Lla.Objectives;
using static TorchSharp.torch;

namespace Lla.Measures;

/// <summary>
/// Eval mode for a forward-only measure (<see cref="AnalysisMode"/> with <see cref="BatchNormMode.Eval"/>),
/// restoring on dispose the buffers and the train/eval flag of every module, the model itself included
/// (AnalysisMode restores the submodules' flags; <c>modules()</c> does not list the root).
/// </summary>
internal sealed class EvalModeScope : IDisposable
{
    private readonly nn.Module _model;
    private readonly bool _rootTraining;
    private readonly List<(nn.Module Module, bool Training)> _modes;
    private readonly AnalysisMode _inner;

    public EvalModeScope(nn.Module model)
    {
        _model = model;
        _rootTraining = model.training;
        _modes = model.modules().Select(m => (m, m.training)).ToList();
        _inner = new AnalysisMode(model, BatchNormMode.Eval);
    }

    public void Dispose()
    {
        _inner.Dispose();
        // train(bool) recurses: set the root first, then every submodule, parents before children.
        _model.train(_rootTraining);
        foreach (var (module, training) in _modes) module.train(training);
    }
}
