using static CashApp.Store.LedgerParamType;
using static CashApp.Store.LedgerSql;

namespace CashApp.Store;

/// <summary>
/// The T-SQL dialect of the store's statements: <c>OUTPUT INSERTED</c>, <c>MERGE ... WITH (HOLDLOCK)</c>,
/// <c>TOP (@take)</c>. Text columns use a binary collation so keys compare exactly as in SQLite.
/// </summary>
internal static class SqlServerStatements
{
    private const string Bin = "COLLATE Latin1_General_100_BIN2";
    private const string KeyType = "nvarchar(200) " + Bin;
    private const string TextType = "nvarchar(4000) " + Bin;
    private const string LongType = "nvarchar(max) " + Bin;
    private const string TimeType = "datetimeoffset(7)";

    /// <summary>Serialises migrations across instances that start together.</summary>
    public static LedgerStatement AcquireMigrationLock { get; } = LedgerStatement.Of(
        nameof(AcquireMigrationLock),
        "EXEC sp_getapplock @Resource = N'cashapp.migrate', @LockMode = N'Exclusive', @LockOwner = N'Transaction', @LockTimeout = 60000");

    /// <summary>Turns on snapshot isolation for consistent matching snapshots (outside any transaction; needs ALTER on the database).</summary>
    public static LedgerStatement EnableSnapshotIsolation { get; } = LedgerStatement.Of(
        nameof(EnableSnapshotIsolation),
        "ALTER DATABASE CURRENT SET ALLOW_SNAPSHOT_ISOLATION ON");

    /// <summary>Whether snapshot isolation is on (1) or not.</summary>
    public static LedgerStatement SelectSnapshotIsolation { get; } = LedgerStatement.Of(
        nameof(SelectSnapshotIsolation),
        "SELECT CAST(snapshot_isolation_state AS int) FROM sys.databases WHERE database_id = DB_ID()");

