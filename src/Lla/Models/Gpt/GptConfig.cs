using System.Globalization;

namespace Lla.Models.Gpt;

/// <summary>Which GELU a GPT's MLP uses: nanoGPT's exact one (erf) or GPT-2's tanh approximation.</summary>
public enum GeluKind { Exact, Tanh }

/// <summary>
/// The size of a GPT with nanoGPT's architecture, from a model name: <c>gpt:layers=L,heads=H,width=W,context=T[,vocab=V][,gelu=exact|tanh][,bias=true|false][,dropout=P]</c>
/// or a preset (<c>gpt-nano</c>, <c>gpt-bytes</c>, <c>gpt2-small</c>). Dropout is 0 unless given (nanoGPT's four places: after the
/// embeddings, on the attention weights, after each block's two output projections; in training only: analyses run in eval
/// mode, and the numeric guard switches dropout off); LayerNorm's ε is 1e-5.
/// </summary>
public sealed record GptConfig(int Layers, int Heads, int Width, int Context, int Vocabulary = GptConfig.Gpt2Vocabulary, GeluKind Gelu = GeluKind.Exact, bool Bias = true, double Dropout = 0)
{
    public const string Prefix = "gpt:";
    public const int Gpt2Vocabulary = 50257;
    public const double LayerNormEpsilon = 1e-5;

    /// <summary>About 0.79M parameters besides the embeddings; GPT-2's vocabulary so that GPT-2-tokenized text fits it.</summary>
    public static readonly GptConfig Nano = new(Layers: 4, Heads: 4, Width: 128, Context: 128);

    /// <summary>
    /// The embedded text default: a byte-level GPT (vocabulary 256, 4 layers of width 64, context 64; 220,544 parameters)
    /// small enough to ship trained (data/gpt-bytes-fortunes.bin) and to analyse in about a minute on 2 cores.
    /// </summary>
    public static readonly GptConfig Bytes = new(Layers: 4, Heads: 4, Width: 64, Context: 64, Vocabulary: 256);

    /// <summary>GPT-2's 124M configuration (124,439,808 parameters with the tied embedding counted once).</summary>
    public static readonly GptConfig Gpt2Small = new(Layers: 12, Heads: 12, Width: 768, Context: 1024, Gelu: GeluKind.Tanh);

    public static readonly IReadOnlyDictionary<string, GptConfig> Presets = new Dictionary<string, GptConfig>
    {
        ["gpt-nano"] = Nano,
        ["gpt-bytes"] = Bytes,
        ["gpt2-small"] = Gpt2Small,
    };

    private static readonly string[] Keys = { "layers", "heads", "width", "context", "vocab", "gelu", "bias", "dropout" };
    private static readonly string[] Required = { "layers", "heads", "width", "context" };

    /// <summary>Whether <paramref name="model"/> names a GPT (the gpt: form, well formed or not, or a preset).</summary>
    public static bool Names(string model) => model.StartsWith(Prefix, StringComparison.Ordinal) || Presets.ContainsKey(model);

    /// <summary>The configuration <paramref name="model"/> names; a malformed gpt: spec is one line naming the bad key.</summary>
    public static GptConfig Parse(string model)
    {
        if (Presets.TryGetValue(model, out var preset)) return preset;
        if (!model.StartsWith(Prefix, StringComparison.Ordinal)) throw new LlaException($"{{model}} {model} is not a GPT (gpt:layers=L,heads=H,width=W,context=T or one of {string.Join(", ", Presets.Keys)})");
        var values = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var part in model[Prefix.Length..].Split(','))
        {
            int eq = part.IndexOf('=');
            if (eq <= 0) throw new LlaException($"{{model}} {model}: '{part}' is not key=value (keys: {string.Join(", ", Keys)})");
            string key = part[..eq].Trim(), value = part[(eq + 1)..].Trim();
            if (!Keys.Contains(key)) throw new LlaException($"{{model}} {model}: unknown key '{key}' (keys: {string.Join(", ", Keys)})");
            if (!values.TryAdd(key, value)) throw new LlaException($"{{model}} {model}: key '{key}' is given twice");
        }
        foreach (var key in Required)
            if (!values.ContainsKey(key)) throw new LlaException($"{{model}} {model}: key '{key}' is missing (gpt:layers=L,heads=H,width=W,context=T[,vocab=V][,gelu=exact|tanh][,bias=true|false][,dropout=P])");
        var config = new GptConfig(
            Positive(model, values, "layers"), Positive(model, values, "heads"), Positive(model, values, "width"), Positive(model, values, "context"),
            values.ContainsKey("vocab") ? Positive(model, values, "vocab") : Gpt2Vocabulary,
            values.TryGetValue("gelu", out var gelu) ? ParseGelu(model, gelu) : GeluKind.Exact,
            !values.TryGetValue("bias", out var bias) || ParseBias(model, bias),
            values.TryGetValue("dropout", out var dropout) ? ParseDropout(model, dropout) : 0);
        if (config.Width % config.Heads != 0)
            throw new LlaException($"{{model}} {model}: key 'width' ({config.Width}) must be a multiple of key 'heads' ({config.Heads})");
        return config;
    }

    /// <summary>The width of one attention head.</summary>
    public int HeadWidth => Width / Heads;

    /// <summary>Parameters with the tied embedding counted once, position embeddings included.</summary>
    public long ParameterCount => (long)Vocabulary * Width + (long)Context * Width + NonEmbeddingParameterCount;

    /// <summary>Parameters besides the token and position embeddings (the blocks and the final LayerNorm).</summary>
    public long NonEmbeddingParameterCount
    {
        get
        {
            long w = Width, b = Bias ? 1 : 0;
            long layerNorm = w + b * w;
            long block = 2 * layerNorm + (w * 3 * w + b * 3 * w) + (w * w + b * w) + (w * 4 * w + b * 4 * w) + (4 * w * w + b * w);
            return Layers * block + layerNorm;
        }
    }

    private static int Positive(string model, Dictionary<string, string> values, string key)
    {
        if (!int.TryParse(values[key], NumberStyles.None, CultureInfo.InvariantCulture, out int n) || n < 1)
            throw new LlaException($"{{model}} {model}: key '{key}' must be a positive integer (got '{values[key]}')");
        return n;
    }

    private static GeluKind ParseGelu(string model, string value) => value switch
    {
        "exact" => GeluKind.Exact,
        "tanh" => GeluKind.Tanh,
        _ => throw new LlaException($"{{model}} {model}: key 'gelu' must be exact or tanh (got '{value}')"),
    };

    private static double ParseDropout(string model, string value) =>
        double.TryParse(value, NumberStyles.Float, CultureInfo.InvariantCulture, out double p) && p >= 0 && p < 1
            ? p
            : throw new LlaException($"{{model}} {model}: key 'dropout' must be a probability from 0 up to, not including, 1 (got '{value}')");

    private static bool ParseBias(string model, string value) => value switch
    {
        "true" => true,
        "false" => false,
        _ => throw new LlaException($"{{model}} {model}: key 'bias' must be true or false (got '{value}')"),
    };
}
