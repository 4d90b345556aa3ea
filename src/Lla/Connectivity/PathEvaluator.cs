using Lla.Data;
using Lla.Objectives;
using static TorchSharp.torch;

namespace Lla.Connectivity;

/// <summary>
/// Measures loss and accuracy at points of any path. The path is a function from t to a model state (values
/// for every floating entry of the state dict); each point is loaded into a workspace model of the same
/// architecture, BatchNorm is handled as <see cref="PathOptions.BatchNorm"/> says, and the training and test
/// batches are evaluated without autograd. The workspace's parameters, buffers and modes are restored afterwards.
/// </summary>
public static class PathEvaluator
{
    public static PathResult Evaluate(nn.Module<Tensor, Tensor> workspace, Func<double, ModelState> pointAt, PathMethod method,
        bool aligned, PathData data, PathOptions options, Action<int, int>? progress = null)
    {
        data.Validate(workspace);
        var t = options.Grid();
        int n = t.Length;
        var trainLoss = new double[n];
        var trainAccuracy = new double[n];
        var testLoss = new double[n];
        var testAccuracy = new double[n];
        var train = new Objective(workspace, data.Loss, data.Train);
        var test = data.Test.Count > 0 ? new Objective(workspace, data.Loss, data.Test) : null;
        using var saved = ModelState.Of(workspace);
        using (new AnalysisMode(workspace, BatchNormMode.Eval))
        {
            // Every evaluation in micro-batches, checked in the mode the points are evaluated in (batch statistics refuse a split).
            if (options.BatchNorm == PathBatchNorm.Train) AnalysisMode.Set(workspace, BatchNormMode.Train);
            EvaluationMicroBatch.Apply(train, options.MicroBatch);
            if (test is not null) EvaluationMicroBatch.Apply(test, options.MicroBatch);
            try
            {
                for (int i = 0; i < n; i++)
                {
                    using (var point = pointAt(t[i])) point.LoadInto(workspace);
                    Prepare(workspace, options.BatchNorm, data.Train);
                    var onTrain = train.Evaluate();
                    (trainLoss[i], trainAccuracy[i]) = (onTrain.Loss, onTrain.Accuracy);
                    if (test is not null)
                    {
                        if (options.BatchNorm == PathBatchNorm.Train) AnalysisMode.Set(workspace, BatchNormMode.Train);
                        var onTest = test.Evaluate();
                        (testLoss[i], testAccuracy[i]) = (onTest.Loss, onTest.Accuracy);
                    }
                    else (testLoss[i], testAccuracy[i]) = (double.NaN, double.NaN);
                    progress?.Invoke(i + 1, n);
                }
            }
            finally
            {
                saved.LoadInto(workspace);
            }
        }
        return new PathResult(method, aligned, options.BatchNorm, t, trainLoss, trainAccuracy, testLoss, testAccuracy,
            PathResult.Barrier(t, trainLoss), test is null ? double.NaN : PathResult.Barrier(t, testLoss));
    }

    /// <summary>Puts the workspace, already holding a path point, into the state its evaluation needs.</summary>
    private static void Prepare(nn.Module<Tensor, Tensor> workspace, PathBatchNorm mode, IReadOnlyList<Batch> train)
    {
        switch (mode)
        {
            case PathBatchNorm.Recompute:
                RunningStatistics.Recompute(workspace, train);
                break;
            case PathBatchNorm.Train:
                AnalysisMode.Set(workspace, BatchNormMode.Train);
                break;
            case PathBatchNorm.Eval:
                AnalysisMode.Set(workspace, BatchNormMode.Eval);
                break;
        }
    }
}
