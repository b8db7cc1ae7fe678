using CashApp.Engine.Model;
using static CashApp.Store.Tests.Ledger;

namespace CashApp.Store.Tests;

/// <content>The worklist's contract: decisions that must balance, the rest disposed of in the same transaction, reopening by reversal, the queue's filters, people.</content>
public abstract partial class CashStoreContract
{
    [SkippableFact]
    public async Task Decide_SplitOverTwoInvoicesAndACreditMemo_AppliesEachAndResolves()
    {
        var (store, exception) = await OneExceptionAsync(invoiceMinor: 10_000, paymentMinor: 13_000);
        var worklist = (IWorklistStore)store;

        var result = await worklist.DecideAsync(new DecisionRequest
        {
            ExceptionId = exception.Id,
            ExpectedRowVersion = exception.RowVersion,
            Allocations = [new("A1", 10_000), new("A2", 5_000), new("CM1", -2_000)],
            Actor = "alice",
            Reason = "remittance by phone",
        });

        Assert.Equal(ResolveStatus.Resolved, result.Status);
        Assert.Equal((ExceptionStatus.Resolved, ResolutionKind.ApplyToItems, 0L), (result.Exception!.Status, result.Exception.Resolution, result.Exception.Unapplied.Minor));
        Assert.Equal(13_000, result.Applications.Sum(a => a.Amount.Minor));
        foreach (var id in new[] { "A1", "A2", "CM1" })
        {
            Assert.Equal(OpenItemStatus.Closed, (await store.GetOpenItemAsync(id))!.Status);
        }
    }

    [SkippableFact]
    public async Task Decide_SelectionThatDoesNotBalance_IsRefusedAndChangesNothing()
    {
        var (store, exception) = await OneExceptionAsync(invoiceMinor: 10_000, paymentMinor: 13_000);
        var worklist = (IWorklistStore)store;

        var result = await worklist.DecideAsync(new DecisionRequest
        {
            ExceptionId = exception.Id,
            ExpectedRowVersion = exception.RowVersion,
            Allocations = [new("A1", 10_000)],
            Actor = "alice",
            Reason = "x",
        });

        Assert.Equal(ResolveStatus.Invalid, result.Status);
        Assert.Contains("does not balance", result.Message, StringComparison.Ordinal);
        Assert.Equal(10_000, (await store.GetOpenItemAsync("A1"))!.RemainingMinor);
        Assert.Equal(exception.RowVersion, (await store.GetExceptionAsync(exception.Id))!.RowVersion);
    }

    [SkippableFact]
    public async Task Decide_WriteOffOfTheRest_OnlyWithinTheLimitAndWithAReasonCode()
    {
        var (store, exception) = await OneExceptionAsync(invoiceMinor: 10_000, paymentMinor: 10_075);
        var worklist = (IWorklistStore)store;
        var request = new DecisionRequest
        {
            ExceptionId = exception.Id,
            ExpectedRowVersion = exception.RowVersion,
            Allocations = [new("A1", 10_000)],
            Rest = RestDisposition.WriteOff,
            ReasonCode = "small_difference",
            WriteOffLimitMinor = 74,
            Actor = "alice",
            Reason = "overpaid by a little",
        };

        var tooMuch = await worklist.DecideAsync(request);
        var noCode = await worklist.DecideAsync(request with { WriteOffLimitMinor = 75, ReasonCode = null });
        var done = await worklist.DecideAsync(request with { WriteOffLimitMinor = 75 });

        Assert.Equal(ResolveStatus.Invalid, tooMuch.Status);
        Assert.Contains("more than the policy", tooMuch.Message, StringComparison.Ordinal);
        Assert.Equal(ResolveStatus.Invalid, noCode.Status);
        Assert.Equal(ResolveStatus.Resolved, done.Status);
        Assert.Equal((ResolutionKind.WriteOff, 75L), (done.Exception!.Resolution, done.Exception.Unapplied.Minor));
        Assert.Equal("small_difference: overpaid by a little", done.Exception.ResolutionReason);
    }

    [SkippableFact]
    public async Task Decide_OnAStaleRowVersion_LosesAndAppliesNothing()
    {
        var (store, exception) = await OneExceptionAsync();
        var worklist = (IWorklistStore)store;
        await store.AssignExceptionAsync(new AssignRequest { ExceptionId = exception.Id, ExpectedRowVersion = exception.RowVersion, Assignee = "bob", Actor = "bob" });

        var result = await worklist.DecideAsync(new DecisionRequest { ExceptionId = exception.Id, ExpectedRowVersion = exception.RowVersion, Allocations = [new("A1", 10_000)], Actor = "alice", Reason = "x" });

        Assert.Equal(ResolveStatus.Conflict, result.Status);
        Assert.Equal("bob", result.Exception!.Assignee);
        Assert.Empty(await store.ListApplicationsAsync(new ApplicationQuery()));
    }

