namespace Lla.Tests.Onnx.Conformance;

/// <summary>
/// ONNX's own backend test data (Debian's libonnx-testdata, ONNX 1.12): one folder per case holding
/// model.onnx and test_data_set_N/{input_K,output_K}.pb, each .pb one serialized TensorProto.
/// </summary>
internal static class OnnxBackendTestData
{
    public const string Root = "/usr/share/libonnx-testdata/data";

    /// <summary>The folders the conformance runner covers: single operators, and PyTorch modules and operators as exported.</summary>
    public static readonly string[] Folders = { "node", "pytorch-converted", "pytorch-operator" };

    public static bool Installed => Folders.All(f => Directory.Exists(Path.Combine(Root, f)));

    /// <summary>Every case of <paramref name="folder"/>: its name and directory, in name order.</summary>
    public static IEnumerable<(string Name, string Directory)> Cases(string folder) =>
        Directory.GetDirectories(Path.Combine(Root, folder))
            .Where(d => File.Exists(Path.Combine(d, "model.onnx")))
            .OrderBy(d => d, StringComparer.Ordinal)
            .Select(d => (Path.GetFileName(d), d));

    /// <summary>A case's data sets: the .pb files of its inputs and expected outputs, each in index order.</summary>
    public static IEnumerable<(string[] Inputs, string[] Outputs)> DataSets(string caseDirectory) =>
        Directory.GetDirectories(caseDirectory, "test_data_set_*").OrderBy(d => d, StringComparer.Ordinal)
            .Select(d => (Numbered(d, "input"), Numbered(d, "output")));

    private static string[] Numbered(string directory, string prefix) =>
        Directory.GetFiles(directory, prefix + "_*.pb")
            .OrderBy(f => int.Parse(Path.GetFileNameWithoutExtension(f)[(prefix.Length + 1)..]))
            .ToArray();
}

/// <summary>A test that needs Debian's libonnx-testdata; it is skipped, with the reason shown, where that is not installed.</summary>
public sealed class RequiresOnnxTestDataFactAttribute : FactAttribute
{
    public RequiresOnnxTestDataFactAttribute()
    {
        if (!OnnxBackendTestData.Installed)
            Skip = $"ONNX's backend test data is not installed at {OnnxBackendTestData.Root} (apt-get install libonnx-testdata)";
    }
}
