using CashApp.Store;
using CashApp.Engine.Model;
using CashApp.Parsers.Common;
using static CashApp.Store.Tests.Ledger;

namespace CashApp.Store.Tests;

/// <summary>
/// The contract every store keeps. Each database runs it through a subclass that opens a fresh, empty
/// store; a database that is not available skips every test visibly, with the reason.
/// </summary>
public abstract partial class CashStoreContract : IAsyncLifetime
{
    private readonly List<ICashStore> _opened = [];

    private protected ManualClock Clock { get; } = new();

    /// <summary>Why this database cannot be tested here, or null when it can.</summary>
    protected abstract string? UnavailableReason { get; }

    /// <summary>Opens a store on a fresh, empty database (or, with <paramref name="again"/>, the same database once more).</summary>
    private protected abstract Task<ICashStore> OpenFreshAsync(TimeProvider clock, bool again);

    public Task InitializeAsync() => Task.CompletedTask;

    public virtual async Task DisposeAsync()
    {
        foreach (var store in _opened)
        {
            await store.DisposeAsync();
        }
    }

    private protected async Task<ICashStore> OpenAsync()
    {
        Skip.If(UnavailableReason is not null, UnavailableReason);
        var store = await OpenFreshAsync(Clock, again: false);
        _opened.Add(store);
        return store;
    }

    private protected async Task<ICashStore> OpenAgainAsync()
    {
        var store = await OpenFreshAsync(Clock, again: true);
        _opened.Add(store);
        return store;
    }

    private protected static async Task<StoredExceptionCase> OnlyOpenExceptionAsync(ICashStore store)
    {
        var page = await store.ListExceptionsAsync(new ExceptionQuery { Status = ExceptionStatus.Open });
        return Assert.Single(page.Items);
    }

    /// <summary>A store holding one invoice of 100.00 and one payment of 100.00 that went to exceptions.</summary>
    private protected async Task<(ICashStore Store, StoredExceptionCase Exception)> OneExceptionAsync(long invoiceMinor = 10_000, long paymentMinor = 10_000)
    {
        var store = await OpenAsync();
        await store.UpsertOpenItemsAsync([Invoice("A1", invoiceMinor), Invoice("A2", 5_000), CreditMemo("CM1", 2_000)], "ar");
        await store.StoreIngestAsync(Batch("h1", [Credit("P1", paymentMinor)], exceptions: [Unapplied("P1", paymentMinor, suggestedItems: "A1")]));
        return (store, await OnlyOpenExceptionAsync(store));
    }

    [SkippableFact]
    public async Task Migrate_RunTwiceAndFromASecondInstance_KeepsSchemaAndData()
    {
        var store = await OpenAsync();
        await store.UpsertOpenItemsAsync([Invoice("A1", 10_000)], "ar");
        await store.MigrateAsync();
        await using var second = await OpenAgainAsync();
        Assert.Equal(((DbCashStore)store).LatestSchemaVersion, store.SchemaVersion);
        Assert.Equal(((DbCashStore)store).LatestSchemaVersion, second.SchemaVersion);
        Assert.Equal(10_000, (await second.GetOpenItemAsync("A1"))!.RemainingMinor);
    }

    [SkippableFact]
    public async Task UpsertOpenItems_NewChangedAndUnchanged_CountsAndNamesEachAndBumpsRowVersionOnlyOnChange()
    {
        var store = await OpenAsync();
        var first = await store.UpsertOpenItemsAsync([Invoice("A1", 10_000), Invoice("A2", 5_000)], "ar");
        var second = await store.UpsertOpenItemsAsync([Invoice("A1", 10_000), Invoice("A2", 4_000), Invoice("A3", 1)], "ar");

        // Only the rows inserted or changed are named: A1 sent again as it is is not.
        Assert.Equal(new SyncResult(2, 0, 0, 0) { Changed = ["A1", "A2"] }, first);
        Assert.Equal(new SyncResult(1, 1, 1, 0) { Changed = ["A2", "A3"] }, second);
        Assert.Equal(1, (await store.GetOpenItemAsync("A1"))!.RowVersion);
        var a2 = (await store.GetOpenItemAsync("A2"))!;
        Assert.Equal(2, a2.RowVersion);
        Assert.Equal(4_000, a2.RemainingMinor);
        Assert.Equal(Invoice("A2", 4_000), a2.Item);
    }

