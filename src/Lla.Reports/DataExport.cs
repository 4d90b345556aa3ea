using System.Collections;
using System.Text.Json.Nodes;
using Lla.Models;
using Lla.Runs;
using PureHDF;

namespace Lla.Reports;

/// <summary>
/// results.h5 (HDF5, laid out for h5py): the run's records mapped one to one, by one rule, under the names results.json
/// uses (the serializer's own contract), plus each landscape's directions from its directions file.
/// </summary>
public static class DataExport
{
    public const string Hdf5File = "results.h5";

    /// <summary>
    /// The rule: an object is a group (the file itself for the run record); a number, string, enum or bool member is an
    /// attribute (bools as 0/1, non-finite numbers left out); a list of numbers or bools is a dataset (missing values NaN),
    /// a list of equal-length number lists a 2-D dataset [row, column], a list of strings a string dataset; a list of
    /// objects is a group holding one group per element, named by the list's name in the singular and the index
    /// (<c>run_0</c>, <c>layer_2</c>; planes of <c>landscapes</c> are <c>plane_K</c>). Each landscape with a directions
    /// file also gets <c>d1</c>, <c>d2</c> (flat, parameter order as in <c>parameter_names</c>) and <c>parameter_names</c>.
    /// </summary>
    public static void WriteHdf5(string folder, RunResults results)
    {
        var file = new H5File();
        PutMembers(file, results);
        if (file.TryGetValue("landscapes", out var landscapes) && landscapes is H5Group planes)
            for (int k = 0; k < results.Landscapes.Count; k++)
                if (planes.TryGetValue(ElementName("landscapes", k), out var plane) && plane is H5Group group)
                    AddDirections(folder, results.Landscapes[k], group);
        RunFolder.WriteAtomically(Path.Combine(folder, Hdf5File), tmp => file.Write(tmp));
    }

    /// <summary>How the element <paramref name="index"/> of the list <paramref name="list"/> is named: the list's name in the singular, then the index.</summary>
    internal static string ElementName(string list, int index) =>
        (list == "landscapes" ? "plane" : list.EndsWith('s') ? list[..^1] : list) + "_" + index;

    /// <summary>The members of a record (as the serializer names and sees them) into <paramref name="group"/>.</summary>
    private static void PutMembers(H5Group group, object record)
    {
        foreach (var p in ResultsSerializer.Options.GetTypeInfo(record.GetType()).Properties)
            if (p.Get is { } get) Put(group, p.Name, get(record));
    }

    private static void Put(H5Group group, string name, object? value)
    {
        name = name.Replace('/', '_');
        switch (value)
        {
            case null: return;
            case double d: if (double.IsFinite(d)) group.Attributes[name] = d; return;
            case float f: if (float.IsFinite(f)) group.Attributes[name] = (double)f; return;
            case int or long: group.Attributes[name] = Convert.ToInt64(value); return;
            case bool b: group.Attributes[name] = b ? 1L : 0L; return;
            case string s: group.Attributes[name] = s; return;
            case Enum: group.Attributes[name] = System.Text.Json.JsonSerializer.SerializeToElement(value, value.GetType(), ResultsSerializer.Options).GetString()!; return;
            case JsonNode node: PutJson(group, name, node); return;
            case IEnumerable<double> xs: group[name] = xs.ToArray(); return;
            case IEnumerable<double?> xs: group[name] = xs.Select(x => x ?? double.NaN).ToArray(); return;
            case IEnumerable<bool> xs: group[name] = xs.Select(x => x ? 1L : 0L).ToArray(); return;
            case IEnumerable<int> xs: group[name] = xs.Select(x => (long)x).ToArray(); return;
            case IEnumerable<long> xs: group[name] = xs.ToArray(); return;
            case IEnumerable<string> xs: group[name] = xs.ToArray(); return;
            case IEnumerable<IEnumerable<double>> rows: PutRows(group, name, rows.Select(r => r.ToArray()).ToArray()); return;
            case IEnumerable<IEnumerable<double?>> rows: PutRows(group, name, rows.Select(r => r.Select(x => x ?? double.NaN).ToArray()).ToArray()); return;
            case IDictionary map:
            {
                var child = new H5Group();
                foreach (DictionaryEntry e in map) Put(child, Convert.ToString(e.Key, System.Globalization.CultureInfo.InvariantCulture)!, e.Value);
                group[name] = child;
                return;
            }
            case IEnumerable items:
            {
                var child = new H5Group();
                int k = 0;
                foreach (object? item in items) Put(child, ElementName(name, k++), item);
                group[name] = child;
                return;
            }
            default:
            {
                var child = new H5Group();
                // A job's settings name their job, as results.json's "job" does.
                if (value is JobSettings) child.Attributes["job"] = JobNames.Of(value.GetType());
                PutMembers(child, value);
                group[name] = child;
                return;
            }
        }
    }

