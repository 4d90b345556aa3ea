using System.Text.Json;
using System.Text.Json.Nodes;
using Lla.Reports;
using Lla.Runs;
using Lla.Tests.Support;
using PureHDF;

namespace Lla.Tests.Reports;

/// <summary>
/// results.h5 holds every value of results.json, where the one mapping of <see cref="DataExport"/> puts it: objects as groups,
/// scalars as attributes, number lists as datasets (2-D for a grid), lists of objects as numbered groups.
/// </summary>
public class Hdf5MappingTests
{
    [Fact]
    public void Every_value_of_results_json_is_in_results_h5_at_its_mapped_path()
    {
        TestTorch.Init();
        var results = FullResults.Every();
        string dir = Paths.NewTempFolder();
        ResultsSerializer.Write(Path.Combine(dir, ResultsSerializer.ResultsFile), results);
        RunRenderer.Render(dir);
        using var file = H5File.OpenRead(Path.Combine(dir, DataExport.Hdf5File));
        int checkedValues = 0;
        foreach (var (key, value) in ResultsSerializer.ToNode(results)) Check(file, key, value, key, ref checkedValues);
        Assert.True(checkedValues > 150, $"only {checkedValues} values checked");

        // Spot checks at the paths the docs name.
        Assert.Equal(42.0, file.Group("hessian").Attribute("trace").Read<double>());
        Assert.Equal("MP", file.Group("hessian/criteria").Attribute("hesd_type").Read<string>());
        Assert.Equal("residual", file.Group("curvature_split/verdict").Attribute("source").Read<string>());
        Assert.Equal([3, 3], file.Dataset("landscapes/plane_0/loss").Space.Dimensions.Select(d => (int)d));
        Assert.Equal([1L, 0L], file.Dataset("connect/alignment/permutations/fc1").Read<long[]>());
    }

    private static void Check(IH5Group group, string name, JsonNode? node, string where, ref int count)
    {
        switch (node)
        {
            case null: return;
            case JsonObject o:
                var child = group.Group(name);
                foreach (var (key, value) in o) Check(child, key, value, $"{where}/{key}", ref count);
                return;
            case JsonArray a when a.All(v => v is JsonObject):
                var items = group.Group(name);
                for (int k = 0; k < a.Count; k++) Check(items, (name == "landscapes" ? "plane" : name[..^1]) + "_" + k, a[k], $"{where}[{k}]", ref count);
                return;
            case JsonArray a when a.All(v => v is JsonArray):
                var grid = group.Dataset(name).Read<double[,]>();
                for (int j = 0; j < a.Count; j++)
                    for (int i = 0; i < a[j]!.AsArray().Count; i++) Same(Number(a[j]![i]), grid[j, i], $"{where}[{j}][{i}]", ref count);
                return;
            case JsonArray a when a.All(v => v is JsonValue s && s.GetValueKind() == JsonValueKind.String):
                Assert.Equal(a.Select(v => v!.GetValue<string>()), group.Dataset(name).Read<string[]>());
                count += a.Count;
                return;
            case JsonArray a when a.All(v => v is JsonValue b && b.GetValueKind() is JsonValueKind.True or JsonValueKind.False):
                Assert.Equal(a.Select(v => v!.GetValue<bool>() ? 1L : 0L), group.Dataset(name).Read<long[]>());
                count += a.Count;
                return;
            case JsonArray a:
                var values = a.All(v => v is JsonValue n && !n.ToJsonString().Contains('.')) && group.Dataset(name).Type.Class == H5DataTypeClass.FixedPoint
                    ? group.Dataset(name).Read<long[]>().Select(v => (double)v).ToArray()
                    : group.Dataset(name).Read<double[]>();
                Assert.Equal(a.Count, values.Length);
                for (int k = 0; k < a.Count; k++) Same(Number(a[k]), values[k], $"{where}[{k}]", ref count);
                return;
            case JsonValue v:
                var attribute = group.Attribute(name);
                switch (v.GetValueKind())
                {
                    case JsonValueKind.String: Assert.Equal(v.GetValue<string>(), attribute.Read<string>()); break;
                    case JsonValueKind.True or JsonValueKind.False: Assert.Equal(v.GetValue<bool>() ? 1L : 0L, attribute.Read<long>()); break;
                    default:
                        double stored = attribute.Type.Class == H5DataTypeClass.FixedPoint ? attribute.Read<long>() : attribute.Read<double>();
                        Assert.True(v.GetValue<double>() == stored, $"{where}: {v.ToJsonString()} in JSON, {stored} in HDF5");
                        break;
                }
                count++;
                return;
        }
    }

    private static double Number(JsonNode? n) => n is null ? double.NaN : n.GetValue<double>();

    private static void Same(double expected, double actual, string where, ref int count)
    {
        Assert.True(expected.Equals(actual), $"{where}: {expected} in JSON, {actual} in HDF5");
        count++;
    }
}
