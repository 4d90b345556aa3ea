namespace Lla.Tests.Support;

/// <summary>
/// Tests that read one of libtorch's process-wide switches before and after their own scopes run alone: a job's scope in
/// a test running beside them would hold the switch at another value while they read it (CI once failed on this).
/// </summary>
[CollectionDefinition("process switches", DisableParallelization = true)]
public sealed class ProcessSwitchCollection;
