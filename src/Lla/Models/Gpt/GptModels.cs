using static TorchSharp.torch;

namespace Lla.Models.Gpt;

/// <summary>Builds the GPT a model name asks for (<see cref="GptConfig"/>), checked against the token data it will read.</summary>
public static class GptModels
{
    /// <summary>
    /// The GPT <paramref name="spec"/>'s name describes. The data's samples must be windows of token ids [T] with
    /// T at most the context, and its targets (token ids) must fit the vocabulary.
    /// </summary>
    public static nn.Module<Tensor, Tensor> Create(ModelSpec spec)
    {
        var config = GptConfig.Parse(spec.Name);
        if (spec.InputShape.Length != 1)
            throw new LlaException($"{spec.Name} reads windows of token ids, the data has samples of shape [{string.Join(",", spec.InputShape)}] (give token data in {{data}})");
        if (spec.InputShape[0] > config.Context)
            throw new LlaException($"{spec.Name} has a context of {config.Context} tokens, the data's windows hold {spec.InputShape[0]}");
        if (spec.NumClasses > config.Vocabulary)
            throw new LlaException($"the data holds token ids up to {spec.NumClasses - 1}, beyond {spec.Name}'s vocabulary of {config.Vocabulary}");
        Native.MemoryBudget.Require(4.0 * sizeof(float) * config.ParameterCount, $"{spec.Name}'s {config.ParameterCount} parameters (float32, with gradients and their graph)");
        return new GptModel(config);
    }
}
