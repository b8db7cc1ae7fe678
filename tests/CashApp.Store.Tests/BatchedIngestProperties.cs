using CashApp.Engine.Ar;
using CashApp.Engine.Batch;
using CashApp.Engine.Deposits;
using CashApp.Engine.Matching;
using CashApp.Engine.Model;
using CashApp.Parsers.Common;
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

    [Property(MaxTest = 20, Replay = "(1907,2331)")]
    public Property Ingest_AnyBatchSizeStoppedAnywhere_DecidesAsOneRun() =>
        Prop.ForAll(
            Gen.Choose(1, 100_000).Zip(Gen.Choose(1, 24)).Zip(Gen.Choose(0, 6)).Select(t => (Seed: t.Item1.Item1, Batch: t.Item1.Item2, StopAfter: t.Item2)).ToArbitrary(),
            c => Run(c.Seed, c.Batch, c.StopAfter).GetAwaiter().GetResult());

    private async Task<Property> Run(int seed, int batch, int stopAfter)
    {
        var directory = Path.Combine(_directory, $"case-{++_case}");
        var random = new Random(seed);
        ScaleDay.Run(new ScaleOptions { OutputDirectory = Path.Combine(directory, "day"), Seed = seed, Customers = random.Next(6, 30), Payments = random.Next(20, 90), ItemsPerCustomer = 2.5 });
        var file = Path.Combine(directory, "day", "bank", "day.bai2");
        var content = await File.ReadAllBytesAsync(file);

        await using var store = await CashStores.OpenSqliteAsync(Path.Combine(directory, "cashapp.db"), TimeProvider.System);
        await store.UpsertCustomersAsync(ArFiles.ReadCustomers(Path.Combine(directory, "day", "customers.csv")), "ar");
        await store.UpsertOpenItemsAsync(ArFiles.ReadOpenItems(Path.Combine(directory, "day", "open_items.csv")), "ar");
        var snapshot = await store.LoadSnapshotAsync();

        // The oracle: the file's payments matched as one run against the ledger as it was.
        await using var read = new MemoryStream(content);
        var transactions = await BankFileReading.ReadAsync(read, "day.bai2", BankFileFormat.Bai2, new BankFileReadOptions(), new List<ParseWarning>());
        var payments = transactions.Where(t => t.Direction == Direction.Credit && t.IsPayment && !DepositReconciliation.IsDeposit(t)).Select(Payment.FromTransaction).ToList();
        var oneRun = new CashMatcher(snapshot.OpenItems, snapshot.Customers, MatchPolicy.Default).Match(payments);

        if (stopAfter > 0)
        {
            // A server stopped mid-file: the batches it stored stay, the file is sent again.
            var stopping = new LedgerService(store, new StopsAfter(store, stopAfter)) { IngestBatchSize = batch };
            try
            {
                await stopping.IngestBankFileAsync(content, "day.bai2", new IngestOptions());
            }
            catch (OperationCanceledException)
            {
            }
        }

        await new LedgerService(store) { IngestBatchSize = batch }.IngestBankFileAsync(content, "day.bai2", new IngestOptions());

        var refs = payments.Select(p => p.PaymentRef).ToHashSet(StringComparer.Ordinal);
        var applied = (await store.ListApplicationsAsync(new ApplicationQuery { Take = int.MaxValue })).Select(a => (a.PaymentRef, a.ItemId, a.Amount.Minor)).Order().ToList();
        var excepted = (await store.ListExceptionsAsync(new ExceptionQuery { Take = 1000 })).Items
            .Where(e => refs.Contains(e.PaymentRef)).Select(e => (e.PaymentRef, e.Unapplied.Minor, e.Reason)).Order().ToList();
        var sameApplications = applied.SequenceEqual(oneRun.Applications.Select(a => (a.PaymentRef, a.ItemId, a.Amount.Minor)).Order());
        var sameExceptions = excepted.SequenceEqual(oneRun.Exceptions.Select(e => (e.PaymentRef, e.Unapplied.Minor, e.Reason)).Order());
        return (sameApplications && sameExceptions)
            .Label($"seed {seed}, batches of {batch}, stopped after {stopAfter}: {payments.Count} payments, {applied.Count} applications (one run {oneRun.Applications.Count}), exceptions alike: {sameExceptions}")
            .Label(string.Join("; ", applied.Except(oneRun.Applications.Select(a => (a.PaymentRef, a.ItemId, a.Amount.Minor))).Select(a => $"+{a}")
                .Concat(oneRun.Applications.Select(a => (a.PaymentRef, a.ItemId, a.Amount.Minor)).Except(applied).Select(a => $"-{a}"))));
    }

    /// <summary>Matches on a snapshot read for each call, as a server does, and stops as a killed server when asked to match after <c>calls</c> calls.</summary>
    private sealed class StopsAfter(ICashStore store, int calls) : ILedgerMatcher
    {
        private int _calls;

        public async ValueTask<(MatchResult Result, LedgerSnapshot Snapshot)> MatchAsync(IReadOnlyList<Payment> payments, MatchStage stage, CancellationToken cancellationToken)
        {
            if (++_calls > calls)
            {
                throw new OperationCanceledException("the server stopped mid-file");
            }

            var snapshot = await store.LoadSnapshotAsync(cancellationToken);
            return (new CashMatcher(snapshot.OpenItems, snapshot.Customers, MatchPolicy.Default).Match(payments, stage), snapshot);
        }

        public void Invalidate()
        {
        }

        public void ItemsChanged(IEnumerable<string> itemIds)
        {
        }
    }
}
