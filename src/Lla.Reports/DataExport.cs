using System.Globalization;
using System.Text;
using System.Text.Json.Nodes;
using Lla.Models;
using Lla.Runs;
using PureHDF;

namespace Lla.Reports;

/// <summary>
/// Files for other tools, written from results.json and the saved directions: results.h5 (HDF5,
/// laid out for h5py) and landscape-K.vtk (legacy VTK structured grids for ParaView).
/// </summary>
public static class DataExport
{
    public const string Hdf5File = "results.h5";

    /// <summary>
    /// results.h5: root attributes command, seed, model, data, bn_mode, loss, accuracy; /hessian with
    /// top_eigenvalues, eigen_residuals, trace, trace_stderr (attributes), /hessian/criteria attributes,
    /// /hessian/esd/run_R/{nodes, weights}; /landscapes/plane_K/{alphas, betas, loss [β, α], accuracy,
    /// d1, d2 (flat direction vectors, parameter order as in parameter_names)} with the plane's settings
    /// as attributes.
    /// </summary>
    public static void WriteHdf5(string folder, JsonObject results)
    {
        var file = new H5File();
        Attr(file.Attributes, "command", results["command"]);
        Attr(file.Attributes, "seed", results["seed"]);
        Attr(file.Attributes, "model", results["model"]?["name"]);
        Attr(file.Attributes, "parameters", results["model"]?["parameters"]);
        Attr(file.Attributes, "data", results["data"]?["spec"]);
        Attr(file.Attributes, "bn_mode", results["bn_mode"]);
        Attr(file.Attributes, "loss", results["loss"]);
        Attr(file.Attributes, "accuracy", results["accuracy"]);
        Attr(file.Attributes, "lla_version", results["versions"]?["lla"]);

        if (results["hessian"] is JsonObject h)
        {
            var hessian = new H5Group();
            if (h["top_eigenvalues"] is JsonArray values) hessian["top_eigenvalues"] = ResultsFile.Doubles(values);
            if (h["eigen_residuals"] is JsonArray residuals) hessian["eigen_residuals"] = ResultsFile.Doubles(residuals);
            Attr(hessian.Attributes, "trace", h["trace"]);
            Attr(hessian.Attributes, "trace_stderr", h["trace_stderr"]);
            Attr(hessian.Attributes, "hvp_count", h["hvp_count"]);
            if (h["criteria"] is JsonObject c)
            {
                var criteria = new H5Group();
                foreach (var key in new[] { "re", "re_std", "kh", "kh_std", "ct", "ct_std", "kh_power", "ct_threshold", "hesd_type" })
                    Attr(criteria.Attributes, key, c[key]);
                hessian["criteria"] = criteria;
            }
            if (h["esd"]?["runs"] is JsonArray runs)
            {
                var esd = new H5Group();
                for (int r = 0; r < runs.Count; r++)
                    esd[$"run_{r}"] = new H5Group { ["nodes"] = ResultsFile.Doubles(runs[r]!["nodes"]), ["weights"] = ResultsFile.Doubles(runs[r]!["weights"]) };
                hessian["esd"] = esd;
            }
            file["hessian"] = hessian;
        }

        if (results["landscapes"] is JsonArray planes && planes.Count > 0)
        {
            var group = new H5Group();
            for (int k = 0; k < planes.Count; k++)
            {
                var l = planes[k]!;
                var plane = new H5Group
                {
                    ["alphas"] = ResultsFile.Doubles(l["alphas"]),
                    ["betas"] = ResultsFile.Doubles(l["betas"]),
                    ["loss"] = new H5Dataset(Matrix(l["loss"])),
                    ["accuracy"] = new H5Dataset(Matrix(l["accuracy"])),
                };
                foreach (var key in new[] { "axes", "norm", "order", "mode", "label", "seed", "steps", "distance", "ignore_biasbn" })
                    Attr(plane.Attributes, key, l[key]);
                string? directions = l["directions_file"]?.GetValue<string>();
                if (directions is not null && File.Exists(Path.Combine(folder, directions)))
                {
                    var tensors = TensorFile.Read(Path.Combine(folder, directions));
                    try
                    {
                        var names = tensors.Keys.Where(n => n.StartsWith("d1.", StringComparison.Ordinal)).Select(n => n[3..]).ToArray();
                        plane["parameter_names"] = names;
                        foreach (var d in new[] { "d1", "d2" })
                            if (names.All(n => tensors.ContainsKey($"{d}.{n}")))
                                plane[d] = names.SelectMany(n => tensors[$"{d}.{n}"].to(TorchSharp.torch.ScalarType.Float64).reshape(-1).data<double>().ToArray()).ToArray();
                    }
                    finally { foreach (var t in tensors.Values) t.Dispose(); }
                }
                group[$"plane_{k}"] = plane;
            }
            file["landscapes"] = group;
        }
        RunFolder.WriteAtomically(Path.Combine(folder, Hdf5File), tmp => file.Write(tmp));
    }

