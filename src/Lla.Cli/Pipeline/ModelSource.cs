using Lla.Data;
using Lla.Models;
using Lla.Objectives;
using static TorchSharp.torch;

namespace Lla.Cli.Pipeline;

/// <summary>Which model, weights and data a command works on (after defaults are filled in).</summary>
internal sealed record ModelSource(string Model, string? Weights, string Data, ScalarType DType, long Seed, string Loss = "cross-entropy")
{
    public const string RandomWeights = "none";
    public const string TorchScriptPrefix = "torchscript:";

    private bool IsTorchScript => Model.StartsWith(TorchScriptPrefix, StringComparison.Ordinal);
    private string ScriptPath => Model[TorchScriptPrefix.Length..];

    /// <summary>
    /// Fills in the embedded default: --data defaults to the Fashion-MNIST subset, --weights to the
    /// embedded LeNet when the model is lenet and the data is the default ("none": seeded random init).
    /// </summary>
    public static ModelSource Resolve(string? model, string? weights, string? data, string dtype, long seed, string loss = "cross-entropy")
    {
        LossFunctions.ByName(loss); // an unknown loss is refused before anything is loaded
        var type = dtype switch
        {
            "float32" => ScalarType.Float32,
            "float64" => ScalarType.Float64,
            _ => throw new LlaException($"--dtype must be float32 or float64 (got '{dtype}')"),
        };
        string chosenModel = model ?? EmbeddedDefault.Model;
        if (chosenModel.StartsWith(TorchScriptPrefix, StringComparison.Ordinal))
        {
            string script = chosenModel[TorchScriptPrefix.Length..];
            if (!File.Exists(script)) throw new LlaException($"TorchScript file not found: {script}");
            if (data is null) throw new LlaException("--model torchscript:FILE needs --data: the embedded data is for the embedded LeNet");
            if (weights is not null && weights != RandomWeights && !File.Exists(weights)) throw new LlaException($"weights file not found: {weights}");
            // A TorchScript file carries its weights; --weights replaces them, 'none' is not a choice here.
            if (weights == RandomWeights) throw new LlaException("--weights none does not apply to TorchScript models (they carry their own weights)");
            return new ModelSource(chosenModel, weights, data, type, seed, loss);
        }
        if (!ModelZoo.Knows(chosenModel))
            throw new LlaException($"unknown model '{chosenModel}' (known: {string.Join(", ", ModelZoo.Names)})");
        string chosenData = data ?? EmbeddedDefault.DataSpec;
        string? chosenWeights = weights;
        if (chosenWeights is null)
        {
            if (data is null && chosenModel == EmbeddedDefault.Model) chosenWeights = EmbeddedDefault.Weights;
            else throw new LlaException("--weights is needed with your own --data or --model (give a file, or 'none' for a seeded random initialization)");
        }
        if (chosenWeights == RandomWeights) chosenWeights = null;
        else if (!File.Exists(chosenWeights)) throw new LlaException($"weights file not found: {chosenWeights}");
        return new ModelSource(chosenModel, chosenWeights, chosenData, type, seed, loss);
    }

    public LossFunction LossFunction => LossFunctions.ByName(Loss);

    public Dataset LoadData(Split split)
    {
        var data = DataSpec.Load(Data, split);
        if (LossFunctions.TakesLabels(Loss) != data.IsClassification)
        {
            data.Dispose();
            throw new LlaException(LossFunctions.TakesLabels(Loss)
                ? $"--loss {Loss} needs integer class labels, but {Data} holds float targets (use --loss mse)"
                : $"--loss {Loss} needs float targets, but {Data} holds integer labels (use --loss cross-entropy or nll)");
        }
        return data;
    }

    /// <summary>Builds the model for data of this shape, loads the weights and converts to the chosen dtype.</summary>
    public nn.Module<Tensor, Tensor> Build(Dataset data)
    {
        if (IsTorchScript)
        {
            var script = TorchScriptModel.Load(ScriptPath);
            if (Weights is not null) WeightsLoader.Load(script, Weights);
            if (DType != ScalarType.Float32) script.ToDType(DType);
            return script;
        }
        var spec = new ModelSpec(Model, data.SampleShape, data.NumClasses);
        torch.manual_seed(Seed);
        var model = ModelZoo.Create(spec);
        if (Weights is not null) WeightsLoader.Load(model, Weights);
        if (DType != ScalarType.Float32) model.to(DType);
        return model;
    }

    /// <summary>A float64 copy of <paramref name="model"/> in the same analysis mode (for the numeric guard).</summary>
    public Func<nn.Module<Tensor, Tensor>> Float64Twin(nn.Module<Tensor, Tensor> model, Dataset data, BatchNormMode mode) => () =>
    {
        nn.Module<Tensor, Tensor> twin;
        if (IsTorchScript)
        {
            var script = TorchScriptModel.Load(ScriptPath);
            using (no_grad()) foreach (var (name, t) in script.state_dict()) t.copy_(model.state_dict()[name]);
            twin = script.ToDType(ScalarType.Float64);
        }
        else
        {
            twin = ModelZoo.Create(new ModelSpec(Model, data.SampleShape, data.NumClasses));
            twin.load_state_dict(model.state_dict());
            twin.to(ScalarType.Float64);
        }
        AnalysisMode.Set(twin, mode);
        return twin;
    };
}
