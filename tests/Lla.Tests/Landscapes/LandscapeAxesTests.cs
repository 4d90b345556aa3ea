using System.Text.Json.Nodes;
using Lla.Analysis;
using Lla.Curvature;
using Lla.Data;
using Lla.Landscapes;
using Lla.Objectives;
using Lla.Reports;
using Lla.Tests.Support;
using Lla.Training;

namespace Lla.Tests.Landscapes;

/// <summary>
/// The landscape job's axes in-process, on models trained by the training job: Adam axes and the Adam update
/// equation, PCA axes of a trajectory, the line towards another checkpoint, Hessian axes, the all-modes panel
/// and several random planes. Each reads the results.json the job wrote, as `lla landscape` leaves it.
/// </summary>
public class LandscapeAxesTests
{
    public LandscapeAxesTests() => TestTorch.Init();

    private static JsonNode Results(string dir) => JsonNode.Parse(File.ReadAllText(Path.Combine(dir, "results.json")))!;

    private static double[][] Loss(JsonNode plane) =>
        plane["loss"]!.AsArray().Select(r => r!.AsArray().Select(v => v!.GetValue<double>()).ToArray()).ToArray();

    /// <summary>`lla landscape`'s defaults (embedded data, training split, one unshuffled batch, BatchNorm in train mode, 4 steps).</summary>
    private static LandscapeRunOptions Landscape(string? model, string? weights, string outDir, int batchSize, params PlaneSpec[] planes) => new()
    {
        Source = ModelSource.Resolve(model, weights, null, "float32", 42),
        Selection = new DataSelection(Split.Train, batchSize, 1, false, BatchNormMode.Train),
        Planes = planes,
        Steps = 4,
        OutDir = outDir,
    };

    private static PlaneSpec Plane(AxesKind axes, NormKind norm = NormKind.Filter, UpdateRule rule = UpdateRule.Add, long seed = 42) => new(axes, norm, 2, rule, seed);

    /// <summary>`lla train --epochs E --save FILE` (Adam, its defaults) with the given model and seed.</summary>
    private static void Train(string model, string save, int epochs, long seed = 42, int saveEvery = 0, int analyzeEvery = 0) =>
        TrainRun.Execute(new TrainRunOptions
        {
            Source = ModelSource.Resolve(model, ModelSource.RandomWeights, null, "float32", seed),
            Training = new TrainOptions { Epochs = epochs, Seed = seed },
            Save = save, SaveEvery = saveEvery, AnalyzeEvery = analyzeEvery,
        });

    [Fact]
    public void Adam_axes_and_the_adam_update_equation_from_a_real_training_run()
    {
        string dir = Paths.NewTempFolder();
        string model = Path.Combine(dir, "m.bin");
        Train("mlp", model, epochs: 1);

        string add = Path.Combine(dir, "adam");
        LandscapeRun.Execute(Landscape("mlp", model, add, 512, Plane(AxesKind.Adam)));
        RunRenderer.Render(add);
        var results = Results(add);
        var plane = results["landscapes"]![0]!;
        Assert.Equal("adam", plane["axes"]!.GetValue<string>());
        Assert.Equal("filter", plane["norm"]!.GetValue<string>());
        Assert.True(plane["axes_facts"]!["adam_step"]!.GetValue<double>() > 100);
        Assert.Equal(results["loss"]!.GetValue<double>(), Loss(plane)[2][2]);
        Assert.True(File.Exists(Path.Combine(add, "landscape-0.png")));

        string eq = Path.Combine(dir, "adameq");
        LandscapeRun.Execute(Landscape("mlp", model, eq, 512, Plane(AxesKind.Adam, NormKind.None, UpdateRule.AdamEq)));
        results = Results(eq);
        plane = results["landscapes"]![0]!;
        Assert.Equal(new[] { -1.0, -0.5, 0, 0.5, 1 }, plane["alphas"]!.AsArray().Select(v => v!.GetValue<double>()));
        var loss = Loss(plane);
        double centre = results["loss"]!.GetValue<double>();
        for (int j = 0; j < loss.Length; j++) Assert.Equal(centre, loss[j][2]); // a = 0 is θ* in every row
    }

    [Fact]
    public void Pca_axes_of_a_saved_trajectory_and_analyses_during_training()
    {
        string dir = Paths.NewTempFolder();
        string model = Path.Combine(dir, "m.bin");
        Train("mlp", model, epochs: 3, saveEvery: 1, analyzeEvery: 3);
        Assert.True(File.Exists(model + ".epoch1") && File.Exists(model + ".epoch3"));
        var analysis = JsonNode.Parse(File.ReadAllText(Path.Combine(dir, "m.bin.analysis", "epoch-3", "results.json")))!;
        Assert.Equal(3, analysis["landscapes"]!.AsArray().Count); // random, Hessian and Adam axes, as the seed library does during training
        Assert.NotNull(analysis["hessian"]!["criteria"]!["hesd_type"]);

        string run = Path.Combine(dir, "pca");
        LandscapeRun.Execute(Landscape("mlp", model, run, 512, Plane(AxesKind.Pca, NormKind.None)) with
        {
            Distance = 4, Trajectory = CheckpointFiles.Expand(model + ".epoch*"),
        });
        var plane = Results(run)["landscapes"]![0]!;
        double e1 = plane["axes_facts"]!["explained_variance_1"]!.GetValue<double>(), e2 = plane["axes_facts"]!["explained_variance_2"]!.GetValue<double>();
        Assert.True(e1 >= e2 && e1 + e2 <= 1 + 1e-9 && e1 > 0.5, $"{e1} {e2}");
        var alphas = plane["path"]!["alphas"]!.AsArray().Select(v => v!.GetValue<double>()).ToArray();
        var betas = plane["path"]!["betas"]!.AsArray().Select(v => v!.GetValue<double>()).ToArray();
        Assert.Equal(3, alphas.Length);
        // The last checkpoint is the analysed model itself: the path ends at the centre.
        Assert.True(Math.Abs(alphas[2]) < 1e-4 && Math.Abs(betas[2]) < 1e-4, $"{alphas[2]}, {betas[2]}");
        Assert.True(Math.Abs(alphas[0]) > 1e-3);
    }

