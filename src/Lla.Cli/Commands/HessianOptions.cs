using System.CommandLine;
using Lla.Analysis;
using Lla.Objectives;
using Lla.Curvature;

namespace Lla.Cli.Commands;

/// <summary>Options of the Hessian analysis, shared by `hessian` and `analyze`.</summary>
internal sealed class HessianOptions
{
    public readonly Option<string> Split = new("--split") { Description = "train | validation | test (validation: text: data's validation part; other data has none)", DefaultValueFactory = _ => "train" };
    public readonly Option<int> BatchSize;
    public readonly Option<string> Batches;
    public readonly Option<bool> Shuffle = new("--shuffle") { Description = "take batches in a seeded random order instead of file order" };
    public readonly Option<int> TopK = new("--top-k") { Description = "number of top eigenpairs (0: none)", DefaultValueFactory = _ => 2 };
    public readonly Option<string> Which = new("--which") { Description = "largest (by magnitude) | smallest (algebraically)", DefaultValueFactory = _ => "largest" };
    public readonly Option<string> EigenMethod = new("--eigen-method") { Description = "lanczos | power (the seed library's method)", DefaultValueFactory = _ => "lanczos" };
    public readonly Option<double> EigenTol = new("--eigen-tol") { Description = "Lanczos stops when the relative residual estimates reach this", DefaultValueFactory = _ => 1e-4 };
    public readonly Option<int> EigenMaxSteps = new("--eigen-max-steps") { Description = "Lanczos's step limit for the top eigenpairs, over all restarts (HVPs before one residual check per pair); the basis holds this many vectors of the parameter count when they fit in memory, else as many as fit and the run restarts", DefaultValueFactory = _ => 200 };
    public readonly Option<bool> Trace = new("--trace") { Description = "estimate the trace" };
    public readonly Option<string> TraceMethod = new("--trace-method") { Description = "hutch++ (default: less variance per HVP) | hutchinson (the seed library's, stops at a relative change of 1e-3 or 100 probes) | xtrace (an even budget)", DefaultValueFactory = _ => "hutch++" };
    public readonly Option<string> Operator = new("--operator") { Description = "the curvature analysed: hessian | ggn (generalized Gauss-Newton, the Fisher for cross-entropy) | empirical-fisher | residual (H − G)", DefaultValueFactory = _ => "hessian" };
    public readonly Option<int> TraceHvps = new("--trace-hvps") { Description = "Hutch++'s HVP budget, a multiple of 3", DefaultValueFactory = _ => 30 };
    public readonly Option<bool> Esd = new("--esd") { Description = "estimate the spectral density (SLQ) and the criteria" };
    public readonly Option<int> Runs;
    public readonly Option<int> LanczosSteps;
    public readonly Option<double> KhPower = new("--kh-power") { Description = "n of Kh_n", DefaultValueFactory = _ => Criteria.DefaultKhPower };
    public readonly Option<double> CtThreshold = new("--ct-threshold") { Description = "HESD type MP when Ct ≥ this", DefaultValueFactory = _ => Criteria.DefaultCtThreshold };
    public readonly Option<string> Bn = new("--bn") { Description = "BatchNorm statistics: train (per batch, as the seed library) | eval (running)", DefaultValueFactory = _ => "train" };
    public readonly Option<string?> Params = new("--params") { Description = "analyse a block of the Hessian: comma-separated globs of parameter names, e.g. 'fc*' (default: all trainable parameters)" };
    public readonly Option<bool> SplitCurvature = new("--split-curvature") { Description = "also analyse H, the GGN G and the residual R = H − G side by side (where negative curvature comes from)" };
    public readonly Option<bool> PerLayer = new("--per-layer") { Description = "also run the analysis on each block (a layer's weight and bias, a normalization's scale and shift; within --params)" };
    public readonly Option<bool> BlockSpectra = new("--block-spectra") { Description = "also measure block heterogeneity: each block's SLQ density (--runs, --lanczos-steps), normalized by its largest |eigenvalue|, and the JS distances between blocks (within --params)" };
    public readonly Option<bool> Diagonal = new("--diagonal") { Description = "also estimate the diagonal by Hutchinson (diagonal.bin, per-entry standard errors)" };
    public readonly Option<int> DiagonalHvps = new("--diagonal-hvps") { Description = "the diagonal's probes (products)", DefaultValueFactory = _ => 100 };
    public readonly Option<string?> Out;
    public readonly Option<string?> LanczosBasisDType = new("--lanczos-basis-dtype") { Description = "float32 | float16 | bfloat16 (| float64): the dtype the Lanczos bases (top-k and SLQ) are stored in, the reorthogonalization computed in the analysis dtype; default: the analysis dtype (a GPT run whose bases would not fit memory stores them in float16 and says so; float16 rows are scaled by about √D)" };
    public readonly Option<int?> MicroBatch = MicroBatchOption();
    public static Option<int?> MicroBatchOption() => new("--micro-batch") { Description = "the most samples (windows, images) per forward pass: each batch's loss, accuracy, gradient and products are summed over micro-batches, weighted to equal the whole batch's (default: a GPT's from its size, at most 1 GiB of activations, or in `hessian` the largest its memory plan allows; whole batches for other models; refused below the batch size with --bn train on a model with BatchNorm)" };

