using System.Text.Json.Nodes;
using Lla.Data;
using Lla.Measures;
using Lla.Objectives;
using Lla.Runs;
using Lla.Studies;
using Lla.Tests.Support;
using static TorchSharp.torch.nn;

namespace Lla.Tests.Measures;

/// <summary>
/// A measure family is declared once (its class) and everything reads the registry: the built-in
/// families are found by reflection with the names results and the command line have always used, and a
/// family defined only here, added for the test's own code, reaches `lla measure --only`, results.json
/// (measures, meanings, options), `lla analyze`'s cheap set and the study without another file edited.
/// </summary>
[Collection("console")]
public class MeasureFamilyRegistryTests
{
    public MeasureFamilyRegistryTests() => TestTorch.Init();

    /// <summary>A family of one data-free measure: the number of trainable parameters.</summary>
    private sealed class ParameterCountFamily : MeasureFamily
    {
        public override string Name => "test_count";
        public override int Order => 90;
        public override bool Cheap => true;
        public override IReadOnlyList<MeasureInfo> Measures { get; } = new MeasureInfo[]
        {
            new("test_parameter_count", 1, "the number of trainable parameters (a test's family)") { DataFree = true },
        };

        public override IReadOnlyList<MeasureValue> Compute(MeasureContext c) =>
            new[] { Value("test_parameter_count") with { Value = c.Model.parameters().Where(p => p.requires_grad).Sum(p => (double)p.numel()) } };
    }

    [Fact]
    public void The_built_in_families_are_found_by_reflection_with_their_documented_names_and_measures()
    {
        Assert.Equal(new[] { "curvature", "baseline", "margin", "norms", "flatness", "sharpness", "spectra", "confidence", "representation", "nuclear", "mano" }, MeasureFamilies.All.Select(f => f.Name));
        Assert.Equal(new[] { "baseline", "margin", "norms", "spectra", "confidence", "representation", "nuclear", "mano" }, MeasureFamilies.Cheap.Select(f => f.Name));
        Assert.Equal(new[] { "margin" }, MarginFamily.Instance.Measures.Select(m => m.Name));
        Assert.Equal(new[] { "confidence_mean", "entropy_mean", "atc_accuracy", "doc_accuracy" }, ConfidenceFamily.Instance.Measures.Select(m => m.Name));
        Assert.Equal(new[] { "davies_bouldin", "mixup_accuracy", "db_mixup" }, RepresentationFamily.Instance.Measures.Select(m => m.Name));
        Assert.Equal(42, MeasureFamilies.All.Sum(f => f.Measures.Count));
        Assert.All(MeasureFamilies.All.SelectMany(f => f.Measures), m => Assert.False(string.IsNullOrEmpty(m.Meaning), m.Name));
        // Families are equal by name, and written by name.
        Assert.Equal(MeasureFamilies.Named("sharpness"), SharpnessFamily.Instance);
        Assert.Same(MeasureFamilies.Parse("Norms"), MeasureFamilies.Named("norms"));
        var settings = new MeasureSettings { Model = "mlp", Data = "d", Loss = LossKind.CrossEntropy, Device = "cpu", Families = new MeasureFamily[] { CurvatureFamily.Instance, SpectraFamily.Instance } };
        var node = ResultsSerializer.ToNode(settings);
        Assert.Equal("[\"curvature\",\"spectra\"]", node["only"]!.ToJsonString());
        Assert.Equal("true", node["labels"]!.GetValue<string>());
        Assert.Equal(settings.Families, ResultsSerializer.FromNode<MeasureSettings>(node).Families);
        Assert.Equal("{only}: unknown family 'fake' (known: curvature, baseline, margin, norms, flatness, sharpness, spectra, confidence, representation, nuclear, mano)",
            Assert.Throws<LlaException>(() => MeasureFamilies.Parse("fake")).Template);
    }

