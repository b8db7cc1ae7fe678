using static CashApp.Store.LedgerParamType;

namespace CashApp.Store;

/// <summary>
/// The statements of deposits held against their detail (issue 16): a deposit credit (a BAI2 lockbox deposit, a
/// camt.053 entry without details) and the detail transactions (lockbox checks, camt.054 transactions) of the files
/// the store received, so that a deposit and its detail that arrive in separate ingests, in either order, reconcile.
/// The tables are created idempotently after the versioned migrations, as the payer rules' are, so they compose
/// with any schema version and never take a version number of their own.
/// </summary>
public sealed record DepositSql
{
    /// <summary>Creates the tables and indexes when missing, in order.</summary>
    public required IReadOnlyList<LedgerStatement> Schema { get; init; }

    /// <summary>Records a deposit of a file, with its status and exception.</summary>
    public required LedgerStatement InsertDeposit { get; init; }

    /// <summary>
    /// The deposits of a date still awaiting detail, or differing from the detail so far, whose exception nobody has
    /// decided: a deposit whose detail comes in several files is looked at again as each arrives.
    /// </summary>
    public required LedgerStatement SelectAwaitingDeposits { get; init; }

    /// <summary>
    /// The deposits of a date a specialist decided by hand (their exception resolved) while awaiting or differing from
    /// their detail, with who decided and when: detail that arrives for them is the money already decided.
    /// </summary>
    public required LedgerStatement SelectHandResolvedDeposits { get; init; }

    /// <summary>Sets a held deposit's status and detail file; 1 row while it was still awaiting or differing.</summary>
    public required LedgerStatement SettleDeposit { get; init; }

    /// <summary>Settles a deposit's exception (reason, text, status, unapplied); 1 row while it was open.</summary>
    public required LedgerStatement SettleException { get; init; }

    /// <summary>Records a detail transaction of a file, untaken or taken already by a deposit resolved by hand.</summary>
    public required LedgerStatement InsertDetail { get; init; }

    /// <summary>
    /// Records an untaken detail transaction of a file unless the file already holds <c>@occurrence</c> rows equal to
    /// it (same detail key and source): a detail debit goes with every batch that takes a credit of its stretch, and
    /// is kept once, while equal debits of one batch count one by one.
    /// </summary>
    public required LedgerStatement InsertDetailOnce { get; init; }

    /// <summary>How many detail rows of a file equal one (same detail key and source).</summary>
    public required LedgerStatement CountDetailRows { get; init; }

    /// <summary>The detail transactions of a date that a deposit or an item has not yet taken.</summary>
    public required LedgerStatement SelectOpenDetails { get; init; }

    /// <summary>The detail transactions of a date that one deposit took (its own detail, stored from earlier parts).</summary>
    public required LedgerStatement SelectDetailsTakenBy { get; init; }

    /// <summary>The open exceptions of one reason for a payment (a hand-resolved deposit's one mismatch with its detail).</summary>
    public required LedgerStatement SelectOpenExceptionsOf { get; init; }

    /// <summary>Marks a detail transaction taken by a deposit (BAI2 115, camt.053 entry).</summary>
    public required LedgerStatement TakeDetail { get; init; }

    /// <summary>Marks a lockbox check taken by an item of a lockbox deposit (BAI2 116).</summary>
    public required LedgerStatement TakeDetailForItem { get; init; }

    /// <summary>How many deposits hold each status (tests and figures).</summary>
    public required LedgerStatement CountDeposits { get; init; }

    private static readonly (string, LedgerParamType)[] DepositInsertParameters =
    [
        ("@payment_id", BigInt), ("@exception_id", BigInt), ("@status", Key), ("@deposit_date", Date), ("@currency", Key),
        ("@source", LongText), ("@detail_file", Text), ("@updated_at", Time),
    ];

