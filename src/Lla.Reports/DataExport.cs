using System.Globalization;
using System.Text;
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
    public static void WriteHdf5(string folder, RunResults results)
    {
        var file = new H5File();
        Attr(file.Attributes, "command", results.Command);
        Attr(file.Attributes, "seed", results.Seed);
        Attr(file.Attributes, "model", results.Model?.Name);
        Attr(file.Attributes, "parameters", results.Model?.Parameters);
        Attr(file.Attributes, "data", results.Data?.Spec);
        Attr(file.Attributes, "bn_mode", results.BnMode);
        Attr(file.Attributes, "loss", results.Loss);
        Attr(file.Attributes, "accuracy", results.Accuracy);
        Attr(file.Attributes, "lla_version", results.Versions.GetValueOrDefault("lla"));

        if (results.Hessian is { } h)
        {
            var hessian = new H5Group();
            if (h.TopEigenvalues is { } values) hessian["top_eigenvalues"] = values.ToArray();
            if (h.EigenResiduals is { } residuals) hessian["eigen_residuals"] = residuals.ToArray();
            Attr(hessian.Attributes, "trace", h.Trace);
            Attr(hessian.Attributes, "trace_stderr", h.TraceStderr);
            Attr(hessian.Attributes, "hvp_count", h.HvpCount);
            if (h.Criteria is { } c)
            {
                var criteria = new H5Group();
                Attr(criteria.Attributes, "re", c.Re);
                Attr(criteria.Attributes, "re_std", c.ReStd);
                Attr(criteria.Attributes, "kh", c.Kh);
                Attr(criteria.Attributes, "kh_std", c.KhStd);
                Attr(criteria.Attributes, "ct", c.Ct);
                Attr(criteria.Attributes, "ct_std", c.CtStd);
                Attr(criteria.Attributes, "kh_power", c.KhPower);
                Attr(criteria.Attributes, "ct_threshold", c.CtThreshold);
                Attr(criteria.Attributes, "hesd_type", c.HesdType);
                hessian["criteria"] = criteria;
            }
            if (h.Esd is { } e)
            {
                var esd = new H5Group();
                for (int r = 0; r < e.Runs.Count; r++)
                    esd[$"run_{r}"] = new H5Group { ["nodes"] = e.Runs[r].Nodes.ToArray(), ["weights"] = e.Runs[r].Weights.ToArray() };
                hessian["esd"] = esd;
            }
            file["hessian"] = hessian;
        }

        if (results.Landscapes.Count > 0)
        {
            var group = new H5Group();
            for (int k = 0; k < results.Landscapes.Count; k++)
            {
                var l = results.Landscapes[k];
                var plane = new H5Group
                {
                    ["alphas"] = l.Alphas.ToArray(),
                    ["betas"] = l.Betas.ToArray(),
                    ["loss"] = new H5Dataset(Matrix(l.Loss)),
                    ["accuracy"] = new H5Dataset(Matrix(l.Accuracy)),
                };
                Attr(plane.Attributes, "axes", l.Axes);
                Attr(plane.Attributes, "norm", l.Norm);
                Attr(plane.Attributes, "order", l.Order);
                Attr(plane.Attributes, "mode", l.Mode);
                Attr(plane.Attributes, "label", l.Label);
                Attr(plane.Attributes, "seed", l.Seed);
                Attr(plane.Attributes, "steps", l.Steps);
                Attr(plane.Attributes, "distance", l.Distance);
                Attr(plane.Attributes, "ignore_biasbn", l.IgnoreBiasbn);
                if (l.DirectionsFile is string directions && File.Exists(Path.Combine(folder, directions)))
                {
                    var tensors = TensorFile.Read(Path.Combine(folder, directions));
                    try
                    {
                        var names = tensors.Keys.Where(n => n.StartsWith("d1.", StringComparison.Ordinal)).Select(n => n[3..]).ToArray();
                        plane["parameter_names"] = names;
                        foreach (var d in new[] { "d1", "d2" })
                            if (names.All(n => tensors.ContainsKey($"{d}.{n}")))
                            {
                                // Each converted copy is owned by a scope while its values are read (an unowned temporary can be freed mid-call).
                                using var scope = TorchSharp.torch.NewDisposeScope();
                                plane[d] = names.SelectMany(n => tensors[$"{d}.{n}"].to(TorchSharp.torch.ScalarType.Float64).reshape(-1).data<double>().ToArray()).ToArray();
                            }
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
    public static IReadOnlyList<string> WriteVtk(string folder, RunResults results)
    {
        var files = new List<string>();
        for (int k = 0; k < results.Landscapes.Count; k++)
        {
            var l = results.Landscapes[k];
            var alphas = l.Alphas;
            var betas = l.Betas;
            var loss = Matrix(l.Loss);
            var text = new StringBuilder();
            text.Append("# vtk DataFile Version 3.0\n");
            text.Append($"Lla.NET landscape {k}: {l.Label}\nASCII\nDATASET STRUCTURED_GRID\n");
            text.Append($"DIMENSIONS {alphas.Count} {betas.Count} 1\nPOINTS {alphas.Count * betas.Count} double\n");
            for (int j = 0; j < betas.Count; j++)
                for (int i = 0; i < alphas.Count; i++)
                    text.Append(FormattableString.Invariant($"{alphas[i]:R} {betas[j]:R} {Finite(loss[j, i]):R}\n"));
            text.Append($"POINT_DATA {alphas.Count * betas.Count}\nSCALARS loss double 1\nLOOKUP_TABLE default\n");
            for (int j = 0; j < betas.Count; j++)
                for (int i = 0; i < alphas.Count; i++)
                    text.Append(Finite(loss[j, i]).ToString("R", CultureInfo.InvariantCulture)).Append('\n');
            string name = $"landscape-{k}.vtk";
            RunFolder.WriteAtomically(Path.Combine(folder, name), tmp => File.WriteAllText(tmp, text.ToString()));
            files.Add(name);
        }
        return files;
    }

    private static double Finite(double v) => double.IsFinite(v) ? v : 0;

    private static void Attr(IDictionary<string, object> attributes, string key, object? value)
    {
        switch (value)
        {
            case null: return;
            case double d: if (double.IsFinite(d)) attributes[key] = d; return;
            case int i: attributes[key] = (long)i; return;
            case long l: attributes[key] = l; return;
            case bool b: attributes[key] = b ? 1L : 0L; return;
            case string s: attributes[key] = s; return;
        }
    }

    private static double[,] Matrix(IReadOnlyList<IReadOnlyList<double>> rows)
    {
        var m = new double[rows.Count, rows.Count == 0 ? 0 : rows[0].Count];
        for (int j = 0; j < rows.Count; j++) for (int i = 0; i < rows[j].Count; i++) m[j, i] = rows[j][i];
        return m;
    }
}
