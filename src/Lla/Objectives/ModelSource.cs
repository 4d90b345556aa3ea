using Lla.Models;
using System.Runtime.InteropServices;
using Lla.Data;
using Lla.Objectives;
using static TorchSharp.torch;

namespace Lla.Objectives;

/// <summary>Which model, weights and data a command works on (after defaults are filled in).</summary>
public sealed record ModelSource(string Model, string? Weights, string Data, ScalarType DType, long Seed, LossKind Loss = LossKind.CrossEntropy, Device? OnDevice = null, int? NumClasses = null)
{
    public const string RandomWeights = "none";
    public const string TorchScriptPrefix = "torchscript:";

    /// <summary>The graph inputs besides the data bound to constants (NAME=FILE.npy or NAME=NUMBER, <see cref="GraphInputs"/>): ONNX models only.</summary>
    public IReadOnlyList<string> GraphInputs { get; init; } = Array.Empty<string>();

    /// <summary>How folder: images are decoded (size, mean, standard deviation, unreadable files), when the data reads image folders; null otherwise.</summary>
    public ImageDecoding? Images { get; init; }

    /// <summary>How text: and tokens: data are tokenized and cut into windows, when the data reads text; null otherwise.</summary>
    public Data.Text.TextSettings? Text { get; init; }

    /// <summary>A model file (TorchScript, ONNX, …) rather than a zoo architecture.</summary>
    private (ModelFiles.Format Format, string Path)? File_ => ModelFiles.Find(Model);

    /// <summary>
    /// Fills in the embedded default: --data defaults to the Fashion-MNIST subset, --weights to the
    /// embedded LeNet when the model is lenet and the data is the default ("none": seeded random init);
    /// for gpt-bytes without --data, the shipped text corpus and GPT, with <see cref="Text"/> set to
    /// <see cref="EmbeddedDefault.Text"/> (bytes, context 64).
    /// </summary>
    public static ModelSource Resolve(string? model, string? weights, string? data, string dtype, long seed, string loss = "cross-entropy", string device = "cpu")
    {
        var lossKind = LossFunctions.Parse(loss); // an unknown loss is refused before anything is loaded
        var onDevice = ParseDevice(device); // and so is a device that is not there (parsed once, here)
        var type = dtype switch
        {
            "float32" => ScalarType.Float32,
            "float64" => ScalarType.Float64,
            _ => throw new LlaException($"{{dtype}} must be float32 or float64 (got '{dtype}')"),
        };
        string chosenModel = model ?? EmbeddedDefault.Model;
        if (ModelFiles.Find(chosenModel) is var (format, script))
        {
            InputPaths.RequireFile(script, $"{format.Name} file", "model");
            if (data is null) throw new LlaException($"a {format.Name} model needs {{data}}: the embedded data is for the embedded LeNet");
            if (weights is not null && weights != RandomWeights) InputPaths.RequireFile(weights, "weights file", "weights");
            // A TorchScript file carries its weights; --weights replaces them, 'none' is not a choice here.
            if (weights == RandomWeights) throw new LlaException($"{{weights}} none does not apply to {format.Name} models (they carry their own weights)");
            return new ModelSource(chosenModel, weights, data, type, seed, lossKind, onDevice);
        }
        if (!ModelZoo.Knows(chosenModel))
            throw new LlaException($"unknown model '{chosenModel}' (known: {string.Join(", ", ModelZoo.Names)}), nor a model file ({ModelFiles.Forms})");
        lossKind = LossFor(chosenModel, lossKind);
        // The embedded text default: gpt-bytes without --data reads the shipped corpus (bytes, context 64) with the shipped weights.
        bool embeddedText = data is null && chosenModel == EmbeddedDefault.TextModel;
        string chosenData = data ?? (embeddedText ? EmbeddedDefault.TextDataSpec : EmbeddedDefault.DataSpec);
        string? chosenWeights = weights;
        if (chosenWeights is null)
        {
            if (data is null && chosenModel == EmbeddedDefault.Model) chosenWeights = EmbeddedDefault.Weights;
            else if (embeddedText) chosenWeights = EmbeddedDefault.TextWeights;
            else throw new LlaException("{weights} is needed with your own {data} or {model} (give a file, or 'none' for a seeded random initialization)");
        }
        if (chosenWeights == RandomWeights) chosenWeights = null;
        else InputPaths.RequireFile(chosenWeights, "weights file", "weights");
        return new ModelSource(chosenModel, chosenWeights, chosenData, type, seed, lossKind, onDevice) { Text = embeddedText ? EmbeddedDefault.Text : null };
    }