    private static readonly (string, LedgerParamType)[] DetailInsertParameters =
    [
        ("@bank_file_id", BigInt), ("@detail_key", Text), ("@batch", Text), ("@detail_date", Date), ("@currency", Key), ("@source", LongText),
    ];

    /// <summary>The SQLite dialect.</summary>
    internal static DepositSql Sqlite { get; } = Build(
        [
            LedgerStatement.Of("Deposits.deposits", """
                CREATE TABLE IF NOT EXISTS deposits (
                  id INTEGER PRIMARY KEY,
                  payment_id INTEGER NOT NULL UNIQUE REFERENCES payments (id),
                  exception_id INTEGER NOT NULL REFERENCES exceptions (id),
                  status TEXT NOT NULL CHECK (status IN ('awaiting', 'reconciled', 'mismatch')),
                  deposit_date INTEGER NOT NULL,
                  currency TEXT NOT NULL,
                  source TEXT NOT NULL,
                  detail_file TEXT NULL,
                  updated_at TEXT NOT NULL)
                """),
            LedgerStatement.Of("Deposits.ix_deposits_awaiting", "CREATE INDEX IF NOT EXISTS ix_deposits_awaiting ON deposits (status, deposit_date)"),
            LedgerStatement.Of("Deposits.deposit_details", """
                CREATE TABLE IF NOT EXISTS deposit_details (
                  id INTEGER PRIMARY KEY,
                  bank_file_id INTEGER NOT NULL REFERENCES bank_files (id),
                  detail_key TEXT NOT NULL,
                  batch TEXT NULL,
                  detail_date INTEGER NOT NULL,
                  currency TEXT NOT NULL,
                  source TEXT NOT NULL,
                  taken_by INTEGER NULL,
                  item_taken_by INTEGER NULL)
                """),
            LedgerStatement.Of("Deposits.ix_deposit_details_date", "CREATE INDEX IF NOT EXISTS ix_deposit_details_date ON deposit_details (detail_date)"),
            LedgerStatement.Of("Deposits.ix_deposit_details_file", "CREATE INDEX IF NOT EXISTS ix_deposit_details_file ON deposit_details (bank_file_id, detail_key)"),
        ],
        string.Empty);

    /// <summary>The T-SQL dialect.</summary>
    internal static DepositSql SqlServer { get; } = Build(
        [
            LedgerStatement.Of("Deposits.lock", "EXEC sp_getapplock @Resource = N'cashapp.migrate', @LockMode = N'Exclusive', @LockOwner = N'Transaction', @LockTimeout = 60000"),
            LedgerStatement.Of("Deposits.deposits", """
                IF OBJECT_ID(N'dbo.deposits', N'U') IS NULL
                CREATE TABLE dbo.deposits (
                  id bigint IDENTITY(1,1) NOT NULL CONSTRAINT pk_deposits PRIMARY KEY,
                  payment_id bigint NOT NULL CONSTRAINT fk_deposits_payment REFERENCES dbo.payments (id) CONSTRAINT ux_deposits_payment UNIQUE,
                  exception_id bigint NOT NULL CONSTRAINT fk_deposits_exception REFERENCES dbo.exceptions (id),
                  status nvarchar(200) COLLATE Latin1_General_100_BIN2 NOT NULL CONSTRAINT ck_deposits_status CHECK (status IN (N'awaiting', N'reconciled', N'mismatch')),
                  deposit_date date NOT NULL,
                  currency nvarchar(200) COLLATE Latin1_General_100_BIN2 NOT NULL,
                  source nvarchar(max) NOT NULL,
                  detail_file nvarchar(4000) NULL,
                  updated_at datetimeoffset(7) NOT NULL)
                """),
            LedgerStatement.Of("Deposits.ix_deposits_awaiting", "IF NOT EXISTS (SELECT 1 FROM sys.indexes WHERE name = N'ix_deposits_awaiting') CREATE INDEX ix_deposits_awaiting ON dbo.deposits (status, deposit_date)"),
            LedgerStatement.Of("Deposits.deposit_details", """
                IF OBJECT_ID(N'dbo.deposit_details', N'U') IS NULL
                CREATE TABLE dbo.deposit_details (
                  id bigint IDENTITY(1,1) NOT NULL CONSTRAINT pk_deposit_details PRIMARY KEY,
                  bank_file_id bigint NOT NULL CONSTRAINT fk_deposit_details_file REFERENCES dbo.bank_files (id),
                  detail_key nvarchar(400) COLLATE Latin1_General_100_BIN2 NOT NULL,
                  batch nvarchar(400) COLLATE Latin1_General_100_BIN2 NULL,
                  detail_date date NOT NULL,
                  currency nvarchar(200) COLLATE Latin1_General_100_BIN2 NOT NULL,
                  source nvarchar(max) NOT NULL,
                  taken_by bigint NULL,
                  item_taken_by bigint NULL)
                """),
            LedgerStatement.Of("Deposits.ix_deposit_details_date", "IF NOT EXISTS (SELECT 1 FROM sys.indexes WHERE name = N'ix_deposit_details_date') CREATE INDEX ix_deposit_details_date ON dbo.deposit_details (detail_date)"),
            LedgerStatement.Of("Deposits.ix_deposit_details_file", "IF NOT EXISTS (SELECT 1 FROM sys.indexes WHERE name = N'ix_deposit_details_file') CREATE INDEX ix_deposit_details_file ON dbo.deposit_details (bank_file_id, detail_key)"),
        ],
        "dbo.");

