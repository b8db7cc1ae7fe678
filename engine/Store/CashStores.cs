namespace CashApp.Store;

/// <summary>Where the ledger lives: a SQLite file (the default) or a SQL Server connection string.</summary>
public sealed record StoreLocation
{
    /// <summary>The default SQLite file name.</summary>
    public const string DefaultSqlitePath = "cashapp.db";

    /// <summary>The SQLite file; used when <see cref="SqlServerConnectionString"/> is null.</summary>
    public string SqlitePath { get; init; } = DefaultSqlitePath;

    /// <summary>A SQL Server connection string; when set, the store is SQL Server.</summary>
    public string? SqlServerConnectionString { get; init; }
}

/// <summary>Opens a store and brings its schema up to date.</summary>
public static class CashStores
{
    /// <summary>Opens the store at <paramref name="location"/> and runs the migrations.</summary>
    public static Task<ICashStore> OpenAsync(StoreLocation location, TimeProvider clock, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(location);
        return location.SqlServerConnectionString is { Length: > 0 } connectionString
            ? OpenSqlServerAsync(connectionString, clock, cancellationToken)
            : OpenSqliteAsync(location.SqlitePath, clock, cancellationToken);
    }

    /// <summary>Opens (creating when missing) a SQLite store and runs the migrations.</summary>
    public static async Task<ICashStore> OpenSqliteAsync(string path, TimeProvider clock, CancellationToken cancellationToken = default)
    {
        var store = new SqliteCashStore(path, clock);
        await MigrateOrDisposeAsync(store, cancellationToken).ConfigureAwait(false);
        return store;
    }

    /// <summary>Opens a SQL Server store and runs the migrations.</summary>
    public static Task<ICashStore> OpenSqlServerAsync(string connectionString, TimeProvider clock, CancellationToken cancellationToken = default) =>
        OpenSqlServerAsync(connectionString, clock, null, cancellationToken);

    /// <summary>Opens a SQL Server store that retries transient faults with <paramref name="retry"/> (<see cref="SqlServerRetry.Create"/> when null), and runs the migrations.</summary>
    public static async Task<ICashStore> OpenSqlServerAsync(string connectionString, TimeProvider clock, Microsoft.Data.SqlClient.SqlRetryLogicBaseProvider? retry, CancellationToken cancellationToken = default)
    {
        var store = new SqlServerCashStore(connectionString, clock, retry);
        await MigrateOrDisposeAsync(store, cancellationToken).ConfigureAwait(false);
        return store;
    }

    private static async Task MigrateOrDisposeAsync(DbCashStore store, CancellationToken cancellationToken)
    {
        try
        {
            await store.MigrateAsync(cancellationToken).ConfigureAwait(false);
        }
        catch
        {
            await store.DisposeAsync().ConfigureAwait(false);
            throw;
        }
    }
}
