using System.Data.Common;
using System.Globalization;
using Microsoft.Data.Sqlite;

namespace CashApp.Store;

/// <summary>
/// The embedded store: one SQLite file (<c>cashapp.db</c> by default) in WAL mode, with a busy timeout so
/// concurrent writers wait rather than fail. Writes take the write lock at their start
/// (<c>BEGIN IMMEDIATE</c>), so two decisions on one exception are serialised.
/// </summary>
public sealed partial class SqliteCashStore : DbCashStore
{
    private const string TimeFormat = "yyyy-MM-dd'T'HH:mm:ss.fffffff'Z'";

    private readonly string _connectionString;

    /// <summary>Creates a store over the file at <paramref name="path"/> (created when missing). Call <see cref="DbCashStore.MigrateAsync"/> before use, or open it with <see cref="CashStores.OpenSqliteAsync"/>.</summary>
    public SqliteCashStore(string path, TimeProvider clock)
        : this(path, clock, SqliteStatements.Sql)
    {
    }

    /// <summary>Creates a store with another statement set (tests: an older schema version).</summary>
    internal SqliteCashStore(string path, TimeProvider clock, LedgerSql sql)
        : base(sql, clock)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        Path = path;
        _connectionString = new SqliteConnectionStringBuilder
        {
            DataSource = path,
            Mode = SqliteOpenMode.ReadWriteCreate,
            Pooling = true,
            DefaultTimeout = 60,
        }.ToString();
    }

    /// <summary>The database file.</summary>
    public string Path { get; }

    /// <summary>How long a statement waits for another connection's write lock before failing.</summary>
    public static TimeSpan BusyTimeout { get; } = TimeSpan.FromSeconds(30);

    private protected override async ValueTask<DbConnection> OpenAsync(CancellationToken cancellationToken)
    {
        var connection = new SqliteConnection(_connectionString);
        try
        {
            await connection.OpenAsync(cancellationToken).ConfigureAwait(false);
            await using var pragmas = connection.CreateCommand();

            // FULL: a committed ingest survives a power cut, not only a killed process.
            pragmas.CommandText = string.Create(CultureInfo.InvariantCulture, $"PRAGMA busy_timeout = {(int)BusyTimeout.TotalMilliseconds}; PRAGMA foreign_keys = ON; PRAGMA synchronous = FULL;");
            await pragmas.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
            return connection;
        }
        catch
        {
            await connection.DisposeAsync().ConfigureAwait(false);
            throw;
        }
    }

    private protected override ValueTask<DbTransaction> BeginWriteAsync(DbConnection connection, CancellationToken cancellationToken) =>
        ValueTask.FromResult<DbTransaction>(((SqliteConnection)connection).BeginTransaction(deferred: false));

    private protected override ValueTask<DbTransaction> BeginSnapshotAsync(DbConnection connection, CancellationToken cancellationToken) =>
        ValueTask.FromResult<DbTransaction>(((SqliteConnection)connection).BeginTransaction(deferred: true));

    private protected override DbParameter CreateParameter(DbCommand command, LedgerParam parameter) => new SqliteParameter
    {
        ParameterName = parameter.Name,
        SqliteType = parameter.Type switch
        {
            LedgerParamType.BigInt or LedgerParamType.Count or LedgerParamType.Date or LedgerParamType.Bool => SqliteType.Integer,
            _ => SqliteType.Text,
        },
    };

    private protected override object TimeValue(DateTimeOffset value) => value.UtcDateTime.ToString(TimeFormat, CultureInfo.InvariantCulture);

    private protected override object DateValue(DateOnly value) => (value.Year * 10_000) + (value.Month * 100) + value.Day;

    private protected override DateTimeOffset ReadTime(DbDataReader reader, int ordinal) =>
        DateTimeOffset.ParseExact(reader.GetString(ordinal), TimeFormat, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal);

    private protected override DateOnly ReadDate(DbDataReader reader, int ordinal) => DateOf(reader.GetInt32(ordinal));

    /// <summary>A date stored as the integer <c>yyyymmdd</c>.</summary>
    private static DateOnly DateOf(int value) => new(value / 10_000, value / 100 % 100, value % 100);

    private protected override bool IsDuplicateKey(DbException exception) =>
        exception is SqliteException { SqliteErrorCode: 19, SqliteExtendedErrorCode: 2067 or 1555 };

    private protected override async Task<long> InsertReturningIdAsync(DbCommand command, CancellationToken cancellationToken)
    {
        // The rowid of the last insert on this connection: cheaper than RETURNING, which opens a reader per row.
        await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        return SQLitePCL.raw.sqlite3_last_insert_rowid(((SqliteConnection)command.Connection!).Handle);
    }

    private protected override ValueTask DisposeCoreAsync()
    {
        // Let go of pooled handles so the file can be moved or deleted once the store is closed.
        using var connection = new SqliteConnection(_connectionString);
        SqliteConnection.ClearPool(connection);
        return base.DisposeCoreAsync();
    }
}
