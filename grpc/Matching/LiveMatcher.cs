using System.Collections;
using System.Diagnostics;
using CashApp.Store;
using CashApp.Engine.Matching;
using CashApp.Engine.Model;
using CashApp.Grpc.Hosting;

namespace CashApp.Grpc.Matching;

/// <summary>
/// Matches payments against the ledger as it stands: a snapshot of the open items and customers, read
/// from the store in one transaction, carried forward across this server's writes, and read again when it is
/// older than <see cref="ServeOptions.SnapshotMaxAge"/> (another server may share the database).
/// A write that changes open items (an ingest's or a resolve's applications, an AR correction, a closure, new
/// items) says which items it changed (<see cref="ItemsChanged"/>): the next call reads just those items and matches
/// against a new generation of the snapshot made from the last one (<see cref="CashMatcher.WithChangedItems"/>),
/// which decides as a fresh read would. Every <c>pollChanges</c> (<see cref="ServeOptions.PollChanges"/>) a background
/// poll asks the store what any writer changed since the snapshot's version (<see cref="IChangeFeed"/>), this server or
/// another on the same database, and hands the items, customers and payer rules to the same paths, then carries the
/// snapshot forward with them; only when the store's log cannot answer (pruned past the snapshot, or too many changes)
/// is the ledger read in full. A change this server already carried forward is not carried again.
/// Where a generation cannot decide as a fresh read would (a known item
/// renumbered or moved, a new item with no rank left between its id-neighbours'; see <see cref="CashMatcher.WithChangedItems"/>),
/// the ledger is read in full instead, and <see cref="CarryRefused"/> counts it. An upsert of customers says which
/// (<see cref="CustomersChanged"/>): new ones and known ones changed (renamed, given an alias, an account or a parent) are
/// carried forward too (<see cref="CashMatcher.WithChangedCustomers"/>); a new one whose id sorts among the known ones is
/// read with the whole ledger. A write that cannot say what it changed asks for a full read
/// (<see cref="Invalidate"/>).
/// A snapshot only older than the max age is served while one background read replaces it (stale while
/// revalidate): the store refuses an application against an open amount that moved meanwhile, so an old snapshot
/// costs a retry, never cash. The server starts the first read at start-up (<see cref="LedgerWarmup"/>); calls that
/// come before it is done wait for that read.
/// Safe for concurrent calls: each call proposes on a fork of the snapshot's matcher of its own (forks share
/// the indexes and the opening amounts, and hold only what their call consumed), so calls run in parallel
/// instead of queueing on one matcher's gate.
/// </summary>
internal sealed class LiveMatcher : ILedgerMatcher, IDisposable
{
    /// <summary>Rows of the store's change log left when a server prunes it; a server further behind reads in full.</summary>
    internal const int ChangeLogKeep = 100_000;

    /// <summary>How often a polling server prunes the store's change log.</summary>
    internal static readonly TimeSpan PruneEvery = TimeSpan.FromMinutes(1);

    /// <summary>
    /// After this many polls in a row fail since the snapshot was last confirmed (by a poll that worked, or a full read),
    /// the snapshot is stale: another instance's writes may be missing from it for as long as the log cannot say, so it
    /// is read in full, and calls wait for that read rather than decide on it. Every store call ends (a command
    /// timeout at worst), so a poll that hangs ends as a failure and is counted too.
    /// </summary>
    internal const int StalePollFailures = 3;

    private readonly ICashStore store;
    private readonly MatchPolicy policy;
    private readonly TimeSpan maxAge;
    private readonly TimeProvider clock;
    private readonly ILogger<LiveMatcher> logger;

    // The store's change feed when polled (null: polling is off, or the store has none).
    private readonly IChangeFeed? _feed;
    private readonly Task? _polling;
    private TaskCompletionSource _polled = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private long _polls;
    private DateTimeOffset _pruneNotBefore;
    private Task? _pruning;
    private int _disposed;

    // The polls that failed: since start, in a row, and since the snapshot was last confirmed (a poll that worked or a
    // full read put in place, at _confirmedAt, UTC ticks); the full reads failing polls forced; whether the snapshot in
    // place is stale (1) until a full read replaces it.
    private long _pollFailures;
    private int _pollFailuresInRow;
    private int _failuresSinceConfirmed;
    private long _confirmedAt;
    private long _staleReads;
    private int _stale;

