using CashApp.Engine.Batch;
using CashApp.Engine.Deposits;
using CashApp.Engine.Matching;
using CashApp.Engine.Model;
using CashApp.Parsers.Common;
using CashApp.Parsers.Tests.Bai2;

namespace CashApp.Store.Tests;

/// <summary>
/// How likely an amount is by chance is judged, in every batch of a file, from the ledger as the file's first batch
/// found it, as one run judges it from the ledger at its start: not from the open amounts earlier batches left
/// (issue 16). A day on which the references close most of the ledger, then a payment naming only its payer.
/// </summary>
public sealed class BatchedChanceTests : IDisposable
{
    private readonly string _directory = Directory.CreateTempSubdirectory("cashapp-chance-").FullName;

    public void Dispose() => Directory.Delete(_directory, recursive: true);

    /// <summary>
    /// 200 open items: the payer's two (one of 1.00), 30 of another customer's near 1.00, and 168 large ones, 160 of which
    /// the file's references pay. Against the 200, one open item of the payer being 1.00 by chance is 0.3% (applied);
    /// against the 40 the references leave it would be 1.5%, past the policy's 1% (an exception).
    /// </summary>
    [Theory]
    [InlineData(int.MaxValue)]
    [InlineData(7)]
    [InlineData(1)]
    public async Task Ingest_ReferencesCloseMostOfTheLedger_PayerPaymentJudgedOnTheLedgerAtTheFilesStart(int batch)
    {
        var customers = Customers();
        List<OpenItem> items =
        [
            Item("P-1", "P", "Pinecone Supplies Ltd", "INV-10001", 1_00),
            Item("P-2", "P", "Pinecone Supplies Ltd", "INV-10002", 7_777_77),
            .. Enumerable.Range(0, 30).Select(q => Item($"Q-{q:D2}", "Q", "Quillwort Dynamics Inc", $"INV-2{q:D4}", 71 + (2 * q))),
            .. Enumerable.Range(0, 168).Select(b => Item($"B-{b:D3}", $"B{b % 8}", $"Bigbuyer {b % 8} Holdings", $"INV-3{b:D4}", 1_000_00 + (b * 1_37))),
        ];

        // The references pay 160 of the large items in full, under references that sort before the payer's payment.
        List<TestDetail> details =
        [
            .. items.Where(i => i.ItemId.StartsWith("B-", StringComparison.Ordinal)).Take(160)
                .Select((i, n) => new TestDetail(165, i.OpenMinor, "0", $"REF{n:D4}", string.Empty, $"ORIG CO NAME:{i.CustomerName.ToUpperInvariant()} ENTRY DESCR:PAYMENT {i.InvoiceNumber}")),
            new TestDetail(165, 1_00, "0", "ZREF-PAYER", string.Empty, "ORIG CO NAME:PINECONE SUPPLIES LTD ENTRY DESCR:PAYMENT"),
        ];
        var content = Day(details);

        await using var store = await CashStores.OpenSqliteAsync(Path.Combine(_directory, "cashapp.db"), TimeProvider.System);
        await store.UpsertCustomersAsync(customers, "ar");
        await store.UpsertOpenItemsAsync(items, "ar");
        var snapshot = await store.LoadSnapshotAsync();
        var oneRun = new CashMatcher(snapshot.OpenItems, snapshot.Customers, MatchPolicy.Default).Match(await ReadPayments(content));

        await new LedgerService(store) { IngestBatchSize = batch }.IngestBankFileAsync(content, "day.bai2", new IngestOptions());

        var applied = (await store.ListApplicationsAsync(new ApplicationQuery { Take = int.MaxValue })).Select(a => (a.PaymentRef, a.ItemId, a.Amount.Minor)).Order().ToList();
        Assert.Contains(oneRun.Applications, a => a.PaymentRef == "ZREF-PAYER" && a.ItemId == "P-1");
        Assert.Equal(161, applied.Count);
        Assert.Equal(oneRun.Applications.Select(a => (a.PaymentRef, a.ItemId, a.Amount.Minor)).Order(), applied);
        Assert.DoesNotContain((await store.ListExceptionsAsync(new ExceptionQuery { Take = 1000 })).Items, e => e.PaymentRef == "ZREF-PAYER");
    }

