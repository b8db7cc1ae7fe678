using System.Globalization;
using CashApp.Store;
using CashApp.Engine.Model;
using static CashApp.Store.Tests.Ledger;

namespace CashApp.Store.Tests;

public abstract partial class CashStoreContract
{
    private const int Contenders = 16;

    [SkippableFact]
    public async Task ResolveException_ManySpecialistsAtOnceOnOneException_ExactlyOneWinsAndTheItemIsAppliedOnce()
    {
        var (store, exception) = await OneExceptionAsync(invoiceMinor: 50_000, paymentMinor: 10_000);
        using var start = new ManualResetEventSlim();
        var tasks = Enumerable.Range(0, Contenders).Select(i => Task.Run(async () =>
        {
            start.Wait();
            return await store.ResolveExceptionAsync(new ResolveRequest
            {
                ExceptionId = exception.Id,
                ExpectedRowVersion = exception.RowVersion,
                Kind = ResolutionKind.ApplyToItems,
                Allocations = [new ItemAllocation("A1", 10_000)],
                Actor = $"specialist-{i}",
                Reason = "race",
            });
        })).ToArray();
        start.Set();
        var results = await Task.WhenAll(tasks);

        Assert.Single(results, r => r.Status == ResolveStatus.Resolved);
        Assert.All(results.Where(r => r.Status != ResolveStatus.Resolved), r => Assert.Equal(ResolveStatus.Conflict, r.Status));
        Assert.Single(await store.ListApplicationsAsync(new ApplicationQuery { ItemId = "A1" }));
        Assert.Equal(40_000, (await store.GetOpenItemAsync("A1"))!.RemainingMinor);
        Assert.Single(await store.ListAuditAsync(new AuditQuery { Subject = $"exception/{exception.Id}" }));
    }

    [SkippableFact]
    public async Task ResolveException_ManyExceptionsAtOnceOnOneInvoice_NeverAppliedPastItsOpenAmount()
    {
        var store = await OpenAsync();
        await store.UpsertOpenItemsAsync([Invoice("A1", 25_000)], "ar");
        var credits = Enumerable.Range(0, Contenders).Select(i => Credit($"P{i}", 10_000)).ToArray();
        await store.StoreIngestAsync(Batch("h1", credits, exceptions: [.. credits.Select(c => Unapplied(c.PaymentRef, c.AmountMinor))]));
        var exceptions = (await store.ListExceptionsAsync(new ExceptionQuery { Take = 100 })).Items;
        using var start = new ManualResetEventSlim();
        var tasks = exceptions.Select(e => Task.Run(async () =>
        {
            start.Wait();
            return await store.ResolveExceptionAsync(new ResolveRequest
            {
                ExceptionId = e.Id,
                ExpectedRowVersion = e.RowVersion,
                Kind = ResolutionKind.ApplyToItems,
                Allocations = [new ItemAllocation("A1", 10_000)],
                Actor = "specialist",
                Reason = "race",
            });
        })).ToArray();
        start.Set();
        var results = await Task.WhenAll(tasks);

        Assert.Equal(2, results.Count(r => r.Status == ResolveStatus.Resolved));
        Assert.All(results.Where(r => r.Status != ResolveStatus.Resolved), r => Assert.Equal(ResolveStatus.InsufficientOpenAmount, r.Status));
        var applications = await store.ListApplicationsAsync(new ApplicationQuery { ItemId = "A1" });
        Assert.Equal(20_000, applications.Sum(a => a.Amount.Minor));
        var item = (await store.GetOpenItemAsync("A1"))!;
        Assert.Equal((5_000L, 20_000L), (item.RemainingMinor, item.AppliedMinor));
        Assert.Equal(Contenders - 2, (await store.ListExceptionsAsync(new ExceptionQuery { Status = ExceptionStatus.Open })).TotalCount);
    }

    [SkippableFact]
    public async Task StoreIngest_ManyFilesAtOnceOnOneInvoice_ExactlyOneApplies()
    {
        var store = await OpenAsync();
        await store.UpsertOpenItemsAsync([Invoice("A1", 10_000)], "ar");
        using var start = new ManualResetEventSlim();
        var tasks = Enumerable.Range(0, Contenders).Select(i => Task.Run(async () =>
        {
            start.Wait();
            return await store.StoreIngestAsync(Batch($"h{i}", [Credit($"P{i}", 10_000)], [Apply($"P{i}", "A1", 10_000)]));
        })).ToArray();
        start.Set();
        var results = await Task.WhenAll(tasks);

        Assert.Single(results, r => r.Status == IngestStatus.Stored);
        Assert.All(results.Where(r => r.Status != IngestStatus.Stored), r => Assert.Equal(IngestStatus.StaleSnapshot, r.Status));
        Assert.Equal(0, (await store.GetOpenItemAsync("A1"))!.RemainingMinor);
    }

