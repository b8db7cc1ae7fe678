using BenchmarkDotNet.Running;

// `scale` runs the end-to-end scale benchmark (benchmarks/Scale); anything else goes to the one switcher
// for every micro-benchmark: `dotnet run -c Release --project benchmarks -- --filter '*'`.
if (args.Length > 0 && args[0] == "scale")
{
    return await CashApp.Benchmarks.Scale.ScaleRunner.RunAsync(args[1..]).ConfigureAwait(false);
}

BenchmarkSwitcher.FromAssembly(typeof(CashApp.Benchmarks.BenchmarkConfig).Assembly).Run(args, new CashApp.Benchmarks.BenchmarkConfig());
return 0;
