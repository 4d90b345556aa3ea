namespace Lla.Measures;

/// <summary>What each measure means, in one line (stored with the results, so pages and tables only show it).</summary>
public static class MeasureMeanings
{
    private static readonly Dictionary<string, string> Lines = new()
    {
        ["lambda_max"] = "the sharpest curvature of the loss (top Hessian eigenvalue)",
        ["trace"] = "the total curvature (sum of the Hessian's eigenvalues)",
        ["re"] = "|λmin/λmax|: how large the most negative curvature is next to the most positive (papers' criterion)",
        ["kh"] = "weighted mass of negative against positive eigenvalues (papers' criterion)",
        ["ct"] = "λmin/λmax: decides whether the spectrum is mainly positive (MP) and the criteria apply",
        ["hessian_frobenius"] = "the Hessian's size over all directions, ‖H‖_F",
        ["re_predicted"] = "re with the model's own predictions as labels: needs no labels",
        ["kh_predicted"] = "Kh with the model's own predictions as labels: needs no labels",
        ["batch_accuracy"] = "accuracy on exactly the Hessian's samples: the cost-matched baseline any criterion must beat",
        ["batch_loss"] = "loss on exactly the Hessian's samples",
        ["margin"] = "10th percentile of the logit margin f(x)_y − max_j≠y f(x)_j",
        ["log_spec_prod"] = "log product of the layers' squared spectral norms (BatchNorm folded)",
        ["log_frob_prod"] = "log product of the layers' squared Frobenius norms (BatchNorm folded)",
        ["log_spec_over_margin"] = "spectral norm product over the squared margin (log)",
        ["log_frob_over_margin"] = "Frobenius norm product over the squared margin (log)",
        ["param_norm"] = "squared length of the weight vector",
        ["dist_init"] = "distance travelled from the initial weights",
        ["path_norm"] = "sum over input-output paths of the squared weights (BatchNorm folded)",
        ["pacbayes_sigma"] = "largest Gaussian weight noise that costs at most 0.1 accuracy",
        ["pacbayes_flatness"] = "1/σ² of that noise: sharper minima give larger values",
        ["pacbayes_mag_sigma"] = "the same with noise scaled to each weight's magnitude",
        ["pacbayes_mag_flatness"] = "1/σ'² of the magnitude-aware noise",
        ["pacbayes_bound"] = "a PAC-Bayes bound from σ and the distance from initialization",
        ["pacbayes_mag_bound"] = "the same bound with the magnitude-aware σ'",
        ["fisher_rao"] = "Fisher-Rao norm: how strongly the loss reacts to scaling the weights",
        ["sharpness_sam"] = "loss increase after one SAM step of radius 0.05",
        ["sharpness_adaptive_linf"] = "worst loss increase in a small ℓ∞ ball scaled by each weight (APGD)",
        ["sharpness_adaptive_l2"] = "worst loss increase in a small ℓ2 ball scaled by each weight (APGD)",
        ["sharpness_average"] = "average loss increase in random directions on that ℓ2 sphere",
        ["ww_alpha"] = "mean power-law exponent of the layers' weight spectra (WeightWatcher)",
        ["ww_alpha_weighted"] = "mean α·log10 λmax of the layers' weight spectra",
        ["ww_log_spectral_norm"] = "mean log10 of the layers' largest squared singular value",
        ["ww_stable_rank"] = "mean stable rank Σλ/λmax of the layers",
        ["confidence_mean"] = "mean top softmax probability on the data (label-free)",
        ["entropy_mean"] = "mean predictive entropy on the data (label-free)",
        ["atc_accuracy"] = "accuracy predicted by average thresholded confidence, calibrated on validation data",
        ["doc_accuracy"] = "accuracy predicted by the difference of confidences to validation data",
    };

    public static string Of(string name) => Lines.TryGetValue(name, out var line) ? line : "";

    /// <summary>The declared direction of a measure of <paramref name="family"/>.</summary>
    public static int Direction(MeasureFamily family, string name) => Family(family).Single(m => m.Name == name).Direction;

    /// <summary>The measures of a family with their directions (+1: larger predicts a larger gap), in the order families list them.</summary>
    public static IReadOnlyList<(string Name, int Direction)> Family(MeasureFamily family) => family switch
    {
        MeasureFamily.Curvature => new[] { ("lambda_max", 1), ("trace", 1), ("re", 1), ("kh", 1), ("ct", -1), ("hessian_frobenius", 1), ("re_predicted", 1), ("kh_predicted", 1) },
        MeasureFamily.Baseline => new[] { ("batch_accuracy", -1), ("batch_loss", 1) },
        MeasureFamily.Margin => new[] { ("margin", -1) },
        MeasureFamily.Norms => new[] { ("log_spec_prod", 1), ("log_frob_prod", 1), ("log_spec_over_margin", 1), ("log_frob_over_margin", 1), ("param_norm", 1), ("dist_init", 1), ("path_norm", 1) },
        MeasureFamily.Flatness => new[] { ("pacbayes_sigma", -1), ("pacbayes_flatness", 1), ("pacbayes_bound", 1), ("pacbayes_mag_sigma", -1), ("pacbayes_mag_flatness", 1), ("pacbayes_mag_bound", 1), ("fisher_rao", 1) },
        MeasureFamily.Sharpness => new[] { ("sharpness_sam", 1), ("sharpness_adaptive_linf", 1), ("sharpness_adaptive_l2", 1), ("sharpness_average", 1) },
        MeasureFamily.Spectra => new[] { ("ww_alpha", 1), ("ww_alpha_weighted", 1), ("ww_log_spectral_norm", 1), ("ww_stable_rank", 1) },
        MeasureFamily.Confidence => new[] { ("confidence_mean", -1), ("entropy_mean", 1), ("atc_accuracy", -1), ("doc_accuracy", -1) },
    };
}
