using System.Security.Cryptography;
using CashApp.Engine.Matching;
using CashApp.Engine.Model;
using CashApp.Parsers.Common;
using CashApp.Parsers.Currency;
using CashApp.Parsers.Lockbox;

namespace CashApp.Engine.Ledger;

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
    private readonly MatchPolicy _policy;

    /// <summary>Creates the service over a store.</summary>
    public LedgerService(ICashStore store, MatchPolicy? policy = null)
    {
        _store = store ?? throw new ArgumentNullException(nameof(store));
        _policy = policy ?? MatchPolicy.Default;
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

        var (status, file, attempts) = await StoreTransactionsAsync(transactions, fileName, hash, format, options.Actor, cancellationToken).ConfigureAwait(false);
        return new IngestResult(status, file, warnings, attempts);
    }

    /// <summary>
    /// Matches and stores transactions already read from a file whose content hash is <paramref name="contentHash"/>.
    /// The seam for tests and for callers that read files themselves.
    /// </summary>
    public async Task<(IngestStatus Status, StoredBankFile File, int MatchAttempts)> StoreTransactionsAsync(
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
            var snapshot = await _store.LoadSnapshotAsync(cancellationToken).ConfigureAwait(false);
            var result = payments.Count == 0
                ? new MatchResult([], [])
                : new CashMatcher(snapshot.OpenItems, snapshot.Customers, _policy).Match(payments);
            // The books must balance before anything is written; only the items matching touched are needed.
            var touched = result.Applications.Select(a => a.ItemId).ToHashSet(StringComparer.Ordinal);
            BalanceCheck.Verify(payments, [.. snapshot.OpenItems.Where(i => touched.Contains(i.ItemId))], result.Applications, result.Exceptions);
            var batch = new IngestBatch
            {
                FileName = fileName,
                ContentHash = contentHash,
                Format = format,
                Actor = actor,
                Credits = credits,
                DebitCount = debits,
                Applications = result.Applications,
                Exceptions = [.. result.Exceptions, .. notPayments],
                OnStaleItem = attempt < MaxMatchAttempts ? StaleItemPolicy.Rollback : StaleItemPolicy.SendToExceptions,
            };

            var stored = await _store.StoreIngestAsync(batch, cancellationToken).ConfigureAwait(false);
            if (stored.Status != IngestStatus.StaleSnapshot)
            {
                return (stored.Status, stored.File!, attempt);
            }
        }
    }
}
