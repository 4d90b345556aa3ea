using System.Globalization;

namespace Lla.Studies.Scoring;

/// <summary>
/// A model zoo as a table (CSV with a header row): a <c>model</c> column, the axis columns,
/// <c>train_accuracy</c> and <c>test_accuracy</c> (fractions), optionally <c>test_size</c>, and
/// measure columns (default: every other column whose values are all numbers or empty). An empty
/// cell, <c>nan</c> or <c>NA</c> is a missing value of a measure. Rows are checked before any scoring.
/// </summary>
public sealed record ScoreTable(IReadOnlyList<ZooModel> Models, IReadOnlyList<string> Measures, int TestSize)
{
    public const string ModelColumn = "model", TrainColumn = "train_accuracy", TestColumn = "test_accuracy", TestSizeColumn = "test_size";

    /// <summary>Reads and checks a table; measures in <paramref name="negate"/> are multiplied by −1 (so larger predicts a larger gap).</summary>
    public static ScoreTable Read(string path, IReadOnlyList<string> axes, IReadOnlyList<string>? measures, IReadOnlyList<string> negate, int? testSize)
    {
        if (Directory.Exists(path)) throw new LlaException($"table {path} is a folder, not a CSV file");
        if (!File.Exists(path)) throw new LlaException($"table {path} not found");
        Lla.Data.InputPaths.RequireFile(path, "table");
        List<string> lines;
        try
        {
            lines = File.ReadAllLines(path).Where(l => l.Trim().Length > 0).ToList();
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new LlaException($"table {path} cannot be read: {e.Message}");
        }
        if (lines.Count < 2) throw new LlaException($"table {path} has no rows under its header");
        var header = SplitRow(lines[0]);
        var column = new Dictionary<string, int>();
        for (int c = 0; c < header.Length; c++)
            if (!column.TryAdd(header[c], c)) throw new LlaException($"table {path}: column '{header[c]}' appears twice");
        foreach (string needed in new[] { ModelColumn, TrainColumn, TestColumn }.Concat(axes))
            if (!column.ContainsKey(needed)) throw new LlaException($"table {path} has no column '{needed}' (columns: {string.Join(", ", header)})");
        if (axes.Count == 0) throw new LlaException("{axes} names no column: give the hyperparameter columns, e.g. lr,batch_size");

        var rows = lines.Skip(1).Select((l, i) =>
        {
            var cells = SplitRow(l);
            if (cells.Length != header.Length) throw new LlaException($"table {path}, row {i + 2}: {cells.Length} cells under a header of {header.Length}");
            return cells;
        }).ToList();

        var reserved = new HashSet<string>(axes) { ModelColumn, TrainColumn, TestColumn, TestSizeColumn };
        var chosen = measures?.ToList() ?? header.Where(h => !reserved.Contains(h) && rows.All(r => IsNumberOrMissing(r[column[h]]))).ToList();
        foreach (string m in chosen)
        {
            if (!column.ContainsKey(m)) throw new LlaException($"table {path} has no measure column '{m}' (columns: {string.Join(", ", header)})");
            if (reserved.Contains(m)) throw new LlaException($"'{m}' is not a measure column of {path}");
        }
        foreach (string m in negate)
            if (!chosen.Contains(m)) throw new LlaException($"{{negate}} names '{m}', which is not among the scored measures ({string.Join(", ", chosen)})");
        if (chosen.Count == 0) throw new LlaException($"table {path} has no numeric measure column to score");

        int n = testSize ?? TableTestSize(path, rows, column);
        if (n < 1) throw new LlaException($"{{test-size}} must be at least 1 (got {n})");

        var names = new HashSet<string>();
        var models = rows.Select((r, i) =>
        {
            string where = $"table {path}, row {i + 2}";
            string name = r[column[ModelColumn]];
            if (!names.Add(name)) throw new LlaException($"{where}: model '{name}' appears twice");
            double Accuracy(string col)
            {
                if (!TryNumber(r[column[col]], out double a) || !(a >= 0 && a <= 1)) throw new LlaException($"{where}: {col} must be a fraction in [0, 1] (got '{r[column[col]]}')");
                return a;
            }
            var values = new Dictionary<string, double>();
            foreach (string m in chosen)
            {
                string cell = r[column[m]];
                if (IsMissing(cell)) { values[m] = double.NaN; continue; }
                if (!TryNumber(cell, out double v) || !double.IsFinite(v)) throw new LlaException($"{where}: measure {m} is not a finite number (got '{cell}')");
                values[m] = negate.Contains(m) ? -v : v;
            }
            return new ZooModel(name, axes.ToDictionary(a => a, a => r[column[a]]), Accuracy(TrainColumn), Accuracy(TestColumn), values);
        }).ToList();

        foreach (string axis in axes)
        {
            var levels = models.Select(m => m.Axes[axis]).Distinct().ToList();
            if (levels.Count < 2) throw new LlaException($"axis '{axis}' does not vary (every model has '{levels[0]}'): it cannot be scored");
        }
        return new ScoreTable(models, chosen, n);
    }

    private static int TableTestSize(string path, List<string[]> rows, Dictionary<string, int> column)
    {
        if (!column.TryGetValue(TestSizeColumn, out int c))
            throw new LlaException($"table {path} has no {TestSizeColumn} column: give {{test-size}} (the test-set size the accuracies were measured on)");
        var sizes = rows.Select(r => r[c]).Distinct().ToList();
        if (sizes.Count != 1 || !int.TryParse(sizes[0], NumberStyles.Integer, CultureInfo.InvariantCulture, out int n))
            throw new LlaException($"table {path}: {TestSizeColumn} must be one whole number for every row (got {string.Join(", ", sizes.Take(3))})");
        return n;
    }

    private static bool IsMissing(string cell) => cell.Length == 0 || cell.Equals("nan", StringComparison.OrdinalIgnoreCase) || cell == "NA";

    private static bool TryNumber(string cell, out double value) =>
        double.TryParse(cell, NumberStyles.Float, CultureInfo.InvariantCulture, out value);

    private static bool IsNumberOrMissing(string cell) => IsMissing(cell) || TryNumber(cell, out _);

    /// <summary>One CSV row: comma-separated cells, a cell in double quotes may hold commas and "" for a quote.</summary>
    public static string[] SplitRow(string line)
    {
        var cells = new List<string>();
        var cell = new System.Text.StringBuilder();
        bool quoted = false;
        for (int i = 0; i < line.Length; i++)
        {
            char ch = line[i];
            if (quoted && ch == '"' && i + 1 < line.Length && line[i + 1] == '"') { cell.Append('"'); i++; }
            else if (ch == '"') quoted = !quoted;
            else if (ch == ',' && !quoted) { cells.Add(cell.ToString().Trim()); cell.Clear(); }
            else cell.Append(ch);
        }
        cells.Add(cell.ToString().Trim().TrimEnd('\r'));
        return cells.ToArray();
    }
}
