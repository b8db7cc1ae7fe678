using System.Diagnostics;
using System.Reflection;
using System.Runtime.ExceptionServices;
using CashApp.Engine.Matching;
using CashApp.Engine.Model;
using CashApp.Grpc.Hosting;
using CashApp.Grpc.Matching;
using CashApp.Parsers.Currency;
using CashApp.Store;
using Grpc.Core;
using Grpc.Health.V1;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Time.Testing;
using V1 = CashApp.Grpc.V1;

namespace CashApp.Grpc.Tests.Server;

/// <summary>
/// A server that holds (issue 16): the ledger snapshot is read as the server starts, calls that come first wait for
/// that read and health says NOT_SERVING until it is done, a failed read is retried and never stops the server, and a
/// snapshot past its max age is read again in the background while calls go on with it; the store refuses what
/// the old snapshot gets wrong, so no item is ever applied past its open amount.
/// </summary>
public sealed class WarmSnapshotTests
{
    private static readonly CurrencyCode Usd = new("USD");

    [Fact]
    public async Task Start_LedgerOnFile_ReadBeforeAnyCallAndServing()
    {
        var first = new ServerFixture();
        await using var ownFirst = new Own(first);
        await first.InitializeAsync();
        await first.OpenItems("ar-system").UpsertAsync([MatchingTests.Invoice("W-START-1", "W-CUST", "INV-W-1001", 4_200), MatchingTests.Invoice("W-START-2", "W-CUST", "INV-W-1002", 5_300)]);
        await first.StopServerAsync();

        // A new server on the file: its fixture returns once the ledger is read, with no call made.
        var second = ServerFixture.OnStoreOf(first);
        await using var ownSecond = new Own(second);
        await second.InitializeAsync();
        Assert.Equal(1, second.Matcher.FullLoads);
        Assert.True(second.Matcher.IsReady);
        var health = await new Health.HealthClient(second.Channel).CheckAsync(new HealthCheckRequest());
        Assert.Equal(HealthCheckResponse.Types.ServingStatus.Serving, health.Status);

        var response = await second.Matching("ar-system").MatchAsync(new V1.MatchRequest { Payments = { MatchingTests.Payment("W-START-PAY", 5_300, "INV-W-1002") } });
        Assert.Equal("W-START-2", Assert.Single(response.Applications).ItemId);
        Assert.Equal(1, second.Matcher.FullLoads);
    }

    [Fact]
    public async Task CarryForward_CallCancelledWhileItemsAreRead_TheWriteReachesTheNextSnapshot()
    {
        await using var ledger = await Ledger.OpenAsync();
        var logs = new ListLogger();
        using var matcher = new LiveMatcher(ledger.Store, MatchPolicy.Default, TimeSpan.MaxValue, TimeProvider.System, logs.For<LiveMatcher>());
        Assert.Equal(2, (await matcher.SnapshotAsync(CancellationToken.None)).OpenItems.Count);

        // An AR system adds an invoice (OpenItemsService: upsert, then ItemsChanged).
        var date = new DateOnly(2026, 10, 1);
        await ledger.Store.UpsertOpenItemsAsync([new OpenItem("W-L-9", DocType.Invoice, "W-CUST", "W Customer Inc.", "INV-W-4009", null, Usd, 3_000, date, date.AddDays(30))], "test");
        matcher.ItemsChanged(["W-L-9"]);

        // The next call is cancelled (deadline) while the changed item is read.
        ledger.Gate.FailItemReads = 1;
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => matcher.SnapshotAsync(CancellationToken.None).AsTask());

