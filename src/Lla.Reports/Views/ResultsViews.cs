namespace Lla.Reports;

/// <summary>Every <see cref="IResultsView"/> of this assembly, found by reflection, in page order.</summary>
public static class ResultsViews
{
    private static readonly Lazy<IReadOnlyList<IResultsView>> Found = new(() => typeof(IResultsView).Assembly.GetTypes()
        .Where(t => t is { IsClass: true, IsAbstract: false } && typeof(IResultsView).IsAssignableFrom(t))
        .Select(t => (IResultsView)Activator.CreateInstance(t)!)
        .OrderBy(v => v.Order).ThenBy(v => v.GetType().Name, StringComparer.Ordinal)
        .ToArray());

    public static IReadOnlyList<IResultsView> All => Found.Value;
}
