using System.Globalization;
using System.Text;
using CashApp.Engine.Batch;
using CashApp.Engine.Matching;
using CashApp.Engine.Model;
using CashApp.Parsers.Common;
using CashApp.Parsers.Tests.Bai2;
using CashApp.Store;
using Grpc.Core;
using V1 = CashApp.Grpc.V1;

namespace CashApp.Grpc.Tests.Server;

/// <summary>
/// Ingest streams a file's transactions: it is read once to its end (a bad file is rejected whole), then matched and
/// stored a batch at a time (<c>--ingest-batch</c>), each batch in a store transaction of its own and matched against
/// the ledger the batches before it left. A file whose ingest stopped after some batches is marked in progress, and
/// sent again it stores the rest, each payment once. Each test runs its own server with batches of four transactions.
/// </summary>
public sealed class StreamedIngestTests : IAsyncLifetime
{
    private const int Batch = 4;
    private readonly ServerFixture _server = new(64L * 1024 * 1024, configure: o => o with { IngestBatchSize = Batch });

    public Task InitializeAsync() => _server.InitializeAsync();

    public Task DisposeAsync() => _server.DisposeAsync();

    [Fact]
    public async Task Ingest_FileStoppedAfterItsFirstBatch_KeepsThatBatchAndSentAgainStoresTheRestOnce()
    {
        await UpsertInvoicesAsync(10);
        var day = Day(10);

        // An ingest that stops once its first batch is stored, as a server killed mid-file does.
        var stopping = new LedgerService(_server.Store, new StopsAfter(_server.Store, batches: 1)) { IngestBatchSize = Batch };
        await Assert.ThrowsAsync<OperationCanceledException>(() => stopping.IngestBankFileAsync(day, "day.bai2", new IngestOptions()));

        var interrupted = Assert.Single(await _server.Store.ListBankFilesAsync(10));
        Assert.Equal((BankFileStatus.Ingested, BankFileProgress.InProgress, Batch), (interrupted.Status, interrupted.Error, interrupted.CreditCount));
        Assert.Equal(Batch, (await _server.Store.ListPaymentsAsync(interrupted.Id)).Count);
        Assert.Equal(Batch, (await _server.Store.ListApplicationsAsync(new ApplicationQuery())).Count);

        var resent = await _server.BankFiles().IngestAsync("day.bai2", day);

        Assert.False(resent.Duplicate);
        Assert.Equal((10 - Batch, Batch, 10, 10), (resent.NewCredits, resent.AlreadyReceivedCount, resent.Credits, resent.Applied));
        Assert.All(resent.AlreadyReceived, r => Assert.Equal(resent.FileId, r.FirstFileId));
        Assert.Equal(interrupted.Id.ToString(CultureInfo.InvariantCulture), resent.FileId);
        var file = (await _server.Store.GetBankFileAsync(interrupted.Id))!;
        Assert.Equal(((string?)null, 10, 10, 10), (file.Error, file.CreditCount, file.PaymentCount, file.ApplicationCount));
        Assert.Equal(10, (await _server.Store.ListPaymentsAsync(interrupted.Id)).Select(p => p.IdentityKey).Distinct().Count());
        Assert.Equal(10, (await _server.Store.ListApplicationsAsync(new ApplicationQuery())).Count);
        for (var i = 1; i <= 10; i++)
        {
            Assert.Equal(0, (await _server.Store.GetOpenItemAsync($"SI-I{i}"))!.RemainingMinor);
        }

        // Whole now: the same content again is a duplicate file, and stores nothing.
        Assert.True((await _server.BankFiles().IngestAsync("day.bai2", day)).Duplicate);
    }

    [Fact]
    public async Task Ingest_InvoicePaidTwiceInTwoBatches_SecondBatchSeesTheFirstsApplicationAndNothingIsOverApplied()
    {
        await UpsertInvoicesAsync(10);

        // Payment 9 (third batch) pays invoice 1 again, which payment 1 (first batch) paid in full.
        var details = Enumerable.Range(1, 8).Select(i => Detail(i, $"INV-88000{i}")).Append(Detail(9, "INV-880001", amountOf: 1)).ToList();
        var report = await _server.BankFiles().IngestAsync("day.bai2", Bai2(details));

        Assert.Equal((9, 8, 1), (report.NewCredits, report.Applied, report.Exceptions));
        Assert.Equal(0, (await _server.Store.GetOpenItemAsync("SI-I1"))!.RemainingMinor);
        var exception = Assert.Single((await _server.Store.ListExceptionsAsync(new ExceptionQuery())).Items);
        Assert.Equal(("SI-9", 1_000L), (exception.PaymentRef, exception.Unapplied.Minor));
        Assert.Null(Assert.Single(await _server.Store.ListBankFilesAsync(10)).Error);
    }

