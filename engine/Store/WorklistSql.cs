using System.Collections.Frozen;
using static CashApp.Store.LedgerParamType;
using static CashApp.Store.LedgerSql;

namespace CashApp.Store;

/// <summary>
/// The worklist's statements (people, the filtered queue, reopening), apart from <see cref="LedgerSql"/>
/// so that the queue can grow without touching the ingest path. Text search compares upper-cased text with
/// <c>LIKE</c>, so that SQL Server's binary collation and SQLite agree; the caller upper-cases the pattern.
/// </summary>
public sealed record WorklistSql
{
    internal const string WorklistColumns = ExceptionColumns + ", p.payer_account, p.free_text, f.name, p.line_number";

    internal const string WorklistFrom = "exceptions e JOIN payments p ON p.id = e.payment_id JOIN bank_files f ON f.id = p.bank_file_id";

    // Without a text search the filter reads the exceptions table alone: the count and, for orders on its own
    // columns, the page are found before any payment row is joined.
    internal const string WorklistFilterNoText = """
        (@status IS NULL OR e.status = @status)
          AND (@reason IS NULL OR e.reason = @reason)
          AND (@currency IS NULL OR e.currency = @currency)
          AND (@assignee IS NULL OR e.assignee = @assignee)
          AND (@unassigned = 0 OR e.assignee IS NULL)
          AND (@created_before IS NULL OR e.created_at <= @created_before)
          AND (@created_after IS NULL OR e.created_at >= @created_after)
          AND (@min_unapplied IS NULL OR e.unapplied_minor >= @min_unapplied)
          AND (@max_unapplied IS NULL OR e.unapplied_minor <= @max_unapplied)
        """;

    internal const string WorklistFilter = """
        (@status IS NULL OR e.status = @status)
          AND (@reason IS NULL OR e.reason = @reason)
          AND (@currency IS NULL OR e.currency = @currency)
          AND (@assignee IS NULL OR e.assignee = @assignee)
          AND (@unassigned = 0 OR e.assignee IS NULL)
          AND (@created_before IS NULL OR e.created_at <= @created_before)
          AND (@created_after IS NULL OR e.created_at >= @created_after)
          AND (@min_unapplied IS NULL OR e.unapplied_minor >= @min_unapplied)
          AND (@max_unapplied IS NULL OR e.unapplied_minor <= @max_unapplied)
          AND (@text IS NULL
               OR UPPER(p.payer_name) LIKE @text ESCAPE '\'
               OR UPPER(p.payment_ref) LIKE @text ESCAPE '\'
               OR UPPER(p.free_text) LIKE @text ESCAPE '\'
               OR UPPER(p.remittance) LIKE @text ESCAPE '\')
        """;

    internal static readonly (string, LedgerParamType)[] WorklistFilterNoTextParameters =
    [
        ("@status", Key), ("@reason", Key), ("@currency", Key), ("@assignee", Text), ("@unassigned", Count),
        ("@created_before", Time), ("@created_after", Time), ("@min_unapplied", BigInt), ("@max_unapplied", BigInt),
    ];

    internal static readonly (string, LedgerParamType)[] WorklistFilterParameters = [.. WorklistFilterNoTextParameters, ("@text", Text)];

    internal const string ItemSearchFilter = """
        status = 'open'
          AND (@currency IS NULL OR currency = @currency)
          AND (@amount_minor IS NULL OR remaining_minor = @amount_minor)
          AND (@text IS NULL
               OR UPPER(item_id) LIKE @text ESCAPE '\'
               OR UPPER(invoice_number) LIKE @text ESCAPE '\'
               OR UPPER(po_number) LIKE @text ESCAPE '\'
               OR UPPER(customer_name) LIKE @text ESCAPE '\')
          AND (@root IS NULL OR customer_id = @root OR customer_id IN (SELECT c.customer_id FROM customers c WHERE c.parent_id = @root))
        """;

    internal static readonly (string, LedgerParamType)[] ItemSearchParameters =
    [
        ("@currency", Key), ("@amount_minor", BigInt), ("@text", Text), ("@root", Key), ("@skip", Count), ("@take", Count),
    ];

    private const string WorklistIndexColumns = "reason, status, currency, assignee, created_at, unapplied_minor, payment_id";

    private const string UserColumns = "name, role, password_hash, failed_count, locked_until, created_at";

    /// <summary>The statements that bring the schema to version 6: people, and the indexes the worklist reads by.</summary>
    public required IReadOnlyList<LedgerStatement> Version6 { get; init; }

    /// <summary>
    /// The statements that bring the schema to version 7: one index that holds every column the worklist filters
    /// on, reason first. The counts per reason of a filter without text read it alone (a covering index scan in
    /// reason order) instead of every wide exception row and a sort; with text it gives each payment to join.
    /// </summary>
    public required IReadOnlyList<LedgerStatement> Version7 { get; init; }

