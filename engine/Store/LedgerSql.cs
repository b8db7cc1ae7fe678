using static CashApp.Store.LedgerParamType;

namespace CashApp.Store;

/// <summary>
/// The statements a store runs, one property per statement. The portable ones (plain SQL both SQLite and
/// SQL Server accept) are built here; each dialect supplies the rest (identity returns, upserts, paging, DDL).
/// </summary>
public sealed record LedgerSql
{
    // What a snapshot item carries, and no more: the first columns of a stored item, read by the same code.
    internal const string SnapshotItemColumns = "item_id, doc_type, customer_id, customer_name, invoice_number, po_number, currency, remaining_minor, doc_date, due_date";
    internal const string ItemColumns = SnapshotItemColumns + ", ar_open_minor, applied_minor, status, row_version, updated_at";

    internal const string CustomerColumns = "customer_id, name, parent_id, aliases, bank_accounts";
    internal const string BankFileColumns = "id, content_hash, name, format, received_at, status, received_by, credit_count, payment_count, debit_count, application_count, exception_count, error";
    internal const string PaymentColumns = "id, bank_file_id, payment_ref, amount_minor, currency, is_payment, payer_name, payer_account, payer_id, free_text, remittance, value_date, type_code, line_number, identity_key";
    internal const string ApplicationColumns = "a.id, a.payment_id, p.payment_ref, a.item_id, a.amount_minor, a.currency, a.method, a.confidence_milli, a.explanation, a.applied_at, a.applied_by, a.exception_id";
    internal const string ExceptionColumns = "e.id, e.payment_id, p.payment_ref, p.bank_file_id, p.amount_minor, e.currency, e.unapplied_minor, e.reason, e.detail, e.suggestions, e.status, e.assignee, e.row_version, e.created_at, e.updated_at, p.payer_name, e.resolution, e.resolution_reason, e.resolved_by, e.resolved_at";
    internal const string AuditColumns = "id, at, actor, action, subject, before_state, after_state, reason";

    internal const string ExceptionFilter = """
        (@status IS NULL OR e.status = @status)
          AND (@currency IS NULL OR e.currency = @currency)
          AND (@created_before IS NULL OR e.created_at <= @created_before)
          AND (@created_after IS NULL OR e.created_at >= @created_after)
          AND (@min_unapplied IS NULL OR e.unapplied_minor >= @min_unapplied)
          AND (@max_unapplied IS NULL OR e.unapplied_minor <= @max_unapplied)
          AND (@assignee IS NULL OR e.assignee = @assignee)
        """;

    internal static readonly (string, LedgerParamType)[] ExceptionFilterParameters =
    [
        ("@status", Key), ("@currency", Key), ("@created_before", Time), ("@created_after", Time),
        ("@min_unapplied", BigInt), ("@max_unapplied", BigInt), ("@assignee", Text),
    ];

    internal static readonly (string, LedgerParamType)[] ItemUpsertParameters =
    [
        ("@item_id", Key), ("@doc_type", Key), ("@customer_id", Key), ("@customer_name", Text), ("@invoice_number", Text),
        ("@po_number", Text), ("@currency", Key), ("@ar_open_minor", BigInt), ("@doc_date", Date), ("@due_date", Date), ("@updated_at", Time),
    ];

    internal static readonly (string, LedgerParamType)[] CustomerUpsertParameters =
    [
        ("@customer_id", Key), ("@name", Text), ("@parent_id", Key), ("@aliases", LongText), ("@bank_accounts", LongText), ("@updated_at", Time),
    ];

    internal static readonly (string, LedgerParamType)[] BankFileInsertParameters =
    [
        ("@content_hash", Key), ("@name", Text), ("@format", Key), ("@received_at", Time), ("@received_by", Text), ("@status", Key),
        ("@credit_count", Count), ("@payment_count", Count), ("@debit_count", Count), ("@application_count", Count), ("@exception_count", Count), ("@error", LongText),
    ];

    internal static readonly (string, LedgerParamType)[] PaymentInsertParameters =
    [
        ("@bank_file_id", BigInt), ("@payment_ref", Text), ("@amount_minor", BigInt), ("@currency", Key), ("@is_payment", Bool),
        ("@not_payment_reason", Text), ("@payer_name", Text), ("@payer_account", Text), ("@payer_id", Text), ("@free_text", LongText),
        ("@remittance", LongText), ("@value_date", Date), ("@type_code", Key), ("@line_number", BigInt), ("@identity_key", Key),
    ];

