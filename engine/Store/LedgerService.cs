using System.Runtime.CompilerServices;
using System.Security.Cryptography;
using CashApp.Engine.Batch;
using CashApp.Engine.Deposits;
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

    /// <summary>camt: the longest document accepted, in characters; 0 for no limit.</summary>
    public long MaxDocumentCharacters { get; init; }
}

/// <summary>What an ingest did: the file stored (or the earlier one, for a duplicate) and how many tries matching took.</summary>
public sealed record IngestResult(IngestStatus Status, StoredBankFile File, IReadOnlyList<ParseWarning> Warnings, int MatchAttempts)
{
    /// <summary>How many of the file's credits were new: stored, and matched when payments.</summary>
    public int NewCredits { get; init; }

    /// <summary>The file's credits the store already held, each with the file that first brought it: neither stored nor applied again.</summary>
    public IReadOnlyList<AlreadyReceived> AlreadyReceived { get; init; } = [];

    /// <summary>How many of the file's credits the store already held; <see cref="AlreadyReceived"/> lists the first <see cref="LedgerService.MaxWarnings"/>.</summary>
    public int AlreadyReceivedCount { get; init; }

    /// <summary>How many warnings the reader reported; <see cref="Warnings"/> holds the first <see cref="LedgerService.MaxWarnings"/>.</summary>
    public long WarningCount { get; init; }

    /// <summary>The deposits held or settled by this ingest: of this file, or held earlier and settled by this file's detail.</summary>
    public IReadOnlyList<DepositOutcome> Deposits { get; init; } = [];
}

/// <summary>
/// What a batch of transactions became once matched and stored: the file stored (or the earlier one, for a
/// duplicate), the match that was stored with it, and every exception it raised, the credits that are not
/// payments included.
/// </summary>
public sealed record StoredBatch(IngestStatus Status, StoredBankFile File, int MatchAttempts, MatchResult Result, IReadOnlyList<ExceptionCase> Exceptions, int CreditCount, int DebitCount)
{
    /// <summary>How many of the credits were new: stored, and matched when payments.</summary>
    public int NewCredits { get; init; }

    /// <summary>The credits the store already held, each with the file that first brought it: neither stored nor applied again.</summary>
    public IReadOnlyList<AlreadyReceived> AlreadyReceived { get; init; } = [];

    /// <summary>The deposits held or settled by this batch (<see cref="StoreIngestResult.Deposits"/>).</summary>
    public IReadOnlyList<DepositOutcome> Deposits { get; init; } = [];

    /// <summary>The new credits a batch matched for its references only (<see cref="MatchStage.References"/>) left for payer and amount: not stored.</summary>
    public IReadOnlyList<BankTransaction> LeftForPayers { get; init; } = [];
}

/// <summary>
/// How an ingest matches payments against the ledger as it stands. <see cref="LedgerService"/> reads a fresh
/// snapshot for every try by default; a long-running server keeps one and hands it out until its own writes
/// make it stale.
/// </summary>
public interface ILedgerMatcher
{
    /// <summary>
    /// Matches the payments as one run against a snapshot of the open items and customers (or only one of the run's
    /// stages, <see cref="MatchStage.References"/> or <see cref="MatchStage.Payers"/>), and says which snapshot. With
    /// <paramref name="chances"/>, how likely an amount is by chance is judged from them (the ledger as the file's first
    /// batch found it) rather than from the snapshot (<see cref="CashMatcher.Match(IReadOnlyList{Payment}, MatchStage, AmountChances?)"/>).
    /// </summary>
    ValueTask<(MatchResult Result, LedgerSnapshot Snapshot)> MatchAsync(IReadOnlyList<Payment> payments, MatchStage stage, AmountChances? chances, CancellationToken cancellationToken);

    /// <summary>The ledger changed (the store found an item changed since the snapshot, or a change only a full read shows): match against it anew.</summary>
    void Invalidate();

    /// <summary>These items changed (a batch was stored and applied to them): match against the ledger with them as they are now.</summary>
    void ItemsChanged(IEnumerable<string> itemIds);
}

