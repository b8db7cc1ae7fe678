using BenchmarkDotNet.Running;

// One switcher for every micro-benchmark: `dotnet run -c Release --project benchmarks -- --filter '*'`.
BenchmarkSwitcher.FromAssembly(typeof(CashApp.Benchmarks.BenchmarkConfig).Assembly).Run(args, new CashApp.Benchmarks.BenchmarkConfig());