    internal static readonly (string, LedgerParamType)[] ApplicationInsertParameters =
    [
        ("@payment_id", BigInt), ("@item_id", Key), ("@amount_minor", BigInt), ("@currency", Key), ("@method", Key), ("@confidence_milli", Count),
        ("@explanation", LongText), ("@applied_at", Time), ("@applied_by", Text), ("@exception_id", BigInt),
    ];

    internal static readonly (string, LedgerParamType)[] ExceptionInsertParameters =
    [
        ("@payment_id", BigInt), ("@currency", Key), ("@unapplied_minor", BigInt), ("@reason", Key), ("@detail", LongText),
        ("@suggestions", LongText), ("@status", Key), ("@created_at", Time),
    ];

    /// <summary>The schema migrations in order: version and the statements that bring the schema to it.</summary>
    public required IReadOnlyList<(int Version, IReadOnlyList<LedgerStatement> Statements)> Migrations { get; init; }

    /// <summary>Creates the schema_version table when missing.</summary>
    public required LedgerStatement CreateSchemaVersionTable { get; init; }

    /// <summary>The highest applied schema version, or null.</summary>
    public LedgerStatement SelectSchemaVersion { get; init; } = LedgerStatement.Of(nameof(SelectSchemaVersion), "SELECT MAX(version) FROM schema_version");

    /// <summary>Records a migration as applied.</summary>
    public LedgerStatement InsertSchemaVersion { get; init; } = LedgerStatement.Of(nameof(InsertSchemaVersion), "INSERT INTO schema_version (version, applied_at) VALUES (@version, @applied_at)", ("@version", Count), ("@applied_at", Time));

    /// <summary>Inserts a customer, or updates it when anything changed; returns the new row version, or nothing when unchanged.</summary>
    public required LedgerStatement UpsertCustomer { get; init; }

    /// <summary>Inserts an item, or updates it when anything changed; returns row version and status, or nothing when unchanged.</summary>
    public required LedgerStatement UpsertOpenItem { get; init; }

    /// <summary>One customer.</summary>
    public LedgerStatement SelectCustomerById { get; init; } = LedgerStatement.Of(nameof(SelectCustomerById), $"SELECT {CustomerColumns} FROM customers WHERE customer_id = @customer_id", ("@customer_id", Key));

    /// <summary>All customers.</summary>
    public LedgerStatement SelectCustomers { get; init; } = LedgerStatement.Of(nameof(SelectCustomers), $"SELECT {CustomerColumns} FROM customers");

    /// <summary>Closes an open item.</summary>
    public LedgerStatement CloseOpenItem { get; init; } = LedgerStatement.Of(
        nameof(CloseOpenItem),
        "UPDATE open_items SET status = 'closed', row_version = row_version + 1, updated_at = @updated_at WHERE item_id = @item_id AND status = 'open'",
        ("@item_id", Key), ("@updated_at", Time));

    /// <summary>All open items (the matching snapshot), with only the columns an <see cref="Model.OpenItem"/> carries.</summary>
    public LedgerStatement SelectOpenItems { get; init; } = LedgerStatement.Of(nameof(SelectOpenItems), $"SELECT {SnapshotItemColumns} FROM open_items WHERE status = 'open'");

    /// <summary>The filter of a page of items: status, customer, currency, each when set.</summary>
    internal const string OpenItemFilter = """
        (@status IS NULL OR status = @status)
          AND (@customer_id IS NULL OR customer_id = @customer_id)
          AND (@currency IS NULL OR currency = @currency)
          AND (@after_item_id IS NULL OR item_id > @after_item_id)
        """;

    internal static readonly (string, LedgerParamType)[] OpenItemPageParameters =
    [
        ("@status", Key), ("@customer_id", Key), ("@currency", Key), ("@after_item_id", Key), ("@take", Count),
    ];

    /// <summary>A page of items by filter, in item id order, at most <c>@take</c>: filtered in the database, before paging.</summary>
    public required LedgerStatement SelectOpenItemsPage { get; init; }

    /// <summary>One item, open or closed.</summary>
    public LedgerStatement SelectOpenItemById { get; init; } = LedgerStatement.Of(nameof(SelectOpenItemById), $"SELECT {ItemColumns} FROM open_items WHERE item_id = @item_id", ("@item_id", Key));