    [SkippableFact]
    public async Task Reopen_AResolvedException_ReversesItsApplicationsAndReopensTheItems()
    {
        var (store, exception) = await OneExceptionAsync(invoiceMinor: 10_000, paymentMinor: 13_000);
        var worklist = (IWorklistStore)store;
        var decided = await worklist.DecideAsync(new DecisionRequest
        {
            ExceptionId = exception.Id,
            ExpectedRowVersion = exception.RowVersion,
            Allocations = [new("A1", 10_000), new("CM1", -2_000)],
            Rest = RestDisposition.LeaveOnAccount,
            Actor = "alice",
            Reason = "partly known",
        });
        Assert.Equal(5_000, decided.Exception!.Unapplied.Minor);

        var reopened = await worklist.ReopenExceptionAsync(new ReopenRequest { ExceptionId = exception.Id, ExpectedRowVersion = decided.Exception.RowVersion, Actor = "bob", Reason = "wrong customer" });

        Assert.Equal(ResolveStatus.Resolved, reopened.Status);
        Assert.Equal((ExceptionStatus.Open, 13_000L, (ResolutionKind?)null), (reopened.Exception!.Status, reopened.Exception.Unapplied.Minor, reopened.Exception.Resolution));
        var applications = await store.ListApplicationsAsync(new ApplicationQuery { PaymentId = exception.PaymentId });
        Assert.Equal(4, applications.Count);
        Assert.All(applications.GroupBy(a => a.ItemId), g => Assert.Equal(0, g.Sum(a => a.Amount.Minor)));
        Assert.Equal((OpenItemStatus.Open, 10_000L), ((await store.GetOpenItemAsync("A1"))!.Status, (await store.GetOpenItemAsync("A1"))!.RemainingMinor));
        Assert.Equal((OpenItemStatus.Open, -2_000L), ((await store.GetOpenItemAsync("CM1"))!.Status, (await store.GetOpenItemAsync("CM1"))!.RemainingMinor));
        var history = await worklist.ListExceptionHistoryAsync(exception.Id);
        Assert.Equal(["raised", "exception.resolve", "exception.reopen"], history.Select(h => h.Action));
    }

    [SkippableFact]
    public async Task ListWorklist_Filters_TextIsLiteralAndCountsAreByReason()
    {
        var store = await OpenAsync();
        var worklist = (IWorklistStore)store;
        await store.StoreIngestAsync(Batch(
            "wl",
            [Credit("P1", 1_000) with { PayerName = "ACME 100% SUPPLY" }, Credit("P2", 2_000) with { PayerName = "ACME 1000 SUPPLY" }, Credit("P3", 3_000, currency: "EUR") with { PayerName = "OTHER_CO" }],
            exceptions: [Unapplied("P1", 1_000, reason: ExceptionReason.UnknownPayer), Unapplied("P2", 2_000), Unapplied("P3", 3_000, currency: "EUR")]));
        var all = await store.ListExceptionsAsync(new ExceptionQuery());
        var p2 = all.Items.Single(e => e.PaymentRef == "P2");
        await store.AssignExceptionAsync(new AssignRequest { ExceptionId = p2.Id, ExpectedRowVersion = p2.RowVersion, Assignee = "alice", Actor = "alice" });

        var percent = await worklist.ListWorklistAsync(new WorklistQuery { Text = "100%" });
        var underscore = await worklist.ListWorklistAsync(new WorklistQuery { Text = "r_co" });
        var unassigned = await worklist.ListWorklistAsync(new WorklistQuery { Unassigned = true, Sort = WorklistSort.Unapplied, Descending = true });
        var mine = await worklist.ListWorklistAsync(new WorklistQuery { Assignee = "alice" });
        var usdRange = await worklist.ListWorklistAsync(new WorklistQuery { Currency = "USD", MinUnappliedMinor = 1_500 });
        var page2 = await worklist.ListWorklistAsync(new WorklistQuery { Sort = WorklistSort.PaymentAmount, Skip = 1, Take = 1 });

        Assert.Equal(["P1"], percent.Rows.Select(r => r.Exception.PaymentRef));
        Assert.Equal(["P3"], underscore.Rows.Select(r => r.Exception.PaymentRef));
        Assert.Equal(["P3", "P1"], unassigned.Rows.Select(r => r.Exception.PaymentRef));
        Assert.Equal((1L, 1L), (unassigned.CountByReason[ExceptionReason.UnknownPayer], unassigned.CountByReason[ExceptionReason.NoMatch]));
        Assert.Equal(["P2"], mine.Rows.Select(r => r.Exception.PaymentRef));
        Assert.Equal(["P2"], usdRange.Rows.Select(r => r.Exception.PaymentRef));
        Assert.Equal((3L, "P2"), (page2.TotalCount, Assert.Single(page2.Rows).Exception.PaymentRef));
        Assert.Equal(("wl.bai2", 1L), (page2.Rows[0].BankFileName, page2.Rows[0].LineNumber));
    }

    [SkippableFact]
    public async Task People_DuplicateNameRefused_FailuresLockAtTheLimit()
    {
        var store = await OpenAsync();
        var people = (IWorklistStore)store;
        Assert.True(await people.AddUserAsync("alice", "specialist", "hash-1", "admin"));
        Assert.False(await people.AddUserAsync("alice", "admin", "hash-2", "admin"));

        var until = ManualClock.Start.AddMinutes(15);
        for (var i = 0; i < 3; i++)
        {
            await people.RecordSignInFailureAsync("alice", 3, until);
        }

        var locked = await people.FindUserAsync("alice");
        await people.RecordSignInSuccessAsync("alice", "hash-3");
        var cleared = await people.FindUserAsync("alice");

        Assert.Equal((3, until, "specialist", "hash-1"), (locked!.FailedSignIns, locked.LockedUntil, locked.Role, locked.PasswordHash));
        Assert.Equal((0, (DateTimeOffset?)null, "hash-3"), (cleared!.FailedSignIns, cleared.LockedUntil, cleared.PasswordHash));
    }
}
