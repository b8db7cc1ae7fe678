using System.Data;
using System.Data.Common;
using Microsoft.Data.SqlClient;

namespace CashApp.Store;

/// <summary>
/// The production store on SQL Server, which several <c>cashapp serve</c> instances can share. Guards and
/// row-version checks live in single <c>UPDATE</c> statements, so they hold across instances; matching
/// snapshots read under snapshot isolation when the database allows it.
/// </summary>
/// <remarks>SqlClient needs culture data: a host using this store must not run in invariant-globalization mode.</remarks>
public sealed partial class SqlServerCashStore : DbCashStore
{
    private readonly string _connectionString;
    private volatile bool _snapshotIsolation;

    /// <summary>
    /// Creates a store over a connection string. Call <see cref="DbCashStore.MigrateAsync"/> before use, or open it with
    /// <see cref="CashStores.OpenSqlServerAsync"/>. Transient faults are retried by <paramref name="retry"/>
    /// (<see cref="SqlServerRetry.Create"/> when null; <see cref="SqlConfigurableRetryFactory.CreateNoneRetryProvider"/> for none).
    /// </summary>
    public SqlServerCashStore(string connectionString, TimeProvider clock, SqlRetryLogicBaseProvider? retry = null)
        : base(SqlServerStatements.Sql, clock)
    {
        ArgumentException.ThrowIfNullOrEmpty(connectionString);
        _connectionString = connectionString;
        RetryLogicProvider = retry ?? SqlServerRetry.Create();
    }

    /// <summary>How connections and statements outside a transaction are retried on a transient fault.</summary>
    public SqlRetryLogicBaseProvider RetryLogicProvider { get; }

    /// <summary>The SqlClient type each parameter kind is sent as, and its size (-1 for max, 0 for none).</summary>
    public static (SqlDbType Type, int Size) ParameterType(LedgerParamType type) => type switch
    {
        LedgerParamType.BigInt => (SqlDbType.BigInt, 0),
        LedgerParamType.Count => (SqlDbType.Int, 0),

        // Parameters are wider than the columns, so an oversized value fails loudly instead of being truncated.
        LedgerParamType.Key => (SqlDbType.NVarChar, 4000),
        LedgerParamType.Text => (SqlDbType.NVarChar, 4000),
        LedgerParamType.LongText => (SqlDbType.NVarChar, -1),
        LedgerParamType.Time => (SqlDbType.DateTimeOffset, 0),
        LedgerParamType.Date => (SqlDbType.Date, 0),
        LedgerParamType.Bool => (SqlDbType.Bit, 0),
        _ => throw new ArgumentOutOfRangeException(nameof(type), type, null),
    };

    private protected override async ValueTask<DbConnection> OpenAsync(CancellationToken cancellationToken)
    {
        var connection = new SqlConnection(_connectionString) { RetryLogicProvider = RetryLogicProvider };
        try
        {
            await connection.OpenAsync(cancellationToken).ConfigureAwait(false);
            return connection;
        }
        catch
        {
            await connection.DisposeAsync().ConfigureAwait(false);
            throw;
        }
    }

    private protected override void PrepareCommand(DbCommand command) => ((SqlCommand)command).RetryLogicProvider = RetryLogicProvider;

    private protected override async ValueTask<DbTransaction> BeginWriteAsync(DbConnection connection, CancellationToken cancellationToken) =>
        await connection.BeginTransactionAsync(IsolationLevel.ReadCommitted, cancellationToken).ConfigureAwait(false);

    private protected override async ValueTask<DbTransaction> BeginSnapshotAsync(DbConnection connection, CancellationToken cancellationToken) =>
        await connection.BeginTransactionAsync(_snapshotIsolation ? IsolationLevel.Snapshot : IsolationLevel.RepeatableRead, cancellationToken).ConfigureAwait(false);

    private protected override DbParameter CreateParameter(DbCommand command, LedgerParam parameter)
    {
        var (type, size) = ParameterType(parameter.Type);
        var p = new SqlParameter(parameter.Name, type);
        if (size != 0)
        {
            p.Size = size;
        }

        return p;
    }

    private protected override object TimeValue(DateTimeOffset value) => value;

    private protected override object DateValue(DateOnly value) => value.ToDateTime(TimeOnly.MinValue);

    private protected override DateTimeOffset ReadTime(DbDataReader reader, int ordinal) => reader.GetFieldValue<DateTimeOffset>(ordinal);

    private protected override DateOnly ReadDate(DbDataReader reader, int ordinal) => DateOnly.FromDateTime(reader.GetDateTime(ordinal));

    private protected override bool IsDuplicateKey(DbException exception) => exception is SqlException { Number: 2627 or 2601 };
}
