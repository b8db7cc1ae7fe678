using static CashApp.Store.LedgerParamType;

namespace CashApp.Store;

/// <summary>
/// The statements of payer rules, one property per statement. The tables are created idempotently after
/// the versioned migrations (<c>CREATE TABLE IF NOT EXISTS</c>, or <c>IF OBJECT_ID(...) IS NULL</c> on SQL
/// Server), so they compose with any schema version and never take a version number of their own.
/// </summary>
public sealed record PayerRuleSql
{
    internal const string RuleColumns = "id, kind, rule_key, customer_id, state, shared, agreed, disagreed, exception_id, resolved_by, resolved_at, last_fired_at, fired_count, updated_at";

    /// <summary>Creates the tables and indexes when missing, in order.</summary>
    public required IReadOnlyList<LedgerStatement> Schema { get; init; }

    /// <summary>One rule by id.</summary>
    public required LedgerStatement SelectRuleById { get; init; }

    /// <summary>Every rule of a kind and key, by id.</summary>
    public required LedgerStatement SelectRulesByKey { get; init; }

    /// <summary>A page of rules, filtered by customer, state and kind, by ascending id.</summary>
    public required LedgerStatement SelectRulesPage { get; init; }

    /// <summary>Inserts a rule and returns its id.</summary>
    public required LedgerStatement InsertRule { get; init; }

    /// <summary>Sets a rule's state, shared flag and counts.</summary>
    public required LedgerStatement UpdateRule { get; init; }

    /// <summary>Records an event of a rule's life.</summary>
    public required LedgerStatement InsertEvent { get; init; }

    /// <summary>A rule's events, oldest first.</summary>
    public required LedgerStatement SelectEvents { get; init; }

    /// <summary>The resolution of an exception and the payer its payment names.</summary>
    public required LedgerStatement SelectResolution { get; init; }

    /// <summary>The customers of the items a resolution applied the payment to.</summary>
    public required LedgerStatement SelectResolutionCustomers { get; init; }

    /// <summary>The customers that payments from a payer account (as printed) were applied to, net of reversals.</summary>
    public required LedgerStatement SelectAccountCustomers { get; init; }

    /// <summary>The customers that payments under a payer name (as printed) were applied to, net of reversals.</summary>
    public required LedgerStatement SelectNameCustomers { get; init; }

    /// <summary>The customers that payments with a payer id were applied to, net of reversals.</summary>
    public required LedgerStatement SelectPayerIdCustomers { get; init; }

    /// <summary>A customer's parent.</summary>
    public required LedgerStatement SelectParent { get; init; }

    /// <summary>The applications of a bank file whose explanation names a payer rule.</summary>
    public required LedgerStatement SelectRuleApplicationsOfFile { get; init; }

    /// <summary>Records that a rule decided a payment's payer (once per rule and payment); 1 row when new.</summary>
    public required LedgerStatement InsertFiring { get; init; }

    /// <summary>Moves a rule's last-fired time and count.</summary>
    public required LedgerStatement UpdateRuleFired { get; init; }

    /// <summary>The payments a rule decided and that were not yet raised for review.</summary>
    public required LedgerStatement SelectFiringsToRaise { get; init; }

    /// <summary>Marks a firing raised for review.</summary>
    public required LedgerStatement MarkFiringRaised { get; init; }

    private static readonly (string, LedgerParamType)[] FilterParameters =
        [("@customer_id", Key), ("@state", Key), ("@kind", Key), ("@after_id", BigInt), ("@take", Count)];

    private static readonly (string, LedgerParamType)[] RuleInsertParameters =
    [
        ("@kind", Key), ("@rule_key", Text), ("@customer_id", Key), ("@state", Key), ("@shared", Bool), ("@agreed", Count), ("@disagreed", Count),
        ("@exception_id", BigInt), ("@resolved_by", Text), ("@resolved_at", Time), ("@updated_at", Time),
    ];

    private const string Filter = "(@customer_id IS NULL OR customer_id = @customer_id) AND (@state IS NULL OR state = @state) AND (@kind IS NULL OR kind = @kind) AND (@after_id IS NULL OR id > @after_id)";

