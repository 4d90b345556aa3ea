using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using Lla.Training;

namespace Lla.Studies;

/// <summary>
/// One model of a study: trained from a seeded initialization with the given recipe, loaded from
/// <see cref="Weights"/>, or (with <see cref="Epochs"/> = 0 and no weights) left at its random
/// initialization as the reference point of the HESD types.
/// </summary>
public sealed record StudyModel(
    string Name, string Architecture, string Optimizer, double LearningRate, double Momentum, int Epochs, int BatchSize,
    bool Augment, GradientManipulation Gradient, long Seed, string? Weights, AnalysisOverride? Analysis = null, double WeightDecay = 0, double LabelNoise = 0)
{
    /// <summary>The learning-rate schedule after the warm-up (<c>schedule</c>: constant or cosine).</summary>
    public ScheduleKind Schedule { get; init; } = ScheduleKind.Constant;
    /// <summary>Steps of linear warm-up from 0 (<c>warmup_steps</c>).</summary>
    public int WarmupSteps { get; init; }
    /// <summary>The cosine schedule's floor (<c>min_lr</c>).</summary>
    public double MinLearningRate { get; init; }
    /// <summary>Gradients clipped to this global norm before each step, 0 for none (<c>clip_grad_norm</c>).</summary>
    public double ClipGradNorm { get; init; }
    /// <summary>The stopping rule: training ends after the first epoch whose training accuracy reaches this share, <see cref="Epochs"/> being the cap; 0 for none (<c>stop_accuracy</c>).</summary>
    public double StopAccuracy { get; init; }
    /// <summary>The model learns from the first this-many samples (windows, for text) of the training split (after the validation share is
    /// held out); the study's <c>train_samples</c> when the model has none, null for all of them (<c>train_samples</c>, also an axis: "-" for a
    /// model that is not trained).</summary>
    public int? TrainSamples { get; init; }

    /// <summary>The model's fields a config's <c>axes</c> may name, with their values as text (what a models table holds).</summary>
    public static readonly string[] AxisFields = { "model", "optimizer", "lr", "momentum", "epochs", "batch_size", "augment", "gradient", "seed", "weight_decay", "label_noise", "family", "depth", "width", "dropout", "train_samples" };

    // family: the architecture's name before its ':' (vgg, nin; every GPT is gpt; lenet); depth, width and dropout read from a parsed
    // vgg:/nin: name (a GPT's width and dropout too): "-" for a model without them (a LeNet has no depth), dropout "0".

    public string AxisValue(string axis) => axis switch
    {
        "model" => Architecture,
        "optimizer" => Optimizer,
        "lr" => LearningRate.ToString("R", CultureInfo.InvariantCulture),
        "momentum" => Momentum.ToString("R", CultureInfo.InvariantCulture),
        "epochs" => Epochs.ToString(CultureInfo.InvariantCulture),
        "batch_size" => BatchSize.ToString(CultureInfo.InvariantCulture),
        "augment" => Augment ? "1" : "0",
        "gradient" => Gradient.Kind == "none" ? "none" : $"{Gradient.Kind}:{Gradient.Value.ToString("R", CultureInfo.InvariantCulture)}",
        "seed" => Seed.ToString(CultureInfo.InvariantCulture),
        "weight_decay" => WeightDecay.ToString("R", CultureInfo.InvariantCulture),
        "label_noise" => LabelNoise.ToString("R", CultureInfo.InvariantCulture),
        "family" => Lla.Models.Gpt.GptConfig.Names(Architecture) ? "gpt" : Architecture.Contains(':') ? Architecture[..Architecture.IndexOf(':')] : Architecture,
        "depth" => ConvNet?.Depth.ToString(CultureInfo.InvariantCulture) ?? "-",
        "width" => (ConvNet?.Width ?? Gpt?.Width)?.ToString(CultureInfo.InvariantCulture) ?? "-",
        "dropout" => (ConvNet?.Dropout ?? Gpt?.Dropout ?? 0).ToString("R", CultureInfo.InvariantCulture),
        "train_samples" => IsReference || Weights is not null ? "-" : TrainSamples?.ToString(CultureInfo.InvariantCulture) ?? "all",
        _ => throw new LlaException($"unknown axis '{axis}' (known: {string.Join(", ", AxisFields)})"),
    };

    /// <summary>The VGG-like or NiN-like network the architecture names (null for another); axes read it parsed, so depth=02 and depth=2 are one value.</summary>
    private Lla.Models.ConvNets.ConvNetConfig? ConvNet => Lla.Models.ConvNets.ConvNetConfig.Names(Architecture) ? Lla.Models.ConvNets.ConvNetConfig.Parse(Architecture) : null;
    private Lla.Models.Gpt.GptConfig? Gpt => IsLanguageModel ? Lla.Models.Gpt.GptConfig.Parse(Architecture) : null;

    /// <summary>The study's analysis settings with this model's overrides (a large model may use smaller batches or fewer steps).</summary>
    public StudyAnalysis AnalysisFor(StudyAnalysis study) => Analysis is null ? study : study with
    {
        BatchSize = Analysis.BatchSize ?? study.BatchSize, Batches = Analysis.Batches ?? study.Batches,
        SlqRuns = Analysis.SlqRuns ?? study.SlqRuns, LanczosSteps = Analysis.LanczosSteps ?? study.LanczosSteps,
    };

    /// <summary>A GPT (<c>gpt:…</c> or a GPT preset): it reads text, its loss is next-token cross-entropy.</summary>
    public bool IsLanguageModel => Lla.Models.Gpt.GptConfig.Names(Architecture);

    /// <summary>What the study's training of this model is asked to do: `lla train`'s options from the config's keys.</summary>
    public TrainOptions Training() => new()
    {
        Epochs = Epochs, BatchSize = BatchSize, Optimizer = SettingNames.Parse<OptimizerKind>(Optimizer, "optimizer"), LearningRate = LearningRate,
        Momentum = Momentum, Seed = Seed, Gradient = Gradient, Augment = Augment ? new Augmentation() : null,
        WeightDecay = WeightDecay, LabelNoise = LabelNoise, StopAccuracy = StopAccuracy,
        Schedule = Schedule, WarmupSteps = WarmupSteps, MinLearningRate = MinLearningRate, ClipGradNorm = ClipGradNorm,
    };

    /// <summary>A setting of `lla train` (its flag's name, e.g. min-lr) as a study config spells it (min_lr).</summary>
    public static string KeyOf(string setting) => setting.Replace('-', '_');

    /// <summary>A random-initialization reference: analysed, but not part of the correlations.</summary>
    public bool IsReference => Epochs == 0 && Weights is null;

    public string Recipe => IsReference ? "random init"
        : Weights is not null ? $"loaded from {Weights}"
        : $"{Optimizer} lr {LearningRate.ToString("G4", CultureInfo.InvariantCulture)}, " + (StopAccuracy > 0 ? "" : $"{Epochs} epochs, ") + $"batch {BatchSize}"
          + (Augment ? ", augmented" : "") + (Gradient.Kind == "none" ? "" : $", gradients {Gradient}")
          + (WeightDecay > 0 ? $", weight decay {WeightDecay.ToString("G4", CultureInfo.InvariantCulture)}" : "")
          + (LabelNoise > 0 ? $", {LabelNoise.ToString("P0", CultureInfo.InvariantCulture)} label noise" : "")
          + (WarmupSteps > 0 ? $", {WarmupSteps} warm-up steps" : "")
          + (Schedule == ScheduleKind.Cosine ? $", cosine to {MinLearningRate.ToString("G4", CultureInfo.InvariantCulture)}" : "")
          + (ClipGradNorm > 0 ? $", clipped to norm {ClipGradNorm.ToString("G4", CultureInfo.InvariantCulture)}" : "")
          + (TrainSamples is int samples ? $", on {samples} training samples" : "")
          + (StopAccuracy > 0 ? $", until {StopAccuracy.ToString("P1", CultureInfo.InvariantCulture)} eval-mode training accuracy (at most {Epochs} epochs)" : "");
}

