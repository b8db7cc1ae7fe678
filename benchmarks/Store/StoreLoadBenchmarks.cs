using BenchmarkDotNet.Attributes;
using CashApp.Store;
using Microsoft.Data.Sqlite;

namespace CashApp.Benchmarks.Store;

/// <summary>
/// Loading every open item of a 5 million item ledger from SQLite into memory, as matching does at the start
/// of an ingest. Target: under 10 s. The ledger is built once (kept at <c>CASHAPP_BENCH_5M</c>, default in the
/// temp folder) and reused by later runs.
/// </summary>
[MemoryDiagnoser]
[Config(typeof(LongStoreJobConfig))]
public class StoreLoadBenchmarks
{
    private const int ItemCount = 5_000_000;

    private string _path = "";
    private ICashStore _store = null!;
    private ICashStore _oneConnection = null!;

    [GlobalSetup]
    public void Setup()
    {
        _path = Environment.GetEnvironmentVariable("CASHAPP_BENCH_5M") is { Length: > 0 } path ? path : Path.Combine(Path.GetTempPath(), "cashapp-bench-5m.db");
        _store = CashStores.OpenSqliteAsync(_path, TimeProvider.System).GetAwaiter().GetResult();
        if (_store.GetOpenItemAsync("X4999999").GetAwaiter().GetResult() is null)
        {
            Seed(_path);
        }

        Checkpoint(_path);
        _oneConnection = OpenOneConnectionStore(_path);
    }

    /// <summary>A store that reads every snapshot on one connection, however large the ledger.</summary>
    [System.Diagnostics.CodeAnalysis.SuppressMessage("Performance", "CA1859", Justification = "Both stores are called through the interface callers use; as a field of the concrete type CA1001 would ask this class to own it.")]
    private static ICashStore OpenOneConnectionStore(string path)
    {
        var store = new SqliteCashStore(path, TimeProvider.System) { ParallelReadRowids = long.MaxValue };
        store.MigrateAsync().GetAwaiter().GetResult();
        return store;
    }

    /// <summary>
    /// Writes the 5 million items straight into the store's open_items table in one transaction (set-up
    /// only: AR sync's upsert path reports per row, which a one-off bulk load does not need).
    /// </summary>
    private static void Seed(string path)
    {
        using var connection = new SqliteConnection($"Data Source={path}");
        connection.Open();
        using var transaction = connection.BeginTransaction();
        using var command = connection.CreateCommand();
        command.Transaction = transaction;
        command.CommandText = """
            INSERT INTO open_items (item_id, doc_type, customer_id, customer_name, invoice_number, po_number, currency,
                                    remaining_minor, doc_date, due_date, ar_open_minor, applied_minor, status, row_version, updated_at)
            VALUES (@item_id, @doc_type, @customer_id, @customer_name, @invoice_number, @po_number, 'USD',
                    @open, @doc_date, @due_date, @open, 0, 'open', 1, '2026-11-23T00:00:00.0000000Z')
            """;
        var itemId = command.Parameters.Add("@item_id", SqliteType.Text);
        var docType = command.Parameters.Add("@doc_type", SqliteType.Text);
        var customerId = command.Parameters.Add("@customer_id", SqliteType.Text);
        var customerName = command.Parameters.Add("@customer_name", SqliteType.Text);
        var invoiceNumber = command.Parameters.Add("@invoice_number", SqliteType.Text);
        var poNumber = command.Parameters.Add("@po_number", SqliteType.Text);
        var open = command.Parameters.Add("@open", SqliteType.Integer);
        var docDate = command.Parameters.Add("@doc_date", SqliteType.Integer);
        var dueDate = command.Parameters.Add("@due_date", SqliteType.Integer);
        for (var i = 0; i < ItemCount; i++)
        {
            var customer = i / 50;
            var creditMemo = i % 17 == 0;
            itemId.Value = $"X{i}";
            docType.Value = creditMemo ? "CM" : "INV";
            customerId.Value = $"C{customer}";
            customerName.Value = $"Customer {customer} Holdings Incorporated";
            invoiceNumber.Value = $"INV-{1_000_000 + i}";
            poNumber.Value = i % 3 == 0 ? DBNull.Value : $"PO-{i}";
            open.Value = creditMemo ? -(1_000L + (i % 50_000)) : 1_000L + (i % 5_000_000);
            docDate.Value = 20260101 + (i % 28);
            dueDate.Value = 20260201 + (i % 28);
            command.ExecuteNonQuery();
        }

        transaction.Commit();
    }

    /// <summary>As SQLite's automatic checkpoint would, in time: moves a bulk load out of the WAL into the file.</summary>
    private static void Checkpoint(string path)
    {
        using var connection = new SqliteConnection($"Data Source={path}");
        connection.Open();
        using var checkpoint = connection.CreateCommand();
        checkpoint.CommandText = "PRAGMA wal_checkpoint(TRUNCATE)";
        checkpoint.ExecuteNonQuery();
    }

    private readonly InvocationMeter _meter = new();

    [IterationSetup]
    public void BeforeIteration() => _meter.Start();

    /// <summary>Prints CPU time, GC and the peak working set of the invocation.</summary>
    [IterationCleanup]
    public void AfterIteration() => _meter.Print();

    [GlobalCleanup]
    public void Cleanup()
    {
        _store.DisposeAsync().AsTask().GetAwaiter().GetResult();
        _oneConnection.DisposeAsync().AsTask().GetAwaiter().GetResult();
    }

    /// <summary>The store's snapshot: every open item as an <see cref="OpenItem"/>, and every customer (read in two halves in parallel).</summary>
    [Benchmark]
    public async Task<int> LoadSnapshot() => (await _store.LoadSnapshotAsync()).OpenItems.Count;

    /// <summary>The same snapshot read on one connection, one thread: what the two halves gain.</summary>
    [Benchmark]
    public async Task<int> LoadSnapshotOneConnection() => (await _oneConnection.LoadSnapshotAsync()).OpenItems.Count;

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
