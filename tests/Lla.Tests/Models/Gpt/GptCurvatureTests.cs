using Lla.Curvature;
using Lla.Data;
using Lla.Models;
using Lla.Models.Gpt;
using Lla.Objectives;
using Lla.Tests.Support;
using Lla.Vectors;
using Xunit.Abstractions;

namespace Lla.Tests.Models.Gpt;

/// <summary>
/// The GGN and the empirical Fisher of the next-token loss on a two-layer GPT of 3,984 parameters in float64
/// (vocabulary 11, context 5, 3 windows, two padding targets): the matrix-free products of the library's
/// operators against explicit matrices. The GGN against Jᵀ H_out J with J the full Jacobian of the logits
/// (one autograd gradient per logit) and H_out the block-diagonal (diag(p) − ppᵀ)/n of the predicted positions,
/// itself checked against the autograd Hessian of the batch loss in the logits; the empirical Fisher against
/// (1/n) Σ g_i,t g_i,tᵀ of the per-position gradients (each by its own backward pass).
/// </summary>
public class GptCurvatureTests
{
    private readonly ITestOutputHelper _output;

    public GptCurvatureTests(ITestOutputHelper output)
    {
        TestTorch.Init();
        _output = output;
    }

    private const string Spec = "gpt:layers=2,heads=2,width=12,context=5,vocab=11";
    private const int Vocabulary = 11, Windows = 3, Positions = 5;

    private static (GptModel Model, Batch Batch) Problem()
    {
        torch.manual_seed(13);
        var model = (GptModel)ModelZoo.Create(new ModelSpec(Spec, new long[] { Positions }, Vocabulary));
        model.to(ScalarType.Float64);
        using (no_grad())
            foreach (var (_, p) in model.named_parameters())
                p.add_(randn_like(p).mul(0.3)); // away from nanoGPT's near-zero initialization: attention far from uniform
        var generator = new Generator(5);
        var ids = randint(0, Vocabulary, new long[] { Windows, Positions }, dtype: ScalarType.Int64, generator: generator);
        var targets = randint(0, Vocabulary, new long[] { Windows, Positions }, dtype: ScalarType.Int64, generator: generator);
        targets[1, 4] = tensor(LossFunctions.IgnoreIndex); // padding at the end of a window
        targets[2, 1] = tensor(LossFunctions.IgnoreIndex); // and inside one
        return (model, new Batch(ids, targets));
    }

    /// <summary>The Jacobian of the flattened logits [B·T·V] in the flattened parameters: one backward pass per logit.</summary>
    private static Tensor Jacobian(GptModel model, Batch batch, ParameterSet parameters)
    {
        using var grad = enable_grad();
        var inputs = parameters.Parameters.Cast<Tensor>().ToArray();
        var logits = model.forward(batch.Inputs).reshape(-1);
        var rows = new Tensor[logits.shape[0]];
        for (long r = 0; r < rows.Length; r++)
        {
            using var scope = NewDisposeScope();
            var g = torch.autograd.grad(new[] { logits[r] }, inputs, retain_graph: true, allow_unused: true);
            rows[r] = parameters.FlattenLike(g.Select((t, j) => t.IsInvalid ? zeros_like(inputs[j]) : t).ToArray()).detach().MoveToOuterDisposeScope();
        }
        return stack(rows);
    }

    private static long Predicted(Batch batch) => batch.Targets.ne(LossFunctions.IgnoreIndex).sum().ToInt64();

    /// <summary>H_out written out: block (i, t) is (diag(p) − ppᵀ)/n for a predicted position, 0 for padding.</summary>
    private static Tensor ExplicitOutputHessian(GptModel model, Batch batch)
    {
        using var _ = no_grad();
        var logits = model.forward(batch.Inputs);
        long n = Predicted(batch), blocks = Windows * Positions;
        var h = zeros(blocks * Vocabulary, blocks * Vocabulary, dtype: ScalarType.Float64);
        for (int i = 0; i < Windows; i++)
            for (int t = 0; t < Positions; t++)
            {
                if (batch.Targets[i, t].ToInt64() == LossFunctions.IgnoreIndex) continue;
                var p = logits[i, t].softmax(0);
                long at = (i * Positions + t) * Vocabulary;
                h[TensorIndex.Slice(at, at + Vocabulary), TensorIndex.Slice(at, at + Vocabulary)] = (diag(p) - outer(p, p)) / n;
            }
        return h;
    }