    // Under _pendingGate: the version through which the store's changes are in the snapshot or pending; the version
    // before which the payer rules in use were read; and for each item or customer carried forward since, the version before
    // which it was read (a change at or below it is in the snapshot already: this server's own writes).
    private long _changeVersion;
    private long _rulesVersion;
    private readonly Dictionary<(StoreChangeKind Kind, string Key), long> _carriedAt = [];

    /// <summary>
    /// A matcher over <paramref name="store"/>; with <paramref name="pollChanges"/> above zero and a store that keeps a
    /// change log, a background poll asks it what changed that often (on <paramref name="clock"/>).
    /// </summary>
    public LiveMatcher(ICashStore store, MatchPolicy policy, TimeSpan maxAge, TimeProvider clock, ILogger<LiveMatcher> logger, TimeSpan pollChanges = default)
    {
        this.store = store;
        this.policy = policy;
        this.maxAge = maxAge;
        this.clock = clock;
        this.logger = logger;
        if (pollChanges > TimeSpan.Zero && store is IChangeFeed feed)
        {
            _feed = feed;
            _pruneNotBefore = clock.GetUtcNow() + PruneEvery;

            // Made here, not in the loop: the interval counts from now on the clock, however late the loop starts.
            var timer = new PeriodicTimer(pollChanges, clock);
            _polling = Task.Run(() => PollLoopAsync(timer));
        }
    }

    /// <summary>
    /// More items changed than this since the last generation are read with the whole ledger, not one by one; on a
    /// ledger of more than 500,000 items, one fiftieth of it (<see cref="ChangeLimit"/>): one ingest batch of another
    /// instance (10,000 credits by default) may touch more than 10,000 items, and reading those one by one costs
    /// seconds where reading 5 million costs minutes.
    /// </summary>
    internal const int MaxChangedItems = 10_000;

    /// <summary>How many changed items (or customers) a generation made from <paramref name="current"/> may read one by one.</summary>
    private static int ChangeLimit(Snapshot? current) => Math.Max(MaxChangedItems, (current?.Loaded.OpenItems.Count ?? 0) / 50);

    private readonly SemaphoreSlim _reload = new(1, 1);
    private readonly Lock _pendingGate = new();
    private HashSet<string> _pendingItems = new(StringComparer.Ordinal);
    private HashSet<string> _pendingCustomers = new(StringComparer.Ordinal);
    private bool _pendingFull;
    private bool _pendingRules;
    private Snapshot? _current;
    private long _generation;
    private long _fullLoads;
    private long _carriedForward;
    private long _carryRefused;
    private readonly TaskCompletionSource _ready = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly CancellationTokenSource _stopping = new();
    private Task? _refresh;
    private int _refreshing;

    // After a background read failed, none is started before this time (UTC ticks); the pause doubles with each
    // failure in a row, as the start-up read's does, so a store that is down is not read in full call after call.
    private long _refreshNotBefore;
    private TimeSpan _refreshPause;

    /// <summary>True once a snapshot has been read: calls are answered without waiting for the ledger.</summary>
    public bool IsReady => Volatile.Read(ref _current) is not null;

    /// <summary>Completes when the first snapshot has been read.</summary>
    public Task Ready => _ready.Task;

    /// <summary>The background read that replaces a snapshot past its max age, while it runs (for tests).</summary>
    internal Task? Refreshing => Volatile.Read(ref _refresh);

    /// <summary>How many times the whole ledger was read and indexed.</summary>
    public long FullLoads => Interlocked.Read(ref _fullLoads);

    /// <summary>How many generations were made from the last one and the items a write changed.</summary>
    public long CarriedForward => Interlocked.Read(ref _carriedForward);

    /// <summary>How many times the writes since the last generation could not be carried forward, and the ledger was read in full instead.</summary>
    public long CarryRefused => Interlocked.Read(ref _carryRefused);

    /// <summary>How many times the store was asked what changed.</summary>
    public long Polls => Interlocked.Read(ref _polls);

    /// <summary>How many polls of the store's changes failed since start.</summary>
    public long PollFailures => Interlocked.Read(ref _pollFailures);

    /// <summary>How many polls of the store's changes failed in a row, up to now (0 once one works).</summary>
    public int PollFailuresInRow => Volatile.Read(ref _pollFailuresInRow);

    /// <summary>How many times failing polls made the snapshot stale and the ledger was read in full for it.</summary>
    public long StaleReads => Interlocked.Read(ref _staleReads);

    /// <summary>
    /// True while <see cref="StalePollFailures"/> polls in a row have failed since the snapshot was last confirmed and no
    /// full read has replaced it yet: calls wait for that read, and health reports NOT_SERVING.
    /// </summary>
    public bool IsStale => Volatile.Read(ref _stale) != 0;

