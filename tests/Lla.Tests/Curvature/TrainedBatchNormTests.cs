using Lla.Guard;
using System.Diagnostics;
using Lla.Curvature;
using Lla.Data;
using Lla.Models;
using Lla.Native;
using Lla.Objectives;
using Lla.Tests.Support;
using Lla.Vectors;
using Lla.Vision;
using SkiaSharp;
using Xunit.Abstractions;

namespace Lla.Tests.Curvature;

/// <summary>
/// Trained BatchNorm networks in float32 (issue 24): the numeric guard passes them with oneDNN kept on, and
/// their top Hessian eigenvalue agrees with a float64 twin's. Every comparison is on the same weights and the
/// same batch, BatchNorm in train mode (batch statistics, as analyses use); the twin is the one the commands
/// make (<see cref="ModelSource.Float64Twin"/>). Networks: the trained ResNet-20 fixture on the embedded data,
/// TorchVision's ResNet-18 trained here for two epochs on a small image folder, and the TorchScript BatchNorm CNN.
/// In the "console" collection: the ResNet-18 is trained through `lla train` in this process.
/// </summary>
[Collection("console")]
public class TrainedBatchNormTests
{
    private readonly ITestOutputHelper _output;

    public TrainedBatchNormTests(ITestOutputHelper output)
    {
        TestTorch.Init();
        VisionModels.Register();
        _output = output;
    }

    /// <summary>
    /// λ1 of float32 and of float64 may differ by this, relative (the acceptance). Both are Lanczos
    /// estimates converged far tighter (<see cref="Eigen"/>), so what is left is float32's rounding: measured
    /// 5e-9 (ResNet-20), 2.4e-6 (ResNet-18) and 3e-9 (TorchScript CNN), see the test output. Before Lanczos summed
    /// its float32 inner products in float64 blocks (<see cref="Reductions"/>), ResNet-18's was 3e-3 and failed here.
    /// </summary>
    private const double EigenvalueAgreement = 1e-3;

    /// <summary>
    /// Lanczos for one eigenpair, same seed in both precisions. It stops when the estimated relative residual
    /// ‖Hy − θy‖/|θ| is at most 1e-5: θ is then within 1e-5·|θ| of an eigenvalue (and of a separated top one by about
    /// the square of that), 100× inside the agreement asked for. float32 reaches it: its Hessian-vector products were
    /// right to 4e-6 relative along ResNet-18's top eigenvector. Both pairs must also pass Lanczos's own check of the
    /// measured residual (at most 1e-3). At most 40 steps (these networks need 7 to 17): Lanczos preallocates its basis
    /// for all of them, and 41 vectors of ResNet-18's 11.2 million parameters are 3.7 GB in float64.
    /// </summary>
    private static readonly LanczosOptions Eigen = new() { K = 1, Tolerance = 1e-5, MaxSteps = 40, Seed = 3 };

    private static Batch First(Dataset data, int samples)
    {
        var batch = data.Batches(samples, 1, false, 0)[0];
        return new Batch(batch.Inputs.clone(), batch.Targets.clone());
    }

    /// <summary>The guard's verdicts and oneDNN's decision, as `lla hessian --onednn auto` decides them before an analysis.</summary>
    private OneDnnDecision Guard(ModelSource source, nn.Module<Tensor, Tensor> model, Dataset data, Batch batch, GuardProbe probe)
    {
        var clock = Stopwatch.StartNew();
        var decision = OneDnnPolicy.Decide(OneDnnSetting.Auto, model, source.Float64Twin(model, data, BatchNormMode.Train), source.LossFunction, batch, probe);
        var report = decision.Guard!;
        _output.WriteLine($"guard ({probe.Use}): passed {report.Passed}, oneDNN kept {decision.OneDnnForBackward}, worst {report.Verdict.WorstRatio:G3}× floor " +
            $"({report.Verdict.WorstEntry}: error {report.Verdict.WorstError:G3}, floor {report.Verdict.Floor:G3}), {clock.Elapsed.TotalSeconds:F1} s");
        return decision;
    }

    /// <summary>Asserts that the guard passed float32 with oneDNN on: no fallback, nothing refused.</summary>
    private static void AssertKeptOneDnn(OneDnnDecision decision)
    {
        Assert.True(decision.Guard!.Passed, decision.Guard.Finding);
        Assert.True(decision.Guard.OneDnn);
        Assert.True(decision.OneDnnForBackward, decision.Reason);
        Assert.Null(decision.FallbackGuard);
        Assert.InRange(decision.Guard.Verdict.WorstRatio, 0, RoundingFloor.Factor);
    }