    /// <summary>
    /// A GPT's loss is next-token cross-entropy: cross-entropy (the default) means it there; nll and mse do not
    /// apply. Parsed here so that a malformed gpt: spec is refused before anything is loaded.
    /// </summary>
    private static LossKind LossFor(string model, LossKind asked)
    {
        if (!Models.Gpt.GptConfig.Names(model)) return asked;
        Models.Gpt.GptConfig.Parse(model);
        return asked switch
        {
            LossKind.CrossEntropy or LossKind.NextToken => LossKind.NextToken,
            LossKind.Nll or LossKind.Mse => throw new LlaException($"{{loss}} {asked.Name()} does not apply to {model}: a GPT's loss is next-token cross-entropy ({{loss}} next-token, the default for GPT models)"),
        };
    }

    /// <summary>This source with the graph inputs <paramref name="bindings"/> bound (checked now: their form, their files, and that the model is a graph that takes them).</summary>
    public ModelSource WithGraphInputs(IReadOnlyList<string> bindings)
    {
        if (bindings.Count == 0) return this with { GraphInputs = Array.Empty<string>() };
        if (File_ is not var (format, path)) throw new LlaException($"{{onnx-input}} binds inputs of an ONNX graph, and {Model} is a zoo model: give {{model}} onnx:FILE or leave out {{onnx-input}}");
        if (format.LoadBound is null) throw new LlaException($"{{onnx-input}} binds inputs of an ONNX graph, and {path} is a {format.Name} model: leave out {{onnx-input}}");
        Models.GraphInputs.Check(bindings);
        return this with { GraphInputs = bindings.ToArray() };
    }

    public LossFunction LossFunction => Loss.Function();

    /// <summary>The model's output count: --num-classes if given (checked against the labels), else what the data implies.</summary>
    private int Classes(Dataset data)
    {
        if (NumClasses is not int n) return data.NumClasses;
        if (n < 1) throw new LlaException($"{{num-classes}} must be at least 1 (got {n})");
        data.RequireClasses(n);
        return n;
    }

    /// <summary>Where the model and its batches go: <see cref="OnDevice"/>, the CPU when it is null.</summary>
    public Device Device => OnDevice ?? CPU;

    /// <summary>cpu, cuda or cuda:N; CUDA needs a CUDA backend package in place of the CPU one, and says which.</summary>
    public static Device ParseDevice(string name)
    {
        if (name == "cpu") return CPU;
        var match = System.Text.RegularExpressions.Regex.Match(name, @"^cuda(?::(\d+))?$");
        if (!match.Success) throw new LlaException($"{{device}} must be cpu, cuda or cuda:N (got '{name}')");
        if (!torch.cuda.is_available())
            throw new LlaException($"{{device}} {name}: no CUDA device is usable here: this build carries the CPU backend (libtorch-cpu-linux-x64); for NVIDIA GPUs reference libtorch-cuda-12.8-linux-x64 (or libtorch-cuda-12.8-win-x64) instead and install the NVIDIA driver");
        int index = match.Groups[1].Success ? int.Parse(match.Groups[1].Value) : 0;
        if (index >= torch.cuda.device_count()) throw new LlaException($"{{device}} {name}: only {torch.cuda.device_count()} CUDA device(s) are present");
        return torch.device(DeviceType.CUDA, index);
    }

    public Dataset LoadData(Split split)
    {
        var data = DataSpec.Load(Data, split);
        if (Loss.TakesLabels() != data.IsClassification)
        {
            data.Dispose();
            throw new LlaException(Loss.TakesLabels()
                ? $"{{loss}} {Loss.Name()} needs integer class labels, but {Data} holds float targets (use {{loss}} mse)"
                : $"{{loss}} {Loss.Name()} needs float targets, but {Data} holds integer labels (use {{loss}} cross-entropy or nll)");
        }
        return data;
    }

