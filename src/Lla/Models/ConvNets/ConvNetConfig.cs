using System.Globalization;

namespace Lla.Models.ConvNets;

/// <summary>The two families of PGDL's convolutional tasks (Jiang et al. 2020): VGG-like and Network-in-Network-like.</summary>
public enum ConvNetKind { Vgg, Nin }

/// <summary>
/// The size of a VGG-like or NiN-like network, from a model name: <c>vgg:depth=D,width=W[,dropout=P]</c> or
/// <c>nin:depth=D,width=W[,dropout=P]</c>. Depth is the number of blocks (1 to 3, each halving the image with a
/// 2×2 max-pooling, so 28×28 images end at 14, 7 or 3 pixels); width the first block's channels, doubled in each
/// later block. Dropout (0 unless given) acts in training only (see <see cref="VggNet"/> and <see cref="NinNet"/>
/// for where). The keys are also a study's axes: <c>depth</c>, <c>width</c>, <c>dropout</c>.
/// </summary>
public sealed record ConvNetConfig(ConvNetKind Kind, int Depth, int Width, double Dropout = 0)
{
    public const int MaxDepth = 3;
    public static readonly string[] Keys = { "depth", "width", "dropout" };
    private static readonly string[] Required = { "depth", "width" };

    /// <summary>The prefix of a model name of this kind.</summary>
    public static string PrefixOf(ConvNetKind kind) => kind switch
    {
        ConvNetKind.Vgg => "vgg:",
        ConvNetKind.Nin => "nin:",
    };

    /// <summary>The forms the model list shows.</summary>
    public static readonly string[] Forms = { "vgg:depth=D,width=W[,dropout=P]", "nin:depth=D,width=W[,dropout=P]" };

    /// <summary>Whether <paramref name="model"/> names a network of this family (well formed or not).</summary>
    public static bool Names(string model) => KindOf(model) is not null;

    private static ConvNetKind? KindOf(string model) =>
        Enum.GetValues<ConvNetKind>().Cast<ConvNetKind?>().FirstOrDefault(k => model.StartsWith(PrefixOf(k!.Value), StringComparison.Ordinal));

    /// <summary>The network <paramref name="model"/> names; a malformed name is one line naming the bad key.</summary>
    public static ConvNetConfig Parse(string model)
    {
        var kind = KindOf(model) ?? throw new LlaException($"{{model}} {model} is not a VGG-like or NiN-like network ({string.Join(" or ", Forms)})");
        string form = Forms[(int)kind];
        var values = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var part in model[PrefixOf(kind).Length..].Split(','))
        {
            int eq = part.IndexOf('=');
            if (eq <= 0) throw new LlaException($"{{model}} {model}: '{part}' is not key=value ({form})");
            string key = part[..eq].Trim(), value = part[(eq + 1)..].Trim();
            if (!Keys.Contains(key)) throw new LlaException($"{{model}} {model}: unknown key '{key}' (keys: {string.Join(", ", Keys)})");
            if (!values.TryAdd(key, value)) throw new LlaException($"{{model}} {model}: key '{key}' is given twice");
        }
        foreach (var key in Required)
            if (!values.ContainsKey(key)) throw new LlaException($"{{model}} {model}: key '{key}' is missing ({form})");
        int depth = Whole(model, values, "depth", MaxDepth), width = Whole(model, values, "width", 1024);
        double dropout = 0;
        if (values.TryGetValue("dropout", out var text) &&
            !(double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out dropout) && dropout >= 0 && dropout < 1))
            throw new LlaException($"{{model}} {model}: key 'dropout' must be a probability from 0 up to, not including, 1 (got '{text}')");
        return new ConvNetConfig(kind, depth, width, dropout);
    }

    /// <summary>The channels of block <paramref name="block"/> (0-based): the width, doubled per block.</summary>
    public int Channels(int block) => Width << block;

    /// <summary>The smallest image side the network takes: each block halves it, and the last block needs at least one pixel.</summary>
    public int MinimumSize => 1 << Depth;

    private static int Whole(string model, Dictionary<string, string> values, string key, int maximum)
    {
        if (!int.TryParse(values[key], NumberStyles.None, CultureInfo.InvariantCulture, out int n) || n < 1 || n > maximum)
            throw new LlaException($"{{model}} {model}: key '{key}' must be a whole number from 1 to {maximum} (got '{values[key]}')");
        return n;
    }
}
