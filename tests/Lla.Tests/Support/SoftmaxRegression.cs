using Lla.Data;
using Lla.Objectives;
using static TorchSharp.torch.nn;

namespace Lla.Tests.Support;

/// <summary>
/// Softmax regression (one Linear layer, cross-entropy) with its Hessian in closed form:
/// for a sample with features x̃ = [x; 1] and probabilities p, the Hessian of the loss w.r.t.
/// (W row-major, then b) is (diag(p) − ppᵀ) ⊗ x̃x̃ᵀ, reordered so W's entries come before b's.
/// The loss is the mean over samples, so is the Hessian.
/// </summary>
public sealed class SoftmaxRegression
{
    public Module<Tensor, Tensor> Model { get; }
    public Batch Batch { get; }
    public int Features { get; }
    public int Classes { get; }

    public SoftmaxRegression(int samples = 20, int features = 4, int classes = 3, long seed = 7)
    {
        Features = features;
        Classes = classes;
        var g = new Generator((ulong)seed);
        torch.manual_seed(seed);
        Model = Sequential(("fc", Linear(features, classes)));
        Model.to(ScalarType.Float64);
        Batch = new Batch(randn(samples, features, dtype: ScalarType.Float64, generator: g),
            randint(0, classes, new long[] { samples }, generator: g));
    }

    public Objective Objective() => new(Model, LossFunctions.CrossEntropy, new[] { Batch });

    public Tensor ExactHessian()
    {
        using var scope = NewDisposeScope();
        int d = Features, c = Classes, n = (int)Batch.Count;
        int dim = c * d + c;
        var h = zeros(dim, dim, dtype: ScalarType.Float64);
        Tensor probs;
        using (no_grad()) probs = nn.functional.softmax(Model.forward(Batch.Inputs), 1);
        for (int s = 0; s < n; s++)
        {
            var p = probs[s];
            var a = diag(p) - outer(p, p);
            var xt = cat(new[] { Batch.Inputs[s], ones(1, dtype: ScalarType.Float64) });
            var block = kron(a, outer(xt, xt)); // index (i*(d+1)+j, k*(d+1)+l)
            // Map the (class, feature-or-bias) index to the parameter order: W[i,j] -> i*d + j, b[i] -> c*d + i.
            var order = new long[dim];
            for (int i = 0; i < c; i++)
            {
                for (int j = 0; j < d; j++) order[i * d + j] = i * (d + 1) + j;
                order[c * d + i] = i * (d + 1) + d;
            }
            var idx = tensor(order);
            h.add_(block.index_select(0, idx).index_select(1, idx));
        }
        return h.div_(n).MoveToOuterDisposeScope();
    }
}