    /// <summary>When a poll that worked or a full read last confirmed the snapshot (polling only).</summary>
    public DateTimeOffset ConfirmedAt => new(Interlocked.Read(ref _confirmedAt), TimeSpan.Zero);

    /// <summary>Completes when the next poll of the store's changes is done, and what it found carried forward (for tests).</summary>
    internal Task NextPoll => Volatile.Read(ref _polled).Task;

    /// <summary>Marks the snapshot stale: the next match reads the whole ledger again.</summary>
    public void Invalidate()
    {
        lock (_pendingGate)
        {
            _pendingFull = true;
            _generation++;
        }
    }

    /// <summary>These items changed in the store (their amounts, or closed): the next match carries the snapshot forward with them.</summary>
    public void ItemsChanged(IEnumerable<string> itemIds)
    {
        ArgumentNullException.ThrowIfNull(itemIds);
        lock (_pendingGate)
        {
            _pendingItems.UnionWith(itemIds);
            _generation++;
        }
    }

    /// <summary>These customers were upserted (new, changed or not): the next match carries the snapshot forward with them, or reads it anew.</summary>
    public void CustomersChanged(IEnumerable<string> customerIds)
    {
        ArgumentNullException.ThrowIfNull(customerIds);
        lock (_pendingGate)
        {
            _pendingCustomers.UnionWith(customerIds);
            _generation++;
        }
    }

    /// <summary>The active payer rules changed: the next match reads them again, and nothing else.</summary>
    public void PayerRulesChanged()
    {
        lock (_pendingGate)
        {
            _pendingRules = true;
            _generation++;
        }
    }

    /// <summary>
    /// Matches one batch of payments as one run against the current snapshot. Nothing is stored: what one
    /// call applies is not seen by the next (<see cref="CashMatcher.Propose"/> gives the open amounts back).
    /// The indexes are built once per snapshot, not per call.
    /// </summary>
    public async ValueTask<(MatchResult Result, LedgerSnapshot Snapshot)> MatchAsync(IReadOnlyList<Payment> payments, MatchStage stage, AmountChances? chances, CancellationToken cancellationToken)
    {
        var snapshot = await CurrentAsync(cancellationToken).ConfigureAwait(false);
        var matcher = snapshot.Rent();
        MatchResult result;
        try
        {
            result = matcher.Propose(payments, stage, chances);
        }
        catch (InvalidOperationException)
        {
            // Matching refused its own choice half-way: a bug, or a ledger the snapshot misreads. Read it anew.
            Invalidate();
            throw;
        }

        // Propose gave back what it consumed (the fork's table is empty again), even when it threw.
        snapshot.Return(matcher);
        return (result, snapshot.Ledger);
    }

    /// <summary>The open items and customers matching currently sees.</summary>
    public async ValueTask<LedgerSnapshot> SnapshotAsync(CancellationToken cancellationToken) =>
        (await CurrentAsync(cancellationToken).ConfigureAwait(false)).Ledger;

