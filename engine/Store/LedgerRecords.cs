using CashApp.Engine.Model;
using CashApp.Parsers.Common;
using CashApp.Parsers.Currency;

namespace CashApp.Store;

/// <summary>What an AR sync changed: the counts, and the ids of the rows it inserted or changed (<see cref="Changed"/>).</summary>
public sealed record SyncResult(int Inserted, int Updated, int Unchanged, int Closed)
{
    /// <summary>
    /// The ids of the rows the sync inserted, changed or closed, in the order sent; a row sent again with the values it
    /// has is not among them. What a matcher carrying the ledger forward must read again, and nothing more. Not audited
    /// (the counts are).
    /// </summary>
    [System.Text.Json.Serialization.JsonIgnore]
    public IReadOnlyList<string> Changed { get; init; } = [];

    /// <summary>Equal counts and the same changed ids in the same order.</summary>
    public bool Equals(SyncResult? other) =>
        other is not null && (Inserted, Updated, Unchanged, Closed) == (other.Inserted, other.Updated, other.Unchanged, other.Closed) && Changed.SequenceEqual(other.Changed, StringComparer.Ordinal);

    public override int GetHashCode() => HashCode.Combine(Inserted, Updated, Unchanged, Closed, Changed.Count);
}

/// <summary>Whether an item may still be applied.</summary>
public enum OpenItemStatus
{
    /// <summary>Open: payments may be applied to it up to its remaining amount.</summary>
    Open,

    /// <summary>Closed, by AR or because CashApp applied it in full; never applied again.</summary>
    Closed,
}

/// <summary>
/// An item as the store holds it. <see cref="Item"/> carries the remaining amount in
/// <see cref="OpenItem.OpenMinor"/>; <see cref="ArOpenMinor"/> is what AR last said was open, and
/// <see cref="AppliedMinor"/> what CashApp applied since.
/// </summary>
public sealed record StoredOpenItem(OpenItem Item, long ArOpenMinor, long AppliedMinor, OpenItemStatus Status, long RowVersion, DateTimeOffset UpdatedAt)
{
    /// <summary>What may still be applied, in minor units (negative for a credit memo).</summary>
    public long RemainingMinor => Item.OpenMinor;
}

/// <summary>Which items to list: each filter when set, with keyset paging by item id.</summary>
public sealed record OpenItemQuery
{
    /// <summary>Only items in this status; any when null.</summary>
    public OpenItemStatus? Status { get; init; }

    /// <summary>Only this customer's items.</summary>
    public string? CustomerId { get; init; }

    /// <summary>Only items in this ISO 4217 currency.</summary>
    public string? Currency { get; init; }

    /// <summary>Only items whose id sorts (ordinally) after this one: the previous page's last.</summary>
    public string? AfterItemId { get; init; }

    /// <summary>At most this many.</summary>
    public int Take { get; init; } = 100;
}

/// <summary>Open items and customers read in one transaction.</summary>
public sealed record LedgerSnapshot(IReadOnlyList<OpenItem> OpenItems, IReadOnlyList<Customer> Customers, DateTimeOffset TakenAt);

/// <summary>Where a bank file is in its life.</summary>
public enum BankFileStatus
{
    /// <summary>Read, matched and stored with all its payments.</summary>
    Ingested,

    /// <summary>Could not be read; nothing of it was stored but the fact and the reason.</summary>
    Rejected,
}

/// <summary>A bank file received: its content hash (SHA-256, lower-case hex) makes a resend a duplicate.</summary>
public sealed record StoredBankFile(
    long Id,
    string ContentHash,
    string Name,
    BankFileFormat Format,
    DateTimeOffset ReceivedAt,
    BankFileStatus Status,
    string ReceivedBy,
    int CreditCount,
    int PaymentCount,
    int DebitCount,
    int ApplicationCount,
    int ExceptionCount,
    string? Error);

/// <summary>
/// A file that an ingest stores in batches, each committed on its own, is marked in its <c>error</c> until its last
/// batch is stored. A file so marked is not a duplicate: sent again (after a server stopped mid-file), its ingest
/// carries on where the stored batches end, and the payments they stored are already received.
/// </summary>
public static class BankFileProgress
{
    /// <summary>The mark of a file whose batches are not all stored.</summary>
    public const string InProgress = "ingest in progress, or interrupted: the payments stored so far are kept; send the file again to store the rest";

