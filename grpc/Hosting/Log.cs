using CashApp.Store;
using CashApp.Grpc.Security;
using CashApp.Grpc.Services;
using CashApp.Parsers.Common;

namespace CashApp.Grpc.Hosting;

/// <summary>Every log line the server writes, source-generated so that a disabled level costs nothing.</summary>
internal static partial class Log
{
    [LoggerMessage(EventId = 1, Level = LogLevel.Warning, Message = "Unauthenticated call to {Method} from {Peer}: {Why}")]
    public static partial void Unauthenticated(ILogger logger, string method, string peer, string why);

    [LoggerMessage(EventId = 2, Level = LogLevel.Warning, Message = "Permission denied: {Caller} may not call {Method} (from {Peer})")]
    public static partial void PermissionDenied(ILogger logger, string caller, string method, string peer);

    [LoggerMessage(EventId = 3, Level = LogLevel.Information, Message = "Listening on {Addresses}; store {Store}; {KeyCount} API keys")]
    public static partial void Started(ILogger logger, string addresses, string store, int keyCount);

    [LoggerMessage(EventId = 10, Level = LogLevel.Information, Message = "{Caller} ingested {FileName} ({Bytes} bytes, {Format}) as file {FileId}: {Credits} credits, {Applied} applied, {Exceptions} exceptions")]
    public static partial void Ingested(ILogger logger, Caller caller, string fileName, long bytes, BankFileFormat format, long fileId, int credits, int applied, int exceptions);

    [LoggerMessage(EventId = 11, Level = LogLevel.Information, Message = "{Caller} sent {FileName} again: duplicate of file {FileId}")]
    public static partial void DuplicateFile(ILogger logger, Caller caller, string fileName, long fileId);

    [LoggerMessage(EventId = 12, Level = LogLevel.Warning, Message = "{Caller} sent a bad bank file {FileName}: {Error}")]
    public static partial void BadFile(ILogger logger, Caller caller, string fileName, string error);

    [LoggerMessage(EventId = 13, Level = LogLevel.Information, Message = "Ingest of {FileName} by {Caller} rolled back: {Why}")]
    public static partial void IngestRolledBack(ILogger logger, Caller caller, string fileName, string why);

    [LoggerMessage(EventId = 20, Level = LogLevel.Information, Message = "{Caller} upserted {Kind}: {Inserted} inserted, {Updated} updated, {Unchanged} unchanged")]
    public static partial void Upserted(ILogger logger, Caller caller, string kind, int inserted, int updated, int unchanged);

    [LoggerMessage(EventId = 30, Level = LogLevel.Information, Message = "{Caller} resolved exception {ExceptionId} as {Kind}: {Status}")]
    public static partial void Resolved(ILogger logger, Caller caller, long exceptionId, ResolutionKind kind, ResolveStatus status);

    [LoggerMessage(EventId = 31, Level = LogLevel.Information, Message = "{Caller} lost the race on exception {ExceptionId}: {Message}")]
    public static partial void Conflict(ILogger logger, Caller caller, long exceptionId, string message);

    [LoggerMessage(EventId = 32, Level = LogLevel.Information, Message = "{Caller} assigned exception {ExceptionId} to {Assignee}")]
    public static partial void Assigned(ILogger logger, Caller caller, long exceptionId, string assignee);

    [LoggerMessage(EventId = 40, Level = LogLevel.Information, Message = "{Caller} committed a match of {Payments} payments as file {FileId}")]
    public static partial void MatchCommitted(ILogger logger, Caller caller, int payments, long fileId);

    [LoggerMessage(EventId = 41, Level = LogLevel.Information, Message = "Ledger snapshot read: {Items} open items and {Customers} customers in {Seconds:0.0} s")]
    public static partial void LedgerRead(ILogger logger, int items, int customers, double seconds);

    [LoggerMessage(EventId = 43, Level = LogLevel.Information, Message = "Ledger snapshot indexed: {Items} open items in {Seconds:0.0} s, {TotalSeconds:0.0} s in all")]
    public static partial void LedgerIndexed(ILogger logger, int items, double seconds, double totalSeconds);

    [LoggerMessage(EventId = 44, Level = LogLevel.Information, Message = "Reading the ledger snapshot at start-up; calls wait for it, health reports NOT_SERVING until it is read")]
    public static partial void LedgerLoading(ILogger logger);

