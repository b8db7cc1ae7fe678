using CashApp.Store;
using Microsoft.Data.Sqlite;

namespace CashApp.Store.Tests;

/// <summary>The contract on SQLite: always runs, each test on its own file.</summary>
public sealed class SqliteCashStoreTests : CashStoreContract
{
    private readonly string _directory = Directory.CreateTempSubdirectory("cashapp-store-").FullName;

    private string DatabasePath => Path.Combine(_directory, "cashapp.db");

    protected override string? UnavailableReason => null;

    private protected override Task<ICashStore> OpenFreshAsync(TimeProvider clock, bool again) => CashStores.OpenSqliteAsync(DatabasePath, clock);

    public override async Task DisposeAsync()
    {
        await base.DisposeAsync();
        Directory.Delete(_directory, recursive: true);
    }

    [Fact]
    public async Task Open_NewFile_UsesWalJournalAndRecordsTheSchemaVersionOnce()
    {
        await using (var store = await OpenAsync())
        {
            await store.MigrateAsync();
        }

        await using var connection = new SqliteConnection($"Data Source={DatabasePath};Pooling=False");
        await connection.OpenAsync();
        await using var command = connection.CreateCommand();
        command.CommandText = "PRAGMA journal_mode";
        Assert.Equal("wal", (string?)await command.ExecuteScalarAsync());
        command.CommandText = "SELECT COUNT(*) || ':' || MAX(version) FROM schema_version";
        Assert.Equal("5:5", (string?)await command.ExecuteScalarAsync());
    }

    [Fact]
    public async Task Migrate_DatabaseAtVersion1_UpgradesToLatestAndKeepsData()
    {
        var version1 = SqliteStatements.Sql with { Migrations = [SqliteStatements.Sql.Migrations[0]] };
        await using (var old = new SqliteCashStore(DatabasePath, Clock, version1))
        {
            await old.MigrateAsync();
            Assert.Equal(1, old.SchemaVersion);
            await old.UpsertOpenItemsAsync([Ledger.Invoice("A1", 10_000)], "ar");
        }

        await using var store = await OpenAsync();

        Assert.Equal(5, store.SchemaVersion);
        Assert.Equal(10_000, (await store.GetOpenItemAsync("A1"))!.RemainingMinor);
        await using var connection = new SqliteConnection($"Data Source={DatabasePath};Pooling=False");
        await connection.OpenAsync();
        await using var command = connection.CreateCommand();
        command.CommandText = "EXPLAIN QUERY PLAN " + SqliteStatements.Sql.SelectOpenItems.Text;
        await using var reader = await command.ExecuteReaderAsync();
        Assert.True(await reader.ReadAsync());
        Assert.StartsWith("SCAN open_items", reader.GetString(3), StringComparison.Ordinal);
    }
    [Fact]
    public async Task Migrate_DatabaseAtVersion2WithPayments_AddsIdentityKeysAndKeepsThePaymentsStoredBefore()
    {
        var version2 = SqliteStatements.Sql with
        {
            Migrations = [.. SqliteStatements.Sql.Migrations.Take(2)],
            InsertPayment = LedgerStatement.Of(
                "InsertPaymentV2",
                """
                INSERT INTO payments (bank_file_id, payment_ref, amount_minor, currency, is_payment, not_payment_reason, payer_name, payer_account, payer_id, free_text, remittance, value_date, type_code, line_number)
                SELECT @bank_file_id, @payment_ref, @amount_minor, @currency, @is_payment, @not_payment_reason, @payer_name, @payer_account, @payer_id, @free_text, @remittance, @value_date, @type_code, @line_number
                WHERE @identity_key IS NOT NULL OR @identity_key IS NULL
                """,
                LedgerSql.PaymentInsertParameters),
            SelectPaymentByIdentityKey = LedgerStatement.Of("NoKeysYet", "SELECT NULL, 0, '', 0, '' WHERE @identity_key IS NULL", ("@identity_key", LedgerParamType.Key)),
        };
        long oldFile;
        await using (var old = new SqliteCashStore(DatabasePath, Clock, version2))
        {
            await old.MigrateAsync();
            Assert.Equal(2, old.SchemaVersion);
            oldFile = (await old.StoreIngestAsync(Ledger.Batch("h1", [Ledger.Credit("P1", 1_000)], exceptions: [Ledger.Unapplied("P1", 1_000)]))).File!.Id;
        }

        await using var store = await OpenAsync();
        var stored = await store.StoreIngestAsync(Ledger.Batch("h2", [Ledger.Credit("P2", 2_000)], exceptions: [Ledger.Unapplied("P2", 2_000)]));
        var again = await store.StoreIngestAsync(Ledger.Batch("h3", [Ledger.Credit("P2", 2_000)], exceptions: [Ledger.Unapplied("P2", 2_000)]));

        Assert.Equal(5, store.SchemaVersion);
        var before = Assert.Single(await store.ListPaymentsAsync(oldFile));
        Assert.Equal(("P1", (string?)null), (before.PaymentRef, before.IdentityKey));
        Assert.NotNull(Assert.Single(await store.ListPaymentsAsync(stored.File!.Id)).IdentityKey);
        Assert.Equal(IngestStatus.ReceivedMeanwhile, again.Status);
    }
}