    /// <summary>λ1 of the float32 model (under <paramref name="decision"/>'s oneDNN setting) and of its float64 twin, on <paramref name="batch"/>.</summary>
    private (double Float32, double Float64) TopEigenvalues(ModelSource source, nn.Module<Tensor, Tensor> model, Dataset data, Batch batch, bool oneDnn)
    {
        var clock = Stopwatch.StartNew();
        double l32, l64;
        using (var scope = TorchContext.OneDnnScope(oneDnn))
        using (var mode = new AnalysisMode(model, BatchNormMode.Train))
        {
            var op32 = new HessianOperator(new Objective(model, source.LossFunction, new[] { batch }), ParameterSet.Of(model));
            var result = Lanczos.TopEigenpairs(op32, Eigen);
            Assert.True(result.AllConverged, $"float32 Lanczos: residual {result.Residuals[0]:G3} after {result.Steps} steps");
            l32 = result.Values[0];
            _output.WriteLine($"float32 λ1 {l32:R} (residual {result.Residuals[0]:G3}, {result.Steps} steps), {clock.Elapsed.TotalSeconds:F1} s");
        }
        clock.Restart();
        using (var twin = source.Float64Twin(model, data, BatchNormMode.Train)())
        using (var inputs64 = batch.Inputs.to(ScalarType.Float64))
        {
            var op64 = new HessianOperator(new Objective(twin, source.LossFunction, new[] { new Batch(inputs64, batch.Targets) }), ParameterSet.Of(twin));
            var result = Lanczos.TopEigenpairs(op64, Eigen);
            Assert.True(result.AllConverged, $"float64 Lanczos: residual {result.Residuals[0]:G3} after {result.Steps} steps");
            l64 = result.Values[0];
            _output.WriteLine($"float64 λ1 {l64:R} (residual {result.Residuals[0]:G3}, {result.Steps} steps), {clock.Elapsed.TotalSeconds:F1} s");
        }
        _output.WriteLine($"relative difference {Math.Abs(l32 - l64) / Math.Abs(l64):G3}");
        return (l32, l64);
    }

    private static void AssertAgree((double Float32, double Float64) l) =>
        Assert.True(Math.Abs(l.Float32 - l.Float64) <= EigenvalueAgreement * Math.Abs(l.Float64),
            $"float32 λ1 {l.Float32} vs float64 {l.Float64}: relative difference {Math.Abs(l.Float32 - l.Float64) / Math.Abs(l.Float64):G3}");

    // ---- The trained ResNet-20 fixture on the embedded Fashion-MNIST subset ----

    private static (ModelSource Source, Dataset Data, nn.Module<Tensor, Tensor> Model) TrainedResNet20()
    {
        var source = new ModelSource("resnet20", Paths.Fixture("resnet20-trained.bin"), "idx:" + Paths.EmbeddedData, ScalarType.Float32, 42);
        var data = source.LoadData(Split.Train);
        return (source, data, source.Build(data));
    }

    [Fact]
    public void The_trained_resnet20_passes_the_guard_in_float32_with_oneDNN_kept_for_analyses_and_trainings()
    {
        var (source, data, model) = TrainedResNet20();
        using var _ = data;
        // The guard's batch as the commands take it: the first NumericGuard.BatchSize samples of the (unshuffled) training split.
        var batch = First(data, NumericGuard.BatchSize);
        AssertKeptOneDnn(Guard(source, model, data, batch, GuardProbe.Analysis()));
        AssertKeptOneDnn(Guard(source, model, data, batch, GuardProbe.Training));
    }

    [Fact]
    public void The_trained_resnet20s_top_eigenvalue_in_float32_matches_float64()
    {
        var (source, data, model) = TrainedResNet20();
        using var _ = data;
        var batch = First(data, 64);
        // oneDNN on: what --onednn auto keeps for this network (the test above).
        var l = TopEigenvalues(source, model, data, batch, oneDnn: true);
        Assert.True(l.Float64 > 0, $"λ1 {l.Float64}: a trained network's largest-magnitude eigenvalue is positive");
        AssertAgree(l);
    }

    // ---- TorchVision's ResNet-18, trained here on a small 3-channel image folder ----

    private const int ImageSize = 32; // TorchVision's ResNets take at least 32×32

    /// <summary>
    /// DIR/{train,val}/{0-rows,1-columns,2-checks}: 32×32 PNGs of one grey-blue tone, each class a faint tint and a
    /// faint pattern under strong seeded noise (±90 per channel), 16 training and 2 validation images per class.
    /// </summary>
    internal static string ImageFolder(string dir)
    {
        var random = new Random(17);
        var classes = new (string Name, Func<int, int, (int R, int G, int B)> Pixel)[]
        {
            ("0-rows", (x, y) => y % 4 < 2 ? (150, 120, 120) : (120, 110, 110)),
            ("1-columns", (x, y) => x % 4 < 2 ? (120, 150, 120) : (110, 120, 110)),
            ("2-checks", (x, y) => (x / 4 + y / 4) % 2 == 0 ? (120, 120, 150) : (110, 110, 120)),
        };
        foreach (var (split, count) in new[] { ("train", TrainingImagesPerClass), ("val", 2) })
            foreach (var (name, pixel) in classes)
            {
                string folder = Path.Combine(dir, split, name);
                Directory.CreateDirectory(folder);
                for (int i = 0; i < count; i++)
                {
                    using var bitmap = new SKBitmap(ImageSize, ImageSize);
                    for (int y = 0; y < ImageSize; y++)
                        for (int x = 0; x < ImageSize; x++)
                        {
                            var (r, g, b) = pixel(x, y);
                            byte Noisy(int c) => (byte)Math.Clamp(c + random.Next(-90, 91), 0, 255);
                            bitmap.SetPixel(x, y, new SKColor(Noisy(r), Noisy(g), Noisy(b)));
                        }
                    using var png = bitmap.Encode(SKEncodedImageFormat.Png, 100);
                    File.WriteAllBytes(Path.Combine(folder, $"{i:D2}.png"), png.ToArray());
                }
            }
        return dir;
    }

