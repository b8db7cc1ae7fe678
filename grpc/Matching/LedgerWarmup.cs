using System.Diagnostics;
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

/// <summary>Unhealthy (grpc.health.v1 NOT_SERVING) until the first ledger snapshot is read: a load balancer sends no calls to wait for it.</summary>
internal sealed class LedgerHealthCheck(LiveMatcher matcher) : IHealthCheck
{
    public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default) =>
        Task.FromResult(matcher.IsReady ? HealthCheckResult.Healthy() : HealthCheckResult.Unhealthy("the ledger snapshot is still being read"));
}
