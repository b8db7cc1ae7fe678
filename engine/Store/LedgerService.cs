using System.Security.Cryptography;
using CashApp.Engine.Matching;
using CashApp.Engine.Model;
using CashApp.Parsers.Common;
using CashApp.Parsers.Currency;
using CashApp.Parsers.Lockbox;

namespace CashApp.Store;

/// <summary>Options of one ingest.</summary>
public sealed record IngestOptions
{
    /// <summary>Who sends the file (a user, or a service name).</summary>
    public string Actor { get; init; } = "system";

    /// <summary>The lockbox layout; the default layout when null.</summary>
    public LockboxLayout? LockboxLayout { get; init; }

    /// <summary>Accept known bank deviations as warnings.</summary>
    public bool Lenient { get; init; }
}

/// <summary>What an ingest did: the file stored (or the earlier one, for a duplicate) and how many tries matching took.</summary>
public sealed record IngestResult(IngestStatus Status, StoredBankFile File, IReadOnlyList<ParseWarning> Warnings, int MatchAttempts);

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
/// Receives bank files into the ledger: hash, duplicate check, read (all or nothing), match against a
/// consistent snapshot, and store in one transaction. When an item changed between snapshot and store,
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

    /// <summary>Ingests a file from a stream (read to its end).</summary>
    public async Task<IngestResult> IngestBankFileAsync(Stream content, string fileName, IngestOptions options, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(content);
        using var buffer = new MemoryStream();
        await content.CopyToAsync(buffer, cancellationToken).ConfigureAwait(false);
        return await IngestBankFileAsync(buffer.GetBuffer().AsMemory(0, (int)buffer.Length), fileName, options, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// Ingests a file. A file whose content was ingested before is a <see cref="IngestStatus.Duplicate"/> and
    /// stores nothing. A file that cannot be read throws the format's <see cref="BankFileFormatException"/>
    /// after recording the rejection; none of its payments is stored.
    /// </summary>
    public async Task<IngestResult> IngestBankFileAsync(ReadOnlyMemory<byte> content, string fileName, IngestOptions options, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(fileName);
        ArgumentNullException.ThrowIfNull(options);
        var hash = ContentHash(content.Span);
        var known = await _store.FindBankFileAsync(hash, cancellationToken).ConfigureAwait(false);
        if (known is { Status: BankFileStatus.Ingested })
        {
            return new IngestResult(IngestStatus.Duplicate, known, [], 0);
        }

        var format = BankFiles.Detect(content.Span[..Math.Min(content.Length, BankFiles.DetectionWindow)]);
        var warnings = new List<ParseWarning>();
        var transactions = new List<BankTransaction>();
        try
        {
            var readOptions = new BankFileReadOptions { Lenient = options.Lenient, LockboxLayout = options.LockboxLayout };
            await using var stream = new MemoryStream(content.ToArray(), writable: false);
            await foreach (var transaction in BankFiles.ReadAsync(stream, fileName, format, readOptions, warnings, cancellationToken).ConfigureAwait(false))
            {
                transactions.Add(transaction);
            }

            foreach (var transaction in transactions)
            {
                if (!CurrencyCode.TryParse(transaction.Currency, out _))
                {
                    throw new InvalidDataException($"{fileName}:{transaction.LineNumber}: unknown currency '{transaction.Currency}'.");
                }
            }
        }
        catch (Exception ex) when (ex is BankFileFormatException or InvalidDataException)
        {
            await _store.RecordRejectedBankFileAsync(hash, fileName, format, options.Actor, ex.Message, cancellationToken).ConfigureAwait(false);
            throw;
        }

        var stored = await StoreTransactionsAsync(transactions, fileName, hash, format, options.Actor, cancellationToken).ConfigureAwait(false);
        return new IngestResult(stored.Status, stored.File, warnings, stored.MatchAttempts);
    }

    /// <summary>
    /// Matches and stores a batch of transactions (a bank file already read, or a committed match request) in
    /// one store transaction, and says what was matched. A batch whose <paramref name="contentHash"/> was
    /// stored before is a <see cref="IngestStatus.Duplicate"/> and stores nothing. The seam for tests, and
    /// for callers that read files themselves.
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

            if (stored.Status == IngestStatus.Stored && _store is IPayerRuleStore rules && result.Applications.Any(a => a.Explanation.Contains("[rule ", StringComparison.Ordinal)))
            {
                // Which learnt rules decided payers, and when: a rule revoked later raises these for review.
                await rules.RecordPayerRuleFiringsAsync(stored.File!.Id, cancellationToken).ConfigureAwait(false);
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
            if (payments.Count == 0)
            {
                return (new MatchResult([], []), snapshot);
            }

            var matcher = new CashMatcher(snapshot.OpenItems, snapshot.Customers, policy);
            if (store is IPayerRuleStore rules)
            {
                matcher.UsePayerRules(await rules.ListActivePayerRulesAsync(cancellationToken).ConfigureAwait(false));
            }

            var result = matcher.Match(payments);
            return (result, snapshot);
        }

        public void Invalidate()
        {
        }
    }
}
