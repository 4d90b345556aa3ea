using System.Globalization;

namespace Lla;

/// <summary>
/// The culture a front end runs in: numbers print and parse the same on every machine (a decimal comma would break CSV
/// and the recorded commands), and messages are English whatever the locale (System.CommandLine would otherwise translate its own).
/// </summary>
public static class ProcessCulture
{
    /// <summary>Makes the invariant culture this thread's and every new thread's, for numbers and for messages.</summary>
    public static void UseInvariant()
    {
        CultureInfo.DefaultThreadCurrentCulture = CultureInfo.InvariantCulture;
        CultureInfo.CurrentCulture = CultureInfo.InvariantCulture;
        CultureInfo.DefaultThreadCurrentUICulture = CultureInfo.InvariantCulture;
        CultureInfo.CurrentUICulture = CultureInfo.InvariantCulture;
    }
}
