namespace Lla.Tests.Onnx.Conformance;

/// <summary>The conformance comparison itself: it must catch what ONNX's assert_allclose catches.</summary>
public class TensorAgreementTests
{
    public TensorAgreementTests() => Support.TestTorch.Init();

    [Fact]
    public void Values_within_rtol_agree_and_values_beyond_do_not()
    {
        using var expected = tensor(new[] { 1000f, 0f, float.NaN, float.PositiveInfinity });
        using var close = tensor(new[] { 1000.9f, 5e-8f, float.NaN, float.PositiveInfinity });
        Assert.Null(TensorAgreement.Disagreement(close, expected));
        using var far = tensor(new[] { 1001.1f, 0f, float.NaN, float.PositiveInfinity });
        Assert.Equal("1 of 4 values outside tolerance (largest finite difference 1.1)", TensorAgreement.Disagreement(far, expected));
        using var nan = tensor(new[] { 1000f, float.NaN, float.NaN, float.PositiveInfinity });
        Assert.NotNull(TensorAgreement.Disagreement(nan, expected));
        using var infinite = tensor(new[] { 1000f, 0f, float.NaN, float.NegativeInfinity });
        Assert.NotNull(TensorAgreement.Disagreement(infinite, expected));
    }

    [Fact]
    public void Shapes_and_integers_must_match_exactly_but_element_types_need_not()
    {
        using var expected = tensor(new long[] { 1, 2, 3 });
        using var wider = tensor(new[] { 1.0, 2.0, 3.0 });
        using var single = expected.to(ScalarType.Float32);
        Assert.Null(TensorAgreement.Disagreement(wider, single));
        using var other = tensor(new[] { 1, 2, 4 });
        Assert.Equal("1 of 3 integer values differ", TensorAgreement.Disagreement(other, expected));
        using var row = expected.reshape(1, 3);
        Assert.Equal("shape [1, 3], expected [3]", TensorAgreement.Disagreement(row, expected));
    }
}