    /// <summary>Builds the model for data of this shape, loads the weights and converts to the chosen dtype.</summary>
    public nn.Module<Tensor, Tensor> Build(Dataset data)
    {
        if (File_ is var (format, path))
        {
            if (Device.type != DeviceType.CPU) throw new LlaException($"{format.Name} models run on the CPU here ({{device}} cpu)");
            var loaded = Load(format, path);
            if (format.Notes?.Invoke(loaded) is { Count: > 0 } notes) FileNotes.AddOrUpdate(loaded, notes);
            // Turned to the chosen dtype first, so that weights are converted (and counted) once, to what the analysis uses.
            var built = DType != ScalarType.Float32 ? format.ToDType(loaded, DType) : loaded;
            if (!ReferenceEquals(built, loaded) && FileNotes.TryGetValue(loaded, out var kept)) FileNotes.AddOrUpdate(built, kept);
            if (Weights is not null) Remember(built, WeightsLoader.Load(built, Weights));
            RequireRunsOn(built, data, $"{format.Name} model {path}");
            return built;
        }
        if (GraphInputs.Count > 0) throw new LlaException($"{{onnx-input}} binds inputs of an ONNX graph, and {Model} is a zoo model: give {{model}} onnx:FILE or leave out {{onnx-input}}");
        var spec = new ModelSpec(Model, data.SampleShape, Classes(data));
        if (!is_floating_point(data.Inputs) && !Models.Gpt.GptConfig.Names(Model))
            throw new LlaException($"{{model}} {Model} reads images or feature vectors, and {Data} holds token ids: token data needs a GPT ({{model}} gpt-nano, gpt-bytes, gpt2-small or gpt:…)");
        nn.Module<Tensor, Tensor> model;
        // The zoo's initializers draw from libtorch's process-wide generator: seeding it and building must not interleave
        // with another build on another thread (a study or a test beside this one), or the seeded initialization changes.
        lock (GlobalGenerator)
        {
            torch.manual_seed(Seed);
            model = ModelZoo.Create(spec);
        }
        // A large GPT's stages (numeric guard, SLQ basis, top-k basis, vocabulary-wide logits) hold gigabytes each: freed
        // memory goes back to the system instead of staying beside the next stage's.
        if (model is Models.Gpt.GptModel { Config.ParameterCount: >= ReturnFreedMemoryParameters }) Native.RuntimeSetup.ReturnFreedMemory();
        if (Weights is not null) RequireLabelsFitWeights(model, data);
        // Turned to the chosen dtype before the weights are copied in: a float64 file keeps its precision under
        // --dtype float64, and a conversion (float64 weights into a float32 analysis) is counted and noted.
        if (DType != ScalarType.Float32) model.to(DType);
        if (Weights is not null) Remember(model, WeightsLoader.Load(model, Weights));
        if (Device.type != DeviceType.CPU) model.to(Device);
        return model;
    }

    /// <summary>
    /// A GPT of this many parameters (2²⁵, 33.5M) or more returns freed memory to the system (docs/language-models.md):
    /// gpt2-small's scale run then peaked at 18.1 GB, where kept memory had ended it at 24.9 GB; below it the kept heap is
    /// faster (one HVP of the bench's 10.7M GPT: 2.88 s kept, 3.60 s returned) and the peaks are a few GB.
    /// </summary>
    public const long ReturnFreedMemoryParameters = 1L << 25;

    /// <summary>Held while libtorch's process-wide generator is seeded and drawn from for a model's initialization.</summary>
    public static readonly object GlobalGenerator = new();

    /// <summary>The model file loaded, with its graph inputs bound when there are bindings.</summary>
    private nn.Module<Tensor, Tensor> Load(ModelFiles.Format format, string path)
    {
        if (GraphInputs.Count == 0) return format.Load(path);
        if (format.LoadBound is not { } loadBound)
            throw new LlaException($"{{onnx-input}} binds inputs of an ONNX graph, and {path} is a {format.Name} model: leave out {{onnx-input}}");
        var bound = Models.GraphInputs.Read(GraphInputs);
        try { return loadBound(path, bound); }
        finally { foreach (var t in bound.Values) t.Dispose(); }
    }

    private static readonly System.Runtime.CompilerServices.ConditionalWeakTable<nn.Module, string> LoadNotes = new();

