using BenchmarkDotNet.Configs;
using BenchmarkDotNet.Diagnosers;
using BenchmarkDotNet.Exporters;

namespace CashApp.Benchmarks;

/// <summary>The config every benchmark runs with: memory diagnoser and GitHub markdown export.</summary>
public sealed class BenchmarkConfig : ManualConfig
{
    /// <summary>Creates the config.</summary>
    public BenchmarkConfig()
    {
        Add(DefaultConfig.Instance);
        AddDiagnoser(MemoryDiagnoser.Default);
        AddExporter(MarkdownExporter.GitHub);
    }
}