    public HessianOptions(int batchSize, string batches, int runs, int lanczosSteps, string outDescription)
    {
        BatchSize = new("--batch-size") { Description = "samples per batch", DefaultValueFactory = _ => batchSize };
        Batches = new("--batches") { Description = "how many batches: a number, or all", DefaultValueFactory = _ => batches };
        Runs = new("--runs") { Description = "SLQ runs", DefaultValueFactory = _ => runs };
        LanczosSteps = new("--lanczos-steps") { Description = "Lanczos steps per SLQ run", DefaultValueFactory = _ => lanczosSteps };
        Out = new("--out") { Description = outDescription };
    }

    public void AddTo(Command command, bool switches)
    {
        Option[] list = [Operator, Split, BatchSize, MicroBatch, Batches, Shuffle, TopK, Which, EigenMethod, EigenTol, EigenMaxSteps, LanczosBasisDType,
            .. switches ? new Option[] { Trace, Esd } : [], TraceMethod, TraceHvps, Runs, LanczosSteps, KhPower, CtThreshold, Bn, Params, SplitCurvature, PerLayer, BlockSpectra, Diagonal, DiagonalHvps, Out];
        foreach (var o in list) command.Options.Add(o);
    }

    /// <summary>The analysis given on the command line, mapped by <see cref="HessianAnalysisAsked"/>.</summary>
    public HessianAnalysisOptions Analysis(ParseResult p, long seed, bool trace, bool esd) => new HessianAnalysisAsked(
        p.GetValue(TopK), p.GetValue(Which)!, p.GetValue(EigenMethod)!, p.GetValue(EigenTol), p.GetValue(EigenMaxSteps), p.GetValue(TraceMethod)!,
        p.GetValue(TraceHvps), p.GetValue(Runs), p.GetValue(LanczosSteps), p.GetValue(KhPower), p.GetValue(CtThreshold)).Options(seed, trace, esd)
        with { LanczosBasisDType = HessianAnalysisOptions.ParseBasisDType(p.GetValue(LanczosBasisDType)) };

    /// <summary>The Hessian run the command line asks for (`hessian`, and `analyze` before its profile).</summary>
    public HessianRunOptions RunOptions(ParseResult p, SharedOptions shared, Option<bool> force, Command command, bool trace, bool esd)
    {
        var source = shared.Source(p);
        return new HessianRunOptions
        {
            Command = command.Name,
            Source = source,
            Selection = Selection(p),
            OneDnn = shared.RunSettings(p),
            Analysis = Analysis(p, source.Seed, trace, esd),
            OutDir = p.GetValue(Out) ?? Lla.Runs.RunFolder.Default(command.Name), Force = p.GetValue(force),
            Params = p.GetValue(Params),
            Operator = SettingNames.Parse<CurvatureOperator>(p.GetValue(Operator)!, "operator"),
            MicroBatch = p.GetValue(MicroBatch), PerLayer = p.GetValue(PerLayer), BlockSpectra = p.GetValue(BlockSpectra), Diagonal = p.GetValue(Diagonal), DiagonalHvps = p.GetValue(DiagonalHvps), SplitCurvature = p.GetValue(SplitCurvature),
        };
    }

    /// <summary>The data selection given on the command line.</summary>
    public DataSelection Selection(ParseResult p) =>
        DataSelection.Parse(p.GetValue(Split)!, p.GetValue(BatchSize), p.GetValue(Batches)!, p.GetValue(Shuffle), p.GetValue(Bn)!, p.GetValue(MicroBatch));
}