    private async ValueTask<Snapshot> CurrentAsync(CancellationToken cancellationToken)
    {
        var current = Volatile.Read(ref _current);
        if (current is not null && current.Generation == Interlocked.Read(ref _generation))
        {
            // Too old only by the clock: the next generation is read in the background, this call goes on with this one.
            RefreshIfOld(current);
            return current;
        }

        await _reload.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            current = Volatile.Read(ref _current);
            if (current is not null && current.Generation == Interlocked.Read(ref _generation))
            {
                // The read this call waited for (the one started at start-up, or another call's) is done.
                RefreshIfOld(current);
                return current;
            }

            // What was written before this point is in the store: take it all, and the generation it makes.
            long generation;
            HashSet<string> items, customers;
            bool full, rules;
            lock (_pendingGate)
            {
                generation = _generation;
                (items, _pendingItems) = (_pendingItems, new HashSet<string>(StringComparer.Ordinal));
                (customers, _pendingCustomers) = (_pendingCustomers, new HashSet<string>(StringComparer.Ordinal));
                (full, rules) = (_pendingFull, _pendingRules);
                (_pendingFull, _pendingRules) = (false, false);
            }

            try
            {
                var started = Stopwatch.GetTimestamp();
                var next = current is null || full || items.Count > ChangeLimit(current) || customers.Count > ChangeLimit(current)
                    ? null
                    : await CarriedForwardAsync(current, generation, items, customers, rules || items.Count > 0 || customers.Count > 0, cancellationToken).ConfigureAwait(false);
                if (next is not null)
                {
                    Interlocked.Increment(ref _carriedForward);
                    Volatile.Write(ref _current, next);
                    var took = Stopwatch.GetElapsedTime(started).TotalMilliseconds;
                    Log.MatcherCarriedForward(logger, items.Count, took);
                    RefreshIfOld(next);
                    return next;
                }

                current = await ReadAsync(generation, cancellationToken).ConfigureAwait(false);
                Install(current);
                return current;
            }
            catch
            {
                // The call was cancelled or the store failed before a snapshot was put in place: what was pending is
                // pending still, or the write it stands for would never reach a later snapshot.
                lock (_pendingGate)
                {
                    _pendingItems.UnionWith(items);
                    _pendingCustomers.UnionWith(customers);
                    _pendingFull |= full;
                    _pendingRules |= rules;
                }

                throw;
            }
        }
        finally
        {
            _reload.Release();
        }
    }

    /// <summary>Reads the whole ledger and indexes it as generation <paramref name="generation"/>, logging what it read and how long it took.</summary>
    private async Task<Snapshot> ReadAsync(long generation, CancellationToken cancellationToken)
    {
        // The snapshot is as old as the moment its read began: writes after it may be missing from it.
        var readAt = clock.GetUtcNow();
        var started = Stopwatch.GetTimestamp();

        // Every change up to this version was committed before the read begins, so the read holds it.
        var version = _feed is null ? 0 : await ChangeVersionAsync(_feed, cancellationToken).ConfigureAwait(false);
        var ledger = await store.LoadSnapshotAsync(cancellationToken).ConfigureAwait(false);
        var read = Stopwatch.GetElapsedTime(started).TotalSeconds;
        Log.LedgerRead(logger, ledger.OpenItems.Count, ledger.Customers.Count, read);
        var built = new CashMatcher(ledger.OpenItems, ledger.Customers, policy);
        await UseRulesAsync(built, cancellationToken).ConfigureAwait(false);
        var total = Stopwatch.GetElapsedTime(started).TotalSeconds;
        Log.LedgerIndexed(logger, ledger.OpenItems.Count, total - read, total);
        return new Snapshot(generation, readAt, ledger, built, new Dictionary<string, OpenItem?>(StringComparer.Ordinal)) { ChangeVersion = version };
    }

    /// <summary>
    /// The store's change version; when the log cannot say, 0 (the version polls go on from stays where it was), so
    /// that a broken change log does not stop full reads too: a later poll then hands over again changes the read
    /// already holds, which only reads those items again.
    /// </summary>
    private async Task<long> ChangeVersionAsync(IChangeFeed feed, CancellationToken cancellationToken)
    {
        try
        {
            return await feed.GetChangeVersionAsync(cancellationToken).ConfigureAwait(false);
        }
#pragma warning disable CA1031 // Whatever the log threw, the ledger itself may still be read; the error is logged.
        catch (Exception ex) when (!cancellationToken.IsCancellationRequested)
#pragma warning restore CA1031
        {
            long after;
            lock (_pendingGate)
            {
                after = _changeVersion;
            }

            Log.ChangeVersionFailed(logger, after, ex);
            return 0;
        }
    }

    private void Install(Snapshot snapshot)
    {
        Interlocked.Increment(ref _fullLoads);
        lock (_pendingGate)
        {
            _changeVersion = Math.Max(_changeVersion, snapshot.ChangeVersion);
            _rulesVersion = Math.Max(_rulesVersion, snapshot.ChangeVersion);
        }

        Volatile.Write(ref _current, snapshot);
        Confirmed();
        _ready.TrySetResult();
    }

    /// <summary>The snapshot holds every change the store has now, or will on the next call: failed polls before this no longer make it stale.</summary>
    private void Confirmed()
    {
        Interlocked.Exchange(ref _confirmedAt, clock.GetUtcNow().UtcTicks);
        Volatile.Write(ref _failuresSinceConfirmed, 0);
        Volatile.Write(ref _stale, 0);
    }

    /// <summary>
    /// Counts a failed poll; the <see cref="StalePollFailures"/>th since the snapshot was last confirmed makes it stale:
    /// the next call (or poll) reads the ledger in full, and calls wait for that read.
    /// </summary>
    private void PollFailed(Exception exception)
    {
        var total = Interlocked.Increment(ref _pollFailures);
        var inRow = Interlocked.Increment(ref _pollFailuresInRow);
        Log.ChangePollFailed(logger, inRow, total, ConfirmedAt, exception);
        if (Interlocked.Increment(ref _failuresSinceConfirmed) == StalePollFailures && IsReady)
        {
            Volatile.Write(ref _stale, 1);
            var reads = Interlocked.Increment(ref _staleReads);
            Log.SnapshotStale(logger, StalePollFailures, ConfirmedAt, (clock.GetUtcNow() - ConfirmedAt).TotalSeconds, reads);
            Invalidate();
        }
    }

    /// <summary>Starts one background read of the whole ledger when <paramref name="snapshot"/> is past its max age and none runs.</summary>
    private void RefreshIfOld(Snapshot snapshot)
    {
        if (Young(snapshot)
            || clock.GetUtcNow().UtcTicks < Interlocked.Read(ref _refreshNotBefore)
            || Interlocked.CompareExchange(ref _refreshing, 1, 0) != 0)
        {
            return;
        }

        Volatile.Write(ref _refresh, Task.Run(() => RefreshAsync(snapshot.Loaded)));
    }

    /// <summary>
    /// Reads the ledger anew and puts it in place of the snapshot read as <paramref name="from"/>, unless a full read is
    /// due or was made meanwhile. What this server wrote while it read may be missing from it: the items changed since
    /// the last full read are read again on the next call, as after any write.
    /// </summary>
    private async Task RefreshAsync(LedgerSnapshot from)
    {
        try
        {
            long generation;
            lock (_pendingGate)
            {
                generation = _generation;
            }

            var next = await ReadAsync(generation, _stopping.Token).ConfigureAwait(false);
            _refreshPause = TimeSpan.Zero;
            Interlocked.Exchange(ref _refreshNotBefore, 0);
            await _reload.WaitAsync(_stopping.Token).ConfigureAwait(false);
            try
            {
                var current = Volatile.Read(ref _current);
                lock (_pendingGate)
                {
                    if (_pendingFull || current is null || !ReferenceEquals(current.Loaded, from))
                    {
                        // A full read is due (an item moved under a snapshot, a new item), or one was made meanwhile.
                        Log.LedgerRefreshDropped(logger);
                        return;
                    }

                    if (_generation != generation)
                    {
                        // Written during the read: each item changed since the last full read is read again, and the rules.
                        _pendingItems.UnionWith(current.Changed.Keys);
                        _pendingCustomers.UnionWith(current.CustomersChanged);
                        _pendingRules = true;
                    }

                    Install(next);
                }
            }
            finally
            {
                _reload.Release();
            }
        }
        catch (Exception ex) when (!_stopping.IsCancellationRequested)
        {
            // The snapshot in place stays in use; a call past the max age tries again after a pause. (Only one
            // refresh runs at a time, so the pause is this one's to change.)
            _refreshPause = _refreshPause == TimeSpan.Zero ? LedgerWarmup.FirstPause : TimeSpan.FromTicks(Math.Min(2 * _refreshPause.Ticks, LedgerWarmup.LongestPause.Ticks));
            Interlocked.Exchange(ref _refreshNotBefore, (clock.GetUtcNow() + _refreshPause).UtcTicks);
            Log.LedgerRefreshFailed(logger, _refreshPause, ex);
        }
        catch (Exception) when (_stopping.IsCancellationRequested)
        {
            // The server is stopping.
        }
        finally
        {
            Volatile.Write(ref _refreshing, 0);
        }
    }

    /// <summary>The snapshot with the changed items read again, or null when the change needs a full read.</summary>
    private async Task<Snapshot?> CarriedForwardAsync(Snapshot current, long generation, HashSet<string> itemIds, HashSet<string> customerIds, bool rules, CancellationToken cancellationToken)
    {
        // Every change up to this version is in what is read next: a poll that finds one of these items changed no
        // later than it does not carry it again.
        var version = _feed is null ? 0 : await ChangeVersionAsync(_feed, cancellationToken).ConfigureAwait(false);

        // Customers first: the new items may be theirs.
        var customers = new List<Customer>(customerIds.Count);
        foreach (var customerId in customerIds.Order(StringComparer.Ordinal))
        {
            if (await store.GetCustomerAsync(customerId, cancellationToken).ConfigureAwait(false) is { } customer)
            {
                customers.Add(customer);
            }
        }

        var withCustomers = customers.Count == 0 ? current.Matcher : current.Matcher.WithChangedCustomers(customers);
        if (withCustomers is null)
        {
            Interlocked.Increment(ref _carryRefused);
            return null;
        }

        // The ledger's list gains the new customers, and holds the known ones changed as they now stand.
        var added = customers.Where(c => !current.OnRecord(c.CustomerId)).ToList();
        var known = customers.Where(c => current.OnRecord(c.CustomerId)).ToDictionary(c => c.CustomerId, StringComparer.Ordinal);
        var ledgerCustomers = added.Count == 0 && known.Count == 0 ? current.Ledger.Customers
            : [.. current.Ledger.Customers.Select(c => known.GetValueOrDefault(c.CustomerId, c)), .. added];
        Func<string, bool> onRecord = added.Count == 0 ? current.OnRecord : new HashSet<string>(ledgerCustomers.Select(c => c.CustomerId), StringComparer.Ordinal).Contains;

        var changes = new List<(string ItemId, OpenItem? Now)>(itemIds.Count);
        foreach (var itemId in itemIds.Order(StringComparer.Ordinal))
        {
            var stored = await store.GetOpenItemAsync(itemId, cancellationToken).ConfigureAwait(false);
            changes.Add((itemId, stored is { Status: OpenItemStatus.Open } && stored.Item.OpenMinor != 0 ? stored.Item : null));
        }

        var matcher = changes.Count > 0 ? withCustomers.WithChangedItems(changes, onRecord)
            : customers.Count > 0 ? withCustomers
            : current.Matcher.Fork();
        if (matcher is null)
        {
            Interlocked.Increment(ref _carryRefused);
            return null;
        }

        if (rules)
        {
            // A resolution may have learnt who pays in its own transaction: the rules are read with the items.
            // (Otherwise the new generation kept the last one's rules.)
            await UseRulesAsync(matcher, cancellationToken).ConfigureAwait(false);
        }

        var changed = new Dictionary<string, OpenItem?>(current.Changed, StringComparer.Ordinal);
        foreach (var (itemId, now) in changes)
        {
            changed[itemId] = now;
        }

        if (_feed is not null)
        {
            lock (_pendingGate)
            {
                foreach (var (itemId, _) in changes)
                {
                    _carriedAt[(StoreChangeKind.Item, itemId)] = version;
                }

                foreach (var customer in customers)
                {
                    _carriedAt[(StoreChangeKind.Customer, customer.CustomerId)] = version;
                }

                if (rules)
                {
                    _rulesVersion = Math.Max(_rulesVersion, version);
                }
            }
        }

        var ledger = current.Ledger with { OpenItems = new ChangedItems(current.Loaded.OpenItems, changed), Customers = ledgerCustomers };
        return new Snapshot(generation, current.LoadedAt, ledger, matcher, changed)
        {
            Loaded = current.Loaded,
            CustomersChanged = customers.Count == 0 ? current.CustomersChanged : [.. current.CustomersChanged, .. customers.Select(c => c.CustomerId)],
            ChangeVersion = current.ChangeVersion,
        };
    }

    private async Task UseRulesAsync(CashMatcher matcher, CancellationToken cancellationToken)
    {
        if (store is IPayerRuleStore rules)
        {
            // What specialists' resolutions taught about who pays: read with the ledger, refreshed with it.
            matcher.UsePayerRules(await rules.ListActivePayerRulesAsync(cancellationToken).ConfigureAwait(false));
        }
    }

    private bool Young(Snapshot snapshot) => maxAge == TimeSpan.MaxValue || clock.GetUtcNow() - snapshot.LoadedAt < maxAge;

    /// <summary>Polls the store's changes at each tick of <paramref name="timer"/> until the server stops.</summary>
    private async Task PollLoopAsync(PeriodicTimer timer)
    {
        using var owned = timer;
        try
        {
            while (await timer.WaitForNextTickAsync(_stopping.Token).ConfigureAwait(false))
            {
                try
                {
                    if (IsReady)
                    {
                        await PollAsync(_stopping.Token).ConfigureAwait(false);
                    }
                }
                catch (Exception ex) when (!_stopping.IsCancellationRequested)
                {
                    PollFailed(ex);
                }
                finally
                {
                    Interlocked.Increment(ref _polls);
                    Interlocked.Exchange(ref _polled, new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously)).TrySetResult();
                }
            }
        }
        catch (Exception) when (_stopping.IsCancellationRequested)
        {
            // The server is stopping.
        }
    }

    /// <summary>
    /// Asks the store what changed since the snapshot's version and hands it to the paths a write of this server
    /// takes, then makes the next generation now rather than on the next call. A full read when the log cannot answer.
    /// </summary>
    private async Task PollAsync(CancellationToken cancellationToken)
    {
        // A generation due (a full read after this server's customer write, say) is made first: what it reads is not
        // asked for again, and a change it holds does not start another full read.
        await SettleAsync(cancellationToken).ConfigureAwait(false);
        long after;
        lock (_pendingGate)
        {
            after = _changeVersion;
        }

        var limit = ChangeLimit(Volatile.Read(ref _current));
        var changes = await _feed!.ListChangesAsync(after, limit, cancellationToken).ConfigureAwait(false);

        // The log answered: what it said is handed over below (a full read when it cannot say), so the snapshot, with
        // what is pending, holds every change the store has.
        if (Interlocked.Exchange(ref _pollFailuresInRow, 0) is var failed and > 0)
        {
            Log.ChangePollRecovered(logger, failed);
        }

        if (changes is not null)
        {
            Confirmed();
        }

        if (changes is null)
        {
            Log.ChangeLogBehind(logger, after, limit);
            Invalidate();
        }
        else if (!changes.IsEmpty)
        {
            List<string> items = [];
            List<string> customers = [];
            var rules = false;
            lock (_pendingGate)
            {
                foreach (var change in changes.Changes)
                {
                    switch (change.Kind)
                    {
                        case StoreChangeKind.Item when !CarriedAlready(change):
                            items.Add(change.Key);
                            break;
                        case StoreChangeKind.Customer when !CarriedAlready(change):
                            customers.Add(change.Key);
                            break;
                        case StoreChangeKind.PayerRule when change.Version > _rulesVersion:
                            rules = true;
                            break;
                    }
                }

                Advance(changes.Through);
            }

            Log.ChangesPolled(logger, after, changes.Through, items.Count, customers.Count, rules ? 1 : 0);
            if (items.Count > 0)
            {
                ItemsChanged(items);
            }

            if (customers.Count > 0)
            {
                CustomersChanged(customers);
            }

            if (rules)
            {
                PayerRulesChanged();
            }
        }
        else
        {
            lock (_pendingGate)
            {
                Advance(changes.Through);
            }
        }

        // The next generation is made here, off the calls' path.
        await SettleAsync(cancellationToken).ConfigureAwait(false);
        if (clock.GetUtcNow() >= _pruneNotBefore && (Volatile.Read(ref _pruning)?.IsCompleted ?? true))
        {
            // Beside the polls, not in them: the first prune of a store written in bulk deletes millions of rows (22 s
            // for 4.3 million on a quiet machine, minutes on a busy one), and no change would be heard of meanwhile.
            // Each of its batches is a transaction of its own, so the polls' reads go on between them.
            _pruneNotBefore = clock.GetUtcNow() + PruneEvery;
            Volatile.Write(ref _pruning, Task.Run(() => PruneAsync(_stopping.Token), CancellationToken.None));
        }
    }

    /// <summary>Prunes the store's change log to its newest <see cref="ChangeLogKeep"/> rows; a failure is logged, and tried again after <see cref="PruneEvery"/>.</summary>
    private async Task PruneAsync(CancellationToken cancellationToken)
    {
        var started = Stopwatch.GetTimestamp();
        try
        {
            var rows = await _feed!.PruneChangesAsync(ChangeLogKeep, cancellationToken).ConfigureAwait(false);
            if (rows > 0)
            {
                var seconds = Stopwatch.GetElapsedTime(started).TotalSeconds;
                Log.ChangeLogPruned(logger, rows, seconds);
            }
        }
        catch (Exception ex) when (!cancellationToken.IsCancellationRequested)
        {
            Log.ChangeLogPruneFailed(logger, PruneEvery, ex);
        }
        catch (Exception) when (cancellationToken.IsCancellationRequested)
        {
            // The server is stopping (Dispose waits for this task: it must not throw).
        }
    }

    /// <summary>Whether this server carried the item or customer forward after <paramref name="change"/> was made (under <see cref="_pendingGate"/>).</summary>
    private bool CarriedAlready(StoreChange change) => _carriedAt.TryGetValue((change.Kind, change.Key), out var carried) && change.Version <= carried;

    /// <summary>Makes the generation due, if one is.</summary>
    private async Task SettleAsync(CancellationToken cancellationToken)
    {
        if (!(Volatile.Read(ref _current) is { } current && current.Generation == Interlocked.Read(ref _generation)))
        {
            await CurrentAsync(cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>Moves the version polls go on from (under <see cref="_pendingGate"/>).</summary>
    private void Advance(long through)
    {
        _changeVersion = Math.Max(_changeVersion, through);

        // A later change comes after every read of a carried item up to this version: what they said is used up.
        foreach (var (key, _) in _carriedAt.Where(c => c.Value <= _changeVersion).ToList())
        {
            _carriedAt.Remove(key);
        }
    }

    public void Dispose()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
        {
            return;
        }

        _stopping.Cancel();

        // A background read still running is told to stop and given a moment to, before what it uses is disposed.
        // (It catches its own failures: waiting cannot throw for them.)
        Volatile.Read(ref _refresh)?.Wait(TimeSpan.FromSeconds(5));
        _polling?.Wait(TimeSpan.FromSeconds(5));
        Volatile.Read(ref _pruning)?.Wait(TimeSpan.FromSeconds(5));
        _stopping.Dispose();
        _reload.Dispose();
    }

    /// <summary>
    /// One generation of the ledger and the matchers over it: the first made from a full read or carried forward
    /// from the last generation, the ones calls use forks of it.
    /// </summary>
    private sealed class Snapshot(long generation, DateTimeOffset loadedAt, LedgerSnapshot ledger, CashMatcher matcher, Dictionary<string, OpenItem?> changed)
    {
        // A fork costs the items its calls touch, not the ledger: idle ones are kept for the next calls, a few
        // more than the cores, and a call that finds none idle makes one rather than wait.
        private static readonly int MaxIdle = 2 * Environment.ProcessorCount;

        private readonly IdlePool<CashMatcher> _idle = new(MaxIdle);
        private readonly Lazy<HashSet<string>> _onRecord = new(() => ledger.Customers.Select(c => c.CustomerId).ToHashSet(StringComparer.Ordinal));

        public long Generation { get; } = generation;

        /// <summary>When the whole ledger was last read: generations carried forward keep the time of the read they started from.</summary>
        public DateTimeOffset LoadedAt { get; } = loadedAt;

        /// <summary>The ledger as this generation sees it.</summary>
        public LedgerSnapshot Ledger { get; } = ledger;

        /// <summary>The ledger as last read in full.</summary>
        public LedgerSnapshot Loaded { get; init; } = ledger;

        /// <summary>The customers upserted since the full read.</summary>
        public HashSet<string> CustomersChanged { get; init; } = new(StringComparer.Ordinal);

        /// <summary>The store's change version before the full read began: every change up to it is in <see cref="Loaded"/>.</summary>
        public long ChangeVersion { get; init; }

        /// <summary>The items changed since the full read, each as it is now (null when closed).</summary>
        public Dictionary<string, OpenItem?> Changed { get; } = changed;

        public CashMatcher Matcher { get; } = matcher;

        public bool OnRecord(string customerId) => _onRecord.Value.Contains(customerId);

        /// <summary>An idle fork, or a new one.</summary>
        public CashMatcher Rent() => _idle.TryTake() ?? Matcher.Fork();

        public void Return(CashMatcher rented) => _idle.TryAdd(rented);
    }

    /// <summary>
    /// The open items of a full read with the changes since: in the read's order, a changed item as it is now and
    /// a closed one left out, then the items new since the read in id order. Built into a list the first time it is
    /// read (an ingest's balance check), not before.
    /// </summary>
    private sealed class ChangedItems(IReadOnlyList<OpenItem> loaded, Dictionary<string, OpenItem?> changed) : IReadOnlyList<OpenItem>
    {
        private readonly Lazy<List<OpenItem>> _items = new(() =>
        {
            var items = new List<OpenItem>(loaded.Count);
            var read = new HashSet<string>(StringComparer.Ordinal);
            foreach (var item in loaded)
            {
                if (!changed.TryGetValue(item.ItemId, out var now))
                {
                    items.Add(item);
                }
                else
                {
                    read.Add(item.ItemId);
                    if (now is not null)
                    {
                        items.Add(now);
                    }
                }
            }

            foreach (var (itemId, now) in changed.OrderBy(c => c.Key, StringComparer.Ordinal))
            {
                if (now is not null && !read.Contains(itemId))
                {
                    items.Add(now);
                }
            }

            return items;
        });

        public int Count => _items.Value.Count;

        public OpenItem this[int index] => _items.Value[index];

        public IEnumerator<OpenItem> GetEnumerator() => _items.Value.GetEnumerator();

        IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();
    }
}