    /// <summary>A page of the worklist per order and direction, with a text search.</summary>
    public required FrozenDictionary<(WorklistSort Sort, bool Descending), LedgerStatement> SelectPage { get; init; }

    /// <summary>A page of the worklist without a text search, ordered by a column of the exception itself: the page is cut before the join.</summary>
    public required FrozenDictionary<(WorklistSort Sort, bool Descending), LedgerStatement> SelectPageNoText { get; init; }

    /// <summary>Open items by search, by item id, one page.</summary>
    public required LedgerStatement SearchOpenItems { get; init; }

    /// <summary>Files, payments and payments applied in full by matching, per UTC day of receipt since <c>@since</c>.</summary>
    public required LedgerStatement SelectDailyFigures { get; init; }

    /// <summary>How many exceptions a worklist filter matches, per reason.</summary>
    public LedgerStatement CountByReason { get; init; } = LedgerStatement.Of(
        nameof(CountByReason),
        $"SELECT e.reason, COUNT(*) FROM {WorklistFrom} WHERE {WorklistFilter} GROUP BY e.reason",
        WorklistFilterParameters);

    /// <summary>How many exceptions a worklist filter without text matches, per reason, from the exceptions table alone.</summary>
    public LedgerStatement CountByReasonNoText { get; init; } = LedgerStatement.Of(
        nameof(CountByReasonNoText),
        $"SELECT e.reason, COUNT(*) FROM exceptions e WHERE {WorklistFilterNoText} GROUP BY e.reason",
        WorklistFilterNoTextParameters);

    /// <summary>Adds a person.</summary>
    public LedgerStatement InsertUser { get; init; } = LedgerStatement.Of(
        nameof(InsertUser),
        "INSERT INTO users (name, role, password_hash, failed_count, locked_until, created_at, updated_at) VALUES (@name, @role, @password_hash, 0, NULL, @created_at, @created_at)",
        ("@name", Key), ("@role", Key), ("@password_hash", Text), ("@created_at", Time));

    /// <summary>A person by name.</summary>
    public LedgerStatement SelectUser { get; init; } = LedgerStatement.Of(nameof(SelectUser), $"SELECT {UserColumns} FROM users WHERE name = @name", ("@name", Key));

    /// <summary>Every person.</summary>
    public LedgerStatement SelectUsers { get; init; } = LedgerStatement.Of(nameof(SelectUsers), $"SELECT {UserColumns} FROM users ORDER BY name");

    /// <summary>Counts a failed sign-in and locks at the limit.</summary>
    public LedgerStatement RecordSignInFailure { get; init; } = LedgerStatement.Of(
        nameof(RecordSignInFailure),
        """
        UPDATE users
        SET failed_count = failed_count + 1,
            locked_until = CASE WHEN failed_count + 1 >= @max_failures THEN @lock_until ELSE locked_until END,
            updated_at = @updated_at
        WHERE name = @name
        """,
        ("@name", Key), ("@max_failures", Count), ("@lock_until", Time), ("@updated_at", Time));

    /// <summary>Clears failures after a sign-in, storing a rehashed password when given.</summary>
    public LedgerStatement RecordSignInSuccess { get; init; } = LedgerStatement.Of(
        nameof(RecordSignInSuccess),
        "UPDATE users SET failed_count = 0, locked_until = NULL, password_hash = COALESCE(@password_hash, password_hash), updated_at = @updated_at WHERE name = @name",
        ("@name", Key), ("@password_hash", Text), ("@updated_at", Time));

    /// <summary>What each item holds of an exception's applications, net of reversals; items whose net is zero are left out.</summary>
    public LedgerStatement SelectNetApplications { get; init; } = LedgerStatement.Of(
        nameof(SelectNetApplications),
        "SELECT item_id, SUM(amount_minor) FROM applications WHERE exception_id = @exception_id GROUP BY item_id HAVING SUM(amount_minor) <> 0 ORDER BY item_id",
        ("@exception_id", BigInt));

    /// <summary>
    /// Gives an item back an amount applied to it. An item AR closed (closed with an amount still remaining,
    /// or AR's open amount zero) stays closed; one closed only because it was applied in full opens again.
    /// </summary>
    public LedgerStatement UnapplyItem { get; init; } = LedgerStatement.Of(
        nameof(UnapplyItem),
        """
        UPDATE open_items
        SET remaining_minor = remaining_minor + @amount_minor,
            applied_minor = applied_minor - @amount_minor,
            status = CASE WHEN status = 'closed' AND remaining_minor <> 0 THEN 'closed' WHEN ar_open_minor = 0 THEN 'closed' ELSE 'open' END,
            row_version = row_version + 1,
            updated_at = @updated_at
        WHERE item_id = @item_id AND currency = @currency
        """,
        ("@item_id", Key), ("@currency", Key), ("@amount_minor", BigInt), ("@updated_at", Time));

