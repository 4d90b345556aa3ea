using Lla.Models;
using static TorchSharp.torch;

namespace Lla.Training;

/// <summary>A trained model on disk: its state dict plus the optimizer's state under "optimizer." (TorchSharp format, written atomically).</summary>
public static class Checkpoint
{
    public static void Save(string path, nn.Module model, IOptimizer? optimizer)
    {
        var entries = model.state_dict().Select(kv => kv);
        if (optimizer is not null)
            entries = entries.Concat(optimizer.State().Select(kv => new KeyValuePair<string, Tensor>(WeightsLoader.OptimizerPrefix + kv.Key, kv.Value)));
        TensorFile.Write(path, entries);
    }
}
