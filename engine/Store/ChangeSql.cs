using static CashApp.Store.LedgerParamType;

namespace CashApp.Store;

/// <summary>
/// The statements of the change log: one row per changed open item, customer or payer rule, holding the version of
/// its latest change (<see cref="IChangeFeed"/>). Triggers on those tables write it in the transaction of the change,
/// so no write path can forget it, an older build writing to an upgraded SQLite store included. (On SQL Server a
/// build older than the log cannot upsert items or customers on an upgraded store: SQL Server refuses the bare
/// <c>OUTPUT</c> it used on a table with a trigger. Instances sharing one SQL Server store are upgraded together.) Like the payer rule tables,
/// it is created idempotently after the versioned migrations and takes no version number of its own.
/// </summary>
/// <remarks>
/// SQLite: the version is an <c>AUTOINCREMENT</c> key, never reused; writers are serialised, so versions commit in
/// their order and the largest one committed is a safe horizon. SQL Server: the version is a <c>rowversion</c>;
/// concurrent transactions commit out of order, so the horizon is <c>MIN_ACTIVE_ROWVERSION() - 1</c>, below which
/// every version is committed or rolled back.
/// </remarks>
public sealed record ChangeSql
{
    /// <summary>The kind of an open item's row.</summary>
    public const string ItemKind = "item";

    /// <summary>The kind of a customer's row.</summary>
    public const string CustomerKind = "customer";

    /// <summary>The kind of a payer rule's row (its key is the rule id).</summary>
    public const string RuleKind = "rule";

    /// <summary>Creates the tables and triggers when missing, in order.</summary>
    public required IReadOnlyList<LedgerStatement> Schema { get; init; }

    /// <summary>The triggers' own text, for tests that parse them (on SQL Server they are created through <c>EXEC</c>).</summary>
    public required IReadOnlyList<LedgerStatement> Triggers { get; init; }

    /// <summary>The version up to which every change is committed: a reader may take changes up to it and miss none.</summary>
    public required LedgerStatement SelectHorizon { get; init; }

    /// <summary>The changes after <c>@after_version</c> up to <c>@through_version</c>, by version, at most <c>@take</c>.</summary>
    public required LedgerStatement SelectChanges { get; init; }

    /// <summary>The version up to which the log was pruned: it cannot answer for changes after an older one.</summary>
    public required LedgerStatement SelectPrunedThrough { get; init; }

    /// <summary>The newest version that is not among the <c>@keep</c> newest rows (none when there are no more rows).</summary>
    public required LedgerStatement SelectPruneMark { get; init; }

    /// <summary>Moves the pruned mark up to <c>@mark</c>.</summary>
    public required LedgerStatement UpdatePrunedThrough { get; init; }

    /// <summary>Deletes at most <c>@take</c> rows at or below <c>@mark</c>.</summary>
    public required LedgerStatement DeletePruned { get; init; }

    private static readonly (string, LedgerParamType)[] ChangesParameters = [("@after_version", BigInt), ("@through_version", BigInt), ("@take", Count)];

    /// <summary>The SQLite dialect.</summary>
    internal static ChangeSql Sqlite { get; } = BuildSqlite();

    /// <summary>The T-SQL dialect.</summary>
    internal static ChangeSql SqlServer { get; } = BuildSqlServer();

