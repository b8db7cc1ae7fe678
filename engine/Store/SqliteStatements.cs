using static CashApp.Store.LedgerParamType;
using static CashApp.Store.LedgerSql;

namespace CashApp.Store;

/// <summary>The SQLite dialect of the store's statements: <c>RETURNING</c>, <c>ON CONFLICT</c>, <c>LIMIT</c>.</summary>
internal static class SqliteStatements
{
    private static readonly LedgerStatement[] Version1 =
    [
        LedgerStatement.Of("V1.customers", """
            CREATE TABLE customers (
              customer_id TEXT NOT NULL PRIMARY KEY,
              name TEXT NOT NULL,
              parent_id TEXT NULL,
              aliases TEXT NOT NULL,
              bank_accounts TEXT NOT NULL,
              row_version INTEGER NOT NULL,
              updated_at TEXT NOT NULL)
            """),
        LedgerStatement.Of("V1.open_items", """
            CREATE TABLE open_items (
              item_id TEXT NOT NULL PRIMARY KEY,
              doc_type TEXT NOT NULL CHECK (doc_type IN ('INV', 'CM', 'DM')),
              customer_id TEXT NOT NULL,
              customer_name TEXT NOT NULL,
              invoice_number TEXT NOT NULL,
              po_number TEXT NULL,
              currency TEXT NOT NULL,
              remaining_minor INTEGER NOT NULL,
              doc_date INTEGER NOT NULL,
              due_date INTEGER NOT NULL,
              ar_open_minor INTEGER NOT NULL,
              applied_minor INTEGER NOT NULL,
              status TEXT NOT NULL CHECK (status IN ('open', 'closed')),
              row_version INTEGER NOT NULL,
              updated_at TEXT NOT NULL)
            """),
        LedgerStatement.Of("V1.ix_open_items_status", "CREATE INDEX ix_open_items_status ON open_items (status)"),
        LedgerStatement.Of("V1.bank_files", """
            CREATE TABLE bank_files (
              id INTEGER PRIMARY KEY,
              content_hash TEXT NOT NULL UNIQUE,
              name TEXT NOT NULL,
              format TEXT NOT NULL,
              received_at TEXT NOT NULL,
              status TEXT NOT NULL CHECK (status IN ('ingested', 'rejected')),
              received_by TEXT NOT NULL,
              credit_count INTEGER NOT NULL,
              payment_count INTEGER NOT NULL,
              debit_count INTEGER NOT NULL,
              application_count INTEGER NOT NULL,
              exception_count INTEGER NOT NULL,
              error TEXT NULL)
            """),
        LedgerStatement.Of("V1.payments", """
            CREATE TABLE payments (
              id INTEGER PRIMARY KEY,
              bank_file_id INTEGER NOT NULL REFERENCES bank_files (id),
              payment_ref TEXT NOT NULL,
              amount_minor INTEGER NOT NULL,
              currency TEXT NOT NULL,
              is_payment INTEGER NOT NULL,
              not_payment_reason TEXT NULL,
              payer_name TEXT NULL,
              payer_account TEXT NULL,
              payer_id TEXT NULL,
              free_text TEXT NULL,
              remittance TEXT NOT NULL,
              value_date INTEGER NULL,
              type_code TEXT NULL,
              line_number INTEGER NOT NULL)
            """),
        LedgerStatement.Of("V1.ix_payments_file", "CREATE INDEX ix_payments_file ON payments (bank_file_id)"),
        LedgerStatement.Of("V1.applications", """
            CREATE TABLE applications (
              id INTEGER PRIMARY KEY,
              payment_id INTEGER NOT NULL REFERENCES payments (id),
              item_id TEXT NOT NULL,
              amount_minor INTEGER NOT NULL,
              currency TEXT NOT NULL,
              method TEXT NOT NULL,
              confidence_milli INTEGER NOT NULL,
              explanation TEXT NOT NULL,
              applied_at TEXT NOT NULL,
              applied_by TEXT NOT NULL,
              exception_id INTEGER NULL)
            """),
        LedgerStatement.Of("V1.ix_applications_applied_at", "CREATE INDEX ix_applications_applied_at ON applications (applied_at)"),
        LedgerStatement.Of("V1.ix_applications_payment", "CREATE INDEX ix_applications_payment ON applications (payment_id)"),
        LedgerStatement.Of("V1.ix_applications_item", "CREATE INDEX ix_applications_item ON applications (item_id)"),
        LedgerStatement.Of("V1.exceptions", """
            CREATE TABLE exceptions (
              id INTEGER PRIMARY KEY,
              payment_id INTEGER NOT NULL REFERENCES payments (id),
              currency TEXT NOT NULL,
              unapplied_minor INTEGER NOT NULL,
              reason TEXT NOT NULL,
              detail TEXT NOT NULL,
              suggestions TEXT NOT NULL,
              status TEXT NOT NULL CHECK (status IN ('open', 'resolved')),
              assignee TEXT NULL,
              row_version INTEGER NOT NULL,
              created_at TEXT NOT NULL,
              updated_at TEXT NOT NULL,
              resolution TEXT NULL,
              resolution_reason TEXT NULL,
              resolved_by TEXT NULL,
              resolved_at TEXT NULL)
            """),
        LedgerStatement.Of("V1.ix_exceptions_status", "CREATE INDEX ix_exceptions_status ON exceptions (status, id)"),
        LedgerStatement.Of("V1.ix_exceptions_payment", "CREATE INDEX ix_exceptions_payment ON exceptions (payment_id)"),
        LedgerStatement.Of("V1.audit_log", """
            CREATE TABLE audit_log (
              id INTEGER PRIMARY KEY,
              at TEXT NOT NULL,
              actor TEXT NOT NULL,
              action TEXT NOT NULL,
              subject TEXT NOT NULL,
              before_state TEXT NULL,
              after_state TEXT NULL,
              reason TEXT NULL)
            """),
        LedgerStatement.Of("V1.ix_audit_subject", "CREATE INDEX ix_audit_subject ON audit_log (subject, id)"),
    ];