    /// <summary>
    /// Applies an amount to an item only if it is open, in the currency, and has at least that much remaining
    /// (for a credit memo, the sign-aware analogue): the guard that keeps concurrent applications from ever
    /// going past the open amount. Affects one row or none.
    /// </summary>
    public LedgerStatement ApplyToItem { get; init; } = LedgerStatement.Of(
        nameof(ApplyToItem),
        """
        UPDATE open_items
        SET remaining_minor = remaining_minor - @amount_minor,
            applied_minor = applied_minor + @amount_minor,
            status = CASE WHEN remaining_minor = @amount_minor THEN 'closed' ELSE 'open' END,
            row_version = row_version + 1,
            updated_at = @updated_at
        WHERE item_id = @item_id
          AND status = 'open'
          AND currency = @currency
          AND ((@amount_minor > 0 AND remaining_minor >= @amount_minor) OR (@amount_minor < 0 AND remaining_minor <= @amount_minor))
        """,
        ("@item_id", Key), ("@currency", Key), ("@amount_minor", BigInt), ("@updated_at", Time));

    /// <summary>A bank file by content hash.</summary>
    public LedgerStatement SelectBankFileByHash { get; init; } = LedgerStatement.Of(nameof(SelectBankFileByHash), $"SELECT {BankFileColumns} FROM bank_files WHERE content_hash = @content_hash", ("@content_hash", Key));

    /// <summary>A bank file by id.</summary>
    public LedgerStatement SelectBankFileById { get; init; } = LedgerStatement.Of(nameof(SelectBankFileById), $"SELECT {BankFileColumns} FROM bank_files WHERE id = @id", ("@id", BigInt));

    /// <summary>The newest bank files.</summary>
    public required LedgerStatement SelectBankFilesRecent { get; init; }

    /// <summary>Inserts a bank file; returns its id.</summary>
    public required LedgerStatement InsertBankFile { get; init; }

    /// <summary>
    /// Adds a later batch's counts to a file stored in batches (<see cref="IngestBatch.BankFileId"/>) and sets its
    /// <c>error</c>: <see cref="BankFileProgress.InProgress"/> until its last batch, then null. A file another call has
    /// already ended keeps its debit count and stays complete.
    /// </summary>
    public LedgerStatement AddToBankFile { get; init; } = LedgerStatement.Of(
        nameof(AddToBankFile),
        """
        UPDATE bank_files SET credit_count = credit_count + @credit_count, payment_count = payment_count + @payment_count,
          debit_count = CASE WHEN error = @in_progress THEN debit_count + @debit_count ELSE debit_count END,
          application_count = application_count + @application_count,
          exception_count = exception_count + @exception_count,
          error = CASE WHEN error = @in_progress THEN @error ELSE error END
        WHERE id = @id AND status = 'ingested'
        """,
        ("@id", BigInt), ("@credit_count", Count), ("@payment_count", Count), ("@debit_count", Count), ("@application_count", Count), ("@exception_count", Count), ("@error", LongText), ("@in_progress", LongText));

    /// <summary>Removes the record of a rejected file, before its content is ingested after all.</summary>
    public LedgerStatement DeleteRejectedBankFile { get; init; } = LedgerStatement.Of(nameof(DeleteRejectedBankFile), "DELETE FROM bank_files WHERE content_hash = @content_hash AND status = 'rejected'", ("@content_hash", Key));

    /// <summary>Inserts a credit; returns its id.</summary>
    public required LedgerStatement InsertPayment { get; init; }

    /// <summary>The credits of a file in file order.</summary>
    public LedgerStatement SelectPaymentsByFile { get; init; } = LedgerStatement.Of(nameof(SelectPaymentsByFile), $"SELECT {PaymentColumns} FROM payments WHERE bank_file_id = @bank_file_id ORDER BY id", ("@bank_file_id", BigInt));

    /// <summary>One credit.</summary>
    public LedgerStatement SelectPaymentById { get; init; } = LedgerStatement.Of(nameof(SelectPaymentById), $"SELECT {PaymentColumns} FROM payments WHERE id = @id", ("@id", BigInt));

