using Lla.Connectivity;
using Lla.Curvature;
using Lla.Runs;

namespace Lla.Tests.Reports;

/// <summary>A results record with every payload, small and hand-made; its conclusions are marked texts, so a page can be checked to show them as stored.</summary>
internal static class FullResults
{
    public const string Meaning = "STORED MEANING of the HESD type";
    public const string SplitSentence = "STORED SENTENCE of the curvature split";
    public const string ConnectionSentence = "STORED SENTENCE of the connection";

    public static HessianRecord Analysis(string op = "hessian") => new()
    {
        Operator = op, ParameterCount = 100, HvpCount = 10, TopEigenvalues = [12.5, 3.0], EigenResiduals = [1e-5, 2e-5], EigenConverged = [true, false],
        EigenMethod = "lanczos", EigenSteps = 20, EigenHvps = 22, Trace = 42.0, TraceStderr = 0.5, TraceProbes = 10, TraceMethod = "hutch++", TraceHvps = 10,
        Esd = new EsdRecord([new SlqRunRecord([-0.5, 0.1, 3.0], [0.1, 0.8, 0.1], 3)], 40.0, 3, new DensityRecord([-1.0, 0, 1, 2, 3], [1e-6, 2.0, 0.5, 1e-3, 0], 0.01)),
        Criteria = new CriteriaRecord(0.1, 0.0, 0.25, 0.0, -0.1, 0.0, 0.5, -0.6, "MP", ["a note"], [new CriteriaRunRecord(-0.5, 3.0, 0.1, 0.25, -0.1, null)]) { Meaning = Meaning },
    };

    public static RunResults Every()
    {
        var mass = new SpectralMassRecord(0.01, 0, 1, 0, 1, 0.01, null);
        var plane = new LandscapeRecord
        {
            Axes = "random", Norm = "filter", Order = 2, Mode = "add", Label = "random axes, filter-L2", Seed = 42, Steps = 2, Distance = 1,
            Frozen = ["fc1.bias"], AxesFacts = new Dictionary<string, double> { ["seed"] = 42 },
            Alphas = [-0.5, 0, 0.5], Betas = [-0.5, 0, 0.5], Loss = [[3.0, 2, 3], [2.0, 1, 2], [3.0, 2, double.NaN]], Accuracy = [[0.5, 0.6, 0.5], [0.6, 0.9, 0.6], [0.5, 0.6, 0.5]],
            Path = new PathRecord(["a.bin", "b.bin"], [0, 0.25], [0, 0.25]),
        };
        static ModePathRecord Path(bool aligned) => new("linear", aligned, "recompute", [0, 0.5, 1], [1.0, 1.5, 1.1], [0.9, 0.7, 0.9], [1.2, 1.6, 1.3], [0.8, 0.6, 0.8], 0.45, 0.35);
        return new RunResults
        {
            Command = "hessian", Seed = 7, BnMode = "eval", Loss = 1.0, Accuracy = 0.9, TestAccuracy = 0.85,
            Options = new Lla.Analysis.HessianSettings
            {
                Model = "lenet", Weights = "w.bin", Data = "idx:data", DType = TorchSharp.torch.ScalarType.Float64, Seed = 7, TopK = 2,
                TraceMethod = Lla.Curvature.TraceMethod.HutchPlusPlus, Batches = null, OnnxInput = ["mask=m.npy"],
            },
            Model = new ModelRecord("lenet", "w.bin", 100, ["fc1.weight", "fc1.bias"], "float32"),
            Data = new DataRecord("idx:data", "train", 256, 1, 256, false),
            Versions = new Dictionary<string, string> { ["lla"] = "0.1.0" },
            Hessian = Analysis(),
            CurvatureSplit = new CurvatureSplitRecord(Analysis(), Analysis("ggn"), Analysis("residual"), new PrincipalAnglesRecord([0.1, 0.2], [0.99, 0.98]), mass, mass, mass, 1.0)
            {
                Verdict = new SplitVerdict(NegativeCurvatureSource.Residual, SplitSentence),
            },
            PerLayer = new PerLayerRecord([new LayerRecord("fc1", ["fc1.weight", "fc1.bias"], 100, Analysis())], 42, 0.5, 41, 0.6, "hutch++"),
            BlockSpectra = new BlockSpectraRecord("hessian",
                [new BlockSpectrumRecord("fc1", ["fc1.weight", "fc1.bias"], 100, 2.5, [new SlqRunRecord([-0.5, 2.5], [0.5, 0.5], 2)], [0.5, 1, 0.5]),
                 new BlockSpectrumRecord("fc2", ["fc2.weight", "fc2.bias"], 50, 1.5, [new SlqRunRecord([1.5], [1.0], 1)], [0, 0.5, 1.5])],
                [[0, 0.625], [0.625, 0]], 0.625, new BlockPairRecord("fc1", "fc2", 0.625), 1, 2, 44, 0.01, -1, 1, 3, 3),
            Diagonal = new DiagonalRecord("diagonal.bin", "hessian", 10, 10, 45, 42, 0.5, [new LayerDiagonalRecord("fc1", 100, 0.42, 3, 42, 0.5)]),
            Landscapes = [plane],
            Measures = [new MeasureRecord("lambda_max", "curvature", 12.5, null, 0.1, 1, 0.5, 3, 4, new MeasureDataRecord("idx:data", "train", 256, "eval", "true"),
                true, false, false, null, null, "the sharpest curvature")],
            Paths = [Path(false), Path(true)],
            Connect = new ConnectRecord("/b.bin", "aligned-b.bin", null, new AlignmentRecord(1, 2, 3, true, new Dictionary<string, int[]> { ["fc1"] = [1, 0] }), null)
            {
                Verdict = new ConnectionVerdict(Connection.NotShown, ConnectionSentence, "STORED barriers", "STORED rule"),
            },
            Timings = new Dictionary<string, double> { ["total"] = 1.5 },
            Processes = new ProcessRecord(1, false, 0, 0),
        };
    }
}