    /// <summary>True when <paramref name="file"/> is stored whole (not in progress, not rejected).</summary>
    public static bool IsComplete(StoredBankFile file) =>
        file is { Status: BankFileStatus.Ingested } && !string.Equals(file.Error, InProgress, StringComparison.Ordinal);
}

/// <summary>A credit of a stored bank file. <see cref="IsPayment"/> is false for a credit that is not a payment to apply.</summary>
public sealed record StoredPayment(
    long Id,
    long BankFileId,
    string PaymentRef,
    Money Amount,
    bool IsPayment,
    string? PayerName,
    string? PayerAccount,
    string? PayerId,
    string? FreeText,
    IReadOnlyList<RemittanceLine> Remittance,
    DateOnly? ValueDate,
    string? TypeCode,
    long LineNumber)
{
    /// <summary>The payment's identity key (<see cref="Parsers.Common.PaymentIdentity"/>); null for a payment stored before keys existed.</summary>
    public string? IdentityKey { get; init; }
}

/// <summary>A payment the store holds under an identity key, and the file that first brought it.</summary>
public sealed record ReceivedPayment(string IdentityKey, long PaymentId, string PaymentRef, long BankFileId, string BankFileName);

/// <summary>A credit of a file that the store already holds: its reference and line in this file, and where it came first.</summary>
public sealed record AlreadyReceived(string PaymentRef, long LineNumber, ReceivedPayment First);

/// <summary>An application as stored: by matching (<see cref="ExceptionId"/> null) or by a specialist resolving an exception.</summary>
public sealed record StoredApplication(
    long Id,
    long PaymentId,
    string PaymentRef,
    string ItemId,
    Money Amount,
    MatchMethod Method,
    MatchScore Confidence,
    string Explanation,
    DateTimeOffset AppliedAt,
    string AppliedBy,
    long? ExceptionId);

/// <summary>Which applications to list.</summary>
public sealed record ApplicationQuery
{
    /// <summary>Only applications made at or after this time.</summary>
    public DateTimeOffset? Since { get; init; }

    /// <summary>Only applications of this payment.</summary>
    public long? PaymentId { get; init; }

    /// <summary>Only applications to this item.</summary>
    public string? ItemId { get; init; }

    /// <summary>Only applications with an id above this (keyset paging).</summary>
    public long? AfterId { get; init; }

    /// <summary>At most this many; all when null.</summary>
    public int? Take { get; init; }
}

/// <summary>Whether an exception still needs a specialist.</summary>
public enum ExceptionStatus
{
    /// <summary>Waiting for a decision.</summary>
    Open,

    /// <summary>Decided; see <see cref="StoredExceptionCase.Resolution"/>.</summary>
    Resolved,
}

/// <summary>What a specialist decided to do with the unapplied amount of a payment.</summary>
public enum ResolutionKind
{
    /// <summary>Apply it to open items (each up to its remaining amount).</summary>
    ApplyToItems,

    /// <summary>Leave it on the customer's account as unapplied cash.</summary>
    LeaveOnAccount,

    /// <summary>Send it back to the payer.</summary>
    Refund,

    /// <summary>Write it off (a small difference not worth chasing).</summary>
    WriteOff,

    /// <summary>Not a customer payment (a transfer between own accounts, a tax refund): nothing is applied.</summary>
    NotACustomerPayment,
}

/// <summary>
/// A payment, or what is left of one, that matching did not apply. <see cref="RowVersion"/> rises with
/// every change: a decision names the version it was made on, and loses if another came first.
/// </summary>
public sealed record StoredExceptionCase(
    long Id,
    long PaymentId,
    string PaymentRef,
    long BankFileId,
    Money PaymentAmount,
    Money Unapplied,
    ExceptionReason Reason,
    string Detail,
    IReadOnlyList<Suggestion> Suggestions,
    ExceptionStatus Status,
    string? Assignee,
    long RowVersion,
    DateTimeOffset CreatedAt,
    DateTimeOffset UpdatedAt,
    string? PayerName,
    ResolutionKind? Resolution,
    string? ResolutionReason,
    string? ResolvedBy,
    DateTimeOffset? ResolvedAt);

/// <summary>A filter over exceptions, with keyset paging by id.</summary>
public sealed record ExceptionQuery
{
    /// <summary>Only this status; any when null.</summary>
    public ExceptionStatus? Status { get; init; }

    /// <summary>Only this ISO 4217 currency; any when null.</summary>
    public string? Currency { get; init; }

    /// <summary>Only exceptions at least this old.</summary>
    public TimeSpan? MinAge { get; init; }

