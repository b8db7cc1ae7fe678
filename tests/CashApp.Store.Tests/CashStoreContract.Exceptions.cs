using CashApp.Store;
using CashApp.Engine.Model;
using static CashApp.Store.Tests.Ledger;

namespace CashApp.Store.Tests;

public abstract partial class CashStoreContract
{
    private static ResolveRequest Decide(StoredExceptionCase exception, ResolutionKind kind, params ItemAllocation[] allocations) => new()
    {
        ExceptionId = exception.Id,
        ExpectedRowVersion = exception.RowVersion,
        Kind = kind,
        Allocations = allocations,
        Actor = "alice",
        Reason = "remittance advice received by e-mail",
    };

    [SkippableFact]
    public async Task ResolveException_ApplyToItems_AppliesDecrementsResolvesAndAudits()
    {
        var (store, exception) = await OneExceptionAsync();
        Clock.Advance(TimeSpan.FromHours(2));

        var result = await store.ResolveExceptionAsync(Decide(exception, ResolutionKind.ApplyToItems, new ItemAllocation("A1", 10_000)));

        Assert.Equal(ResolveStatus.Resolved, result.Status);
        var resolved = result.Exception!;
        Assert.Equal((ExceptionStatus.Resolved, 0L, 2L, ResolutionKind.ApplyToItems, "alice"), (resolved.Status, resolved.Unapplied.Minor, resolved.RowVersion, resolved.Resolution!.Value, resolved.ResolvedBy));
        Assert.Equal(Clock.GetUtcNow(), resolved.ResolvedAt);
        var application = Assert.Single(result.Applications);
        Assert.Equal(("A1", 10_000L, MatchMethod.Manual, exception.Id, "alice"), (application.ItemId, application.Amount.Minor, application.Method, application.ExceptionId!.Value, application.AppliedBy));
        Assert.Equal((0L, OpenItemStatus.Closed), ((await store.GetOpenItemAsync("A1"))!.RemainingMinor, (await store.GetOpenItemAsync("A1"))!.Status));
        var audit = Assert.Single(await store.ListAuditAsync(new AuditQuery { Subject = $"exception/{exception.Id}" }));
        Assert.Equal(("alice", "exception.resolve", "remittance advice received by e-mail"), (audit.Actor, audit.Action, audit.Reason));
        Assert.Contains("\"open\"", audit.Before, StringComparison.Ordinal);
        Assert.Contains("\"resolved\"", audit.After, StringComparison.Ordinal);
    }

    [SkippableFact]
    public async Task ResolveException_InvoiceAndCreditMemo_NetAmountApplied()
    {
        var (store, exception) = await OneExceptionAsync(paymentMinor: 3_000);

        var result = await store.ResolveExceptionAsync(Decide(exception, ResolutionKind.ApplyToItems, new ItemAllocation("A2", 5_000), new ItemAllocation("CM1", -2_000)));

        Assert.Equal(ResolveStatus.Resolved, result.Status);
        Assert.Equal(0, (await store.GetOpenItemAsync("CM1"))!.RemainingMinor);
        Assert.Equal(0, (await store.GetOpenItemAsync("A2"))!.RemainingMinor);
    }

    [SkippableFact]
    public async Task ResolveException_PartOfTheAmount_PartiallyAppliedAndStillOpen()
    {
        var (store, exception) = await OneExceptionAsync();

        var result = await store.ResolveExceptionAsync(Decide(exception, ResolutionKind.ApplyToItems, new ItemAllocation("A2", 5_000)));

        Assert.Equal(ResolveStatus.PartiallyApplied, result.Status);
        Assert.Equal((ExceptionStatus.Open, 5_000L, 2L), (result.Exception!.Status, result.Exception.Unapplied.Minor, result.Exception.RowVersion));
        var rest = await store.ResolveExceptionAsync(Decide(result.Exception, ResolutionKind.LeaveOnAccount));
        Assert.Equal(ResolveStatus.Resolved, rest.Status);
        Assert.Equal(5_000L, rest.Exception!.Unapplied.Minor);
    }