    [Fact]
    public async Task Ingest_InvoiceQuotedInALaterBatch_TakenByItsQuoteNotByAnEarlierPayerOfItsAmountAsOneRunDecides()
    {
        await UpsertInvoicesAsync(3);
        var quillfeather = MatchingTests.Invoice("QO-I1", "QO-CUST", "INV-QO-77", 4_321_97);
        quillfeather.CustomerName = "Quillfeather Orchards AG";
        await _server.OpenItems().UpsertAsync([quillfeather]);
        var snapshot = await _server.Store.LoadSnapshotAsync();

        // The first batch holds a payment that only names its payer and the amount of the payer's one open invoice;
        // the second, a payment quoting that very invoice. One run reads every quote before any payer and amount.
        List<TestDetail> details =
        [
            Detail(1, "INV-880001"),
            new(165, 4_321_97, "0", "QO-NAME", string.Empty, "ORIG CO NAME:QUILLFEATHER ORCHARDS AG ENTRY DESCR:PAYMENT"),
            Detail(2, "INV-880002"),
            Detail(3, "INV-880003"),
            new(165, 4_321_97, "0", "QO-REF", string.Empty, "ORIG CO NAME:QUILLFEATHER ORCHARDS AG ENTRY DESCR:PAYMENT INV-QO-77"),
        ];
        var day = Bai2(details);
        var report = await _server.BankFiles().IngestAsync("day.bai2", day);

        var applied = (await _server.Store.ListApplicationsAsync(new ApplicationQuery())).Select(a => (a.PaymentRef, a.ItemId, a.Amount.Minor)).Order().ToList();
        Assert.Contains(("QO-REF", "QO-I1", 4_321_97L), applied);
        Assert.DoesNotContain(applied, a => a.PaymentRef == "QO-NAME");
        var exception = Assert.Single((await _server.Store.ListExceptionsAsync(new ExceptionQuery())).Items);
        Assert.Equal(("QO-NAME", 4_321_97L), (exception.PaymentRef, exception.Unapplied.Minor));
        Assert.Equal((5, 4, 1), (report.NewCredits, report.Applied, report.Exceptions));

        // The oracle: the same file matched as one run against the ledger as it was.
        await using var content = new MemoryStream(day);
        var transactions = await BankFileReading.ReadAsync(content, "day.bai2", BankFileFormat.Bai2, new BankFileReadOptions(), new List<ParseWarning>());
        var oneRun = new CashMatcher(snapshot.OpenItems, snapshot.Customers, MatchPolicy.Default).Match([.. transactions.Where(t => t.Direction == Direction.Credit).Select(Payment.FromTransaction)]);
        Assert.Equal(oneRun.Applications.Select(a => (a.PaymentRef, a.ItemId, a.Amount.Minor)).Order().ToList(), applied);
        Assert.Equal(oneRun.Exceptions.Single().PaymentRef, exception.PaymentRef);
    }

