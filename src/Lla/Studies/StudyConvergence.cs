using System.Globalization;
using Lla.Runs;

namespace Lla.Studies;

/// <summary>One trained model that did not reach its stopping rule: the eval-mode training accuracy it ended at, after its epoch cap.</summary>
public sealed record NotConverged(string Model, double FitAccuracy, int Epochs);

/// <summary>
/// How many of a study's models with a stopping rule (<c>stop_accuracy</c>) reached it before their epoch cap: study.json's
/// <c>meta.convergence</c> and a line of the findings. A model that hit the cap is kept in the study (PGDL dropped such
/// models; we report them instead, so a reader sees which).
/// </summary>
public sealed record StudyConvergence(int WithRule, int Converged, IReadOnlyList<NotConverged> NotConverged)
{
    /// <summary>The models of <paramref name="config"/> with a stopping rule, read from their training records; null when none has one.</summary>
    public static StudyConvergence? Of(StudyConfig config, IReadOnlyDictionary<string, TrainResults> training)
    {
        var ruled = config.Models.Where(m => m.StopAccuracy > 0 && m.Weights is null && training.ContainsKey(m.Name)).ToList();
        if (ruled.Count == 0) return null;
        var missed = new List<NotConverged>();
        foreach (var m in ruled)
        {
            var last = training[m.Name].Epochs.LastOrDefault();
            double fit = last?.FitAccuracy ?? double.NaN;
            if (!(fit >= m.StopAccuracy)) missed.Add(new NotConverged(m.Name, fit, last?.Epoch ?? 0));
        }
        return new StudyConvergence(ruled.Count, ruled.Count - missed.Count, missed);
    }

    /// <summary>The findings' line.</summary>
    public string Line(StudyConfig config)
    {
        var shares = config.Models.Where(m => m.StopAccuracy > 0).Select(m => m.StopAccuracy).Distinct().ToList();
        string rule = shares.Count == 1 ? shares[0].ToString("P1", CultureInfo.InvariantCulture) : "its stop_accuracy";
        string head = $"Stopping rule: {Converged} of {WithRule} trained models reached {rule} eval-mode training accuracy before their epoch cap";
        return NotConverged.Count == 0 ? head + "."
            : head + "; kept, not converged: " + string.Join(", ", NotConverged.Select(n => FormattableString.Invariant($"{n.Model} ({n.FitAccuracy:P2} after {n.Epochs} epochs)"))) + ".";
    }
}
