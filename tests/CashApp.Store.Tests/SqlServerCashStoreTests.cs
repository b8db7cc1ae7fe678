using CashApp.Store;
using Microsoft.Data.SqlClient;

namespace CashApp.Store.Tests;

/// <summary>
/// The contract on SQL Server, when <c>CASHAPP_SQLSERVER</c> holds a connection string (to a server where the
/// login may create databases). Each test gets its own database, dropped afterwards. Skipped, with the
/// reason shown, when the variable is not set.
/// </summary>
public sealed class SqlServerCashStoreTests : CashStoreContract
{
    private const string Variable = "CASHAPP_SQLSERVER";

    private static readonly string? ServerConnectionString = Environment.GetEnvironmentVariable(Variable) is { Length: > 0 } value ? value : null;

    private readonly string _database = "cashapp_test_" + Guid.NewGuid().ToString("N");

    private bool _created;

    protected override string? UnavailableReason => ServerConnectionString is null ? $"SQL Server store not tested: set {Variable} to a connection string." : null;

    private string DatabaseConnectionString => new SqlConnectionStringBuilder(ServerConnectionString) { InitialCatalog = _database }.ConnectionString;

    private protected override async Task<ICashStore> OpenFreshAsync(TimeProvider clock, bool again)
    {
        if (!_created)
        {
            await ExecuteOnServerAsync($"CREATE DATABASE [{_database}]");
            _created = true;
        }

        return await CashStores.OpenSqlServerAsync(DatabaseConnectionString, clock);
    }

    public override async Task DisposeAsync()
    {
        await base.DisposeAsync();
        if (_created)
        {
            SqlConnection.ClearAllPools();
            await ExecuteOnServerAsync($"ALTER DATABASE [{_database}] SET SINGLE_USER WITH ROLLBACK IMMEDIATE; DROP DATABASE [{_database}]");
        }
    }

    private static async Task ExecuteOnServerAsync(string text)
    {
        await using var connection = new SqlConnection(new SqlConnectionStringBuilder(ServerConnectionString) { InitialCatalog = "master" }.ConnectionString);
        await connection.OpenAsync();
        await using var command = connection.CreateCommand();
#pragma warning disable CA2100 // Test set-up: the database name is a generated GUID.
        command.CommandText = text;
#pragma warning restore CA2100
        await command.ExecuteNonQueryAsync();
    }
}
