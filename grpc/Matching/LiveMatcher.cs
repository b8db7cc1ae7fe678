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
/// the indexes and the opening amounts, and hold only what their call consumed), so calls run in parallel
/// instead of queueing on one matcher's gate.
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
        var matcher = snapshot.Rent();
        MatchResult result;
        try
        {
            result = matcher.Propose(payments);
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

    /// <summary>One load of the ledger and the matchers over it: the first built from the load, the ones calls use forks of it.</summary>
    private sealed class Snapshot(long generation, DateTimeOffset loadedAt, LedgerSnapshot ledger, CashMatcher matcher)
    {
        // A fork costs the items its calls touch, not the ledger: idle ones are kept for the next calls, a few
        // more than the cores, and a call that finds none idle makes one rather than wait.
        private static readonly int MaxIdle = 2 * Environment.ProcessorCount;

        private readonly ConcurrentBag<CashMatcher> _idle = [];

        public long Generation { get; } = generation;

        public DateTimeOffset LoadedAt { get; } = loadedAt;

        public LedgerSnapshot Ledger { get; } = ledger;

        /// <summary>An idle fork, or a new one.</summary>
        public CashMatcher Rent() => _idle.TryTake(out var idle) ? idle : matcher.Fork();

        public void Return(CashMatcher rented)
        {
            if (_idle.Count < MaxIdle)
            {
                _idle.Add(rented);
            }
        }
    }
}