    /// <summary>Only exceptions at most this old.</summary>
    public TimeSpan? MaxAge { get; init; }

    /// <summary>Only an unapplied amount of at least this, in minor units.</summary>
    public long? MinUnappliedMinor { get; init; }

    /// <summary>Only an unapplied amount of at most this, in minor units.</summary>
    public long? MaxUnappliedMinor { get; init; }

    /// <summary>Only exceptions assigned to this specialist.</summary>
    public string? Assignee { get; init; }

    /// <summary>Only exceptions with an id above this: the previous page's <see cref="ExceptionPage.NextAfterId"/>.</summary>
    public long? AfterId { get; init; }

    /// <summary>Page size, 1 to 1000.</summary>
    public int Take { get; init; } = 50;
}

/// <summary>One page of exceptions; <see cref="NextAfterId"/> is null on the last page.</summary>
public sealed record ExceptionPage(IReadOnlyList<StoredExceptionCase> Items, long TotalCount, long? NextAfterId);

/// <summary>Part of an exception's unapplied amount to apply to one item: negative when a credit memo is taken.</summary>
public sealed record ItemAllocation(string ItemId, long AmountMinor);

/// <summary>A specialist's decision on an exception.</summary>
public sealed record ResolveRequest
{
    /// <summary>The exception.</summary>
    public required long ExceptionId { get; init; }

    /// <summary>The row version the specialist saw; the decision loses if the exception changed since.</summary>
    public required long ExpectedRowVersion { get; init; }

    /// <summary>What to do.</summary>
    public required ResolutionKind Kind { get; init; }

    /// <summary>For <see cref="ResolutionKind.ApplyToItems"/>: the items and amounts; they sum to at most the unapplied amount.</summary>
    public IReadOnlyList<ItemAllocation> Allocations { get; init; } = [];

    /// <summary>Who decided.</summary>
    public required string Actor { get; init; }

    /// <summary>Why, in the specialist's words.</summary>
    public required string Reason { get; init; }

    /// <summary>
    /// What the resolution teaches about who pays, learnt in the resolution's own transaction (a failure leaves
    /// neither); null learns nothing.
    /// </summary>
    public ResolutionLearning? Learn { get; init; }
}

/// <summary>How a decision on an exception ended.</summary>
public enum ResolveStatus
{
    /// <summary>Done; the exception is resolved.</summary>
    Resolved,

    /// <summary>Applied to items; an unapplied amount remains and the exception stays open.</summary>
    PartiallyApplied,

    /// <summary>Someone changed the exception first (row version moved, or already resolved); nothing changed.</summary>
    Conflict,

    /// <summary>No such exception.</summary>
    NotFound,

    /// <summary>The request does not make sense (amounts past the unapplied amount, unknown item, other currency).</summary>
    Invalid,

    /// <summary>An item is closed or has less open than asked; nothing changed.</summary>
    InsufficientOpenAmount,
}

/// <summary>The outcome of a decision, with the exception as it now stands and the applications made.</summary>
public sealed record ResolveResult(ResolveStatus Status, StoredExceptionCase? Exception, IReadOnlyList<StoredApplication> Applications, string Message)
{
    /// <summary>What the resolution taught about who pays, when it was asked to learn and resolved.</summary>
    public PayerRuleLearning? Learned { get; init; }
}

/// <summary>Assigns an exception to a specialist, or unassigns it (<see cref="Assignee"/> null).</summary>
public sealed record AssignRequest
{
    /// <summary>The exception.</summary>
    public required long ExceptionId { get; init; }

    /// <summary>The row version the caller saw.</summary>
    public required long ExpectedRowVersion { get; init; }

    /// <summary>The specialist, or null to unassign.</summary>
    public string? Assignee { get; init; }

    /// <summary>Who assigned.</summary>
    public required string Actor { get; init; }

    /// <summary>Why, if given.</summary>
    public string? Reason { get; init; }
}

/// <summary>How an update under optimistic concurrency ended.</summary>
public enum UpdateStatus
{
    /// <summary>Changed.</summary>
    Updated,

    /// <summary>Someone changed it first; nothing changed.</summary>
    Conflict,

    /// <summary>No such row.</summary>
    NotFound,
}

/// <summary>The outcome of an assignment, with the exception as it now stands.</summary>
public sealed record AssignResult(UpdateStatus Status, StoredExceptionCase? Exception, string Message);

