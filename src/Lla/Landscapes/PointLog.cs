using System.Globalization;

namespace Lla.Landscapes;

/// <summary>
/// An append-only record of finished grid points ("i j loss accuracy" per line, flushed to the
/// OS after every point), so a run killed at any moment — even with kill -9 — resumes with every
/// finished point and recomputes at most the one in flight. A torn last line is ignored.
/// </summary>
public sealed class PointLog : IDisposable
{
    private readonly StreamWriter _writer;

    public IReadOnlyDictionary<(int I, int J), (double Loss, double Accuracy)> Finished { get; }

    public PointLog(string path)
    {
        var finished = new Dictionary<(int, int), (double, double)>();
        if (File.Exists(path))
        {
            foreach (var line in File.ReadAllLines(path))
            {
                var parts = line.Split(' ');
                if (parts.Length != 5 || parts[4] != ";") continue; // torn or foreign line
                if (int.TryParse(parts[0], out int i) && int.TryParse(parts[1], out int j) &&
                    double.TryParse(parts[2], NumberStyles.Float, CultureInfo.InvariantCulture, out double loss) &&
                    double.TryParse(parts[3], NumberStyles.Float, CultureInfo.InvariantCulture, out double accuracy))
                    finished[(i, j)] = (loss, accuracy);
            }
        }
        Finished = finished;
        var stream = new FileStream(path, FileMode.Append, FileAccess.Write, FileShare.Read);
        _writer = new StreamWriter(stream) { AutoFlush = false };
        // A torn line from a killed run must not glue onto the next record.
        if (stream.Length > 0) { _writer.Write('\n'); _writer.Flush(); }
    }

    public void Add(int i, int j, double loss, double accuracy)
    {
        _writer.Write(string.Create(CultureInfo.InvariantCulture, $"{i} {j} {loss:R} {accuracy:R} ;\n"));
        _writer.Flush(); // into the OS page cache: survives the death of this process
    }

    public void Dispose() => _writer.Dispose();
}
