using System.Data.Common;

namespace CashApp.Store;

/// <summary>
/// The store's logic over ADO.NET, shared by both databases: each dialect supplies its statements, how to
/// open a connection and begin a transaction, and how times and dates are encoded.
/// </summary>
public abstract partial class DbCashStore : ICashStore
{
    private int _schemaVersion;

    /// <summary>Creates a store over a dialect's statements and a clock.</summary>
    private protected DbCashStore(LedgerSql sql, TimeProvider clock)
    {
        Sql = sql ?? throw new ArgumentNullException(nameof(sql));
        Clock = clock ?? throw new ArgumentNullException(nameof(clock));
    }

    /// <summary>The statements of this store's dialect.</summary>
    public LedgerSql Sql { get; }

    /// <summary>The clock every stored time comes from.</summary>
    public TimeProvider Clock { get; }

    /// <inheritdoc/>
    public int SchemaVersion => Volatile.Read(ref _schemaVersion);

    /// <summary>The latest schema version this code knows.</summary>
    public int LatestSchemaVersion => Sql.Migrations.Count == 0 ? 0 : Sql.Migrations.Max(m => m.Version);

    /// <summary>Opens a connection, ready for statements.</summary>
    private protected abstract ValueTask<DbConnection> OpenAsync(CancellationToken cancellationToken);

    /// <summary>Begins a transaction that writes: it holds the write lock from its first statement on where the database has one.</summary>
    private protected abstract ValueTask<DbTransaction> BeginWriteAsync(DbConnection connection, CancellationToken cancellationToken);

    /// <summary>Begins a read-only transaction in which every statement sees the same committed state.</summary>
    private protected abstract ValueTask<DbTransaction> BeginSnapshotAsync(DbConnection connection, CancellationToken cancellationToken);

    /// <summary>Readies a new command for the dialect (SQL Server: its retry logic).</summary>
    private protected virtual void PrepareCommand(DbCommand command)
    {
    }

    /// <summary>Makes a typed parameter.</summary>
    private protected abstract DbParameter CreateParameter(DbCommand command, LedgerParam parameter);

    /// <summary>The value of a time as the database stores it.</summary>
    private protected abstract object TimeValue(DateTimeOffset value);

    /// <summary>The value of a date as the database stores it.</summary>
    private protected abstract object DateValue(DateOnly value);

    /// <summary>Reads a stored time.</summary>
    private protected abstract DateTimeOffset ReadTime(DbDataReader reader, int ordinal);

    /// <summary>Reads a stored date.</summary>
    private protected abstract DateOnly ReadDate(DbDataReader reader, int ordinal);

    /// <summary>True when the error is a unique-key violation.</summary>
    private protected abstract bool IsDuplicateKey(DbException exception);

    /// <summary>Runs the statements of the migrations not yet applied; the dialect serialises concurrent runs.</summary>
    private protected abstract Task<int> RunMigrationsAsync(CancellationToken cancellationToken);

    /// <inheritdoc/>
    public async Task MigrateAsync(CancellationToken cancellationToken = default)
    {
        var version = await RunMigrationsAsync(cancellationToken).ConfigureAwait(false);
        await EnsurePayerRuleSchemaAsync(cancellationToken).ConfigureAwait(false);
        await EnsureDepositSchemaAsync(cancellationToken).ConfigureAwait(false);
        await EnsureChangeSchemaAsync(cancellationToken).ConfigureAwait(false);
        Volatile.Write(ref _schemaVersion, version);
    }

    /// <summary>
    /// Inside a write transaction the dialect has begun (and serialised as it must): creates the version table,
    /// runs every migration above the recorded version in order, records each, and commits. Returns the version reached.
    /// </summary>
    private protected async Task<int> ApplyMigrationsAsync(DbConnection connection, DbTransaction transaction, CancellationToken cancellationToken)
    {
        await using (var create = Command(connection, transaction, Sql.CreateSchemaVersionTable))
        {
            await create.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        }

        int current;
        await using (var select = Command(connection, transaction, Sql.SelectSchemaVersion))
        {
            var value = await select.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false);
            current = value is null or DBNull ? 0 : Convert.ToInt32(value, System.Globalization.CultureInfo.InvariantCulture);
        }

        foreach (var (version, statements) in Sql.Migrations.OrderBy(m => m.Version))
        {
            if (version <= current)
            {
                continue;
            }

            foreach (var statement in statements)
            {
                await using var command = Command(connection, transaction, statement);
                await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
            }

            await using var record = Command(connection, transaction, Sql.InsertSchemaVersion);
            Set(record, "@version", version);
            SetTime(record, "@applied_at", Now());
            await record.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
            current = version;
        }

        await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
        return current;
    }

    /// <inheritdoc/>
    public ValueTask DisposeAsync()
    {
        GC.SuppressFinalize(this);
        return DisposeCoreAsync();
    }

    /// <summary>Releases what the dialect holds (connection pools).</summary>
    private protected virtual ValueTask DisposeCoreAsync() => ValueTask.CompletedTask;

    /// <summary>The current time, from the clock.</summary>
    private protected DateTimeOffset Now() => Clock.GetUtcNow();

    /// <summary>Makes a command for a statement, with every parameter declared and null.</summary>
    private protected DbCommand Command(DbConnection connection, DbTransaction? transaction, LedgerStatement statement)
    {
        var command = connection.CreateCommand();
        PrepareCommand(command);
        command.Transaction = transaction;
#pragma warning disable CA2100 // The text is one of the store's own constant statements; values travel as parameters.
        command.CommandText = statement.Text;
#pragma warning restore CA2100
        foreach (var parameter in statement.Parameters)
        {
            var p = CreateParameter(command, parameter);
            p.Value = DBNull.Value;
            command.Parameters.Add(p);
        }

        return command;
    }

    private protected static void Set(DbCommand command, string name, object? value) =>
        command.Parameters[name].Value = value ?? DBNull.Value;

    private protected void SetTime(DbCommand command, string name, DateTimeOffset? value) =>
        command.Parameters[name].Value = value is { } time ? TimeValue(time.ToUniversalTime()) : DBNull.Value;

    private protected void SetDate(DbCommand command, string name, DateOnly? value) =>
        command.Parameters[name].Value = value is { } date ? DateValue(date) : DBNull.Value;

    private protected static string? StringOrNull(DbDataReader reader, int ordinal) =>
        reader.IsDBNull(ordinal) ? null : reader.GetString(ordinal);

    private protected static long? Int64OrNull(DbDataReader reader, int ordinal) =>
        reader.IsDBNull(ordinal) ? null : reader.GetInt64(ordinal);

    private protected DateTimeOffset? TimeOrNull(DbDataReader reader, int ordinal) =>
        reader.IsDBNull(ordinal) ? null : ReadTime(reader, ordinal);

    /// <summary>Runs an insert and returns the new row's id.</summary>
    private protected virtual async Task<long> InsertReturningIdAsync(DbCommand command, CancellationToken cancellationToken)
    {
        var id = await command.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false);
        return Convert.ToInt64(id, System.Globalization.CultureInfo.InvariantCulture);
    }

    private protected async Task AuditAsync(DbConnection connection, DbTransaction transaction, string actor, string action, string subject, string? before, string? after, string? reason, CancellationToken cancellationToken)
    {
        await using var command = Command(connection, transaction, Sql.InsertAudit);
        SetTime(command, "@at", Now());
        Set(command, "@actor", actor);
        Set(command, "@action", action);
        Set(command, "@subject", subject);
        Set(command, "@before_state", before);
        Set(command, "@after_state", after);
        Set(command, "@reason", reason);
        await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
    }
}
