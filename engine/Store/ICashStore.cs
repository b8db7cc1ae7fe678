using CashApp.Engine.Model;

namespace CashApp.Store;

/// <summary>
/// The ledger store: customers and open items synced from AR, the bank files received with their payments,
/// the applications made, the exceptions and how specialists resolved them, and the audit trail. Every
/// write is one transaction; every write that a person decides on is audited with its actor.
/// </summary>
/// <remarks>
/// Two implementations share one contract: <see cref="SqliteCashStore"/> (embedded, one file, WAL) and
/// <see cref="SqlServerCashStore"/> (shared by several <c>cashapp serve</c> instances). Open one with
/// <see cref="CashStores.OpenAsync"/>, which runs the migrations. Instances are safe to use from many tasks
/// at once: each call takes its own connection.
/// </remarks>
public interface ICashStore : IAsyncDisposable
{
    /// <summary>The schema version the database is at after the migrations ran.</summary>
    int SchemaVersion { get; }

    /// <summary>Brings the schema to the latest version; safe to run twice, and by two processes at once.</summary>
    Task MigrateAsync(CancellationToken cancellationToken = default);

    // AR sync

    /// <summary>Inserts or updates customers from AR; an unchanged customer keeps its row version.</summary>
    Task<SyncResult> UpsertCustomersAsync(IReadOnlyList<Customer> customers, string actor, CancellationToken cancellationToken = default);

    /// <summary>
    /// Inserts or updates open items from AR. <see cref="OpenItem.OpenMinor"/> is AR's open amount; the
    /// remaining amount CashApp may still apply is that less what CashApp applied to the item. An item AR
    /// reports with an open amount of zero is closed and never applied again.
    /// </summary>
    Task<SyncResult> UpsertOpenItemsAsync(IReadOnlyList<OpenItem> items, string actor, CancellationToken cancellationToken = default);

    /// <summary>Closes items AR closed (paid elsewhere, cancelled); a closed item is never applied.</summary>
    Task<SyncResult> CloseOpenItemsAsync(IReadOnlyList<string> itemIds, string actor, string reason, CancellationToken cancellationToken = default);

    /// <summary>
    /// Every open item (with <see cref="OpenItem.OpenMinor"/> = its remaining amount) and every customer,
    /// read in one transaction so the two agree: the input of a matching run.
    /// </summary>
    Task<LedgerSnapshot> LoadSnapshotAsync(CancellationToken cancellationToken = default);

    /// <summary>One item as stored, open or closed; null when unknown.</summary>
    Task<StoredOpenItem?> GetOpenItemAsync(string itemId, CancellationToken cancellationToken = default);

    /// <summary>
    /// A page of items as stored, in ordinal item id order: filtered in the database before paging, so that a
    /// page costs the rows it returns (and, by customer, an index), never a pass over the ledger.
    /// </summary>
    Task<IReadOnlyList<StoredOpenItem>> ListOpenItemsAsync(OpenItemQuery query, CancellationToken cancellationToken = default);

    /// <summary>One customer; null when unknown.</summary>
    Task<Customer?> GetCustomerAsync(string customerId, CancellationToken cancellationToken = default);

    // Bank files

    /// <summary>The bank file with this SHA-256 content hash (lower-case hex), or null.</summary>
    Task<StoredBankFile?> FindBankFileAsync(string contentHash, CancellationToken cancellationToken = default);

    /// <summary>One bank file by id, or null.</summary>
    Task<StoredBankFile?> GetBankFileAsync(long bankFileId, CancellationToken cancellationToken = default);

    /// <summary>The most recently received bank files, newest first.</summary>
    Task<IReadOnlyList<StoredBankFile>> ListBankFilesAsync(int take, CancellationToken cancellationToken = default);

    /// <summary>
    /// Stores a bank file, its credits, the applications and exceptions matching made of them, the item
    /// balance updates and an audit entry, all in one transaction. A known content hash stores nothing and
    /// answers <see cref="IngestStatus.Duplicate"/>. A credit whose identity key the store already holds stores
    /// nothing and answers <see cref="IngestStatus.ReceivedMeanwhile"/>: a unique index on the key makes sure no
    /// payment is stored twice, even by two instances at once. An application whose item is no longer open for the
    /// amount (AR closed it, or another ingest or a specialist applied it meanwhile) is handled as
    /// <see cref="IngestBatch.OnStaleItem"/> says.
    /// </summary>
    Task<StoreIngestResult> StoreIngestAsync(IngestBatch batch, CancellationToken cancellationToken = default);