    /// <summary>
    /// 16 per class: the analysed batch is all 48. Not 12 (a batch of 36) nor 8 (24): with those batch sizes libtorch 2.10's
    /// oneDNN computed this ResNet-18's float32 Hessian-vector products wrong on the development machine's CPU (AMD EPYC,
    /// AVX-512), by 2-5% in convolution weights on every product and NaN on some (layer1.0.conv1 to layer3.0.conv1), and the
    /// guard rightly switched oneDNN off; with batches of 32 and 48 they were right to 5e-6. This test is about a correct
    /// float32 path passing; that fault is the guard's other side (NumericGuardTests).
    /// </summary>
    private const int TrainingImagesPerClass = 16;

    [Fact]
    [Trait(TestCategory.Name, TestCategory.Slow)] // about 3 minutes on 2 cores; the trained ResNet-20 tests above check the same guard and eigenvalue path
    public void A_briefly_trained_torchvision_resnet18_passes_the_guard_and_its_top_eigenvalue_in_float32_matches_float64()
    {
        string dir = ImageFolder(Paths.NewTempFolder());
        string weights = Path.Combine(dir, "r18.bin");
        var clock = Stopwatch.StartNew();
        // Two epochs of Adam in batches of 16 (6 steps): BatchNorm's affine weights and running statistics move away from their initial values,
        // and the loss on the batch below falls to about 0.005.
        var trained = InProcessLla.Run(dir, "train", "--model", "resnet18", "--data", "folder:" + dir, "--image-size", $"{ImageSize}",
            "--epochs", "2", "--batch-size", "16", "--optimizer", "adam", "--lr", "0.001", "--seed", "5", "--threads", "2", "--save", weights, "--quiet");
        Assert.True(trained.ExitCode == 0, trained.Stderr);
        _output.WriteLine($"folder {dir}; trained in {clock.Elapsed.TotalSeconds:F1} s");

        var source = new ModelSource("resnet18", weights, "folder:" + dir, ScalarType.Float32, 42);
        using var data = ImageFolderDataset.Load(dir, Split.Train, new ImageTransform(ImageSize, new[] { 0f, 0f, 0f }, new[] { 1f, 1f, 1f }));
        var model = source.Build(data);
        Assert.Equal(new long[] { 3 * TrainingImagesPerClass, 3, ImageSize, ImageSize }, data.Inputs.shape);
        // One batch of all 48 training images (the three classes): the guard's batch and the analysed one.
        var batch = First(data, 3 * TrainingImagesPerClass);
        using (no_grad())
        using (new AnalysisMode(model, BatchNormMode.Train))
            _output.WriteLine($"loss on the batch (BatchNorm train mode): {source.LossFunction(model.forward(batch.Inputs), batch.Targets).ToDouble():G4}");
        var decision = Guard(source, model, data, batch, GuardProbe.Analysis());
        AssertKeptOneDnn(decision);
        AssertAgree(TopEigenvalues(source, model, data, batch, decision.OneDnnForBackward));
    }

    // ---- A BatchNorm CNN imported through TorchScript ----

    /// <summary>
    /// 64 samples [3, 8, 8] (bn_cnn.pt's input), three classes: a class-dependent mean per channel plus
    /// seeded Gaussian noise, so the network's BatchNorm sees batch statistics that differ from its running ones.
    /// </summary>
    internal static Dataset BnCnnData()
    {
        var generator = new Generator(11);
        var labels = arange(64, dtype: ScalarType.Int64).remainder(3);
        var means = tensor(new float[] { 0.8f, -0.3f, 0.1f, -0.5f, 0.6f, 0.0f, 0.2f, 0.2f, -0.9f }).reshape(3, 3);
        var inputs = randn(new long[] { 64, 3, 8, 8 }, generator: generator).add(means.index_select(0, labels).reshape(64, 3, 1, 1));
        return new Dataset(inputs, labels, "64 samples [3, 8, 8], three classes", 3);
    }

    [Fact]
    public void A_torchscript_batchnorm_cnn_passes_the_guard_and_its_top_eigenvalue_in_float32_matches_float64()
    {
        var source = new ModelSource(ModelSource.TorchScriptPrefix + Paths.Fixture("bn_cnn.pt"), null, "npy:(in memory)", ScalarType.Float32, 42);
        using var data = BnCnnData();
        var model = source.Build(data);
        Assert.IsType<TorchScriptModel>(model);
        var batch = First(data, 64);
        var decision = Guard(source, model, data, batch, GuardProbe.Analysis());
        AssertKeptOneDnn(decision);
        AssertAgree(TopEigenvalues(source, model, data, batch, decision.OneDnnForBackward));
    }
}