    /// <summary>The SQLite dialect.</summary>
    internal static PayerRuleSql Sqlite { get; } = Build(
        schema:
        [
            LedgerStatement.Of("PayerRules.payer_rules", """
                CREATE TABLE IF NOT EXISTS payer_rules (
                  id INTEGER PRIMARY KEY,
                  kind TEXT NOT NULL CHECK (kind IN ('account', 'name', 'payer_id')),
                  rule_key TEXT NOT NULL,
                  customer_id TEXT NOT NULL,
                  state TEXT NOT NULL CHECK (state IN ('suggested', 'active', 'revoked')),
                  shared INTEGER NOT NULL,
                  agreed INTEGER NOT NULL,
                  disagreed INTEGER NOT NULL,
                  exception_id INTEGER NOT NULL,
                  resolved_by TEXT NOT NULL,
                  resolved_at TEXT NOT NULL,
                  last_fired_at TEXT NULL,
                  fired_count INTEGER NOT NULL DEFAULT 0,
                  updated_at TEXT NOT NULL,
                  UNIQUE (kind, rule_key, customer_id))
                """),
            LedgerStatement.Of("PayerRules.ix_payer_rules_customer", "CREATE INDEX IF NOT EXISTS ix_payer_rules_customer ON payer_rules (customer_id, id)"),
            LedgerStatement.Of("PayerRules.payer_rule_events", """
                CREATE TABLE IF NOT EXISTS payer_rule_events (
                  id INTEGER PRIMARY KEY,
                  rule_id INTEGER NOT NULL REFERENCES payer_rules (id),
                  at TEXT NOT NULL,
                  actor TEXT NOT NULL,
                  event TEXT NOT NULL,
                  exception_id INTEGER NULL,
                  reason TEXT NULL)
                """),
            LedgerStatement.Of("PayerRules.ix_payer_rule_events_rule", "CREATE INDEX IF NOT EXISTS ix_payer_rule_events_rule ON payer_rule_events (rule_id, id)"),
            // Learning asks whom an account paid for before it trusts it: one look-up per resolution, not a scan.
            LedgerStatement.Of("PayerRules.ix_payments_payer_account", "CREATE INDEX IF NOT EXISTS ix_payments_payer_account ON payments (payer_account)"),
            LedgerStatement.Of("PayerRules.ix_payments_payer_name", "CREATE INDEX IF NOT EXISTS ix_payments_payer_name ON payments (payer_name)"),
            LedgerStatement.Of("PayerRules.payer_rule_firings", """
                CREATE TABLE IF NOT EXISTS payer_rule_firings (
                  rule_id INTEGER NOT NULL REFERENCES payer_rules (id),
                  payment_id INTEGER NOT NULL REFERENCES payments (id),
                  fired_at TEXT NOT NULL,
                  raised INTEGER NOT NULL DEFAULT 0,
                  PRIMARY KEY (rule_id, payment_id))
                """),
        ],
        page: $"SELECT {RuleColumns} FROM payer_rules WHERE {Filter} ORDER BY id LIMIT @take",
        insertRule: """
            INSERT INTO payer_rules (kind, rule_key, customer_id, state, shared, agreed, disagreed, exception_id, resolved_by, resolved_at, fired_count, updated_at)
            VALUES (@kind, @rule_key, @customer_id, @state, @shared, @agreed, @disagreed, @exception_id, @resolved_by, @resolved_at, 0, @updated_at)
            RETURNING id
            """,
        ruleApplications: "SELECT a.payment_id, a.explanation FROM applications a JOIN payments p ON p.id = a.payment_id WHERE p.bank_file_id = @bank_file_id AND instr(a.explanation, '[rule ') > 0 ORDER BY a.id",
        insertFiring: "INSERT OR IGNORE INTO payer_rule_firings (rule_id, payment_id, fired_at, raised) VALUES (@rule_id, @payment_id, @fired_at, 0)");

