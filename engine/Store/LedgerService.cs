using System.Security.Cryptography;
using CashApp.Engine.Matching;
using CashApp.Engine.Model;
using CashApp.Parsers.Common;
using CashApp.Parsers.Currency;

namespace CashApp.Store;

/// <summary>
/// What a batch of transactions became once matched and stored: the file stored (or the earlier one, for a
/// duplicate), the match that was stored with it, and every exception it raised, the credits that are not
/// payments included.
/// </summary>
public sealed record StoredBatch(IngestStatus Status, StoredBankFile File, int MatchAttempts, MatchResult Result, IReadOnlyList<ExceptionCase> Exceptions, int CreditCount, int DebitCount);

/// <summary>
/// How an ingest matches payments against the ledger as it stands. <see cref="LedgerService"/> reads a fresh
/// snapshot for every try by default; a long-running server keeps one and hands it out until its own writes
/// make it stale.
/// </summary>
public interface ILedgerMatcher
{
    /// <summary>Matches the payments as one run against a snapshot of the open items and customers, and says which snapshot.</summary>
    ValueTask<(MatchResult Result, LedgerSnapshot Snapshot)> MatchAsync(IReadOnlyList<Payment> payments, CancellationToken cancellationToken);

    /// <summary>The ledger changed (a batch was stored, or the store found an item changed since the snapshot): match against it anew.</summary>
    void Invalidate();
}

/// <summary>
/// Matches a bank file's transactions (read by the caller: the gRPC ingest) against a consistent snapshot
/// of the ledger and stores them in one transaction. When an item changed between snapshot and store,
/// matching runs again on a fresh snapshot; after <see cref="MaxMatchAttempts"/> tries, such applications go to
/// exceptions instead.
/// </summary>
public sealed class LedgerService
{
    /// <summary>How many times one ingest matches before sending stale applications to exceptions.</summary>
    public const int MaxMatchAttempts = 3;

    private readonly ICashStore _store;
    private readonly ILedgerMatcher _matcher;

    /// <summary>Creates the service over a store; every try of every ingest matches against a snapshot read for it.</summary>
    public LedgerService(ICashStore store, MatchPolicy? policy = null)
    {
        _store = store ?? throw new ArgumentNullException(nameof(store));
        _matcher = new SnapshotPerMatch(store, policy ?? MatchPolicy.Default);
    }

    /// <summary>Creates the service over a store, matching with <paramref name="matcher"/> (a server's kept snapshot).</summary>
    public LedgerService(ICashStore store, ILedgerMatcher matcher)
    {
        _store = store ?? throw new ArgumentNullException(nameof(store));
        _matcher = matcher ?? throw new ArgumentNullException(nameof(matcher));
    }

    /// <summary>SHA-256 of the content, lower-case hex: the identity of a bank file.</summary>
    public static string ContentHash(ReadOnlySpan<byte> content) => Convert.ToHexStringLower(SHA256.HashData(content));

    /// <summary>
    /// Matches and stores a batch of transactions (a bank file already read, or a committed match request) in
    /// one store transaction, and says what was matched. A batch whose <paramref name="contentHash"/> was
    /// stored before is a <see cref="IngestStatus.Duplicate"/> and stores nothing.
    /// </summary>
    public async Task<StoredBatch> StoreTransactionsAsync(
        IReadOnlyList<BankTransaction> transactions,
        string fileName,
        string contentHash,
        BankFileFormat format,
        string actor,
        CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(transactions);
        var credits = transactions.Where(t => t.Direction == Direction.Credit).ToList();
        var debits = transactions.Count - credits.Count;
        var payments = credits.Where(t => t.IsPayment).Select(Payment.FromTransaction).ToList();

        // Credits that are not payments (pending, informational, reversals) are never applied, and never lost.
        var notPayments = credits
            .Where(t => !t.IsPayment)
            .Select(t => new ExceptionCase(t.PaymentRef, new Money(t.AmountMinor, new CurrencyCode(t.Currency)), ExceptionReason.NotAPayment, t.NotPaymentReason ?? "not a booked payment", []))
            .ToList();

        for (var attempt = 1; ; attempt++)
        {
            var (result, snapshot) = await _matcher.MatchAsync(payments, cancellationToken).ConfigureAwait(false);
            // The books must balance before anything is written; only the items matching touched are needed.
            var touched = result.Applications.Select(a => a.ItemId).ToHashSet(StringComparer.Ordinal);
            BalanceCheck.Verify(payments, [.. snapshot.OpenItems.Where(i => touched.Contains(i.ItemId))], result.Applications, result.Exceptions);
            List<ExceptionCase> exceptions = [.. result.Exceptions, .. notPayments];
            var batch = new IngestBatch
            {
                FileName = fileName,
                ContentHash = contentHash,
                Format = format,
                Actor = actor,
                Credits = credits,
                DebitCount = debits,
                Applications = result.Applications,
                Exceptions = exceptions,
                OnStaleItem = attempt < MaxMatchAttempts ? StaleItemPolicy.Rollback : StaleItemPolicy.SendToExceptions,
            };

            var stored = await _store.StoreIngestAsync(batch, cancellationToken).ConfigureAwait(false);
            if (stored.Status != IngestStatus.Duplicate)
            {
                // Stored: the open amounts moved. Stale: they had moved under the snapshot. Either way it is old now.
                _matcher.Invalidate();
            }

            if (stored.Status != IngestStatus.StaleSnapshot)
            {
                return new StoredBatch(stored.Status, stored.File!, attempt, result, exceptions, credits.Count, debits);
            }
        }
    }

    /// <summary>Reads the ledger for every match: nothing kept between ingests, so nothing to invalidate.</summary>
    private sealed class SnapshotPerMatch(ICashStore store, MatchPolicy policy) : ILedgerMatcher
    {
        public async ValueTask<(MatchResult Result, LedgerSnapshot Snapshot)> MatchAsync(IReadOnlyList<Payment> payments, CancellationToken cancellationToken)
        {
            var snapshot = await store.LoadSnapshotAsync(cancellationToken).ConfigureAwait(false);
            var result = payments.Count == 0
                ? new MatchResult([], [])
                : new CashMatcher(snapshot.OpenItems, snapshot.Customers, policy).Match(payments);
            return (result, snapshot);
        }

        public void Invalidate()
        {
        }
    }
}
