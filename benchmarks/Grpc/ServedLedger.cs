using System.Diagnostics;
using System.Globalization;
using CashApp.Engine.Ar;
using CashApp.Engine.Model;
using CashApp.Grpc.Matching;
using CashApp.Store;

namespace CashApp.Benchmarks.Grpc;

/// <summary>A large ledger for the load test: a ScaleGen day's customers and open items, written into a SQLite store once.</summary>
internal static class ServedLedger
{
    private const int Batch = 100_000;

    /// <summary>Reads the day's AR files; writes them into the store at <paramref name="db"/> unless it holds them already.</summary>
    public static async Task<(List<OpenItem> Items, List<Customer> Customers)> PrepareAsync(string folder, string db)
    {
        var watch = Stopwatch.StartNew();
        var items = ArFiles.ReadOpenItems(Path.Combine(folder, "open_items.csv"));
        var customers = ArFiles.ReadCustomers(Path.Combine(folder, "customers.csv"));
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"read {items.Count:N0} open items and {customers.Count:N0} customers from {folder} in {watch.Elapsed.TotalSeconds:F1} s"));
        await using var store = await CashStores.OpenSqliteAsync(db, TimeProvider.System).ConfigureAwait(false);
        if (await store.GetOpenItemAsync(items[^1].ItemId).ConfigureAwait(false) is not null)
        {
            await PruneAsync(store, db).ConfigureAwait(false);
            return (items, customers);
        }

        watch.Restart();
        for (var at = 0; at < customers.Count; at += Batch)
        {
            await store.UpsertCustomersAsync(customers.GetRange(at, Math.Min(Batch, customers.Count - at)), "grpc-load").ConfigureAwait(false);
        }

        for (var at = 0; at < items.Count; at += Batch)
        {
            await store.UpsertOpenItemsAsync(items.GetRange(at, Math.Min(Batch, items.Count - at)), "grpc-load").ConfigureAwait(false);
        }

        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"wrote them into {db} in {watch.Elapsed.TotalSeconds:F1} s"));
        await PruneAsync(store, db).ConfigureAwait(false);
        return (items, customers);
    }

    /// <summary>
    /// Leaves the store's change log as a server leaves it: the upserts above logged a row for each of the 5.5 million
    /// items and customers, and a served store keeps the newest <see cref="LiveMatcher.ChangeLogKeep"/>. A server prunes
    /// the rest a minute after it starts, and deleting 5.4 million rows took about a third of the served core for
    /// minutes: the load phases measured that prune rather than the calls. Done here once, on the store the runs copy.
    /// </summary>
    private static async Task PruneAsync(ICashStore store, string db)
    {
        if (store is IChangeFeed feed)
        {
            var watch = Stopwatch.StartNew();
            var deleted = await feed.PruneChangesAsync(LiveMatcher.ChangeLogKeep).ConfigureAwait(false);
            if (deleted > 0)
            {
                Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"pruned {deleted:N0} rows of the change log of {db} in {watch.Elapsed.TotalSeconds:F1} s, as a server would a minute after it starts"));
            }
        }
    }
}
