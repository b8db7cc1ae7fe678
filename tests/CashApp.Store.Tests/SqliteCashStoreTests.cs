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
        var latest = SqliteStatements.Sql.Migrations.Max(m => m.Version);
        Assert.Equal($"{latest}:{latest}", (string?)await command.ExecuteScalarAsync());
    }

    [Fact]
    public async Task WorklistPlans_FirstPageAndCountsWithoutText_ReadIndexesNotTheExceptionRows()
    {
        await using (var store = await OpenAsync())
        {
            await store.MigrateAsync();
        }

        var counts = await PlanAsync(WorklistSql.Sqlite.CountByReasonNoText.Text);
        var page = await PlanAsync(WorklistSql.Sqlite.SelectPageNoText[(WorklistSort.Age, false)].Text);
        var textCounts = await PlanAsync(WorklistSql.Sqlite.CountByReason.Text);

        // The counts of the first page read the narrow index in reason order: no table scan and no sort.
        Assert.Contains(counts, step => step.Contains("SCAN e USING COVERING INDEX ix_exceptions_worklist", StringComparison.Ordinal));
        Assert.DoesNotContain(counts, step => step.Contains("TEMP B-TREE", StringComparison.Ordinal));
        // The first page walks the age index and stops after a page.
        Assert.Contains(page, step => step.Contains("SCAN e USING INDEX ix_exceptions_created", StringComparison.Ordinal));
        // With text, the exceptions filtered and the payment to join come from the index, not the wide rows.
        Assert.Contains(textCounts, step => step.Contains("ix_exceptions_worklist", StringComparison.Ordinal));
    }

    private async Task<List<string>> PlanAsync(string sql)
    {
        await using var connection = new SqliteConnection($"Data Source={DatabasePath};Pooling=False");
        await connection.OpenAsync();
        await using var command = connection.CreateCommand();
        command.CommandText = "EXPLAIN QUERY PLAN " + sql;
        var steps = new List<string>();
        await using var reader = await command.ExecuteReaderAsync();
        while (await reader.ReadAsync())
        {
            steps.Add(reader.GetString(3));
        }

        return steps;
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

        Assert.Equal(SqliteStatements.Sql.Migrations.Max(m => m.Version), store.SchemaVersion);
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

        Assert.Equal(SqliteStatements.Sql.Migrations.Max(m => m.Version), store.SchemaVersion);
        var before = Assert.Single(await store.ListPaymentsAsync(oldFile));
        Assert.Equal(("P1", (string?)null), (before.PaymentRef, before.IdentityKey));
        Assert.NotNull(Assert.Single(await store.ListPaymentsAsync(stored.File!.Id)).IdentityKey);
        Assert.Equal(IngestStatus.ReceivedMeanwhile, again.Status);
    }
}