    [SkippableFact]
    public async Task ResolveException_StaleRowVersion_ConflictAndNothingChanges()
    {
        var (store, exception) = await OneExceptionAsync();
        await store.AssignExceptionAsync(new AssignRequest { ExceptionId = exception.Id, ExpectedRowVersion = 1, Assignee = "bob", Actor = "lead" });

        var result = await store.ResolveExceptionAsync(Decide(exception, ResolutionKind.ApplyToItems, new ItemAllocation("A1", 10_000)));

        Assert.Equal(ResolveStatus.Conflict, result.Status);
        Assert.Equal(2L, result.Exception!.RowVersion);
        Assert.Equal(10_000, (await store.GetOpenItemAsync("A1"))!.RemainingMinor);
        Assert.Empty(await store.ListApplicationsAsync(new ApplicationQuery()));
    }

    [SkippableFact]
    public async Task ResolveException_AlreadyResolved_ConflictNamesTheWinner()
    {
        var (store, exception) = await OneExceptionAsync();
        await store.ResolveExceptionAsync(Decide(exception, ResolutionKind.Refund));
        var current = (await store.GetExceptionAsync(exception.Id))!;

        var result = await store.ResolveExceptionAsync(Decide(current, ResolutionKind.WriteOff) with { Actor = "bob" });

        Assert.Equal(ResolveStatus.Conflict, result.Status);
        Assert.Contains("alice", result.Message, StringComparison.Ordinal);
        Assert.Equal(ResolutionKind.Refund, (await store.GetExceptionAsync(exception.Id))!.Resolution);
    }

    [SkippableFact]
    public async Task ResolveException_MoreThanTheItemHasOpen_InsufficientAndNothingChanges()
    {
        var (store, exception) = await OneExceptionAsync(paymentMinor: 20_000);

        var result = await store.ResolveExceptionAsync(Decide(exception, ResolutionKind.ApplyToItems, new ItemAllocation("A2", 5_000), new ItemAllocation("A1", 15_000)));

        Assert.Equal(ResolveStatus.InsufficientOpenAmount, result.Status);
        Assert.Contains("A1", result.Message, StringComparison.Ordinal);
        var current = (await store.GetExceptionAsync(exception.Id))!;
        Assert.Equal((1L, ExceptionStatus.Open, 20_000L), (current.RowVersion, current.Status, current.Unapplied.Minor));
        Assert.Equal(5_000, (await store.GetOpenItemAsync("A2"))!.RemainingMinor);
        Assert.Empty(await store.ListApplicationsAsync(new ApplicationQuery()));
    }

    [SkippableFact]
    public async Task ResolveException_ClosedItem_InsufficientOpenAmount()
    {
        var (store, exception) = await OneExceptionAsync();
        await store.CloseOpenItemsAsync(["A1"], "ar", "credit note issued in AR");

        var result = await store.ResolveExceptionAsync(Decide(exception, ResolutionKind.ApplyToItems, new ItemAllocation("A1", 10_000)));

        Assert.Equal(ResolveStatus.InsufficientOpenAmount, result.Status);
        Assert.Contains("closed", result.Message, StringComparison.Ordinal);
    }

    [SkippableTheory]
    [InlineData(10_001L, "A1")]
    [InlineData(-1L, "A1")]
    [InlineData(100L, "NOPE")]
    public async Task ResolveException_InvalidAllocation_InvalidAndNothingChanges(long amount, string itemId)
    {
        var (store, exception) = await OneExceptionAsync();

        var result = await store.ResolveExceptionAsync(Decide(exception, ResolutionKind.ApplyToItems, new ItemAllocation(itemId, amount)));

        Assert.Equal(ResolveStatus.Invalid, result.Status);
        Assert.Equal(1L, (await store.GetExceptionAsync(exception.Id))!.RowVersion);
    }

    [SkippableFact]
    public async Task ResolveException_ItemInAnotherCurrency_Invalid()
    {
        var (store, exception) = await OneExceptionAsync();
        await store.UpsertOpenItemsAsync([Invoice("E1", 10_000, "EUR")], "ar");

        var result = await store.ResolveExceptionAsync(Decide(exception, ResolutionKind.ApplyToItems, new ItemAllocation("E1", 10_000)));

        Assert.Equal(ResolveStatus.Invalid, result.Status);
        Assert.Contains("EUR", result.Message, StringComparison.Ordinal);
    }

