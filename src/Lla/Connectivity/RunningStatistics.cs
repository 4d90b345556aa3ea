using Lla.Data;
using Lla.Objectives;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Lla.Connectivity;

/// <summary>BatchNorm running statistics recomputed for the current weights.</summary>
public static class RunningStatistics
{
    /// <summary>
    /// Resets every BatchNorm layer's running mean and variance, then makes one train-mode pass over
    /// <paramref name="batches"/> (without autograd) with a cumulative average: before batch k (1-based) the
    /// momentum is set to 1/k, so after K batches the running mean is (1/K) Σ_k mean_k and the running variance
    /// (1/K) Σ_k var_k (each batch's unbiased variance), as PyTorch's momentum=None gives. (TorchSharp's own
    /// momentum=null does not do this, so the factor is set explicitly.) The momenta are restored afterwards and
    /// the model is left with every module in eval mode. A model without BatchNorm is left unchanged.
    /// </summary>
    public static void Recompute(nn.Module<Tensor, Tensor> model, IReadOnlyList<Batch> batches)
    {
        var norms = model.modules().OfType<BatchNorm>().ToList();
        if (norms.Count == 0) return;
        if (batches.Count == 0) throw new LlaException("recomputing BatchNorm statistics needs at least one training batch");
        var momenta = norms.Select(n => n.momentum).ToList();
        try
        {
            foreach (var n in norms) n.reset_running_stats();
            AnalysisMode.Set(model, BatchNormMode.Train);
            using var _ = no_grad();
            for (int k = 0; k < batches.Count; k++)
            {
                using var scope = NewDisposeScope();
                foreach (var n in norms) n.momentum = 1.0 / (k + 1);
                model.forward(batches[k].Inputs);
            }
        }
        finally
        {
            for (int i = 0; i < norms.Count; i++) norms[i].momentum = momenta[i];
            AnalysisMode.Set(model, BatchNormMode.Eval);
        }
    }
}
