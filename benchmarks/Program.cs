using BenchmarkDotNet.Running;

// The gRPC load test is a bounded run against a live server, not a micro-benchmark.
if (args is ["grpc-load", ..])
{
    // The client's idle thread-pool workers block instead of spinning, as the server's do (its runtimeconfig): on two
    // shared cores a spinning client takes the CPU the server needs. Read when the pool starts its first worker, so first.
    AppContext.SetData("System.Threading.ThreadPool.UnfairSemaphoreSpinLimit", 0);
    try
    {
        return await CashApp.Benchmarks.Grpc.GrpcLoad.RunAsync(args[1..]);
    }
    catch (CashApp.Benchmarks.Grpc.UsageException ex)
    {
        // A wrong option is the user's to fix: one line, no stack trace.
        Console.Error.WriteLine($"grpc-load: {ex.Message}");
        return 2;
    }
}

// `matcher` measures the matchers call by call (p99 latencies), `names` the name lookup on a scale day's customers; `scale` runs the end-to-end scale benchmark (benchmarks/Scale); anything else goes to the one switcher
// for every micro-benchmark: `dotnet run -c Release --project benchmarks -- --filter '*'`.
if (args is ["matcher", ..])
{
    return CashApp.Benchmarks.Matching.MatcherLatency.Run(args[1..]);
}

if (args is ["names", ..])
{
    return CashApp.Benchmarks.Matching.NameLookupDay.Run(args[1..]);
}

if (args is ["name-spellings", ..])
{
    return CashApp.Benchmarks.Matching.NameSpellings.Run(args[1..]);
}

if (args is ["ingest-memory", ..])
{
    return await CashApp.Benchmarks.Grpc.IngestMemory.RunAsync(args[1..]).ConfigureAwait(false);
}

if (args is ["ingest-batches", ..])
{
    return await CashApp.Benchmarks.Store.IngestBatches.RunAsync(args[1..]).ConfigureAwait(false);
}

if (args is ["change-poll", ..])
{
    return await CashApp.Benchmarks.Store.ChangePoll.RunAsync(args[1..]).ConfigureAwait(false);
}

if (args is ["learning", ..])
{
    return await CashApp.Benchmarks.Learning.TwoDayLearning.RunAsync(args[1..]).ConfigureAwait(false);
}

if (args is ["calibrate", ..])
{
    return await CashApp.Benchmarks.Calibration.Calibrate.RunAsync(args[1..]).ConfigureAwait(false);
}

if (args.Length > 0 && args[0] == "scale")
{
    return await CashApp.Benchmarks.Scale.ScaleRunner.RunAsync(args[1..]).ConfigureAwait(false);
}

BenchmarkSwitcher.FromAssembly(typeof(CashApp.Benchmarks.BenchmarkConfig).Assembly).Run(args, new CashApp.Benchmarks.BenchmarkConfig());
return 0;
