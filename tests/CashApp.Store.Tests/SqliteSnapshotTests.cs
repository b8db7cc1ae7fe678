using CashApp.Store;
using CashApp.Engine.Model;
using CashApp.Parsers.Currency;
using Microsoft.Data.Sqlite;
using static CashApp.Store.Tests.Ledger;

namespace CashApp.Store.Tests;

/// <summary>
/// SQLite reads the matching snapshot through its own statement API, on one connection or in two halves on
/// two: whichever way, the snapshot holds exactly the items the portable reader returns, in the same order.
/// </summary>
public sealed class SqliteSnapshotTests : IAsyncLifetime
{
    private const int ItemCount = 2_000;

    private readonly string _directory = Directory.CreateTempSubdirectory("cashapp-snapshot-").FullName;
    private readonly ManualClock _clock = new();
    private readonly List<SqliteCashStore> _opened = [];

    private string DatabasePath => Path.Combine(_directory, "cashapp.db");

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync()
    {
        foreach (var store in _opened)
        {
            await store.DisposeAsync();
        }

        Directory.Delete(_directory, recursive: true);
    }

    private async Task<SqliteCashStore> OpenAsync(long parallelReadRowids)
    {
        var store = new SqliteCashStore(DatabasePath, _clock) { ParallelReadRowids = parallelReadRowids };
        _opened.Add(store);
        await store.MigrateAsync();
        return store;
    }

    /// <summary>
    /// A ledger with what a reader can get wrong: three document types, three currencies, missing and empty PO
    /// numbers, non-ASCII and long customer names, customers that come back after others, closed and partly
    /// applied items. Returns the items the snapshot must hold, in rowid order.
    /// </summary>
    private static async Task<List<OpenItem>> SeedAsync(SqliteCashStore store)
    {
        string[] currencies = ["USD", "EUR", "JPY"];
        var items = new List<OpenItem>();
        for (var i = 0; i < ItemCount; i++)
        {
            // Customers in runs of 7, and every 10th item goes back to customer 3.
            var customer = i % 10 == 9 ? 3 : i / 7;
            var docType = (i % 11) switch { 0 => DocType.CreditMemo, 1 => DocType.DebitMemo, _ => DocType.Invoice };
            var open = 1_000L + i;
            items.Add(new OpenItem(
                $"I{i:D5}",
                docType,
                $"C{customer}",
                customer % 4 == 0 ? $"Zürich Baugesellschaft Ø {customer} — ß" : customer % 4 == 1 ? new string('N', 300) + customer : $"Customer {customer}",
                $"INV-{i}",
                (i % 3) switch { 0 => null, 1 => "", _ => $"PO-{i}" },
                new CurrencyCode(currencies[i % 3]),
                docType == DocType.CreditMemo ? -open : open,
                new DateOnly(2026, 1 + (i % 12), 1 + (i % 28)),
                new DateOnly(2027, 1 + (i % 12), 1 + (i % 28))));
        }

        await store.UpsertOpenItemsAsync(items, "ar");
        var closed = items.Where((_, i) => i % 13 == 5).Select(item => item.ItemId).ToList();
        await store.CloseOpenItemsAsync(closed, "ar", "paid elsewhere");

        // Apply part of a few USD invoices (item index i % 3 == 0 is USD).
        var applied = items.Where((item, i) => i % 3 == 0 && i % 13 != 5 && item.DocType == DocType.Invoice).Take(20).ToList();
        await store.StoreIngestAsync(Batch(
            "h1",
            [.. applied.Select((item, n) => Credit($"P{n}", 100))],
            [.. applied.Select((item, n) => Apply($"P{n}", item.ItemId, 100))]));

        var appliedIds = applied.Select(item => item.ItemId).ToHashSet(StringComparer.Ordinal);
        var closedIds = closed.ToHashSet(StringComparer.Ordinal);

        // The store keeps an empty PO number as none.
        return [.. items
            .Where(item => !closedIds.Contains(item.ItemId))
            .Select(item => item with
            {
                PoNumber = string.IsNullOrEmpty(item.PoNumber) ? null : item.PoNumber,
                OpenMinor = appliedIds.Contains(item.ItemId) ? item.OpenMinor - 100 : item.OpenMinor,
            })];
    }

    [Theory]
    [InlineData(long.MaxValue)]
    [InlineData(100)]
    [InlineData(1)]
    public async Task LoadSnapshot_OneConnectionOrTwoHalves_ExactlyThePortableItemsInOrder(long parallelReadRowids)
    {
        var store = await OpenAsync(parallelReadRowids);
        var expected = await SeedAsync(store);
        await store.UpsertCustomersAsync([Customer("C1"), Customer("C2", "Birch Ltd")], "ar");

        var snapshot = await store.LoadSnapshotAsync();
        var portable = await store.LoadSnapshotPortableAsync();

        Assert.Equal(expected, snapshot.OpenItems);
        Assert.Equal(portable.OpenItems, snapshot.OpenItems);
        Assert.Equal(portable.Customers.Select(c => c.CustomerId), snapshot.Customers.Select(c => c.CustomerId));
        Assert.Equal(_clock.GetUtcNow(), snapshot.TakenAt);
    }