    [Fact]
    public async Task Ingest_TwoPaymentsInTwoBatchesWantingOneItem_TheFirstInPaymentReferenceOrderTakesItAsOneRunDecides()
    {
        await UpsertInvoicesAsync(3);
        var quoted = MatchingTests.Invoice("QT-I1", "QT-CUST", "INV-QT-41", 2_500_00);
        var byPayer = MatchingTests.Invoice("PA-I1", "PA-CUST", "INV-PA-52", 3_141_59);
        byPayer.CustomerName = "Pellucid Anchorworks Ltd";

        // A customer AR synced: one known only by the name its open items carry is no longer known once they are closed.
        await _server.Store.UpsertCustomersAsync([new Customer("PA-CUST", "Pellucid Anchorworks Ltd", null, [], [])], "test");
        await _server.OpenItems().UpsertAsync([quoted, byPayer]);
        var snapshot = await _server.Store.LoadSnapshotAsync();

        // In file order the Z payments come first, in the first batch; one run decides in payment-reference order, so
        // the A payments of a later batch come first: of each pair, the A payment takes the item. One pair quotes the
        // invoice (the references' stage), the other only names the payer and the amount (the payers' stage, where the
        // unknown payers' payments put the two in different batches).
        List<TestDetail> details =
        [
            new(165, 2_500_00, "0", "Z-QUOTE", string.Empty, "INV-QT-41"),
            new(165, 3_141_59, "0", "Z-PAYER", string.Empty, "ORIG CO NAME:PELLUCID ANCHORWORKS LTD ENTRY DESCR:PAYMENT"),
            .. Enumerable.Range(1, 4).Select(i => new TestDetail(165, 1_234_00 + i, "0", $"M-UNKNOWN-{i}", string.Empty, $"ORIG CO NAME:MOSSGROVE TRADING {i} ENTRY DESCR:PAYMENT")),
            Detail(1, "INV-880001"),
            Detail(2, "INV-880002"),
            Detail(3, "INV-880003"),
            new(165, 2_500_00, "0", "A-QUOTE", string.Empty, "INV-QT-41"),
            new(165, 3_141_59, "0", "A-PAYER", string.Empty, "ORIG CO NAME:PELLUCID ANCHORWORKS LTD ENTRY DESCR:PAYMENT"),
        ];
        var day = Bai2(details);
        await _server.BankFiles().IngestAsync("day.bai2", day);

        var applied = (await _server.Store.ListApplicationsAsync(new ApplicationQuery())).Select(a => (a.PaymentRef, a.ItemId, a.Amount.Minor)).Order().ToList();
        Assert.Contains(("A-QUOTE", "QT-I1", 2_500_00L), applied);
        Assert.Contains(("A-PAYER", "PA-I1", 3_141_59L), applied);
        Assert.DoesNotContain(applied, a => a.PaymentRef.StartsWith("Z-", StringComparison.Ordinal));

        // The oracle: the same file matched as one run against the ledger as it was.
        await using var content = new MemoryStream(day);
        var transactions = await BankFileReading.ReadAsync(content, "day.bai2", BankFileFormat.Bai2, new BankFileReadOptions(), new List<ParseWarning>());
        var oneRun = new CashMatcher(snapshot.OpenItems, snapshot.Customers, MatchPolicy.Default).Match([.. transactions.Where(t => t.Direction == Direction.Credit).Select(Payment.FromTransaction)]);
        Assert.Equal(oneRun.Applications.Select(a => (a.PaymentRef, a.ItemId, a.Amount.Minor)).Order().ToList(), applied);
        var exceptions = (await _server.Store.ListExceptionsAsync(new ExceptionQuery())).Items;
        Assert.Equal(oneRun.Exceptions.Select(e => (e.PaymentRef, e.Unapplied.Minor, e.Reason)).Order(), exceptions.Select(e => (e.PaymentRef, e.Unapplied.Minor, e.Reason)).Order());
    }

    [Fact]
    public async Task Ingest_BadRecordInTheLastBatch_RejectedWithFileAndLineAndNoBatchStored()
    {
        await UpsertInvoicesAsync(10);
        var text = Encoding.ASCII.GetString(Day(10));
        var lines = text.Split('\n');
        var bad = Array.FindLastIndex(lines, l => l.StartsWith("16,", StringComparison.Ordinal));
        var fields = lines[bad].Split(',');
        fields[2] = "10O00";
        lines[bad] = string.Join(',', fields);

        var error = await Assert.ThrowsAsync<RpcException>(() => _server.BankFiles().IngestAsync("bad.bai2", Encoding.ASCII.GetBytes(string.Join('\n', lines))));

        Assert.Equal(StatusCode.InvalidArgument, error.StatusCode);
        Assert.Contains($"bad.bai2:{bad + 1}", error.Status.Detail, StringComparison.Ordinal);
        var rejected = Assert.Single(await _server.Store.ListBankFilesAsync(10));
        Assert.Equal((BankFileStatus.Rejected, 0), (rejected.Status, rejected.CreditCount));
        Assert.Empty(await _server.Store.ListPaymentsAsync(rejected.Id));
        Assert.Empty(await _server.Store.ListApplicationsAsync(new ApplicationQuery()));
    }

