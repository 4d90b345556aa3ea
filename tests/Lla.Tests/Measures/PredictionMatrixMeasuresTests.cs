using Lla.Data;
using Lla.Measures;
using Lla.Tests.Support;
using static TorchSharp.torch.nn;

namespace Lla.Tests.Measures;

/// <summary>
/// The label-free measures of the prediction matrix against closed forms: the nuclear norm (Deng et al. 2023) and
/// MaNo (Xie et al. 2024) with each of its two normalizations. Tolerance 1e-12: float64 SVDs of matrices of a
/// few dozen entries are accurate to ~1e-15 relative, and the closed forms are a few operations.
/// </summary>
public class PredictionMatrixMeasuresTests
{
    public PredictionMatrixMeasuresTests() => TestTorch.Init();

    // The model returns its input: each sample's input is its logits.
    private static Module<Tensor, Tensor> Identity() => Sequential(("id", nn.Identity()));

    private static Tensor Matrix(double[,] m) => tensor(m, dtype: ScalarType.Float64);

    private static Tensor OneHot(int n, int k) =>
        nn.functional.one_hot(tensor(Enumerable.Range(0, n).Select(i => (long)(i % k)).ToArray()), k).to(ScalarType.Float64);

    [Fact]
    public void The_normalized_nuclear_norm_of_known_matrices()
    {
        // One-hot rows using the K classes equally (N/K each): PᵀP = (N/K)·I, K singular values √(N/K),
        // ‖P‖_* = K·√(N/K) = √(N·K) = √(N·min(N, K)): exactly 1.
        Assert.Equal(1.0, NuclearNorm.Normalized(OneHot(12, 3)), 12);
        // Uniform rows 1/K: rank one, σ = ‖P‖_F = √(N·K/K²) = √(N/K); over √(N·K): 1/K.
        Assert.Equal(1.0 / 4, NuclearNorm.Normalized(full(7, 4, 0.25, dtype: ScalarType.Float64)), 12);
        // N < K (2 rows, 5 classes): √(2/5) over √(2·2).
        Assert.Equal(Math.Sqrt(2.0 / 5) / 2, NuclearNorm.Normalized(full(2, 5, 0.2, dtype: ScalarType.Float64)), 12);
        // 2×2: ‖P‖_* = σ1 + σ2 = √(‖P‖_F² + 2|det P|) = √(1.5 + 2·0.5) = √2.5, over √(2·2).
        Assert.Equal(Math.Sqrt(2.5) / 2, NuclearNorm.Normalized(Matrix(new double[,] { { 1, 0 }, { 0.5, 0.5 } })), 12);
    }

    [Fact]
    public void The_nuclear_norm_of_a_model_is_taken_of_its_softmax_over_every_batch()
    {
        // Logits (0, −1000, −1000) give exactly one-hot rows in float64 (e^−1000 underflows to 0); zeros give uniform rows.
        Tensor Logits(int n, int k) => OneHot(n, k) * 1000 - 1000;
        var confident = new[] { new Batch(Logits(6, 3), zeros(6, dtype: ScalarType.Int64)), new Batch(Logits(3, 3), zeros(3, dtype: ScalarType.Int64)) };
        var value = NuclearNorm.Compute(Identity(), confident).Single();
        Assert.Equal(1.0, value.Value!.Value, 12);
        Assert.Equal((-1, false, 2L), (value.Direction, value.NeedsLabels, value.ForwardPasses));
        var uniform = new[] { new Batch(zeros(new long[] { 8, 5 }, dtype: ScalarType.Float64), zeros(8, dtype: ScalarType.Int64)) };
        Assert.Equal(1.0 / 5, NuclearNorm.Compute(Identity(), uniform).Single().Value!.Value, 12);
        // Outputs that are no [batch, classes] matrix (a language model's [N, T, V]) are refused in one line.
        var sequences = new[] { new Batch(zeros(new long[] { 2, 3, 4 }), zeros(new long[] { 2, 3 }, dtype: ScalarType.Int64)) };
        Assert.Equal("the nuclear norm needs outputs [batch, classes], not [2, 3, 4]", Assert.Throws<LlaException>(() => NuclearNorm.Compute(Identity(), sequences)).Message);
    }

    // Rows (a, 0) and (0, 0): Φ = (ln(1 + eᵃ) − a/2 + ln 2)/2.
    private static double Criterion(double a) => (Math.Log(1 + Math.Exp(a)) - a / 2 + Math.Log(2)) / 2;

    [Fact]
    public void MaNo_takes_the_taylor_normalization_below_the_threshold()
    {
        // a = 2: Φ ≈ 0.91 ≤ 5. Taylor: (1 + z + z²/2) = (5, 1) and (1, 1); minus the row minimum: (4, 0), (0, 0);
        // over the row sum: (1, 0), (0, 0). Score (mean of q⁴)^(1/4) = (1/4)^(1/4).
        var (score, criterion, softmax) = MaNo.Score(Matrix(new double[,] { { 2, 0 }, { 0, 0 } }));
        Assert.False(softmax);
        Assert.Equal(Criterion(2), criterion, 12);
        Assert.Equal(Math.Pow(0.25, 0.25), score, 12);
    }

    [Fact]
    public void MaNo_takes_the_softmax_above_the_threshold_and_the_criterion_decides()
    {
        // a = 30: Φ ≈ 7.85 > 5. Softmax rows (s, 1 − s) with s = 1/(1 + e^−30), and (1/2, 1/2):
        // score = ((s⁴ + (1 − s)⁴ + 2/16)/4)^(1/4).
        var logits = Matrix(new double[,] { { 30, 0 }, { 0, 0 } });
        var (score, criterion, softmax) = MaNo.Score(logits);
        double s = 1 / (1 + Math.Exp(-30));
        Assert.True(softmax);
        Assert.Equal(Criterion(30), criterion, 12);
        Assert.Equal(Math.Pow((Math.Pow(s, 4) + Math.Pow(1 - s, 4) + 2.0 / 16) / 4, 0.25), score, 12);
        // The same logits under a threshold above Φ: Taylor's one-hot (1, 0) and zero row, (1/4)^(1/4).
        var taylor = MaNo.Score(logits, new ManoOptions { Threshold = 100 });
        Assert.False(taylor.Softmax);
        Assert.Equal(Math.Pow(0.25, 0.25), taylor.Score, 12);

        // Through a model: the value, its direction and the note of the choice.
        var value = MaNo.Compute(Identity(), new[] { new Batch(logits, zeros(2, dtype: ScalarType.Int64)) }).Single();
        Assert.Equal(score, value.Value!.Value, 12);
        Assert.Equal(-1, value.Direction);
        Assert.Equal("softmax normalization: Φ = 7.847 > 5", value.Reason);
    }
}
