using System.Diagnostics;
using Lla.Curvature;
using Lla.Runs;
using Spectre.Console;

namespace Lla.Cli.Display;

/// <summary>
/// Shows analysis progress: a live Spectre.Console progress bar with ETA when the console is
/// interactive, plain timestamped lines (<see cref="ProgressLines"/>: at most every two seconds per stage, plus each stage's
/// end) when output is redirected, since CI logs must show progress too. Progress goes to stderr
/// so that stdout stays clean for results.
/// </summary>
internal sealed class ProgressDisplay : IDisposable
{
    private readonly bool _interactive, _silent;
    private readonly Stopwatch _clock = Stopwatch.StartNew();
    private readonly ProgressLines _lines = new();
    private readonly Thread? _thread;
    private readonly object _gate = new();
    private readonly Dictionary<string, ProgressTask> _tasks = new();
    private ProgressContext? _context;
    private readonly ManualResetEventSlim _ready = new(), _finished = new();

    private ProgressDisplay(bool interactive, bool silent)
    {
        _silent = silent;
        _interactive = interactive && !silent;
        if (!_interactive) return;
        _thread = new Thread(() => AnsiConsole.Progress().AutoClear(false)
            .Columns(new TaskDescriptionColumn(), new ProgressBarColumn(), new PercentageColumn(), new RemainingTimeColumn(), new SpinnerColumn())
            .Start(ctx =>
            {
                _context = ctx;
                _ready.Set();
                _finished.Wait();
                lock (_gate) FinishAll();
                ctx.Refresh();
            })) { IsBackground = true };
        _thread.Start();
        _ready.Wait();
    }

    public static ProgressDisplay Start(bool shown) =>
        new(!Console.IsErrorRedirected && !Console.IsOutputRedirected && AnsiConsole.Profile.Capabilities.Interactive, silent: !shown);

    public void Report(AnalysisProgress p)
    {
        if (_silent) return;
        if (_interactive) ReportLive(p);
        else ReportPlain(p);
    }

    private void FinishAll()
    {
        foreach (var t in _tasks.Values) if (!t.IsFinished) { t.Value = t.MaxValue; t.StopTask(); }
    }

    private void ReportLive(AnalysisProgress p)
    {
        lock (_gate)
        {
            if (!_tasks.TryGetValue(p.Stage, out var task))
            {
                FinishAll();
                _tasks[p.Stage] = task = _context!.AddTask(p.Stage, maxValue: p.Total ?? 1);
            }
            if (p.Total is long total) task.Value = Math.Min(p.Done, total);
            else task.Description = $"{p.Stage} ({p.Done} {p.Unit})";
        }
    }

    private void ReportPlain(AnalysisProgress p)
    {
        if (_lines.Next(p, _clock.Elapsed) is { } line) Console.Error.WriteLine(line);
    }

    public void Dispose()
    {
        if (!_interactive) return;
        _finished.Set();
        _thread?.Join();
    }
}
