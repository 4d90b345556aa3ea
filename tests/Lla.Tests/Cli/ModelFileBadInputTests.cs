using Lla.Tests.Support;

namespace Lla.Tests.Cli;

/// <summary>A model file's graph is only known when it runs: data it cannot take is one line and exit 2 before any work, not libtorch's trace.</summary>
[Collection("console")]
public class ModelFileBadInputTests
{
    [Fact]
    public void A_TorchScript_model_given_data_of_the_wrong_shape_is_refused_in_one_line()
    {
        string dir = Paths.NewTempFolder();
        // bn_cnn.pt takes 3-channel images; the embedded Fashion-MNIST has one channel.
        var run = InProcessLla.Run(dir, "hessian", "--model", "torchscript:" + Path.Combine(Paths.Fixture(""), "bn_cnn.pt"),
            "--data", "idx:" + Paths.EmbeddedData, "--batch-size", "8", "--out", "h");
        Assert.Equal(2, run.ExitCode);
        Assert.Single(run.Stderr.Trim().Split('\n'));
        Assert.Contains("cannot run on --data", run.Stderr);
        Assert.Contains("expected input[2, 1, 28, 28] to have 3 channels", run.Stderr);
        Assert.False(Directory.Exists(Path.Combine(dir, "h")));
    }
}
