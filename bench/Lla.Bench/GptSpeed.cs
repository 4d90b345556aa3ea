using System.Diagnostics;
using System.Text.Json.Nodes;
using Lla.Curvature;
using Lla.Data;
using Lla.Models;
using Lla.Models.Gpt;
using Lla.Objectives;
using Lla.Vectors;
using TorchSharp;
using static TorchSharp.torch;

namespace Lla.Bench;

/// <summary>
/// One HVP of the next-token loss through the built-in GPT (the operator <c>lla hessian</c> uses) against plain
/// PyTorch 1.13 running nanoGPT's architecture (bench/baseline/gpt_baseline.py) on the same weights, tokens,
/// direction and thread count, float32. Lla.Bench writes the weights (nanoGPT's initialization, seeded), a batch
/// of random token windows and the direction to one TensorFile that the Python side reads. PyTorch runs as two
/// servers, as its users run it and with lla's process settings; the three HVPs take turns round by round, so the
/// machine's load falls on all alike, and the ratios are of the medians of one run. Both sides' vᵀHv are compared.
/// </summary>
internal static class GptSpeed
{
    public const string DefaultSpec = "gpt:layers=6,heads=6,width=384,context=128,vocab=65";

    public static void Run(string root, string spec, int batch, int threads, int repeats, bool profile, string[] baselines, string openBlas, bool keepFreedMemory, bool returnFreedMemory)
    {
        var config = GptConfig.Parse(spec);
        // As `lla` runs this GPT (ModelSource.Build): freed memory returned to the system from 2^25 parameters, else kept;
        // --keep-freed-memory keeps it whatever the size, --return-freed-memory returns it.
        bool returned = !keepFreedMemory && (returnFreedMemory || config.ParameterCount >= ModelSource.ReturnFreedMemoryParameters)
            && Lla.Native.RuntimeSetup.ReturnFreedMemory();
        Console.WriteLine($"allocator: freed memory {(returned ? "returned" : "kept")}");
        manual_seed(27);
        using var model = new GptModel(config);
        model.eval();
        var generator = new Generator(5);
        using var stream = randint(0, config.Vocabulary, new long[] { batch, config.Context + 1 }, dtype: ScalarType.Int64, generator: generator);
        using var ids = stream[.., ..^1].contiguous();
        using var targets = stream[.., 1..].contiguous();
        var parameters = ParameterSet.Of(model);
        var objective = new Objective(model, LossFunctions.NextTokenCrossEntropy, new[] { new Batch(ids, targets) });
        var op = new HessianOperator(objective, parameters);
        var pieces = model.named_parameters().Select(p => (p.name, v: randn(p.parameter.shape, generator: generator))).ToList();
        using var v = cat(pieces.Select(p => p.v.flatten()).ToList());

        string state = Path.Combine(Path.GetTempPath(), $"lla-bench-gpt-{Environment.ProcessId}.bin");
        var entries = model.state_dict().Select(kv => kv).ToList();
        entries.Add(new("ids", ids));
        entries.Add(new("targets", targets));
        entries.AddRange(pieces.Select(p => new KeyValuePair<string, Tensor>("v." + p.name, p.v)));
        TensorFile.Write(state, entries);

        Console.WriteLine($"\n## GPT: {spec} — {config.ParameterCount:N0} parameters ({config.NonEmbeddingParameterCount:N0} without the embeddings), " +
                          $"batch {batch} × {config.Context} tokens, float32, {threads} thread(s), next-token loss");
        double ours;
        using (NewDisposeScope())
        {
            var hv = op.Apply(v);
            ours = hv.to(ScalarType.Float64).dot(v.to(ScalarType.Float64)).ToDouble();
        }
        Console.WriteLine($"lla: loss {objective.Evaluate().Loss:F6}, vᵀHv {ours:G9}");
        try
        {
            var servers = baselines.Select(kind => Baseline.Start(root, state, config, threads, kind, openBlas)).ToList();
            using var stop = new Servers(servers);
            foreach (var b in servers)
            {
                Console.WriteLine($"{b.Name}: {b.Parameters:N0} parameters, loss {b.Loss:F6}, vᵀHv {b.Vhv:G9}, relative difference from lla's {Math.Abs(b.Vhv - ours) / Math.Abs(ours):E1}");
                if (b.Parameters != parameters.Dimension) throw new InvalidOperationException($"{b.Name} has {b.Parameters} parameters, lla {parameters.Dimension}");
            }
            var times = new Dictionary<string, List<double>> { ["lla"] = new() };
            foreach (var b in servers) times[b.Name] = new();
            Timing.HvpSeconds(op, v); // warm-up (PyTorch's servers did theirs before answering)
            for (int r = 0; r < repeats; r++)
            {
                times["lla"].Add(Timing.HvpSeconds(op, v));
                foreach (var b in servers) times[b.Name].Add(b.Hvp());
                Console.WriteLine($"  round {r + 1}: " + string.Join(", ", times.Select(kv => $"{kv.Key} {kv.Value[^1] * 1e3:F0} ms")));
            }
            double lla = Timing.Median(times["lla"]);
            Console.WriteLine($"\n| HVP, {config.ParameterCount / 1e6:F1}M-parameter GPT, {batch}×{config.Context} tokens | median of {repeats} | min | max | lla / this |");
            Console.WriteLine("|---|---|---|---|---|");
            foreach (var (name, t) in times)
                Console.WriteLine($"| {name} | {Timing.Median(t) * 1e3:F0} ms | {t.Min() * 1e3:F0} ms | {t.Max() * 1e3:F0} ms | {(name == "lla" ? "" : $"**{lla / Timing.Median(t):F2}×**")} |");
        }
        finally
        {
            File.Delete(state);
        }
        if (profile) Profile(objective, parameters, v, repeats);
        foreach (var (_, t) in pieces) t.Dispose();
    }

