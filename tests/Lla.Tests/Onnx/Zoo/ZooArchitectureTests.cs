using Lla.Tests.Support;
using Xunit.Abstractions;

namespace Lla.Tests.Onnx.Zoo;

/// <summary>
/// TorchVision architectures exported by PyTorch 1.13 at opset 17 and at opset 11 (tests/fixtures/onnx-zoo/make_zoo.py,
/// random seeded weights, 10 classes, 4 images of 3×32×32) load and give PyTorch's logits and its float64 top
/// Hessian eigenvalue of the mean cross-entropy over all parameters (BatchNorm with running statistics).
/// The tolerances and why: <see cref="ZooCheck"/>.
/// </summary>
public class ZooArchitectureTests
{
    private readonly ITestOutputHelper _output;

    public ZooArchitectureTests(ITestOutputHelper output)
    {
        TestTorch.Init();
        _output = output;
    }

    private void Eigenvalue(string name, int opset) =>
        _output.WriteLine($"{name} opset {opset}: λ1 within {ZooCheck.TopEigenvalue(name, opset):E1} of PyTorch's (relative)");

    private void Logits(string name, int opset) =>
        _output.WriteLine($"{name} opset {opset}: logits within {ZooCheck.Logits(name, opset):E1} of PyTorch's (relative to the largest)");

    /// <summary>The committed exports (150 kB to 1.1 MB each).</summary>
    [Theory]
    [InlineData("vit", 17)]
    [InlineData("vit", 11)]
    [InlineData("mobilenet_v2", 17)]
    [InlineData("mobilenet_v2", 11)]
    public void Committed_export_gives_pytorch_logits(string name, int opset) => Logits(name, opset);

    /// <summary>The architectures whose float64 top eigenvalue reference.json records (make_zoo.py without --skip-eigen).</summary>
    [Theory]
    [InlineData("vit", 17)]
    [InlineData("vit", 11)]
    public void Committed_export_gives_pytorch_top_hessian_eigenvalue(string name, int opset) => Eigenvalue(name, opset);

    /// <summary>MobileNet-V2's depthwise convolutions make float64 HVPs slow (35–45 s per Lanczos run on the shared 2-core machine).</summary>
    [Theory]
    [Trait(TestCategory.Name, TestCategory.Slow)]
    [InlineData("mobilenet_v2", 17)]
    [InlineData("mobilenet_v2", 11)]
    public void Committed_depthwise_export_gives_pytorch_top_hessian_eigenvalue(string name, int opset) => Eigenvalue(name, opset);

    /// <summary>The exports too big to commit (1.5–110 MB each), made again by make_zoo.py where PyTorch is installed.</summary>
    [RequiresTorchVisionTheory]
    [Trait(TestCategory.Name, TestCategory.Slow)]
    [InlineData("shufflenet_v2", 17)]
    [InlineData("shufflenet_v2", 11)]
    [InlineData("mnasnet", 17)]
    [InlineData("mnasnet", 11)]
    [InlineData("squeezenet", 17)]
    [InlineData("squeezenet", 11)]
    [InlineData("resnet18", 17)]
    [InlineData("resnet18", 11)]
    [InlineData("efficientnet_b0", 17)]
    [InlineData("efficientnet_b0", 11)]
    [InlineData("densenet121", 17)]
    [InlineData("densenet121", 11)]
    [InlineData("regnet_y_400mf", 17)]
    [InlineData("regnet_y_400mf", 11)]
    [InlineData("convnext_tiny", 17)]
    [InlineData("convnext_tiny", 11)]
    public void Regenerated_export_gives_pytorch_logits(string name, int opset) => Logits(name, opset);

    /// <summary>The uncommitted exports whose float64 Lanczos is quick (under a million parameters).</summary>
    [RequiresTorchVisionTheory]
    [Trait(TestCategory.Name, TestCategory.Slow)]
    [InlineData("shufflenet_v2", 17)]
    [InlineData("shufflenet_v2", 11)]
    [InlineData("mnasnet", 17)]
    [InlineData("mnasnet", 11)]
    [InlineData("squeezenet", 17)]
    [InlineData("squeezenet", 11)]
    public void Regenerated_export_gives_pytorch_top_hessian_eigenvalue(string name, int opset) => Eigenvalue(name, opset);

    /// <summary>
    /// The committed exports with a Lanczos basis of 5 vectors (as when memory allows no more): the thick-restarted run
    /// restarts and reaches PyTorch's λ1 within the same tolerance as the plain run, with a converged residual.
    /// </summary>
    [Theory]
    [Trait(TestCategory.Name, TestCategory.Slow)]
    [InlineData("vit", 17)]
    [InlineData("mobilenet_v2", 17)]
    public void A_restarted_small_basis_gives_pytorch_top_hessian_eigenvalue(string name, int opset)
    {
        var (error, restarts, steps) = ZooCheck.TopEigenvalue(name, opset, basis: 5);
        Assert.True(restarts > 0, $"{name}: a basis of 5 did not restart ({steps} steps)");
        _output.WriteLine($"{name} opset {opset}, basis 5: λ1 within {error:E1} of PyTorch's after {steps} steps, {restarts} restarts");
    }

    /// <summary>The big ones (3.9M to 27.8M parameters): their own category, left out of CI (see <see cref="TestCategory.Zoo"/>).</summary>
    [RequiresTorchVisionTheory]
    [Trait(TestCategory.Name, TestCategory.Zoo)]
    [InlineData("resnet18", 17)]
    [InlineData("resnet18", 11)]
    [InlineData("efficientnet_b0", 17)]
    [InlineData("efficientnet_b0", 11)]
    [InlineData("densenet121", 17)]
    [InlineData("densenet121", 11)]
    [InlineData("regnet_y_400mf", 17)]
    [InlineData("regnet_y_400mf", 11)]
    [InlineData("convnext_tiny", 17)]
    [InlineData("convnext_tiny", 11)]
    public void Big_regenerated_export_gives_pytorch_top_hessian_eigenvalue(string name, int opset) => Eigenvalue(name, opset);
}