/// <summary>
/// Matches a bank file's transactions (read by the caller: the gRPC ingest) against a consistent snapshot
/// of the ledger and stores them <see cref="IngestBatchSize"/> at a time, each batch in one store transaction
/// (a file is checked to its end before its first batch is stored). When an item changed between snapshot and store,
/// matching runs again on a fresh snapshot; after <see cref="MaxMatchAttempts"/> tries, such applications go to
/// exceptions instead.
/// </summary>
public sealed class LedgerService
{
    /// <summary>How many times one ingest matches before sending stale applications to exceptions.</summary>
    public const int MaxMatchAttempts = 3;

    /// <summary>How many warnings of one file an ingest keeps; the rest are only counted.</summary>
    public const int MaxWarnings = 1000;

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
        var hash = ContentHash(content.Span);
        await using var stream = new MemoryStream(content.ToArray(), writable: false);
        return await IngestBankFileAsync(stream, fileName, hash, options, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// Ingests a file from a seekable stream whose SHA-256 (<see cref="ContentHash"/>) the caller computed on the
    /// way in (a server spooling an upload). The one ingest path: duplicate check, then
    /// <see cref="BankFileReading"/> (detection knowing the lockbox layout, reading, currency check) as
    /// <c>cashapp match</c> reads, then matching and storing.
    /// </summary>
    /// <remarks>
    /// The file is never held whole. The first read goes to its end and keeps only counts, warnings and each credit's
    /// rank in the order one run decides payments in (<see cref="MatchOrder"/>: payment reference, amount, line): a file
    /// that cannot be read throws the format's <see cref="BankFileFormatException"/> after recording the rejection, and
    /// none of its payments is stored. Then each batch is the next <see cref="IngestBatchSize"/> credits of a stage by
    /// rank, read again from the file: the references' stage (<see cref="MatchStage.References"/>) stores each batch but
    /// the payments its references leave undecided, each batch in a store transaction of its own; the payers' stage
    /// (<see cref="MatchStage.Payers"/>) decides those by payer and amount, batch by batch, against the ledger every
    /// reference left. So memory and the store's write lock are held for one batch, and each stage decides its payments
    /// one after another in one run's order whatever the batch size. What batches may still decide otherwise than one
    /// run: each batch matches against the ledger as it stands (a fresh snapshot, or one carried forward), so a payer
    /// known only by the name its open items carry is unknown once earlier batches closed them. How likely an amount is
    /// by chance is read once, from the snapshot the file's first match found (<see cref="AmountChances"/>), and every
    /// batch of both stages judges by it as one run does, not by the open amounts earlier batches left; a file sent again
    /// after a stop reads it from the ledger as the resend finds it. The price is a read of the
    /// file (up to the batch's last credit) per batch. Until its last batch is stored the file is marked <see cref="BankFileProgress.InProgress"/>;
    /// a server stopped mid-file keeps the batches stored, and the file sent again stores the rest (the stored
    /// payments are already received; those the references left and no batch stored yet have their references read once
    /// more, against the ledger as it then stands). Deposits are reconciled with the last batch, when all of the file's detail is in.
    /// </remarks>
    public async Task<IngestResult> IngestBankFileAsync(Stream content, string fileName, string contentHash, IngestOptions options, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(content);
        ArgumentException.ThrowIfNullOrEmpty(fileName);
        ArgumentException.ThrowIfNullOrEmpty(contentHash);
        ArgumentNullException.ThrowIfNull(options);
        var known = await _store.FindBankFileAsync(contentHash, cancellationToken).ConfigureAwait(false);
        if (known is not null && BankFileProgress.IsComplete(known))
        {
            return new IngestResult(IngestStatus.Duplicate, known, [], 0);
        }

        var start = content.Position;
        var format = await BankFileReading.DetectAsync(content, options.LockboxLayout, cancellationToken).ConfigureAwait(false);
        var readOptions = new BankFileReadOptions { Lenient = options.Lenient, LockboxLayout = options.LockboxLayout, MaxDocumentCharacters = options.MaxDocumentCharacters };

        // First pass: the whole file is read and checked, and nothing of it kept but counts and the first warnings.
        // Each credit's place in the order one run decides payments in is all it keeps of them (MatchOrder).
        var warnings = new ParseWarningCollection(MaxWarnings);
        var debits = 0;
        var order = new MatchOrder.Builder();
        try
        {
            await foreach (var transaction in BankFileReading.StreamAsync(content, fileName, format, readOptions, warnings, cancellationToken).ConfigureAwait(false))
            {
                if (transaction.Direction == Direction.Debit)
                {
                    debits++;
                }
                else
                {
                    order.Add(transaction);
                }
            }
        }
        catch (BankFileFormatException ex)
        {
            await _store.RecordRejectedBankFileAsync(contentHash, fileName, format, options.Actor, ex.Message, cancellationToken).ConfigureAwait(false);
            throw;
        }

        // Then the file is matched as one run would match it, in two stages: one run reads every payment's references
        // before it decides any payment by payer and amount (an invoice a later payment quotes is taken by that payment,
        // never by one that only names a payer of its amount), and decides each stage in payment-reference order. The
        // references' stage stores, batch by batch, what references decide and leaves the rest; the payers' stage decides
        // the rest by payer, batch by batch, against the ledger all the references left. Each batch is the next
        // IngestBatchSize credits of its stage in that order, read again from the file, so a file is decided alike in
        // batches of any size.
        var matchOrder = order.Build();
        var run = new FileRun(fileName, contentHash, format, options.Actor, debits, matchOrder) { BankFileId = known is { Status: BankFileStatus.Ingested } ? known.Id : null };
        var read = new FileReader(content, start, fileName, format, readOptions);
        await StoreStageAsync(run, read, MatchStage.References, cancellationToken).ConfigureAwait(false);
        await StoreStageAsync(run, read, MatchStage.Payers, cancellationToken).ConfigureAwait(false);

        var file = run.File!;
        if (run.Status == IngestStatus.Duplicate)
        {
            return new IngestResult(IngestStatus.Duplicate, file, [], run.MatchAttempts);
        }

        return new IngestResult(IngestStatus.Stored, file, warnings, run.MatchAttempts)
        {
            NewCredits = run.NewCredits,
            AlreadyReceived = run.AlreadyReceived,
            AlreadyReceivedCount = run.AlreadyReceivedCount,
            WarningCount = warnings.Total,
            Deposits = [.. run.Deposits.Values],
        };
    }

    /// <summary>How many transactions of a file one ingest matches and stores at a time (<see cref="IngestBankFileAsync(Stream, string, string, IngestOptions, CancellationToken)"/>).</summary>
    public int IngestBatchSize
    {
        get => _ingestBatchSize;
        init
        {
            ArgumentOutOfRangeException.ThrowIfNegativeOrZero(value);
            _ingestBatchSize = value;
        }
    }

    private readonly int _ingestBatchSize = DefaultIngestBatchSize;

    /// <summary>The default of <see cref="IngestBatchSize"/>.</summary>
    public const int DefaultIngestBatchSize = 10_000;

    /// <summary>
    /// How many credits of a stage one read of the file gives to batches (a whole number of batches, at least one):
    /// what an ingest holds at once is this window, and the file is read about twice per window.
    /// </summary>
    public int IngestReadWindow
    {
        get => _ingestReadWindow;
        init
        {
            ArgumentOutOfRangeException.ThrowIfNegativeOrZero(value);
            _ingestReadWindow = value;
        }
    }

    private readonly int _ingestReadWindow = DefaultIngestReadWindow;

    /// <summary>The default of <see cref="IngestReadWindow"/>: ten default batches.</summary>
    public const int DefaultIngestReadWindow = 100_000;

    /// <summary>How to read the file again from its start, for each batch.</summary>
    private sealed record FileReader(Stream Content, long Start, string FileName, BankFileFormat Format, BankFileReadOptions Options);

    /// <summary>
    /// One stage of the file: <see cref="MatchStage.References"/> stores every credit but those left for payer and
    /// amount; <see cref="MatchStage.Payers"/> then stores those, and ends the file. Each batch is the stage's next
    /// <see cref="IngestBatchSize"/> credits in match order (<see cref="MatchOrder"/>), read again from the file: so
    /// batches decide in the order one run decides, whatever their size.
    /// </summary>
    private async Task StoreStageAsync(FileRun run, FileReader read, MatchStage stage, CancellationToken cancellationToken)
    {
        var order = run.Order;

        // The stage's credits in match order, by rank: every rank in the references' stage, the ones the references
        // left in the payers'. One read of the file gives the batches of one window of them, not a batch alone: a
        // batch's last credit in that order is near the file's end, so a read per batch would read the file about
        // twice per batch.
        List<int>? left = null;
        if (stage == MatchStage.Payers)
        {
            left = [];
            for (var rank = 0; rank < order.Count; rank++)
            {
                if (run.LeftForPayers[order.OrdinalAt(rank)])
                {
                    left.Add(rank);
                }
            }

            if (left.Count == 0)
            {
                await StoreFileBatchAsync(run, new FileBatch(0), stage, endsFile: true, cancellationToken).ConfigureAwait(false);
                return;
            }
        }

        var count = left?.Count ?? order.Count;
        var batchSize = IngestBatchSize;
        var window = Math.Max(1, IngestReadWindow / batchSize) * batchSize;
        for (var at = 0; at < count && run.Status != IngestStatus.Duplicate; at += window)
        {
            var end = (int)Math.Min((long)at + window, count) - 1;
            int fromRank = left is null ? at : left[at], toRank = left is null ? end : left[end];
            var batches = await ReadBatchesAsync(
                read,
                ordinal =>
                {
                    if (left is not null && !run.LeftForPayers[ordinal])
                    {
                        return -1;
                    }

                    var rank = order.RankOf(ordinal);
                    if (rank < fromRank || rank > toRank)
                    {
                        return -1;
                    }

                    var position = left is null ? rank : left.BinarySearch(rank);
                    return (position - at) / batchSize;
                },
                (end - at) / batchSize + 1,
                order.LastOrdinal(fromRank, toRank),
                cancellationToken).ConfigureAwait(false);
            for (var b = 0; b < batches.Length; b++)
            {
                var endsFile = stage == MatchStage.Payers && end == count - 1 && b == batches.Length - 1;
                await StoreFileBatchAsync(run, batches[b], stage, endsFile, cancellationToken).ConfigureAwait(false);
            }
        }
    }

    /// <summary>
    /// Reads the file again from its start and gives each credit to the batch <paramref name="batchOf"/> names (by
    /// ordinal; -1 for none), with the debits of each stretch of deposit detail one of its credits belongs to (again in
    /// each batch that takes one); reading stops after the credit of ordinal <paramref name="lastOrdinal"/> and its stretch.
    /// </summary>
    private static async Task<FileBatch[]> ReadBatchesAsync(FileReader read, Func<int, int> batchOf, int batchCount, int lastOrdinal, CancellationToken cancellationToken)
    {
        var keys = new PaymentIdentity.Counter();
        var batches = new FileBatch[batchCount];
        for (var b = 0; b < batchCount; b++)
        {
            batches[b] = new FileBatch(1024);
        }

        // The stretch's debits read so far, and the batches that took one of its credits (each gets every debit).
        var stretchDebits = new List<BankTransaction>();
        var stretchTakers = new List<int>();
        (string, string?, DateOnly)? lastGroup = null;
        var ordinal = -1;
        read.Content.Position = read.Start;
        await foreach (var transaction in BankFileReading.StreamAsync(read.Content, read.FileName, read.Format, read.Options, new ParseWarningCollection(0), cancellationToken).ConfigureAwait(false))
        {
            var where = DepositReconciliation.DetailOf(transaction);
            if (transaction.Direction == Direction.Debit && where is null)
            {
                continue;
            }

            var group = where is { } w ? (w.Key, w.Batch, w.Date) : ((string, string?, DateOnly)?)null;
            var newStretch = group is not null && group != lastGroup;
            if (ordinal >= lastOrdinal && (group is null || newStretch || stretchTakers.Count == 0))
            {
                // Every credit of the window is read, and the stretch of detail of the last one.
                break;
            }

            lastGroup = group;
            if (newStretch)
            {
                // Each stretch of one deposit's detail in the file.
                stretchDebits.Clear();
                stretchTakers.Clear();
            }

            if (transaction.Direction == Direction.Debit)
            {
                // A stretch's debits go with every batch that takes one of its credits: which of those batches stores a
                // new credit of it depends on what the store already held, and the store keeps a file's debits once.
                stretchDebits.Add(transaction);
                foreach (var b in stretchTakers)
                {
                    batches[b].Transactions.Add(transaction);
                }

                continue;
            }

            // Keys count identical credits over the whole file, so every read reads every credit up to the last it keeps.
            ordinal++;
            var key = keys.Next(transaction);
            var batch = batchOf(ordinal);
            if (batch < 0)
            {
                continue;
            }

            if (group is not null && !stretchTakers.Contains(batch))
            {
                stretchTakers.Add(batch);
                batches[batch].Transactions.AddRange(stretchDebits);
            }

            batches[batch].Add(transaction, key, ordinal);
        }

        return batches;
    }

    /// <summary>A batch of a file's transactions, each credit with its identity key and its ordinal among the file's credits.</summary>
    private sealed class FileBatch(int capacity)
    {
        public List<BankTransaction> Transactions { get; } = new(capacity);

        public List<string> Keys { get; } = new(capacity);

        public List<int> Ordinals { get; } = new(capacity);

        public void Add(BankTransaction transaction, string key, int ordinal)
        {
            Transactions.Add(transaction);
            Keys.Add(key);
            Ordinals.Add(ordinal);
        }
    }

    /// <summary>Stores one batch of a file read in batches, and adds what it did to the file's run.</summary>
    private async Task StoreFileBatchAsync(FileRun run, FileBatch batch, MatchStage stage, bool endsFile, CancellationToken cancellationToken)
    {
        if (run.Status == IngestStatus.Duplicate)
        {
            return;
        }

        var transactions = batch.Transactions;
        var credits = new List<BankTransaction>(batch.Keys.Count);
        var keys = batch.Keys;
        foreach (var t in transactions)
        {
            if (t.Direction == Direction.Credit)
            {
                credits.Add(t);
            }

            if (DepositReconciliation.DetailOf(t) is { } where)
            {
                run.DepositDates.Add(where.Date);
            }
            else if (t.Direction == Direction.Credit && DepositReconciliation.IsDeposit(t) && DepositReconciliation.DepositDate(t) is { } date)
            {
                run.DepositDates.Add(date);
            }
        }

        StoredBatch stored;
        while (true)
        {
            var part = new FilePart(run.BankFileId, endsFile, endsFile ? run.DebitCount : 0, [.. run.DepositDates], stage, run.Chances);
            stored = await StoreTransactionsAsync(transactions, credits, keys, part, run.FileName, run.ContentHash, run.Format, run.Actor, cancellationToken).ConfigureAwait(false);
            if (stored.Status != IngestStatus.Duplicate)
            {
                break;
            }

            if (BankFileProgress.IsComplete(stored.File) || run.BankFileId == stored.File.Id)
            {
                run.Status = IngestStatus.Duplicate;
                run.File = stored.File;
                return;
            }

            // Another call (an instance, or an earlier ingest that stopped) began this very file: carry on into it.
            run.BankFileId = stored.File.Id;
        }

        var left = new HashSet<BankTransaction>(stored.LeftForPayers, ReferenceEqualityComparer.Instance);
        for (var i = 0; i < credits.Count; i++)
        {
            if (left.Contains(credits[i]))
            {
                run.LeftForPayers[batch.Ordinals[i]] = true;
            }
        }

        run.BankFileId = stored.File.Id;
        run.File = stored.File;
        run.MatchAttempts = Math.Max(run.MatchAttempts, stored.MatchAttempts);
        run.NewCredits += stored.NewCredits;
        run.AlreadyReceivedCount += stored.AlreadyReceived.Count;
        foreach (var a in stored.AlreadyReceived.Take(MaxWarnings - run.AlreadyReceived.Count))
        {
            run.AlreadyReceived.Add(a);
        }

        foreach (var d in stored.Deposits)
        {
            // What the last batch reconciled replaces what an earlier batch held.
            run.Deposits[d.PaymentId] = d;
        }
    }

    /// <summary>A file stored in batches: what is known of it, and what its batches did so far.</summary>
    private sealed class FileRun(string fileName, string contentHash, BankFileFormat format, string actor, int debitCount, MatchOrder order)
    {
        public string FileName { get; } = fileName;

        public string ContentHash { get; } = contentHash;

        public BankFileFormat Format { get; } = format;

        public string Actor { get; } = actor;

        public int DebitCount { get; } = debitCount;

        /// <summary>How likely an amount is by chance, read from the snapshot the file's first match found: every batch judges by it, as one run does.</summary>
        public StrongBox<AmountChances?> Chances { get; } = new();

        /// <summary>The credits (by ordinal in the file) the references left for payer and amount: one bit each, not the credits.</summary>
        public System.Collections.BitArray LeftForPayers { get; } = new(order.Count);

        /// <summary>The order one run decides the file's credits in.</summary>
        public MatchOrder Order { get; } = order;

        public SortedSet<DateOnly> DepositDates { get; } = [];

        public long? BankFileId { get; set; }

        public StoredBankFile? File { get; set; }

        public IngestStatus Status { get; set; } = IngestStatus.Stored;

        public int MatchAttempts { get; set; }

        public int NewCredits { get; set; }

        public int AlreadyReceivedCount { get; set; }

        public List<AlreadyReceived> AlreadyReceived { get; } = [];

        public SortedDictionary<long, DepositOutcome> Deposits { get; } = [];
    }

    /// <summary>
    /// Where a batch belongs in its file: the file it adds to, whether it is the last, the file's debits and deposit dates
    /// so far, and the stage it is matched in.
    /// </summary>
    /// <summary>A batch of a file, or a whole one; <paramref name="Chances"/> holds the file's chances of an amount once its first batch has found them (none for a batch stored alone).</summary>
    private sealed record FilePart(long? BankFileId, bool EndsFile, int DebitCount, IReadOnlyCollection<DateOnly> DepositDates, MatchStage Stage, StrongBox<AmountChances?>? Chances = null);

    /// <summary>
    /// Matches and stores a batch of transactions (a bank file already read, or a committed match request) in
    /// one store transaction, and says what was matched. A batch whose <paramref name="contentHash"/> was
    /// stored before is a <see cref="IngestStatus.Duplicate"/> and stores nothing. A credit whose identity key
    /// (<see cref="PaymentIdentity"/>) the store already holds is reported in <see cref="StoredBatch.AlreadyReceived"/>
    /// and neither matched, stored nor applied. The seam for tests, and for callers that read files themselves.
    /// </summary>
    public Task<StoredBatch> StoreTransactionsAsync(
        IReadOnlyList<BankTransaction> transactions,
        string fileName,
        string contentHash,
        BankFileFormat format,
        string actor,
        CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(transactions);
        var allCredits = transactions.Where(t => t.Direction == Direction.Credit).ToList();
        var part = new FilePart(null, EndsFile: true, transactions.Count(t => t.Direction == Direction.Debit), [], MatchStage.Whole);
        return StoreTransactionsAsync(transactions, allCredits, PaymentIdentity.Keys(allCredits), part, fileName, contentHash, format, actor, cancellationToken);
    }

    /// <summary>
    /// As above, for a whole file or one batch of a file (<paramref name="part"/>): <paramref name="allCredits"/> are the
    /// credits of <paramref name="transactions"/> and <paramref name="allKeys"/> their identity keys, counted over the
    /// whole file (ordinals among identical credits); a credit the store already holds is reported with the file that
    /// brought it, and neither stored nor applied.
    /// </summary>
    private async Task<StoredBatch> StoreTransactionsAsync(
        IReadOnlyList<BankTransaction> transactions,
        List<BankTransaction> allCredits,
        IReadOnlyList<string> allKeys,
        FilePart part,
        string fileName,
        string contentHash,
        BankFileFormat format,
        string actor,
        CancellationToken cancellationToken)
    {
        var debits = part.DebitCount;
        for (int attempt = 1, lookups = 0; ; lookups++)
        {
            var known = await _store.FindReceivedPaymentsAsync(allKeys, cancellationToken).ConfigureAwait(false);
            var credits = new List<BankTransaction>(allCredits.Count);
            var keys = new List<string>(allCredits.Count);
            var alreadyReceived = new List<AlreadyReceived>();
            for (var i = 0; i < allCredits.Count; i++)
            {
                if (known.TryGetValue(allKeys[i], out var first))
                {
                    alreadyReceived.Add(new AlreadyReceived(allCredits[i].PaymentRef, allCredits[i].LineNumber, first));
                }
                else
                {
                    credits.Add(allCredits[i]);
                    keys.Add(allKeys[i]);
                }
            }

            // A deposit whose detail comes in another file (a lockbox deposit, a camt.053 entry without details) is
            // the detail's money: never matched, never applied; the store holds it until the detail reconciles it.
            var deposits = credits.Where(DepositReconciliation.IsDeposit).ToList();
            var depositSet = new HashSet<BankTransaction>(deposits, ReferenceEqualityComparer.Instance);
            var paid = credits.Where(t => t.IsPayment && !depositSet.Contains(t)).ToList();
            var payments = paid.ConvertAll(Payment.FromTransaction);

            // Credits that are not payments (pending, informational, reversals) are never applied, and never lost.
            var notPayments = credits
                .Where(t => !t.IsPayment)
                .Select(t => new ExceptionCase(t.PaymentRef, new Money(t.AmountMinor, new CurrencyCode(t.Currency)), ExceptionReason.NotAPayment, t.NotPaymentReason ?? "not a booked payment", []))
                .ToList();

            var (result, snapshot) = await _matcher.MatchAsync(payments, part.Stage, part.Chances?.Value, cancellationToken).ConfigureAwait(false);
            var chancesReadHere = false;
            if (part.Chances is { Value: null } chances)
            {
                // The file's first match: its snapshot is the ledger as one run over the file would find it, and every
                // later batch judges an amount's chance from it, not from the open amounts earlier batches left.
                chances.Value = AmountChances.Of(snapshot.OpenItems);
                chancesReadHere = true;
            }

            var leftForPayers = new List<BankTransaction>();
            if (result.LeftForPayers.Count > 0)
            {
                // Undecided yet: not stored by this batch, but by the file's pass for payer and amount.
                var left = new HashSet<Payment>(result.LeftForPayers, ReferenceEqualityComparer.Instance);
                var keep = new List<int>(credits.Count);
                var byCredit = new Dictionary<BankTransaction, Payment>(ReferenceEqualityComparer.Instance);
                for (var i = 0; i < paid.Count; i++)
                {
                    byCredit[paid[i]] = payments[i];
                }

                for (var i = 0; i < credits.Count; i++)
                {
                    if (byCredit.TryGetValue(credits[i], out var payment) && left.Contains(payment))
                    {
                        leftForPayers.Add(credits[i]);
                    }
                    else
                    {
                        keep.Add(i);
                    }
                }

                credits = keep.ConvertAll(i => credits[i]);
                keys = keep.ConvertAll(i => keys[i]);
                payments.RemoveAll(left.Contains);
            }

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
                IdentityKeys = keys,
                AlreadyReceived = alreadyReceived,
                DebitCount = debits,
                Applications = result.Applications,
                Exceptions = exceptions,
                OnStaleItem = attempt < MaxMatchAttempts ? StaleItemPolicy.Rollback : StaleItemPolicy.SendToExceptions,
                Deposits = deposits,
                DepositDetail = NewDetail(transactions, credits),
                BankFileId = part.BankFileId,
                EndsFile = part.EndsFile,
                DepositDates = part.DepositDates,
            };

            var stored = await _store.StoreIngestAsync(batch, cancellationToken).ConfigureAwait(false);
            if (stored.Status is IngestStatus.Stored)
            {
                // The open amounts of the items applied to moved: only they need reading again.
                _matcher.ItemsChanged(touched);
            }
            else if (stored.Status is IngestStatus.StaleSnapshot)
            {
                // They had moved under the snapshot, where this server did not move them: read the ledger anew.
                _matcher.Invalidate();
                if (chancesReadHere)
                {
                    // The store refused that snapshot, so it is not the ledger the file found: the retry reads the chances again.
                    part.Chances!.Value = null;
                }
            }

            if (stored.Status == IngestStatus.Stored && _store is IPayerRuleStore rules && result.Applications.Any(a => a.Explanation.Contains("[rule ", StringComparison.Ordinal)))
            {
                // Which learnt rules decided payers, and when: a rule revoked later raises these for review.
                await rules.RecordPayerRuleFiringsAsync(stored.File!.Id, cancellationToken).ConfigureAwait(false);
            }

            switch (stored.Status)
            {
                case IngestStatus.StaleSnapshot:
                    attempt++;
                    continue;
                case IngestStatus.ReceivedMeanwhile:
                    // Another file brought some of these payments since the look-up: the known keys only grow, so
                    // this ends; the bound guards against a store that keeps answering so.
                    if (lookups >= allCredits.Count + MaxMatchAttempts)
                    {
                        throw new InvalidOperationException($"{fileName}: the store kept reporting payments received meanwhile.");
                    }

                    continue;
                default:
                    return new StoredBatch(stored.Status, stored.File!, attempt, result, exceptions, allCredits.Count - leftForPayers.Count, debits)
                    {
                        NewCredits = credits.Count,
                        LeftForPayers = leftForPayers,
                        AlreadyReceived = alreadyReceived,
                        Deposits = stored.Deposits,
                    };
            }
        }
    }

