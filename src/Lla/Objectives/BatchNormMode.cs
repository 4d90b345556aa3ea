using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Lla.Objectives;

/// <summary>
/// How BatchNorm layers normalize during an analysis: <see cref="Train"/> uses each batch's own
/// statistics (as the seed library does), <see cref="Eval"/> the stored running statistics.
/// </summary>
public enum BatchNormMode { Train, Eval }

/// <summary>
/// Puts a model into analysis mode: every module in eval mode (no dropout noise) except BatchNorm
/// layers, which follow the chosen <see cref="BatchNormMode"/>. Train-mode forwards update running
/// statistics even under no_grad, so the buffers are saved here and restored on dispose: an analysis
/// never changes the model.
/// </summary>
public sealed class AnalysisMode : IDisposable
{
    private readonly nn.Module _model;
    private readonly List<(nn.Module Module, bool Training)> _modes;
    private readonly List<(Tensor Buffer, Tensor Saved)> _saved = new();

    public AnalysisMode(nn.Module model, BatchNormMode mode)
    {
        _model = model;
        // modules() leaves out the model itself: its own flag is saved too.
        _modes = model.modules().Prepend(model).Select(m => (m, m.training)).ToList();
        Set(model, mode);
        using var _ = no_grad();
        foreach (var (_, buffer) in model.named_buffers())
            _saved.Add((buffer, buffer.clone().DetachFromDisposeScope()));
    }

    /// <summary>Sets the modes without saving buffers (for throw-away copies of a model).</summary>
    public static void Set(nn.Module model, BatchNormMode mode)
    {
        model.eval();
        if (mode != BatchNormMode.Train) return;
        // A TorchScript model's submodules do not show their Python types: train mode for all of it.
        if (model is Lla.Models.TorchScriptModel) { model.train(); return; }
        foreach (var (_, module) in model.named_modules())
            if (IsBatchNorm(module)) module.train();
    }

    public static bool IsBatchNorm(nn.Module module) =>
        module is BatchNorm1d || module is BatchNorm2d || module is BatchNorm3d;

    public static bool HasBatchNorm(nn.Module model) => model.named_modules().Any(m => IsBatchNorm(m.module));

    public void Dispose()
    {
        using (no_grad())
        {
            foreach (var (buffer, saved) in _saved)
            {
                buffer.copy_(saved);
                saved.Dispose();
            }
        }
        _saved.Clear();
        foreach (var (module, training) in _modes) module.train(training);
    }
}
