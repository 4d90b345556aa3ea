using System.Collections.Concurrent;
using System.Reflection;
using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace Lla;

/// <summary>
/// The name an enum member has in settings and results files when it is not the member's name in
/// kebab case (<c>HutchPlusPlus</c> is "hutch++"); <see cref="Flag"/>: the value the command line
/// takes for it when that differs again (<c>AxesKind.RandomUniform</c> is "random-uniform" in files, "uniform" on the command line).
/// </summary>
[AttributeUsage(AttributeTargets.Field)]
public sealed class SettingNameAttribute(string name) : Attribute
{
    public string Name { get; } = name;
    public string? Flag { get; init; }
}

/// <summary>
/// The one place the project's enums get their names: the member's name in kebab case
/// (<c>EmpiricalFisher</c>: "empirical-fisher") unless <see cref="SettingNameAttribute"/> says
/// otherwise. Results files store these names (<see cref="Converter"/>) and settings are parsed from them.
/// </summary>
public static class SettingNames
{
    private sealed record Names(Enum[] Values, string[] Stored, string[] Flags);

    private static readonly ConcurrentDictionary<Type, Names> Cache = new();

    private static Names Of(Type type) => Cache.GetOrAdd(type, t =>
    {
        var fields = t.GetFields(BindingFlags.Public | BindingFlags.Static);
        var attributes = fields.Select(f => f.GetCustomAttribute<SettingNameAttribute>()).ToArray();
        string[] stored = fields.Select((f, i) => attributes[i]?.Name ?? Kebab(f.Name)).ToArray();
        return new Names(fields.Select(f => (Enum)f.GetValue(null)!).ToArray(), stored, stored.Select((s, i) => attributes[i]?.Flag ?? s).ToArray());
    });

    /// <summary>"EmpiricalFisher" → "empirical-fisher".</summary>
    public static string Kebab(string member)
    {
        var text = new StringBuilder();
        for (int i = 0; i < member.Length; i++)
        {
            if (char.IsUpper(member[i]) && i > 0) text.Append('-');
            text.Append(char.ToLowerInvariant(member[i]));
        }
        return text.ToString();
    }

    /// <summary>The value's name in settings and results files.</summary>
    public static string Name<T>(this T value) where T : struct, Enum => Stored(typeof(T), value);

    /// <summary>The value's name on the command line (the stored name unless its attribute gives a <see cref="SettingNameAttribute.Flag"/>).</summary>
    public static string FlagName<T>(this T value) where T : struct, Enum
    {
        var names = Of(typeof(T));
        return names.Flags[Array.IndexOf(names.Values, value)];
    }

    /// <summary>The command-line names of <typeparamref name="T"/>'s values, in declaration order.</summary>
    public static IReadOnlyList<string> Choices<T>() where T : struct, Enum => Of(typeof(T)).Flags;

    /// <summary>
    /// The value named <paramref name="text"/> on the command line (or by its stored name), or
    /// "{setting} must be a, b or c (got 'x')".
    /// </summary>
    public static T Parse<T>(string text, string setting) where T : struct, Enum
    {
        var names = Of(typeof(T));
        for (int i = 0; i < names.Values.Length; i++)
            if (names.Flags[i] == text || names.Stored[i] == text) return (T)names.Values[i];
        throw new LlaException($"{{{setting}}} must be {List(names.Flags)} (got '{text}')");
    }

    /// <summary>The stored name of the enum <paramref name="type"/>'s value that the command line names <paramref name="text"/> (or that is stored so); null when none is.</summary>
    public static string? StoredOf(Type type, string text)
    {
        var names = Of(type);
        for (int i = 0; i < names.Values.Length; i++)
            if (names.Flags[i] == text || names.Stored[i] == text) return names.Stored[i];
        return null;
    }

    /// <summary>"a, b or c".</summary>
    public static string List(IReadOnlyList<string> names) => names.Count == 1 ? names[0] : string.Join(", ", names.Take(names.Count - 1)) + " or " + names[^1];

    private static string Stored(Type type, Enum value)
    {
        var names = Of(type);
        int i = Array.IndexOf(names.Values, value);
        return i >= 0 ? names.Stored[i] : throw new ArgumentOutOfRangeException(nameof(value), value, $"not a {type.Name}");
    }

    private static Enum? FromStored(Type type, string text)
    {
        var names = Of(type);
        int i = Array.IndexOf(names.Stored, text);
        return i >= 0 ? names.Values[i] : null;
    }

    /// <summary>Serializes every enum of the project by its stored name (and reads the number older files may hold).</summary>
    public sealed class Converter : JsonConverterFactory
    {
        public override bool CanConvert(Type typeToConvert) => typeToConvert.IsEnum && typeToConvert.Namespace?.StartsWith("Lla", StringComparison.Ordinal) == true;

        public override JsonConverter CreateConverter(Type typeToConvert, JsonSerializerOptions options) =>
            (JsonConverter)Activator.CreateInstance(typeof(EnumConverter<>).MakeGenericType(typeToConvert))!;

        private sealed class EnumConverter<T> : JsonConverter<T> where T : struct, Enum
        {
            public override T Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options)
            {
                if (reader.TokenType == JsonTokenType.Number) return (T)Enum.ToObject(typeof(T), reader.GetInt32());
                string text = reader.GetString() ?? throw new JsonException($"a {typeof(T).Name} is null");
                return FromStored(typeof(T), text) is T value ? value : throw new JsonException($"'{text}' is not a {typeof(T).Name} (known: {List(Of(typeof(T)).Stored)})");
            }

            public override void Write(Utf8JsonWriter writer, T value, JsonSerializerOptions options) => writer.WriteStringValue(value.Name());
        }
    }
}
