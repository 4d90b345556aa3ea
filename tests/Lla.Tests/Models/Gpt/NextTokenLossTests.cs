using Lla.Objectives;
using Lla.Tests.Support;

namespace Lla.Tests.Models.Gpt;

public class NextTokenLossTests
{
    public NextTokenLossTests() => TestTorch.Init();

    [Fact]
    public void Loss_is_the_mean_over_predicted_positions_and_padding_is_left_out()
    {
        using var scope = NewDisposeScope();
        var logits = tensor(new double[] { 2, 0, 0, /**/ 0, 1, 0, /**/ 0, 0, 3, /**/ 5, 5, 5 }).reshape(2, 2, 3);
        var targets = tensor(new long[] { 0, 2, 2, LossFunctions.IgnoreIndex }).reshape(2, 2);
        double Nll(double[] z, int k) => Math.Log(z.Sum(Math.Exp)) - z[k];
        double expected = (Nll(new double[] { 2, 0, 0 }, 0) + Nll(new double[] { 0, 1, 0 }, 2) + Nll(new double[] { 0, 0, 3 }, 2)) / 3;
        Assert.Equal(expected, LossFunctions.NextTokenCrossEntropy(logits, targets).ToDouble(), 14);
        Assert.Equal((2.0, 3L), LossFunctions.Correct(logits, targets));
        Assert.Equal(Math.Exp(expected), LossFunctions.Perplexity(expected), 14);
    }

    [Fact]
    public void Shapes_that_are_not_sequences_are_one_line()
    {
        using var scope = NewDisposeScope();
        var e = Assert.Throws<LlaException>(() => LossFunctions.NextTokenCrossEntropy(zeros(4, 3), zeros(4, dtype: ScalarType.Int64)));
        Assert.Contains("logits [batch, positions, vocabulary]", e.Message);
        Assert.Null(LossFunctions.Correct(zeros(2, 4, 3), zeros(2, 5, dtype: ScalarType.Int64)));
    }
}
