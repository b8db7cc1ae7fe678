using CashApp.Engine.Ar;
using CashApp.Engine.Batch;
using CashApp.Engine.Deposits;
using CashApp.Engine.Matching;
using CashApp.Engine.Model;
using CashApp.Parsers.Common;
using CashApp.Parsers.Tests.Bai2;
using CashApp.ScaleGen;
using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;

namespace CashApp.Store.Tests;

/// <summary>
/// Served ingest in batches of any size decides a file as one run does (<c>cashapp match</c>: every payment's
/// references in payment-reference order, then payer and amount for the rest in that order), also when the ingest
/// stops after some batches and the file is sent again. Small generated days (ScaleGen, whose payment references do
/// not follow the file's order), a SQLite store of their own each.
/// </summary>
public sealed class BatchedIngestProperties : IDisposable
{
    private readonly string _directory = Directory.CreateTempSubdirectory("cashapp-batched-").FullName;
    private int _case;

    public void Dispose() => Directory.Delete(_directory, recursive: true);

    /// <summary>
    /// A few customers with a few invoices of a few amounts, and payments under random references (so their order is
    /// not the file's) that quote an invoice, or only name a customer and pay the amount of one of its invoices: many
    /// of them want the same item, and which gets it depends on the order they are decided in.
    /// </summary>
    [Property(MaxTest = 40, Replay = "(1907,2331)")]
    public Property Ingest_PaymentsWantingTheSameItemsAnyBatchSizeStoppedAnywhere_DecidesAsOneRun() =>
        Prop.ForAll(
            Gen.Choose(1, 1_000_000).Zip(Gen.Choose(1, 6)).Zip(Gen.Choose(0, 5)).Select(t => (Seed: t.Item1.Item1, Batch: t.Item1.Item2, StopAfter: t.Item2)).ToArbitrary(),
            c => Run(Contended(c.Seed), c.Batch, c.StopAfter, $"contended day {c.Seed}").GetAwaiter().GetResult());

    /// <summary>Generated days of the usual mix (ScaleGen): what batches of any size must decide alike on days like the real ones.</summary>
    [Property(MaxTest = 10, Replay = "(4711,1237)")]
    public Property Ingest_GeneratedDayAnyBatchSizeStoppedAnywhere_DecidesAsOneRun() =>
        Prop.ForAll(
            Gen.Choose(1, 100_000).Zip(Gen.Choose(1, 24)).Zip(Gen.Choose(0, 6)).Select(t => (Seed: t.Item1.Item1, Batch: t.Item1.Item2, StopAfter: t.Item2)).ToArbitrary(),
            c => Run(Generated(c.Seed), c.Batch, c.StopAfter, $"ScaleGen day {c.Seed}").GetAwaiter().GetResult());

    private static readonly string[] Names = ["Alder Forge Ltd", "Birch Quay GmbH", "Cobalt Mesa Inc", "Dunlin Works AG"];

    private static readonly long[] Amounts = [250_00, 399_99, 1_234_56, 5_000_00];

    private static Day Contended(int seed)
    {
        var random = new Random(seed);
        var customers = Names.Take(random.Next(2, Names.Length + 1)).Select((name, c) => new Customer($"C{c}", name, null, [], [])).ToList();
        var items = new List<OpenItem>();
        foreach (var customer in customers)
        {
            for (var i = random.Next(1, 4); i > 0; i--)
            {
                var n = items.Count;
                items.Add(new OpenItem($"I{n}", DocType.Invoice, customer.CustomerId, customer.Name, $"INV-{70_000 + (n * 37)}", null, Ledger.Usd, Amounts[random.Next(Amounts.Length)], new DateOnly(2026, 10, 1), new DateOnly(2026, 10, 31)));
            }
        }

        var details = new List<TestDetail>();
        for (var p = random.Next(3, 15); p > 0; p--)
        {
            var reference = string.Concat(Enumerable.Range(0, 4).Select(_ => (char)('A' + random.Next(26))));
            var item = items[random.Next(items.Count)];
            var name = item.CustomerName.ToUpperInvariant();
            details.Add(random.Next(3) switch
            {
                0 => new TestDetail(165, item.OpenMinor, "0", reference, string.Empty, $"ORIG CO NAME:{name} ENTRY DESCR:PAYMENT {item.InvoiceNumber}"),
                1 => new TestDetail(165, item.OpenMinor, "0", reference, string.Empty, $"ORIG CO NAME:{name} ENTRY DESCR:PAYMENT"),
                _ => new TestDetail(165, Amounts[random.Next(Amounts.Length)], "0", reference, string.Empty, $"ORIG CO NAME:{name} ENTRY DESCR:PAYMENT"),
            });
        }

        var file = Bai2TestWriter.Render(new TestFile("BANK", "CASHAPP", new DateOnly(2026, 11, 23), [new TestGroup("BANK", new DateOnly(2026, 11, 23), "USD", [new TestAccount("500100200", "USD", [], details)])]));
        return new Day(customers, items, file);
    }