    /// <summary>
    /// The file's detail transactions (lockbox checks, camt.054 transactions) that deposits may reconcile against:
    /// the new credits, and the debits of an entry that has a new credit. A re-sent detail file brings none, so
    /// nothing is reconciled, or taken, twice.
    /// </summary>
    private static List<BankTransaction> NewDetail(IReadOnlyList<BankTransaction> transactions, List<BankTransaction> newCredits)
    {
        var fresh = new HashSet<BankTransaction>(newCredits, ReferenceEqualityComparer.Instance);
        var freshGroups = new HashSet<(string, string, DateOnly)>();
        var candidates = new List<(BankTransaction Transaction, (string Key, string? Batch, DateOnly Date) Where)>();
        foreach (var t in transactions)
        {
            if (DepositReconciliation.DetailOf(t) is { } where)
            {
                candidates.Add((t, where));
                if (fresh.Contains(t))
                {
                    freshGroups.Add((t.SourceFile, where.Key, where.Date));
                }
            }
        }

        return [.. candidates.Where(c => c.Transaction.Direction == Direction.Credit ? fresh.Contains(c.Transaction) : freshGroups.Contains((c.Transaction.SourceFile, c.Where.Key, c.Where.Date))).Select(c => c.Transaction)];
    }

    /// <summary>Reads the ledger for every match: nothing kept between ingests, so nothing to invalidate.</summary>
    private sealed class SnapshotPerMatch(ICashStore store, MatchPolicy policy) : ILedgerMatcher
    {
        public async ValueTask<(MatchResult Result, LedgerSnapshot Snapshot)> MatchAsync(IReadOnlyList<Payment> payments, MatchStage stage, AmountChances? chances, CancellationToken cancellationToken)
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

            var result = matcher.Match(payments, stage, chances);
            return (result, snapshot);
        }

        public void Invalidate()
        {
        }

        public void ItemsChanged(IEnumerable<string> itemIds)
        {
        }
    }
}