    [Fact]
    public void Interpolation_towards_another_checkpoint_is_a_line_through_both_models()
    {
        string dir = Paths.NewTempFolder();
        string other = Path.Combine(dir, "other.bin");
        Train("lenet", other, epochs: 1, seed: 5);
        string line = Path.Combine(dir, "line");
        LandscapeRun.Execute(Landscape(null, null, line, 512, Plane(AxesKind.Checkpoints, NormKind.None)) with { Distance = 2, Checkpoints = new[] { other } });
        RunRenderer.Render(line);
        var plane = Results(line)["landscapes"]![0]!;
        Assert.Single(plane["betas"]!.AsArray());
        Assert.Equal(new[] { -1.0, -0.5, 0, 0.5, 1 }, plane["alphas"]!.AsArray().Select(v => v!.GetValue<double>()));
        // α = 1 is the other model itself: its loss on the same batch, as the Hessian job measures it.
        string check = Path.Combine(dir, "other-run");
        HessianRun.Execute(new HessianRunOptions
        {
            Source = ModelSource.Resolve(null, other, "idx:" + Paths.EmbeddedData, "float32", 42),
            Selection = new DataSelection(Split.Train, 512, 1, false, BatchNormMode.Train),
            Analysis = new HessianAnalysisOptions { TopK = 1, Trace = false, Esd = false }, // the loss is what is compared
            OutDir = check,
        });
        double otherLoss = Results(check)["loss"]!.GetValue<double>();
        Assert.Equal(otherLoss, Loss(plane)[0][4], 5);
        Assert.True(File.Exists(Path.Combine(line, "landscape-0.png")));
    }

    [Fact]
    public void Hessian_axes_are_computed_behind_the_guard_and_recorded()
    {
        string dir = Paths.NewTempFolder();
        LandscapeRun.Execute(Landscape(null, null, dir, 256, Plane(AxesKind.Hessian, NormKind.None)));
        var results = Results(dir);
        var facts = results["landscapes"]![0]!["axes_facts"]!;
        Assert.True(facts["eigenvalue_1"]!.GetValue<double>() >= facts["eigenvalue_2"]!.GetValue<double>());
        Assert.True(facts["residual_1"]!.GetValue<double>() <= 1e-3);
        Assert.True(results["numeric_guard"]!["guard"]!["passed"]!.GetValue<bool>());
        Assert.True(File.Exists(Path.Combine(dir, "eigenvectors.bin")));
    }

    [Fact]
    public void All_modes_panel_and_several_random_planes()
    {
        string dir = Paths.NewTempFolder(), all = Path.Combine(dir, "all"), two = Path.Combine(dir, "two");
        LandscapeRun.Execute(Landscape(null, null, all, 256, PlaneSpec.Planes(AxesKind.Hessian, NormKind.Filter, 2, UpdateRule.Add, 42, 1, allModes: true).ToArray()) with { Steps = 2 });
        RunRenderer.Render(all);
        var planes = Results(all)["landscapes"]!.AsArray();
        Assert.Equal(new[] { "random axes, none", "random axes, weight-L2", "random axes, filter-L1", "random axes, filter-L2",
            "hessian axes, none", "hessian axes, weight-L2", "hessian axes, filter-L1", "hessian axes, filter-L2" },
            planes.Select(pl => pl!["label"]!.GetValue<string>()));
        Assert.True(File.Exists(Path.Combine(all, "landscapes-panel.png")));

        LandscapeRun.Execute(Landscape(null, null, two, 256, PlaneSpec.Planes(AxesKind.Random, NormKind.Filter, 2, UpdateRule.Add, 42, 2, allModes: false).ToArray()) with
        {
            Steps = 2, IgnoreBiasAndBatchNorm = true, Freeze = -2,
        });
        planes = Results(two)["landscapes"]!.AsArray();
        Assert.Equal(new long[] { 42, 43 }, planes.Select(pl => pl!["seed"]!.GetValue<long>()));
        Assert.Equal(new[] { "conv1.weight", "conv1.bias" }, planes[0]!["frozen"]!.AsArray().Select(n => n!.GetValue<string>()));
        Assert.NotEqual(Loss(planes[0]!)[0][0], Loss(planes[1]!)[0][0]);
    }
}