    private static void Remember(nn.Module model, string? note)
    {
        if (note is not null) LoadNotes.AddOrUpdate(model, note);
    }

    /// <summary>
    /// What loading the weights into a model built here changed, e.g. "converted 10 float64 tensors to
    /// float32" (the file's precision is not the analysis's), or null if the weights were taken as they are.
    /// </summary>
    public static string? WeightsNote(nn.Module model) => LoadNotes.TryGetValue(model, out var note) ? note : null;

    private static readonly System.Runtime.CompilerServices.ConditionalWeakTable<nn.Module, IReadOnlyList<string>> FileNotes = new();

    /// <summary>
    /// What reading a model file said of the model (e.g. an ONNX initializer that feeds several node inputs, so
    /// the Hessian is taken over one tied parameter; float16 tensors read as float32), or null when it said nothing.
    /// </summary>
    public static IReadOnlyList<string>? ModelFileNotes(nn.Module model) => FileNotes.TryGetValue(model, out var notes) ? notes : null;

    /// <summary>
    /// A model file's graph is not known before it runs: one forward pass on two samples of the data,
    /// so that data of the wrong shape is one line naming the problem before any work (libtorch's
    /// errors otherwise surface deep inside an analysis).
    /// </summary>
    private void RequireRunsOn(nn.Module<Tensor, Tensor> model, Dataset data, string what)
    {
        using var scope = NewDisposeScope();
        using var _ = no_grad();
        using var batch = data.Batches(2, 1, false, 0)[0];
        var inputs = DType != ScalarType.Float32 ? batch.Inputs.to(DType) : batch.Inputs;
        bool training = model.training;
        try { model.eval(); model.forward(inputs); }
        catch (Exception e) when (e is ExternalException or ArgumentException or InvalidOperationException)
        {
            string reason = e.Message.Split('\n').Select(l => l.Trim()).LastOrDefault(l => l.StartsWith("RuntimeError:", StringComparison.Ordinal))?["RuntimeError:".Length..].Trim()
                ?? StateDictFiles.FirstLine(e.Message);
            throw new LlaException($"the {what} cannot run on {{data}} {Data} (samples of shape [{string.Join(", ", data.SampleShape)}]): {reason}");
        }
        finally { model.train(training); }
    }

    /// <summary>
    /// Labels beyond the classes the weights were trained for are the data's problem, not a weights
    /// mismatch: checked (on the output layer, the model's last parameter) before the weights are matched.
    /// </summary>
    private void RequireLabelsFitWeights(nn.Module model, Dataset data)
    {
        if (!data.IsClassification || NumClasses is not null || model is Models.Gpt.GptModel) return;
        string output = model.named_parameters().Last(p => p.parameter.dim() >= 1).name;
        var entries = StateDictFiles.Read(Weights!);
        try
        {
            if (entries.TryGetValue(output, out var t) && t.dim() >= 1 && t.shape[0] < data.NumClasses) data.RequireClasses((int)t.shape[0]);
        }
        finally { foreach (var e in entries.Values) e.Dispose(); }
    }

    /// <summary>A float64 copy of <paramref name="model"/> in the same analysis mode (for the numeric guard).</summary>
    public Func<nn.Module<Tensor, Tensor>> Float64Twin(nn.Module<Tensor, Tensor> model, Dataset data, BatchNormMode mode) => () =>
    {
        nn.Module<Tensor, Tensor> twin;
        if (File_ is var (format, path))
        {
            var loaded = Load(format, path);
            if (format.Notes?.Invoke(loaded) is { Count: > 0 } notes) FileNotes.AddOrUpdate(loaded, notes);
            var source = model.state_dict();
            using (no_grad()) foreach (var (name, t) in loaded.state_dict()) t.copy_(source[name]);
            twin = format.ToDType(loaded, ScalarType.Float64);
        }
        else
        {
            // Its initialization draws from libtorch's process-wide generator too (then overwritten): under the same lock as builds.
            lock (GlobalGenerator) twin = ModelZoo.Create(new ModelSpec(Model, data.SampleShape, Classes(data)));
            twin.load_state_dict(model.state_dict());
            twin.to(ScalarType.Float64);
            if (Device.type != DeviceType.CPU) twin.to(Device);
        }
        AnalysisMode.Set(twin, mode);
        return twin;
    };
}