    /// <summary>
    /// Records that a file could not be read (status <see cref="BankFileStatus.Rejected"/>, with the reason)
    /// and nothing of it was stored. A later successful ingest of the same content replaces the record.
    /// </summary>
    Task<StoredBankFile> RecordRejectedBankFileAsync(string contentHash, string fileName, Parsers.Common.BankFileFormat format, string actor, string failure, CancellationToken cancellationToken = default);

    /// <summary>
    /// The payments stored under any of <paramref name="identityKeys"/> (<see cref="Parsers.Common.PaymentIdentity"/>),
    /// each with the file that first brought it, by key; a key the store does not hold is absent.
    /// </summary>
    Task<IReadOnlyDictionary<string, ReceivedPayment>> FindReceivedPaymentsAsync(IReadOnlyList<string> identityKeys, CancellationToken cancellationToken = default);

    /// <summary>The credits of one bank file, in file order.</summary>
    Task<IReadOnlyList<StoredPayment>> ListPaymentsAsync(long bankFileId, CancellationToken cancellationToken = default);

    /// <summary>One payment by id, or null.</summary>
    Task<StoredPayment?> GetPaymentAsync(long paymentId, CancellationToken cancellationToken = default);

    // Applications

    /// <summary>Applications matching the query, oldest first: what <c>cashapp export</c> posts back to AR.</summary>
    Task<IReadOnlyList<StoredApplication>> ListApplicationsAsync(ApplicationQuery query, CancellationToken cancellationToken = default);

    // Exceptions

    /// <summary>One page of exceptions matching the filter, by ascending id.</summary>
    Task<ExceptionPage> ListExceptionsAsync(ExceptionQuery query, CancellationToken cancellationToken = default);

    /// <summary>One exception with its suggestions, or null.</summary>
    Task<StoredExceptionCase?> GetExceptionAsync(long exceptionId, CancellationToken cancellationToken = default);

    /// <summary>
    /// Resolves an exception as a specialist decided, if its row version is still
    /// <see cref="ResolveRequest.ExpectedRowVersion"/>; otherwise <see cref="ResolveStatus.Conflict"/> and
    /// nothing changes. Applying to items re-checks each item's remaining amount: never past it.
    /// </summary>
    Task<ResolveResult> ResolveExceptionAsync(ResolveRequest request, CancellationToken cancellationToken = default);

    /// <summary>Assigns an exception to a specialist (or unassigns it with null), under the same row-version rule.</summary>
    Task<AssignResult> AssignExceptionAsync(AssignRequest request, CancellationToken cancellationToken = default);

    // Client request ids

    /// <summary>
    /// Claims a client request id (AIP-155) for a request of <paramref name="method"/> whose content hashes to
    /// <paramref name="requestHash"/>: new ids are claimed; a known id answers with the first response, or says it
    /// is in progress or was used for another request. Claims live in the store, so every instance sees them.
    /// </summary>
    Task<RequestClaim> ClaimRequestAsync(string requestId, string method, string requestHash, string actor, CancellationToken cancellationToken = default);

    /// <summary>Keeps the response of a claimed request: every retry under its id gets it.</summary>
    Task CompleteRequestAsync(string requestId, string response, CancellationToken cancellationToken = default);

    /// <summary>Gives a claim up (the call failed and changed nothing), so that a retry under the id runs again.</summary>
    Task ReleaseRequestAsync(string requestId, CancellationToken cancellationToken = default);

    // Audit and reports

    /// <summary>Audit entries matching the query, oldest first.</summary>
    Task<IReadOnlyList<AuditEntry>> ListAuditAsync(AuditQuery query, CancellationToken cancellationToken = default);

    /// <summary>Hit rate by method, and unapplied cash by currency and age bucket, as of the store's clock.</summary>
    Task<LedgerSummary> GetSummaryAsync(CancellationToken cancellationToken = default);
}
