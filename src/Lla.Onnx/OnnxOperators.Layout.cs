using TorchSharp;
using static TorchSharp.torch;

namespace Lla.Onnx;

internal static partial class OnnxOperators
{
    /// <summary>Moving blocks between depth and space, and Einstein summation.</summary>
    private static Dictionary<string, Operator> LayoutOperators() => new()
    {
        ["DepthToSpace"] = DepthToSpace,
        ["SpaceToDepth"] = SpaceToDepth,
        ["Einsum"] = Einsum,
    };

    private static (long N, long C, long H, long W, long B) Blocks(OnnxNode n)
    {
        var x = n.In(0);
        long b = n.Int("blocksize", 0);
        if (x.dim() != 4 || b < 1) throw n.Error($"needs a 4-D input and a positive blocksize (got rank {x.dim()}, blocksize {b})");
        return (x.shape[0], x.shape[1], x.shape[2], x.shape[3], b);
    }

    /// <summary>DepthToSpace: DCR (default) reads the channel axis as (block row, block column, channel), CRD as (channel, block row, block column).</summary>
    private static Tensor[] DepthToSpace(OnnxNode n)
    {
        var (batch, c, h, w, b) = Blocks(n);
        var x = n.In(0);
        if (c % (b * b) != 0) throw n.Error($"has {c} channels, not a multiple of blocksize² = {b * b}");
        long depth = c / (b * b);
        string mode = n.String("mode", "DCR");
        var moved = mode switch
        {
            "DCR" => x.reshape(batch, b, b, depth, h, w).permute(0, 3, 4, 1, 5, 2),
            "CRD" => x.reshape(batch, depth, b, b, h, w).permute(0, 1, 4, 2, 5, 3),
            _ => throw n.Error($"has mode \"{mode}\"; ONNX's are DCR and CRD"),
        };
        return One(moved.reshape(batch, depth, h * b, w * b));
    }

    private static Tensor[] SpaceToDepth(OnnxNode n)
    {
        var (batch, c, h, w, b) = Blocks(n);
        if (h % b != 0 || w % b != 0) throw n.Error($"has spatial size {h}×{w}, not a multiple of blocksize {b}");
        return One(n.In(0).reshape(batch, c, h / b, b, w / b, b).permute(0, 3, 5, 1, 2, 4).reshape(batch, c * b * b, h / b, w / b));
    }

    /// <summary>
    /// Einsum: the equation as torch's (spaces dropped). Its operands are checked against it first (one term per
    /// operand, one letter per axis besides an ellipsis, a letter the same size wherever it appears), since a
    /// mismatched product inside libtorch aborts the process instead of throwing.
    /// </summary>
    private static Tensor[] Einsum(OnnxNode n)
    {
        string equation = n.String("equation", "").Replace(" ", "");
        var operands = n.Inputs.Where(t => t is not null).Select(t => t!).ToArray();
        string[] terms = equation.Split("->")[0].Split(',');
        if (terms.Length != operands.Length) throw n.Error($"has equation {equation} with {terms.Length} terms for {operands.Length} operands");
        var sizes = new Dictionary<char, long>();
        for (int i = 0; i < terms.Length; i++)
        {
            bool ellipsis = terms[i].Contains("...");
            string letters = terms[i].Replace("...", "");
            if (letters.Any(c => !char.IsAsciiLetter(c)) || (ellipsis ? letters.Length > operands[i].dim() : letters.Length != operands[i].dim()))
                throw n.Error($"has equation term {terms[i]} for an operand of rank {operands[i].dim()}");
            int before = ellipsis ? terms[i].IndexOf("...", StringComparison.Ordinal) : letters.Length;
            for (int j = 0; j < letters.Length; j++)
            {
                long axis = j < before ? j : operands[i].dim() - (letters.Length - j);
                long size = operands[i].shape[axis];
                if (sizes.TryGetValue(letters[j], out long seen) && seen != size && seen != 1 && size != 1)
                    throw n.Error($"has equation {equation} whose index {letters[j]} is both {seen} and {size} long");
                sizes[letters[j]] = Math.Max(seen, size);
            }
        }
        if (equation.Contains("->") && equation.Split("->")[1].Replace("...", "").Any(c => !sizes.ContainsKey(c)))
            throw n.Error($"has equation {equation} whose output names an index no operand has");
        return One(einsum(equation, operands));
    }
}
