using System.Diagnostics;
using System.Globalization;
using CashApp.Engine.Model;
using CashApp.Parsers.Currency;
using CashApp.Store;

namespace CashApp.Benchmarks.Store;

/// <summary>
/// What a served matcher's poll of the store's change log costs on a store (issue 16): the poll when nothing changed
/// (what a server pays every second), the full read it replaces, and the poll after writes of a few items. Opening
/// the store upgrades it (adds the log), so point it at a copy. Usage:
/// <c>dotnet benchmarks/bin/Release/net10.0/CashApp.Benchmarks.dll change-poll --db COPY.db [--polls N] [--items K]</c>.
/// </summary>
internal static class ChangePoll
{
    private static readonly CultureInfo Ci = CultureInfo.InvariantCulture;

    public static async Task<int> RunAsync(string[] args)
    {
        string? db = null;
        int polls = 10_000, items = 100;
        for (var i = 0; i < args.Length; i++)
        {
            string Next() => i + 1 < args.Length ? args[++i] : throw new ArgumentException($"{args[i]} needs a value");
            switch (args[i])
            {
                case "--db": db = Next(); break;
                case "--polls": polls = int.Parse(Next(), Ci); break;
                case "--items": items = int.Parse(Next(), Ci); break;
                default: throw new ArgumentException($"unknown option {args[i]}");
            }
        }

        if (db is null)
        {
            Console.Error.WriteLine("change-poll --db COPY.db [--polls N] [--items K]");
            return 2;
        }

        var opening = Stopwatch.StartNew();
        await using var store = await CashStores.OpenSqliteAsync(db, TimeProvider.System);
        Console.WriteLine(string.Create(Ci, $"open and upgrade: {opening.Elapsed.TotalSeconds:0.00} s"));
        var feed = (IChangeFeed)store;
        var version = await feed.GetChangeVersionAsync();

        // Warm the pool and the pages, then time the polls that find nothing.
        for (var i = 0; i < 100; i++)
        {
            await feed.ListChangesAsync(version, 10_000);
        }

        var timer = Stopwatch.StartNew();
        for (var i = 0; i < polls; i++)
        {
            var none = await feed.ListChangesAsync(version, 10_000);
            if (none is not { IsEmpty: true })
            {
                throw new InvalidOperationException("the store changed during the run");
            }
        }

        Console.WriteLine(string.Create(Ci, $"poll, nothing changed: {timer.Elapsed.TotalMicroseconds / polls:0.0} µs per poll ({polls} polls)"));

        // Writes of a few items, then one poll that lists them (the items are new, in a currency of their own, and
        // closed again so the store keeps its open amounts).
        var date = new DateOnly(2026, 12, 3);
        var written = Enumerable.Range(0, items).Select(i => new OpenItem($"ZZ-POLL-{i:D6}", DocType.Invoice, "ZZ-POLL", "Poll Bench", $"ZZ-{i:D6}", null, new CurrencyCode("USD"), 1_00, date, date)).ToList();
        var writing = Stopwatch.StartNew();
        await store.UpsertOpenItemsAsync(written, "bench");
        var wrote = writing.Elapsed;
        timer.Restart();
        var changes = await feed.ListChangesAsync(version, 10_000);
        var listed = timer.Elapsed;
        Console.WriteLine(string.Create(Ci, $"upsert of {items} items: {wrote.TotalMilliseconds:0.0} ms; the poll that lists them: {listed.TotalMicroseconds:0} µs ({changes?.ItemIds.Count} items)"));
        await store.CloseOpenItemsAsync([.. written.Select(w => w.ItemId)], "bench", "change-poll benchmark");

        timer.Restart();
        var snapshot = await store.LoadSnapshotAsync();
        Console.WriteLine(string.Create(Ci, $"full read it replaces: {timer.Elapsed.TotalSeconds:0.0} s ({snapshot.OpenItems.Count} open items, before indexing)"));
        return 0;
    }
}
