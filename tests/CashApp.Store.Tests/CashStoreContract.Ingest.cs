using CashApp.Store;
using CashApp.Engine.Model;
using CashApp.Parsers.Common;
using static CashApp.Store.Tests.Ledger;

namespace CashApp.Store.Tests;

public abstract partial class CashStoreContract
{
    [SkippableFact]
    public async Task StoreIngest_NewFile_StoresFilePaymentsApplicationsExceptionsAndAudit()
    {
        var store = await OpenAsync();
        await store.UpsertOpenItemsAsync([Invoice("A1", 10_000), Invoice("A2", 5_000)], "ar");
        var credits = new[] { Credit("P1", 10_000, reference: "INV-A1", line: 3), Credit("P2", 7_000, line: 5), Credit("P3", 100, line: 7) with { IsPayment = false, NotPaymentReason = "pending" } };
        var batch = Batch("h1", credits, [Apply("P1", "A1", 10_000)], [Unapplied("P2", 7_000, suggestedItems: "A2"), Unapplied("P3", 100, reason: ExceptionReason.NotAPayment)]) with { DebitCount = 2 };

        var result = await store.StoreIngestAsync(batch);

        Assert.Equal(IngestStatus.Stored, result.Status);
        var file = result.File!;
        Assert.Equal(("h1", "h1.bai2", BankFileFormat.Bai2, BankFileStatus.Ingested, "ingest-test"), (file.ContentHash, file.Name, file.Format, file.Status, file.ReceivedBy));
        Assert.Equal((3, 2, 2, 1, 2), (file.CreditCount, file.PaymentCount, file.DebitCount, file.ApplicationCount, file.ExceptionCount));
        Assert.Equal(ManualClock.Start, file.ReceivedAt);

        var payments = await store.ListPaymentsAsync(file.Id);
        Assert.Equal(["P1", "P2", "P3"], payments.Select(p => p.PaymentRef));
        var p1 = payments[0];
        Assert.Equal((10_000L, "USD", true, "CEDAR BUILDERS", "021000021:123456789", 3L), (p1.Amount.Minor, p1.Amount.Currency.Code, p1.IsPayment, p1.PayerName, p1.PayerAccount, p1.LineNumber));
        Assert.Equal([new RemittanceLine("INV-A1", 10_000, RemittanceKind.Invoice)], p1.Remittance);
        Assert.Equal(new DateOnly(2026, 11, 23), p1.ValueDate);
        Assert.False(payments[2].IsPayment);
        Assert.Equivalent(p1, await store.GetPaymentAsync(p1.Id), strict: true);

        var application = Assert.Single(await store.ListApplicationsAsync(new ApplicationQuery()));
        Assert.Equal(("P1", "A1", 10_000L, MatchMethod.ExactReference, 0.99, "ingest-test", (long?)null), (application.PaymentRef, application.ItemId, application.Amount.Minor, application.Method, application.Confidence.Value, application.AppliedBy, application.ExceptionId));
        Assert.Equal(OpenItemStatus.Closed, (await store.GetOpenItemAsync("A1"))!.Status);

        var exceptions = (await store.ListExceptionsAsync(new ExceptionQuery())).Items;
        Assert.Equal(["P2", "P3"], exceptions.Select(e => e.PaymentRef));
        Assert.Equal(["A2"], Assert.Single(exceptions[0].Suggestions).ItemIds);
        Assert.Equal((7_000L, 7_000L, ExceptionReason.NoMatch, ExceptionStatus.Open, 1L), (exceptions[0].Unapplied.Minor, exceptions[0].PaymentAmount.Minor, exceptions[0].Reason, exceptions[0].Status, exceptions[0].RowVersion));
        Assert.Equal(ExceptionReason.NotAPayment, exceptions[1].Reason);

        var audit = Assert.Single(await store.ListAuditAsync(new AuditQuery { Subject = $"bank_file/{file.Id}" }));
        Assert.Equal(("ingest-test", "bank_file.ingest"), (audit.Actor, audit.Action));
    }

