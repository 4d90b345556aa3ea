using Lla.Landscapes;
using Lla.Runs;
using SkiaSharp;

namespace Lla.Reports;

/// <summary>
/// A 3-D surface PNG of a plane (ScottPlot has no 3-D plots): the grid drawn as shaded quads in a
/// fixed oblique view (back to front), a box with α, β and loss axes and their ticks, and a colour bar.
/// </summary>
public static class SurfacePlot3D
{
    private static readonly SKColor[] Viridis =
    {
        new(68, 1, 84), new(71, 44, 122), new(59, 81, 139), new(44, 113, 142), new(33, 144, 141),
        new(39, 173, 129), new(92, 200, 99), new(170, 220, 50), new(253, 231, 37),
    };

    public static void Save(string path, Surface s, string title, string xLabel = "α", string yLabel = "β", int width = 820, int height = 660)
    {
        int rows = s.Betas.Length, cols = s.Alphas.Length;
        var finite = s.Loss.SelectMany(r => r).Where(double.IsFinite).ToArray();
        double zmin = finite.Length > 0 ? finite.Min() : 0, zmax = finite.Length > 0 ? finite.Max() : 1, zr = zmax > zmin ? zmax - zmin : 1;
        const double yaw = -0.75, pitch = 0.95;
        float cx = width * 0.45f, cy = height * 0.56f, scale = width * 0.55f;
        SKPoint Project(double u, double v, double h, out double depth)
        {
            double xr = u * Math.Cos(yaw) - v * Math.Sin(yaw), yr = u * Math.Sin(yaw) + v * Math.Cos(yaw);
            double sy = yr * Math.Cos(pitch) - h * Math.Sin(pitch);
            depth = yr * Math.Sin(pitch) + h * Math.Cos(pitch);
            return new SKPoint(cx + (float)(xr * scale), cy + (float)(sy * scale * 0.8));
        }
        SKPoint P(double u, double v, double h) => Project(u, v, h, out _);
        double U(int i) => (double)i / (cols - 1) - 0.5;
        double V(int j) => (double)j / (rows - 1) - 0.5;
        double Hgt(double z) => double.IsFinite(z) ? 0.6 * ((z - zmin) / zr - 0.5) : -0.3;

        using var surface = SKSurface.Create(new SKImageInfo(width, height));
        var canvas = surface.Canvas;
        canvas.Clear(SKColors.White);
        using var font = new SKFont(SKTypeface.Default, 13);
        using var small = new SKFont(SKTypeface.Default, 11);
        using var ink = new SKPaint { Color = new SKColor(40, 40, 50), IsAntialias = true, StrokeWidth = 1 };
        using var grid = new SKPaint { Color = new SKColor(150, 150, 160), IsAntialias = true, StrokeWidth = 1, Style = SKPaintStyle.Stroke };

        // Floor box and the loss axis at the back corner, under the surface.
        var corners = new[] { P(-0.5, -0.5, -0.3), P(0.5, -0.5, -0.3), P(0.5, 0.5, -0.3), P(-0.5, 0.5, -0.3) };
        for (int k = 0; k < 4; k++) canvas.DrawLine(corners[k], corners[(k + 1) % 4], grid);
        canvas.DrawLine(P(0.5, -0.5, -0.3), P(0.5, -0.5, 0.3), grid);

        // The surface, back to front.
        var quads = new List<(SKPoint[] Points, double Depth, double Z)>();
        for (int j = 0; j + 1 < rows; j++)
            for (int i = 0; i + 1 < cols; i++)
            {
                var zs = new[] { s.Loss[j][i], s.Loss[j][i + 1], s.Loss[j + 1][i + 1], s.Loss[j + 1][i] };
                var pts = new[] { Project(U(i), V(j), Hgt(zs[0]), out double d0), Project(U(i + 1), V(j), Hgt(zs[1]), out double d1),
                    Project(U(i + 1), V(j + 1), Hgt(zs[2]), out double d2), Project(U(i), V(j + 1), Hgt(zs[3]), out double d3) };
                quads.Add((pts, (d0 + d1 + d2 + d3) / 4, zs.Where(double.IsFinite).DefaultIfEmpty(double.NaN).Average()));
            }
        using var fill = new SKPaint { IsAntialias = true, Style = SKPaintStyle.Fill };
        using var edge = new SKPaint { IsAntialias = true, Style = SKPaintStyle.Stroke, Color = new SKColor(0, 0, 0, 40), StrokeWidth = 0.6f };
        foreach (var q in quads.OrderByDescending(q => q.Depth))
        {
            using var quad = new SKPath();
            quad.AddPoly(q.Points, close: true);
            fill.Color = Colour(double.IsFinite(q.Z) ? (q.Z - zmin) / zr : double.NaN);
            canvas.DrawPath(quad, fill);
            canvas.DrawPath(quad, edge);
        }

        // Ticks and labels on the front edges (α along β = max, β along α = min) and the back vertical axis.
        for (int t = 0; t <= 4; t++)
        {
            double f = t / 4.0;
            int i = (int)Math.Round(f * (cols - 1)), j = (int)Math.Round(f * (rows - 1));
            canvas.DrawText(s.Alphas[i].ToString("G3"), P(U(i), 0.5 + 0.07, -0.3), SKTextAlign.Center, small, ink);
            canvas.DrawText(s.Betas[j].ToString("G3"), P(-0.5 - 0.07, V(j), -0.3), SKTextAlign.Center, small, ink);
            double z = zmin + f * zr;
            canvas.DrawText(z.ToString("G3"), P(0.5 + 0.04, -0.5, Hgt(z)), SKTextAlign.Left, small, ink);
        }
        canvas.DrawText(xLabel, P(0, 0.5 + 0.17, -0.3), SKTextAlign.Center, font, ink);
        canvas.DrawText(yLabel, P(-0.5 - 0.17, 0, -0.3), SKTextAlign.Center, font, ink);
        canvas.DrawText("loss", P(0.5 + 0.04, -0.5, 0.37), SKTextAlign.Left, font, ink);

        // Colour bar and title.
        float bx = width - 70, by0 = 80, by1 = height - 120;
        for (int k = 0; k < 100; k++)
        {
            fill.Color = Colour(1 - k / 99.0);
            canvas.DrawRect(bx, by0 + k * (by1 - by0) / 100, 18, (by1 - by0) / 100 + 1, fill);
        }
        canvas.DrawText(zmax.ToString("G4"), bx + 24, by0 + 10, SKTextAlign.Left, small, ink);
        canvas.DrawText(zmin.ToString("G4"), bx + 24, by1, SKTextAlign.Left, small, ink);
        canvas.DrawText("loss", bx + 9, by0 - 10, SKTextAlign.Center, font, ink);
        using var bold = new SKFont(SKTypeface.FromFamilyName(null, SKFontStyle.Bold), 16);
        canvas.DrawText(title, width / 2f, 30, SKTextAlign.Center, bold, ink);

        using var image = surface.Snapshot();
        using var data = image.Encode(SKEncodedImageFormat.Png, 100);
        RunFolder.WriteAtomically(path, tmp => File.WriteAllBytes(tmp, data.ToArray()));
    }

    private static SKColor Colour(double t)
    {
        if (!double.IsFinite(t)) return new SKColor(200, 200, 200);
        t = Math.Clamp(t, 0, 1) * (Viridis.Length - 1);
        int i = Math.Min(Viridis.Length - 2, (int)t);
        double f = t - i;
        var a = Viridis[i]; var b = Viridis[i + 1];
        return new SKColor((byte)(a.Red + f * (b.Red - a.Red)), (byte)(a.Green + f * (b.Green - a.Green)), (byte)(a.Blue + f * (b.Blue - a.Blue)));
    }
}
