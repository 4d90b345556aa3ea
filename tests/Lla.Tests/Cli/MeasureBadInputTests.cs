using Lla.Tests.Models;
using Lla.Tests.Support;

namespace Lla.Tests.Cli;

/// <summary>`lla measure`'s own user mistakes (issue 14): one line, exit 2, nothing written.</summary>
[Collection("console")]
public class MeasureBadInputTests
{
    [Fact]
    public void Weight_spectra_alone_on_a_model_without_readable_weight_matrices_is_refused()
    {
        string dir = Paths.NewTempFolder();
        using var batch = TorchScriptTests.Inputs();
        TorchScriptTests.WriteNpy(Path.Combine(dir, "x.npy"), batch.Inputs);
        TorchScriptTests.WriteNpy(Path.Combine(dir, "y.npy"), batch.Targets);
        var run = InProcessLla.Run(dir, "measure", "--model", "torchscript:" + Paths.Fixture("bn_cnn.pt"), "--data", "npy:x.npy,y.npy",
            "--only", "spectra", "--out", "m");
        Assert.Equal(2, run.ExitCode);
        Assert.Single(run.Stderr.Trim().Split('\n'));
        Assert.Contains("weight-spectra measures are data-free", run.Stderr);
        Assert.False(Directory.Exists(Path.Combine(dir, "m")));
    }

    [Fact]
    public void Predicted_labels_with_a_regression_loss_are_refused()
    {
        string dir = Paths.NewTempFolder();
        var run = InProcessLla.Run(dir, "measure", "--loss", "mse", "--labels", "predicted", "--out", "m");
        Assert.Equal(2, run.ExitCode);
        Assert.Single(run.Stderr.Trim().Split('\n'));
        Assert.Contains("--labels predicted needs a classification loss (cross-entropy or nll), not mse", run.Stderr);
        Assert.False(Directory.Exists(Path.Combine(dir, "m")));
    }
}
