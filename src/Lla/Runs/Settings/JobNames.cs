using System.Reflection;

namespace Lla.Runs;

/// <summary>
/// Every concrete <see cref="JobSettings"/> record of the library with its <see cref="JobNameAttribute"/> name, found
/// by reflection (the results serializer registers them as the derived types of <c>options</c>; no folder lists the jobs).
/// </summary>
public static class JobNames
{
    private static readonly Lazy<IReadOnlyDictionary<Type, string>> All = new(() => typeof(JobSettings).Assembly.GetTypes()
        .Where(t => t.IsSubclassOf(typeof(JobSettings)) && !t.IsAbstract)
        .ToDictionary(t => t, t => t.GetCustomAttribute<JobNameAttribute>(inherit: false)?.Name
            ?? throw new InvalidOperationException($"{t.Name} derives from JobSettings without a [JobName]")));

    /// <summary>Each job's settings type and its name.</summary>
    public static IReadOnlyDictionary<Type, string> Types => All.Value;

    public static string Of(Type type) => All.Value.TryGetValue(type, out var name) ? name : throw new ArgumentException($"{type.Name} is not a job's settings");

    /// <summary>The settings type of the job named <paramref name="name"/>, or null.</summary>
    public static Type? Find(string name) => All.Value.FirstOrDefault(kv => kv.Value == name).Key;
}
