using Lla.Objectives;
using Lla.Data;
using Lla.Models;
using Lla.Runs;
using Lla.Studies;
using Lla.Tests.Cli;
using Lla.Tests.Support;
using static TorchSharp.torch;

namespace Lla.Tests.Data;

/// <summary>The input-path check, and the library side of issue 23's cases (disk margin, study name, weight conversions, labels).</summary>
public class InputPathsTests
{
    private static readonly string Work = Paths.NewTempFolder();

    [Fact]
    public void Each_kind_of_path_is_told_apart_with_links_followed()
    {
        string file = Path.Combine(Work, "file.bin"), fifo = Path.Combine(Work, "kinds.pipe");
        File.WriteAllBytes(file, new byte[] { 1 });
        InputPathCaseTests.MakeFifo(fifo);
        File.CreateSymbolicLink(Path.Combine(Work, "to-file"), file);
        File.CreateSymbolicLink(Path.Combine(Work, "to-folder"), Work);
        File.CreateSymbolicLink(Path.Combine(Work, "to-nothing"), Path.Combine(Work, "gone"));
        File.CreateSymbolicLink(Path.Combine(Work, "to-pipe"), fifo);

        Assert.Equal(PathKind.File, InputPaths.KindOf(file));
        Assert.Equal(PathKind.File, InputPaths.KindOf(Path.Combine(Work, "to-file")));
        Assert.Equal(PathKind.Folder, InputPaths.KindOf(Work));
        Assert.Equal(PathKind.Folder, InputPaths.KindOf(Path.Combine(Work, "to-folder")));
        Assert.Equal(PathKind.Missing, InputPaths.KindOf(Path.Combine(Work, "gone")));
        Assert.Equal(PathKind.DanglingLink, InputPaths.KindOf(Path.Combine(Work, "to-nothing")));
        Assert.Equal(PathKind.Fifo, InputPaths.KindOf(fifo));
        Assert.Equal(PathKind.Fifo, InputPaths.KindOf(Path.Combine(Work, "to-pipe")));
        Assert.Equal(PathKind.CharacterDevice, InputPaths.KindOf("/dev/null"));

        Assert.Equal(file, InputPaths.RequireFile(file, "weights file", "weights"));
        Assert.Equal(Path.Combine(Work, "to-folder"), InputPaths.RequireFolder(Path.Combine(Work, "to-folder"), "data folder", "data"));
        Assert.Equal("weights /dev/null is a character device, not a regular file", Assert.Throws<LlaException>(() => InputPaths.RequireFile("/dev/null", "weights file", "weights")).Message);
        Assert.Equal($"--weights {fifo} is a named pipe (FIFO), not a regular file",
            Assert.Throws<LlaException>(() => InputPaths.RequireFile(fifo, "weights file", "weights")).Render(s => "--" + s));
        Assert.Equal($"data {file} is a file, not a folder: give the data folder", Assert.Throws<LlaException>(() => InputPaths.RequireFolder(file, "data folder", "data")).Message);
        Assert.Equal($"weights file not found: {Path.Combine(Work, "gone")}", Assert.Throws<LlaException>(() => InputPaths.RequireFile(Path.Combine(Work, "gone"), "weights file")).Message);
        Assert.Contains("is a dangling symbolic link (to " + Path.Combine(Work, "gone"), Assert.Throws<LlaException>(() => InputPaths.RequireFile(Path.Combine(Work, "to-nothing"), "weights file")).Message);
    }

