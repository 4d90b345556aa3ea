global using TorchSharp;
