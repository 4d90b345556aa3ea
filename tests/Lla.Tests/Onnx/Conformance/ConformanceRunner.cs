using System.Text.RegularExpressions;
using Google.Protobuf;
using global::Onnx;
using Lla.Onnx;
using DataType = global::Onnx.TensorProto.Types.DataType;

namespace Lla.Tests.Onnx.Conformance;

/// <summary>
/// Runs one backend test case through the library's graph entry point (<see cref="OnnxModel.LoadGraph"/>,
/// <see cref="OnnxModule.Run"/>) on all its inputs, as stored (float64 where the test's tensors are float64),
/// and classifies it (<see cref="ConformanceOutcome"/>).
/// </summary>
internal static partial class ConformanceRunner
{
    public static ConformanceResult Run(string folder, string name, string directory)
    {
        string modelPath = Path.Combine(directory, "model.onnx");
        string operators = "?";
        long opset = 0;
        int floats = -1;
        try
        {
            var proto = ModelProto.Parser.ParseFrom(File.ReadAllBytes(modelPath));
            opset = proto.OpsetImport.FirstOrDefault(o => o.Domain is "" or "ai.onnx")?.Version ?? 0;
            var initialized = proto.Graph.Initializer.Select(i => i.Name).ToHashSet();
            floats = proto.Graph.Input.Count(i => !initialized.Contains(i.Name) && i.Type?.TensorType is { } t
                && (DataType)t.ElemType is DataType.Float or DataType.Double or DataType.Float16 or DataType.Bfloat16);
            operators = string.Join("+", proto.Graph.Node.Select(n => n.OpType).Where(o => o != "Constant").Distinct().DefaultIfEmpty("Constant"));
            using var module = OnnxModel.BuildGraph(modelPath, proto, new Dictionary<string, Tensor>());
            module.eval();
            var declared = proto.Graph.Input.Concat(proto.Graph.Output).Where(v => v.Type?.TensorType is not null)
                .GroupBy(v => v.Name).ToDictionary(g => g.Key, g => g.First().Type.TensorType.ElemType);
            bool corrected = ConformanceBaseline.CorrectedExpectations.ContainsKey(name);
            foreach (var (inputs, outputs) in OnnxBackendTestData.DataSets(directory))
            {
                string? wrong = RunDataSet(module, declared, inputs, outputs, corrected);
                if (wrong is not null) return new(folder, name, opset, ConformanceOutcome.Wrong, operators, wrong, floats);
            }
            return new(folder, name, opset, corrected ? ConformanceOutcome.PassCorrected : ConformanceOutcome.Pass, operators,
                corrected ? ConformanceBaseline.CorrectedExpectations[name] : "", floats);
        }
        catch (LlaException e) when (e.InnerException is System.Runtime.InteropServices.ExternalException)
        {
            // A node the importer accepted but libtorch could not run: a gap of ours, counted as a crash, not a refusal.
            return new(folder, name, opset, ConformanceOutcome.Crash, operators, e.Message.Replace(directory, name), floats);
        }
        catch (LlaException e)
        {
            return new(folder, name, opset, ConformanceOutcome.Refused, RefusedKey(e.Message), e.Message.Replace(directory, name), floats);
        }
        catch (Exception e)
        {
            return new(folder, name, opset, ConformanceOutcome.Crash, operators, $"{e.GetType().Name}: {e.Message.Split('\n')[0]}", floats);
        }
    }

