using Lla.Curvature;
using Lla.Objectives;
using Lla.Parallel;
using Lla.Tests.Support;
using Lla.Vectors;
using static TorchSharp.torch.nn;

namespace Lla.Tests.Curvature;

/// <summary>
/// GGN, empirical Fisher and residual operators against brute-force matrices of a tiny tanh MLP in
/// float64. Every route is exact up to rounding (~1e-16 per operation, a few hundred operations), so
/// 1e-10 relative is far above the noise and far below any real mistake (a wrong factor or a missing
/// term changes the matrices at order 1).
/// </summary>
public class CurvatureOperatorTests
{
    public CurvatureOperatorTests() => TestTorch.Init();

    public static TheoryData<string> Losses => new() { "cross-entropy", "nll", "mse" };

    [Theory]
    [MemberData(nameof(Losses))]
    public void Ggn_products_equal_the_mean_of_per_sample_JT_H_J(string loss)
    {
        var oracle = new CurvatureOracle(loss);
        var op = new GgnOperator(oracle.Objective(), oracle.Parameters);
        var measured = CurvatureOracle.Materialize(op);
        double error = CurvatureOracle.RelativeError(measured, oracle.Ggn());
        Assert.True(error <= 1e-10, $"{loss}: relative error {error}");
        Assert.Equal(op.Dimension, op.ApplyCount);
    }

    [Fact]
    public void With_train_mode_batch_norm_the_ggn_uses_the_batch_jacobian_and_stays_positive_semidefinite()
    {
        var oracle = new CurvatureOracle("cross-entropy", batchNorm: true);
        var measured = CurvatureOracle.Materialize(new GgnOperator(oracle.Objective(), oracle.Parameters));
        double error = CurvatureOracle.RelativeError(measured, oracle.Ggn());
        Assert.True(error <= 1e-10, $"relative error {error}");
        var eigenvalues = linalg.eigvalsh((measured + measured.t()) / 2);
        Assert.True(eigenvalues.min().ToDouble() >= -1e-8 * eigenvalues.max().ToDouble());
    }

    [Theory]
    [MemberData(nameof(Losses))]
    public void Empirical_fisher_products_equal_the_mean_of_per_sample_gradient_outer_products(string loss)
    {
        var oracle = new CurvatureOracle(loss);
        var measured = CurvatureOracle.Materialize(new EmpiricalFisherOperator(oracle.Objective(), oracle.Parameters));
        double error = CurvatureOracle.RelativeError(measured, oracle.EmpiricalFisher());
        Assert.True(error <= 1e-10, $"{loss}: relative error {error}");
    }

    [Theory]
    [MemberData(nameof(Losses))]
    public void Residual_products_equal_the_hessian_minus_the_ggn(string loss)
    {
        var oracle = new CurvatureOracle(loss);
        var op = new ResidualOperator(oracle.Objective(), oracle.Parameters);
        var measured = CurvatureOracle.Materialize(op);
        var exact = oracle.Hessian() - oracle.Ggn();
        // The tanh network's own second derivatives make R of the order of H here, so the relative error stays meaningful.
        double error = CurvatureOracle.RelativeError(measured, exact);
        Assert.True(error <= 1e-10, $"{loss}: relative error {error} (‖R‖ = {exact.norm().ToDouble()})");
        Assert.Equal(op.Dimension, op.ApplyCount);
        Assert.Equal(op.Dimension, op.Hessian.ApplyCount);
    }

    [Theory]
    [MemberData(nameof(Losses))]
    public void Ggn_and_empirical_fisher_are_symmetric_positive_semidefinite(string loss)
    {
        var oracle = new CurvatureOracle(loss);
        foreach (ILinearOperator op in new ILinearOperator[] { new GgnOperator(oracle.Objective(), oracle.Parameters), new EmpiricalFisherOperator(oracle.Objective(), oracle.Parameters) })
        {
            var m = CurvatureOracle.Materialize(op);
            Assert.True((m - m.t()).norm().ToDouble() <= 1e-12 * m.norm().ToDouble(), $"{loss}: {op.GetType().Name} is not symmetric");
            var eigenvalues = linalg.eigvalsh((m + m.t()) / 2);
            double min = eigenvalues.min().ToDouble(), max = eigenvalues.max().ToDouble();
            // Rounding puts the exact zero eigenvalues (rank ≤ samples·outputs < dimension for the Fisher) at ±1e-16·λmax.
            Assert.True(max > 0 && min >= -1e-8 * max, $"{loss}: {op.GetType().Name} has λmin {min}, λmax {max}");
        }
    }

