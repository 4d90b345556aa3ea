using Lla.Runs;
using System.Diagnostics;
using Lla.Data;
using Lla.Models;
using Lla.Objectives;
using Lla.Tests.Support;
using Xunit.Abstractions;

namespace Lla.Tests.Models;

/// <summary>
/// Weight loading hands tensors to libtorch; a temporary that nothing owns (no dispose scope, no
/// <c>using</c>) can be finalized by the GC while the native call still reads it, a signal 11 seen
/// only under load (issue 23, docs/native-temporaries.md). These tests load weights over and over
/// while other threads force collections and finalizers without pause. Before the fix they killed
/// the test host; a crash here is the failure. LLA_STRESS_SECONDS lengthens each run.
/// </summary>
public class NativeTemporaryStressTests
{
    private readonly ITestOutputHelper _output;

    public NativeTemporaryStressTests(ITestOutputHelper output)
    {
        _output = output;
        TestTorch.Init();
    }

    private static TimeSpan Budget =>
        TimeSpan.FromSeconds(double.TryParse(Environment.GetEnvironmentVariable("LLA_STRESS_SECONDS"), out var s) ? s : 5);

    [Fact]
    public void Weight_loading_survives_collections_and_finalizers_running_without_pause()
    {
        string dir = Paths.NewTempFolder();
        try
        {
            string resnetPath = Path.Combine(dir, "resnet20.bin");
            manual_seed(11);
            var saved = new ResNet20();
            TensorFile.Write(resnetPath, saved.state_dict());
            var lenet = new LeNet();
            var resnet = new ResNet20();
            var resnet64 = new ResNet20();
            resnet64.to(ScalarType.Float64); // the file is float32: every tensor is converted on the way in

            int loads = 0;
            long collections;
            using (var pressure = CollectorPressure.Start())
            {
                var clock = Stopwatch.StartNew();
                while (clock.Elapsed < Budget || loads < 3)
                {
                    WeightsLoader.Load(lenet, Paths.EmbeddedWeights);
                    WeightsLoader.Load(resnet, resnetPath);
                    WeightsLoader.Load(resnet64, resnetPath);
                    loads++;
                }
                collections = pressure.Collections;
                _output.WriteLine($"{loads} rounds of 3 loads, {collections} forced collections, {clock.Elapsed.TotalSeconds:F1} s");
            }
            Assert.True(collections >= loads, $"only {collections} collections during {loads} loads: the stress did not run");
            AssertHolds(saved, resnet, ScalarType.Float32);
            AssertHolds(saved, resnet64, ScalarType.Float64);
            var embedded = StateDictFiles.Read(Paths.EmbeddedWeights);
            try
            {
                foreach (var (name, t) in lenet.state_dict()) Assert.True(t.allclose(embedded[name], rtol: 0, atol: 0), name);
            }
            finally { foreach (var t in embedded.Values) t.Dispose(); }
        }
        finally { Directory.Delete(dir, recursive: true); }
    }

    [Fact]
    public void Building_models_and_opening_sessions_survives_collections_and_finalizers_running_without_pause()
    {
        var source = ModelSource.Resolve(null, null, null, "float64", 0);
        using var data = source.LoadData(Split.Test);
        var selection = new DataSelection(Split.Test, 64, 1, false, BatchNormMode.Eval);
        int builds = 0;
        long collections;
        using (var pressure = CollectorPressure.Start())
        {
            var clock = Stopwatch.StartNew();
            while (clock.Elapsed < Budget || builds < 3)
            {
                var model = source.Build(data);
                Assert.Equal(ScalarType.Float64, model.parameters().First().dtype);
                if (builds % 8 == 0)
                {
                    using var session = AnalysisSession.Open(source, selection);
                    Assert.Equal(ScalarType.Float64, session.Batches[0].Inputs.dtype);
                }
                builds++;
            }
            collections = pressure.Collections;
            _output.WriteLine($"{builds} builds, {(builds + 7) / 8} sessions, {collections} forced collections, {clock.Elapsed.TotalSeconds:F1} s");
        }
        Assert.True(collections >= builds, $"only {collections} collections during {builds} builds: the stress did not run");
    }

    private static void AssertHolds(nn.Module expected, nn.Module actual, ScalarType dtype)
    {
        var loaded = actual.state_dict();
        foreach (var (name, t) in expected.state_dict())
        {
            Assert.Equal(dtype == ScalarType.Float64 && t.is_floating_point() ? dtype : t.dtype, loaded[name].dtype);
            using var want = t.to(loaded[name].dtype);
            Assert.True(loaded[name].allclose(want, rtol: 0, atol: 0), name);
        }
    }
}