/// <summary>One line of the audit trail: who did what to which subject, with the state before and after (JSON).</summary>
public sealed record AuditEntry(long Id, DateTimeOffset At, string Actor, string Action, string Subject, string? Before, string? After, string? Reason);

/// <summary>Which audit entries to list.</summary>
public sealed record AuditQuery
{
    /// <summary>Only entries about this subject (for example <c>exception/42</c>).</summary>
    public string? Subject { get; init; }

    /// <summary>Only entries at or after this time.</summary>
    public DateTimeOffset? Since { get; init; }

    /// <summary>Only entries with an id above this.</summary>
    public long? AfterId { get; init; }

    /// <summary>At most this many.</summary>
    public int Take { get; init; } = 100;
}

/// <summary>Applications made by one method.</summary>
public sealed record MethodFigure(MatchMethod Method, int Payments, int Applications, double HitRate);

/// <summary>
/// Unapplied cash of one currency by age (days since the exception was raised). The amounts are
/// <see cref="Int128"/>: each stored amount fits a <see cref="long"/>, but a sum of amounts near the 18-digit limit
/// need not.
/// </summary>
public sealed record UnappliedFigure(string Currency, Int128 Days0To7Minor, Int128 Days8To30Minor, Int128 Days31To90Minor, Int128 Over90DaysMinor, int OpenExceptions)
{
    /// <summary>All unapplied cash in this currency.</summary>
    public Int128 TotalMinor => Days0To7Minor + Days8To30Minor + Days31To90Minor + Over90DaysMinor;
}

/// <summary>The reports summary: how much matching applied, and how much cash waits for a specialist.</summary>
public sealed record LedgerSummary(
    DateTimeOffset AsOf,
    int BankFiles,
    int Payments,
    int PaymentsFullyApplied,
    int OpenExceptions,
    IReadOnlyList<MethodFigure> ByMethod,
    IReadOnlyList<UnappliedFigure> Unapplied)
{
    /// <summary>Share of payments applied in full by matching, without a specialist.</summary>
    public double HitRate => Payments == 0 ? 0 : (double)PaymentsFullyApplied / Payments;
}

/// <summary>What to do when an application's item is no longer open for the amount at store time.</summary>
public enum StaleItemPolicy
{
    /// <summary>Store nothing and answer <see cref="IngestStatus.StaleSnapshot"/>, so the caller matches again on a fresh snapshot.</summary>
    Rollback,

    /// <summary>Store the file, sending each such application's amount to exceptions (reason Conflict).</summary>
    SendToExceptions,
}

/// <summary>
/// Everything one ingest stores: the file, its credits (payments and credits that are not payments), and
/// what matching made of them.
/// </summary>
public sealed record IngestBatch
{
    /// <summary>The file's name as received.</summary>
    public required string FileName { get; init; }

    /// <summary>SHA-256 of the content, lower-case hex.</summary>
    public required string ContentHash { get; init; }

    /// <summary>The detected format.</summary>
    public required BankFileFormat Format { get; init; }

    /// <summary>Who sent it (user or service).</summary>
    public required string Actor { get; init; }

    /// <summary>The file's credits in file order, those already received left out; debits are only counted.</summary>
    public required IReadOnlyList<BankTransaction> Credits { get; init; }

    /// <summary>
    /// The identity key of each of <see cref="Credits"/>, in the same order, computed over all the credits of the
    /// file (<see cref="PaymentIdentity.Keys"/>); when null the store computes them from <see cref="Credits"/>.
    /// </summary>
    public IReadOnlyList<string>? IdentityKeys { get; init; }

    /// <summary>The file's credits the store already held when matching ran: counted, never stored or applied again.</summary>
    public IReadOnlyList<AlreadyReceived> AlreadyReceived { get; init; } = [];

    /// <summary>How many debits the file held.</summary>
    public int DebitCount { get; init; }

    /// <summary>Matching's applications.</summary>
    public required IReadOnlyList<Application> Applications { get; init; }

    /// <summary>Matching's exceptions, and the credits that are not payments.</summary>
    public required IReadOnlyList<ExceptionCase> Exceptions { get; init; }

    /// <summary>What to do with an application whose item changed since the snapshot.</summary>
    public StaleItemPolicy OnStaleItem { get; init; } = StaleItemPolicy.Rollback;

    /// <summary>
    /// The deposits among <see cref="Credits"/> (the same instances; <c>DepositReconciliation.IsDeposit</c>): never
    /// matched, never applied; the store holds each against its detail, stored or in this file, and reconciles it.
    /// </summary>
    public IReadOnlyList<BankTransaction> Deposits { get; init; } = [];

