using Lla.Models;
using Lla.Objectives;

namespace Lla.Studies;

/// <summary>
/// The model, weights and data of one model of a study, resolved as every command resolves <c>--model</c>,
/// <c>--weights</c> and <c>--data</c> (<see cref="ModelSource.Resolve"/>): a GPT's loss is next-token
/// cross-entropy, an image model's cross-entropy on classes; text data reads with the config's tokenizer and context.
/// </summary>
public static class StudySource
{
    /// <summary>The source of <paramref name="spec"/> with <paramref name="weights"/> (null: its seeded random initialization).</summary>
    public static ModelSource For(StudyConfig config, StudyModel spec, string? weights)
    {
        var source = ModelSource.Resolve(spec.Architecture, weights ?? ModelSource.RandomWeights, config.Data ?? EmbeddedDefault.DataSpec, "float32", spec.Seed);
        return config.Text is null ? source : source with { Text = config.Text };
    }
}
