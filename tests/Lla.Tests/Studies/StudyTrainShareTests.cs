using System.Text.Json.Nodes;
using Lla.Parallel;
using Lla.Studies;
using Lla.Tests.Support;

namespace Lla.Tests.Studies;

/// <summary>
/// A study's training spread over ranks (`mpiexec -n R lla study`): each rank trains models i with i mod R = rank
/// into the one study folder, rank 0 measures them all. Two ranks here are two threads whose collectives meet at a
/// barrier (MPI itself is `lla landscape`'s MPI tests'); the study they make equals the one-process study.
/// </summary>
[Trait(TestCategory.Name, TestCategory.Slow)]
public class StudyTrainShareTests
{
    private const string Tiny = """
        { "name": "tiny", "shifts": [], "train_samples": 600,
          "analysis": { "batch_size": 128, "batches": 1, "slq_runs": 1, "lanczos_steps": 8, "bootstrap": 200 },
          "measures": ["re", "kh", "batch_accuracy", "nuclear_norm"],
          "models": [
            { "name": "m0", "model": "mlp", "epochs": 2, "seed": 1 },
            { "name": "m1", "model": "vgg:depth=1,width=4", "epochs": 2, "seed": 2 },
            { "name": "m2", "model": "lenet", "epochs": 1, "seed": 3 } ] }
        """;

    private static StudyConfig Config() => StudyConfig.Parse(JsonNode.Parse(Tiny), "tiny.json");

    /// <summary>Two ranks in one process: every collective waits for the other rank (sums are only barriers here).</summary>
    private sealed class ThreadRank(int rank, Barrier barrier) : IProcessGroup
    {
        public int Rank => rank;
        public int Size => 2;
        public double[] Sum(double[] values)
        {
            barrier.SignalAndWait(TimeSpan.FromMinutes(5));
            return values;
        }
        public void SumInPlace(float[] values) => Sum(Array.Empty<double>());
        public double[] Broadcast(double[] valuesOnRoot) => throw new NotSupportedException();
        public void SendToRoot(double[] record) => throw new NotSupportedException();
        public double[]? TryReceive(int length) => throw new NotSupportedException();
        public double[] Receive(int length) => throw new NotSupportedException();
    }

    [Fact]
    public void Each_rank_trains_its_share_and_rank_zero_measures_a_study_equal_to_the_one_process_one()
    {
        TestTorch.Init();
        string dir = Paths.NewTempFolder(), spread = Path.Combine(dir, "spread"), single = Path.Combine(dir, "single");
        using var barrier = new Barrier(2);
        var rank0 = new List<string>();
        var rank1 = new List<string>();
        Exception? failed = null;
        var other = new Thread(() =>
        {
            try { StudyRun.TrainShare(new StudyRunOptions(Config(), spread), new ThreadRank(1, barrier), say: line => { lock (rank1) rank1.Add(line); }); }
            catch (Exception e) { failed = e; }
        });
        other.Start();
        StudyRun.Execute(new StudyRunOptions(Config(), spread), say: line => { lock (rank0) rank0.Add(line); }, group: new ThreadRank(0, barrier));
        other.Join();
        Assert.Null(failed);
        // Rank 1 trained m1 only; rank 0 trained m0 and m2 and measured all three.
        Assert.Contains(rank1, l => l.StartsWith("m1: epoch 2/2", StringComparison.Ordinal));
        Assert.DoesNotContain(rank1, l => l.StartsWith("m0:", StringComparison.Ordinal) || l.StartsWith("m2:", StringComparison.Ordinal));
        Assert.Contains(rank0, l => l.StartsWith("m0: epoch 2/2", StringComparison.Ordinal));
        Assert.Contains(rank0, l => l.StartsWith("m2: epoch 1/1", StringComparison.Ordinal));
        Assert.DoesNotContain(rank0, l => l.StartsWith("m1: epoch", StringComparison.Ordinal));

        StudyRun.Execute(new StudyRunOptions(Config(), single));
        foreach (string m in new[] { "m0", "m1", "m2" })
            Assert.Equal(File.ReadAllBytes(Path.Combine(single, "models", m + ".bin")), File.ReadAllBytes(Path.Combine(spread, "models", m + ".bin")));
        static JsonArray Rows(string f) => JsonNode.Parse(File.ReadAllText(Path.Combine(f, "table.json")))!.AsArray();
        var a = Rows(spread);
        var b = Rows(single);
        Assert.Equal(6, a.Count);
        for (int i = 0; i < a.Count; i++)
            foreach (string m in new[] { "re", "kh", "batch_accuracy", "nuclear_norm" })
                Assert.Equal(b[i]!["measures"]![m]!["mean"]!.ToJsonString(), a[i]!["measures"]![m]!["mean"]!.ToJsonString());
    }
}