    [SkippableFact]
    public async Task UpsertOpenItems_ArReportsZeroOpen_ItemClosedAndLeftOutOfTheSnapshot()
    {
        var store = await OpenAsync();
        await store.UpsertOpenItemsAsync([Invoice("A1", 10_000), Invoice("A2", 5_000)], "ar");
        var result = await store.UpsertOpenItemsAsync([Invoice("A1", 0)], "ar");

        Assert.Equal(1, result.Closed);
        Assert.Equal(OpenItemStatus.Closed, (await store.GetOpenItemAsync("A1"))!.Status);
        var snapshot = await store.LoadSnapshotAsync();
        Assert.Equal(["A2"], snapshot.OpenItems.Select(i => i.ItemId));
    }

    [SkippableFact]
    public async Task UpsertOpenItems_AfterApplications_RemainingIsArOpenLessApplied()
    {
        var store = await OpenAsync();
        await store.UpsertOpenItemsAsync([Invoice("A1", 10_000)], "ar");
        await store.StoreIngestAsync(Batch("h1", [Credit("P1", 3_000)], [Apply("P1", "A1", 3_000)]));
        await store.UpsertOpenItemsAsync([Invoice("A1", 12_000)], "ar");

        var item = (await store.GetOpenItemAsync("A1"))!;
        Assert.Equal(12_000, item.ArOpenMinor);
        Assert.Equal(3_000, item.AppliedMinor);
        Assert.Equal(9_000, item.RemainingMinor);
    }

    [SkippableFact]
    public async Task UpsertCustomers_RoundTripsAliasesAndAccounts_AndCountsAndNamesChanges()
    {
        var store = await OpenAsync();
        var first = await store.UpsertCustomersAsync([Customer("C1"), Customer("C2", "Birch Ltd")], "ar");
        var second = await store.UpsertCustomersAsync([Customer("C1"), Customer("C2", "Birch Limited")], "ar");

        Assert.Equal(new SyncResult(2, 0, 0, 0) { Changed = ["C1", "C2"] }, first);
        Assert.Equal(new SyncResult(0, 1, 1, 0) { Changed = ["C2"] }, second);
        var c1 = (await store.GetCustomerAsync("C1"))!;
        Assert.Equal(["Cedar Bldrs"], c1.Aliases);
        Assert.Equal(["021000021:123456789"], c1.BankAccounts);
        Assert.Null(await store.GetCustomerAsync("nobody"));
        Assert.Equal(2, (await store.LoadSnapshotAsync()).Customers.Count);
    }

    [SkippableFact]
    public async Task LoadSnapshot_AfterApplications_CarriesRemainingAmounts()
    {
        var store = await OpenAsync();
        await store.UpsertOpenItemsAsync([Invoice("A1", 10_000), Invoice("A2", 5_000)], "ar");
        await store.StoreIngestAsync(Batch("h1", [Credit("P1", 2_500), Credit("P2", 5_000)], [Apply("P1", "A1", 2_500), Apply("P2", "A2", 5_000)]));

        var snapshot = await store.LoadSnapshotAsync();

        var only = Assert.Single(snapshot.OpenItems);
        Assert.Equal(("A1", 7_500L), (only.ItemId, only.OpenMinor));
        Assert.Equal(OpenItemStatus.Closed, (await store.GetOpenItemAsync("A2"))!.Status);
    }
    [SkippableFact]
    public async Task ListOpenItems_Filters_AppliedBeforePaging()
    {
        var store = await OpenAsync();
        await store.UpsertOpenItemsAsync([.. Enumerable.Range(0, 12).Select(i => Invoice($"L{i:D2}", i % 3 == 0 ? 0 : 100 + i, i % 2 == 0 ? "USD" : "EUR", i % 4 < 2 ? "C1" : "C2"))], "ar");

        var first = await store.ListOpenItemsAsync(new OpenItemQuery { Status = OpenItemStatus.Open, CustomerId = "C1", Currency = "USD", Take = 2 });
        var rest = await store.ListOpenItemsAsync(new OpenItemQuery { Status = OpenItemStatus.Open, CustomerId = "C1", Currency = "USD", Take = 2, AfterItemId = first[^1].Item.ItemId });
        var closed = await store.ListOpenItemsAsync(new OpenItemQuery { Status = OpenItemStatus.Closed, Take = 100 });

        Assert.Equal(["L04", "L08"], first.Select(i => i.Item.ItemId));
        Assert.Empty(rest);
        Assert.Equal(["L00", "L03", "L06", "L09"], closed.Select(i => i.Item.ItemId));
        Assert.All(closed, i => Assert.Equal(OpenItemStatus.Closed, i.Status));
    }
}