    private static ChangeSql BuildSqlite()
    {
        // A changed key's row is replaced by one with a new version: the log holds each key once, at its latest change.
        static LedgerStatement Trigger(string name, string timing, string table, string kind, string key) => LedgerStatement.Of(
            $"Changes.{name}",
            $"""
            CREATE TRIGGER IF NOT EXISTS {name} AFTER {timing} ON {table}
            BEGIN
              DELETE FROM change_log WHERE kind = '{kind}' AND change_key = {key};
              INSERT INTO change_log (kind, change_key) VALUES ('{kind}', {key});
            END
            """);

        LedgerStatement[] triggers =
        [
            Trigger("tr_open_items_insert_change", "INSERT", "open_items", ItemKind, "NEW.item_id"),
            Trigger("tr_open_items_update_change", "UPDATE", "open_items", ItemKind, "NEW.item_id"),
            Trigger("tr_customers_insert_change", "INSERT", "customers", CustomerKind, "NEW.customer_id"),
            Trigger("tr_customers_update_change", "UPDATE", "customers", CustomerKind, "NEW.customer_id"),
            Trigger("tr_payer_rules_insert_change", "INSERT", "payer_rules", RuleKind, "CAST(NEW.id AS TEXT)"),

            // A rule firing moves only its count and time: matching does not see those.
            Trigger("tr_payer_rules_update_change", "UPDATE OF kind, rule_key, customer_id, state, shared", "payer_rules", RuleKind, "CAST(NEW.id AS TEXT)"),
        ];
        return new()
        {
            Schema =
            [
                LedgerStatement.Of("Changes.change_log", """
                    CREATE TABLE IF NOT EXISTS change_log (
                      version INTEGER PRIMARY KEY AUTOINCREMENT,
                      kind TEXT NOT NULL,
                      change_key TEXT NOT NULL)
                    """),
                LedgerStatement.Of("Changes.ux_change_log_key", "CREATE UNIQUE INDEX IF NOT EXISTS ux_change_log_key ON change_log (kind, change_key)"),
                LedgerStatement.Of("Changes.change_log_state", "CREATE TABLE IF NOT EXISTS change_log_state (id INTEGER NOT NULL PRIMARY KEY CHECK (id = 1), pruned_through INTEGER NOT NULL)"),
                LedgerStatement.Of("Changes.change_log_state_row", "INSERT INTO change_log_state (id, pruned_through) SELECT 1, 0 WHERE NOT EXISTS (SELECT 1 FROM change_log_state)"),
                .. triggers,
            ],
            Triggers = triggers,
            SelectHorizon = LedgerStatement.Of(
                nameof(SelectHorizon),
                "SELECT max(coalesce((SELECT max(version) FROM change_log), 0), (SELECT pruned_through FROM change_log_state))"),
            SelectChanges = LedgerStatement.Of(
                nameof(SelectChanges),
                "SELECT version, kind, change_key FROM change_log WHERE version > @after_version AND version <= @through_version ORDER BY version LIMIT @take",
                ChangesParameters),
            SelectPrunedThrough = LedgerStatement.Of(nameof(SelectPrunedThrough), "SELECT pruned_through FROM change_log_state"),
            SelectPruneMark = LedgerStatement.Of(nameof(SelectPruneMark), "SELECT version FROM change_log ORDER BY version DESC LIMIT 1 OFFSET @keep", ("@keep", Count)),
            UpdatePrunedThrough = LedgerStatement.Of(nameof(UpdatePrunedThrough), "UPDATE change_log_state SET pruned_through = @mark WHERE pruned_through < @mark", ("@mark", BigInt)),
            DeletePruned = LedgerStatement.Of(
                nameof(DeletePruned),
                "DELETE FROM change_log WHERE version IN (SELECT version FROM change_log WHERE version <= @mark ORDER BY version LIMIT @take)",
                ("@mark", BigInt), ("@take", Count)),
        };
    }