    [Fact]
    public void Values_carry_the_direction_and_needs_their_family_declares()
    {
        torch.manual_seed(1);
        var model = Sequential(("fc1", Linear(4, 8)), ("relu", ReLU()), ("fc2", Linear(8, 3)));
        var g = new Generator(5);
        var batches = new[] { new Batch(randn(new long[] { 16, 4 }, generator: g), randint(0, 3, new long[] { 16 }, generator: g)) };
        var context = new MeasureContext { Model = model, Loss = LossFunctions.CrossEntropy, Batches = batches, Seed = 3 };
        foreach (var family in MeasureFamilies.All.Where(f => f.Cheap))
            foreach (var v in family.Compute(context))
            {
                var declared = family.Measure(v.Name);
                Assert.Equal(family, v.Family);
                Assert.Equal((declared.Direction, declared.NeedsLabels, declared.NeedsInit, declared.DataFree), (v.Direction, v.NeedsLabels, v.NeedsInit, v.DataFree));
            }
    }

    [Fact]
    public void A_family_defined_only_in_a_test_reaches_the_command_line_results_analyze_and_the_study()
    {
        string cwd = Paths.NewTempFolder();
        using (MeasureFamilies.Use(new ParameterCountFamily()))
        {
            Assert.Contains("test_count", MeasureFamilies.Cheap.Select(f => f.Name)); // lla analyze's default set
            Assert.Equal("test_count", MeasureFamilies.All[^1].Name);
            Assert.Contains("test_parameter_count", StudyMeasures.Default);
            Assert.Contains("test_parameter_count", StudyMeasures.DataFree);

            var help = InProcessLla.Run(cwd, "measure", "--help");
            Assert.Contains("test_count", help.Stdout);

            var run = InProcessLla.Run(cwd, "measure", "--model", "mlp", "--weights", "none", "--only", "test_count,norms", "--batch-size", "32", "--batches", "1",
                "--threads", "1", "--out", "m", "--quiet");
            Assert.True(run.ExitCode == 0, run.Stderr);
            var results = JsonNode.Parse(File.ReadAllText(Path.Combine(cwd, "m", ResultsSerializer.ResultsFile)))!;
            var measure = results["measures"]!.AsArray().Single(m => m!["name"]!.GetValue<string>() == "test_parameter_count")!;
            Assert.Equal("test_count", measure["family"]!.GetValue<string>());
            Assert.Equal("the number of trainable parameters (a test's family)", measure["meaning"]!.GetValue<string>());
            Assert.True(measure["data_free"]!.GetValue<bool>());
            Assert.Equal(results["model"]!["parameters"]!.GetValue<long>(), measure["value"]!.GetValue<double>());
            Assert.Equal("[\"norms\",\"test_count\"]", results["options"]!["only"]!.ToJsonString());
            Assert.Contains(results["measures"]!.AsArray(), m => m!["name"]!.GetValue<string>() == "path_norm");

            // The study computes it on every analysed batch (data-free: once, repeated).
            torch.manual_seed(2);
            var model = Sequential(("fc1", Linear(4, 8)), ("relu", ReLU()), ("fc2", Linear(8, 3)));
            var g = new Generator(7);
            var batches = Enumerable.Range(0, 2).Select(_ => new Batch(randn(new long[] { 8, 4 }, generator: g), randint(0, 3, new long[] { 8 }, generator: g))).ToArray();
            var analysis = new StudyAnalysis(8, 2, 1, 5, 0.5, -0.6, 100, 9);
            var (values, _, _) = StudyMeasuring.Compute(model, LossFunctions.CrossEntropy, batches, analysis, new[] { "test_parameter_count", "margin" },
                new StudyMeasureInputs(null, null), _ => { }, "test");
            Assert.Equal(new double?[] { 4 * 8 + 8 + 8 * 3 + 3, 4 * 8 + 8 + 8 * 3 + 3 }, values["test_parameter_count"].Select(v => v.Single()));
            Assert.Equal(2, values["margin"].Count);
        }
        // Outside its region the family does not exist.
        Assert.Null(MeasureFamilies.Find("test_count"));
        Assert.DoesNotContain("test_parameter_count", StudyMeasures.Known);
    }
}