    [SkippableFact]
    public async Task StoreIngest_SameContentHashTwice_SecondIsDuplicateAndNothingDoubles()
    {
        var store = await OpenAsync();
        await store.UpsertOpenItemsAsync([Invoice("A1", 10_000)], "ar");
        var batch = Batch("h1", [Credit("P1", 4_000), Credit("P2", 1)], [Apply("P1", "A1", 4_000)], [Unapplied("P2", 1)]);

        var first = await store.StoreIngestAsync(batch);
        var second = await store.StoreIngestAsync(batch);

        Assert.Equal(IngestStatus.Duplicate, second.Status);
        Assert.Equal(first.File!.Id, second.File!.Id);
        Assert.Single(await store.ListBankFilesAsync(10));
        Assert.Equal(2, (await store.ListPaymentsAsync(first.File.Id)).Count);
        Assert.Single(await store.ListApplicationsAsync(new ApplicationQuery()));
        Assert.Equal(1, (await store.ListExceptionsAsync(new ExceptionQuery())).TotalCount);
        Assert.Equal(6_000, (await store.GetOpenItemAsync("A1"))!.RemainingMinor);
    }

    [SkippableFact]
    public async Task StoreIngest_ItemClosedByArSinceTheSnapshot_RollsBackAndNamesTheItem()
    {
        var store = await OpenAsync();
        await store.UpsertOpenItemsAsync([Invoice("A1", 10_000), Invoice("A2", 5_000)], "ar");
        await store.CloseOpenItemsAsync(["A1"], "ar", "paid by cheque at the counter");

        var result = await store.StoreIngestAsync(Batch("h1", [Credit("P1", 10_000), Credit("P2", 5_000)], [Apply("P1", "A1", 10_000), Apply("P2", "A2", 5_000)]));

        Assert.Equal(IngestStatus.StaleSnapshot, result.Status);
        Assert.Equal(["A1"], result.StaleItemIds);
        Assert.Null(await store.FindBankFileAsync("h1"));
        Assert.Empty(await store.ListApplicationsAsync(new ApplicationQuery()));
        Assert.Equal(5_000, (await store.GetOpenItemAsync("A2"))!.RemainingMinor);
        Assert.Equal(10_000, (await store.GetOpenItemAsync("A1"))!.RemainingMinor);
    }

    [SkippableFact]
    public async Task StoreIngest_StaleItemWithSendToExceptions_StoresTheRestAndTheAmountAsException()
    {
        var store = await OpenAsync();
        await store.UpsertOpenItemsAsync([Invoice("A1", 10_000), Invoice("A2", 5_000)], "ar");
        await store.CloseOpenItemsAsync(["A1"], "ar", "written off in AR");

        var result = await store.StoreIngestAsync(Batch("h1", [Credit("P1", 15_000)], [Apply("P1", "A1", 10_000), Apply("P1", "A2", 5_000)], onStale: StaleItemPolicy.SendToExceptions));

        Assert.Equal(IngestStatus.Stored, result.Status);
        Assert.Equal(["A1"], result.StaleItemIds);
        Assert.Equal(["A2"], (await store.ListApplicationsAsync(new ApplicationQuery())).Select(a => a.ItemId));
        var exception = await OnlyOpenExceptionAsync(store);
        Assert.Equal((10_000L, ExceptionReason.Conflict), (exception.Unapplied.Minor, exception.Reason));
        Assert.Equal(["A1"], exception.Suggestions[0].ItemIds);
        Assert.Equal(OpenItemStatus.Closed, (await store.GetOpenItemAsync("A1"))!.Status);
    }

    [SkippableFact]
    public async Task StoreIngest_TwoFilesApplyingTheSameInvoiceInFull_SecondIsStale()
    {
        var store = await OpenAsync();
        await store.UpsertOpenItemsAsync([Invoice("A1", 10_000)], "ar");

        var first = await store.StoreIngestAsync(Batch("h1", [Credit("P1", 10_000)], [Apply("P1", "A1", 10_000)]));
        var second = await store.StoreIngestAsync(Batch("h2", [Credit("Q1", 10_000)], [Apply("Q1", "A1", 10_000)]));

        Assert.Equal((IngestStatus.Stored, IngestStatus.StaleSnapshot), (first.Status, second.Status));
        Assert.Equal(0, (await store.GetOpenItemAsync("A1"))!.RemainingMinor);
    }

    [SkippableFact]
    public async Task StoreIngest_CreditMemoTaken_GuardIsSignAware()
    {
        var store = await OpenAsync();
        await store.UpsertOpenItemsAsync([Invoice("A1", 10_000), CreditMemo("CM1", 2_000)], "ar");

        var net = await store.StoreIngestAsync(Batch("h1", [Credit("P1", 8_000)], [Apply("P1", "A1", 10_000), Apply("P1", "CM1", -2_000)]));
        await store.UpsertOpenItemsAsync([Invoice("A2", 10_000), CreditMemo("CM2", 2_000)], "ar");
        var tooMuch = await store.StoreIngestAsync(Batch("h2", [Credit("P2", 7_000)], [Apply("P2", "A2", 10_000), Apply("P2", "CM2", -3_000)]));

        Assert.Equal(IngestStatus.Stored, net.Status);
        Assert.Equal(OpenItemStatus.Closed, (await store.GetOpenItemAsync("CM1"))!.Status);
        Assert.Equal(IngestStatus.StaleSnapshot, tooMuch.Status);
        Assert.Equal(["CM2"], tooMuch.StaleItemIds);
        Assert.Equal(-2_000, (await store.GetOpenItemAsync("CM2"))!.RemainingMinor);
    }