    private static readonly LedgerStatement[] Version1 =
    [
        LedgerStatement.Of("V1.customers", $"""
            CREATE TABLE dbo.customers (
              customer_id {KeyType} NOT NULL CONSTRAINT pk_customers PRIMARY KEY,
              name {TextType} NOT NULL,
              parent_id {KeyType} NULL,
              aliases {LongType} NOT NULL,
              bank_accounts {LongType} NOT NULL,
              row_version bigint NOT NULL,
              updated_at {TimeType} NOT NULL)
            """),
        LedgerStatement.Of("V1.open_items", $"""
            CREATE TABLE dbo.open_items (
              item_id {KeyType} NOT NULL CONSTRAINT pk_open_items PRIMARY KEY,
              doc_type {KeyType} NOT NULL CONSTRAINT ck_open_items_doc_type CHECK (doc_type IN (N'INV', N'CM', N'DM')),
              customer_id {KeyType} NOT NULL,
              customer_name {TextType} NOT NULL,
              invoice_number {TextType} NOT NULL,
              po_number {TextType} NULL,
              currency {KeyType} NOT NULL,
              remaining_minor bigint NOT NULL,
              doc_date date NOT NULL,
              due_date date NOT NULL,
              ar_open_minor bigint NOT NULL,
              applied_minor bigint NOT NULL,
              status {KeyType} NOT NULL CONSTRAINT ck_open_items_status CHECK (status IN (N'open', N'closed')),
              row_version bigint NOT NULL,
              updated_at {TimeType} NOT NULL)
            """),
        LedgerStatement.Of("V1.ix_open_items_status", "CREATE INDEX ix_open_items_status ON dbo.open_items (status)"),
        LedgerStatement.Of("V1.bank_files", $"""
            CREATE TABLE dbo.bank_files (
              id bigint IDENTITY(1, 1) NOT NULL CONSTRAINT pk_bank_files PRIMARY KEY,
              content_hash {KeyType} NOT NULL CONSTRAINT uq_bank_files_content_hash UNIQUE,
              name {TextType} NOT NULL,
              format {KeyType} NOT NULL,
              received_at {TimeType} NOT NULL,
              status {KeyType} NOT NULL CONSTRAINT ck_bank_files_status CHECK (status IN (N'ingested', N'rejected')),
              received_by {TextType} NOT NULL,
              credit_count int NOT NULL,
              payment_count int NOT NULL,
              debit_count int NOT NULL,
              application_count int NOT NULL,
              exception_count int NOT NULL,
              error {LongType} NULL)
            """),
        LedgerStatement.Of("V1.payments", $"""
            CREATE TABLE dbo.payments (
              id bigint IDENTITY(1, 1) NOT NULL CONSTRAINT pk_payments PRIMARY KEY,
              bank_file_id bigint NOT NULL CONSTRAINT fk_payments_bank_file REFERENCES dbo.bank_files (id),
              payment_ref {TextType} NOT NULL,
              amount_minor bigint NOT NULL,
              currency {KeyType} NOT NULL,
              is_payment bit NOT NULL,
              not_payment_reason {TextType} NULL,
              payer_name {TextType} NULL,
              payer_account {TextType} NULL,
              payer_id {TextType} NULL,
              free_text {LongType} NULL,
              remittance {LongType} NOT NULL,
              value_date date NULL,
              type_code {KeyType} NULL,
              line_number bigint NOT NULL)
            """),
        LedgerStatement.Of("V1.ix_payments_file", "CREATE INDEX ix_payments_file ON dbo.payments (bank_file_id)"),
        LedgerStatement.Of("V1.applications", $"""
            CREATE TABLE dbo.applications (
              id bigint IDENTITY(1, 1) NOT NULL CONSTRAINT pk_applications PRIMARY KEY,
              payment_id bigint NOT NULL CONSTRAINT fk_applications_payment REFERENCES dbo.payments (id),
              item_id {KeyType} NOT NULL,
              amount_minor bigint NOT NULL,
              currency {KeyType} NOT NULL,
              method {KeyType} NOT NULL,
              confidence_milli int NOT NULL,
              explanation {LongType} NOT NULL,
              applied_at {TimeType} NOT NULL,
              applied_by {TextType} NOT NULL,
              exception_id bigint NULL)
            """),
        LedgerStatement.Of("V1.ix_applications_applied_at", "CREATE INDEX ix_applications_applied_at ON dbo.applications (applied_at)"),
        LedgerStatement.Of("V1.ix_applications_payment", "CREATE INDEX ix_applications_payment ON dbo.applications (payment_id)"),
        LedgerStatement.Of("V1.ix_applications_item", "CREATE INDEX ix_applications_item ON dbo.applications (item_id)"),
        LedgerStatement.Of("V1.exceptions", $"""
            CREATE TABLE dbo.exceptions (
              id bigint IDENTITY(1, 1) NOT NULL CONSTRAINT pk_exceptions PRIMARY KEY,
              payment_id bigint NOT NULL CONSTRAINT fk_exceptions_payment REFERENCES dbo.payments (id),
              currency {KeyType} NOT NULL,
              unapplied_minor bigint NOT NULL,
              reason {KeyType} NOT NULL,
              detail {LongType} NOT NULL,
              suggestions {LongType} NOT NULL,
              status {KeyType} NOT NULL CONSTRAINT ck_exceptions_status CHECK (status IN (N'open', N'resolved')),
              assignee {TextType} NULL,
              row_version bigint NOT NULL,
              created_at {TimeType} NOT NULL,
              updated_at {TimeType} NOT NULL,
              resolution {KeyType} NULL,
              resolution_reason {LongType} NULL,
              resolved_by {TextType} NULL,
              resolved_at {TimeType} NULL)
            """),
        LedgerStatement.Of("V1.ix_exceptions_status", "CREATE INDEX ix_exceptions_status ON dbo.exceptions (status, id)"),
        LedgerStatement.Of("V1.ix_exceptions_payment", "CREATE INDEX ix_exceptions_payment ON dbo.exceptions (payment_id)"),
        LedgerStatement.Of("V1.audit_log", $"""
            CREATE TABLE dbo.audit_log (
              id bigint IDENTITY(1, 1) NOT NULL CONSTRAINT pk_audit_log PRIMARY KEY,
              at {TimeType} NOT NULL,
              actor {TextType} NOT NULL,
              action {KeyType} NOT NULL,
              subject {KeyType} NOT NULL,
              before_state {LongType} NULL,
              after_state {LongType} NULL,
              reason {LongType} NULL)
            """),
        LedgerStatement.Of("V1.ix_audit_subject", "CREATE INDEX ix_audit_subject ON dbo.audit_log (subject, id)"),
    ];

