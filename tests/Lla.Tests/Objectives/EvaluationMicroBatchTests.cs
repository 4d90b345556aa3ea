using Lla.Data;
using Lla.Measures;
using Lla.Models;
using Lla.Models.Gpt;
using Lla.Objectives;
using Lla.Tests.Support;

namespace Lla.Tests.Objectives;

/// <summary>
/// Evaluations in micro-batches (<see cref="EvaluationMicroBatch"/>): the default rule for a GPT (the largest number of
/// windows whose activations, by the memory plan's estimate, stay within 1 GiB), and on a tiny GPT with padding targets
/// the split evaluation (loss, accuracy), predicted labels and sharpness equal the unsplit ones.
/// </summary>
public class EvaluationMicroBatchTests
{
    public EvaluationMicroBatchTests() => TestTorch.Init();

    private const string Tiny = "gpt:layers=1,heads=2,width=16,context=8,vocab=256";

    private static (GptModel Model, List<Batch> Batches) Gpt(ScalarType dtype)
    {
        torch.manual_seed(11);
        var model = (GptModel)ModelZoo.Create(new ModelSpec(Tiny, new long[] { 8 }, 256));
        model.to(dtype);
        using (no_grad())
            foreach (var (_, p) in model.named_parameters()) p.add_(randn_like(p).mul(0.2));
        var generator = new Generator(4);
        var batches = new List<Batch>();
        foreach (int windows in new[] { 10, 7 })
            batches.Add(new Batch(randint(0, 256, new long[] { windows, 8 }, dtype: ScalarType.Int64, generator: generator),
                randint(0, 256, new long[] { windows, 8 }, dtype: ScalarType.Int64, generator: generator)));
        // Uneven predicted positions: parts are weighted by them, not by windows.
        batches[0].Targets[1, 3] = tensor(LossFunctions.IgnoreIndex);
        batches[0].Targets[9] = full(8, LossFunctions.IgnoreIndex, dtype: ScalarType.Int64);
        batches[1].Targets[0, 0] = tensor(LossFunctions.IgnoreIndex);
        return (model, batches);
    }

    [Fact]
    public void A_gpt_gets_the_largest_micro_batch_whose_activations_fit_a_gib_and_other_models_whole_batches()
    {
        double gib = 1L << 30;
        // gpt2-small, 128 tokens, float32: one window's estimate is about 1 GiB already, so one window per pass.
        Assert.Equal(1, EvaluationMicroBatch.ForGpt(GptConfig.Gpt2Small, 1024, 128, 4));
        var nano = GptConfig.Nano;
        int m = EvaluationMicroBatch.ForGpt(nano, 1024, 128, 4);
        Assert.True(m > 1 && m < 1024, $"gpt-nano: {m}");
        Assert.True(GptMemory.ActivationBytes(nano, m, 128, 4) <= gib);
        Assert.True(GptMemory.ActivationBytes(nano, m + 1, 128, 4) > gib);
        // Never more than the largest batch, never below 1.
        Assert.Equal(m - 1, EvaluationMicroBatch.ForGpt(nano, m - 1, 128, 4));
        Assert.Equal(1, EvaluationMicroBatch.ForGpt(GptConfig.Gpt2Small, 1024, 1024, 8));
        // The model's own batches decide: the tiny GPT's windows all fit; a given micro-batch wins; other models are not split.
        var (model, batches) = Gpt(ScalarType.Float32);
        Assert.Equal(10, EvaluationMicroBatch.For(model, batches, null));
        Assert.Equal(3, EvaluationMicroBatch.For(model, batches, 3));
        Assert.Null(EvaluationMicroBatch.For(nn.Linear(4, 2), new[] { new Batch(zeros(5, 4), zeros(5, dtype: ScalarType.Int64)) }, null));
    }

    [Fact]
    public void A_split_evaluation_of_a_gpt_equals_the_unsplit_one()
    {
        var (model, batches) = Gpt(ScalarType.Float32);
        var whole = new Objective(model, LossFunctions.NextTokenCrossEntropy, batches).Evaluate();
        foreach (int micro in new[] { 1, 3, 4 })
        {
            var objective = new Objective(model, LossFunctions.NextTokenCrossEntropy, batches);
            objective.SplitInto(micro);
            Assert.True(objective.PartCount(0) > 1);
            var split = objective.Evaluate();
            Assert.True(Math.Abs(split.Loss - whole.Loss) <= 1e-6 * whole.Loss, $"micro-batch {micro}: loss {split.Loss} vs {whole.Loss}");
            Assert.True(Math.Abs(split.Accuracy - whole.Accuracy) <= 1e-9, $"micro-batch {micro}: accuracy {split.Accuracy} vs {whole.Accuracy}");
        }
        // Near a uniform prediction over 256 bytes: the loss is about ln 256, the check is on real numbers.
        Assert.InRange(whole.Loss, 5.0, 6.5);
    }

    [Fact]
    public void Predicted_labels_in_micro_batches_are_the_argmax_over_the_vocabulary()
    {
        var (model, batches) = Gpt(ScalarType.Float32);
        Tensor whole;
        using (no_grad()) whole = model.forward(batches[0].Inputs).argmax(-1);
        using var expected = whole;
        using var split = PredictedLabels.Of(model, batches[0].Inputs, 3);
        Assert.Equal(new long[] { 10, 8 }, split.shape);
        Assert.True(split.eq(expected).all().ToBoolean());
    }

    [Fact]
    public void Sharpness_of_a_gpt_in_micro_batches_equals_the_unsplit_sharpness()
    {
        var (model, batches) = Gpt(ScalarType.Float64);
        var options = new SharpnessOptions { SampleCount = 16, BatchSize = 8, Steps = 3, AverageDraws = 2, Seed = 5 };
        var whole = Sharpness.Compute(new Objective(model, LossFunctions.NextTokenCrossEntropy, batches), options);
        var objective = new Objective(model, LossFunctions.NextTokenCrossEntropy, batches);
        objective.SplitInto(3);
        var split = Sharpness.Compute(objective, options);
        Assert.Equal(whole.Count, split.Count);
        for (int i = 0; i < whole.Count; i++)
        {
            double a = whole[i].Value!.Value, b = split[i].Value!.Value;
            Assert.True(double.IsFinite(a) && a != 0, $"{whole[i].Name}: {a}");
            Assert.True(Math.Abs(a - b) <= 1e-8 * Math.Abs(a), $"{whole[i].Name}: {b} split vs {a} whole");
        }
    }
}
