using System.Globalization;
using System.Text;
using Lla.Runs;

namespace Lla.Reports;

/// <summary>landscape-K.vtk: a landscape as a legacy ASCII VTK structured grid (points α, β, loss; point data loss) for ParaView.</summary>
public static class LandscapeVtk
{
    public static string FileName(int k) => $"landscape-{k}.vtk";

    public static void Write(string folder, int k, LandscapeRecord l)
    {
        var (alphas, betas, loss) = (l.Alphas, l.Betas, l.Loss);
        var text = new StringBuilder();
        text.Append("# vtk DataFile Version 3.0\n");
        text.Append($"Lla.NET landscape {k}: {l.Label}\nASCII\nDATASET STRUCTURED_GRID\n");
        text.Append($"DIMENSIONS {alphas.Count} {betas.Count} 1\nPOINTS {alphas.Count * betas.Count} double\n");
        for (int j = 0; j < betas.Count; j++)
            for (int i = 0; i < alphas.Count; i++)
                text.Append(FormattableString.Invariant($"{alphas[i]:R} {betas[j]:R} {Finite(loss[j][i]):R}\n"));
        text.Append($"POINT_DATA {alphas.Count * betas.Count}\nSCALARS loss double 1\nLOOKUP_TABLE default\n");
        for (int j = 0; j < betas.Count; j++)
            for (int i = 0; i < alphas.Count; i++)
                text.Append(Finite(loss[j][i]).ToString("R", CultureInfo.InvariantCulture)).Append('\n');
        RunFolder.WriteAtomically(Path.Combine(folder, FileName(k)), tmp => File.WriteAllText(tmp, text.ToString()));
    }

    private static double Finite(double v) => double.IsFinite(v) ? v : 0;
}
