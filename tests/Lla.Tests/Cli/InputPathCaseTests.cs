using System.Runtime.InteropServices;
using System.Text;
using Lla.Tests.Support;

namespace Lla.Tests.Cli;

/// <summary>
/// Issue 23's hostile inputs: paths that are not regular files or folders (a dangling link, a named pipe,
/// which would block a reader for ever), options out of range (image size, class count, image mean and
/// std), labels out of range, an unknown model, a study name that is a path. Each is one line on stderr
/// naming the problem, exit code 2, an empty working folder, and no hang.
/// </summary>
[Collection("console")]
public class InputPathCaseTests
{
    private static readonly string Work = Paths.NewTempFolder();
    private static readonly string Embedded = "idx:" + Paths.EmbeddedData;

    static InputPathCaseTests()
    {
        File.CreateSymbolicLink(Path.Combine(Work, "dangling.pth"), Path.Combine(Work, "no-such-target.pth"));
        foreach (var name in new[] { "pipe.pth", "pipe.csv", "pipe.json", "pipe.pt", "pipe.onnx", "pipe.bin" }) MakeFifo(Path.Combine(Work, name));
        // An IDX folder whose training labels are a named pipe.
        string idx = Directory.CreateDirectory(Path.Combine(Work, "idx")).FullName;
        foreach (var file in Directory.GetFiles(Paths.EmbeddedData).Where(f => !Path.GetFileName(f).StartsWith("train-labels", StringComparison.Ordinal)))
            File.Copy(file, Path.Combine(idx, Path.GetFileName(file)));
        MakeFifo(Path.Combine(idx, "train-labels-idx1-ubyte"));
        // One whose test-split labels are a named pipe: read only after the work, so checked before it.
        string idxTest = Directory.CreateDirectory(Path.Combine(Work, "idx-test")).FullName;
        foreach (var file in Directory.GetFiles(Paths.EmbeddedData).Where(f => !Path.GetFileName(f).StartsWith("t10k-labels", StringComparison.Ordinal)))
            File.Copy(file, Path.Combine(idxTest, Path.GetFileName(file)));
        MakeFifo(Path.Combine(idxTest, "t10k-labels-idx1-ubyte"));
        // npy data with a label of 2^62.
        WriteNpy(Path.Combine(Work, "x.npy"), "<f4", new[] { 4, 3 }, Enumerable.Range(0, 12).SelectMany(i => BitConverter.GetBytes((float)i)).ToArray());
        WriteNpy(Path.Combine(Work, "huge-label.npy"), "<i8", new[] { 4 }, new long[] { 0, 1, 1L << 62, 1 }.SelectMany(BitConverter.GetBytes).ToArray());
        File.WriteAllText(Path.Combine(Work, "escaped.json"), """{ "name": "../../escaped", "models": [ { "name": "a", "model": "mlp", "epochs": 1 } ] }""");
    }

    [DllImport("libc", EntryPoint = "mkfifo")]
    private static extern int MkFifo([MarshalAs(UnmanagedType.LPUTF8Str)] string path, uint mode);

    internal static void MakeFifo(string path)
    {
        if (MkFifo(path, Convert.ToUInt32("600", 8)) != 0) throw new InvalidOperationException($"mkfifo {path} failed");
    }

    /// <summary>A minimal .npy file (version 1, C order).</summary>
    internal static void WriteNpy(string path, string descr, int[] shape, byte[] data)
    {
        string header = $"{{'descr': '{descr}', 'fortran_order': False, 'shape': ({string.Join(",", shape)}{(shape.Length == 1 ? "," : "")}), }}";
        header += new string(' ', (64 - (10 + header.Length + 1) % 64) % 64) + "\n";
        using var f = File.Create(path);
        f.Write(new byte[] { 0x93, (byte)'N', (byte)'U', (byte)'M', (byte)'P', (byte)'Y', 1, 0 });
        f.Write(BitConverter.GetBytes((ushort)header.Length));
        f.Write(Encoding.ASCII.GetBytes(header));
        f.Write(data);
    }

