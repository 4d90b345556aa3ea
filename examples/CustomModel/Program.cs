// Analysing your own TorchSharp model with your own loss and data, in a few lines of Lla.
using Lla.Data;
using Lla.Curvature;
using Lla.Landscapes;
using Lla.Objectives;
using Lla.Vectors;
using TorchSharp;
using static TorchSharp.torch;
using static TorchSharp.torch.nn;

torch.manual_seed(1);

// Your model and data: a small tanh network fitting y = sin(3x) on 256 points, trained briefly.
var model = Sequential(("hidden", Linear(1, 32)), ("act", Tanh()), ("out", Linear(32, 1)));
var x = linspace(-1, 1, 256).unsqueeze(1);
var batches = new[] { new Batch(x, sin(3 * x)) };
var optimizer = optim.Adam(model.parameters(), lr: 0.01);
for (int step = 0; step < 500; step++)
{
    using var scope = NewDisposeScope();
    optimizer.zero_grad();
    functional.mse_loss(model.forward(x), batches[0].Targets).backward();
    optimizer.step();
}

// Your loss: any function of the model and a batch that returns a scalar, here MSE plus weight decay.
var objective = new Objective(model, (m, b) =>
    functional.mse_loss(((Module<Tensor, Tensor>)m).forward(b.Inputs), b.Targets)
    + 1e-4 * m.parameters().Select(p => p.pow(2).sum()).Aggregate((a, c) => a + c), batches);

// The Hessian of that objective and its analysis.
var parameters = ParameterSet.Of(model);
var hessian = new HessianOperator(objective, parameters);
var result = HessianAnalysis.Run(hessian, new HessianAnalysisOptions { TopK = 2, Trace = true, Esd = true, Runs = 2, LanczosSteps = 40, Seed = 7 });
Console.WriteLine($"loss {objective.Evaluate().Loss:G6}");
Console.WriteLine($"top eigenvalues {string.Join(", ", result.Eigen!.Values.Select(v => v.ToString("G6")))} (residuals {string.Join(", ", result.Eigen.Residuals.Select(r => r.ToString("E1")))})");
Console.WriteLine($"trace {result.Trace!.Trace:G6} ± {result.Trace.StandardError:G3}");
Console.WriteLine($"criteria: re {result.Criteria!.Re:G4}, Kh {result.Criteria.Kh:G4}, Ct {result.Criteria.Ct:G4}, HESD type {result.Criteria.HesdType}");

// A loss landscape along the top two Hessian eigenvectors.
var d1 = new ParameterVector(tensor(result.Eigen.Pairs[0].Vector), parameters.Layout);
var d2 = new ParameterVector(tensor(result.Eigen.Pairs[1].Vector), parameters.Layout);
var surface = SurfaceEvaluator.Evaluate(objective, parameters, d1, d2, Grid.Create(10, 1, UpdateRule.Add, twoDimensional: true));
Console.WriteLine($"landscape centre {surface.Loss[5][5]:G6}, corner {surface.Loss[0][0]:G6}");
