using BenchmarkDotNet.Configs;
using BenchmarkDotNet.Engines;
using BenchmarkDotNet.Jobs;
using BenchmarkDotNet.Toolchains.InProcess.Emit;

namespace CashApp.Benchmarks.Store;

/// <summary>
/// Store benchmarks run seconds per invocation, on a fresh ledger each: a few monitored single invocations,
/// in process (the work is I/O and SQLite, not JIT-sensitive code; no generated project to build).
/// </summary>
public class StoreJobConfig : ManualConfig
{
    /// <summary>Creates the config with five measured iterations.</summary>
    public StoreJobConfig()
        : this(5)
    {
    }

    /// <summary>Creates the config with <paramref name="iterations"/> measured iterations.</summary>
    protected StoreJobConfig(int iterations)
    {
        AddJob(Job.Default
            .WithStrategy(RunStrategy.Monitoring)
            .WithLaunchCount(1)
            .WithWarmupCount(1)
            .WithIterationCount(iterations)
            .WithInvocationCount(1)
            .WithUnrollFactor(1)
            .WithToolchain(new InProcessEmitToolchain(TimeSpan.FromMinutes(30), logOutput: true)));
    }
}

/// <summary>The same job with two measured iterations, for benchmarks that take a minute per invocation on a busy machine.</summary>
public sealed class LongStoreJobConfig : StoreJobConfig
{
    /// <summary>Creates the config.</summary>
    public LongStoreJobConfig()
        : base(2)
    {
    }
}
