using System.Security.Cryptography;
using System.Text.Json;
using Lla.Data;
using Lla.Objectives;
using Lla.Tests.Support;

namespace Lla.Tests.Onnx.Zoo;

/// <summary>What make_zoo.py recorded for one architecture with plain PyTorch.</summary>
internal sealed record ZooReference(long[] InputShape, long Parameters, double[][] Logits, double? TopEigenvalue, int LanczosSteps);

/// <summary>
/// The TorchVision exports of tests/fixtures/onnx-zoo: the small ones committed, the others exported again by
/// make_zoo.py (--export-only, seeded, so the same files) into a scratch folder keyed by the script's hash.
/// </summary>
internal static class ZooFiles
{
    public static string Folder => Paths.Fixture("onnx-zoo");

    private static string Script => Path.Combine(Folder, "make_zoo.py");

    private static readonly Lazy<IReadOnlyDictionary<string, ZooReference>> References = new(() =>
    {
        using var json = JsonDocument.Parse(File.ReadAllText(Path.Combine(Folder, "reference.json")));
        return json.RootElement.EnumerateObject().ToDictionary(p => p.Name, p => new ZooReference(
            p.Value.GetProperty("input_shape").EnumerateArray().Select(e => e.GetInt64()).ToArray(),
            p.Value.GetProperty("parameters").GetInt64(),
            p.Value.GetProperty("logits").EnumerateArray().Select(r => r.EnumerateArray().Select(e => e.GetDouble()).ToArray()).ToArray(),
            p.Value.TryGetProperty("top_eigenvalue", out var e) ? e.GetDouble() : null,
            p.Value.TryGetProperty("lanczos_steps", out var s) ? s.GetInt32() : 0));
    });

    public static ZooReference Reference(string name) => References.Value[name];

    /// <summary>Whether the architecture's exports are committed (else <see cref="Model"/> runs the script).</summary>
    public static bool Committed(string name) => File.Exists(Path.Combine(Folder, $"{name}.opset17.onnx"));

    /// <summary>The folder holding NAME.opsetN.onnx, NAME.x.npy and NAME.y.npy.</summary>
    private static string FolderOf(string name)
    {
        if (Committed(name)) return Folder;
        string hash = Convert.ToHexString(SHA256.HashData(File.ReadAllBytes(Script)))[..12];
        string scratch = Path.Combine(Path.GetTempPath(), $"lla-onnx-zoo-{hash}");
        lock (Exporting)
        {
            if (File.Exists(Path.Combine(scratch, $"{name}.y.npy"))) return scratch;
            Directory.CreateDirectory(scratch);
            var run = ProcessRunner.Run(TorchVisionPython.Path, new[] { Script, "--export-only", "--only", name, "--out", scratch },
                timeout: TimeSpan.FromMinutes(10));
            Assert.True(run.ExitCode == 0, $"make_zoo.py --export-only --only {name} failed:\n{run.Stderr}");
            return scratch;
        }
    }

    private static readonly object Exporting = new();

    public static string Model(string name, int opset) => Path.Combine(FolderOf(name), $"{name}.opset{opset}.onnx");

    /// <summary>The architecture's input batch and labels (float32 images, int64 labels).</summary>
    public static Batch Batch(string name, ScalarType dtype = ScalarType.Float32)
    {
        string folder = FolderOf(name);
        using var x = NpyReader.Read(Path.Combine(folder, $"{name}.x.npy"));
        using var y = NpyReader.Read(Path.Combine(folder, $"{name}.y.npy"));
        return new Batch(x.to(dtype), y.to(ScalarType.Int64));
    }
}