    /// <summary>
    /// The store refuses the file's first batch (an item it applied to moved under its snapshot, and another writer
    /// added 160 items meanwhile). The chances that snapshot gave (40 open items: the payer's 1.00 at 1.5%, past the
    /// policy's 1%) must go with it: the retry judges from the ledger it finds (200 items: 0.3%), as one run over that
    /// ledger does, and applies the payer's payment.
    /// </summary>
    [Fact]
    public async Task Ingest_FirstBatchRefusedAsStale_ChancesReadAgainFromTheLedgerTheRetryFinds()
    {
        var customers = Customers();
        List<OpenItem> before =
        [
            Item("P-1", "P", "Pinecone Supplies Ltd", "INV-10001", 1_00),
            Item("P-2", "P", "Pinecone Supplies Ltd", "INV-10002", 7_777_77),
            .. Enumerable.Range(0, 30).Select(q => Item($"Q-{q:D2}", "Q", "Quillwort Dynamics Inc", $"INV-2{q:D4}", 71 + (2 * q))),
            .. Enumerable.Range(0, 8).Select(b => Item($"B-{b:D3}", $"B{b}", $"Bigbuyer {b} Holdings", $"INV-3{b:D4}", 1_000_00 + (b * 1_37))),
        ];
        var meanwhile = Enumerable.Range(8, 160).Select(b => Item($"B-{b:D3}", $"B{b % 8}", $"Bigbuyer {b % 8} Holdings", $"INV-3{b:D4}", 1_000_00 + (b * 1_37))).ToList();
        List<TestDetail> details =
        [
            new TestDetail(165, 1_000_00, "0", "AREF-B000", string.Empty, "ORIG CO NAME:BIGBUYER 0 HOLDINGS ENTRY DESCR:PAYMENT INV-30000"),
            new TestDetail(165, 1_00, "0", "ZREF-PAYER", string.Empty, "ORIG CO NAME:PINECONE SUPPLIES LTD ENTRY DESCR:PAYMENT"),
        ];
        var content = Day(details);

        await using var store = await CashStores.OpenSqliteAsync(Path.Combine(_directory, "stale.db"), TimeProvider.System);
        await store.UpsertCustomersAsync(customers, "ar");
        await store.UpsertOpenItemsAsync(before, "ar");
        var matcher = new WriterBetween(store, async () =>
        {
            // Another writer: B-000's open amount moves (so the store refuses the batch that paid it) and 160 items come.
            await store.UpsertOpenItemsAsync([before.Single(i => i.ItemId == "B-000") with { OpenMinor = 500_00 }, .. meanwhile], "ar");
        });

        await new LedgerService(store, matcher) { IngestBatchSize = 1 }.IngestBankFileAsync(content, "day.bai2", new IngestOptions());

        Assert.True(matcher.Calls >= 3, $"expected the refused batch to be matched again; {matcher.Calls} matches");
        // One run over the ledger the retry found applies the payer's payment.
        List<OpenItem> atRetry = [.. before.Select(i => i.ItemId == "B-000" ? i with { OpenMinor = 500_00 } : i), .. meanwhile];
        var oneRun = new CashMatcher(atRetry, customers, MatchPolicy.Default).Match(await ReadPayments(content));
        Assert.Contains(oneRun.Applications, a => a.PaymentRef == "ZREF-PAYER" && a.ItemId == "P-1");
        var applied = await store.ListApplicationsAsync(new ApplicationQuery { Take = int.MaxValue });
        Assert.Contains(applied, a => a.PaymentRef == "ZREF-PAYER" && a.ItemId == "P-1" && a.Amount.Minor == 1_00);
    }

    private static readonly DateOnly Date = new(2026, 10, 1);

    /// <summary>The payer P, the near-1.00 customer Q, and eight big buyers.</summary>
    private static List<Customer> Customers() =>
        [new("P", "Pinecone Supplies Ltd", null, [], []), new("Q", "Quillwort Dynamics Inc", null, [], []), .. Enumerable.Range(0, 8).Select(b => new Customer($"B{b}", $"Bigbuyer {b} Holdings", null, [], []))];

    private static OpenItem Item(string id, string customer, string name, string number, long minor) =>
        new(id, DocType.Invoice, customer, name, number, null, Ledger.Usd, minor, Date, Date.AddDays(30));

    /// <summary>A BAI2 day of one account with these credits.</summary>
    private static byte[] Day(List<TestDetail> details) =>
        Bai2TestWriter.Render(new TestFile("BANK", "CASHAPP", new DateOnly(2026, 11, 23), [new TestGroup("BANK", new DateOnly(2026, 11, 23), "USD", [new TestAccount("500100200", "USD", [], details)])]));

    private static async Task<List<Payment>> ReadPayments(byte[] content)
    {
        await using var read = new MemoryStream(content);
        var transactions = await BankFileReading.ReadAsync(read, "day.bai2", BankFileFormat.Bai2, new BankFileReadOptions(), new List<ParseWarning>());
        return transactions.Where(t => t.Direction == Direction.Credit && t.IsPayment && !DepositReconciliation.IsDeposit(t)).Select(Payment.FromTransaction).ToList();
    }

    /// <summary>Matches on a fresh snapshot each time, as a store-backed service does; after its first match, runs <c>write</c> before the store sees the batch.</summary>
    private sealed class WriterBetween(ICashStore store, Func<Task> write) : ILedgerMatcher
    {
        public int Calls { get; private set; }

        public async ValueTask<(MatchResult Result, LedgerSnapshot Snapshot)> MatchAsync(IReadOnlyList<Payment> payments, MatchStage stage, AmountChances? chances, CancellationToken cancellationToken)
        {
            var snapshot = await store.LoadSnapshotAsync(cancellationToken);
            var result = payments.Count == 0 ? new MatchResult([], []) : new CashMatcher(snapshot.OpenItems, snapshot.Customers, MatchPolicy.Default).Match(payments, stage, chances);
            if (Calls++ == 0)
            {
                await write();
            }

            return (result, snapshot);
        }

        public void Invalidate()
        {
        }

        public void ItemsChanged(IEnumerable<string> itemIds)
        {
        }
    }
}