    /// <summary>The T-SQL dialect.</summary>
    internal static PayerRuleSql SqlServer { get; } = Build(
        schema:
        [
            LedgerStatement.Of("PayerRules.lock", "EXEC sp_getapplock @Resource = N'cashapp.migrate', @LockMode = N'Exclusive', @LockOwner = N'Transaction', @LockTimeout = 60000"),
            LedgerStatement.Of("PayerRules.payer_rules", """
                IF OBJECT_ID(N'dbo.payer_rules', N'U') IS NULL
                CREATE TABLE dbo.payer_rules (
                  id bigint IDENTITY(1,1) NOT NULL CONSTRAINT pk_payer_rules PRIMARY KEY,
                  kind nvarchar(200) COLLATE Latin1_General_100_BIN2 NOT NULL CONSTRAINT ck_payer_rules_kind CHECK (kind IN (N'account', N'name', N'payer_id')),
                  rule_key nvarchar(400) COLLATE Latin1_General_100_BIN2 NOT NULL,
                  customer_id nvarchar(200) COLLATE Latin1_General_100_BIN2 NOT NULL,
                  state nvarchar(200) COLLATE Latin1_General_100_BIN2 NOT NULL CONSTRAINT ck_payer_rules_state CHECK (state IN (N'suggested', N'active', N'revoked')),
                  shared bit NOT NULL,
                  agreed int NOT NULL,
                  disagreed int NOT NULL,
                  exception_id bigint NOT NULL,
                  resolved_by nvarchar(4000) COLLATE Latin1_General_100_BIN2 NOT NULL,
                  resolved_at datetimeoffset(7) NOT NULL,
                  last_fired_at datetimeoffset(7) NULL,
                  fired_count bigint NOT NULL CONSTRAINT df_payer_rules_fired DEFAULT 0,
                  updated_at datetimeoffset(7) NOT NULL,
                  CONSTRAINT ux_payer_rules_key UNIQUE (kind, rule_key, customer_id))
                """),
            LedgerStatement.Of("PayerRules.ix_payer_rules_customer", "IF NOT EXISTS (SELECT 1 FROM sys.indexes WHERE name = N'ix_payer_rules_customer') CREATE INDEX ix_payer_rules_customer ON dbo.payer_rules (customer_id, id)"),
            LedgerStatement.Of("PayerRules.payer_rule_events", """
                IF OBJECT_ID(N'dbo.payer_rule_events', N'U') IS NULL
                CREATE TABLE dbo.payer_rule_events (
                  id bigint IDENTITY(1,1) NOT NULL CONSTRAINT pk_payer_rule_events PRIMARY KEY,
                  rule_id bigint NOT NULL CONSTRAINT fk_payer_rule_events_rule REFERENCES dbo.payer_rules (id),
                  at datetimeoffset(7) NOT NULL,
                  actor nvarchar(4000) COLLATE Latin1_General_100_BIN2 NOT NULL,
                  event nvarchar(200) COLLATE Latin1_General_100_BIN2 NOT NULL,
                  exception_id bigint NULL,
                  reason nvarchar(4000) COLLATE Latin1_General_100_BIN2 NULL)
                """),
            LedgerStatement.Of("PayerRules.ix_payer_rule_events_rule", "IF NOT EXISTS (SELECT 1 FROM sys.indexes WHERE name = N'ix_payer_rule_events_rule') CREATE INDEX ix_payer_rule_events_rule ON dbo.payer_rule_events (rule_id, id)"),
            LedgerStatement.Of("PayerRules.payer_rule_firings", """
                IF OBJECT_ID(N'dbo.payer_rule_firings', N'U') IS NULL
                CREATE TABLE dbo.payer_rule_firings (
                  rule_id bigint NOT NULL CONSTRAINT fk_payer_rule_firings_rule REFERENCES dbo.payer_rules (id),
                  payment_id bigint NOT NULL CONSTRAINT fk_payer_rule_firings_payment REFERENCES dbo.payments (id),
                  fired_at datetimeoffset(7) NOT NULL,
                  raised bit NOT NULL CONSTRAINT df_payer_rule_firings_raised DEFAULT 0,
                  CONSTRAINT pk_payer_rule_firings PRIMARY KEY (rule_id, payment_id))
                """),
        ],
        page: $"SELECT TOP (@take) {RuleColumns} FROM dbo.payer_rules WHERE {Filter} ORDER BY id",
        insertRule: """
            DECLARE @inserted TABLE (id bigint NOT NULL);
            INSERT INTO dbo.payer_rules (kind, rule_key, customer_id, state, shared, agreed, disagreed, exception_id, resolved_by, resolved_at, fired_count, updated_at)
            OUTPUT INSERTED.id INTO @inserted
            VALUES (@kind, @rule_key, @customer_id, @state, @shared, @agreed, @disagreed, @exception_id, @resolved_by, @resolved_at, 0, @updated_at);
            SELECT id FROM @inserted;
            """,
        ruleApplications: "SELECT a.payment_id, a.explanation FROM dbo.applications a JOIN dbo.payments p ON p.id = a.payment_id WHERE p.bank_file_id = @bank_file_id AND CHARINDEX(N'[rule ', a.explanation) > 0 ORDER BY a.id",
        insertFiring: """
            INSERT INTO dbo.payer_rule_firings (rule_id, payment_id, fired_at, raised)
            SELECT @rule_id, @payment_id, @fired_at, 0
            WHERE NOT EXISTS (SELECT 1 FROM dbo.payer_rule_firings WITH (UPDLOCK, HOLDLOCK) WHERE rule_id = @rule_id AND payment_id = @payment_id)
            """,
        schemaPrefix: "dbo.");

    private static LedgerStatement PaidFor(string name, string t, string column) => LedgerStatement.Of(
        name,
        $"SELECT o.customer_id FROM {t}payments p JOIN {t}applications a ON a.payment_id = p.id JOIN {t}open_items o ON o.item_id = a.item_id WHERE p.{column} = @raw GROUP BY o.customer_id HAVING SUM(a.amount_minor) <> 0 ORDER BY o.customer_id",
        ("@raw", Text));

