using BenchmarkDotNet.Running;

// The gRPC load test is a bounded run against a live server, not a micro-benchmark.
if (args is ["grpc-load", ..])
{
    return await CashApp.Benchmarks.Grpc.GrpcLoad.RunAsync(args[1..]);
}

// One switcher for every micro-benchmark: `dotnet run -c Release --project benchmarks -- --filter '*'`.
BenchmarkSwitcher.FromAssembly(typeof(CashApp.Benchmarks.BenchmarkConfig).Assembly).Run(args, new CashApp.Benchmarks.BenchmarkConfig());
return 0;
