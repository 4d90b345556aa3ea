using System.Text.Json.Nodes;
using Lla.Objectives;
using Lla.Reports;
using Lla.Tests.Support;
using Lla.Training;

namespace Lla.Tests.Training;

/// <summary>
/// A training with a TensorBoard folder and analyses every epoch (as `lla train --tensorboard DIR` runs it), read back by the tests' own event reader:
/// every tag at every step, with the values of FILE.json and of each analysis's results.json.
/// </summary>
public class TensorBoardTrainingTests
{
    [Fact]
    public void A_training_logs_its_epochs_analyses_and_landscape_figures()
    {
        string dir = Paths.NewTempFolder(), save = Path.Combine(dir, "m.bin"), board = Path.Combine(dir, "tb");
        double start = DateTimeOffset.UtcNow.ToUnixTimeSeconds();
        // What `lla train --model mlp --epochs 2 --analyze-every 1 --tensorboard DIR` does, in-process: the training job, then the front end's figures.
        TestTorch.Init();
        var trained = TrainRun.Execute(new TrainRunOptions
        {
            Source = ModelSource.Resolve("mlp", ModelSource.RandomWeights, null, "float32", 42),
            Training = new TrainOptions { Epochs = 2 },
            Save = save, AnalyzeEvery = 1, TensorBoard = board,
        });
        foreach (var folder in trained.Analyses) RunRenderer.Render(folder);
        TensorBoardFigures.Add(trained.TensorBoard!, trained.Analyses);

        var files = Directory.GetFiles(board);
        Assert.Equal(2, files.Length); // the training's scalars and histograms, and the front end's figures
        var events = new List<TensorBoardEventFile.Event>();
        foreach (string file in files)
        {
            // TensorBoard's name pattern, with the creation time in seconds; the first record is the file version.
            var name = System.Text.RegularExpressions.Regex.Match(Path.GetFileName(file), @"^events\.out\.tfevents\.(\d+)\.");
            Assert.True(name.Success, file);
            Assert.InRange(double.Parse(name.Groups[1].Value), start - 1, start + 86400);
            var read = TensorBoardEventFile.Read(file);
            Assert.Equal("brain.Event:2", read[0].FileVersion);
            events.AddRange(read);
        }
        // Wall times in seconds since the epoch, within a day of now.
        foreach (var e in events) Assert.InRange(e.WallTime, start - 1, start + 86400);
        var values = events.SelectMany(e => e.Values.Select(v => (e.Step, Value: v))).ToList();
        float Scalar(string tag, long step) => values.Single(v => v.Value.Tag == tag && v.Step == step).Value.SimpleValue!.Value;

        var record = JsonNode.Parse(File.ReadAllText(save + ".json"))!;
        Assert.Equal(Path.GetFullPath(board), record["tensorboard"]!.GetValue<string>());
        foreach (var epoch in record["epochs"]!.AsArray())
        {
            long step = epoch!["epoch"]!.GetValue<long>();
            Assert.Equal((float)epoch["train_loss"]!.GetValue<double>(), Scalar("loss/train", step));
            Assert.Equal((float)epoch["train_accuracy"]!.GetValue<double>(), Scalar("accuracy/train", step));
            Assert.Equal((float)epoch["test_loss"]!.GetValue<double>(), Scalar("loss/test", step));
            Assert.Equal((float)epoch["test_accuracy"]!.GetValue<double>(), Scalar("accuracy/test", step));
        }

        var analyses = record["analyses"]!.AsArray().Select(a => a!.GetValue<string>()).ToArray();
        Assert.Equal(2, analyses.Length);
        for (long step = 1; step <= 2; step++)
        {
            var results = JsonNode.Parse(File.ReadAllText(Path.Combine(save + ".analysis", $"epoch-{step}", "results.json")))!;
            var hessian = results["hessian"]!;
            Assert.Equal((float)hessian["top_eigenvalues"]![0]!.GetValue<double>(), Scalar("hessian/lambda_max", step));
            Assert.Equal((float)hessian["trace"]!.GetValue<double>(), Scalar("hessian/trace", step));
            foreach (string c in new[] { "re", "kh", "ct" })
            {
                var value = hessian["criteria"]![c];
                if (value is null) Assert.DoesNotContain(values, v => v.Value.Tag == "criteria/" + c && v.Step == step); // null: left out
                else Assert.Equal((float)value.GetValue<double>(), Scalar("criteria/" + c, step));
            }

            // The histogram holds the stored density's mass: Σ ρ(λⱼ)Δ over its even grid (1, as it is normalized).
            var density = hessian["esd"]!["density"]!;
            var lambda = density["lambda"]!.AsArray().Select(v => v!.GetValue<double>()).ToArray();
            var rho = density["density"]!.AsArray().Select(v => v!.GetValue<double>()).ToArray();
            double delta = (lambda[^1] - lambda[0]) / (lambda.Length - 1), mass = rho.Sum() * delta;
            var histo = values.Single(v => v.Value.Tag == "hessian/spectral_density" && v.Step == step).Value.Histo!;
            Assert.Equal(mass, histo.Bucket.Sum(), 9);
            Assert.Equal(1.0, histo.Bucket.Sum(), 6);
            Assert.Equal(histo.Bucket.Sum(), histo.Num, 9);
            Assert.InRange(histo.Bucket.Count, 2, 200);
            Assert.Equal(histo.BucketLimit.Order(), histo.BucketLimit);
            Assert.Equal(lambda[0] - delta / 2, histo.Min, 9);
            Assert.Equal(lambda[^1] + delta / 2, histo.BucketLimit[^1], 9);

            // One PNG per plane of the analysis (random, Hessian and Adam axes).
            var images = values.Where(v => v.Step == step && v.Value.Image is not null).Select(v => v.Value).ToList();
            Assert.Equal(results["landscapes"]!.AsArray().Count, images.Count);
            Assert.Contains(images, i => i.Tag == "landscape/plane/hessian-axes-filter-l2");
            foreach (var image in images)
            {
                Assert.StartsWith("landscape/plane/", image.Tag);
                Assert.Equal(new byte[] { 0x89, (byte)'P', (byte)'N', (byte)'G', 0x0D, 0x0A, 0x1A, 0x0A }, image.Image!.Encoded[..8]);
                Assert.True(image.Image.Width > 100 && image.Image.Height > 100, $"{image.Image.Width}×{image.Image.Height}");
            }
        }
        string[] expected = { "loss/train", "accuracy/train", "loss/test", "accuracy/test", "hessian/lambda_max", "hessian/trace", "hessian/spectral_density" };
        Assert.Empty(expected.Except(values.Select(v => v.Value.Tag)));
    }
}
