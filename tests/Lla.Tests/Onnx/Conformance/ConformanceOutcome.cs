namespace Lla.Tests.Onnx.Conformance;

/// <summary>How one backend test case went.</summary>
public enum ConformanceOutcome
{
    /// <summary>Every output of every data set agrees with ONNX's expected values within the tolerance.</summary>
    Pass,
    /// <summary>
    /// Every output agrees with the values ONNX itself later replaced 1.12's expected values with
    /// (<see cref="ConformanceBaseline.CorrectedExpectations"/>); counted apart from <see cref="Pass"/>.
    /// </summary>
    PassCorrected,
    /// <summary>The graph ran but some output disagrees (shape or values).</summary>
    Wrong,
    /// <summary>Lla.NET refused the model or a node with an LlaException (unsupported operator, element type, opset, …).</summary>
    Refused,
    /// <summary>Any other exception: a bug.</summary>
    Crash,
}

/// <summary>
/// One case's result: <paramref name="Opset"/> is the model's default-domain opset (0 when it declares none),
/// <paramref name="Key"/> groups it in the summary (the refused operator, or the graph's operators for a wrong
/// case), <paramref name="Detail"/> says what happened in one line, <paramref name="FloatInputs"/> counts the graph's
/// floating-point inputs that are not initializers (−1 when the model file could not be read).
/// </summary>
public sealed record ConformanceResult(string Folder, string Case, long Opset, ConformanceOutcome Outcome, string Key, string Detail, int FloatInputs = -1);