    [SkippableFact]
    public async Task ResolveException_Unknown_NotFound()
    {
        var store = await OpenAsync();

        var result = await store.ResolveExceptionAsync(new ResolveRequest { ExceptionId = 999, ExpectedRowVersion = 1, Kind = ResolutionKind.WriteOff, Actor = "alice", Reason = "small" });

        Assert.Equal(ResolveStatus.NotFound, result.Status);
    }

    [SkippableFact]
    public async Task AssignException_CurrentVersion_AssignsBumpsVersionAndAudits_StaleVersionConflicts()
    {
        var (store, exception) = await OneExceptionAsync();

        var assigned = await store.AssignExceptionAsync(new AssignRequest { ExceptionId = exception.Id, ExpectedRowVersion = 1, Assignee = "bob", Actor = "lead", Reason = "EU desk" });
        var stale = await store.AssignExceptionAsync(new AssignRequest { ExceptionId = exception.Id, ExpectedRowVersion = 1, Assignee = "carol", Actor = "lead" });
        var missing = await store.AssignExceptionAsync(new AssignRequest { ExceptionId = 999, ExpectedRowVersion = 1, Assignee = "carol", Actor = "lead" });

        Assert.Equal((UpdateStatus.Updated, "bob", 2L), (assigned.Status, assigned.Exception!.Assignee, assigned.Exception.RowVersion));
        Assert.Equal((UpdateStatus.Conflict, "bob"), (stale.Status, stale.Exception!.Assignee));
        Assert.Equal(UpdateStatus.NotFound, missing.Status);
        Assert.Equal(["bob"], (await store.ListExceptionsAsync(new ExceptionQuery { Assignee = "bob" })).Items.Select(e => e.Assignee));
        Assert.Equal("exception.assign", Assert.Single(await store.ListAuditAsync(new AuditQuery { Subject = $"exception/{exception.Id}" })).Action);
    }

    [SkippableFact]
    public async Task ListExceptions_Filters_ByStatusCurrencyAgeAndAmount_AndPagesById()
    {
        var store = await OpenAsync();
        await store.StoreIngestAsync(Batch("old", [Credit("O1", 500), Credit("O2", 90_000, "EUR")], exceptions: [Unapplied("O1", 500), Unapplied("O2", 90_000, "EUR")]));
        Clock.Advance(TimeSpan.FromDays(10));
        var credits = Enumerable.Range(1, 5).Select(i => Credit($"N{i}", i * 1_000)).ToArray();
        await store.StoreIngestAsync(Batch("new", credits, exceptions: [.. credits.Select(c => Unapplied(c.PaymentRef, c.AmountMinor))]));

        var eur = await store.ListExceptionsAsync(new ExceptionQuery { Currency = "EUR" });
        var old = await store.ListExceptionsAsync(new ExceptionQuery { MinAge = TimeSpan.FromDays(7) });
        var recent = await store.ListExceptionsAsync(new ExceptionQuery { MaxAge = TimeSpan.FromDays(1) });
        var mid = await store.ListExceptionsAsync(new ExceptionQuery { MinUnappliedMinor = 2_000, MaxUnappliedMinor = 4_000 });
        var page1 = await store.ListExceptionsAsync(new ExceptionQuery { Currency = "USD", Take = 4 });
        var page2 = await store.ListExceptionsAsync(new ExceptionQuery { Currency = "USD", Take = 4, AfterId = page1.NextAfterId });
        var resolved = await store.ListExceptionsAsync(new ExceptionQuery { Status = ExceptionStatus.Resolved });

        Assert.Equal(["O2"], eur.Items.Select(e => e.PaymentRef));
        Assert.Equal(["O1", "O2"], old.Items.Select(e => e.PaymentRef));
        Assert.Equal(5, recent.TotalCount);
        Assert.Equal(["N2", "N3", "N4"], mid.Items.Select(e => e.PaymentRef));
        Assert.Equal((6L, 4), (page1.TotalCount, page1.Items.Count));
        Assert.NotNull(page1.NextAfterId);
        Assert.Equal(["N4", "N5"], page2.Items.Select(e => e.PaymentRef));
        Assert.Null(page2.NextAfterId);
        Assert.Empty(resolved.Items);
    }
}