    [Fact]
    public async Task Readers_refuse_a_named_pipe_without_opening_it()
    {
        string fifo = Path.Combine(Work, "readers.pipe");
        InputPathCaseTests.MakeFifo(fifo);
        var readers = new Action[]
        {
            () => StateDictFiles.Read(fifo), () => TensorFile.Read(fifo), () => IdxReader.Read(fifo), () => NpyReader.Read(fifo),
            () => StudyConfig.Load(fifo), () => Lla.Studies.Scoring.ScoreTable.Read(fifo, new[] { "lr" }, null, Array.Empty<string>(), null),
            () => TorchScriptModel.Load(fifo), () => Lla.Onnx.OnnxModel.Load(fifo),
        };
        foreach (var read in readers)
        {
            var task = Task.Run(() => Assert.Throws<LlaException>(read));
            Assert.True(await Task.WhenAny(task, Task.Delay(TimeSpan.FromSeconds(60))) == task, "a reader opened the named pipe and waits for a writer");
            Assert.Contains("is a named pipe (FIFO), not a regular file", (await task).Message);
        }
    }

    [Fact]
    public void The_disk_check_names_its_margin()
    {
        long free = new DriveInfo(Work).AvailableFreeSpace;
        // Fits without the margin, not with it: the message must say why.
        var error = Assert.Throws<LlaException>(() => DiskBudget.Require(Work, free - (32L << 20), "the directions"));
        Assert.Contains("on disk (plus a 64 MiB margin)", error.Message);
    }

    [Theory]
    [InlineData("../../escaped")]
    [InlineData("a/b")]
    [InlineData("..")]
    [InlineData("")]
    [InlineData("/tmp/x")]
    public void A_study_name_that_is_a_path_is_refused(string name)
    {
        var json = System.Text.Json.Nodes.JsonNode.Parse($$"""{ "name": {{System.Text.Json.JsonSerializer.Serialize(name)}}, "models": [ { "name": "a", "model": "mlp" } ] }""");
        var error = Assert.Throws<LlaException>(() => StudyConfig.Parse(json, "config.json"));
        Assert.Contains($"study name '{name}' may hold only letters, digits, '-', '_' and '.'", error.Message);
        Assert.Equal("quick-2.v1", StudyConfig.Parse(System.Text.Json.Nodes.JsonNode.Parse("""{ "name": "quick-2.v1", "models": [ { "name": "a", "model": "mlp" } ] }"""), "c").Name);
    }

    [Fact]
    public void A_label_beyond_any_class_count_is_named_as_out_of_range()
    {
        using var x = zeros(4, 3);
        using var y = tensor(new long[] { 0, 1, 1L << 62, 1 });
        var error = Assert.Throws<LlaException>(() => new Dataset(x, y, "npy:x,y"));
        Assert.Contains("label 4611686018427387904 is out of range", error.Message);
        Assert.DoesNotContain("1 classes", error.Message);
    }

    [Fact]
    public void Float64_weights_in_a_float32_model_are_a_note_and_keep_their_precision_under_float64()
    {
        TestTorch.Init();
        string path = Path.Combine(Work, "lenet64.bin");
        using (var source = new LeNet())
        {
            source.to(ScalarType.Float64);
            using (no_grad()) foreach (var p in source.parameters()) p.add_(1e-12);
            TensorFile.Write(path, source.state_dict());
        }
        using (var model = new LeNet())
            Assert.Equal("converted 10 float64 tensors to float32", WeightsLoader.Load(model, path));
        using (var model = new LeNet())
            Assert.Null(WeightsLoader.Load(model, Paths.EmbeddedWeights)); // float32 into float32: nothing to say

        foreach (var (dtype, note) in new[] { ("float32", "converted 10 float64 tensors to float32"), ("float64", null) })
        {
            var source = ModelSource.Resolve("lenet", path, "idx:" + Paths.EmbeddedData, dtype, 0);
            using var data = source.LoadData(Split.Train);
            using var model = source.Build(data);
            Assert.Equal(note, ModelSource.WeightsNote(model));
            if (dtype == "float64")
            {
                var file = TensorFile.Read(path);
                foreach (var (name, t) in model.state_dict()) Assert.True(t.eq(file[name]).all().item<bool>(), $"{name} lost precision");
                foreach (var t in file.Values) t.Dispose();
            }
        }
    }
}
