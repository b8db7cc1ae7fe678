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
}