    /// <summary>The payment stored under an identity key, with the file that brought it; no row when none.</summary>
    public LedgerStatement SelectPaymentByIdentityKey { get; init; } = LedgerStatement.Of(
        nameof(SelectPaymentByIdentityKey),
        "SELECT p.identity_key, p.id, p.payment_ref, p.bank_file_id, f.name FROM payments p JOIN bank_files f ON f.id = p.bank_file_id WHERE p.identity_key = @identity_key",
        ("@identity_key", Key));

    /// <summary>Claims a client request id: fails with a unique-key violation when it was claimed before.</summary>
    public LedgerStatement InsertRequest { get; init; } = LedgerStatement.Of(
        nameof(InsertRequest),
        "INSERT INTO request_log (request_id, method, request_hash, actor, status, created_at) VALUES (@request_id, @method, @request_hash, @actor, 'pending', @created_at)",
        ("@request_id", Key), ("@method", Key), ("@request_hash", Key), ("@actor", Text), ("@created_at", Time));

    /// <summary>A claimed request id: what it was for, by whom, and its response once done.</summary>
    public LedgerStatement SelectRequest { get; init; } = LedgerStatement.Of(
        nameof(SelectRequest),
        "SELECT method, request_hash, actor, status, response FROM request_log WHERE request_id = @request_id",
        ("@request_id", Key));

    /// <summary>Keeps the response of a claimed request.</summary>
    public LedgerStatement CompleteRequest { get; init; } = LedgerStatement.Of(
        nameof(CompleteRequest),
        "UPDATE request_log SET status = 'done', response = @response, completed_at = @completed_at WHERE request_id = @request_id AND status = 'pending'",
        ("@request_id", Key), ("@response", LongText), ("@completed_at", Time));

    /// <summary>Gives a claim up when the call failed, so that a retry runs it again.</summary>
    public LedgerStatement ReleaseRequest { get; init; } = LedgerStatement.Of(
        nameof(ReleaseRequest),
        "DELETE FROM request_log WHERE request_id = @request_id AND status = 'pending'",
        ("@request_id", Key));

    /// <summary>Inserts an application; returns its id.</summary>
    public required LedgerStatement InsertApplication { get; init; }

    /// <summary>Applications by filter, oldest first, at most <c>@take</c>.</summary>
    public required LedgerStatement SelectApplications { get; init; }

    /// <summary>Inserts an exception; returns its id.</summary>
    public required LedgerStatement InsertException { get; init; }

    /// <summary>One exception with its payment.</summary>
    public LedgerStatement SelectExceptionById { get; init; } = LedgerStatement.Of(nameof(SelectExceptionById), $"SELECT {ExceptionColumns} FROM exceptions e JOIN payments p ON p.id = e.payment_id WHERE e.id = @id", ("@id", BigInt));

    /// <summary>A page of exceptions by filter.</summary>
    public required LedgerStatement SelectExceptionsPage { get; init; }

    /// <summary>How many exceptions match a filter.</summary>
    public LedgerStatement CountExceptions { get; init; } = LedgerStatement.Of(nameof(CountExceptions), $"SELECT COUNT(*) FROM exceptions e WHERE {ExceptionFilter}", ExceptionFilterParameters);

    /// <summary>Records a decision on an exception if its row version is still the expected one and it is open.</summary>
    public LedgerStatement UpdateExceptionDecision { get; init; } = LedgerStatement.Of(
        nameof(UpdateExceptionDecision),
        """
        UPDATE exceptions
        SET unapplied_minor = @unapplied_minor,
            status = @status,
            resolution = @resolution,
            resolution_reason = @resolution_reason,
            resolved_by = @resolved_by,
            resolved_at = @resolved_at,
            row_version = row_version + 1,
            updated_at = @updated_at
        WHERE id = @id AND row_version = @expected_row_version AND status = 'open'
        """,
        ("@id", BigInt), ("@expected_row_version", BigInt), ("@unapplied_minor", BigInt), ("@status", Key), ("@resolution", Key),
        ("@resolution_reason", LongText), ("@resolved_by", Text), ("@resolved_at", Time), ("@updated_at", Time));

    /// <summary>Assigns an exception if its row version is still the expected one.</summary>
    public LedgerStatement AssignException { get; init; } = LedgerStatement.Of(
        nameof(AssignException),
        "UPDATE exceptions SET assignee = @assignee, row_version = row_version + 1, updated_at = @updated_at WHERE id = @id AND row_version = @expected_row_version",
        ("@id", BigInt), ("@expected_row_version", BigInt), ("@assignee", Text), ("@updated_at", Time));

