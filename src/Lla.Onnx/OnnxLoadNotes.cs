namespace Lla.Onnx;

/// <summary>
/// What loading an ONNX file says of the module, for the run record (results.json's <c>model.file_notes</c>) and the
/// console: each tied initializer in full, and the tensors widened when read counted by kind (a float16 export widens
/// hundreds; the module's <see cref="OnnxModule.Conversions"/> keeps every one).
/// </summary>
public static class OnnxLoadNotes
{
    public static IReadOnlyList<string> Of(OnnxModule module) => Summarize(module.TiedInitializerNotes, module.Conversions);

    /// <summary>The tied notes as they are, then the conversions ("initializer 'w': float16 read as float32") grouped by what was read as what.</summary>
    public static IReadOnlyList<string> Summarize(IEnumerable<string> tied, IEnumerable<string> conversions)
    {
        var notes = new List<string>(tied);
        foreach (var group in conversions.GroupBy(c => c[(c.LastIndexOf(": ", StringComparison.Ordinal) + 2)..]))
        {
            string first = group.First();
            string which = first[..first.LastIndexOf(": ", StringComparison.Ordinal)];
            notes.Add(group.Count() == 1
                ? $"{which}: {group.Key}"
                : $"{group.Count()} stored tensors {group.Key} (the first: {which})");
        }
        return notes;
    }
}
