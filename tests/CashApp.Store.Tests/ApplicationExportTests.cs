using CashApp.Store;
using static CashApp.Store.Tests.Ledger;

namespace CashApp.Store.Tests;

public sealed class ApplicationExportTests : IAsyncLifetime
{
    private readonly string _directory = Directory.CreateTempSubdirectory("cashapp-export-").FullName;
    private readonly ManualClock _clock = new();
    private ICashStore _store = null!;

    public async Task InitializeAsync() => _store = await CashStores.OpenSqliteAsync(Path.Combine(_directory, "cashapp.db"), _clock);

    public async Task DisposeAsync()
    {
        await _store.DisposeAsync();
        Directory.Delete(_directory, recursive: true);
    }

    [Fact]
    public async Task WriteCsv_Since_WritesLaterApplicationsWithContractColumnsFirst()
    {
        await _store.UpsertOpenItemsAsync([Invoice("A1", 10_000), CreditMemo("CM1", 2_000), Invoice("J1", 5_000, "JPY")], "ar");
        await _store.StoreIngestAsync(Batch("h1", [Credit("OLD", 1_000)], [Apply("OLD", "A1", 1_000)]));
        _clock.Advance(TimeSpan.FromDays(1));
        await _store.StoreIngestAsync(Batch("h2", [Credit("P1", 7_000), Credit("P2", 5_000, "JPY")], [Apply("P1", "A1", 9_000), Apply("P1", "CM1", -2_000), Apply("P2", "J1", 5_000, "JPY")]));
        using var writer = new StringWriter();

        var rows = await ApplicationExport.WriteCsvAsync(_store, _clock.GetUtcNow(), writer);

        Assert.Equal(3, rows);
        var lines = writer.ToString().Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal("payment_ref,item_id,amount,currency,method,confidence,explanation,applied_at,applied_by,application_id,payment_id,exception_id", lines[0]);
        Assert.StartsWith("P1,A1,90.00,USD,exact_reference,0.990,test application,2026-11-24T09:00:00.000Z,ingest-test,2,", lines[1], StringComparison.Ordinal);
        Assert.StartsWith("P1,CM1,-20.00,USD,", lines[2], StringComparison.Ordinal);
        Assert.StartsWith("P2,J1,5000,JPY,", lines[3], StringComparison.Ordinal);
    }
}
