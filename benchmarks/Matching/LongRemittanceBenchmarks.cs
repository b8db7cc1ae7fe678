using BenchmarkDotNet.Attributes;
using BenchmarkDotNet.Configs;
using CashApp.Engine.Matching;
using CashApp.Engine.Model;
using CashApp.Parsers.Common;
using CashApp.Parsers.Currency;

namespace CashApp.Benchmarks.Matching;

/// <summary>
/// One payment whose remittance names 1,000 invoices (issue 15): an EDI 820 with an RMR segment and
/// amount per invoice, and the same list as free text without amounts. Each is decided line by line
/// against 100k open items, as the match API does it (Propose: the decision, its applications, the
/// amounts given back). Run: <c>dotnet run -c Release --project benchmarks -- --filter '*LongRemittanceBenchmarks*' --job short</c>.
/// </summary>
[MemoryDiagnoser]
[Config(typeof(Throughput))]
public class LongRemittanceBenchmarks
{
    private const int Lines = 1_000;

    private CashMatcher _matcher = null!;
    private Payment[] _withAmounts = null!;
    private Payment[] _freeText = null!;

    [GlobalSetup]
    public void Setup()
    {
        var random = new Random(20261203);
        var customers = MatcherDay.Customers(10_000, random);
        var items = MatcherDay.Items(100_000, customers, random);

        // The big payer: 1,500 open invoices of its own, of which it pays 1,000 in one remittance.
        var payer = customers[0];
        var day = new DateOnly(2026, 11, 1);
        for (var i = 0; i < 1_500; i++)
        {
            items.Add(new OpenItem($"BIG{i:D5}", DocType.Invoice, payer.CustomerId, payer.Name, $"90{4_200_000 + (i * 3):D8}", null,
                new("USD"), random.NextInt64(1_00, 50_000_00), day, day.AddDays(30)));
        }

        _matcher = new CashMatcher(items, customers, MatchPolicy.Default);
        var paid = items.Where(i => i.CustomerId == payer.CustomerId && i.ItemId.StartsWith("BIG", StringComparison.Ordinal))
            .OrderBy(_ => random.Next()).Take(Lines).ToList();
        var total = new Money(paid.Sum(i => i.OpenMinor), new("USD"));
        _withAmounts = [new Payment("EDI820", total, payer.Name, null, [.. paid.Select(i => new RemittanceLine(i.InvoiceNumber, i.OpenMinor, RemittanceKind.Invoice))], null, "bench", 1)];
        _freeText = [new Payment("TEXT", total, payer.Name, null, [], string.Join(' ', paid.Select(i => i.InvoiceNumber)), "bench", 1)];
    }

    [Benchmark(Description = "1,000 lines with amounts (EDI 820 RMR), per payment")]
    public int WithAmounts() => Decided(_matcher.Propose(_withAmounts));

    [Benchmark(Description = "1,000 numbers in free text, per payment")]
    public int FreeText() => Decided(_matcher.Propose(_freeText));

    // Decided line by line, or the benchmark measures the wrong path.
    private static int Decided(MatchResult result) =>
        result.Applications.Count == Lines && result.Exceptions.Count == 0
            ? result.Applications.Count
            : throw new InvalidOperationException($"The long remittance was not applied line by line: {result.Applications.Count} applications, {result.Exceptions.Count} exceptions.");

    /// <summary>Remittance lines per second beside the mean.</summary>
    private sealed class Throughput : ManualConfig
    {
        public Throughput() =>
            AddColumn(new ThroughputColumn("LinesPerSecond", "Lines/s", "Remittance lines decided per second, from the mean", () => Lines, cpu: false));
    }
}