    [Fact]
    public void For_softmax_regression_the_hessian_is_the_ggn_and_the_residual_vanishes()
    {
        var problem = new SoftmaxRegression();
        var parameters = ParameterSet.Of(problem.Model);
        var ggn = new GgnOperator(problem.Objective(), parameters);
        Assert.True(CurvatureOracle.RelativeError(CurvatureOracle.Materialize(ggn), problem.ExactHessian()) <= 1e-10);

        var residual = new ResidualOperator(problem.Objective(), parameters);
        var g = new Generator(4);
        for (int i = 0; i < 3; i++)
        {
            var v = randn(parameters.Dimension, dtype: ScalarType.Float64, generator: g);
            double rv = residual.Apply(v).norm().ToDouble(), hv = residual.Hessian.Apply(v).norm().ToDouble();
            Assert.True(rv <= 1e-10 * hv, $"‖Rv‖ = {rv}, ‖Hv‖ = {hv}");
        }
    }

    [Theory]
    [MemberData(nameof(Losses))]
    public void Uneven_batches_give_the_same_products_as_one_big_batch(string loss)
    {
        var oracle = new CurvatureOracle(loss, samples: 11);
        var whole = oracle.Objective();
        var split = oracle.SplitObjective(4); // 4, 4, 3
        var v = randn(oracle.Parameters.Dimension, dtype: ScalarType.Float64, generator: new Generator(3));
        foreach (var (a, b) in new (ILinearOperator, ILinearOperator)[]
                 {
                     (new GgnOperator(whole, oracle.Parameters), new GgnOperator(split, oracle.Parameters)),
                     (new EmpiricalFisherOperator(whole, oracle.Parameters), new EmpiricalFisherOperator(split, oracle.Parameters)),
                     (new ResidualOperator(whole, oracle.Parameters), new ResidualOperator(split, oracle.Parameters)),
                 })
        {
            var expected = a.Apply(v);
            double difference = CurvatureOracle.RelativeError(b.Apply(v), expected);
            Assert.True(difference <= 1e-12, $"{loss}, {a.GetType().Name}: relative difference {difference}");
        }
    }

    [Fact]
    public void A_block_operator_is_the_matching_block_of_the_full_operator()
    {
        var oracle = new CurvatureOracle("cross-entropy");
        var full = CurvatureOracle.Materialize(new GgnOperator(oracle.Objective(), oracle.Parameters));
        var block = ParameterSet.Of(oracle.Model, name => name.StartsWith("fc2."));
        var measured = CurvatureOracle.Materialize(new GgnOperator(oracle.Objective(), block));
        long offset = oracle.Parameters.Dimension - block.Dimension; // fc2 comes last
        var expected = full.narrow(0, offset, block.Dimension).narrow(1, offset, block.Dimension);
        Assert.True(CurvatureOracle.RelativeError(measured, expected) <= 1e-12);
    }

    [Fact]
    public void Two_ranks_each_taking_every_other_batch_sum_to_the_single_process_product()
    {
        var oracle = new CurvatureOracle("cross-entropy", samples: 11);
        var objective = oracle.SplitObjective(3); // 4 batches: rank 0 takes 0 and 2, rank 1 takes 1 and 3
        var v = randn(oracle.Parameters.Dimension, dtype: ScalarType.Float64, generator: new Generator(8));
        var expected = new GgnOperator(objective, oracle.Parameters).Apply(v);

        var exchange = new PairedRanks();
        var rank1 = new GgnOperator(objective, oracle.Parameters, exchange.Rank(1)).Apply(v);
        var rank0 = new GgnOperator(objective, oracle.Parameters, exchange.Rank(0)).Apply(v);
        Assert.True(CurvatureOracle.RelativeError(rank0, expected) <= 1e-12);
        // Rank 1 ran first and got back only its own share: batches 1 and 3, weighted by the whole objective's sample count.
        var share = new Objective(oracle.Model, LossFunctions.CrossEntropy, new[] { objective.Batches[1], objective.Batches[3] });
        double fraction = (double)share.SampleCount / objective.SampleCount;
        var expectedShare = new GgnOperator(share, oracle.Parameters).Apply(v).mul(fraction);
        Assert.True(CurvatureOracle.RelativeError(rank1, expectedShare) <= 1e-12);
    }