    private static ChangeSql BuildSqlServer()
    {
        // Statement-level triggers: every row of the statement is logged, each key once.
        static LedgerStatement Trigger(string name, string table, string kind, string key, string? onlyIf = null) => LedgerStatement.Of(
            $"Changes.{name}",
            $"""
            CREATE TRIGGER dbo.{name} ON dbo.{table} AFTER INSERT, UPDATE AS
            BEGIN
              SET NOCOUNT ON;
              {(onlyIf is null ? string.Empty : $"IF NOT ({onlyIf}) RETURN;")}
              DELETE c FROM dbo.change_log c JOIN inserted i ON c.kind = N'{kind}' AND c.change_key = {key};
              INSERT INTO dbo.change_log (kind, change_key) SELECT DISTINCT N'{kind}', {key} FROM inserted i;
            END
            """);

        // CREATE TRIGGER must be alone in its batch: it is created through EXEC, once.
        static LedgerStatement Ensure(LedgerStatement trigger, string name) => LedgerStatement.Of(
            trigger.Name,
            $"IF OBJECT_ID(N'dbo.{name}', N'TR') IS NULL EXEC (N'{trigger.Text.Replace("'", "''", StringComparison.Ordinal)}')");

        (LedgerStatement Trigger, string Name)[] triggers =
        [
            (Trigger("tr_open_items_change", "open_items", ItemKind, "i.item_id"), "tr_open_items_change"),
            (Trigger("tr_customers_change", "customers", CustomerKind, "i.customer_id"), "tr_customers_change"),

            // A rule firing moves only its count and time: matching does not see those.
            (Trigger("tr_payer_rules_change", "payer_rules", RuleKind, "CONVERT(nvarchar(200), i.id)", "UPDATE(kind) OR UPDATE(rule_key) OR UPDATE(customer_id) OR UPDATE(state) OR UPDATE(shared)"), "tr_payer_rules_change"),
        ];
        return new()
        {
            Schema =
            [
                LedgerStatement.Of("Changes.lock", "EXEC sp_getapplock @Resource = N'cashapp.migrate', @LockMode = N'Exclusive', @LockOwner = N'Transaction', @LockTimeout = 60000"),
                LedgerStatement.Of("Changes.change_log", """
                    IF OBJECT_ID(N'dbo.change_log', N'U') IS NULL
                    CREATE TABLE dbo.change_log (
                      version rowversion NOT NULL,
                      kind nvarchar(20) COLLATE Latin1_General_100_BIN2 NOT NULL,
                      change_key nvarchar(200) COLLATE Latin1_General_100_BIN2 NOT NULL,
                      CONSTRAINT pk_change_log PRIMARY KEY NONCLUSTERED (kind, change_key))
                    """),
                LedgerStatement.Of("Changes.ux_change_log_version", "IF NOT EXISTS (SELECT 1 FROM sys.indexes WHERE name = N'ux_change_log_version') CREATE UNIQUE CLUSTERED INDEX ux_change_log_version ON dbo.change_log (version)"),
                LedgerStatement.Of("Changes.change_log_state", """
                    IF OBJECT_ID(N'dbo.change_log_state', N'U') IS NULL
                    CREATE TABLE dbo.change_log_state (
                      id int NOT NULL CONSTRAINT pk_change_log_state PRIMARY KEY CONSTRAINT ck_change_log_state_one CHECK (id = 1),
                      pruned_through bigint NOT NULL)
                    """),
                LedgerStatement.Of("Changes.change_log_state_row", "INSERT INTO dbo.change_log_state (id, pruned_through) SELECT 1, 0 WHERE NOT EXISTS (SELECT 1 FROM dbo.change_log_state)"),
                .. triggers.Select(t => Ensure(t.Trigger, t.Name)),
            ],
            Triggers = [.. triggers.Select(t => t.Trigger)],
            SelectHorizon = LedgerStatement.Of(nameof(SelectHorizon), "SELECT CONVERT(bigint, MIN_ACTIVE_ROWVERSION()) - 1"),
            SelectChanges = LedgerStatement.Of(
                nameof(SelectChanges),
                """
                SELECT TOP (@take) CONVERT(bigint, version), kind, change_key FROM dbo.change_log
                WHERE version > CONVERT(binary(8), @after_version) AND version <= CONVERT(binary(8), @through_version)
                ORDER BY version
                """,
                ChangesParameters),
            SelectPrunedThrough = LedgerStatement.Of(nameof(SelectPrunedThrough), "SELECT pruned_through FROM dbo.change_log_state"),
            SelectPruneMark = LedgerStatement.Of(nameof(SelectPruneMark), "SELECT CONVERT(bigint, version) FROM dbo.change_log ORDER BY version DESC OFFSET @keep ROWS FETCH NEXT 1 ROWS ONLY", ("@keep", Count)),
            UpdatePrunedThrough = LedgerStatement.Of(nameof(UpdatePrunedThrough), "UPDATE dbo.change_log_state SET pruned_through = @mark WHERE pruned_through < @mark", ("@mark", BigInt)),

            // The prune deletes in version order, a writer's trigger in key order: should they deadlock, the prune is the
            // victim (it is tried again a minute later), never an ingest or an upsert.
            DeletePruned = LedgerStatement.Of(
                nameof(DeletePruned),
                """
                SET DEADLOCK_PRIORITY LOW;
                DELETE TOP (@take) FROM dbo.change_log WHERE version <= CONVERT(binary(8), @mark);
                SET DEADLOCK_PRIORITY NORMAL;
                """,
                ("@mark", BigInt),
                ("@take", Count)),
        };
    }
}
