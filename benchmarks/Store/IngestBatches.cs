using System.Globalization;
using System.Text;
using CashApp.Engine.Ar;
using CashApp.Engine.Matching;
using CashApp.Engine.Model;
using CashApp.Parsers.Currency;
using CashApp.Store;

namespace CashApp.Benchmarks.Store;

/// <summary>
/// A day's bank files ingested through the served path (a real SQLite store, <see cref="LedgerService"/>) with a
/// given <c>--ingest-batch</c>, written as <c>cashapp match</c> writes a run, so that a scorer compares batch sizes
/// with each other and with the one-run batch command (issue 16). Usage:
/// <c>dotnet run -c Release --project benchmarks -- ingest-batches --day DIR --batch N --out RUN [--bank NAME ...]</c>
/// (<c>--batch 0</c> for one batch per file; the day's bank files in name order unless named).
/// </summary>
internal static class IngestBatches
{
    private static readonly CultureInfo Ci = CultureInfo.InvariantCulture;

    public static async Task<int> RunAsync(string[] args)
    {
        string? day = null, output = null;
        var batch = 0;
        var banks = new List<string>();
        for (var i = 0; i < args.Length; i++)
        {
            string Next() => i + 1 < args.Length ? args[++i] : throw new ArgumentException($"{args[i]} needs a value");
            switch (args[i])
            {
                case "--day": day = Next(); break;
                case "--out": output = Next(); break;
                case "--batch": batch = int.Parse(Next(), Ci); break;
                case "--bank": banks.Add(Next()); break;
                default: throw new ArgumentException($"unknown option {args[i]}");
            }
        }

        if (day is null || output is null)
        {
            Console.Error.WriteLine("ingest-batches --day DIR --batch N --out RUN [--bank NAME ...]");
            return 2;
        }

        var files = banks.Count > 0
            ? [.. banks.Select(b => Path.Combine(day, "bank", b))]
            : Directory.GetFiles(Path.Combine(day, "bank")).Order(StringComparer.Ordinal).ToList();
        Directory.CreateDirectory(output);
        var db = Path.Combine(output, "ledger.db");
        File.Delete(db);
        await using (var store = await CashStores.OpenSqliteAsync(db, TimeProvider.System))
        {
            await store.UpsertCustomersAsync(ArFiles.ReadCustomers(Path.Combine(day, "customers.csv")), "bench");
            await store.UpsertOpenItemsAsync(ArFiles.ReadOpenItems(Path.Combine(day, "open_items.csv")), "bench");
            var ledger = new LedgerService(store, MatchPolicy.Default) { IngestBatchSize = batch > 0 ? batch : int.MaxValue };
            var started = System.Diagnostics.Stopwatch.StartNew();
            foreach (var path in files)
            {
                await using var content = File.OpenRead(path);
                var hash = LedgerService.ContentHash(await File.ReadAllBytesAsync(path));
                var result = await ledger.IngestBankFileAsync(content, Path.GetFileName(path), hash, new IngestOptions());
                Console.Error.WriteLine(string.Create(Ci, $"{Path.GetFileName(path)}: {result.NewCredits} credits, {result.File.ApplicationCount} applications"));
            }

            Console.Error.WriteLine(string.Create(Ci, $"ingested in {started.Elapsed.TotalSeconds:F1} s with batches of {(batch > 0 ? batch.ToString(Ci) : "a whole file")}"));
            await WriteRunAsync(store, output);
        }

        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        File.Delete(db);
        return 0;
    }

    /// <summary>Writes the store's applications and exceptions as the batch run does, for the scorers.</summary>
    private static async Task WriteRunAsync(ICashStore store, string run)
    {
        var applications = new StringBuilder("payment_ref,item_id,amount,explanation\n");
        foreach (var a in (await store.ListApplicationsAsync(new ApplicationQuery { Take = int.MaxValue })).OrderBy(a => a.Id))
        {
            applications.Append(Ci, $"{Csv(a.PaymentRef)},{Csv(a.ItemId)},{Amount(a.Amount)},{Csv(a.Explanation)}\n");
        }

        var exceptions = new StringBuilder("payment_ref,unapplied_amount,reason,detail\n");
        long? after = null;
        do
        {
            var page = await store.ListExceptionsAsync(new ExceptionQuery { AfterId = after, Take = 1000 });
            foreach (var e in page.Items)
            {
                exceptions.Append(Ci, $"{Csv(e.PaymentRef)},{Amount(e.Unapplied)},{LedgerCodes.Of(e.Reason)},{Csv(e.Detail)}\n");
            }

            after = page.NextAfterId;
        }
        while (after is not null);

        await File.WriteAllTextAsync(Path.Combine(run, "applications.csv"), applications.ToString());
        await File.WriteAllTextAsync(Path.Combine(run, "exceptions.csv"), exceptions.ToString());
    }

    private static string Amount(Money money) => MinorUnits.Format(money.Minor, money.Currency.MinorDigits);

    private static string Csv(string? text) =>
        text is null ? "" : text.AsSpan().IndexOfAny(",\"\r\n") >= 0 ? "\"" + text.Replace("\"", "\"\"", StringComparison.Ordinal) + "\"" : text;
}
