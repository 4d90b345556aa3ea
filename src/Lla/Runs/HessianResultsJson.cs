using System.Text.Json.Nodes;
using Lla.Curvature;
using static Lla.Runs.JsonValues;

namespace Lla.Runs;

/// <summary>The "hessian" section of results.json (documented in docs/results.md).</summary>
public static class HessianResultsJson
{
    public static JsonObject Build(HessianAnalysisResult result, long parameterCount)
    {
        var hessian = new JsonObject
        {
            ["parameter_count"] = parameterCount,
            ["hvp_count"] = result.HvpCount,
        };
        if (result.Eigen is { } eigen)
        {
            hessian["top_eigenvalues"] = Numbers(eigen.Values);
            hessian["eigen_residuals"] = Numbers(eigen.Residuals);
            hessian["eigen_converged"] = new JsonArray(eigen.Pairs.Select(p => (JsonNode)JsonValue.Create(p.Converged)).ToArray());
            hessian["eigen_method"] = eigen.Method;
            hessian["eigen_steps"] = eigen.Steps;
            hessian["eigen_hvps"] = eigen.OperatorApplications;
        }
        if (result.Trace is { } trace)
        {
            hessian["trace"] = Number(trace.Trace);
            hessian["trace_stderr"] = Number(trace.StandardError);
            hessian["trace_probes"] = trace.Probes;
            hessian["trace_method"] = trace.Method;
            hessian["trace_hvps"] = trace.OperatorApplications;
        }
        if (result.Esd is { } esd)
        {
            hessian["esd"] = new JsonObject
            {
                ["runs"] = new JsonArray(esd.Runs.Select(r => (JsonNode)new JsonObject
                {
                    ["nodes"] = Numbers(r.Nodes),
                    ["weights"] = Numbers(r.Weights),
                    ["steps"] = r.Steps,
                }).ToArray()),
                ["trace_estimate"] = Number(esd.TraceEstimate),
                ["hvps"] = esd.OperatorApplications,
            };
        }
        if (result.Criteria is { } c)
        {
            hessian["criteria"] = new JsonObject
            {
                ["re"] = Number(c.Re), ["re_std"] = Number(c.ReStd),
                ["kh"] = Number(c.Kh), ["kh_std"] = Number(c.KhStd),
                ["ct"] = Number(c.Ct), ["ct_std"] = Number(c.CtStd),
                ["kh_power"] = c.KhPower,
                ["ct_threshold"] = c.CtThreshold,
                ["hesd_type"] = c.HesdType,
                ["notes"] = new JsonArray(c.Notes.Select(n => (JsonNode)JsonValue.Create(n)).ToArray()),
                ["runs"] = new JsonArray(c.Runs.Select(r => (JsonNode)new JsonObject
                {
                    ["lambda_min"] = Number(r.LambdaMin), ["lambda_max"] = Number(r.LambdaMax),
                    ["re"] = Number(r.Re), ["kh"] = Number(r.Kh), ["ct"] = Number(r.Ct),
                    ["note"] = r.Note,
                }).ToArray()),
            };
        }
        return hessian;
    }

    public static JsonObject Guard(OneDnnDecision decision)
    {
        static JsonNode? Report(GuardReport? r) => r is null ? null : new JsonObject
        {
            ["passed"] = r.Passed, ["repeats"] = r.Repeats, ["max_relative_error"] = Number(r.MaxRelativeError),
            ["worst_parameter"] = r.WorstParameter, ["onednn"] = r.OneDnn, ["tolerance"] = r.Tolerance,
        };
        return new JsonObject
        {
            ["setting"] = decision.Setting.ToString().ToLowerInvariant(),
            ["onednn_for_backward"] = decision.OneDnnForBackward,
            ["reason"] = decision.Reason,
            ["guard"] = Report(decision.Guard),
            ["fallback_guard"] = Report(decision.FallbackGuard),
            ["post_check"] = Report(decision.PostCheck),
        };
    }
}