        // Every later snapshot must hold the new invoice.
        var after = await matcher.SnapshotAsync(CancellationToken.None);
        Assert.Contains(after.OpenItems, i => i.ItemId == "W-L-9");
    }

    [Fact]
    public async Task Warmup_ReadUnderWay_NotServingAndCallsWaitForThatRead()
    {
        await using var ledger = await Ledger.OpenAsync();
        var release = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        ledger.Gate.Load = async (inner, token) =>
        {
            await release.Task.WaitAsync(token);
            return await inner.LoadSnapshotAsync(token);
        };
        var logs = new ListLogger();
        using var matcher = new LiveMatcher(ledger.Store, MatchPolicy.Default, TimeSpan.MaxValue, TimeProvider.System, logs.For<LiveMatcher>());
        using var warmup = new LedgerWarmup(matcher, TimeProvider.System, logs.For<LedgerWarmup>());
        var health = new LedgerHealthCheck(matcher);

        await warmup.StartAsync(CancellationToken.None);
        await ledger.Gate.Started.WaitAsync(TimeSpan.FromMinutes(1));
        Assert.Equal(HealthStatus.Unhealthy, (await health.CheckHealthAsync(new HealthCheckContext())).Status);
        var calls = Enumerable.Range(0, 3).Select(_ => matcher.SnapshotAsync(CancellationToken.None).AsTask()).ToList();
        Assert.DoesNotContain(calls, c => c.IsCompleted);

        release.SetResult();
        var seen = await Task.WhenAll(calls).WaitAsync(TimeSpan.FromMinutes(1));
        await warmup.ExecuteTask!.WaitAsync(TimeSpan.FromMinutes(1));

        // One read, the start-up's, for the warm-up and the three calls.
        Assert.Equal((1, 1L), (ledger.Gate.Reads, matcher.FullLoads));
        Assert.All(seen, s => Assert.Equal(2, s.OpenItems.Count));
        Assert.Equal(HealthStatus.Healthy, (await health.CheckHealthAsync(new HealthCheckContext())).Status);
        Assert.Contains(logs.Lines, l => l.Contains("Ledger snapshot read: 2 open items", StringComparison.Ordinal));
        Assert.Contains(logs.Lines, l => l.StartsWith("Ready:", StringComparison.Ordinal));
        await warmup.StopAsync(CancellationToken.None);
    }

    /// <summary>
    /// A ledger past what one matcher holds (its fuzzy index's items, lowered here to one so that two reach it) is not
    /// matched: the call fails saying so, the server goes on, and the ledger is read again by the next call, which
    /// matches once it fits.
    /// </summary>
    [Fact]
    public async Task Match_LedgerPastWhatOneMatcherHolds_RefusedThenReadAgainOnceItFits()
    {
        await using var ledger = await Ledger.OpenAsync();
        var logs = new ListLogger();
        using var matcher = new LiveMatcher(ledger.Store, MatchPolicy.Default, TimeSpan.MaxValue, TimeProvider.System, logs.For<LiveMatcher>());
        var payment = new Payment("W-CAPACITY-PAY", new Money(7_500, Usd), null, null, [], "INV-W-4002", "day.bai2", 1);
        using (MatcherCapacity.Lowered(fuzzyItems: 1))
        {
            var refused = await Assert.ThrowsAsync<LedgerCapacityException>(() => matcher.MatchAsync([payment], MatchStage.Whole, null, CancellationToken.None).AsTask());
            Assert.Equal((2L, 1L), (refused.Asked, refused.Limit));
        }

        var (result, _) = await matcher.MatchAsync([payment], MatchStage.Whole, null, CancellationToken.None);
        Assert.Equal("W-L-2", Assert.Single(result.Applications).ItemId);
        Assert.Equal(1L, matcher.FullLoads);
    }

    /// <summary>
    /// A full read asked for (the snapshot invalidated) that fails is asked for still: the next call reads the whole
    /// ledger, rather than carrying the failed read's snapshot forward with nothing changed.
    /// </summary>
    [Fact]
    public async Task Invalidate_TheFullReadFails_TheNextCallReadsInFull()
    {
        await using var ledger = await Ledger.OpenAsync();
        var logs = new ListLogger();
        using var matcher = new LiveMatcher(ledger.Store, MatchPolicy.Default, TimeSpan.MaxValue, TimeProvider.System, logs.For<LiveMatcher>());
        Assert.Equal(2, (await matcher.SnapshotAsync(CancellationToken.None)).OpenItems.Count);
        Assert.Equal(1L, matcher.FullLoads);

        var failures = 1;
        ledger.Gate.Load = (inner, token) => Interlocked.Decrement(ref failures) >= 0
            ? throw new IOException("the store went away")
            : inner.LoadSnapshotAsync(token);
        matcher.Invalidate();
        await Assert.ThrowsAsync<IOException>(() => matcher.SnapshotAsync(CancellationToken.None).AsTask());
        Assert.Equal(1L, matcher.FullLoads);

        Assert.Equal(2, (await matcher.SnapshotAsync(CancellationToken.None)).OpenItems.Count);
        Assert.Equal((2L, 2), (matcher.FullLoads, ledger.Gate.Reads));
    }

    /// <summary>
    /// A snapshot carried forward numbers added items past every item it was built with, closed ones too: an item added
    /// past the fuzzy index's room (lowered here to two) is not carried but read in full, where only the open items are
    /// numbered, and the ledger that fits is matched, never refused.
    /// </summary>
    [Fact]
    public async Task CarryForward_ItemAddedPastTheFuzzyIndexsRoom_ReadInFullAndMatched()
    {
        await using var ledger = await Ledger.OpenAsync();
        var logs = new ListLogger();
        using var matcher = new LiveMatcher(ledger.Store, MatchPolicy.Default, TimeSpan.MaxValue, TimeProvider.System, logs.For<LiveMatcher>());
        using (MatcherCapacity.Lowered(fuzzyItems: 2))
        {
            Assert.Equal(2, (await matcher.SnapshotAsync(CancellationToken.None)).OpenItems.Count);

            // W-L-1 paid and closed, W-L-9 added: two open items still.
            var date = new DateOnly(2026, 10, 1);
            await ledger.Store.CloseOpenItemsAsync(["W-L-1"], "test", "paid");
            await ledger.Store.UpsertOpenItemsAsync([new OpenItem("W-L-9", DocType.Invoice, "W-CUST", "W Customer Inc.", "INV-W-4009", null, Usd, 3_000, date, date.AddDays(30))], "test");
            matcher.ItemsChanged(["W-L-1", "W-L-9"]);

            var payment = new Payment("W-CAPACITY-NEW", new Money(3_000, Usd), null, null, [], "INV-W-4009", "day.bai2", 1);
            var (result, snapshot) = await matcher.MatchAsync([payment], MatchStage.Whole, null, CancellationToken.None);
            Assert.Equal("W-L-9", Assert.Single(result.Applications).ItemId);
            Assert.Equal(["W-L-2", "W-L-9"], snapshot.OpenItems.Select(i => i.ItemId).Order(StringComparer.Ordinal));
            Assert.Equal((2L, 0L), (matcher.FullLoads, matcher.CarriedForward));
        }
    }

    [Fact]
    public async Task Poll_APruneThatTakesLong_PollsGoOnBesideIt()
    {
        // The first prune of a store written in bulk deletes millions of rows: here one that holds until the test lets it go.
        await using var ledger = await Ledger.OpenAsync();
        var pruning = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var release = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var prunes = 0;
        ledger.Gate.Prune = async (feed, keep, token) =>
        {
            Interlocked.Increment(ref prunes);
            pruning.TrySetResult();
            await release.Task.WaitAsync(token);
            return await feed.PruneChangesAsync(keep, token);
        };
        var clock = new FakeTimeProvider(new DateTimeOffset(2026, 12, 3, 9, 0, 0, TimeSpan.Zero));
        var logs = new ListLogger();
        using var matcher = new LiveMatcher(ledger.Store, MatchPolicy.Default, TimeSpan.MaxValue, clock, logs.For<LiveMatcher>(), TimeSpan.FromSeconds(1));
        Assert.Equal(2, (await matcher.SnapshotAsync(CancellationToken.None)).OpenItems.Count);

        // Past the prune's pause, a poll starts it, and ends while it holds.
        var polled = matcher.NextPoll;
        clock.Advance(LiveMatcher.PruneEvery);
        await polled.WaitAsync(TimeSpan.FromMinutes(1));
        await pruning.Task.WaitAsync(TimeSpan.FromMinutes(1));

        // An invoice written meanwhile is heard of by the next poll, and a payment quoting it is applied to it.
        var date = new DateOnly(2026, 10, 1);
        await ledger.Store.UpsertOpenItemsAsync([new OpenItem("W-L-3", DocType.Invoice, "W-CUST", "W Customer Inc.", "INV-W-4003", null, Usd, 9_000, date, date.AddDays(30))], "test");
        polled = matcher.NextPoll;
        clock.Advance(TimeSpan.FromSeconds(1));
        await polled.WaitAsync(TimeSpan.FromMinutes(1));
        var payment = new Payment("W-PRUNING-PAY", new Money(9_000, Usd), null, null, [], "INV-W-4003", "day.bai2", 1);
        var (result, _) = await matcher.MatchAsync([payment], MatchStage.Whole, null, CancellationToken.None);
        Assert.Equal("W-L-3", Assert.Single(result.Applications).ItemId);
        Assert.Equal((0L, 1), (matcher.PollFailures, Volatile.Read(ref prunes)));

        // The prune still holding, no second one starts; let go, it ends without a failure.
        polled = matcher.NextPoll;
        clock.Advance(LiveMatcher.PruneEvery);
        await polled.WaitAsync(TimeSpan.FromMinutes(1));
        Assert.Equal(1, Volatile.Read(ref prunes));
        release.TrySetResult();
        matcher.Dispose();
        Assert.DoesNotContain(logs.Lines, l => l.Contains("Pruning the store's change log failed", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Warmup_ReadFails_LoggedServerUpAndTheNextCallReads()
    {
        await using var ledger = await Ledger.OpenAsync();
        var failures = 1;
        ledger.Gate.Load = (inner, token) => Interlocked.Decrement(ref failures) >= 0
            ? Task.FromException<LedgerSnapshot>(new InvalidOperationException("the disk went away"))
            : inner.LoadSnapshotAsync(token);
        var logs = new ListLogger();
        var clock = new FakeTimeProvider();
        using var matcher = new LiveMatcher(ledger.Store, MatchPolicy.Default, TimeSpan.MaxValue, clock, logs.For<LiveMatcher>());
        using var warmup = new LedgerWarmup(matcher, clock, logs.For<LedgerWarmup>());
        var health = new LedgerHealthCheck(matcher);

        await warmup.StartAsync(CancellationToken.None);
        var error = await logs.Error.Task.WaitAsync(TimeSpan.FromMinutes(1));
        Assert.Contains("failed", error, StringComparison.Ordinal);
        Assert.Contains("the disk went away", error, StringComparison.Ordinal);
        Assert.False(matcher.IsReady);
        Assert.Equal(HealthStatus.Unhealthy, (await health.CheckHealthAsync(new HealthCheckContext())).Status);
        Assert.False(warmup.ExecuteTask!.IsCompleted);

        // The next call reads the ledger itself.
        var seen = await matcher.SnapshotAsync(CancellationToken.None);
        Assert.Equal(2, seen.OpenItems.Count);
        Assert.Equal(HealthStatus.Healthy, (await health.CheckHealthAsync(new HealthCheckContext())).Status);

        // The warm-up's own retry, after its pause, finds the snapshot read and reads nothing more. (The warm-up may
        // not have started its pause yet when the error is logged: the fake clock is moved on until it has ended.)
        var deadline = Stopwatch.StartNew();
        while (!warmup.ExecuteTask.IsCompleted && deadline.Elapsed < TimeSpan.FromMinutes(1))
        {
            clock.Advance(LedgerWarmup.FirstPause);
            await Task.WhenAny(warmup.ExecuteTask, Task.Delay(TimeSpan.FromMilliseconds(20)));
        }

        await warmup.ExecuteTask.WaitAsync(TimeSpan.FromSeconds(1));
        Assert.Equal((2, 1L), (ledger.Gate.Reads, matcher.FullLoads));
        await warmup.StopAsync(CancellationToken.None);
    }

    [Fact]
    public async Task Refresh_ReadFails_NoOtherReadUntilThePauseIsOver()
    {
        await using var ledger = await Ledger.OpenAsync();
        var failing = false;
        ledger.Gate.Load = (inner, token) => Volatile.Read(ref failing)
            ? Task.FromException<LedgerSnapshot>(new InvalidOperationException("the disk went away"))
            : inner.LoadSnapshotAsync(token);
        var clock = new FakeTimeProvider(new DateTimeOffset(2026, 12, 3, 9, 0, 0, TimeSpan.Zero));
        var logs = new ListLogger();
        using var matcher = new LiveMatcher(ledger.Store, MatchPolicy.Default, TimeSpan.FromMinutes(1), clock, logs.For<LiveMatcher>());
        Assert.Equal(2, (await matcher.SnapshotAsync(CancellationToken.None)).OpenItems.Count);

        // Past the max age, the background read fails: the snapshot in place stays in use.
        Volatile.Write(ref failing, true);
        clock.Advance(TimeSpan.FromMinutes(2));
        Assert.Equal(2, (await matcher.SnapshotAsync(CancellationToken.None)).OpenItems.Count);
        var failed = matcher.Refreshing!;
        await failed.WaitAsync(TimeSpan.FromMinutes(1));
        Assert.Contains(logs.Lines, l => l.Contains("tries again after 00:00:05", StringComparison.Ordinal));

        // Calls within the pause start no read.
        for (var i = 0; i < 5; i++)
        {
            await matcher.SnapshotAsync(CancellationToken.None);
        }

        Assert.Same(failed, matcher.Refreshing);
        Assert.Equal(2, ledger.Gate.Reads);

        // After it, one read again, which now succeeds.
        Volatile.Write(ref failing, false);
        clock.Advance(LedgerWarmup.FirstPause);
        await matcher.SnapshotAsync(CancellationToken.None);
        Assert.NotSame(failed, matcher.Refreshing);
        await matcher.Refreshing!.WaitAsync(TimeSpan.FromMinutes(1));
        Assert.Equal((3, 2L), (ledger.Gate.Reads, matcher.FullLoads));
    }

    [Fact]
    public async Task Snapshot_PastMaxAge_CallGoesOnWithItWhileOneReadReplacesIt()
    {
        var clock = new FakeTimeProvider(new DateTimeOffset(2026, 12, 3, 9, 0, 0, TimeSpan.Zero));
        await using var servers = await TwoServers.StartAsync(clock);
        var (first, second) = (servers.First, servers.Second);

        // Written through the first server: the second's snapshot, read at its start, has not got it.
        await first.OpenItems("ar-system").UpsertAsync([MatchingTests.Invoice("W-AGE-1", "W-CUST", "INV-W-2001", 10_000)]);
        var probe = new V1.MatchRequest { Payments = { MatchingTests.Payment("W-AGE-PAY", 10_000, "INV-W-2001") } };
        Assert.Empty((await second.Matching("ar-system").MatchAsync(probe)).Applications);

        // Past the max age: this call is answered from the snapshot in place and starts one read; the next sees it.
        clock.Advance(TimeSpan.FromMinutes(2));
        var stale = await second.Matching("ar-system").MatchAsync(probe);
        var refreshing = second.Matcher.Refreshing;
        Assert.Empty(stale.Applications);
        Assert.NotNull(refreshing);
        await refreshing.WaitAsync(TimeSpan.FromMinutes(1));
        var fresh = await second.Matching("ar-system").MatchAsync(probe);
        Assert.Equal("W-AGE-1", Assert.Single(fresh.Applications).ItemId);
        Assert.Equal(2, second.Matcher.FullLoads);
    }

    [Fact]
    public async Task Refresh_WriteAfterItsReadCarriedForwardMeanwhile_NewSnapshotHasTheWriteToo()
    {
        await using var ledger = await Ledger.OpenAsync();
        var clock = new FakeTimeProvider(new DateTimeOffset(2026, 12, 3, 9, 0, 0, TimeSpan.Zero));
        using var matcher = new LiveMatcher(ledger.Store, MatchPolicy.Default, TimeSpan.FromMinutes(1), clock, new ListLogger().For<LiveMatcher>());
        Assert.Equal(12_000, Open(await matcher.SnapshotAsync(CancellationToken.None), "W-L-1"));

        // The background read has read the ledger, and is held before it is put in place.
        var read = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var release = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        ledger.Gate.Load = async (inner, token) =>
        {
            var snapshot = await inner.LoadSnapshotAsync(token);
            read.SetResult();
            await release.Task.WaitAsync(token);
            return snapshot;
        };
        clock.Advance(TimeSpan.FromMinutes(2));
        Assert.Equal(12_000, Open(await matcher.SnapshotAsync(CancellationToken.None), "W-L-1"));
        var refreshing = matcher.Refreshing!;
        await read.Task.WaitAsync(TimeSpan.FromMinutes(1));

        // This server writes an item after that read; a call carries the snapshot in place forward with it.
        var date = new DateOnly(2026, 10, 1);
        await ledger.Store.UpsertOpenItemsAsync([new OpenItem("W-L-1", DocType.Invoice, "W-CUST", "W Customer Inc.", "INV-W-4001", null, Usd, 9_000, date, date.AddDays(30))], "test");
        matcher.ItemsChanged(["W-L-1"]);
        Assert.Equal(9_000, Open(await matcher.SnapshotAsync(CancellationToken.None), "W-L-1"));

        // The new snapshot, read before the write, is put in place: the next call reads the item again.
        release.SetResult();
        await refreshing.WaitAsync(TimeSpan.FromMinutes(1));
        Assert.Equal(2, matcher.FullLoads);
        Assert.Equal(9_000, Open(await matcher.SnapshotAsync(CancellationToken.None), "W-L-1"));
        Assert.Equal(2, matcher.FullLoads);
    }

    private static long Open(LedgerSnapshot snapshot, string itemId) => snapshot.OpenItems.Single(i => i.ItemId == itemId).OpenMinor;

    [Fact]
    public async Task Snapshot_OldAfterAnotherServersWrite_CommitAndResolveNeverOverApply()
    {
        var clock = new FakeTimeProvider(new DateTimeOffset(2026, 12, 3, 9, 0, 0, TimeSpan.Zero));
        await using var servers = await TwoServers.StartAsync(clock, first => first.OpenItems("ar-system").UpsertAsync([MatchingTests.Invoice("W-OVER-1", "W-CUST", "INV-W-3001", 25_000), MatchingTests.Invoice("W-OVER-2", "W-CUST", "INV-W-3002", 8_000)]));
        var (first, second) = (servers.First, servers.Second);
        Assert.Single((await second.Matching("ar-system").MatchAsync(new V1.MatchRequest { Payments = { MatchingTests.Payment("W-OVER-PROBE", 25_000, "INV-W-3001") } })).Applications);

        // The first server pays both invoices in full; behind the second's back, whose snapshot still has them open.
        var paid = await first.Matching("ar-system").MatchAsync(new V1.MatchRequest
        {
            Commit = true,
            Payments = { MatchingTests.Payment("W-OVER-A", 25_000, "INV-W-3001"), MatchingTests.Payment("W-OVER-B", 8_000, "INV-W-3002") },
        });
        Assert.Equal(2, paid.Applications.Count);

        // Within the max age, and past it (the call goes on with the old snapshot while a read starts): a committed
        // match through the second server would pay them again from its snapshot. The store refuses; it matches anew.
        var again = await second.Matching("ar-system").MatchAsync(new V1.MatchRequest { Commit = true, Payments = { MatchingTests.Payment("W-OVER-C", 25_000, "INV-W-3001") } });
        clock.Advance(TimeSpan.FromMinutes(5));
        var later = await second.Matching("ar-system").MatchAsync(new V1.MatchRequest { Commit = true, Payments = { MatchingTests.Payment("W-OVER-D", 8_000, "INV-W-3002") } });
        Assert.True(again.Committed && later.Committed);
        Assert.Empty(again.Applications);
        Assert.Empty(later.Applications);
        Assert.Equal(25_000, Assert.Single(again.Exceptions).UnappliedAmountMinor);
        Assert.Equal(8_000, Assert.Single(later.Exceptions).UnappliedAmountMinor);

        // A specialist working through the second server cannot apply them past their open amount either.
        var open = await second.Exceptions("specialist").ListAsync(new V1.ListExceptionsRequest { Status = V1.ExceptionStatus.Open, PageSize = 100 });
        var exception = Assert.Single(open.Exceptions, e => e.PaymentRef == "W-OVER-C");
        var refused = await Assert.ThrowsAsync<RpcException>(async () => await second.Exceptions("specialist").ResolveAsync(new V1.ResolveExceptionRequest
        {
            ExceptionId = exception.ExceptionId,
            ExpectedRowVersion = exception.RowVersion,
            Reason = "customer called",
            ApplyToItems = new V1.ApplyToItems { Applications = { new V1.ItemApplication { ItemId = "W-OVER-1", AmountMinor = 25_000 } } },
        }));
        Assert.Equal(StatusCode.FailedPrecondition, refused.StatusCode);

        // Each invoice applied once, for its open amount, and closed.
        var applications = await first.Store.ListApplicationsAsync(new ApplicationQuery());
        foreach (var (itemId, minor) in new[] { ("W-OVER-1", 25_000L), ("W-OVER-2", 8_000L) })
        {
            Assert.Equal(minor, applications.Where(a => a.ItemId == itemId).Sum(a => a.Amount.Minor));
            var stored = (await first.Store.GetOpenItemAsync(itemId))!;
            Assert.Equal((0L, minor), (stored.RemainingMinor, stored.AppliedMinor));
        }
    }

    [Fact]
    public async Task Poll_InvoiceUpsertedThroughTheFirstServer_MatchedThroughTheSecondWithoutAFullRead()
    {
        var clock = new FakeTimeProvider(new DateTimeOffset(2026, 12, 3, 9, 0, 0, TimeSpan.Zero));
        // The customer is known to the second server's snapshot (a new item of an unknown one is read in full).
        await using var servers = await TwoServers.StartAsync(clock, first => first.OpenItems("ar-system").UpsertAsync([MatchingTests.Invoice("ZO-1", "W-CUST", "INV-W-4999", 3_000)]), TimeSpan.FromSeconds(1));
        var (first, second) = (servers.First, servers.Second);
        var (loads, carried) = (second.Matcher.FullLoads, second.Matcher.CarriedForward);

        // Written through the first server: until the second polls, its snapshot has not got it.
        await first.OpenItems("ar-system").UpsertAsync([MatchingTests.Invoice("ZP-1", "W-CUST", "INV-W-5001", 10_000)]);
        var probe = new V1.MatchRequest { Payments = { MatchingTests.Payment("W-POLL-PAY", 10_000, "INV-W-5001") } };
        Assert.Empty((await second.Matching("ar-system").MatchAsync(probe)).Applications);

        // One poll interval later the second has carried its snapshot forward with the new invoice.
        await PollAsync(second, clock);
        var matched = await second.Matching("ar-system").MatchAsync(probe);

        Assert.Equal(("ZP-1", 10_000L), (Assert.Single(matched.Applications).ItemId, matched.Applications[0].AmountMinor));
        Assert.Equal(loads, second.Matcher.FullLoads);
        Assert.Equal(carried + 1, second.Matcher.CarriedForward);
    }

    [Fact]
    public async Task Poll_ApplicationCommittedThroughTheFirstServer_TheSecondProposesFromTheReducedOpenAmount()
    {
        var clock = new FakeTimeProvider(new DateTimeOffset(2026, 12, 3, 9, 0, 0, TimeSpan.Zero));
        await using var servers = await TwoServers.StartAsync(clock, first => first.OpenItems("ar-system").UpsertAsync([MatchingTests.Invoice("ZP-2", "W-CUST", "INV-W-6001", 25_000)]), TimeSpan.FromSeconds(1));
        var (first, second) = (servers.First, servers.Second);
        var full = new V1.MatchRequest { Payments = { MatchingTests.Payment("W-POLL-FULL", 25_000, "INV-W-6001") } };
        Assert.Equal(25_000, Assert.Single((await second.Matching("ar-system").MatchAsync(full)).Applications).AmountMinor);
        var loads = second.Matcher.FullLoads;

        // A short payment goes to exceptions; a specialist applies it to the invoice through the first server.
        var committed = await first.Matching("ar-system").MatchAsync(new V1.MatchRequest { Commit = true, Payments = { MatchingTests.Payment("W-POLL-PART", 10_000, "INV-W-6001") } });
        Assert.True(committed.Committed);
        var open = await first.Exceptions("specialist").ListAsync(new V1.ListExceptionsRequest { Status = V1.ExceptionStatus.Open, PageSize = 100 });
        var exception = Assert.Single(open.Exceptions, e => e.PaymentRef == "W-POLL-PART");
        await first.Exceptions("specialist").ResolveAsync(new V1.ResolveExceptionRequest
        {
            ExceptionId = exception.ExceptionId,
            ExpectedRowVersion = exception.RowVersion,
            Reason = "customer paid in part",
            ApplyToItems = new V1.ApplyToItems { Applications = { new V1.ItemApplication { ItemId = "ZP-2", AmountMinor = 10_000 } } },
        });
        Assert.Equal(15_000, (await first.Store.GetOpenItemAsync("ZP-2"))!.RemainingMinor);
        await PollAsync(second, clock);

        Assert.Equal(15_000, Open(await second.Matcher.SnapshotAsync(CancellationToken.None), "ZP-2"));
        var again = await second.Matching("ar-system").MatchAsync(full);
        Assert.DoesNotContain(again.Applications, a => a.ItemId == "ZP-2" && a.AmountMinor > 15_000);
        Assert.Equal(loads, second.Matcher.FullLoads);
    }

    [Fact]
    public async Task Poll_SnapshotOlderThanThePrunedLog_ReadInFullAndCounted()
    {
        var clock = new FakeTimeProvider(new DateTimeOffset(2026, 12, 3, 9, 0, 0, TimeSpan.Zero));
        await using var servers = await TwoServers.StartAsync(clock, poll: TimeSpan.FromSeconds(1));
        var (first, second) = (servers.First, servers.Second);
        await second.Matcher.Ready;
        var loads = second.Matcher.FullLoads;

        // Three writes through the first server, then the log is pruned to the last: it cannot say what changed
        // since the second's snapshot.
        foreach (var (itemId, number) in new[] { ("ZQ-1", "INV-W-7001"), ("ZQ-2", "INV-W-7002"), ("ZQ-3", "INV-W-7003") })
        {
            await first.OpenItems("ar-system").UpsertAsync([MatchingTests.Invoice(itemId, "W-CUST", number, 7_000)]);
        }

        Assert.True(await ((IChangeFeed)first.Store).PruneChangesAsync(keep: 1) >= 2);
        await PollAsync(second, clock);

        Assert.Equal(loads + 1, second.Matcher.FullLoads);
        var matched = await second.Matching("ar-system").MatchAsync(new V1.MatchRequest { Payments = { MatchingTests.Payment("W-PRUNED", 7_000, "INV-W-7001") } });
        Assert.Equal("ZQ-1", Assert.Single(matched.Applications).ItemId);
        Assert.Equal(loads + 1, second.Matcher.FullLoads);
    }

    [Fact]
    public async Task Poll_ChangeLogFailing_SnapshotStaleAfterThreeFailuresReadInFullAndHealthSaysSo()
    {
        var clock = new FakeTimeProvider(new DateTimeOffset(2026, 12, 3, 9, 0, 0, TimeSpan.Zero));
        await using var servers = await TwoServers.StartAsync(clock, first => first.OpenItems("ar-system").UpsertAsync([MatchingTests.Invoice("ZS-0", "W-CUST", "INV-W-8000", 1_000)]), TimeSpan.FromSeconds(1));
        var (first, second) = (servers.First, servers.Second);
        var health = new LedgerHealthCheck(second.Matcher);
        var grpcHealth = new Health.HealthClient(second.Channel);
        await PollAsync(second, clock);
        Assert.Equal(HealthStatus.Healthy, (await health.CheckHealthAsync(new HealthCheckContext())).Status);
        var loads = second.Matcher.FullLoads;

        // The change log breaks under both servers (its state table is gone: the horizon cannot be read), while the
        // ledger and its writes still work; the first server writes an invoice the second cannot hear of.
        await SqlAsync(first.DbPath, "DROP TABLE change_log_state");
        await first.OpenItems("ar-system").UpsertAsync([MatchingTests.Invoice("ZS-1", "W-CUST", "INV-W-8001", 8_000)]);
        var probe = new V1.MatchRequest { Payments = { MatchingTests.Payment("W-STALE-PAY", 8_000, "INV-W-8001") } };

        // Two failed polls: the snapshot is still served as it is, and health says the poll is failing (still SERVING).
        await PollAsync(second, clock);
        await PollAsync(second, clock);
        Assert.Equal((2, 2L, false), (second.Matcher.PollFailuresInRow, second.Matcher.PollFailures, second.Matcher.IsStale));
        var degraded = await health.CheckHealthAsync(new HealthCheckContext());
        Assert.Equal(HealthStatus.Degraded, degraded.Status);
        Assert.Equal(2, degraded.Data["poll_failures_in_row"]);
        Assert.Equal(HealthCheckResponse.Types.ServingStatus.Serving, (await grpcHealth.CheckAsync(new HealthCheckRequest())).Status);
        Assert.Empty((await second.Matching("ar-system").MatchAsync(probe)).Applications);
        Assert.Equal(loads, second.Matcher.FullLoads);

        // The third: the snapshot is stale, NOT_SERVING until it is replaced; the next call waits for a full read
        // (made without the log's version) and sees the invoice.
        await PollAsync(second, clock);
        Assert.True(second.Matcher.IsStale);
        Assert.Equal(HealthStatus.Unhealthy, (await health.CheckHealthAsync(new HealthCheckContext())).Status);
        Assert.Equal(HealthCheckResponse.Types.ServingStatus.NotServing, (await grpcHealth.CheckAsync(new HealthCheckRequest())).Status);
        var matched = await second.Matching("ar-system").MatchAsync(probe);
        Assert.Equal(("ZS-1", 8_000L), (Assert.Single(matched.Applications).ItemId, matched.Applications[0].AmountMinor));
        Assert.Equal((loads + 1, 1L, false), (second.Matcher.FullLoads, second.Matcher.StaleReads, second.Matcher.IsStale));
        Assert.Equal(HealthStatus.Degraded, (await health.CheckHealthAsync(new HealthCheckContext())).Status);

        // The log is mended: the next poll works, health is Healthy again, and a write is carried forward, not read in full.
        await SqlAsync(first.DbPath, "CREATE TABLE change_log_state (id INTEGER NOT NULL PRIMARY KEY CHECK (id = 1), pruned_through INTEGER NOT NULL); INSERT INTO change_log_state VALUES (1, 0)");
        await PollAsync(second, clock);
        Assert.Equal((0, 3L), (second.Matcher.PollFailuresInRow, second.Matcher.PollFailures));
        Assert.Equal(HealthStatus.Healthy, (await health.CheckHealthAsync(new HealthCheckContext())).Status);
        var carried = second.Matcher.CarriedForward;
        await first.OpenItems("ar-system").UpsertAsync([MatchingTests.Invoice("ZS-2", "W-CUST", "INV-W-8002", 6_000)]);
        await PollAsync(second, clock);
        var after = await second.Matching("ar-system").MatchAsync(new V1.MatchRequest { Payments = { MatchingTests.Payment("W-MENDED-PAY", 6_000, "INV-W-8002") } });
        Assert.Equal("ZS-2", Assert.Single(after.Applications).ItemId);
        Assert.Equal(loads + 1, second.Matcher.FullLoads);
        Assert.True(second.Matcher.CarriedForward > carried);
    }

    [Fact]
    public async Task Upsert_ChangeLogFailing_OwnWriteStillCarriedAndMatched()
    {
        var clock = new FakeTimeProvider(new DateTimeOffset(2026, 12, 3, 9, 0, 0, TimeSpan.Zero));
        await using var servers = await TwoServers.StartAsync(clock, first => first.OpenItems("ar-system").UpsertAsync([MatchingTests.Invoice("ZT-0", "W-CUST", "INV-W-9000", 1_000)]), TimeSpan.FromSeconds(1));
        var second = servers.Second;
        await PollAsync(second, clock);
        var loads = second.Matcher.FullLoads;

        // The log's state table is gone, so its version cannot be read; the server's own write must still be carried
        // forward and matched, not fail the call that follows it.
        await SqlAsync(second.DbPath, "DROP TABLE change_log_state");
        await second.OpenItems("ar-system").UpsertAsync([MatchingTests.Invoice("ZT-1", "W-CUST", "INV-W-9001", 9_000)]);
        var matched = await second.Matching("ar-system").MatchAsync(new V1.MatchRequest { Payments = { MatchingTests.Payment("W-OWN-PAY", 9_000, "INV-W-9001") } });
        Assert.Equal(("ZT-1", 9_000L), (Assert.Single(matched.Applications).ItemId, matched.Applications[0].AmountMinor));
        Assert.Equal(loads, second.Matcher.FullLoads);
    }

    /// <summary>Runs <paramref name="sql"/> on the SQLite file at <paramref name="path"/>, beside the servers.</summary>
    private static async Task SqlAsync(string path, string sql)
    {
        await using var connection = new Microsoft.Data.Sqlite.SqliteConnection($"Data Source={path};Pooling=False");
        await connection.OpenAsync();
        await using var command = connection.CreateCommand();
        command.CommandText = sql;
        await command.ExecuteNonQueryAsync();
    }

    /// <summary>Moves <paramref name="clock"/> one poll interval on and waits for the server's poll, and what it found, to be done.</summary>
    private static async Task PollAsync(ServerFixture server, FakeTimeProvider clock)
    {
        var polled = server.Matcher.NextPoll;
        clock.Advance(TimeSpan.FromSeconds(1));
        await polled.WaitAsync(TimeSpan.FromMinutes(2));
    }

    /// <summary>Stops and removes a server the test started, when the test ends.</summary>
    private sealed class Own(ServerFixture fixture) : IAsyncDisposable
    {
        public async ValueTask DisposeAsync() => await fixture.DisposeAsync();
    }

    /// <summary>
    /// Two servers on one SQLite file, each reading its snapshot again past a minute: the first on the real clock,
    /// the second on <c>clock</c>. What <c>beforeSecond</c> writes through the first is in the second's first read.
    /// They poll the store's changes every <c>poll</c> (off when not given).
    /// </summary>
    private sealed class TwoServers : IAsyncDisposable
    {
        private TwoServers(ServerFixture first) => First = first;

        public ServerFixture First { get; }

        public ServerFixture Second => _second ?? throw new InvalidOperationException("The second server has not started.");

        private ServerFixture? _second;

        public static async Task<TwoServers> StartAsync(FakeTimeProvider clock, Func<ServerFixture, Task>? beforeSecond = null, TimeSpan? poll = null)
        {
            ServeOptions OneMinute(ServeOptions o) => o with { SnapshotMaxAge = TimeSpan.FromMinutes(1), PollChanges = poll ?? TimeSpan.Zero };
            var servers = new TwoServers(new ServerFixture(64L * 1024 * 1024, configure: OneMinute));
            try
            {
                await servers.First.InitializeAsync();
                if (beforeSecond is not null)
                {
                    await beforeSecond(servers.First);
                }

                servers._second = ServerFixture.OnStoreOf(servers.First, OneMinute, clock);
                await servers._second.InitializeAsync();
                return servers;
            }
            catch
            {
                await servers.DisposeAsync();
                throw;
            }
        }

        public async ValueTask DisposeAsync()
        {
            if (_second is not null)
            {
                await _second.DisposeAsync();
            }

            await First.DisposeAsync();
        }
    }

    /// <summary>A SQLite store with two invoices, behind a proxy whose snapshot reads a test controls.</summary>
    private sealed class Ledger : IAsyncDisposable
    {
        private readonly string _folder;
        private readonly ICashStore _inner;

        private Ledger(string folder, ICashStore inner)
        {
            _folder = folder;
            _inner = inner;
            Store = DispatchProxy.Create<ICashStore, GatedStore>();
            Gate = (GatedStore)(object)Store;
            Gate.Inner = inner;
        }

        public ICashStore Store { get; }

        public GatedStore Gate { get; }

        public static async Task<Ledger> OpenAsync()
        {
            var folder = Directory.CreateTempSubdirectory("cashapp-warm-tests-").FullName;
            var store = await CashStores.OpenSqliteAsync(Path.Combine(folder, "cashapp.db"), TimeProvider.System);
            var date = new DateOnly(2026, 10, 1);
            await store.UpsertOpenItemsAsync(
                [
                    new OpenItem("W-L-1", DocType.Invoice, "W-CUST", "W Customer Inc.", "INV-W-4001", null, Usd, 12_000, date, date.AddDays(30)),
                    new OpenItem("W-L-2", DocType.Invoice, "W-CUST", "W Customer Inc.", "INV-W-4002", null, Usd, 7_500, date, date.AddDays(30)),
                ],
                "test");
            return new Ledger(folder, store);
        }

        public async ValueTask DisposeAsync()
        {
            await _inner.DisposeAsync();
            Directory.Delete(_folder, recursive: true);
        }
    }

    /// <summary>
    /// Passes every call to the store, and each snapshot read through <see cref="Load"/>, counting them; as a change feed,
    /// each prune through <see cref="Prune"/>.
    /// </summary>
    public class GatedStore : DispatchProxy, IChangeFeed
    {
        internal Func<IChangeFeed, int, CancellationToken, Task<long>>? Prune { get; set; }

        private IChangeFeed Feed => (IChangeFeed)Inner;

        Task<long> IChangeFeed.GetChangeVersionAsync(CancellationToken cancellationToken) => Feed.GetChangeVersionAsync(cancellationToken);

        Task<StoreChanges?> IChangeFeed.ListChangesAsync(long afterVersion, int take, CancellationToken cancellationToken) =>
            Feed.ListChangesAsync(afterVersion, take, cancellationToken);

        Task<long> IChangeFeed.PruneChangesAsync(int keep, CancellationToken cancellationToken) =>
            Prune is { } prune ? prune(Feed, keep, cancellationToken) : Feed.PruneChangesAsync(keep, cancellationToken);

        private readonly TaskCompletionSource _started = new(TaskCreationOptions.RunContinuationsAsynchronously);
        private int _reads;

        internal ICashStore Inner { get; set; } = null!;

        internal Func<ICashStore, CancellationToken, Task<LedgerSnapshot>>? Load { get; set; }

        /// <summary>Completes when the first read starts.</summary>
        internal Task Started => _started.Task;

        internal int Reads => Volatile.Read(ref _reads);

        /// <summary>How many item reads still fail as a cancelled call's would.</summary>
        internal int FailItemReads;

        protected override object? Invoke(MethodInfo? targetMethod, object?[]? args)
        {
            ArgumentNullException.ThrowIfNull(targetMethod);
            if (targetMethod.Name == nameof(ICashStore.LoadSnapshotAsync) && Load is { } load)
            {
                Interlocked.Increment(ref _reads);
                _started.TrySetResult();
                return load(Inner, (CancellationToken)args![0]!);
            }

            if (targetMethod.Name == nameof(ICashStore.GetOpenItemAsync) && Interlocked.Decrement(ref FailItemReads) >= 0)
            {
                throw new OperationCanceledException("the call was cancelled while the item was read");
            }

            try
            {
                return targetMethod.Invoke(Inner, args);
            }
            catch (TargetInvocationException ex) when (ex.InnerException is not null)
            {
                ExceptionDispatchInfo.Throw(ex.InnerException);
                throw;
            }
        }
    }

    /// <summary>Keeps what was logged, and says when the first error was.</summary>
    private sealed class ListLogger
    {
        private readonly List<string> _lines = [];

        public TaskCompletionSource<string> Error { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public IReadOnlyList<string> Lines
        {
            get
            {
                lock (_lines)
                {
                    return [.. _lines];
                }
            }
        }

        public ILogger<T> For<T>() => new Of<T>(this);

        private void Add(LogLevel level, string line)
        {
            lock (_lines)
            {
                _lines.Add(line);
            }

            if (level >= LogLevel.Error)
            {
                Error.TrySetResult(line);
            }
        }

        private sealed class Of<T>(ListLogger list) : ILogger<T>
        {
            public IDisposable? BeginScope<TState>(TState state)
                where TState : notnull => null;

            public bool IsEnabled(LogLevel logLevel) => true;

            public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter) =>
                list.Add(logLevel, formatter(state, exception) + (exception is null ? string.Empty : " " + exception.Message));
        }
    }
}
