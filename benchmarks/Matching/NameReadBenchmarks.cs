using BenchmarkDotNet.Attributes;
using CashApp.Engine.Matching;

namespace CashApp.Benchmarks.Matching;

/// <summary>
/// Micro-benchmark: names read, as a lookup reads a payer's (<see cref="NameText.TokensAndForm(string?)"/>, its words
/// as strings) and as a directory build reads a customer's (<see cref="NameText.CompactAndForm"/>, its compact form
/// and its words' lengths), 10,000 generated customer names an operation. Means and allocations per operation.
/// Run: <c>dotnet run -c Release --project benchmarks -- --filter '*NameReadBenchmarks*'</c> (the default job: the
/// short one's three iterations spread too far to compare two builds).
/// </summary>
[MemoryDiagnoser]
public class NameReadBenchmarks
{
    private string[] _names = null!;

    [GlobalSetup]
    public void Setup() => _names = [.. MatcherDay.Customers(10_000, new Random(20261207)).Select(c => c.Name)];

    [Benchmark]
    public int TokensAndForm()
    {
        var words = 0;
        foreach (var name in _names)
        {
            words += NameText.TokensAndForm(name).Tokens.Length;
        }

        return words;
    }

    [Benchmark]
    public int CompactAndForm()
    {
        var words = 0;
        foreach (var name in _names)
        {
            words += NameText.CompactAndForm(name).Words.Count;
        }

        return words;
    }
}
