using Lla.Onnx;
using Lla.Tests.Support;
using Onnx;
using static Lla.Tests.Onnx.Operators.SecondDerivatives;

namespace Lla.Tests.Onnx.Operators;

/// <summary>
/// Inputs an operator cannot run give a one-line LlaException naming the node, before any libtorch call that
/// would abort the process (mismatched products) or throw its own multi-line error.
/// </summary>
public class OperatorErrorTests
{
    public OperatorErrorTests() => TestTorch.Init();

    private static string Refusal(Case c)
    {
        using var module = OnnxModel.Build("refused", Model(c));
        using var _ = no_grad();
        var e = Assert.Throws<LlaException>(() => module.forward(c.Inputs[0]));
        Assert.DoesNotContain('\n', e.Message);
        Assert.StartsWith($"the ONNX node node ({c.Op}) ", e.Message);
        return e.Message;
    }

    [Fact]
    public void Einsum_operands_that_do_not_fit_the_equation_are_refused()
    {
        Assert.Contains("index j is both 4 and 3 long", Refusal(new("Einsum", new[] { Normal(2, 4), Normal(3, 5) }, [Text("equation", "ij,jk->ik")])));
        Assert.Contains("2 terms for 1 operands", Refusal(new("Einsum", new[] { Normal(2, 4) }, [Text("equation", "ij,jk->ik")])));
        Assert.Contains("term ijk for an operand of rank 2", Refusal(new("Einsum", new[] { Normal(2, 4) }, [Text("equation", "ijk->i")])));
    }

    [Fact]
    public void Recurrent_weights_of_the_wrong_shape_are_refused()
    {
        Assert.Contains("for inputs of size 3", Refusal(new("LSTM", new[] { Normal(2, 1, 3), Normal(1, 8, 2), Normal(1, 8, 2) }, [Int("hidden_size", 2)])));
        Assert.Contains("has an initial state of shape [1, 2, 2]",
            Refusal(new("GRU", new[] { Normal(2, 1, 2), Normal(1, 6, 2), Normal(1, 6, 2), null!, null!, Normal(1, 2, 2) }, [Int("hidden_size", 2)])));
    }

    [Fact]
    public void Targets_outside_the_classes_and_unknown_modes_are_refused()
    {
        Assert.Contains("target outside the 3 classes", Refusal(new("NegativeLogLikelihoodLoss", new[] { Normal(2, 3), tensor(new long[] { 0, 3 }) }, [])));
        Assert.Contains("reduction \"average\"",
            Refusal(new("SoftmaxCrossEntropyLoss", new[] { Normal(2, 3), tensor(new long[] { 0, 2 }) }, [Text("reduction", "average")])));
        Assert.Contains("slope of shape [5] that does not broadcast", Refusal(new("PRelu", new[] { Normal(2, 3, 4), Normal(5) }, [])));
        Assert.Contains("mode \"area\"", Refusal(new("Resize", new[] { Normal(1, 1, 2, 2), null!, tensor(new[] { 1.0, 1.0, 2.0, 2.0 }) }, [Text("mode", "area")])));
        Assert.Contains("padding_mode \"wrap\"", Refusal(new("GridSample", new[] { Normal(1, 1, 2, 2), Normal(1, 2, 2, 2) }, [Text("padding_mode", "wrap")])));
    }

    [Fact]
    public void A_node_libtorch_cannot_run_is_one_line_naming_it()
    {
        // Concat of [2, 3] and [2, 4] along axis 0: no check of ours stops it, libtorch's own error is kept to its first line.
        var c = new Case("Concat", new[] { Normal(2, 3), Normal(2, 4) }, [Int("axis", 0)]);
        string message = Refusal(c);
        Assert.Matches(@"^the ONNX node node \(Concat\) failed in libtorch: \S.*$", message);
        using var module = OnnxModel.Build("refused", Model(c));
        using var _ = no_grad();
        // The engine's error stays attached: the conformance runner counts such a case as a crash (our gap), not a refusal.
        Assert.IsType<System.Runtime.InteropServices.ExternalException>(Assert.Throws<LlaException>(() => module.forward(c.Inputs[0])).InnerException);
    }

    [Fact]
    public void Dropout_in_training_mode_is_refused_and_without_it_is_the_identity()
    {
        Assert.Contains("drops at random (training mode, ratio 0.5)",
            Refusal(new("Dropout", new[] { Normal(2, 3), null!, tensor(true) }, [])));
        Assert.Contains("drops at random (training mode, ratio 0.2)",
            Refusal(new("Dropout", new[] { Normal(2, 3), tensor(0.2), tensor(true) }, [])));
        Assert.EndsWith("drops at random (training mode, ratio 0.5); Lla.NET analyses a deterministic model: set its is_test attribute to 1",
            Refusal(new("Dropout", new[] { Normal(2, 3) }, [], Opset: 6)));
        foreach (var identity in new Case[]
                 {
                     new("Dropout", new[] { Normal(2, 3), tensor(0.0), tensor(true) }, []),
                     new("Dropout", new[] { Normal(2, 3), tensor(0.5), tensor(false) }, []),
                     new("Dropout", new[] { Normal(2, 3) }, [Int("is_test", 1)], Opset: 6),
                     new("Dropout", new[] { Normal(2, 3) }, [Float("ratio", 0.3f)], Opset: 10),
                 })
        {
            using var module = OnnxModel.Build("identity", Model(identity));
            using var _ = no_grad();
            Assert.Equal(0, (module.forward(identity.Inputs[0]) - identity.Inputs[0]).abs().max().ToDouble());
        }
    }
}