    // The snapshot reads every open item: a scan of the clustered key beats a low-selectivity status index.
    private static readonly LedgerStatement[] Version2 =
    [
        LedgerStatement.Of("V2.drop_ix_open_items_status", "DROP INDEX IF EXISTS ix_open_items_status ON dbo.open_items"),
    ];

    // Payment identity (issue 16): a payment the bank sends again is stored once. Payments stored before this
    // version keep a null key, which the filtered index leaves out.
    private static readonly LedgerStatement[] Version3 =
    [
        LedgerStatement.Of("V3.payments_identity_key", $"ALTER TABLE dbo.payments ADD identity_key {KeyType} NULL"),
        LedgerStatement.Of("V3.ux_payments_identity_key", "CREATE UNIQUE INDEX ux_payments_identity_key ON dbo.payments (identity_key) WHERE identity_key IS NOT NULL"),
    ];

    // Client request ids (AIP-155): the first response of a retried call, kept in the store so that every
    // instance on it answers a retry alike.
    private static readonly LedgerStatement[] Version4 =
    [
        LedgerStatement.Of("V4.request_log", $"""
            CREATE TABLE dbo.request_log (
              request_id {KeyType} NOT NULL CONSTRAINT pk_request_log PRIMARY KEY,
              method {KeyType} NOT NULL,
              request_hash {KeyType} NOT NULL,
              actor {TextType} NOT NULL,
              status {KeyType} NOT NULL CONSTRAINT ck_request_log_status CHECK (status IN ('pending', 'done')),
              response {LongType} NULL,
              created_at {TimeType} NOT NULL,
              completed_at {TimeType} NULL)
            """),
    ];

    // ListOpenItems by customer: a page of one customer's items reads that customer's rows, not the table.
    private static readonly LedgerStatement[] Version5 =
    [
        LedgerStatement.Of("V5.ix_open_items_customer", "CREATE INDEX ix_open_items_customer ON dbo.open_items (customer_id, item_id)"),
    ];

