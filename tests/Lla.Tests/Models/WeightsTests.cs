using System.Text.Json;
using Lla.Data;
using Lla.Models;
using Lla.Objectives;
using Lla.Tests.Support;

namespace Lla.Tests.Models;

public class WeightsTests
{
    public WeightsTests() => TestTorch.Init();

    [Fact]
    public void LeNet_has_the_seed_librarys_parameter_names_and_shapes()
    {
        var model = new LeNet();
        var shapes = model.named_parameters().ToDictionary(p => p.name, p => p.parameter.shape);
        Assert.Equal(new[] { "conv1.weight", "conv1.bias", "conv2.weight", "conv2.bias", "fc1.weight", "fc1.bias", "fc2.weight", "fc2.bias", "fc3.weight", "fc3.bias" }, shapes.Keys);
        Assert.Equal(new long[] { 6, 1, 5, 5 }, shapes["conv1.weight"]);
        Assert.Equal(new long[] { 16, 6, 5, 5 }, shapes["conv2.weight"]);
        Assert.Equal(new long[] { 120, 400 }, shapes["fc1.weight"]);
        Assert.Equal(61_706, model.parameters().Sum(p => p.numel()));
    }

    [Fact]
    public void A_pytorch_state_dict_gives_pytorchs_logits_and_loss()
    {
        var model = new LeNet();
        WeightsLoader.Load(model, Paths.Fixture("lenet_pytorch.pth"));
        Assert.All(model.parameters(), p => Assert.True(p.requires_grad));
        using var test = IdxDataset.Load(Paths.EmbeddedData, Split.Test);
        var batch = test.Batches(16, 1, false, 0)[0];
        using var reference = JsonDocument.Parse(File.ReadAllText(Paths.Fixture("lenet_pytorch_reference.json")));
        model.eval();
        using var _ = no_grad();
        var logits = model.forward(batch.Inputs);
        var expected = reference.RootElement.GetProperty("logits").EnumerateArray()
            .SelectMany(row => row.EnumerateArray().Select(v => v.GetDouble())).ToArray();
        var actual = logits.to(ScalarType.Float64).reshape(-1).data<double>().ToArray();
        // float32 arithmetic in two libraries with different kernel orders: agreement to ~1e-5 absolute.
        for (int i = 0; i < expected.Length; i++) Assert.True(Math.Abs(expected[i] - actual[i]) < 1e-4, $"logit {i}: {actual[i]} vs {expected[i]}");
        double loss = LossFunctions.CrossEntropy(logits, batch.Targets).ToDouble();
        Assert.Equal(reference.RootElement.GetProperty("loss").GetDouble(), loss, 5);
    }

    [Fact]
    public void A_checkpoint_that_does_not_match_lists_missing_unexpected_and_misshaped_names()
    {
        string dir = Paths.NewTempFolder();
        string path = Path.Combine(dir, "other.bin");
        var entries = new LeNet().state_dict().ToDictionary(kv => kv.Key, kv => kv.Value);
        entries.Remove("fc3.bias");
        entries["fc3.weight"] = zeros(5, 84);
        entries["head.weight"] = zeros(3);
        TensorFile.Write(path, entries);
        var error = Assert.Throws<LlaException>(() => WeightsLoader.Load(new LeNet(), path));
        Assert.Contains("missing: fc3.bias", error.Message);
        Assert.Contains("unexpected: head.weight", error.Message);
        Assert.Contains("mis-shaped: fc3.weight [5,84] in the file vs [10,84] in the model", error.Message);
        Assert.DoesNotContain('\n', error.Message);
    }

    [Fact]
    public void Tensor_files_are_compatible_with_torchsharp_save_and_load()
    {
        string dir = Paths.NewTempFolder();
        var original = new LeNet();
        original.save(Path.Combine(dir, "by-torchsharp.bin"));
        var read = TensorFile.Read(Path.Combine(dir, "by-torchsharp.bin"));
        foreach (var (name, t) in original.state_dict()) Assert.True(read[name].eq(t).all().ToBoolean(), name);

        TensorFile.Write(Path.Combine(dir, "by-lla.bin"), original.state_dict());
        var loaded = new LeNet();
        loaded.load(Path.Combine(dir, "by-lla.bin"));
        foreach (var (name, t) in original.state_dict()) Assert.True(loaded.state_dict()[name].eq(t).all().ToBoolean(), name);
    }

    [Fact]
    public void Safetensors_files_load_by_name()
    {
        string path = Path.Combine(Paths.NewTempFolder(), "lenet.safetensors");
        var original = new LeNet();
        TorchSharp.PyBridge.Safetensors.SaveStateDict(path, original.state_dict());
        var loaded = new LeNet();
        WeightsLoader.Load(loaded, path);
        foreach (var (name, t) in original.state_dict()) Assert.True(loaded.state_dict()[name].eq(t).all().ToBoolean(), name);
    }

    [Fact]
    public void A_file_that_is_not_weights_is_a_clear_error()
    {
        string path = Path.Combine(Paths.NewTempFolder(), "junk.bin");
        File.WriteAllText(path, "this is not a weights file at all");
        var error = Assert.Throws<LlaException>(() => WeightsLoader.Load(new LeNet(), path));
        Assert.Contains("is not a TorchSharp weights file", error.Message);
        Assert.Throws<LlaException>(() => WeightsLoader.Load(new LeNet(), path + ".missing"));
    }
}
