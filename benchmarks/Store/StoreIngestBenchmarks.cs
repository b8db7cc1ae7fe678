using BenchmarkDotNet.Attributes;
using CashApp.Store;
using CashApp.Engine.Matching;
using CashApp.Engine.Model;
using CashApp.Parsers.Common;

namespace CashApp.Benchmarks.Store;

/// <summary>
/// Ingesting a cashbench day (3,000 payments; snapshot, matching and the store transaction included) into a
/// SQLite ledger that holds the day's open items and customers. Target: under 2 s.
/// </summary>
/// <remarks>
/// <see cref="IngestBankFiles"/> reads the three real bank files; while a reader is still a placeholder the
/// benchmark says so and <see cref="IngestDayFromTruth"/> (the same credits built from the truth files)
/// carries the figure.
/// </remarks>
[MemoryDiagnoser]
[Config(typeof(StoreJobConfig))]
public class StoreIngestBenchmarks
{
    private string _directory = "";
    private string _template = "";
    private string _database = "";
    private CashbenchDay _day = null!;
    private List<BankTransaction> _truth = [];
    private List<(string Name, byte[] Content)> _files = [];
    private ICashStore _store = null!;
    private IngestBatch _matched = null!;

    [GlobalSetup]
    public void Setup()
    {
        _day = CashbenchDay.Load();
        _truth = _day.TransactionsFromTruth();
        _files = [.. _day.BankFiles.Select(f => (Path.GetFileName(f), File.ReadAllBytes(f)))];
        _directory = Directory.CreateTempSubdirectory("cashapp-bench-ingest-").FullName;
        _template = Path.Combine(_directory, "template.db");
        _database = Path.Combine(_directory, "cashapp.db");
        Task.Run(async () =>
        {
            await using var store = await CashStores.OpenSqliteAsync(_template, TimeProvider.System);
            await store.UpsertCustomersAsync(_day.Customers, "bench");
            await store.UpsertOpenItemsAsync(_day.OpenItems, "bench");
        }).GetAwaiter().GetResult();
        _matched = MatchOnce();
        Console.WriteLine($"// cashbench day: {_day.OpenItems.Count} open items, {_day.Customers.Count} customers, {_truth.Count} payments");
    }

    private IngestBatch MatchOnce()
    {
        var payments = _truth.Select(Payment.FromTransaction).ToList();
        var result = new CashMatcher(_day.OpenItems, _day.Customers, MatchPolicy.Default).Match(payments);
        return new IngestBatch
        {
            FileName = "truth",
            ContentHash = "matched",
            Format = BankFileFormat.Bai2,
            Actor = "bench",
            Credits = _truth,
            Applications = result.Applications,
            Exceptions = result.Exceptions,
            OnStaleItem = StaleItemPolicy.SendToExceptions,
        };
    }

    /// <summary>CPU time, GC and peak working set of each invocation, printed beside BenchmarkDotNet's wall time.</summary>
    private readonly InvocationMeter _meter = new();

    [IterationSetup]
    public void FreshLedger()
    {
        foreach (var suffix in (string[])["", "-wal", "-shm"])
        {
            File.Delete(_database + suffix);
        }

        File.Copy(_template, _database);
        _store = CashStores.OpenSqliteAsync(_database, TimeProvider.System).GetAwaiter().GetResult();
        _meter.Start();
    }

    [IterationCleanup]
    public void CloseLedger()
    {
        _meter.Print();
        _store.DisposeAsync().AsTask().GetAwaiter().GetResult();
    }

    [GlobalCleanup]
    public void Cleanup() => Directory.Delete(_directory, recursive: true);

    /// <summary>The 3,000 credits built from the truth files, matched and stored in one transaction.</summary>
    [Benchmark(Baseline = true)]
    public async Task<int> IngestDayFromTruth()
    {
        var service = new LedgerService(_store);
        var stored = await service.StoreTransactionsAsync(_truth, "truth", "truth-" + Guid.NewGuid().ToString("N"), BankFileFormat.Bai2, "bench");
        return stored.File.PaymentCount;
    }

    /// <summary>The store's share alone: the same day, matched beforehand, stored in one transaction.</summary>
    [Benchmark]
    public async Task<int> StoreMatchedDay()
    {
        var result = await _store.StoreIngestAsync(_matched with { ContentHash = Guid.NewGuid().ToString("N") });
        return result.File!.PaymentCount;
    }

    /// <summary>The snapshot matching starts from: every open item and customer, read in one transaction.</summary>
    [Benchmark]
    public async Task<int> LoadDaySnapshot() => (await _store.LoadSnapshotAsync()).OpenItems.Count;

    /// <summary>The three real bank files, read, matched and stored (one transaction each).</summary>
    [Benchmark]
    public async Task<int> IngestBankFiles()
    {
        var service = new LedgerService(_store);
        var payments = 0;
        foreach (var (name, content) in _files)
        {
            // As the gRPC ingest does it: read whole, then matched and stored in one transaction.
            var format = BankFiles.Detect(content.AsSpan(0, Math.Min(content.Length, BankFiles.DetectionWindow)));
            await using var stream = new MemoryStream(content, writable: false);
            var transactions = new List<BankTransaction>();
            await foreach (var transaction in BankFiles.ReadAsync(stream, name, format, new BankFileReadOptions(), warnings: null))
            {
                transactions.Add(transaction);
            }

            var stored = await service.StoreTransactionsAsync(transactions, name, LedgerService.ContentHash(content), format, "bench");
            payments += stored.File.PaymentCount;
        }

        return payments;
    }
}