    [Fact]
    public void Operators_feed_the_existing_estimators()
    {
        var oracle = new CurvatureOracle("cross-entropy");
        var op = new GgnOperator(oracle.Objective(), oracle.Parameters);
        var exact = linalg.eigvalsh(oracle.Ggn());
        var top = Lanczos.TopEigenpairs(op, new LanczosOptions { K = 1, Tolerance = 1e-10, MaxSteps = 39 });
        Assert.Equal(exact.max().ToDouble(), top.Values[0], 8);
        var slq = SpectralDensity.Estimate(op, new SlqOptions { Runs = 1, Steps = 39 });
        // G ⪰ 0, so no quadrature node may be negative beyond rounding; the largest node is λmax (Krylov space of G's full dimension).
        Assert.True(slq.Runs[0].Nodes.Min() >= -1e-8 * exact.max().ToDouble());
        Assert.Equal(exact.max().ToDouble(), slq.Runs[0].Nodes.Max(), 8);
    }

    [Fact]
    public void A_custom_objective_or_an_unknown_loss_is_refused()
    {
        var oracle = new CurvatureOracle("cross-entropy");
        var custom = new Objective(oracle.Model, (m, b) => LossFunctions.CrossEntropy(((Module<Tensor, Tensor>)m).forward(b.Inputs), b.Targets), new[] { oracle.Batch });
        Assert.Contains("custom objective", Assert.Throws<LlaException>(() => new GgnOperator(custom, oracle.Parameters)).Message);
        Assert.Throws<LlaException>(() => new EmpiricalFisherOperator(custom, oracle.Parameters));
        Assert.Throws<LlaException>(() => new ResidualOperator(custom, oracle.Parameters));

        // A loss function of the model's outputs that is not one of the library's: its second derivative is unknown to the GGN,
        // while the empirical Fisher needs only its gradient.
        LossFunction smoothed = (z, y) => LossFunctions.CrossEntropy(z, y) * 0.5;
        var other = new Objective(oracle.Model, smoothed, new[] { oracle.Batch });
        Assert.Contains("knows only the losses", Assert.Throws<LlaException>(() => new GgnOperator(other, oracle.Parameters)).Message);
        var fisher = CurvatureOracle.Materialize(new EmpiricalFisherOperator(other, oracle.Parameters));
        Assert.True(CurvatureOracle.RelativeError(fisher, oracle.EmpiricalFisher() * 0.25) <= 1e-10);
    }

    /// <summary>Two fake ranks run one after the other in one process: rank 1's partial sum is kept and added to rank 0's.</summary>
    private sealed class PairedRanks
    {
        private double[]? _first;

        public IProcessGroup Rank(int rank) => new Member(this, rank);

        private sealed class Member(PairedRanks pair, int rank) : IProcessGroup
        {
            public int Rank => rank;
            public int Size => 2;
            public double[] Sum(double[] values)
            {
                if (pair._first is null) { pair._first = values.ToArray(); return values; }
                return values.Zip(pair._first, (a, b) => a + b).ToArray();
            }
            public void SumInPlace(float[] values) => throw new NotSupportedException();
            public double[] Broadcast(double[] valuesOnRoot) => throw new NotSupportedException();
            public void SendToRoot(double[] record) => throw new NotSupportedException();
            public double[]? TryReceive(int length) => throw new NotSupportedException();
            public double[] Receive(int length) => throw new NotSupportedException();
        }
    }
}