    [SkippableFact]
    public async Task RecordRejectedBankFile_ThenIngestedAfterAFix_ReplacesTheRejection()
    {
        var store = await OpenAsync();
        var rejected = await store.RecordRejectedBankFileAsync("h1", "day.bai2", BankFileFormat.Bai2, "ingest-test", "day.bai2:7: control total does not add up");
        var again = await store.RecordRejectedBankFileAsync("h1", "day.bai2", BankFileFormat.Bai2, "ingest-test", "same");
        var stored = await store.StoreIngestAsync(Batch("h1", [Credit("P1", 1)], exceptions: [Unapplied("P1", 1)]));

        Assert.Equal((BankFileStatus.Rejected, "day.bai2:7: control total does not add up"), (rejected.Status, rejected.Error));
        Assert.Equal(rejected.Id, again.Id);
        Assert.Equal(IngestStatus.Stored, stored.Status);
        var file = Assert.Single(await store.ListBankFilesAsync(10));
        Assert.Equal(BankFileStatus.Ingested, file.Status);
    }

    [SkippableFact]
    public async Task LedgerService_StoreTransactions_MatchesAgainstTheStoreAndIsIdempotent()
    {
        var store = await OpenAsync();
        await store.UpsertOpenItemsAsync([Invoice("A1", 10_000)], "ar");
        await store.UpsertCustomersAsync([Customer("C1")], "ar");
        var service = new LedgerService(store);
        BankTransaction[] transactions = [Credit("P1", 10_000, reference: "INV-A1"), Credit("P2", 123_456) with { PayerName = "NOBODY WE KNOW", PayerAccount = null }, Debit("D1", 50)];

        var first = await service.StoreTransactionsAsync(transactions, "day.bai2", "h1", BankFileFormat.Bai2, "ingest-test");
        var second = await service.StoreTransactionsAsync(transactions, "day.bai2", "h1", BankFileFormat.Bai2, "ingest-test");

        Assert.Equal((IngestStatus.Stored, 1), (first.Status, first.MatchAttempts));
        Assert.Equal((2, 1), (first.File.CreditCount, first.File.DebitCount));
        Assert.Equal(IngestStatus.Duplicate, second.Status);
        var application = Assert.Single(await store.ListApplicationsAsync(new ApplicationQuery()));
        Assert.Equal(("P1", "A1", 10_000L), (application.PaymentRef, application.ItemId, application.Amount.Minor));
        Assert.Equal("P2", (await OnlyOpenExceptionAsync(store)).PaymentRef);
    }

    [SkippableFact]
    public async Task ListApplications_Since_ReturnsOnlyLaterOnesOldestFirst()
    {
        var store = await OpenAsync();
        await store.UpsertOpenItemsAsync([Invoice("A1", 10_000), Invoice("A2", 10_000)], "ar");
        await store.StoreIngestAsync(Batch("h1", [Credit("P1", 1_000)], [Apply("P1", "A1", 1_000)]));
        Clock.Advance(TimeSpan.FromDays(1));
        var cut = Clock.GetUtcNow();
        await store.StoreIngestAsync(Batch("h2", [Credit("P2", 2_000), Credit("P3", 3_000)], [Apply("P2", "A1", 2_000), Apply("P3", "A2", 3_000)]));

        var since = await store.ListApplicationsAsync(new ApplicationQuery { Since = cut });
        var page = await store.ListApplicationsAsync(new ApplicationQuery { AfterId = since[0].Id, Take = 5 });
        var ofItem = await store.ListApplicationsAsync(new ApplicationQuery { ItemId = "A1" });

        Assert.Equal(["P2", "P3"], since.Select(a => a.PaymentRef));
        Assert.Equal(cut, since[0].AppliedAt);
        Assert.Equal(["P3"], page.Select(a => a.PaymentRef));
        Assert.Equal(["P1", "P2"], ofItem.Select(a => a.PaymentRef));
    }
}
