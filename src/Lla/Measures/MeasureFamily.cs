using System.Text.Json;
using System.Text.Json.Serialization;

namespace Lla.Measures;

/// <summary>
/// A family of generalization measures (METHOD.md, "Generalization measures"), declared once in its own
/// file: its name (as `lla measure --only` and results.json's <c>measures[].family</c> spell it), its
/// measures with their directions and meanings, whether `lla analyze` and studies compute it by default,
/// the mode it runs in, and its computation over a <see cref="MeasureContext"/>. Every non-abstract
/// subclass with a public parameterless constructor in this assembly is a family
/// (<see cref="MeasureFamilies"/> finds it by reflection): adding a family touches its own file,
/// docs/measures.md and its test. Families are equal when their names are.
/// </summary>
[JsonConverter(typeof(MeasureFamilyJsonConverter))]
public abstract class MeasureFamily : IEquatable<MeasureFamily>
{
    /// <summary>The family's name: lower case, as the command line and results spell it.</summary>
    public abstract string Name { get; }

    /// <summary>Where the family comes in the list of families (and so in results): smaller first.</summary>
    public abstract int Order { get; }

    /// <summary>The family's measures, in the order it lists them.</summary>
    public abstract IReadOnlyList<MeasureInfo> Measures { get; }

    /// <summary>Cheap (forward passes only): `lla analyze` adds it by default and a study computes it on every analysed batch by default.</summary>
    public virtual bool Cheap => false;

    /// <summary>A study offers the family (computed per analysed batch): the cheap ones by default, others when a config names their measures.</summary>
    public virtual bool InStudies => Cheap;

    /// <summary>The BatchNorm mode it runs in: eval (forward-only work), or the analysis's mode behind the numeric guard (backward work).</summary>
    public virtual MeasureMode Mode => MeasureMode.Eval;

    /// <summary>Checks the family's own settings before any work (called only when the family is asked).</summary>
    public virtual void Validate(MeasureRunOptions options) { }

    /// <summary>Checks, once the model's size is known and before any work, that the family's work fits (called only when the family is asked).</summary>
    public virtual void CheckFits(MeasureRunOptions options, Vectors.ParameterSet parameters) { }

    /// <summary>Before any work, when the family is the only one asked: refuses (an <see cref="LlaException"/>) a model of which it would give nothing.</summary>
    public virtual void CheckAlone(MeasureContext context) { }

    /// <summary>The family's measures of the context's model. An <see cref="LlaException"/> makes every measure of the family unavailable with its message (or fails the run when the family is the only one asked).</summary>
    public abstract IReadOnlyList<MeasureValue> Compute(MeasureContext context);

    /// <summary>The declared measure <paramref name="name"/> of this family.</summary>
    public MeasureInfo Measure(string name) =>
        Measures.FirstOrDefault(m => m.Name == name) ?? throw new InvalidOperationException($"the {Name} family declares no measure '{name}'");

    /// <summary>A value of the declared measure <paramref name="name"/>: its family, direction and needs filled in from the declaration.</summary>
    public MeasureValue Value(string name)
    {
        var m = Measure(name);
        return new MeasureValue { Name = m.Name, Family = this, Direction = m.Direction, NeedsLabels = m.NeedsLabels, NeedsInit = m.NeedsInit, DataFree = m.DataFree };
    }

    /// <summary>Every measure of the family without a value, with <paramref name="reason"/>.</summary>
    public IReadOnlyList<MeasureValue> Unavailable(string reason) => Measures.Select(m => Value(m.Name) with { Reason = reason }).ToArray();

    public bool Equals(MeasureFamily? other) => other is not null && other.Name == Name;
    public override bool Equals(object? obj) => Equals(obj as MeasureFamily);
    public override int GetHashCode() => StringComparer.Ordinal.GetHashCode(Name);
    public override string ToString() => Name;
    public static bool operator ==(MeasureFamily? a, MeasureFamily? b) => a is null ? b is null : a.Equals(b);
    public static bool operator !=(MeasureFamily? a, MeasureFamily? b) => !(a == b);
}

/// <summary>The BatchNorm mode a family runs in.</summary>
public enum MeasureMode
{
    /// <summary>Eval mode, forward passes (and at most gradients of the loss): no numeric guard.</summary>
    Eval,
    /// <summary>The analysis's BatchNorm mode (`--bn`), backward work behind the numeric guard.</summary>
    Analysis,
}

/// <summary>
/// One declared measure: its stable name (results.json, score.json, models.csv), its direction (+1: a
/// larger value predicts a larger generalization gap), what it means in one line, and what it needs.
/// </summary>
public sealed record MeasureInfo(string Name, int Direction, string Meaning)
{
    /// <summary>It needs the labels of the analysed data.</summary>
    public bool NeedsLabels { get; init; }
    /// <summary>It needs the initial weights θ₀.</summary>
    public bool NeedsInit { get; init; }
    /// <summary>It reads only the weights (at most the shape of one input), not the data.</summary>
    public bool DataFree { get; init; }
    /// <summary>It calibrates on a labelled validation set (`--validation`).</summary>
    public bool NeedsValidation { get; init; }
}

/// <summary>A family written as its name (results, settings); read back through <see cref="MeasureFamilies.Parse"/>.</summary>
public sealed class MeasureFamilyJsonConverter : JsonConverter<MeasureFamily>
{
    public override MeasureFamily Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options)
    {
        string name = reader.GetString() ?? throw new JsonException("a measure family must be a name");
        return MeasureFamilies.Find(name) ?? throw new JsonException($"unknown measure family '{name}'");
    }

    public override void Write(Utf8JsonWriter writer, MeasureFamily value, JsonSerializerOptions options) => writer.WriteStringValue(value.Name);
}
