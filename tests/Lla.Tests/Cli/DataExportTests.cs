using System.Diagnostics;
using System.Text.Json.Nodes;
using Lla.Tests.Support;

namespace Lla.Tests.Cli;

/// <summary>A test that reads HDF5 with Python's h5py (Debian's python3-h5py); skipped, saying why, without it.</summary>
public sealed class RequiresH5pyFactAttribute : FactAttribute
{
    public RequiresH5pyFactAttribute()
    {
        try
        {
            using var p = Process.Start(new ProcessStartInfo("/usr/bin/python3", "-c \"import h5py\"") { RedirectStandardError = true })!;
            p.WaitForExit(30_000);
            if (p.ExitCode != 0) Skip = "Python's h5py is not installed (apt-get install python3-h5py)";
        }
        catch (System.ComponentModel.Win32Exception) { Skip = "no /usr/bin/python3 to read HDF5 with h5py"; }
    }
}

public class DataExportTests
{
    private static string LandscapeRun()
    {
        string dir = Paths.NewTempFolder();
        var outcome = LlaProcess.Run("landscape", "--steps", "4", "--batch-size", "256", "--out", dir, "--threads", "2");
        Assert.True(outcome.ExitCode == 0, outcome.Stderr);
        return dir;
    }

    [RequiresH5pyFact]
    public void Results_h5_reads_naturally_with_h5py()
    {
        string dir = LandscapeRun();
        var results = JsonNode.Parse(File.ReadAllText(Path.Combine(dir, "results.json")))!;
        string script = "import h5py, json; f = h5py.File(__import__('sys').argv[1]); p = f['landscapes/plane_0'];"
            + " print(json.dumps({'seed': int(f.attrs['seed']), 'axes': p.attrs['axes'], 'order': int(p.attrs['order']), 'loss': p['loss'][:].tolist(),"
            + " 'alphas': p['alphas'][:].tolist(), 'd1': int(p['d1'].shape[0]), 'names': len(p['parameter_names'])}))";
        var python = ProcessRunner.Run("/usr/bin/python3", new[] { "-c", script, Path.Combine(dir, "results.h5") });
        Assert.True(python.ExitCode == 0, python.Stderr);
        string stdout = python.Stdout;
        var read = JsonNode.Parse(stdout)!;
        Assert.Equal(42, read["seed"]!.GetValue<int>());
        Assert.Equal("random", read["axes"]!.GetValue<string>());
        Assert.Equal(2, read["order"]!.GetValue<int>());
        Assert.Equal(61_706, read["d1"]!.GetValue<int>());
        Assert.Equal(10, read["names"]!.GetValue<int>());
        var expected = results["landscapes"]![0]!["loss"]!.AsArray();
        var actual = read["loss"]!.AsArray();
        for (int j = 0; j < 5; j++) for (int i = 0; i < 5; i++)
            Assert.Equal(expected[j]![i]!.GetValue<double>(), actual[j]![i]!.GetValue<double>());
    }

    [Fact]
    public void Vtk_surfaces_hold_every_grid_point()
    {
        string dir = LandscapeRun();
        var lines = File.ReadAllLines(Path.Combine(dir, "landscape-0.vtk"));
        Assert.Equal("DATASET STRUCTURED_GRID", lines[3]);
        Assert.Equal("DIMENSIONS 5 5 1", lines[4]);
        Assert.Equal("POINTS 25 double", lines[5]);
        var results = JsonNode.Parse(File.ReadAllText(Path.Combine(dir, "results.json")))!;
        double centre = results["loss"]!.GetValue<double>();
        Assert.Equal($"0 0 {centre:R}", lines[6 + 12]); // point (i = 2, j = 2) is the centre
    }
}