    [SkippableFact]
    public async Task StoreIngest_SameFileAtOnceFromManyTasks_StoredOnceRestDuplicates()
    {
        var store = await OpenAsync();
        using var start = new ManualResetEventSlim();
        var tasks = Enumerable.Range(0, Contenders).Select(_ => Task.Run(async () =>
        {
            start.Wait();
            return await store.StoreIngestAsync(Batch("same", [Credit("P1", 10_000)], exceptions: [Unapplied("P1", 10_000)]));
        })).ToArray();
        start.Set();
        var results = await Task.WhenAll(tasks);

        Assert.Single(results, r => r.Status == IngestStatus.Stored);
        Assert.All(results, r => Assert.Equal(results.First(x => x.Status == IngestStatus.Stored).File!.Id, r.File!.Id));
        Assert.Equal(1, (await store.ListExceptionsAsync(new ExceptionQuery())).TotalCount);
    }

    [SkippableFact]
    public async Task GetSummary_HitRateByMethodAndUnappliedByCurrencyAndAge()
    {
        var store = await OpenAsync();
        await store.UpsertOpenItemsAsync([Invoice("A1", 10_000), Invoice("A2", 5_000), Invoice("A3", 7_000)], "ar");
        await store.StoreIngestAsync(Batch("old", [Credit("O1", 400), Credit("O2", 900, "EUR")], exceptions: [Unapplied("O1", 400), Unapplied("O2", 900, "EUR")]));
        Clock.Advance(TimeSpan.FromDays(40));
        await store.StoreIngestAsync(Batch(
            "new",
            [Credit("P1", 10_000), Credit("P2", 12_000), Credit("P3", 300)],
            [Apply("P1", "A1", 10_000), Apply("P2", "A2", 5_000, method: MatchMethod.Combination), Apply("P2", "A3", 7_000, method: MatchMethod.Combination)],
            [Unapplied("P3", 300)]));
        Clock.Advance(TimeSpan.FromDays(10));

        var summary = await store.GetSummaryAsync();

        Assert.Equal((2, 5, 2, 3), (summary.BankFiles, summary.Payments, summary.PaymentsFullyApplied, summary.OpenExceptions));
        Assert.Equal(0.4, summary.HitRate, 6);
        Assert.Equal(
            [new MethodFigure(MatchMethod.ExactReference, 1, 1, 0.2), new MethodFigure(MatchMethod.Combination, 1, 2, 0.2)],
            summary.ByMethod);
        Assert.Equal(
            [new UnappliedFigure("EUR", 0, 0, 900, 0, 1), new UnappliedFigure("USD", 0, 300, 400, 0, 2)],
            summary.Unapplied);
    }

    [SkippableFact]
    public async Task GetSummary_UnappliedPastALong_AddedExactly()
    {
        // Eleven unmatched payments of the largest 18-digit amount: each fits a long, their sum does not. The
        // summary used to fail here (the database's SUM overflowed), taking the dashboard down for everyone.
        var store = await OpenAsync();
        const long largest = 999_999_999_999_999_999;
        var credits = Enumerable.Range(1, 11).Select(i => Credit($"H{i}", largest, line: i)).ToList();
        await store.StoreIngestAsync(Batch("huge", credits, exceptions: [.. credits.Select(c => Unapplied(c.PaymentRef, c.AmountMinor))]));
        await store.StoreIngestAsync(Batch("small", [Credit("S1", 250, "EUR")], exceptions: [Unapplied("S1", 250, "EUR")]));
        Clock.Advance(TimeSpan.FromDays(40));
        await store.StoreIngestAsync(Batch("later", [Credit("L1", largest - 7)], exceptions: [Unapplied("L1", largest - 7)]));

        var summary = await store.GetSummaryAsync();

        Assert.Equal(
            [new UnappliedFigure("EUR", 0, 0, 250, 0, 1), new UnappliedFigure("USD", largest - 7, 0, (Int128)largest * 11, 0, 12)],
            summary.Unapplied);
        Assert.Equal(Int128.Parse("11999999999999999981", CultureInfo.InvariantCulture), summary.Unapplied[1].TotalMinor);
    }
}
