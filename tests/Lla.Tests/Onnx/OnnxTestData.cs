using Lla.Data;
using Lla.Objectives;
using Lla.Tests.Support;
using Microsoft.ML.OnnxRuntime;
using Microsoft.ML.OnnxRuntime.Tensors;
using Tensor = TorchSharp.torch.Tensor;

namespace Lla.Tests.Onnx;

/// <summary>The committed ONNX fixtures (tests/fixtures/onnx), a batch of embedded images and ONNX Runtime as the reference.</summary>
internal static class OnnxTestData
{
    public static string Model(string name) => Paths.Fixture(Path.Combine("onnx", name + ".onnx"));

    public static string LeNetStateDict => Paths.Fixture(Path.Combine("onnx", "lenet.pth"));

    private static readonly Lazy<Dataset> Test = new(() => IdxDataset.Load(Paths.EmbeddedData, Split.Test));

    /// <summary>The first <paramref name="count"/> embedded Fashion-MNIST test images (float32 [N,1,28,28]) and labels.</summary>
    public static Batch Images(int count, ScalarType dtype = ScalarType.Float32) =>
        new(Test.Value.Inputs.narrow(0, 0, count).to(dtype), Test.Value.Labels.narrow(0, 0, count).clone());

    /// <summary>ONNX Runtime's logits for float32 images.</summary>
    public static Tensor ReferenceLogits(string modelPath, Tensor images)
    {
        using var options = new SessionOptions { IntraOpNumThreads = 1 };
        using var session = new InferenceSession(modelPath, options);
        var data = images.to(ScalarType.Float32).contiguous().data<float>().ToArray();
        var input = new DenseTensor<float>(data, images.shape.Select(s => (int)s).ToArray());
        string name = session.InputMetadata.Keys.Single();
        using var results = session.Run(new[] { NamedOnnxValue.CreateFromTensor(name, input) });
        var output = results.First().AsTensor<float>();
        return tensor(output.ToArray()).reshape(output.Dimensions.ToArray().Select(d => (long)d).ToArray());
    }
}