    /// <summary>Opens a decided exception again with its unapplied amount restored, if its row version is still the expected one.</summary>
    public LedgerStatement ReopenException { get; init; } = LedgerStatement.Of(
        nameof(ReopenException),
        """
        UPDATE exceptions
        SET status = 'open',
            unapplied_minor = @unapplied_minor,
            resolution = NULL,
            resolution_reason = NULL,
            resolved_by = NULL,
            resolved_at = NULL,
            row_version = row_version + 1,
            updated_at = @updated_at
        WHERE id = @id AND row_version = @expected_row_version
        """,
        ("@id", BigInt), ("@expected_row_version", BigInt), ("@unapplied_minor", BigInt), ("@updated_at", Time));

    /// <summary>Open exceptions by reason.</summary>
    public LedgerStatement CountOpenByReason { get; init; } = LedgerStatement.Of(
        nameof(CountOpenByReason),
        "SELECT reason, COUNT(*) FROM exceptions WHERE status = 'open' GROUP BY reason");

    /// <summary>The SQLite statements.</summary>
    public static WorklistSql Sqlite { get; } = new()
    {
        Version6 =
        [
            LedgerStatement.Of("V3.users", """
                CREATE TABLE users (
                  name TEXT NOT NULL PRIMARY KEY,
                  role TEXT NOT NULL CHECK (role IN ('specialist', 'admin')),
                  password_hash TEXT NOT NULL,
                  failed_count INTEGER NOT NULL,
                  locked_until TEXT NULL,
                  created_at TEXT NOT NULL,
                  updated_at TEXT NOT NULL)
                """),
            LedgerStatement.Of("V3.ix_exceptions_assignee", "CREATE INDEX ix_exceptions_assignee ON exceptions (assignee, status)"),
            LedgerStatement.Of("V3.ix_exceptions_created", "CREATE INDEX ix_exceptions_created ON exceptions (created_at, id)"),
            LedgerStatement.Of("V3.ix_applications_exception", "CREATE INDEX ix_applications_exception ON applications (exception_id)"),
        ],
        Version7 =
        [
            LedgerStatement.Of("V7.ix_exceptions_worklist", $"CREATE INDEX ix_exceptions_worklist ON exceptions ({WorklistIndexColumns})"),
        ],
        SelectPage = Pages(static order => $"""
            SELECT {WorklistColumns}
            FROM {WorklistFrom}
            WHERE {WorklistFilter}
            ORDER BY {order}
            LIMIT @take OFFSET @skip
            """),
        SelectPageNoText = Pages(
            static order => $"""
                SELECT {WorklistColumns}
                FROM (SELECT * FROM exceptions e WHERE {WorklistFilterNoText} ORDER BY {order} LIMIT @take OFFSET @skip) e
                  JOIN payments p ON p.id = e.payment_id JOIN bank_files f ON f.id = p.bank_file_id
                ORDER BY {order}
                """,
            withText: false),
        SearchOpenItems = LedgerStatement.Of(
            nameof(SearchOpenItems),
            $"SELECT {ItemColumns} FROM open_items WHERE {ItemSearchFilter} ORDER BY item_id LIMIT @take OFFSET @skip",
            ItemSearchParameters),
        SelectDailyFigures = LedgerStatement.Of(
            nameof(SelectDailyFigures),
            """
            SELECT substr(f.received_at, 1, 10) AS day,
              COUNT(DISTINCT f.id),
              COUNT(p.id),
              SUM(CASE WHEN p.id IS NOT NULL AND NOT EXISTS (SELECT 1 FROM exceptions e WHERE e.payment_id = p.id) THEN 1 ELSE 0 END)
            FROM bank_files f LEFT JOIN payments p ON p.bank_file_id = f.id AND p.is_payment = 1
            WHERE f.status = 'ingested' AND f.received_at >= @since
            GROUP BY substr(f.received_at, 1, 10)
            ORDER BY day
            """,
            ("@since", Time)),
    };

