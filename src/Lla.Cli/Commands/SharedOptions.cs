using Lla.Guard;
using System.CommandLine;
using Lla.Cli.Display;
using Lla.Models;
using Lla.Data;
using Lla.Native;
using Lla.Objectives;

namespace Lla.Cli.Commands;

/// <summary>Options that every command which loads a model and data shares.</summary>
internal sealed class SharedOptions
{
    public readonly Option<string?> Model = new("--model") { Description = "architecture: lenet | mlp | resnet20 | resnet18 | resnet34 | resnet50 | gpt-bytes | gpt-nano | gpt2-small | gpt:layers=L,heads=H,width=W,context=T, or a model file torchscript:FILE | onnx:FILE (default: lenet, the embedded default; gpt-bytes without --data: the embedded text default)" };
    public readonly Option<string?> Weights = new("--weights") { Description = "weights: a PyTorch .pth state dict, safetensors, or a TorchSharp file; 'none' for a seeded random init (default: the embedded LeNet, or the embedded GPT for gpt-bytes)" };
    public readonly Option<string?> Data = new("--data") { Description = "data: idx:DIR (MNIST-family IDX files) | cifar10:DIR (CIFAR-10 binary batches) | folder:DIR (one sub-folder of images per class) | npy:INPUTS.npy,LABELS.npy | text:FILE-OR-FOLDER | tokens:FILE.npy (default: the embedded Fashion-MNIST subset, or the embedded fortunes for gpt-bytes)" };
    public readonly Option<string> DType = new("--dtype") { Description = "float32 | float64", DefaultValueFactory = _ => "float32" };
    public readonly Option<int?> Threads = new("--threads") { Description = "CPU threads for libtorch (default: OMP_NUM_THREADS if set; under MPI the cores shared among the ranks on this machine; else every core)" };
    public readonly Option<long> Seed = new("--seed") { Description = "seed of every random choice", DefaultValueFactory = _ => 42 };
    public readonly Option<string> Loss = new("--loss") { Description = "cross-entropy (logits, integer labels) | nll (log-probabilities) | mse (float targets) | next-token (logits [N, T, V], token ids [N, T]; the default for GPT models)", DefaultValueFactory = _ => "cross-entropy" };
    public readonly Option<string[]> OnnxInput = new("--onnx-input")
    {
        Description = "an ONNX graph's input besides the data, bound to a constant: NAME=FILE.npy or NAME=NUMBER (repeat for several; the data feeds the one input left)",
        AllowMultipleArgumentsPerToken = false,
        DefaultValueFactory = _ => Array.Empty<string>(),
    };
    public readonly Option<int?> NumClasses = new("--num-classes") { Description = "the model's output count (default: what the data implies, e.g. 10 for idx and cifar10, the class folders for folder:)" };
    public readonly Option<int> ImageSize = new("--image-size") { Description = "folder data: resize the shorter side to N and centre-crop N×N", DefaultValueFactory = _ => 32 };
    public readonly Option<string> ImageMean = new("--image-mean") { Description = "folder data: per-channel mean R,G,B subtracted after scaling to [0,1]", DefaultValueFactory = _ => "0,0,0" };
    public readonly Option<string> ImageStd = new("--image-std") { Description = "folder data: per-channel standard deviation R,G,B to divide by", DefaultValueFactory = _ => "1,1,1" };
    public readonly Option<bool> SkipUnreadable = new("--skip-unreadable") { Description = "folder data: skip images that cannot be decoded (counted in the data's description) instead of stopping" };
    public readonly Option<string?> Tokenizer = new("--tokenizer") { Description = "text: data: gpt2 (GPT-2's byte-pair encoding, 50,257 tokens) | bytes (UTF-8 bytes, 256 tokens) (default: gpt2; bytes for the embedded gpt-bytes default)" };
    public readonly Option<int?> Context = new("--context") { Description = $"text: data, and tokens: streams: tokens per window (a sample is T + 1 tokens: inputs the first T, next-token targets the last T) (default: {Lla.Data.Text.TextSettings.DefaultContext}; {EmbeddedDefault.Text.Context} for the embedded gpt-bytes default)" };
    public readonly Option<string> DeviceOption = new("--device") { Description = "cpu | cuda | cuda:N (CUDA needs a CUDA libtorch backend package in place of the CPU one)", DefaultValueFactory = _ => "cpu" };
    public readonly Option<bool> Quiet = new("--quiet") { Description = "print nothing but errors" };
    public readonly Option<bool> Json = new("--json") { Description = "print the results JSON on stdout (progress and summary are not shown)" };
    public readonly Option<string> OneDnn = new("--onednn") { Description = "oneDNN for backward passes: auto (checked by the numeric guard) | on | off", DefaultValueFactory = _ => "auto" };

    public void AddTo(Command command)
    {
        foreach (var o in new Option[] { Model, Weights, Data, Loss, DType, DeviceOption, Threads, Seed, OneDnn, NumClasses, OnnxInput, ImageSize, ImageMean, ImageStd, SkipUnreadable, Tokenizer, Context, Quiet, Json }) command.Options.Add(o);
    }

    /// <summary>The model, weights and data asked for, with the embedded default filled in; <paramref name="weights"/> replaces a missing --weights.</summary>
    public ModelSource Source(ParseResult p, string? weights = null)
    {
        RegisterImageFolders(p);
        var asked = new DataSettingsAsked(p.GetValue(Tokenizer), p.GetValue(Context), new ImageDecoding(p.GetValue(ImageSize), p.GetValue(ImageMean)!, p.GetValue(ImageStd)!, p.GetValue(SkipUnreadable)));
        var (source, text) = asked.Resolve(() => ModelSource.Resolve(p.GetValue(Model), p.GetValue(Weights) ?? weights, p.GetValue(Data), p.GetValue(DType)!, p.GetValue(Seed), p.GetValue(Loss)!, p.GetValue(DeviceOption)!)
            with { NumClasses = p.GetValue(NumClasses) });
        Lla.Data.Text.TextDataset.Register(text);
        return source.WithGraphInputs(p.GetValue(OnnxInput) ?? Array.Empty<string>());
    }

    public OutputMode Output(ParseResult p, Processes processes) => new(p.GetValue(Quiet), p.GetValue(Json), processes.IsRoot);

    /// <summary>Sets libtorch's threads and parses --onednn: the run settings every computing command shares.</summary>
    public OneDnnSetting RunSettings(ParseResult p)
    {
        RuntimeSetup.SetThreads(p.GetValue(Threads) ?? RuntimeSetup.DefaultThreads());
        return SettingNames.Parse<OneDnnSetting>(p.GetValue(OneDnn)!, "onednn");
    }

    /// <summary>folder:DIR data decodes images with the transform given on this command line.</summary>
    public void RegisterImageFolders(ParseResult p) => Lla.Vision.ImageFolderDataset.Register(
        Lla.Vision.ImageTransform.Parse(p.GetValue(ImageSize), p.GetValue(ImageMean)!, p.GetValue(ImageStd)!, p.GetValue(SkipUnreadable)));

    /// <summary>--color-scale of the commands that draw landscapes.</summary>
    public static Option<string> ColorScaleOption() => new("--color-scale") { Description = "landscape heat maps: log (default: the basin stays visible) | linear", DefaultValueFactory = _ => "log" };
}