    // A status index sent the matching snapshot (every open item) through the index, one row lookup per
    // item: a plain table scan reads 5 million items many times faster.
    private static readonly LedgerStatement[] Version2 =
    [
        LedgerStatement.Of("V2.drop_ix_open_items_status", "DROP INDEX IF EXISTS ix_open_items_status"),
    ];

    // Payment identity (issue 16): a payment the bank sends again, in a re-sent day, an intraday and then an
    // end-of-day file, a camt.053 and a camt.054, is stored once. Payments stored before this version keep a null
    // key, which the unique index lets repeat.
    private static readonly LedgerStatement[] Version3 =
    [
        LedgerStatement.Of("V3.payments_identity_key", "ALTER TABLE payments ADD COLUMN identity_key TEXT NULL"),
        LedgerStatement.Of("V3.ux_payments_identity_key", "CREATE UNIQUE INDEX ux_payments_identity_key ON payments (identity_key)"),
    ];

    // Client request ids (AIP-155): the first response of a retried call, kept in the store so that every
    // instance on it answers a retry alike.
    private static readonly LedgerStatement[] Version4 =
    [
        LedgerStatement.Of("V4.request_log", """
            CREATE TABLE request_log (
              request_id TEXT NOT NULL PRIMARY KEY,
              method TEXT NOT NULL,
              request_hash TEXT NOT NULL,
              actor TEXT NOT NULL,
              status TEXT NOT NULL CHECK (status IN ('pending', 'done')),
              response TEXT NULL,
              created_at TEXT NOT NULL,
              completed_at TEXT NULL)
            """),
    ];

    // ListOpenItems by customer: a page of one customer's items reads that customer's rows, not the table.
    private static readonly LedgerStatement[] Version5 =
    [
        LedgerStatement.Of("V5.ix_open_items_customer", "CREATE INDEX ix_open_items_customer ON open_items (customer_id, item_id)"),
    ];

    /// <summary>The span of rowids in open_items (nulls when empty): where a large snapshot splits its reads.</summary>
    internal const string SelectOpenItemRowidSpan = "SELECT min(rowid), max(rowid) FROM open_items";

