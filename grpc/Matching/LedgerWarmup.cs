using System.Diagnostics;
using System.Globalization;
using CashApp.Grpc.Hosting;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace CashApp.Grpc.Matching;

/// <summary>
/// Reads the ledger snapshot as the server starts rather than on the first call, which at millions of items would
/// take minutes. Calls that come before the read is done wait for it; none starts a second one. A failed read is
/// logged and tried again by the next call, or by this service after a pause, and never stops the server.
/// </summary>
internal sealed class LedgerWarmup(LiveMatcher matcher, TimeProvider clock, ILogger<LedgerWarmup> logger) : BackgroundService
{
    /// <summary>The first pause after a failed read; it doubles up to <see cref="LongestPause"/>.</summary>
    internal static readonly TimeSpan FirstPause = TimeSpan.FromSeconds(5);

    internal static readonly TimeSpan LongestPause = TimeSpan.FromMinutes(2);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        // Let the host go on starting: the server listens (and reports NOT_SERVING) while the ledger is read.
        await Task.Yield();
        Log.LedgerLoading(logger);
        var pause = FirstPause;
        while (!stoppingToken.IsCancellationRequested)
        {
            var started = Stopwatch.GetTimestamp();
            try
            {
                await matcher.SnapshotAsync(stoppingToken).ConfigureAwait(false);
                var took = Stopwatch.GetElapsedTime(started).TotalSeconds;
                Log.LedgerReady(logger, took);
                return;
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
#pragma warning disable CA1031 // Whatever the store threw, the server stays up and tries again; the error is logged.
            catch (Exception ex)
#pragma warning restore CA1031
            {
                var took = Stopwatch.GetElapsedTime(started).TotalSeconds;
                Log.LedgerLoadFailed(logger, ex, took, pause.TotalSeconds);
            }

            try
            {
                await Task.Delay(pause, clock, stoppingToken).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                return;
            }

            pause = pause * 2 < LongestPause ? pause * 2 : LongestPause;
        }
    }
}

/// <summary>
/// Unhealthy (grpc.health.v1 NOT_SERVING) until the first ledger snapshot is read: a load balancer sends no calls to wait
/// for it; and again while failing polls of the store's change log have made the snapshot stale and no full read has
/// replaced it (the store is down, say). Degraded (still SERVING: the snapshot is confirmed by full reads) while polls
/// fail in a row. The result's data carries the matcher's counts: full reads, generations carried forward, polls and
/// failed ones.
/// </summary>
internal sealed class LedgerHealthCheck(LiveMatcher matcher) : IHealthCheck
{
    public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        if (!matcher.IsReady)
        {
            return Task.FromResult(HealthCheckResult.Unhealthy("the ledger snapshot is still being read"));
        }

        var confirmed = matcher.ConfirmedAt.ToString("O", CultureInfo.InvariantCulture);
        var data = new Dictionary<string, object>(StringComparer.Ordinal)
        {
            ["full_reads"] = matcher.FullLoads,
            ["carried_forward"] = matcher.CarriedForward,
            ["polls"] = matcher.Polls,
            ["poll_failures"] = matcher.PollFailures,
            ["poll_failures_in_row"] = matcher.PollFailuresInRow,
            ["stale_reads"] = matcher.StaleReads,
            ["confirmed_at"] = confirmed,
        };
        var inRow = matcher.PollFailuresInRow;
        return Task.FromResult(
            matcher.IsStale ? HealthCheckResult.Unhealthy(string.Create(CultureInfo.InvariantCulture, $"the ledger snapshot is stale: {inRow} polls of the store's change log failed in a row, none has confirmed it since {confirmed}, and reading the ledger in full has not yet replaced it"), data: data)
            : inRow > 0 ? HealthCheckResult.Degraded(string.Create(CultureInfo.InvariantCulture, $"{inRow} polls of the store's change log failed in a row; the snapshot was last confirmed at {confirmed}, and is read in full after {LiveMatcher.StalePollFailures} failed polls"), data: data)
            : HealthCheckResult.Healthy(data: data));
    }
}