    /// <summary>The file's detail transactions (lockbox checks, camt.054 transactions) that deposits reconcile against; new ones only.</summary>
    public IReadOnlyList<BankTransaction> DepositDetail { get; init; } = [];

    /// <summary>
    /// The file this batch adds to (a batch after a file's first, or the rest of a file whose ingest was interrupted);
    /// null when the batch brings its file, inserted with it.
    /// </summary>
    public long? BankFileId { get; init; }

    /// <summary>
    /// True (the default) when this batch ends its file: the file is marked stored whole and the deposits held on
    /// the file's dates are reconciled. False: the file stays marked <see cref="BankFileProgress.InProgress"/>, and
    /// this batch's deposits and detail are only stored, to be reconciled with the last batch.
    /// </summary>
    public bool EndsFile { get; init; } = true;

    /// <summary>With <see cref="EndsFile"/>: the dates of the deposits and detail of the file's earlier batches, also reconciled.</summary>
    public IReadOnlyCollection<DateOnly> DepositDates { get; init; } = [];
}

/// <summary>What a deposit came to in the served store.</summary>
public enum DepositState
{
    /// <summary>Its detail has not arrived: held as an open <c>deposit_awaiting_detail</c> exception, never matched.</summary>
    AwaitingDetail,

    /// <summary>Lockbox or reference, date and total agree with the detail: a resolved <c>deposit_reconciled</c> exception.</summary>
    Reconciled,

    /// <summary>Lockbox or reference and date agree and the total does not: an open <c>deposit_mismatch</c> exception naming both files.</summary>
    Mismatch,
}

/// <summary>A deposit an ingest held or settled: of the file ingested, or held earlier and settled by this file's detail.</summary>
/// <param name="PaymentId">The deposit's payment id.</param>
/// <param name="PaymentRef">The deposit's reference.</param>
/// <param name="State">What it came to.</param>
/// <param name="DepositFile">The file the deposit came in.</param>
/// <param name="DetailFile">The file of its detail; null while awaiting.</param>
/// <param name="Description">One sentence for a person (the exception's detail).</param>
public sealed record DepositOutcome(long PaymentId, string PaymentRef, DepositState State, string DepositFile, string? DetailFile, string Description);

/// <summary>How an ingest ended.</summary>
public enum IngestStatus
{
    /// <summary>Stored, whole.</summary>
    Stored,

    /// <summary>The same content was received before; nothing was stored.</summary>
    Duplicate,

    /// <summary>An item changed since the snapshot; nothing was stored (only with <see cref="StaleItemPolicy.Rollback"/>).</summary>
    StaleSnapshot,

    /// <summary>
    /// A credit of the batch was stored meanwhile (another file brought the same payment); nothing was stored, and
    /// <see cref="StoreIngestResult.ReceivedIdentityKeys"/> names the keys. Look the keys up again and match anew.
    /// </summary>
    ReceivedMeanwhile,
}

/// <summary>The store's answer to an ingest: the file (new or the earlier one) and, when stale, which items changed.</summary>
public sealed record StoreIngestResult(IngestStatus Status, StoredBankFile? File, IReadOnlyList<string> StaleItemIds)
{
    /// <summary>With <see cref="IngestStatus.ReceivedMeanwhile"/>: the identity keys the store already held.</summary>
    public IReadOnlyList<string> ReceivedIdentityKeys { get; init; } = [];

    /// <summary>With <see cref="IngestStatus.Stored"/>: the deposits held or settled (<see cref="IngestBatch.Deposits"/>, and earlier ones this file's detail settled).</summary>
    public IReadOnlyList<DepositOutcome> Deposits { get; init; } = [];
}

/// <summary>What became of a claim on a client request id (AIP-155).</summary>
public enum RequestClaimStatus
{
    /// <summary>The id is new and now this call's: run the request, then complete or release the claim.</summary>
    Claimed,

    /// <summary>The same request ran before under this id: <see cref="RequestClaim.Response"/> is its response.</summary>
    Completed,

    /// <summary>The same request is running under this id (or its caller stopped before answering).</summary>
    InProgress,

    /// <summary>The id was used for another request, another method or another caller.</summary>
    Mismatch,
}

/// <summary>The answer to a claim on a client request id: with <see cref="RequestClaimStatus.Completed"/>, the first response as it was kept.</summary>
public sealed record RequestClaim(RequestClaimStatus Status, string? Response);
