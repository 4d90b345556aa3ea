using Lla.Runs;

namespace Lla.Measures;

/// <summary>A measure's entry of results.json, from its value and the data it was computed on.</summary>
public static class MeasureRecords
{
    public static MeasureRecord From(MeasureValue m, DataRecord data, string bnMode, bool predictedLabels)
    {
        // Forward-only families ran in eval mode; data-free ones read no data.
        bool analysisMode = m.Family.Mode switch { MeasureMode.Analysis => true, MeasureMode.Eval => false };
        var used = m.DataFree
            ? new MeasureDataRecord(null, null, 0, "none", "none")
            : new MeasureDataRecord(data.Spec, data.Split, data.Samples, analysisMode ? bnMode : "eval",
                !m.NeedsLabels ? "none" : predictedLabels ? "predicted" : "true");
        return new MeasureRecord(m.Name, m.Family.Name, m.Value, m.Reason, m.Spread, m.Direction, m.Seconds,
            m.ForwardPasses, m.BackwardPasses, used, m.NeedsLabels, m.NeedsInit, m.DataFree,
            m.Layers?.Select(l => new LayerFitRecord(l.Layer, l.Alpha, l.XMin, l.KsDistance, l.TailCount, l.EigenvalueCount, l.LambdaMax, l.StableRank)).ToArray(),
            m.SkippedLayers?.Select(l => new SkippedLayerRecord(l.Layer, l.Reason)).ToArray(), MeasureFamilies.Meaning(m.Name));
    }
}