    /// <summary>landscape-K.vtk for each plane: a legacy ASCII STRUCTURED_GRID with points (α, β, loss) and the loss as point data.</summary>
    public static IReadOnlyList<string> WriteVtk(string folder, JsonObject results)
    {
        var files = new List<string>();
        if (results["landscapes"] is not JsonArray planes) return files;
        for (int k = 0; k < planes.Count; k++)
        {
            var l = planes[k]!;
            var alphas = ResultsFile.Doubles(l["alphas"]);
            var betas = ResultsFile.Doubles(l["betas"]);
            var loss = Matrix(l["loss"]);
            var text = new StringBuilder();
            text.Append("# vtk DataFile Version 3.0\n");
            text.Append($"Lla.NET landscape {k}: {l["label"]?.GetValue<string>()}\nASCII\nDATASET STRUCTURED_GRID\n");
            text.Append($"DIMENSIONS {alphas.Length} {betas.Length} 1\nPOINTS {alphas.Length * betas.Length} double\n");
            for (int j = 0; j < betas.Length; j++)
                for (int i = 0; i < alphas.Length; i++)
                    text.Append(FormattableString.Invariant($"{alphas[i]:R} {betas[j]:R} {Finite(loss[j, i]):R}\n"));
            text.Append($"POINT_DATA {alphas.Length * betas.Length}\nSCALARS loss double 1\nLOOKUP_TABLE default\n");
            for (int j = 0; j < betas.Length; j++)
                for (int i = 0; i < alphas.Length; i++)
                    text.Append(Finite(loss[j, i]).ToString("R", CultureInfo.InvariantCulture)).Append('\n');
            string name = $"landscape-{k}.vtk";
            RunFolder.WriteAtomically(Path.Combine(folder, name), tmp => File.WriteAllText(tmp, text.ToString()));
            files.Add(name);
        }
        return files;
    }

    private static double Finite(double v) => double.IsFinite(v) ? v : 0;

    private static void Attr(IDictionary<string, object> attributes, string key, JsonNode? value)
    {
        if (value is not JsonValue v) return;
        if (v.TryGetValue(out long l)) attributes[key] = l;
        else if (v.TryGetValue(out int i)) attributes[key] = (long)i;
        else if (v.TryGetValue(out double d)) attributes[key] = d;
        else if (v.TryGetValue(out bool b)) attributes[key] = b ? 1L : 0L;
        else if (v.TryGetValue(out string? s) && s is not null) attributes[key] = s;
    }

    private static double[,] Matrix(JsonNode? node)
    {
        var rows = ResultsFile.Rows(node);
        var m = new double[rows.Length, rows.Length == 0 ? 0 : rows[0].Length];
        for (int j = 0; j < rows.Length; j++) for (int i = 0; i < rows[j].Length; i++) m[j, i] = rows[j][i];
        return m;
    }
}
