namespace Lla.Onnx;

internal static partial class OnnxOperators
{
    /// <summary>
    /// The operators kept in their own files, one group each, merged into <see cref="Table"/>; a name
    /// given twice is a programming error and fails the type's initialization.
    /// </summary>
    private static Dictionary<string, Operator> Groups()
    {
        var all = new Dictionary<string, Operator>();
        foreach (var group in new[]
        {
            ElementwiseOperators(), ActivationOperators(), LogicOperators(), ReductionOperators(),
            LossOperators(), IndexingOperators(), ArrayOperators(), NormalizationOperators(), LayoutOperators(),
            RecurrentOperators(), ResizeOperators(), GridSampleOperators(),
        })
            foreach (var (name, op) in group) all.Add(name, op);
        return all;
    }
}