    /// <summary>A 2-D dataset [row, column] when every row has the same length, else one dataset per row (row_J).</summary>
    private static void PutRows(H5Group group, string name, double[][] rows)
    {
        if (rows.Length > 0 && rows.All(r => r.Length == rows[0].Length))
        {
            var m = new double[rows.Length, rows[0].Length];
            for (int j = 0; j < rows.Length; j++) for (int i = 0; i < rows[j].Length; i++) m[j, i] = rows[j][i];
            group[name] = new H5Dataset(m);
        }
        else
        {
            var child = new H5Group();
            for (int j = 0; j < rows.Length; j++) child[$"row_{j}"] = rows[j];
            group[name] = child;
        }
    }

    /// <summary>Free-form JSON by the same rule (a number with a fraction or exponent is a double, else an integer).</summary>
    private static void PutJson(H5Group group, string name, JsonNode node)
    {
        switch (node)
        {
            case JsonObject o:
            {
                var child = new H5Group();
                foreach (var (key, value) in o) if (value is not null) PutJson(child, key.Replace('/', '_'), value);
                group[name] = child;
                return;
            }
            case JsonArray a when a.All(v => v is JsonValue x && x.GetValueKind() == System.Text.Json.JsonValueKind.Number):
                group[name] = a.Select(v => v!.GetValue<double>()).ToArray();
                return;
            case JsonArray a when a.All(v => v is JsonValue x && x.GetValueKind() == System.Text.Json.JsonValueKind.String):
                group[name] = a.Select(v => v!.GetValue<string>()).ToArray();
                return;
            case JsonValue v:
                switch (v.GetValueKind())
                {
                    case System.Text.Json.JsonValueKind.String: group.Attributes[name] = v.GetValue<string>(); return;
                    case System.Text.Json.JsonValueKind.True: group.Attributes[name] = 1L; return;
                    case System.Text.Json.JsonValueKind.False: group.Attributes[name] = 0L; return;
                    case System.Text.Json.JsonValueKind.Number:
                        string text = v.ToJsonString();
                        if (text.IndexOfAny(['.', 'e', 'E']) < 0 && long.TryParse(text, out long l)) group.Attributes[name] = l;
                        else group.Attributes[name] = v.GetValue<double>();
                        return;
                }
                return;
            default:
                // Mixed or nested arrays: their JSON text.
                group.Attributes[name] = node.ToJsonString();
                return;
        }
    }

    /// <summary>d1, d2 (flat, float64) and parameter_names of a landscape, from its directions file when it is there.</summary>
    private static void AddDirections(string folder, LandscapeRecord l, H5Group plane)
    {
        if (l.DirectionsFile is not string directions || !File.Exists(Path.Combine(folder, directions))) return;
        var tensors = TensorFile.Read(Path.Combine(folder, directions));
        try
        {
            var names = tensors.Keys.Where(n => n.StartsWith("d1.", StringComparison.Ordinal)).Select(n => n[3..]).ToArray();
            plane["parameter_names"] = names;
            foreach (var d in new[] { "d1", "d2" })
                if (names.All(n => tensors.ContainsKey($"{d}.{n}")))
                {
                    // Each converted copy is owned by a scope while its values are read (an unowned temporary can be freed mid-call).
                    using var scope = TorchSharp.torch.NewDisposeScope();
                    plane[d] = names.SelectMany(n => tensors[$"{d}.{n}"].to(TorchSharp.torch.ScalarType.Float64).reshape(-1).data<double>().ToArray()).ToArray();
                }
        }
        finally { foreach (var t in tensors.Values) t.Dispose(); }
    }
}