    /// <summary>The statement set.</summary>
    public static LedgerSql Sql { get; } = new()
    {
        Migrations = [(1, Version1), (2, Version2), (3, Version3), (4, Version4), (5, Version5), (6, WorklistSql.SqlServer.Version6), (7, WorklistSql.SqlServer.Version7)],
        CreateSchemaVersionTable = LedgerStatement.Of(
            nameof(LedgerSql.CreateSchemaVersionTable),
            $"IF OBJECT_ID(N'dbo.schema_version', N'U') IS NULL CREATE TABLE dbo.schema_version (version int NOT NULL CONSTRAINT pk_schema_version PRIMARY KEY, applied_at {TimeType} NOT NULL)"),
        UpsertCustomer = LedgerStatement.Of(
            nameof(LedgerSql.UpsertCustomer),
            """
            DECLARE @upserted TABLE (row_version bigint NOT NULL);
            MERGE dbo.customers WITH (HOLDLOCK) AS t
            USING (SELECT @customer_id AS customer_id) AS s
            ON t.customer_id = s.customer_id
            WHEN MATCHED AND (t.name <> @name
                OR ISNULL(t.parent_id, N'') <> ISNULL(@parent_id, N'')
                OR t.aliases <> @aliases
                OR t.bank_accounts <> @bank_accounts) THEN
              UPDATE SET name = @name, parent_id = @parent_id, aliases = @aliases, bank_accounts = @bank_accounts,
                         row_version = t.row_version + 1, updated_at = @updated_at
            WHEN NOT MATCHED THEN
              INSERT (customer_id, name, parent_id, aliases, bank_accounts, row_version, updated_at)
              VALUES (@customer_id, @name, @parent_id, @aliases, @bank_accounts, 1, @updated_at)
            OUTPUT INSERTED.row_version INTO @upserted;
            SELECT row_version FROM @upserted;
            """,
            CustomerUpsertParameters),
        UpsertOpenItem = LedgerStatement.Of(
            nameof(LedgerSql.UpsertOpenItem),
            """
            DECLARE @upserted TABLE (row_version bigint NOT NULL, status nvarchar(200) NOT NULL);
            MERGE dbo.open_items WITH (HOLDLOCK) AS t
            USING (SELECT @item_id AS item_id) AS s
            ON t.item_id = s.item_id
            WHEN MATCHED AND (t.doc_type <> @doc_type
                OR t.customer_id <> @customer_id
                OR t.customer_name <> @customer_name
                OR t.invoice_number <> @invoice_number
                OR ISNULL(t.po_number, N'') <> ISNULL(@po_number, N'')
                OR t.currency <> @currency
                OR t.doc_date <> @doc_date
                OR t.due_date <> @due_date
                OR t.ar_open_minor <> @ar_open_minor) THEN
              UPDATE SET doc_type = @doc_type, customer_id = @customer_id, customer_name = @customer_name,
                         invoice_number = @invoice_number, po_number = @po_number, currency = @currency,
                         doc_date = @doc_date, due_date = @due_date, ar_open_minor = @ar_open_minor,
                         remaining_minor = @ar_open_minor - t.applied_minor,
                         status = CASE
                           WHEN @ar_open_minor > 0 AND @ar_open_minor - t.applied_minor > 0 THEN N'open'
                           WHEN @ar_open_minor < 0 AND @ar_open_minor - t.applied_minor < 0 THEN N'open'
                           ELSE N'closed' END,
                         row_version = t.row_version + 1, updated_at = @updated_at
            WHEN NOT MATCHED THEN
              INSERT (item_id, doc_type, customer_id, customer_name, invoice_number, po_number, currency,
                      remaining_minor, doc_date, due_date, ar_open_minor, applied_minor, status, row_version, updated_at)
              VALUES (@item_id, @doc_type, @customer_id, @customer_name, @invoice_number, @po_number, @currency,
                      @ar_open_minor, @doc_date, @due_date, @ar_open_minor, 0,
                      CASE WHEN @ar_open_minor = 0 THEN N'closed' ELSE N'open' END, 1, @updated_at)
            OUTPUT INSERTED.row_version, INSERTED.status INTO @upserted;
            SELECT row_version, status FROM @upserted;
            """,
            ItemUpsertParameters),
        SelectOpenItemsPage = LedgerStatement.Of(
            nameof(LedgerSql.SelectOpenItemsPage),
            $"SELECT TOP (@take) {ItemColumns} FROM dbo.open_items WHERE {OpenItemFilter} ORDER BY item_id",
            OpenItemPageParameters),
        SelectBankFilesRecent = LedgerStatement.Of(
            nameof(LedgerSql.SelectBankFilesRecent),
            $"SELECT TOP (@take) {BankFileColumns} FROM dbo.bank_files ORDER BY id DESC",
            ("@take", Count)),
        InsertBankFile = LedgerStatement.Of(
            nameof(LedgerSql.InsertBankFile),
            """
            INSERT INTO dbo.bank_files (content_hash, name, format, received_at, received_by, status, credit_count, payment_count, debit_count, application_count, exception_count, error)
            OUTPUT INSERTED.id
            VALUES (@content_hash, @name, @format, @received_at, @received_by, @status, @credit_count, @payment_count, @debit_count, @application_count, @exception_count, @error)
            """,
            BankFileInsertParameters),
        InsertPayment = LedgerStatement.Of(
            nameof(LedgerSql.InsertPayment),
            """
            INSERT INTO dbo.payments (bank_file_id, payment_ref, amount_minor, currency, is_payment, not_payment_reason, payer_name, payer_account, payer_id, free_text, remittance, value_date, type_code, line_number, identity_key)
            OUTPUT INSERTED.id
            VALUES (@bank_file_id, @payment_ref, @amount_minor, @currency, @is_payment, @not_payment_reason, @payer_name, @payer_account, @payer_id, @free_text, @remittance, @value_date, @type_code, @line_number, @identity_key)
            """,
            PaymentInsertParameters),
        InsertApplication = LedgerStatement.Of(
            nameof(LedgerSql.InsertApplication),
            """
            INSERT INTO dbo.applications (payment_id, item_id, amount_minor, currency, method, confidence_milli, explanation, applied_at, applied_by, exception_id)
            OUTPUT INSERTED.id
            VALUES (@payment_id, @item_id, @amount_minor, @currency, @method, @confidence_milli, @explanation, @applied_at, @applied_by, @exception_id)
            """,
            ApplicationInsertParameters),
        SelectApplications = LedgerStatement.Of(
            nameof(LedgerSql.SelectApplications),
            $"""
            SELECT TOP (@take) {ApplicationColumns}
            FROM dbo.applications a JOIN dbo.payments p ON p.id = a.payment_id
            WHERE (@since IS NULL OR a.applied_at >= @since)
              AND (@payment_id IS NULL OR a.payment_id = @payment_id)
              AND (@item_id IS NULL OR a.item_id = @item_id)
              AND (@after_id IS NULL OR a.id > @after_id)
            ORDER BY a.id
            """,
            ("@since", Time), ("@payment_id", BigInt), ("@item_id", Key), ("@after_id", BigInt), ("@take", Count)),
        InsertException = LedgerStatement.Of(
            nameof(LedgerSql.InsertException),
            """
            INSERT INTO dbo.exceptions (payment_id, currency, unapplied_minor, reason, detail, suggestions, status, row_version, created_at, updated_at)
            OUTPUT INSERTED.id
            VALUES (@payment_id, @currency, @unapplied_minor, @reason, @detail, @suggestions, @status, 1, @created_at, @created_at)
            """,
            ExceptionInsertParameters),
        SelectExceptionsPage = LedgerStatement.Of(
            nameof(LedgerSql.SelectExceptionsPage),
            $"""
            SELECT TOP (@take) {ExceptionColumns}
            FROM dbo.exceptions e JOIN dbo.payments p ON p.id = e.payment_id
            WHERE {ExceptionFilter}
              AND (@after_id IS NULL OR e.id > @after_id)
            ORDER BY e.id
            """,
            [.. ExceptionFilterParameters, ("@after_id", BigInt), ("@take", Count)]),
        SelectAudit = LedgerStatement.Of(
            nameof(LedgerSql.SelectAudit),
            $"""
            SELECT TOP (@take) {AuditColumns}
            FROM dbo.audit_log
            WHERE (@subject IS NULL OR subject = @subject)
              AND (@since IS NULL OR at >= @since)
              AND (@after_id IS NULL OR id > @after_id)
            ORDER BY id
            """,
            ("@subject", Key), ("@since", Time), ("@after_id", BigInt), ("@take", Count)),
    };

    /// <summary>Every T-SQL statement the SQL Server store runs.</summary>
    public static IEnumerable<LedgerStatement> All =>
        Sql.All().Concat([AcquireMigrationLock, EnableSnapshotIsolation, SelectSnapshotIsolation]);
}
