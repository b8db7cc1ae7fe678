using BenchmarkDotNet.Attributes;
using BenchmarkDotNet.Configs;
using CashApp.Engine.Matching;
using CashApp.Engine.Model;

namespace CashApp.Benchmarks.Matching;

/// <summary>
/// The matchers of issue 6, as BenchmarkDotNet measures them: exact matching against 1M open items (the
/// whole path and the decision alone, per payment), a fuzzy reference lookup against 1M items, a name
/// lookup against 100k customers, and subset-sum searches of up to 6 and up to 3 of 60 items. Means per operation;
/// the p99 targets are measured call by call by the <c>matcher</c> runner (<see cref="MatcherLatency"/>).
/// Run: <c>dotnet run -c Release --project benchmarks -- --filter '*MatcherBenchmarks*' --job short</c>.
/// </summary>
[MemoryDiagnoser]
[Config(typeof(Throughput))]
public class MatcherBenchmarks
{
    private const int Batch = 10_000;
    private const int Lookups = 1_000;

    private CashMatcher _matcher = null!;
    private List<Payment> _payments = null!;
    private DeleteNeighbourhoodIndex _fuzzy = null!;
    private char[][] _slips = null!;
    private CustomerDirectory _directory = null!;
    private string[] _names = null!;
    private long[][] _amounts = null!;
    private long[] _targets = null!;
    private readonly List<Neighbour> _found = [];

    [GlobalSetup]
    public void Setup()
    {
        var random = new Random(20261123);
        var customers = MatcherDay.Customers(100_000, random);
        var items = MatcherDay.Items(1_000_000, customers, random);
        _matcher = new CashMatcher(items, customers, MatchPolicy.Default);
        _payments = MatcherDay.ExactPayments(items, Batch, random);

        // Fuzzy: the core of a random real number with one digit changed.
        var keys = items.Select((item, i) => (ReferenceText.CoreKey(ReferenceText.FullKey(item.InvoiceNumber))!, i)).ToList();
        _fuzzy = DeleteNeighbourhoodIndex.Build(keys);
        _slips = [.. Enumerable.Range(0, Lookups).Select(_ =>
        {
            var key = keys[random.Next(keys.Count)].Item1.ToCharArray();
            key[random.Next(key.Length)] = (char)('0' + random.Next(10));
            return key;
        })];

        // Names: as a bank prints them, upper case and cut at an ACH field's 16 or 22 characters.
        _directory = new CustomerDirectory(customers, []);
        _names = [.. Enumerable.Range(0, Lookups).Select(_ =>
        {
            var name = customers[random.Next(customers.Count)].Name.ToUpperInvariant();
            var width = random.Next(2) == 0 ? 16 : 22;
            return name.Length > width ? name[..width] : name;
        })];

        // Subset sum: 60 amounts, a target that 2 to 6 of them make.
        _amounts = [.. Enumerable.Range(0, Lookups).Select(_ => Enumerable.Range(0, 60).Select(_ => random.NextInt64(1_00, 100_000_00)).ToArray())];
        _targets = [.. _amounts.Select(a => a.OrderBy(_ => random.Next()).Take(random.Next(2, 7)).Sum())];
    }

    /// <summary>The whole path of the match API: decisions, applications with explanations, amounts given back.</summary>
    [Benchmark(OperationsPerInvoke = Batch, Description = "exact, whole path (Propose), per payment")]
    public int ExactWholePath() => _matcher.Propose(_payments).Applications.Count;

    /// <summary>The exact matcher's decision: every payment found and confirmed, none applied.</summary>
    [Benchmark(OperationsPerInvoke = Batch, Description = "exact, the decision alone, per payment")]
    public int ExactDecision() => _matcher.CountDecidedAtOnce(_payments);

    [Benchmark(OperationsPerInvoke = Lookups, Description = "fuzzy reference lookup, 1M items")]
    public int FuzzyLookup()
    {
        var found = 0;
        foreach (var slip in _slips)
        {
            _found.Clear();
            _fuzzy.Candidates(slip, _found);
            found += _found.Count;
        }

        return found;
    }

    [Benchmark(OperationsPerInvoke = Lookups, Description = "name lookup, 100k customers")]
    public int NameLookup()
    {
        var found = 0;
        foreach (var name in _names)
        {
            found += _directory.ByName(name).Count;
        }

        return found;
    }

    [Benchmark(OperationsPerInvoke = Lookups, Description = "subset sum, up to 6 of 60 items")]
    public int SubsetSearch() => SubsetSearches(6);

    /// <summary>
    /// The same amounts and targets, at most three items a combination: a search with nothing to add to a subset, which
    /// tables none. The targets are sums of 2 to 6 items, so most of these searches find nothing and make every subset.
    /// (Searches of at most one, two or three items were 26,000 of 58,000 on the 200k day, session 36.)
    /// </summary>
    [Benchmark(OperationsPerInvoke = Lookups, Description = "subset sum, up to 3 of 60 items")]
    public int SubsetSearchOfThree() => SubsetSearches(3);

    private int SubsetSearches(int maxSize)
    {
        var found = 0;
        for (var i = 0; i < _amounts.Length; i++)
        {
            found += SubsetSum.Find(_amounts[i], _targets[i], maxSize, 3, MatchPolicy.Default.CombinationBudget, out _).Count;
        }

        return found;
    }

    /// <summary>Operations per second beside the mean: payments for the exact rows, lookups or searches for the rest.</summary>
    private sealed class Throughput : ManualConfig
    {
        public Throughput() =>
            AddColumn(new ThroughputColumn("OpsPerSecond", "Ops/s", "Operations per second (payments, lookups or searches), from the mean", () => 1, cpu: false));
    }
}