/// <summary>Per-model changes of the measurement settings (null: the study's).</summary>
public sealed record AnalysisOverride(int? BatchSize, int? Batches, int? SlqRuns, int? LanczosSteps);

/// <summary>How each model × dataset pair is measured and how the correlations are estimated.</summary>
public sealed record StudyAnalysis(
    int BatchSize, int Batches, int SlqRuns, int LanczosSteps, double KhPower, double CtThreshold, int BootstrapResamples, long Seed);

/// <summary>
/// A study: models × datasets (the training split, the clean test split, every shift of the test
/// split). Read from JSON; every key is checked, and a mistake names the key. <see cref="Measures"/>:
/// what is measured and scored (<see cref="StudyMeasures"/>); <see cref="Axes"/>: the model fields
/// varied on purpose, over which the trained models are scored across models (none: "not testable").
/// </summary>
public sealed record StudyConfig(string Name, string? Data, IReadOnlyList<StudyModel> Models, IReadOnlyList<StudyShift> Shifts, StudyAnalysis Analysis,
    IReadOnlyList<string>? Measures = null, IReadOnlyList<string>? Axes = null)
{
    /// <summary>The trained models learn from the first this-many samples of the training split (after the validation share is held out); null: all of them (<c>train_samples</c>).</summary>
    public int? TrainSamples { get; init; }

    /// <summary>How text data is tokenized and cut (<c>tokenizer</c>, <c>context</c>); null for image data.</summary>
    public Lla.Data.Text.TextSettings? Text { get; init; }

    /// <summary>Whether the data is text (text: or tokens:, also inside holdout: and shift: wrappers), read by language models.</summary>
    public static bool IsText(string? data) => data is not null && (data.Contains("text:", StringComparison.Ordinal) || data.Contains("tokens:", StringComparison.Ordinal));

    public IReadOnlyList<string> Measured => Measures ?? StudyMeasures.Default;
    public IReadOnlyList<string> AxesOrNone => Axes ?? Array.Empty<string>();

    /// <summary>The share of the training split held out (its last part) as the validation set ATC and DoC calibrate on.</summary>
    public const double ValidationSplit = 0.1;

    public static StudyConfig Load(string path)
    {
        Lla.Data.InputPaths.RequireFile(path, "study config", "config");
        JsonNode? root;
        try
        {
            root = JsonNode.Parse(File.ReadAllText(path), documentOptions: new JsonDocumentOptions { CommentHandling = JsonCommentHandling.Skip, AllowTrailingCommas = true });
        }
        catch (JsonException e)
        {
            throw new LlaException($"study config {path} is not valid JSON: {e.Message}");
        }
        return Parse(root, path);
    }

    public static StudyConfig Parse(JsonNode? root, string origin)
    {
        if (root is not JsonObject o) throw new LlaException($"{origin}: a study config is a JSON object");
        var reader = new Reader(o, origin);
        string name = reader.String("name", "study")!;
        // The name makes the default study folder (study-NAME): a path ("../../x", "a/b") would put it elsewhere.
        if (name.Length == 0 || name is "." or ".." || name.Any(c => !(char.IsAsciiLetterOrDigit(c) || c is '-' or '_' or '.')))
            throw new LlaException($"{origin}: study name '{name}' may hold only letters, digits, '-', '_' and '.' (it names the study folder, study-NAME)");
        string? data = reader.String("data", null);
        string? tokenizer = reader.String("tokenizer", null);
        long? context = reader.Has("context") ? reader.Long("context", 0) : null;
        Lla.Data.Text.TextSettings? text = null;
        if (IsText(data))
        {
            if (context is < 1 or > int.MaxValue) throw new LlaException($"{origin}: 'context' must be at least 1 token (got {context})");
            try { text = Lla.Data.Text.TextSettings.Parse(tokenizer ?? "gpt2", (int)(context ?? Lla.Data.Text.TextSettings.DefaultContext)); }
            catch (LlaException e) { throw new LlaException($"{origin}: {e.Render(n => n)}"); }
        }
        else if (tokenizer is not null || context is not null)
            throw new LlaException($"{origin}: 'tokenizer' and 'context' say how text data is read, and 'data' {data ?? "(the embedded Fashion-MNIST subset)"} is image data: drop them, or give 'data' text:PATH");
        var shifts = reader.Array("shifts").Select((s, i) => ParseShift(s, $"{origin}: shifts[{i}]")).ToList();
        var a = new Reader(reader.Object("analysis"), $"{origin}: analysis");
        var analysis = new StudyAnalysis(
            a.Int("batch_size", 512, 1), a.Int("batches", 2, 1), a.Int("slq_runs", 2, 1), a.Int("lanczos_steps", 60, 2),
            a.Double("kh_power", Curvature.Criteria.DefaultKhPower), a.Double("ct_threshold", Curvature.Criteria.DefaultCtThreshold),
            a.Int("bootstrap", 2000, 100), a.Long("seed", 7));
        if (analysis.KhPower < 0) throw new LlaException($"{origin}: analysis.kh_power must not be negative (got {analysis.KhPower})");
        a.RejectUnknown();
        var models = reader.Array("models").Select((m, i) => ParseModel(m, $"{origin}: models[{i}]")).ToList();
        var duplicate = models.GroupBy(m => m.Name).FirstOrDefault(g => g.Count() > 1);
        if (duplicate is not null) throw new LlaException($"{origin}: two models are named '{duplicate.Key}'");
        var duplicateShift = shifts.GroupBy(s => s.Name).FirstOrDefault(g => g.Count() > 1);
        if (duplicateShift is not null) throw new LlaException($"{origin}: shift '{duplicateShift.Key}' is listed twice");
        var measures = reader.Strings("measures");
        var axes = reader.Strings("axes");
        int? trainSamples = reader.Has("train_samples") ? reader.Int("train_samples", 0, 1) : null;
        reader.RejectUnknown();
        // A model without its own train_samples learns from the study's.
        models = models.Select(m => m.TrainSamples is null && trainSamples is not null && !m.IsReference && m.Weights is null ? m with { TrainSamples = trainSamples } : m).ToList();
        if (models.Count == 0) throw new LlaException($"{origin}: 'models' lists no model");
        CheckDataFits(data, models, shifts, origin);
        if (measures is not null) StudyMeasures.Check(measures, origin);
        if (axes is not null) CheckAxes(axes, models, origin);
        return new StudyConfig(name, data, models, shifts, analysis, measures, axes) { Text = text, TrainSamples = trainSamples };
    }

    /// <summary>Language models read text and image models images; text shifts shift text and image shifts images.</summary>
    private static void CheckDataFits(string? data, IReadOnlyList<StudyModel> models, IReadOnlyList<StudyShift> shifts, string origin)
    {
        bool text = IsText(data);
        string described = data ?? "the embedded Fashion-MNIST subset";
        foreach (var (m, i) in models.Select((m, i) => (m, i)))
        {
            if (m.IsLanguageModel && !text) throw new LlaException($"{origin}: models[{i}] {m.Architecture} is a language model, and 'data' {described} is image data: give 'data' text:PATH (with 'tokenizer' and 'context')");
            if (!m.IsLanguageModel && text && Lla.Models.ModelZoo.Knows(m.Architecture)) throw new LlaException($"{origin}: models[{i}] {m.Architecture} is an image model, and 'data' {described} is text: use a GPT ('gpt-nano', 'gpt:layers=L,heads=H,width=W,context=T,vocab=V')");
        }
        foreach (var (s, i) in shifts.Select((s, i) => (s, i)))
        {
            if (s.OfText && !text) throw new LlaException($"{origin}: shifts[{i}] '{s.Name}' shifts text, and 'data' {described} is image data: use an image shift ({string.Join(", ", Lla.Data.Shifts.Kinds)}, as KIND:SEVERITY)");
            if (!s.OfText && text) throw new LlaException($"{origin}: shifts[{i}] '{s.Name}' shifts images, and 'data' {data} is text: use token-noise:FRACTION or another corpus text:PATH");
        }
    }

    /// <summary>Every axis must be a model field and take at least two values over the trained models.</summary>
    private static void CheckAxes(IReadOnlyList<string> axes, IReadOnlyList<StudyModel> models, string origin)
    {
        var trained = models.Where(m => !m.IsReference).ToList();
        foreach (string axis in axes)
        {
            if (!StudyModel.AxisFields.Contains(axis)) throw new LlaException($"{origin}: unknown axis '{axis}' in 'axes' (known: {string.Join(", ", StudyModel.AxisFields)})");
            var values = trained.Select(m => m.AxisValue(axis)).Distinct().ToList();
            if (values.Count < 2) throw new LlaException($"{origin}: axis '{axis}' does not vary across the trained models (all {(values.Count == 0 ? "absent" : values[0])}): drop it from 'axes'");
        }
        var twice = axes.GroupBy(a => a).FirstOrDefault(g => g.Count() > 1);
        if (twice is not null) throw new LlaException($"{origin}: axis '{twice.Key}' is listed twice in 'axes'");
    }

    private static StudyShift ParseShift(JsonNode? node, string where)
    {
        string text = node is JsonValue v && v.TryGetValue(out string? s) ? s : throw new LlaException($"{where} must be a string: KIND:SEVERITY (e.g. \"noise:3\"), token-noise:FRACTION or text:PATH");
        return StudyShift.Parse(text, where);
    }

    private static StudyModel ParseModel(JsonNode? node, string where)
    {
        if (node is not JsonObject o) throw new LlaException($"{where} must be an object");
        var r = new Reader(o, where);
        string name = r.String("name", null) ?? throw new LlaException($"{where} needs a 'name'");
        if (name.Length == 0 || name.Any(c => !(char.IsLetterOrDigit(c) || c is '-' or '_' or '.')))
            throw new LlaException($"{where}: name '{name}' may hold only letters, digits, '-', '_' and '.' (it names files)");
        string architecture = r.String("model", null) ?? throw new LlaException($"{where} needs a 'model' (an architecture such as mlp, lenet or resnet20)");
        string optimizer = r.String("optimizer", "adam")!;
        var knownOptimizers = SettingNames.Choices<OptimizerKind>();
        if (!knownOptimizers.Contains(optimizer)) throw new LlaException($"{where}: unknown optimizer '{optimizer}' (known: {string.Join(", ", knownOptimizers)})");
        double lr = r.Double("lr", optimizer == "sgd" ? 0.05 : 1e-3);
        if (!(lr > 0)) throw new LlaException($"{where}: lr must be positive (got {lr})");
        string gradientText = r.String("gradient", "none")!;
        var gradient = ParseGradient(gradientText, where);
        string? weights = r.String("weights", null);
        AnalysisOverride? analysis = null;
        var analysisNode = r.Object("analysis");
        if (analysisNode.Count > 0)
        {
            var a = new Reader(analysisNode, $"{where}: analysis");
            analysis = new AnalysisOverride(a.OptionalInt("batch_size", 1), a.OptionalInt("batches", 1), a.OptionalInt("slq_runs", 1), a.OptionalInt("lanczos_steps", 2));
            a.RejectUnknown();
        }
        double weightDecay = r.Double("weight_decay", 0), labelNoise = r.Double("label_noise", 0);
        if (!(weightDecay >= 0)) throw new LlaException($"{where}: weight_decay must not be negative (got {weightDecay})");
        if (!(labelNoise >= 0 && labelNoise <= 1)) throw new LlaException($"{where}: label_noise must be a fraction in [0, 1] (got {labelNoise})");
        var model = new StudyModel(name, architecture, optimizer, lr, r.Double("momentum", 0.9), r.Int("epochs", weights is null ? 3 : 0, 0),
            r.Int("batch_size", 64, 1), r.Bool("augment", false), gradient, r.Long("seed", 1), weights, analysis, weightDecay, labelNoise);
        string scheduleText = r.String("schedule", "constant")!;
        var knownSchedules = SettingNames.Choices<ScheduleKind>();
        if (!knownSchedules.Contains(scheduleText)) throw new LlaException($"{where}: unknown schedule '{scheduleText}' (known: {string.Join(", ", knownSchedules)})");
        model = model with
        {
            Schedule = SettingNames.Parse<ScheduleKind>(scheduleText, "schedule"), WarmupSteps = r.Int("warmup_steps", 0, 0),
            MinLearningRate = r.Double("min_lr", 0), ClipGradNorm = r.Double("clip_grad_norm", 0), StopAccuracy = r.Double("stop_accuracy", 0),
        };
        if (!(model.StopAccuracy >= 0 && model.StopAccuracy <= 1)) throw new LlaException($"{where}: stop_accuracy must be a share in [0, 1], 0 for none (got {model.StopAccuracy})");
        if (weights is not null && model.StopAccuracy > 0) throw new LlaException($"{where}: a model with 'weights' is loaded, not trained: drop 'stop_accuracy'");
        if (r.Has("train_samples"))
        {
            if (weights is not null || model.IsReference) throw new LlaException($"{where}: 'train_samples' sets what a model is trained on, and this one is {(weights is null ? "not trained (epochs 0)" : "loaded from 'weights'")}: drop it");
            model = model with { TrainSamples = r.Int("train_samples", 0, 1) };
        }
        if (Lla.Models.ConvNets.ConvNetConfig.Names(architecture))
        {
            try { Lla.Models.ConvNets.ConvNetConfig.Parse(architecture); }
            catch (LlaException e) { throw new LlaException($"{where}: {e.Render(n => n)}"); }
        }
        if (!(model.MinLearningRate >= 0 && model.MinLearningRate <= lr)) throw new LlaException($"{where}: min_lr must be in [0, lr] (got {model.MinLearningRate})");
        if (!(model.ClipGradNorm >= 0)) throw new LlaException($"{where}: clip_grad_norm must not be negative (got {model.ClipGradNorm})");
        if (weights is not null && (model.WarmupSteps > 0 || model.Schedule != ScheduleKind.Constant || model.ClipGradNorm > 0))
            throw new LlaException($"{where}: a model with 'weights' is loaded, not trained: drop 'schedule', 'warmup_steps' and 'clip_grad_norm'");
        if (weights is not null && (weightDecay > 0 || labelNoise > 0)) throw new LlaException($"{where}: a model with 'weights' is loaded, not trained: drop 'weight_decay' and 'label_noise'");
        if (weights is not null && model.Epochs != 0) throw new LlaException($"{where}: a model with 'weights' is loaded, not trained: drop 'epochs'");
        r.RejectUnknown();
        if (model.IsLanguageModel)
        {
            try { Lla.Models.Gpt.GptConfig.Parse(architecture); }
            catch (LlaException e) { throw new LlaException($"{where}: {e.Render(n => n)}"); }
            if (model.Augment || labelNoise > 0) throw new LlaException($"{where}: 'augment' and 'label_noise' change images and class labels, and {architecture} is a language model: drop them");
        }
        // The same checks as `lla train`'s, before any model of the study is trained (the warm-up against the run's length once the data's size is known).
        if (!model.IsReference && weights is null)
        {
            try { Trainer.ValidateSettings(model.Training()); }
            catch (LlaException e) { throw new LlaException($"{where}: {e.Render(StudyModel.KeyOf)}"); }
        }
        return model;
    }

    /// <summary>"none", or KIND:VALUE with KIND one of clip-norm, clip-value, sign-flip, noise.</summary>
    public static GradientManipulation ParseGradient(string text, string where)
    {
        if (text == "none") return GradientManipulation.None;
        var parts = text.Split(':');
        if (parts.Length != 2 || !double.TryParse(parts[1], NumberStyles.Float, CultureInfo.InvariantCulture, out double value))
            throw new LlaException($"{where}: gradient '{text}' must be none or KIND:VALUE, e.g. clip-norm:0.001 (kinds: {string.Join(", ", GradientManipulation.Kinds.Skip(1))})");
        var manipulation = new GradientManipulation(parts[0], value);
        try { manipulation.Validate(); }
        catch (LlaException e) { throw new LlaException($"{where}: {e.Message}"); }
        return manipulation;
    }

    /// <summary>The config as JSON, in the form <see cref="Parse"/> reads (written into the study folder).</summary>
    /// <summary>How a study folder's saved config.json compares with this config.</summary>
    public enum Saved
    {
        /// <summary>The same config: the study resumes.</summary>
        Same,
        /// <summary>The same but for <c>axes</c>, which only decide how finished measurements are scored: re-scored, nothing measured again.</summary>
        OtherAxes,
        /// <summary>Another study.</summary>
        Other,
    }

    /// <summary>How the config saved as <paramref name="savedJson"/> compares with this one (an unreadable file is another study's).</summary>
    public Saved CompareWith(string savedJson)
    {
        JsonNode? saved;
        try { saved = JsonNode.Parse(savedJson); }
        catch (System.Text.Json.JsonException) { return Saved.Other; }
        if (JsonNode.DeepEquals(saved, ToJson())) return Saved.Same;
        return JsonNode.DeepEquals(WithoutAxes(saved), WithoutAxes(ToJson())) ? Saved.OtherAxes : Saved.Other;

        static JsonNode? WithoutAxes(JsonNode? node)
        {
            if (node?.DeepClone() is not JsonObject o) return node;
            o.Remove("axes");
            return o;
        }
    }

    /// <summary>config.json's text.</summary>
    public string ToIndentedJson() => ToJson().ToJsonString(new System.Text.Json.JsonSerializerOptions { WriteIndented = true });

    public JsonObject ToJson()
    {
        var json = Json();
        if (TrainSamples is int n) json["train_samples"] = n;
        // Text data only, so that an image study's config.json stays what it was.
        if (Text is not null)
        {
            json["tokenizer"] = Lla.Data.Text.TextTokenizer.NameOf(Text.Tokenizer);
            json["context"] = Text.Context;
        }
        return json;
    }

    private JsonObject Json() => new()
    {
        ["name"] = Name,
        ["data"] = Data,
        ["measures"] = new JsonArray(Measured.Select(m => (JsonNode)m).ToArray()),
        ["axes"] = new JsonArray(AxesOrNone.Select(a => (JsonNode)a).ToArray()),
        ["shifts"] = new JsonArray(Shifts.Select(s => (JsonNode)s.Name).ToArray()),
        ["analysis"] = new JsonObject
        {
            ["batch_size"] = Analysis.BatchSize, ["batches"] = Analysis.Batches, ["slq_runs"] = Analysis.SlqRuns,
            ["lanczos_steps"] = Analysis.LanczosSteps, ["kh_power"] = Analysis.KhPower, ["ct_threshold"] = Analysis.CtThreshold,
            ["bootstrap"] = Analysis.BootstrapResamples, ["seed"] = Analysis.Seed,
        },
        ["models"] = new JsonArray(Models.Select(m =>
        {
            var node = new JsonObject { ["name"] = m.Name, ["model"] = m.Architecture };
            if (m.Analysis is { } o)
            {
                var a = new JsonObject();
                if (o.BatchSize is int bs) a["batch_size"] = bs;
                if (o.Batches is int b) a["batches"] = b;
                if (o.SlqRuns is int r) a["slq_runs"] = r;
                if (o.LanczosSteps is int l) a["lanczos_steps"] = l;
                node["analysis"] = a;
            }
            if (m.Weights is not null) { node["weights"] = m.Weights; return (JsonNode)node; }
            node["optimizer"] = m.Optimizer;
            node["lr"] = m.LearningRate;
            if (m.Optimizer == "sgd") node["momentum"] = m.Momentum;
            node["epochs"] = m.Epochs;
            node["batch_size"] = m.BatchSize;
            node["augment"] = m.Augment;
            node["gradient"] = m.Gradient.Kind == "none" ? "none" : $"{m.Gradient.Kind}:{m.Gradient.Value.ToString("R", CultureInfo.InvariantCulture)}";
            node["seed"] = m.Seed;
            if (m.WeightDecay > 0) node["weight_decay"] = m.WeightDecay;
            if (m.LabelNoise > 0) node["label_noise"] = m.LabelNoise;
            if (m.Schedule != ScheduleKind.Constant) node["schedule"] = m.Schedule.Name();
            if (m.WarmupSteps > 0) node["warmup_steps"] = m.WarmupSteps;
            if (m.MinLearningRate > 0) node["min_lr"] = m.MinLearningRate;
            if (m.ClipGradNorm > 0) node["clip_grad_norm"] = m.ClipGradNorm;
            if (m.StopAccuracy > 0) node["stop_accuracy"] = m.StopAccuracy;
            // The study's train_samples is written once, at the top: a model's own only when it differs.
            if (m.TrainSamples is int samples && samples != TrainSamples) node["train_samples"] = samples;
            return (JsonNode)node;
        }).ToArray()),
    };

    /// <summary>Reads typed keys of one JSON object and remembers which it saw, to refuse unknown ones.</summary>
    private sealed class Reader(JsonObject o, string where)
    {
        private readonly HashSet<string> _seen = new();

        private JsonNode? Get(string key)
        {
            _seen.Add(key);
            return o[key];
        }

        public string? String(string key, string? fallback)
        {
            var node = Get(key);
            if (node is null) return fallback;
            return node is JsonValue v && v.TryGetValue(out string? s) ? s : throw new LlaException($"{where}: '{key}' must be a string");
        }

        public double Double(string key, double fallback)
        {
            var node = Get(key);
            if (node is null) return fallback;
            return node is JsonValue v && v.TryGetValue(out double d) && double.IsFinite(d) ? d : throw new LlaException($"{where}: '{key}' must be a number");
        }

        /// <summary>Whether the key is given (it counts as seen).</summary>
        public bool Has(string key) => Get(key) is not null;

        public long Long(string key, long fallback)
        {
            var node = Get(key);
            if (node is null) return fallback;
            return node is JsonValue v && v.TryGetValue(out long l) ? l : throw new LlaException($"{where}: '{key}' must be a whole number");
        }

        public int Int(string key, int fallback, int minimum)
        {
            long value = Long(key, fallback);
            if (value < minimum || value > int.MaxValue) throw new LlaException($"{where}: '{key}' must be at least {minimum} (got {value})");
            return (int)value;
        }

        public int? OptionalInt(string key, int minimum) => o[key] is null ? Mark(key) : Int(key, 0, minimum);

        private int? Mark(string key)
        {
            _seen.Add(key);
            return null;
        }

        public bool Bool(string key, bool fallback)
        {
            var node = Get(key);
            if (node is null) return fallback;
            return node is JsonValue v && v.TryGetValue(out bool b) ? b : throw new LlaException($"{where}: '{key}' must be true or false");
        }

        public JsonObject Object(string key)
        {
            var node = Get(key);
            if (node is null) return new JsonObject();
            return node as JsonObject ?? throw new LlaException($"{where}: '{key}' must be an object");
        }

        public IReadOnlyList<JsonNode?> Array(string key)
        {
            var node = Get(key);
            if (node is null) return System.Array.Empty<JsonNode?>();
            return node is JsonArray a ? a.ToList() : throw new LlaException($"{where}: '{key}' must be a list");
        }

        /// <summary>A list of strings, or null when the key is absent.</summary>
        public IReadOnlyList<string>? Strings(string key)
        {
            var node = Get(key);
            if (node is null) return null;
            if (node is not JsonArray a) throw new LlaException($"{where}: '{key}' must be a list of names");
            return a.Select(n => n is JsonValue v && v.TryGetValue(out string? s) ? s : throw new LlaException($"{where}: '{key}' must be a list of names")).ToList();
        }

        public void RejectUnknown()
        {
            var unknown = o.Select(kv => kv.Key).FirstOrDefault(k => !_seen.Contains(k));
            if (unknown is not null) throw new LlaException($"{where}: unknown key '{unknown}'");
        }
    }
}
