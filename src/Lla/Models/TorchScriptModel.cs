using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Lla.Models;

/// <summary>
/// A model exported from PyTorch with <c>torch.jit.script</c> or <c>torch.jit.trace</c>, as a
/// module with one tensor input and one tensor output. Parameters, buffers, state dict and modes are
/// the script module's own, under their PyTorch names (no prefix), so Hessians, landscapes and
/// weight files work on it as on any other model. Its submodules are script modules whose Python
/// types are not visible here: BatchNorm train mode therefore puts the whole model in train mode
/// (which also enables any dropout it has).
/// </summary>
public sealed class TorchScriptModel : nn.Module<Tensor, Tensor>
{
    private readonly jit.ScriptModule<Tensor, Tensor> _script;

    public string Path { get; }

    private TorchScriptModel(jit.ScriptModule<Tensor, Tensor> script, string path) : base("torchscript")
    {
        _script = script;
        Path = path;
    }

    public static TorchScriptModel Load(string path)
    {
        Lla.Data.InputPaths.RequireFile(path, "TorchScript file");
        using (var f = File.OpenRead(path))
        {
            var head = new byte[2];
            if (f.Read(head, 0, 2) != 2 || head[0] != (byte)'P' || head[1] != (byte)'K')
                throw new LlaException($"{path} is not a TorchScript file (save one with torch.jit.script(model).save(path))");
        }
        try
        {
            var script = jit.load<Tensor, Tensor>(path);
            foreach (var (_, p) in script.named_parameters()) p.requires_grad = true;
            return new TorchScriptModel(script, path);
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            throw new LlaException($"{path} could not be loaded as TorchScript ({StateDictFiles.FirstLine(e.Message)})");
        }
    }

    public override Tensor forward(Tensor input) => _script.forward(input);

    /// <summary>Converts the script module's parameters and buffers (Module.to does not reach into a wrapped script module).</summary>
    public TorchScriptModel ToDType(ScalarType dtype)
    {
        _script.to(dtype);
        foreach (var (_, p) in _script.named_parameters()) p.requires_grad = true;
        return this;
    }

    // While disposing, the base class walks parameters and buffers to free them: the script module
    // frees its own, so the wrapper shows none then.
    private bool _disposing;

    public override IEnumerable<(string name, Parameter parameter)> named_parameters(bool recurse = true) =>
        _disposing ? Array.Empty<(string, Parameter)>() : _script.named_parameters(recurse);
    public override IEnumerable<Parameter> parameters(bool recurse = true) =>
        _disposing ? Array.Empty<Parameter>() : _script.parameters(recurse);
    public override IEnumerable<(string name, Tensor buffer)> named_buffers(bool recurse = true, bool include_nonpersistent = true) =>
        _disposing ? Array.Empty<(string, Tensor)>() : _script.named_buffers(recurse, include_nonpersistent);
    public override Dictionary<string, Tensor> state_dict(Dictionary<string, Tensor>? destination = null, string? prefix = null) =>
        _script.state_dict(destination, prefix);

    public override void train(bool train = true)
    {
        base.train(train);
        _script.train(train);
    }

    public override void eval() => train(false);

    protected override void Dispose(bool disposing)
    {
        if (_disposing) return;
        _disposing = true;
        if (disposing) _script.Dispose();
        base.Dispose(disposing);
    }
}
