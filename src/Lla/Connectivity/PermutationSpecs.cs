using Lla.Models;
using static TorchSharp.torch;

namespace Lla.Connectivity;

/// <summary>
/// Permutation specs of the zoo's architectures, read off their parameter names (see src/Lla/Models):
/// <list type="bullet">
/// <item>Mlp fc1 … fcN: one permutation per hidden layer k &lt; N, on fc_k.weight rows, fc_k.bias and fc_(k+1).weight columns.</item>
/// <item>LeNet: conv1's 6 and conv2's 16 channels (weight axis 0, bias, next layer's input axis 1), fc1's 120 and fc2's 84
/// units; conv2's channels reach fc1 through the flatten, so on fc1.weight's 400 columns each channel moves its block of
/// 5·5 spatial positions together.</item>
/// <item>ResNet20: one permutation per residual stream (the stem with stage 1, stage 2, stage 3), shared by everything
/// that writes into the stream (stem conv1/bn1, each block's conv2/bn2, the downsample conv/BN) and read by what reads it
/// (each block's conv1 and downsample input, fc); one permutation per block for the channels between its conv1 and conv2.
/// BatchNorm weight, bias, running_mean and running_var move with their channels.</item>
/// </list>
/// Other architectures get a spec written for them (<see cref="PermutationSpec"/>) and call the matcher directly.
/// </summary>
public static class PermutationSpecs
{
    public const string Known = "mlp, lenet, resnet20";

    public static PermutationSpec For(nn.Module model) => model switch
    {
        Mlp => ForMlp(ModelState.Of(model)),
        LeNet => ForLeNet(ModelState.Of(model)),
        ResNet20 => ForResNet20(),
        _ => throw new LlaException($"weight matching has no permutation spec for {model.GetType().Name} (known: {Known}); write a PermutationSpec for it"),
    };

    /// <summary>The spec of an Mlp with entries fc1 … fcN.</summary>
    public static PermutationSpec ForMlp(ModelState state)
    {
        int layers = 0;
        while (state.Contains($"fc{layers + 1}.weight")) layers++;
        if (layers == 0) throw new LlaException("an mlp state needs entries fc1.weight …");
        var groups = new List<PermutationGroup>();
        for (int k = 1; k < layers; k++)
            groups.Add(new PermutationGroup($"fc{k}", (int)state[$"fc{k}.weight"].shape[0], new PermutedAxis[]
            {
                new($"fc{k}.weight", 0), new($"fc{k}.bias", 0), new($"fc{k + 1}.weight", 1),
            }));
        return new PermutationSpec("mlp", groups);
    }

    /// <summary>The spec of the zoo's LeNet (sizes read from the state, so any class count works).</summary>
    public static PermutationSpec ForLeNet(ModelState state)
    {
        long channels = state["conv2.weight"].shape[0];
        long flattened = state["fc1.weight"].shape[1];
        if (flattened % channels != 0) throw new LlaException($"lenet: fc1 takes {flattened} inputs, not a multiple of conv2's {channels} channels");
        int positions = (int)(flattened / channels);
        return new PermutationSpec("lenet", new[]
        {
            new PermutationGroup("conv1", (int)state["conv1.weight"].shape[0], new PermutedAxis[]
                { new("conv1.weight", 0), new("conv1.bias", 0), new("conv2.weight", 1) }),
            new PermutationGroup("conv2", (int)channels, new PermutedAxis[]
                { new("conv2.weight", 0), new("conv2.bias", 0), new("fc1.weight", 1, positions) }),
            new PermutationGroup("fc1", (int)state["fc1.weight"].shape[0], new PermutedAxis[]
                { new("fc1.weight", 0), new("fc1.bias", 0), new("fc2.weight", 1) }),
            new PermutationGroup("fc2", (int)state["fc2.weight"].shape[0], new PermutedAxis[]
                { new("fc2.weight", 0), new("fc2.bias", 0), new("fc3.weight", 1) }),
        });
    }

    /// <summary>The spec of the zoo's ResNet20 (3 stages of 3 basic blocks, 16/32/64 channels).</summary>
    public static PermutationSpec ForResNet20()
    {
        int[] widths = { 16, 32, 64 };
        const int blocks = 3;
        static IEnumerable<PermutedAxis> Norm(string prefix) =>
            new[] { "weight", "bias", "running_mean", "running_var" }.Select(s => new PermutedAxis($"{prefix}.{s}", 0));

        var groups = new List<PermutationGroup>();
        for (int stage = 1; stage <= 3; stage++)
        {
            string layer = $"layer{stage}";
            var stream = new List<PermutedAxis>();
            // What writes into the stream: the stem (stage 1) or the first block's downsample (stages 2, 3), and every block's conv2/bn2.
            if (stage == 1) { stream.Add(new("conv1.weight", 0)); stream.AddRange(Norm("bn1")); }
            else { stream.Add(new($"{layer}.0.downsample.0.weight", 0)); stream.AddRange(Norm($"{layer}.0.downsample.1")); }
            for (int b = 0; b < blocks; b++)
            {
                stream.Add(new($"{layer}.{b}.conv2.weight", 0));
                stream.AddRange(Norm($"{layer}.{b}.bn2"));
                // What reads it inside the stage: the blocks after the first (stage 2, 3), all blocks in stage 1.
                if (b > 0 || stage == 1) stream.Add(new($"{layer}.{b}.conv1.weight", 1));
            }
            // What reads it after the stage: the next stage's first block (conv1 and downsample) or the classifier.
            if (stage < 3)
            {
                stream.Add(new($"layer{stage + 1}.0.conv1.weight", 1));
                stream.Add(new($"layer{stage + 1}.0.downsample.0.weight", 1));
            }
            else stream.Add(new("fc.weight", 1));
            groups.Add(new PermutationGroup($"stream{stage}", widths[stage - 1], stream));

            for (int b = 0; b < blocks; b++)
            {
                string block = $"{layer}.{b}";
                var inner = new List<PermutedAxis> { new($"{block}.conv1.weight", 0) };
                inner.AddRange(Norm($"{block}.bn1"));
                inner.Add(new($"{block}.conv2.weight", 1));
                groups.Add(new PermutationGroup($"{block}.inner", widths[stage - 1], inner));
            }
        }
        return new PermutationSpec("resnet20", groups);
    }
}