    /// <summary>∂²L/∂z² of the batch loss in the flattened logits by double backward (an independent check of H_out).</summary>
    private static Tensor AutogradOutputHessian(GptModel model, Batch batch)
    {
        Tensor logits;
        using (no_grad()) logits = model.forward(batch.Inputs);
        using var _ = enable_grad();
        var z = logits.detach().requires_grad_(true);
        var loss = LossFunctions.NextTokenCrossEntropy(z, batch.Targets);
        var g = torch.autograd.grad(new[] { loss }, new[] { z }, create_graph: true, retain_graph: true)[0].reshape(-1);
        var rows = new Tensor[g.shape[0]];
        for (long r = 0; r < rows.Length; r++)
            rows[r] = torch.autograd.grad(new[] { g[r] }, new[] { z }, retain_graph: true)[0].reshape(-1).detach();
        return stack(rows);
    }

    /// <summary>g_i,t = ∇_θ ℓ(z_i,t, y_i,t) for every predicted position, each by its own backward pass.</summary>
    private static List<Tensor> PositionGradients(GptModel model, Batch batch, ParameterSet parameters)
    {
        using var _ = enable_grad();
        var inputs = parameters.Parameters.Cast<Tensor>().ToArray();
        var logits = model.forward(batch.Inputs);
        var result = new List<Tensor>();
        for (int i = 0; i < Windows; i++)
            for (int t = 0; t < Positions; t++)
            {
                long y = batch.Targets[i, t].ToInt64();
                if (y == LossFunctions.IgnoreIndex) continue;
                var l = nn.functional.cross_entropy(logits[i, t].unsqueeze(0), tensor(new[] { y }));
                var g = torch.autograd.grad(new[] { l }, inputs, retain_graph: true, allow_unused: true);
                result.Add(parameters.FlattenLike(g.Select((x, j) => x.IsInvalid ? zeros_like(inputs[j]) : x).ToArray()).detach());
            }
        return result;
    }

    /// <summary>The worst relative difference of the operator's products from M v over a few random vectors.</summary>
    private static double WorstRelative(ILinearOperator op, Tensor m, int vectors = 4)
    {
        var generator = new Generator(3);
        double worst = 0;
        for (int k = 0; k < vectors; k++)
        {
            using var scope = NewDisposeScope();
            var v = randn(op.Dimension, dtype: ScalarType.Float64, generator: generator);
            var expected = m.matmul(v);
            worst = Math.Max(worst, (op.Apply(v) - expected).norm().ToDouble() / expected.norm().ToDouble());
        }
        return worst;
    }

    [Fact]
    public void Ggn_products_equal_JT_H_out_J_built_explicitly_with_padding_left_out()
    {
        var (model, batch) = Problem();
        var parameters = ParameterSet.Of(model);
        Assert.Equal(3984, parameters.Dimension);
        Assert.Equal(13, Predicted(batch));
        var objective = new Objective(model, LossFunctions.NextTokenCrossEntropy, new[] { batch });

        var hOut = ExplicitOutputHessian(model, batch);
        // The closed form against double backward of the loss in the logits: both exact, rounding only (~1e-17 absolute).
        double hError = (hOut - AutogradOutputHessian(model, batch)).norm().ToDouble() / hOut.norm().ToDouble();
        Assert.True(hError <= 1e-12, $"H_out against the autograd Hessian in the logits: relative difference {hError:E2}");

        var j = Jacobian(model, batch, parameters);
        Assert.Equal(new long[] { Windows * Positions * Vocabulary, parameters.Dimension }, j.shape);
        var g = j.t().matmul(hOut).matmul(j);
        var op = new GgnOperator(objective, parameters);
        Assert.Equal(OutputLoss.NextTokenCrossEntropy, op.Loss);
        double worst = WorstRelative(op, g);
        double symmetric = (g - g.t()).norm().ToDouble() / g.norm().ToDouble();
        _output.WriteLine($"GGN vs Jᵀ H_out J (n = {parameters.Dimension}): worst relative difference {worst:E2}; H_out vs autograd {hError:E2}; explicit asymmetry {symmetric:E2}");
        // Both sides are exact in float64 and differ by summation order only (~1e-15); a wrong 1/n, a padding position
        // counted or a missing −ppᵀ changes the product at order 1e-1 or more.
        Assert.True(worst <= 1e-10, $"GGN vs Jᵀ H_out J: relative difference {worst:E2}");
    }