    private static PayerRuleSql Build(IReadOnlyList<LedgerStatement> schema, string page, string insertRule, string ruleApplications, string insertFiring, string schemaPrefix = "")
    {
        var t = schemaPrefix;
        return new()
        {
            Schema = schema,
            SelectRuleById = LedgerStatement.Of(nameof(SelectRuleById), $"SELECT {RuleColumns} FROM {t}payer_rules WHERE id = @id", ("@id", BigInt)),
            SelectRulesByKey = LedgerStatement.Of(nameof(SelectRulesByKey), $"SELECT {RuleColumns} FROM {t}payer_rules WHERE kind = @kind AND rule_key = @rule_key ORDER BY id", ("@kind", Key), ("@rule_key", Text)),
            SelectRulesPage = LedgerStatement.Of(nameof(SelectRulesPage), page, FilterParameters),
            InsertRule = LedgerStatement.Of(nameof(InsertRule), insertRule, RuleInsertParameters),
            UpdateRule = LedgerStatement.Of(
                nameof(UpdateRule),
                $"UPDATE {t}payer_rules SET state = @state, shared = @shared, agreed = @agreed, disagreed = @disagreed, updated_at = @updated_at WHERE id = @id",
                ("@id", BigInt), ("@state", Key), ("@shared", Bool), ("@agreed", Count), ("@disagreed", Count), ("@updated_at", Time)),
            InsertEvent = LedgerStatement.Of(
                nameof(InsertEvent),
                $"INSERT INTO {t}payer_rule_events (rule_id, at, actor, event, exception_id, reason) VALUES (@rule_id, @at, @actor, @event, @exception_id, @reason)",
                ("@rule_id", BigInt), ("@at", Time), ("@actor", Text), ("@event", Key), ("@exception_id", BigInt), ("@reason", Text)),
            SelectEvents = LedgerStatement.Of(
                nameof(SelectEvents),
                $"SELECT id, rule_id, at, actor, event, exception_id, reason FROM {t}payer_rule_events WHERE rule_id = @rule_id ORDER BY id",
                ("@rule_id", BigInt)),
            SelectResolution = LedgerStatement.Of(
                nameof(SelectResolution),
                $"SELECT e.status, e.resolution, e.resolved_by, e.resolved_at, p.payer_account, p.payer_name, p.payer_id FROM {t}exceptions e JOIN {t}payments p ON p.id = e.payment_id WHERE e.id = @id",
                ("@id", BigInt)),
            SelectResolutionCustomers = LedgerStatement.Of(
                nameof(SelectResolutionCustomers),
                $"SELECT DISTINCT o.customer_id FROM {t}applications a JOIN {t}open_items o ON o.item_id = a.item_id WHERE a.exception_id = @exception_id",
                ("@exception_id", BigInt)),
            SelectAccountCustomers = PaidFor(nameof(SelectAccountCustomers), t, "payer_account"),
            SelectNameCustomers = PaidFor(nameof(SelectNameCustomers), t, "payer_name"),
            SelectPayerIdCustomers = PaidFor(nameof(SelectPayerIdCustomers), t, "payer_id"),
            SelectParent = LedgerStatement.Of(nameof(SelectParent), $"SELECT parent_id FROM {t}customers WHERE customer_id = @customer_id", ("@customer_id", Key)),
            SelectRuleApplicationsOfFile = LedgerStatement.Of(nameof(SelectRuleApplicationsOfFile), ruleApplications, ("@bank_file_id", BigInt)),
            InsertFiring = LedgerStatement.Of(nameof(InsertFiring), insertFiring, ("@rule_id", BigInt), ("@payment_id", BigInt), ("@fired_at", Time)),
            UpdateRuleFired = LedgerStatement.Of(
                nameof(UpdateRuleFired),
                $"UPDATE {t}payer_rules SET last_fired_at = @fired_at, fired_count = fired_count + 1 WHERE id = @id",
                ("@id", BigInt), ("@fired_at", Time)),
            SelectFiringsToRaise = LedgerStatement.Of(
                nameof(SelectFiringsToRaise),
                $"SELECT f.payment_id, p.payment_ref, p.currency FROM {t}payer_rule_firings f JOIN {t}payments p ON p.id = f.payment_id WHERE f.rule_id = @rule_id AND f.raised = 0 ORDER BY f.payment_id",
                ("@rule_id", BigInt)),
            MarkFiringRaised = LedgerStatement.Of(
                nameof(MarkFiringRaised),
                $"UPDATE {t}payer_rule_firings SET raised = 1 WHERE rule_id = @rule_id AND payment_id = @payment_id",
                ("@rule_id", BigInt), ("@payment_id", BigInt)),
        };
    }
}
