using System.Text.Json;
using System.Text.Json.Serialization;

namespace Lla.Runs;

/// <summary>A library's enum (TorchSharp's dtype) by its lower-case name (float32); the project's own enums are named by <see cref="SettingNames"/>.</summary>
public sealed class LowerCaseEnum<T>() : JsonStringEnumConverter<T>(new LowerCase(), allowIntegerValues: false) where T : struct, Enum
{
    private sealed class LowerCase : JsonNamingPolicy
    {
        public override string ConvertName(string name) => name.ToLowerInvariant();
    }
}
