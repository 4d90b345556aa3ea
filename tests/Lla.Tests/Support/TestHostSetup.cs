using System.Runtime.CompilerServices;
using Lla.Native;

namespace Lla.Tests.Support;

/// <summary>What the test host sets before any test runs, as `lla` does at the top of Program.Main.</summary>
internal static class TestHostSetup
{
    /// <summary>
    /// Runs before any code of this assembly, so before its first TorchSharp call loads libtorch (whose OpenMP
    /// reads OMP_WAIT_POLICY once, when it is loaded): OpenMP threads then wait passively instead of spinning,
    /// which costs many times over on a small, shared machine. Processes the tests start inherit it.
    /// </summary>
#pragma warning disable CA2255 // a module initializer in a test assembly is the intended use here: the setting must precede libtorch
    [ModuleInitializer]
    internal static void SetUp() => RuntimeSetup.SetPassiveOpenMpWait();
#pragma warning restore CA2255
}

/// <summary>The slow tests (studies, MPI, a browser, packaging, long end-to-end runs): left out of a plain `dotnet test`, run by `.ci/run`.</summary>
public static class TestCategory
{
    public const string Name = "Category";
    public const string Slow = "Slow";

    /// <summary>
    /// The float64 top eigenvalues of the big uncommitted ONNX zoo exports (ResNet-18 to ConvNeXt-Tiny, minutes each on 2
    /// cores): `dotnet test --filter Category=Zoo`; CI leaves them out (docs/onnx.md).
    /// </summary>
    public const string Zoo = "Zoo";
}