    [Fact]
    public async Task LoadSnapshot_ItemsOfOneCustomer_ShareOneCopyOfItsStrings()
    {
        var store = await OpenAsync(long.MaxValue);
        await SeedAsync(store);

        var snapshot = await store.LoadSnapshotAsync();

        foreach (var customer in snapshot.OpenItems.GroupBy(item => item.CustomerId))
        {
            Assert.Single(customer.Select(item => item.CustomerId).Distinct(ReferenceEqualityComparer.Instance));
            Assert.Single(customer.Select(item => item.CustomerName).Distinct(ReferenceEqualityComparer.Instance));
        }
    }

    [Fact]
    public async Task LoadSnapshot_EmptyLedger_NoItems()
    {
        var store = await OpenAsync(1);

        var snapshot = await store.LoadSnapshotAsync();

        Assert.Empty(snapshot.OpenItems);
        Assert.Empty(snapshot.Customers);
    }

    [Fact]
    public async Task LoadSnapshot_InTwoHalvesWhileAnotherConnectionWrites_BothHalvesSeeOneCommittedState()
    {
        var store = await OpenAsync(1);
        await SeedAsync(store);

        // A writer keeps raising every item's open amount by one, one transaction per round; a snapshot whose
        // halves saw different commits would hold items from two rounds.
        using var stop = new CancellationTokenSource();
        var writer = Task.Run(async () =>
        {
            await using var connection = new SqliteConnection($"Data Source={DatabasePath}");
            await connection.OpenAsync();
            await using var busy = connection.CreateCommand();
            busy.CommandText = "PRAGMA busy_timeout = 30000";
            await busy.ExecuteNonQueryAsync();
            var rounds = 0;
            while (!stop.IsCancellationRequested)
            {
                await using var command = connection.CreateCommand();
                command.CommandText = "UPDATE open_items SET remaining_minor = remaining_minor + 1 WHERE status = 'open'";
                await command.ExecuteNonQueryAsync();
                rounds++;
            }

            return rounds;
        });

        var before = (await store.LoadSnapshotPortableAsync()).OpenItems.ToDictionary(item => item.ItemId, item => item.OpenMinor);
        for (var i = 0; i < 10; i++)
        {
            var snapshot = await store.LoadSnapshotAsync();
            var rounds = snapshot.OpenItems.Select(item => item.OpenMinor - before[item.ItemId]).Distinct();
            Assert.Single(rounds);
        }

        await stop.CancelAsync();
        Assert.True(await writer > 0);
    }

    [Fact]
    public async Task RowidRangeRead_QueryPlan_SeeksTheRowidRange()
    {
        await OpenAsync(long.MaxValue);
        await using var connection = new SqliteConnection($"Data Source={DatabasePath};Pooling=False");
        await connection.OpenAsync();
        await using var command = connection.CreateCommand();
        command.CommandText = "EXPLAIN QUERY PLAN " + SqliteStatements.SelectOpenItemsInRowidRange;
        await using var reader = await command.ExecuteReaderAsync();

        Assert.True(await reader.ReadAsync());
        Assert.StartsWith("SEARCH open_items USING INTEGER PRIMARY KEY (rowid>? AND rowid<?)", reader.GetString(3), StringComparison.Ordinal);
    }
}

/// <summary>The string cache the snapshot readers share customer strings through.</summary>
public sealed class SharedStringsTests
{
    [Fact]
    public void Get_SameValueAsUtf8AndAsString_OneInstance()
    {
        var shared = new SharedStrings();

        var first = shared.Get("Zürich Ø"u8);
        var second = shared.Get(new string("Zürich Ø".AsSpan()));
        var third = shared.Get("Zürich Ø"u8);

        Assert.Equal("Zürich Ø", first);
        Assert.Same(first, second);
        Assert.Same(first, third);
    }

    [Fact]
    public void Get_Utf8AfterADifferentString_NotTheEarlierValue()
    {
        var shared = new SharedStrings();

        Assert.Equal("A", shared.Get("A"u8));
        Assert.Equal("B", shared.Get("B"));
        Assert.Equal("A", shared.Get("A"u8));
        Assert.Equal("C", shared.Get("C"u8));
    }

    [Fact]
    public void Get_LongerThanTheStackBuffer_SharedToo()
    {
        var shared = new SharedStrings();
        var text = new string('ß', 400);

        var first = shared.Get(System.Text.Encoding.UTF8.GetBytes(text));
        var second = shared.Get(System.Text.Encoding.UTF8.GetBytes(text + "x").AsSpan(0, 800));

        Assert.Equal(text, first);
        Assert.Same(first, second);
    }
}