    /// <summary>The stages of one HVP timed one by one (medians), as HvpProfile does for the image workloads.</summary>
    private static void Profile(Objective objective, ParameterSet parameters, Tensor v, int repeats)
    {
        var inputs = parameters.Parameters.Cast<Tensor>().ToArray();
        var stages = new Dictionary<string, List<double>> { ["forward+loss"] = new(), ["first gradient (create_graph)"] = new(), ["gᵀv"] = new(), ["second backward"] = new() };
        for (int r = 0; r <= repeats; r++)
        {
            using var gradMode = enable_grad();
            using var scope = NewDisposeScope();
            var clock = Stopwatch.StartNew();
            void Mark(string stage) { if (r > 0) stages[stage].Add(clock.Elapsed.TotalSeconds); clock.Restart(); }
            var loss = objective.BatchLoss(objective.Batches[0]);
            Mark("forward+loss");
            var grads = autograd.grad(new[] { loss }, inputs, create_graph: true, retain_graph: true);
            Mark("first gradient (create_graph)");
            var parts = parameters.Unflatten(v);
            Tensor gv = grads[0].mul(parts[0]).sum();
            for (int j = 1; j < grads.Count; j++) gv = gv.add(grads[j].mul(parts[j]).sum());
            Mark("gᵀv");
            autograd.grad(new[] { gv }, inputs);
            Mark("second backward");
        }
        double total = stages.Values.Sum(t => Timing.Median(t));
        Console.WriteLine($"\nwhere lla's HVP time goes (medians of {repeats}): " +
            string.Join(", ", stages.Select(kv => $"{kv.Key} {Timing.Median(kv.Value) * 1e3:F0} ms ({Timing.Median(kv.Value) / total:P0})")));
    }

    private sealed class Servers(List<Baseline> servers) : IDisposable
    {
        public void Dispose() { foreach (var s in servers) s.Dispose(); }
    }

    /// <summary>A running gpt_baseline.py: one HVP per request.</summary>
    private sealed class Baseline : IDisposable
    {
        private readonly Process _process;

        private Baseline(Process process, string name, JsonNode hello)
        {
            _process = process;
            Name = name;
            Parameters = hello["parameters"]!.GetValue<long>();
            Vhv = hello["vhv"]!.GetValue<double>();
            Loss = hello["loss"]!.GetValue<double>();
        }

        public string Name { get; }
        public long Parameters { get; }
        public double Vhv { get; }
        public double Loss { get; }

        /// <summary>
        /// kind: "shipped" (Debian's python3-torch as its users run it), "tuned" (with lla's process settings) or "openblas"
        /// (lla's process settings and OpenBLAS in place of the reference BLAS Debian's PyTorch 1.13 is linked with
        /// (BLAS_INFO=generic), by LD_LIBRARY_PATH=<paramref name="openBlas"/>, a folder holding OpenBLAS's libblas.so.3).
        /// </summary>
        public static Baseline Start(string root, string state, GptConfig c, int threads, string kind, string openBlas)
        {
            var info = new ProcessStartInfo("/usr/bin/python3") { RedirectStandardInput = true, RedirectStandardOutput = true, RedirectStandardError = true };
            foreach (var a in new[]
            {
                Path.Combine(root, "bench", "baseline", "gpt_baseline.py"), "--state", state, "--layers", c.Layers.ToString(), "--heads", c.Heads.ToString(),
                "--width", c.Width.ToString(), "--context", c.Context.ToString(), "--vocab", c.Vocabulary.ToString(), "--threads", threads.ToString(),
            }) info.ArgumentList.Add(a);
            info.Environment.Remove("OMP_WAIT_POLICY"); // this process set it for itself; "as users run it" means without
            if (kind is "tuned" or "openblas") foreach (var (k, val) in PyTorchBaseline.TunedEnvironment) info.Environment[k] = val;
            if (kind == "openblas")
            {
                if (!File.Exists(Path.Combine(openBlas, "libblas.so.3"))) throw new ArgumentException($"--openblas {openBlas}: no libblas.so.3 there");
                info.Environment["LD_LIBRARY_PATH"] = openBlas;
                info.Environment["OPENBLAS_NUM_THREADS"] = threads.ToString();
            }
            else if (kind is not "shipped" and not "tuned") throw new ArgumentException($"unknown baseline {kind} (shipped, tuned, openblas)");
            var process = Process.Start(info)!;
            var errors = process.StandardError.ReadToEndAsync();
            string? hello = process.StandardOutput.ReadLine();
            if (hello is null)
            {
                process.WaitForExit();
                throw new InvalidOperationException($"gpt_baseline.py failed ({process.ExitCode}): {errors.Result.Trim().Split('\n').LastOrDefault()}");
            }
            string name = kind switch { "shipped" => "PyTorch as shipped", "tuned" => "PyTorch, lla's process settings", _ => "PyTorch + OpenBLAS, lla's process settings" };
            return new Baseline(process, name, JsonNode.Parse(hello)!);
        }

        public double Hvp()
        {
            _process.StandardInput.WriteLine("hvp");
            _process.StandardInput.Flush();
            string line = _process.StandardOutput.ReadLine() ?? throw new InvalidOperationException($"{Name}: gpt_baseline.py stopped");
            return double.Parse(line, System.Globalization.CultureInfo.InvariantCulture);
        }

        public void Dispose()
        {
            try
            {
                _process.StandardInput.WriteLine("quit");
                _process.StandardInput.Close();
                if (!_process.WaitForExit(30_000)) _process.Kill();
            }
            finally { _process.Dispose(); }
        }
    }
}