    /// <summary>The SQL Server statements.</summary>
    public static WorklistSql SqlServer { get; } = new()
    {
        Version6 =
        [
            LedgerStatement.Of("V3.users", """
                CREATE TABLE dbo.users (
                  name nvarchar(200) COLLATE Latin1_General_100_BIN2 NOT NULL CONSTRAINT pk_users PRIMARY KEY,
                  role nvarchar(200) COLLATE Latin1_General_100_BIN2 NOT NULL CONSTRAINT ck_users_role CHECK (role IN (N'specialist', N'admin')),
                  password_hash nvarchar(4000) COLLATE Latin1_General_100_BIN2 NOT NULL,
                  failed_count int NOT NULL,
                  locked_until datetimeoffset(7) NULL,
                  created_at datetimeoffset(7) NOT NULL,
                  updated_at datetimeoffset(7) NOT NULL)
                """),
            LedgerStatement.Of("V3.ix_exceptions_assignee", "CREATE INDEX ix_exceptions_assignee ON dbo.exceptions (assignee, status)"),
            LedgerStatement.Of("V3.ix_exceptions_created", "CREATE INDEX ix_exceptions_created ON dbo.exceptions (created_at, id)"),
            LedgerStatement.Of("V3.ix_applications_exception", "CREATE INDEX ix_applications_exception ON dbo.applications (exception_id)"),
        ],
        Version7 =
        [
            LedgerStatement.Of("V7.ix_exceptions_worklist", $"CREATE INDEX ix_exceptions_worklist ON dbo.exceptions ({WorklistIndexColumns})"),
        ],
        SelectPage = Pages(static order => $"""
            SELECT {WorklistColumns}
            FROM {WorklistFrom}
            WHERE {WorklistFilter}
            ORDER BY {order}
            OFFSET @skip ROWS FETCH NEXT @take ROWS ONLY
            """),
        SelectPageNoText = Pages(
            static order => $"""
                SELECT {WorklistColumns}
                FROM (SELECT * FROM exceptions e WHERE {WorklistFilterNoText} ORDER BY {order} OFFSET @skip ROWS FETCH NEXT @take ROWS ONLY) e
                  JOIN payments p ON p.id = e.payment_id JOIN bank_files f ON f.id = p.bank_file_id
                ORDER BY {order}
                """,
            withText: false),
        SearchOpenItems = LedgerStatement.Of(
            nameof(SearchOpenItems),
            $"SELECT {ItemColumns} FROM open_items WHERE {ItemSearchFilter} ORDER BY item_id OFFSET @skip ROWS FETCH NEXT @take ROWS ONLY",
            ItemSearchParameters),
        SelectDailyFigures = LedgerStatement.Of(
            nameof(SelectDailyFigures),
            """
            SELECT CONVERT(char(10), SWITCHOFFSET(f.received_at, '+00:00'), 23) AS day,
              COUNT(DISTINCT f.id),
              COUNT(p.id),
              SUM(CASE WHEN p.id IS NOT NULL AND NOT EXISTS (SELECT 1 FROM exceptions e WHERE e.payment_id = p.id) THEN 1 ELSE 0 END)
            FROM bank_files f LEFT JOIN payments p ON p.bank_file_id = f.id AND p.is_payment = 1
            WHERE f.status = 'ingested' AND f.received_at >= @since
            GROUP BY CONVERT(char(10), SWITCHOFFSET(f.received_at, '+00:00'), 23)
            ORDER BY day
            """,
            ("@since", Time)),
    };

    /// <summary>Every statement, for tests that parse them.</summary>
    public IEnumerable<LedgerStatement> All() =>
        Version6
            .Concat(Version7)
            .Concat(SelectPage.Values)
            .Concat(SelectPageNoText.Values)
            .Concat([SearchOpenItems, SelectDailyFigures, CountByReason, CountByReasonNoText, InsertUser, SelectUser, SelectUsers, RecordSignInFailure, RecordSignInSuccess, SelectNetApplications, UnapplyItem, ReopenException, CountOpenByReason]);

    /// <summary>Whether a page without text can be cut from the exceptions table before the join.</summary>
    internal static bool OrdersByExceptionColumn(WorklistSort sort) => sort is WorklistSort.Age or WorklistSort.Unapplied or WorklistSort.Currency;

    private static FrozenDictionary<(WorklistSort, bool), LedgerStatement> Pages(Func<string, string> text, bool withText = true)
    {
        var pages = new Dictionary<(WorklistSort, bool), LedgerStatement>();
        foreach (var sort in Enum.GetValues<WorklistSort>().Where(s => withText || OrdersByExceptionColumn(s)))
        {
            var column = sort switch
            {
                WorklistSort.PaymentAmount => "p.amount_minor",
                WorklistSort.Unapplied => "e.unapplied_minor",
                WorklistSort.Payer => "p.payer_name",
                WorklistSort.Currency => "e.currency",
                _ => "e.created_at",
            };
            foreach (var descending in new[] { false, true })
            {
                var direction = descending ? "DESC" : "ASC";
                pages[(sort, descending)] = LedgerStatement.Of(
                    $"SelectWorklistPage{(withText ? "" : "NoText")}.{sort}.{direction}",
                    text($"{column} {direction}, e.id {direction}"),
                    [.. withText ? WorklistFilterParameters : WorklistFilterNoTextParameters, ("@skip", Count), ("@take", Count)]);
            }
        }

        return pages.ToFrozenDictionary();
    }
}
