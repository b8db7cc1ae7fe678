using System.Collections.Concurrent;
using System.Diagnostics;
using CashApp.Store;
using CashApp.Engine.Matching;
using CashApp.Engine.Model;
using CashApp.Grpc.Hosting;

namespace CashApp.Grpc.Matching;

/// <summary>
/// Matches payments against the ledger as it stands: a snapshot of the open items and customers, read
/// from the store in one transaction and reused until a write through this server changes them, or until
/// it is older than <see cref="ServeOptions.SnapshotMaxAge"/> (another server may share the database).
/// Safe for concurrent calls: each call proposes on a fork of the snapshot's matcher of its own (forks share
/// the indexes), so calls run in parallel instead of queueing on one matcher's gate.
/// </summary>
internal sealed class LiveMatcher(ICashStore store, MatchPolicy policy, TimeSpan maxAge, TimeProvider clock, ILogger<LiveMatcher> logger) : ILedgerMatcher, IDisposable
{
    private readonly SemaphoreSlim _reload = new(1, 1);
    private Snapshot? _current;
    private long _generation;

    /// <summary>Marks the snapshot stale: the next match reads the ledger again.</summary>
    public void Invalidate() => Interlocked.Increment(ref _generation);

    /// <summary>
    /// Matches one batch of payments as one run against the current snapshot. Nothing is stored: what one
    /// call applies is not seen by the next (<see cref="CashMatcher.Propose"/> gives the open amounts back).
    /// The indexes are built once per snapshot, not per call.
    /// </summary>
    public async ValueTask<(MatchResult Result, LedgerSnapshot Snapshot)> MatchAsync(IReadOnlyList<Payment> payments, CancellationToken cancellationToken)
    {
        var snapshot = await CurrentAsync(cancellationToken).ConfigureAwait(false);
        var (matcher, pooled) = snapshot.Rent();
        MatchResult result;
        try
        {
            result = matcher.Propose(payments);
        }
        catch (InvalidOperationException)
        {
            // Matching refused its own choice half-way: the instance may hold consumed amounts. Build anew.
            Invalidate();
            throw;
        }

        if (pooled)
        {
            snapshot.Return(matcher);
        }

        return (result, snapshot.Ledger);
    }

    /// <summary>The open items and customers matching currently sees.</summary>
    public async ValueTask<LedgerSnapshot> SnapshotAsync(CancellationToken cancellationToken) =>
        (await CurrentAsync(cancellationToken).ConfigureAwait(false)).Ledger;

    private async ValueTask<Snapshot> CurrentAsync(CancellationToken cancellationToken)
    {
        var current = Volatile.Read(ref _current);
        if (IsFresh(current))
        {
            return current!;
        }

        await _reload.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            current = Volatile.Read(ref _current);
            if (IsFresh(current))
            {
                return current!;
            }

            var generation = Interlocked.Read(ref _generation);
            var started = Stopwatch.GetTimestamp();
            var ledger = await store.LoadSnapshotAsync(cancellationToken).ConfigureAwait(false);
            var built = new CashMatcher(ledger.OpenItems, ledger.Customers, policy);
            if (store is IPayerRuleStore rules)
            {
                // What specialists' resolutions taught about who pays: read with the ledger, refreshed with it.
                built.UsePayerRules(await rules.ListActivePayerRulesAsync(cancellationToken).ConfigureAwait(false));
            }

            current = new Snapshot(generation, clock.GetUtcNow(), ledger, built);
            Volatile.Write(ref _current, current);
            var elapsed = Stopwatch.GetElapsedTime(started).TotalMilliseconds;
            Log.MatcherRebuilt(logger, ledger.OpenItems.Count, ledger.Customers.Count, elapsed);
            return current;
        }
        finally
        {
            _reload.Release();
        }
    }

    private bool IsFresh(Snapshot? snapshot) =>
        snapshot is not null
        && snapshot.Generation == Interlocked.Read(ref _generation)
        && (maxAge == TimeSpan.MaxValue || clock.GetUtcNow() - snapshot.LoadedAt < maxAge);

    public void Dispose() => _reload.Dispose();

    /// <summary>One load of the ledger and the matchers over it: the first built from the load, the others forks of it.</summary>
    private sealed class Snapshot(long generation, DateTimeOffset loadedAt, LedgerSnapshot ledger, CashMatcher matcher)
    {
        // Each fork holds one array of open amounts; a few more than the cores cover calls preempted mid-match.
        private static readonly int MaxMatchers = 2 * Environment.ProcessorCount;

        private readonly ConcurrentBag<CashMatcher> _idle = [matcher];
        private int _matchers = 1;

        public long Generation { get; } = generation;

        public DateTimeOffset LoadedAt { get; } = loadedAt;

        public LedgerSnapshot Ledger { get; } = ledger;

        /// <summary>An idle matcher, a new fork, or (all busy and no more allowed) the first one shared, whose gate queues its callers.</summary>
        public (CashMatcher Matcher, bool Pooled) Rent()
        {
            if (_idle.TryTake(out var idle))
            {
                return (idle, true);
            }

            if (Interlocked.Increment(ref _matchers) <= MaxMatchers)
            {
                return (matcher.Fork(), true);
            }

            Interlocked.Decrement(ref _matchers);
            return (matcher, false);
        }

        public void Return(CashMatcher rented) => _idle.Add(rented);
    }
}