    private Day Generated(int seed)
    {
        var directory = Path.Combine(_directory, $"day-{++_case}");
        var random = new Random(seed);
        ScaleDay.Run(new ScaleOptions { OutputDirectory = directory, Seed = seed, Customers = random.Next(6, 30), Payments = random.Next(20, 90), ItemsPerCustomer = 2.5 });
        return new Day(ArFiles.ReadCustomers(Path.Combine(directory, "customers.csv")), ArFiles.ReadOpenItems(Path.Combine(directory, "open_items.csv")), File.ReadAllBytes(Path.Combine(directory, "bank", "day.bai2")));
    }

    private sealed record Day(IReadOnlyList<Customer> Customers, IReadOnlyList<OpenItem> Items, byte[] Bai2);

    private async Task<Property> Run(Day day, int batch, int stopAfter, string what)
    {
        var directory = Path.Combine(_directory, $"case-{++_case}");
        Directory.CreateDirectory(directory);
        var content = day.Bai2;
        await using var store = await CashStores.OpenSqliteAsync(Path.Combine(directory, "cashapp.db"), TimeProvider.System);
        await store.UpsertCustomersAsync(day.Customers, "ar");
        await store.UpsertOpenItemsAsync(day.Items, "ar");
        var snapshot = await store.LoadSnapshotAsync();

        // One read of the file gives one to three batches (a window), so both a batch read alone and batches read
        // together are checked.
        var window = batch * (1 + ((batch + stopAfter) % 3));

        // The oracle: the file's payments matched as one run against the ledger as it was.
        await using var read = new MemoryStream(content);
        var transactions = await BankFileReading.ReadAsync(read, "day.bai2", BankFileFormat.Bai2, new BankFileReadOptions(), new List<ParseWarning>());
        var payments = transactions.Where(t => t.Direction == Direction.Credit && t.IsPayment && !DepositReconciliation.IsDeposit(t)).Select(Payment.FromTransaction).ToList();
        var oneRun = new CashMatcher(snapshot.OpenItems, snapshot.Customers, MatchPolicy.Default).Match(payments);

        if (stopAfter > 0)
        {
            // A server stopped mid-file: the batches it stored stay, the file is sent again.
            var stopping = new LedgerService(store, new StopsAfter(store, stopAfter)) { IngestBatchSize = batch, IngestReadWindow = window };
            try
            {
                await stopping.IngestBankFileAsync(content, "day.bai2", new IngestOptions());
            }
            catch (OperationCanceledException)
            {
            }
        }

        await new LedgerService(store) { IngestBatchSize = batch, IngestReadWindow = window }.IngestBankFileAsync(content, "day.bai2", new IngestOptions());

        var refs = payments.Select(p => p.PaymentRef).ToHashSet(StringComparer.Ordinal);
        var applied = (await store.ListApplicationsAsync(new ApplicationQuery { Take = int.MaxValue })).Select(a => (a.PaymentRef, a.ItemId, a.Amount.Minor)).Order().ToList();
        var excepted = (await store.ListExceptionsAsync(new ExceptionQuery { Take = 1000 })).Items
            .Where(e => refs.Contains(e.PaymentRef)).Select(e => (e.PaymentRef, e.Unapplied.Minor, e.Reason)).Order().ToList();
        var sameApplications = applied.SequenceEqual(oneRun.Applications.Select(a => (a.PaymentRef, a.ItemId, a.Amount.Minor)).Order());
        var sameExceptions = excepted.SequenceEqual(oneRun.Exceptions.Select(e => (e.PaymentRef, e.Unapplied.Minor, e.Reason)).Order());
        return (sameApplications && sameExceptions)
            .Label($"{what}, batches of {batch}, {window / batch} a read, stopped after {stopAfter}: {payments.Count} payments, {applied.Count} applications (one run {oneRun.Applications.Count}), exceptions alike: {sameExceptions}")
            .Label(string.Join("; ", applied.Except(oneRun.Applications.Select(a => (a.PaymentRef, a.ItemId, a.Amount.Minor))).Select(a => $"+{a}")
                .Concat(oneRun.Applications.Select(a => (a.PaymentRef, a.ItemId, a.Amount.Minor)).Except(applied).Select(a => $"-{a}"))));
    }
}