    [Fact]
    public async Task Ingest_SameFileSentAgainWhileTheFirstCallIsStoringIt_CountsItsDebitsOnceAndEndsComplete()
    {
        await UpsertInvoicesAsync(10);
        List<TestDetail> details = [.. Enumerable.Range(1, 10).Select(i => Detail(i, $"INV-88000{i}")), new(475, 123, "0", "CHK-1", string.Empty, "check paid"), new(475, 456, "0", "CHK-2", string.Empty, "check paid")];
        var day = Bai2(details);

        // The first call stores its first batch; before its second, a retry of the same file (a client after a
        // timeout, another instance) carries on into the file and finishes it. Then the first call finishes too.
        LedgerService? retry = null;
        var first = new LedgerService(_server.Store, new RunsBeforeSecondBatch(_server.Store, () => retry!.IngestBankFileAsync(day, "day.bai2", new IngestOptions()))) { IngestBatchSize = Batch };
        retry = new LedgerService(_server.Store, new RunsBeforeSecondBatch(_server.Store, null)) { IngestBatchSize = Batch };
        await first.IngestBankFileAsync(day, "day.bai2", new IngestOptions());

        var file = Assert.Single(await _server.Store.ListBankFilesAsync(10));
        Assert.Equal(10, (await _server.Store.ListApplicationsAsync(new ApplicationQuery())).Count);
        Assert.Equal((10, 2, (string?)null), (file.CreditCount, file.DebitCount, file.Error));
        Assert.True(BankFileProgress.IsComplete(file));
    }

    private Task<V1.UpsertSummary> UpsertInvoicesAsync(int count) =>
        _server.OpenItems().UpsertAsync(Enumerable.Range(1, count).Select(i => MatchingTests.Invoice($"SI-I{i}", "SI-CUST", $"INV-88000{i}", 1_000L * i)));

    private static byte[] Day(int count) => Bai2([.. Enumerable.Range(1, count).Select(i => Detail(i, $"INV-88000{i}"))]);

    private static TestDetail Detail(int i, string invoice, int? amountOf = null) => new(165, 1_000L * (amountOf ?? i), "0", $"SI-{i}", string.Empty, invoice);

    private static byte[] Bai2(IReadOnlyList<TestDetail> details) => PaymentIdentityTests.Bai2(details);

    /// <summary>Matches as a server does, on a snapshot read for each call, and stops (as a killed server) when asked to match after <c>batches</c> batches.</summary>
    private sealed class StopsAfter(ICashStore store, int batches) : ILedgerMatcher
    {
        private int _calls;

        public async ValueTask<(MatchResult Result, LedgerSnapshot Snapshot)> MatchAsync(IReadOnlyList<Payment> payments, MatchStage stage, AmountChances? chances, CancellationToken cancellationToken)
        {
            if (++_calls > batches)
            {
                throw new OperationCanceledException("the server stopped mid-file");
            }

            var snapshot = await store.LoadSnapshotAsync(cancellationToken);
            return (new CashMatcher(snapshot.OpenItems, snapshot.Customers, MatchPolicy.Default).Match(payments, stage, chances), snapshot);
        }

        public void Invalidate()
        {
        }

        public void ItemsChanged(IEnumerable<string> itemIds)
        {
        }
    }

    /// <summary>Matches on a snapshot read for each call, and before its second batch first runs <c>before</c> to its end.</summary>
    private sealed class RunsBeforeSecondBatch(ICashStore store, Func<Task<IngestResult>>? before) : ILedgerMatcher
    {
        private int _calls;

        public async ValueTask<(MatchResult Result, LedgerSnapshot Snapshot)> MatchAsync(IReadOnlyList<Payment> payments, MatchStage stage, AmountChances? chances, CancellationToken cancellationToken)
        {
            if (++_calls == 2 && before is not null)
            {
                await before();
            }

            var snapshot = await store.LoadSnapshotAsync(cancellationToken);
            return (new CashMatcher(snapshot.OpenItems, snapshot.Customers, MatchPolicy.Default).Match(payments, stage, chances), snapshot);
        }

        public void Invalidate()
        {
        }

        public void ItemsChanged(IEnumerable<string> itemIds)
        {
        }
    }
}
