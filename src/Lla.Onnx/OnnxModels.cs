using Lla.Models;
using TorchSharp;

namespace Lla.Onnx;

/// <summary>Makes <c>onnx:FILE</c> a model name (ModelSource, every command): the graph rebuilt as a differentiable module.</summary>
public static class OnnxModels
{
    public const string Prefix = "onnx:";

    public static void Register() =>
        ModelFiles.Register(Prefix, new ModelFiles.Format("ONNX", path => OnnxModel.Load(path), (module, dtype) => { module.to(dtype); return module; })
        {
            LoadBound = (path, bound) => OnnxModel.Load(path, bound),
            Notes = module => OnnxLoadNotes.Of((OnnxModule)module),
        });
}