    /// <summary>Null when every output agrees, else the first disagreement.</summary>
    /// <paramref name="corrected"/>: the expected output is the first input rounded to bfloat16 (<see cref="ConformanceBaseline.CorrectedExpectations"/>).
    private static string? RunDataSet(OnnxModule module, IReadOnlyDictionary<string, int> declared, string[] inputFiles, string[] outputFiles, bool corrected)
    {
        using var scope = NewDisposeScope();
        var feeds = new Dictionary<string, Tensor>();
        var free = module.InputNames.ToList();
        for (int k = 0; k < inputFiles.Length; k++)
        {
            var stored = TensorProto.Parser.ParseFrom(File.ReadAllBytes(inputFiles[k]));
            // ONNX's runner feeds by position when the stored tensor is unnamed.
            string inputName = stored.Name.Length > 0 && free.Contains(stored.Name) ? stored.Name : k < free.Count ? free[k] : stored.Name;
            feeds[inputName] = OnnxTensorFiles.ToTensor(AsDeclared(stored, declared.GetValueOrDefault(inputName)));
        }
        using var _ = no_grad();
        var results = module.Run(feeds);
        for (int k = 0; k < outputFiles.Length; k++)
        {
            string outputName = module.OutputNames[k];
            var stored = TensorProto.Parser.ParseFrom(File.ReadAllBytes(outputFiles[k]));
            var expected = OnnxTensorFiles.ToTensor(AsDeclared(stored, declared.GetValueOrDefault(outputName)));
            if (corrected)
            {
                // The stored values must be the truncation the correction replaced (else the diagnosis is wrong), and
                // Lla.NET's output must be the rounding to nearest even, bit for bit.
                float[] input = feeds[module.InputNames[0]].to(ScalarType.Float32).data<float>().ToArray();
                if (!expected.to(ScalarType.Float32).data<float>().ToArray().SequenceEqual(input.Select(Bfloat16Rounding.Truncate)))
                    return $"output {outputName}: the stored values are not the truncation to bfloat16 the correction assumes";
                float[] actual = results[outputName].to(ScalarType.Float32).data<float>().ToArray();
                float[] rounded = input.Select(Bfloat16Rounding.Round).ToArray();
                int differ = actual.Zip(rounded).Count(p => BitConverter.SingleToUInt32Bits(p.First) != BitConverter.SingleToUInt32Bits(p.Second) && !(float.IsNaN(p.First) && float.IsNaN(p.Second)));
                if (differ > 0) return $"output {outputName}: {differ} of {rounded.Length} values are not float32 → bfloat16 rounded to nearest even";
                continue;
            }
            if (TensorAgreement.Disagreement(results[outputName], expected) is { } why) return $"output {outputName}: {why}";
        }
        return null;
    }

    /// <summary>
    /// ONNX 1.12's test data stores bfloat16 tensors as their uint16 bit patterns (NumPy has no bfloat16):
    /// read them as the bfloat16 the graph declares.
    /// </summary>
    private static TensorProto AsDeclared(TensorProto stored, int declared)
    {
        if ((DataType)stored.DataType != DataType.Uint16 || (DataType)declared != DataType.Bfloat16) return stored;
        var copy = stored.Clone();
        copy.DataType = (int)DataType.Bfloat16;
        return copy;
    }

    /// <summary>What a refusal is counted under: the operator it names, else its reason without names.</summary>
    private static string RefusedKey(string message)
    {
        if (UnsupportedOperator().Match(message) is { Success: true } op) return op.Groups[1].Value;
        if (NodeError().Match(message) is { Success: true } node) return node.Groups[1].Value;
        if (Opset().Match(message) is { Success: true } opset) return $"opset {opset.Groups[1].Value}";
        if (ValueKind().Match(message) is { Success: true } kind) return kind.Groups[1].Value;
        if (ElementType().Match(message) is { Success: true } element) return $"element type {element.Groups[1].Value}";
        return message.Split(':').Last().Trim();
    }

    [GeneratedRegex(@"uses operator (\S+) \(")]
    private static partial Regex UnsupportedOperator();

    [GeneratedRegex(@"the ONNX node .*? \((\w+)\) ")]
    private static partial Regex NodeError();

    [GeneratedRegex(@"uses opset (\d+);")]
    private static partial Regex Opset();

    [GeneratedRegex(@"' is (a sequence|a map|an optional value|a sparse tensor|a tensor of strings|a tensor of complex numbers)")]
    private static partial Regex ValueKind();

    [GeneratedRegex(@"has element type (\w+)")]
    private static partial Regex ElementType();
}
