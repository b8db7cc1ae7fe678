using BenchmarkDotNet.Attributes;
using CashApp.Engine.Ledger;
using CashApp.Engine.Model;
using CashApp.Parsers.Currency;
using Microsoft.Data.Sqlite;

namespace CashApp.Benchmarks.Store;

/// <summary>
/// Loading every open item of a 5 million item ledger from SQLite into memory, as matching does at the start
/// of an ingest. Target: under 10 s. The ledger is built once (kept at <c>CASHAPP_BENCH_5M</c>, default in the
/// temp folder) and reused by later runs.
/// </summary>
[MemoryDiagnoser]
[Config(typeof(StoreJobConfig))]
public class StoreLoadBenchmarks
{
    private const int ItemCount = 5_000_000;

    private string _path = "";
    private ICashStore _store = null!;

    [GlobalSetup]
    public void Setup()
    {
        _path = Environment.GetEnvironmentVariable("CASHAPP_BENCH_5M") is { Length: > 0 } path ? path : Path.Combine(Path.GetTempPath(), "cashapp-bench-5m.db");
        _store = CashStores.OpenSqliteAsync(_path, TimeProvider.System).GetAwaiter().GetResult();
        if (_store.GetOpenItemAsync("X4999999").GetAwaiter().GetResult() is null)
        {
            var usd = new CurrencyCode("USD");
            var items = new List<OpenItem>(ItemCount);
            for (var i = 0; i < ItemCount; i++)
            {
                var customer = i / 50;
                items.Add(new OpenItem(
                    $"X{i}",
                    i % 17 == 0 ? DocType.CreditMemo : DocType.Invoice,
                    $"C{customer}",
                    $"Customer {customer} Holdings Incorporated",
                    $"INV-{1_000_000 + i}",
                    i % 3 == 0 ? null : $"PO-{i}",
                    usd,
                    i % 17 == 0 ? -(1_000 + (i % 50_000)) : 1_000 + (i % 5_000_000),
                    new DateOnly(2026, 1, 1).AddDays(i % 300),
                    new DateOnly(2026, 2, 1).AddDays(i % 300)));
            }

            _store.UpsertOpenItemsAsync(items, "bench").GetAwaiter().GetResult();
        }
    }

    [GlobalCleanup]
    public void Cleanup() => _store.DisposeAsync().AsTask().GetAwaiter().GetResult();

    /// <summary>The store's snapshot: every open item as an <see cref="OpenItem"/>, and every customer.</summary>
    [Benchmark]
    public async Task<int> LoadSnapshot() => (await _store.LoadSnapshotAsync()).OpenItems.Count;

    /// <summary>Naive hand-written baseline: every column boxed through <c>GetValue</c> into object rows.</summary>
    [Benchmark(Baseline = true)]
    public int NaiveObjectRows()
    {
        using var connection = new SqliteConnection($"Data Source={_path}");
        connection.Open();
        using var command = connection.CreateCommand();
        command.CommandText = "SELECT * FROM open_items WHERE status = 'open'";
        using var reader = command.ExecuteReader();
        var rows = new List<object[]>();
        while (reader.Read())
        {
            var row = new object[reader.FieldCount];
            reader.GetValues(row);
            rows.Add(row);
        }

        return rows.Count;
    }
}