    public static TheoryData<string, string> Cases()
    {
        var cases = new TheoryData<string, string>();
        void Add(string expected, params string[] args) => cases.Add(string.Join("|", args), expected);
        string W(string name) => Path.Combine(Work, name);
        // Paths that resolve to no regular file: refused before they are opened.
        Add("--weights " + W("dangling.pth") + " is a dangling symbolic link", "hessian", "--weights", W("dangling.pth"));
        Add("--weights " + W("pipe.pth") + " is a named pipe (FIFO)", "hessian", "--weights", W("pipe.pth"));
        Add("--weights " + W("pipe.pth") + " is a named pipe (FIFO)", "hessian", "--model", "mlp", "--data", Embedded, "--weights", W("pipe.pth"));
        Add("--data " + W("idx/train-labels-idx1-ubyte") + " is a named pipe (FIFO)", "hessian", "--model", "mlp", "--weights", "none", "--data", "idx:" + W("idx"));
        Add("--data " + W("idx-test/t10k-labels-idx1-ubyte") + " is a named pipe (FIFO)", "hessian", "--model", "mlp", "--weights", "none", "--data", "idx:" + W("idx-test"));
        Add("--model " + W("pipe.pt") + " is a named pipe (FIFO)", "hessian", "--model", "torchscript:" + W("pipe.pt"), "--data", Embedded);
        Add("--model " + W("pipe.onnx") + " is a named pipe (FIFO)", "hessian", "--model", "onnx:" + W("pipe.onnx"), "--data", Embedded);
        Add("--config " + W("pipe.json") + " is a named pipe (FIFO)", "study", "--config", W("pipe.json"));
        Add("table " + W("pipe.csv") + " is a named pipe (FIFO)", "study", "score", W("pipe.csv"), "--axes", "lr");
        Add("--checkpoints " + W("pipe.bin") + " is a named pipe (FIFO)", "landscape", "--axes", "checkpoints", "--checkpoints", W("pipe.bin"));
        Add("--directions " + W("pipe.bin") + " is a named pipe (FIFO)", "landscape", "--axes", "file", "--directions", W("pipe.bin"));
        Add("--trajectory " + W("pipe.bin") + " is a named pipe (FIFO)", "landscape", "--axes", "pca", "--trajectory", W("pipe.bin") + "," + W("pipe.bin"));
        // Sizes: bounded with what they would cost.
        Add("--image-size 100000 is too large (at most 4096): one 100000×100000 image alone would take 112 GiB", "hessian", "--image-size", "100000");
        Add("output layer for 1000000000 classes (--num-classes", "hessian", "--model", "mlp", "--weights", "none", "--data", Embedded, "--num-classes", "1000000000");
        Add("label 4611686018427387904 is out of range", "hessian", "--model", "mlp", "--weights", "none", "--data", $"npy:{W("x.npy")},{W("huge-label.npy")}");
        // Image normalization: named as such, not blamed on weights or data.
        Add("--image-mean values must be finite numbers (got 'NaN'", "hessian", "--image-mean", "NaN,0,0");
        Add("--image-mean values must be finite numbers (got 'Infinity'", "hessian", "--image-mean", "0,Infinity,0");
        Add("--image-std values must be positive", "hessian", "--image-std", "0,1,1");
        Add("--image-std values must be positive", "hessian", "--image-std", "1,-1,1");
        Add("--image-std takes three numbers R,G,B, comma-separated (got 2 in '0.5,0.5')", "hessian", "--image-std", "0.5,0.5");
        Add("--image-mean takes three numbers R,G,B, comma-separated (got 4", "hessian", "--image-mean", "0,0,0,0");
        Add("--image-mean takes three numbers R,G,B with a decimal point (got 'abc'", "hessian", "--image-mean", "abc,0,0");
        // The unknown model message lists model files too.
        Add("unknown model 'nosuch' (known: lenet, mlp, resnet20, resnet18, resnet34, resnet50, vgg:depth=D,width=W[,dropout=P], nin:depth=D,width=W[,dropout=P], gpt-nano, gpt-bytes, gpt2-small, gpt:layers=L,heads=H,width=W,context=T), nor a model file (torchscript:FILE or onnx:FILE)", "hessian", "--model", "nosuch");
        // A study name is a word, not a path.
        Add("study name '../../escaped' may hold only letters, digits", "study", "--config", W("escaped.json"));
        return cases;
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public async Task A_hostile_input_is_one_line_exit_2_and_leaves_nothing(string command, string expected)
    {
        TestTorch.Init();
        string cwd = Paths.NewTempFolder();
        var args = command.Split('|').ToList();
        if (args[0] is "hessian" or "landscape" or "study" && args[1] != "score") args.AddRange(new[] { "--out", "run" });
        var run = Task.Run(() => InProcessLla.Run(cwd, args.ToArray()));
        Assert.True(await Task.WhenAny(run, Task.Delay(TimeSpan.FromMinutes(2))) == run, "no answer within 2 minutes (a named pipe opened for reading waits for a writer)");
        var outcome = await run;
        Refusal.AssertOneLine(outcome, expected);
        Assert.Empty(Directory.GetFileSystemEntries(cwd));
        Assert.False(Directory.Exists(Path.Combine(Path.GetDirectoryName(cwd)!, "escaped")));
    }
}