    [Fact]
    public void Empirical_fisher_products_equal_the_mean_over_predicted_positions_of_gradient_outer_products()
    {
        var (model, batch) = Problem();
        var parameters = ParameterSet.Of(model);
        var objective = new Objective(model, LossFunctions.NextTokenCrossEntropy, new[] { batch });
        var gradients = PositionGradients(model, batch, parameters);
        Assert.Equal(13, gradients.Count);
        // Σ g gᵀ / n written as Gᵀ G / n with the gradients as the rows of G.
        var rows = stack(gradients.ToArray());
        var f = rows.t().matmul(rows).div_(gradients.Count);

        // The per-position gradients average to the batch gradient: the definition's g_i,t are the loss's own terms.
        using (enable_grad())
        {
            var inputs = parameters.Parameters.Cast<Tensor>().ToArray();
            var mean = parameters.FlattenLike(torch.autograd.grad(new[] { objective.BatchLoss(batch) }, inputs).ToArray());
            var sum = rows.mean(new long[] { 0 });
            Assert.True((mean - sum).norm().ToDouble() <= 1e-12 * mean.norm().ToDouble());
        }

        double worst = WorstRelative(new EmpiricalFisherOperator(objective, parameters), f);
        _output.WriteLine($"empirical Fisher vs (1/n) Σ g gᵀ over {gradients.Count} predicted positions: worst relative difference {worst:E2}");
        // Exact both ways in float64 (summation order only); per-window gradients instead of per-position ones, or a
        // wrong 1/n, differ at order 1.
        Assert.True(worst <= 1e-10, $"empirical Fisher: relative difference {worst:E2}");
    }

    [Fact]
    public void Over_two_batches_the_ggn_is_the_window_weighted_mean_and_the_residual_is_h_minus_g()
    {
        var (model, batch) = Problem();
        var parameters = ParameterSet.Of(model);
        var first = new Batch(batch.Inputs.narrow(0, 0, 2), batch.Targets.narrow(0, 0, 2));
        var second = new Batch(batch.Inputs.narrow(0, 2, 1), batch.Targets.narrow(0, 2, 1));
        var split = new Objective(model, LossFunctions.NextTokenCrossEntropy, new[] { first, second });
        var ggn = new GgnOperator(split, parameters);
        var one = new GgnOperator(new Objective(model, LossFunctions.NextTokenCrossEntropy, new[] { first }), parameters);
        var two = new GgnOperator(new Objective(model, LossFunctions.NextTokenCrossEntropy, new[] { second }), parameters);
        var residual = new ResidualOperator(split, parameters);
        var hessian = new HessianOperator(split, parameters);
        var v = randn(parameters.Dimension, dtype: ScalarType.Float64, generator: new Generator(9));
        var expected = one.Apply(v).mul(2.0 / 3).add(two.Apply(v).mul(1.0 / 3));
        double weighted = (ggn.Apply(v) - expected).norm().ToDouble() / expected.norm().ToDouble();
        var hv = hessian.Apply(v);
        var rv = hv - ggn.Apply(v);
        double rest = (residual.Apply(v) - rv).norm().ToDouble() / rv.norm().ToDouble();
        _output.WriteLine($"two batches: weighted mean {weighted:E2}; residual {rest:E2} (‖Rv‖/‖Hv‖ = {rv.norm().ToDouble() / hv.norm().ToDouble():G3})");
        // The same products summed in another order: rounding only.
        Assert.True(weighted <= 1e-12, $"two batches: relative difference {weighted:E2}");
        Assert.True(rest <= 1e-12, $"residual: relative difference {rest:E2}");
    }
}