    /// <summary>Appends to the audit trail.</summary>
    public LedgerStatement InsertAudit { get; init; } = LedgerStatement.Of(
        nameof(InsertAudit),
        "INSERT INTO audit_log (at, actor, action, subject, before_state, after_state, reason) VALUES (@at, @actor, @action, @subject, @before_state, @after_state, @reason)",
        ("@at", Time), ("@actor", Text), ("@action", Key), ("@subject", Key), ("@before_state", LongText), ("@after_state", LongText), ("@reason", LongText));

    /// <summary>Audit entries by filter, oldest first.</summary>
    public required LedgerStatement SelectAudit { get; init; }

    /// <summary>Counts of files, payments, payments fully applied by matching, and open exceptions.</summary>
    public LedgerStatement SummaryCounts { get; init; } = LedgerStatement.Of(
        nameof(SummaryCounts),
        """
        SELECT
          (SELECT COUNT(*) FROM bank_files WHERE status = 'ingested'),
          (SELECT COUNT(*) FROM payments WHERE is_payment = 1),
          (SELECT COUNT(*) FROM payments p WHERE p.is_payment = 1 AND NOT EXISTS (SELECT 1 FROM exceptions e WHERE e.payment_id = p.id)),
          (SELECT COUNT(*) FROM exceptions WHERE status = 'open')
        """);

    /// <summary>Automatic applications by method: payments touched and applications made.</summary>
    public LedgerStatement SummaryByMethod { get; init; } = LedgerStatement.Of(
        nameof(SummaryByMethod),
        "SELECT a.method, COUNT(DISTINCT a.payment_id), COUNT(*) FROM applications a WHERE a.exception_id IS NULL GROUP BY a.method");

    /// <summary>
    /// Unapplied cash of open exceptions by currency and age bucket; the bucket limits are times. Each bucket comes
    /// in two sums, of the amounts' billions and of their remainders, which the caller adds as an
    /// <see cref="Int128"/>: a sum of amounts near the 18-digit limit passes a 64-bit integer, and both databases
    /// refuse a <c>SUM</c> that overflows. Integer division and remainder truncate toward zero in both, so
    /// billions × 10⁹ + remainder is each amount exactly.
    /// </summary>
    public LedgerStatement SummaryUnapplied { get; init; } = LedgerStatement.Of(
        nameof(SummaryUnapplied),
        """
        SELECT e.currency,
          SUM(CASE WHEN e.created_at > @age8 THEN e.unapplied_minor / 1000000000 ELSE 0 END),
          SUM(CASE WHEN e.created_at > @age8 THEN e.unapplied_minor % 1000000000 ELSE 0 END),
          SUM(CASE WHEN e.created_at <= @age8 AND e.created_at > @age31 THEN e.unapplied_minor / 1000000000 ELSE 0 END),
          SUM(CASE WHEN e.created_at <= @age8 AND e.created_at > @age31 THEN e.unapplied_minor % 1000000000 ELSE 0 END),
          SUM(CASE WHEN e.created_at <= @age31 AND e.created_at > @age91 THEN e.unapplied_minor / 1000000000 ELSE 0 END),
          SUM(CASE WHEN e.created_at <= @age31 AND e.created_at > @age91 THEN e.unapplied_minor % 1000000000 ELSE 0 END),
          SUM(CASE WHEN e.created_at <= @age91 THEN e.unapplied_minor / 1000000000 ELSE 0 END),
          SUM(CASE WHEN e.created_at <= @age91 THEN e.unapplied_minor % 1000000000 ELSE 0 END),
          COUNT(*)
        FROM exceptions e
        WHERE e.status = 'open'
        GROUP BY e.currency
        ORDER BY e.currency
        """,
        ("@age8", Time), ("@age31", Time), ("@age91", Time));

    /// <summary>Every statement, migrations included, for tests that parse them.</summary>
    public IEnumerable<LedgerStatement> All()
    {
        yield return CreateSchemaVersionTable;
        foreach (var (_, statements) in Migrations)
        {
            foreach (var statement in statements)
            {
                yield return statement;
            }
        }

        foreach (var property in typeof(LedgerSql).GetProperties())
        {
            if (property.PropertyType == typeof(LedgerStatement) && property.Name != nameof(CreateSchemaVersionTable))
            {
                yield return (LedgerStatement)property.GetValue(this)!;
            }
        }
    }
}
