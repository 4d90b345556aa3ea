using Lla.Runs;

namespace Lla.Reports;

/// <summary>
/// How one results payload is shown: its figures in the run folder and its sections of report.html, laid out from the
/// stored records alone (a view computes and concludes nothing). Every non-abstract class of this assembly that
/// implements it is found by <see cref="ResultsViews"/>: a new payload adds its view and edits nothing else here.
/// </summary>
public interface IResultsView
{
    /// <summary>Where the view's sections go on the page, ascending (and the order its figures are drawn in).</summary>
    int Order { get; }

    /// <summary>Every file name the view may write into the run folder for these results, drawn or not (checked before anything is drawn).</summary>
    IEnumerable<string> Files(RunResults results);

    /// <summary>Draws the view's figures (and data files) for what the results hold; returns the figures drawn.</summary>
    IReadOnlyList<string> Draw(string folder, RunResults results, ColorScale scale);

    /// <summary>Headline numbers for the page's head; none by default.</summary>
    IEnumerable<PageCard> Cards(RunResults results) => [];

    /// <summary>The view's sections of the page; none when the results lack its payload.</summary>
    IEnumerable<PageSection> Sections(RunResults results);
}