    /// <summary>
    /// The open items whose rowid is in <c>@from</c>..<c>@to</c>, in rowid order, as <see cref="LedgerSql.SelectOpenItems"/>
    /// reads them: a table scan seeks to the range instead of starting at the first row.
    /// </summary>
    internal const string SelectOpenItemsInRowidRange = $"SELECT {SnapshotItemColumns} FROM open_items WHERE rowid BETWEEN @from AND @to AND status = 'open'";

    /// <summary>The statement set.</summary>
    public static LedgerSql Sql { get; } = new()
    {
        Migrations = [(1, Version1), (2, Version2), (3, Version3), (4, Version4), (5, Version5), (6, WorklistSql.Sqlite.Version6), (7, WorklistSql.Sqlite.Version7)],
        CreateSchemaVersionTable = LedgerStatement.Of(
            nameof(LedgerSql.CreateSchemaVersionTable),
            "CREATE TABLE IF NOT EXISTS schema_version (version INTEGER NOT NULL PRIMARY KEY, applied_at TEXT NOT NULL)"),
        UpsertCustomer = LedgerStatement.Of(
            nameof(LedgerSql.UpsertCustomer),
            """
            INSERT INTO customers (customer_id, name, parent_id, aliases, bank_accounts, row_version, updated_at)
            VALUES (@customer_id, @name, @parent_id, @aliases, @bank_accounts, 1, @updated_at)
            ON CONFLICT (customer_id) DO UPDATE SET
              name = excluded.name,
              parent_id = excluded.parent_id,
              aliases = excluded.aliases,
              bank_accounts = excluded.bank_accounts,
              row_version = customers.row_version + 1,
              updated_at = excluded.updated_at
            WHERE customers.name IS NOT excluded.name
               OR customers.parent_id IS NOT excluded.parent_id
               OR customers.aliases IS NOT excluded.aliases
               OR customers.bank_accounts IS NOT excluded.bank_accounts
            RETURNING row_version
            """,
            CustomerUpsertParameters),
        UpsertOpenItem = LedgerStatement.Of(
            nameof(LedgerSql.UpsertOpenItem),
            """
            INSERT INTO open_items (item_id, doc_type, customer_id, customer_name, invoice_number, po_number, currency,
                                    remaining_minor, doc_date, due_date, ar_open_minor, applied_minor, status, row_version, updated_at)
            VALUES (@item_id, @doc_type, @customer_id, @customer_name, @invoice_number, @po_number, @currency,
                    @ar_open_minor, @doc_date, @due_date, @ar_open_minor, 0, CASE WHEN @ar_open_minor = 0 THEN 'closed' ELSE 'open' END, 1, @updated_at)
            ON CONFLICT (item_id) DO UPDATE SET
              doc_type = excluded.doc_type,
              customer_id = excluded.customer_id,
              customer_name = excluded.customer_name,
              invoice_number = excluded.invoice_number,
              po_number = excluded.po_number,
              currency = excluded.currency,
              doc_date = excluded.doc_date,
              due_date = excluded.due_date,
              ar_open_minor = excluded.ar_open_minor,
              remaining_minor = excluded.ar_open_minor - open_items.applied_minor,
              status = CASE
                WHEN excluded.ar_open_minor > 0 AND excluded.ar_open_minor - open_items.applied_minor > 0 THEN 'open'
                WHEN excluded.ar_open_minor < 0 AND excluded.ar_open_minor - open_items.applied_minor < 0 THEN 'open'
                ELSE 'closed' END,
              row_version = open_items.row_version + 1,
              updated_at = excluded.updated_at
            WHERE open_items.doc_type IS NOT excluded.doc_type
               OR open_items.customer_id IS NOT excluded.customer_id
               OR open_items.customer_name IS NOT excluded.customer_name
               OR open_items.invoice_number IS NOT excluded.invoice_number
               OR open_items.po_number IS NOT excluded.po_number
               OR open_items.currency IS NOT excluded.currency
               OR open_items.doc_date IS NOT excluded.doc_date
               OR open_items.due_date IS NOT excluded.due_date
               OR open_items.ar_open_minor IS NOT excluded.ar_open_minor
            RETURNING row_version, status
            """,
            ItemUpsertParameters),
        SelectOpenItemsPage = LedgerStatement.Of(
            nameof(LedgerSql.SelectOpenItemsPage),
            $"SELECT {ItemColumns} FROM open_items WHERE {OpenItemFilter} ORDER BY item_id LIMIT @take",
            OpenItemPageParameters),
        SelectBankFilesRecent = LedgerStatement.Of(
            nameof(LedgerSql.SelectBankFilesRecent),
            $"SELECT {BankFileColumns} FROM bank_files ORDER BY id DESC LIMIT @take",
            ("@take", Count)),
        InsertBankFile = LedgerStatement.Of(
            nameof(LedgerSql.InsertBankFile),
            """
            INSERT INTO bank_files (content_hash, name, format, received_at, received_by, status, credit_count, payment_count, debit_count, application_count, exception_count, error)
            VALUES (@content_hash, @name, @format, @received_at, @received_by, @status, @credit_count, @payment_count, @debit_count, @application_count, @exception_count, @error)
            """,
            BankFileInsertParameters),
        InsertPayment = LedgerStatement.Of(
            nameof(LedgerSql.InsertPayment),
            """
            INSERT INTO payments (bank_file_id, payment_ref, amount_minor, currency, is_payment, not_payment_reason, payer_name, payer_account, payer_id, free_text, remittance, value_date, type_code, line_number, identity_key)
            VALUES (@bank_file_id, @payment_ref, @amount_minor, @currency, @is_payment, @not_payment_reason, @payer_name, @payer_account, @payer_id, @free_text, @remittance, @value_date, @type_code, @line_number, @identity_key)
            """,
            PaymentInsertParameters),
        InsertApplication = LedgerStatement.Of(
            nameof(LedgerSql.InsertApplication),
            """
            INSERT INTO applications (payment_id, item_id, amount_minor, currency, method, confidence_milli, explanation, applied_at, applied_by, exception_id)
            VALUES (@payment_id, @item_id, @amount_minor, @currency, @method, @confidence_milli, @explanation, @applied_at, @applied_by, @exception_id)
            """,
            ApplicationInsertParameters),
        SelectApplications = LedgerStatement.Of(
            nameof(LedgerSql.SelectApplications),
            $"""
            SELECT {ApplicationColumns}
            FROM applications a JOIN payments p ON p.id = a.payment_id
            WHERE (@since IS NULL OR a.applied_at >= @since)
              AND (@payment_id IS NULL OR a.payment_id = @payment_id)
              AND (@item_id IS NULL OR a.item_id = @item_id)
              AND (@after_id IS NULL OR a.id > @after_id)
            ORDER BY a.id
            LIMIT @take
            """,
            ("@since", Time), ("@payment_id", BigInt), ("@item_id", Key), ("@after_id", BigInt), ("@take", Count)),
        InsertException = LedgerStatement.Of(
            nameof(LedgerSql.InsertException),
            """
            INSERT INTO exceptions (payment_id, currency, unapplied_minor, reason, detail, suggestions, status, row_version, created_at, updated_at)
            VALUES (@payment_id, @currency, @unapplied_minor, @reason, @detail, @suggestions, @status, 1, @created_at, @created_at)
            """,
            ExceptionInsertParameters),
        SelectExceptionsPage = LedgerStatement.Of(
            nameof(LedgerSql.SelectExceptionsPage),
            $"""
            SELECT {ExceptionColumns}
            FROM exceptions e JOIN payments p ON p.id = e.payment_id
            WHERE {ExceptionFilter}
              AND (@after_id IS NULL OR e.id > @after_id)
            ORDER BY e.id
            LIMIT @take
            """,
            [.. ExceptionFilterParameters, ("@after_id", BigInt), ("@take", Count)]),
        SelectAudit = LedgerStatement.Of(
            nameof(LedgerSql.SelectAudit),
            $"""
            SELECT {AuditColumns}
            FROM audit_log
            WHERE (@subject IS NULL OR subject = @subject)
              AND (@since IS NULL OR at >= @since)
              AND (@after_id IS NULL OR id > @after_id)
            ORDER BY id
            LIMIT @take
            """,
            ("@subject", Key), ("@since", Time), ("@after_id", BigInt), ("@take", Count)),
    };
}