    private static DepositSql Build(IReadOnlyList<LedgerStatement> schema, string schemaPrefix)
    {
        var t = schemaPrefix;
        var sqlServer = t.Length > 0;

        // SQL Server: the awaiting deposits and open details are read under update locks held to the end of the
        // ingest's transaction, so that two instances ingesting a deposit and its detail at once serialise here.
        var updLock = sqlServer ? " WITH (UPDLOCK, HOLDLOCK)" : string.Empty;
        return new()
        {
            Schema = schema,
            InsertDeposit = LedgerStatement.Of(
                nameof(InsertDeposit),
                $"""
                INSERT INTO {t}deposits (payment_id, exception_id, status, deposit_date, currency, source, detail_file, updated_at)
                {(sqlServer ? "OUTPUT INSERTED.id" : string.Empty)}
                VALUES (@payment_id, @exception_id, @status, @deposit_date, @currency, @source, @detail_file, @updated_at)
                """,
                DepositInsertParameters),
            SelectAwaitingDeposits = LedgerStatement.Of(
                nameof(SelectAwaitingDeposits),
                $"""
                SELECT d.id, d.payment_id, d.exception_id, d.source
                FROM {t}deposits d{updLock} JOIN {t}exceptions e ON e.id = d.exception_id
                WHERE d.status IN ('awaiting', 'mismatch') AND d.deposit_date = @deposit_date AND e.status = 'open'
                ORDER BY d.id
                """,
                ("@deposit_date", Date)),
            SelectHandResolvedDeposits = LedgerStatement.Of(
                nameof(SelectHandResolvedDeposits),
                $"""
                SELECT d.id, d.payment_id, d.source, e.resolved_by, e.resolved_at
                FROM {t}deposits d{updLock} JOIN {t}exceptions e ON e.id = d.exception_id
                WHERE d.status IN ('awaiting', 'mismatch') AND d.deposit_date = @deposit_date AND e.status = 'resolved'
                ORDER BY d.id
                """,
                ("@deposit_date", Date)),
            SettleDeposit = LedgerStatement.Of(
                nameof(SettleDeposit),
                $"UPDATE {t}deposits SET status = @status, detail_file = @detail_file, updated_at = @updated_at WHERE id = @id AND status IN ('awaiting', 'mismatch')",
                ("@id", BigInt), ("@status", Key), ("@detail_file", Text), ("@updated_at", Time)),
            SettleException = LedgerStatement.Of(
                nameof(SettleException),
                $"""
                UPDATE {t}exceptions SET reason = @reason, detail = @detail, status = @status, unapplied_minor = @unapplied_minor,
                  row_version = row_version + 1, updated_at = @updated_at
                WHERE id = @id AND status = 'open'
                """,
                ("@id", BigInt), ("@reason", Key), ("@detail", LongText), ("@status", Key), ("@unapplied_minor", BigInt), ("@updated_at", Time)),
            InsertDetail = LedgerStatement.Of(
                nameof(InsertDetail),
                $"""
                INSERT INTO {t}deposit_details (bank_file_id, detail_key, batch, detail_date, currency, source, taken_by, item_taken_by)
                VALUES (@bank_file_id, @detail_key, @batch, @detail_date, @currency, @source, @taken_by, @item_taken_by)
                """,
                [.. DetailInsertParameters, ("@taken_by", BigInt), ("@item_taken_by", BigInt)]),
            InsertDetailOnce = LedgerStatement.Of(
                nameof(InsertDetailOnce),
                $"""
                INSERT INTO {t}deposit_details (bank_file_id, detail_key, batch, detail_date, currency, source, taken_by, item_taken_by)
                SELECT @bank_file_id, @detail_key, @batch, @detail_date, @currency, @source, NULL, NULL
                WHERE (SELECT COUNT(*) FROM {t}deposit_details{updLock} WHERE bank_file_id = @bank_file_id AND detail_key = @detail_key AND source = @source) < @occurrence
                """,
                [.. DetailInsertParameters, ("@occurrence", Count)]),
            CountDetailRows = LedgerStatement.Of(
                nameof(CountDetailRows),
                $"SELECT COUNT(*) FROM {t}deposit_details{updLock} WHERE bank_file_id = @bank_file_id AND detail_key = @detail_key AND source = @source",
                ("@bank_file_id", BigInt), ("@detail_key", Text), ("@source", LongText)),
            SelectOpenDetails = LedgerStatement.Of(
                nameof(SelectOpenDetails),
                $"""
                SELECT id, source, taken_by, item_taken_by
                FROM {t}deposit_details{updLock}
                WHERE detail_date = @detail_date AND (taken_by IS NULL OR item_taken_by IS NULL)
                ORDER BY id
                """,
                ("@detail_date", Date)),
            SelectDetailsTakenBy = LedgerStatement.Of(
                nameof(SelectDetailsTakenBy),
                $"""
                SELECT id, source, taken_by, item_taken_by
                FROM {t}deposit_details{updLock}
                WHERE detail_date = @detail_date AND (taken_by = @deposit_id OR item_taken_by = @deposit_id)
                ORDER BY id
                """,
                ("@detail_date", Date), ("@deposit_id", BigInt)),
            SelectOpenExceptionsOf = LedgerStatement.Of(
                nameof(SelectOpenExceptionsOf),
                $"SELECT id FROM {t}exceptions{updLock} WHERE payment_id = @payment_id AND reason = @reason AND status = 'open' ORDER BY id",
                ("@payment_id", BigInt), ("@reason", Key)),
            TakeDetail = LedgerStatement.Of(nameof(TakeDetail), $"UPDATE {t}deposit_details SET taken_by = @deposit_id WHERE id = @id AND taken_by IS NULL", ("@id", BigInt), ("@deposit_id", BigInt)),
            TakeDetailForItem = LedgerStatement.Of(nameof(TakeDetailForItem), $"UPDATE {t}deposit_details SET item_taken_by = @deposit_id WHERE id = @id AND item_taken_by IS NULL", ("@id", BigInt), ("@deposit_id", BigInt)),
            CountDeposits = LedgerStatement.Of(nameof(CountDeposits), $"SELECT status, COUNT(*) FROM {t}deposits GROUP BY status ORDER BY status"),
        };
    }
}
