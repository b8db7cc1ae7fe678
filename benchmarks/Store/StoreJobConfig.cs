using BenchmarkDotNet.Configs;
using BenchmarkDotNet.Engines;
using BenchmarkDotNet.Jobs;
using BenchmarkDotNet.Toolchains.InProcess.Emit;

namespace CashApp.Benchmarks.Store;

/// <summary>
/// Store benchmarks run seconds per invocation, on a fresh ledger each: a few monitored single invocations,
/// in process (the work is I/O and SQLite, not JIT-sensitive code; no generated project to build).
/// </summary>
public sealed class StoreJobConfig : ManualConfig
{
    /// <summary>Creates the config.</summary>
    public StoreJobConfig()
    {
        AddJob(Job.Default
            .WithStrategy(RunStrategy.Monitoring)
            .WithLaunchCount(1)
            .WithWarmupCount(1)
            .WithIterationCount(5)
            .WithInvocationCount(1)
            .WithUnrollFactor(1)
            .WithToolchain(new InProcessEmitToolchain(TimeSpan.FromMinutes(30), logOutput: true)));
    }
}