    [LoggerMessage(EventId = 45, Level = LogLevel.Information, Message = "Ready: the ledger snapshot was read at start-up in {Seconds:0.0} s")]
    public static partial void LedgerReady(ILogger logger, double seconds);

    [LoggerMessage(EventId = 46, Level = LogLevel.Error, Message = "Reading the ledger snapshot at start-up failed after {Seconds:0.0} s; the next call, or this service in {RetrySeconds:0} s, tries again")]
    public static partial void LedgerLoadFailed(ILogger logger, Exception exception, double seconds, double retrySeconds);

    [LoggerMessage(EventId = 47, Level = LogLevel.Warning, Message = "Reading the ledger snapshot in the background failed; calls go on with the snapshot in place, and one past the max age tries again after {Pause}")]
    public static partial void LedgerRefreshFailed(ILogger logger, TimeSpan pause, Exception exception);

    [LoggerMessage(EventId = 48, Level = LogLevel.Debug, Message = "A background read of the ledger snapshot was dropped: a full read was due or made meanwhile")]
    public static partial void LedgerRefreshDropped(ILogger logger);

    [LoggerMessage(EventId = 42, Level = LogLevel.Debug, Message = "Matcher carried forward with {Items} changed items in {Milliseconds} ms")]
    public static partial void MatcherCarriedForward(ILogger logger, int items, double milliseconds);

    [LoggerMessage(EventId = 61, Level = LogLevel.Debug, Message = "Store changes after version {After} through {Through}: {Items} items, {Customers} customers, {Rules} payer rules handed to the matcher")]
    public static partial void ChangesPolled(ILogger logger, long after, long through, int items, int customers, int rules);

    [LoggerMessage(EventId = 62, Level = LogLevel.Information, Message = "The store's change log cannot say what changed after version {After} (pruned past it, or more than {Most} changes): the ledger is read in full")]
    public static partial void ChangeLogBehind(ILogger logger, long after, int most);

    [LoggerMessage(EventId = 63, Level = LogLevel.Warning, Message = "Asking the store what changed failed ({InRow} in a row, {Total} since start; the snapshot was last confirmed at {ConfirmedAt:O}); the next poll tries again")]
    public static partial void ChangePollFailed(ILogger logger, int inRow, long total, DateTimeOffset confirmedAt, Exception exception);

    [LoggerMessage(EventId = 64, Level = LogLevel.Warning, Message = "The ledger snapshot is stale: {Failures} polls of the store's change log failed since it was last confirmed at {ConfirmedAt:O} ({Age:0.0} s ago); it is read in full, and calls wait for that read ({StaleReads} such reads since start)")]
    public static partial void SnapshotStale(ILogger logger, int failures, DateTimeOffset confirmedAt, double age, long staleReads);

    [LoggerMessage(EventId = 65, Level = LogLevel.Information, Message = "Asking the store what changed works again after {Failures} failed polls in a row")]
    public static partial void ChangePollRecovered(ILogger logger, int failures);

    [LoggerMessage(EventId = 66, Level = LogLevel.Warning, Message = "Reading the store's change version before a full read failed; the snapshot is read without it, and the next poll that works asks again from version {Version}")]
    public static partial void ChangeVersionFailed(ILogger logger, long version, Exception exception);

    [LoggerMessage(EventId = 67, Level = LogLevel.Warning, Message = "Pruning the store's change log failed; polls go on, and the prune is tried again after {Pause}")]
    public static partial void ChangeLogPruneFailed(ILogger logger, TimeSpan pause, Exception exception);

    [LoggerMessage(EventId = 68, Level = LogLevel.Information, Message = "The store's change log pruned: {Rows} rows in {Seconds:0.0} s, beside the polls")]
    public static partial void ChangeLogPruned(ILogger logger, long rows, double seconds);

    [LoggerMessage(EventId = 50, Level = LogLevel.Information, Message = "Invalid argument from {Caller} to {Method}: {Violations}")]
    public static partial void InvalidArgument(ILogger logger, Caller caller, string method, Violations violations);

    [LoggerMessage(EventId = 90, Level = LogLevel.Error, Message = "Unexpected failure in {Method} for {Caller}")]
    public static partial void Unexpected(ILogger logger, Exception exception, string method, string caller);

    [LoggerMessage(EventId = 91, Level = LogLevel.Warning, Message = "{Method} for {Caller}: the ledger is past what one matcher holds: {Reason}")]
    public static partial void PastCapacity(ILogger logger, string method, string caller, string reason);
}
