using System.Collections;
using TorchSharp.PyBridge;
using static TorchSharp.torch;

namespace Lla.Models;

/// <summary>
/// Reads named tensors from a weights file: a PyTorch <c>torch.save(model.state_dict())</c> file
/// (zip or legacy pickle, read with TorchSharp.PyBridge), a safetensors file, or TorchSharp's own
/// format (see <see cref="TensorFile"/>), told apart by their first bytes.
/// </summary>
public static class StateDictFiles
{
    public static Dictionary<string, Tensor> Read(string path)
    {
        Lla.Data.InputPaths.RequireFile(path, "weights file");
        var head = new byte[8];
        using (var f = File.OpenRead(path)) { _ = f.Read(head, 0, head.Length); }
        bool zip = head[0] == (byte)'P' && head[1] == (byte)'K';
        bool pickle = head[0] == 0x80 && head[1] <= 5; // legacy torch.save: pickle protocol header
        // TorchSharp's own format starts with its entry count in LEB128, which for a multiple of 128
        // entries (ResNet-20's state dict has 128) also begins 0x80 0x01-0x05: it is tried first and
        // fails within a few bytes on a real pickle.
        if (pickle && TryTensorFile(path) is { } own) return own;
        if (zip || pickle) return ReadPyTorch(path);
        if (path.EndsWith(".safetensors", StringComparison.OrdinalIgnoreCase)) return ReadSafetensors(path);
        return TensorFile.Read(path);
    }

    private static Dictionary<string, Tensor>? TryTensorFile(string path)
    {
        try { return TensorFile.Read(path); }
        catch (LlaException) { return null; }
    }

    private static Dictionary<string, Tensor> ReadPyTorch(string path)
    {
        Hashtable table;
        try { table = PyTorchUnpickler.UnpickleStateDict(path); }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            throw new LlaException($"{path} could not be read as a PyTorch state dict ({FirstLine(e.Message)})");
        }
        var result = new Dictionary<string, Tensor>();
        foreach (DictionaryEntry entry in table)
        {
            if (entry.Key is not string name) continue;
            if (entry.Value is Tensor t) result[name] = t;
        }
        if (result.Count == 0)
            throw new LlaException($"{path} holds no tensors: save the model's state_dict(), not the whole model or an optimizer");
        return result;
    }

    private static Dictionary<string, Tensor> ReadSafetensors(string path)
    {
        try { return Safetensors.LoadStateDict(path); }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            throw new LlaException($"{path} could not be read as safetensors ({FirstLine(e.Message)})");
        }
    }

    internal static string FirstLine(string message) => message.Split('\n')[0].Trim();
}
