using System.Runtime;
using CashApp.Engine.Batch;
using CashApp.Tests;
using FsCheck;
using FsCheck.Xunit;

namespace CashApp.Engine.Tests.Batch;

/// <summary>
/// A large day's loads run with the collector held off, for a budget of allocation: the hold ends when the loads do,
/// failed or not, or by itself once they allocate past the budget, and a run writes the same files with it as without.
/// The hold is the whole process's, so these tests run alone (<see cref="CollectorTests"/>): another test's collection
/// would end it.
/// </summary>
[Collection(CollectorTests.Name)]
public sealed class LoadsWithoutCollectionsTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("cashapp-loads-nogc").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    [Property]
    public void BudgetFor_IsSixBytesAnInputByte_AtLeast64MiB_NeverMoreThanAnEighthOfTheMemory(NonNegativeInt input, NonNegativeInt available, PositiveInt inputScale, PositiveInt memoryScale)
    {
        // From nothing to days of some 600 MB of files, on machines of up to some 600 GB.
        var inputBytes = (long)input.Get * inputScale.Get * (1L << 16);
        var availableBytes = (long)available.Get * memoryScale.Get * (1L << 26);
        var budget = LoadsWithoutCollections.BudgetFor(inputBytes, availableBytes);

        Assert.True(budget <= availableBytes / 8, $"{budget} for {availableBytes} bytes of memory");
        Assert.True(budget <= Math.Max(64L << 20, inputBytes * 6), $"{budget} for {inputBytes} bytes of input");
        Assert.True(budget == availableBytes / 8 || budget == Math.Max(64L << 20, inputBytes * 6), $"{budget}: neither bound");
    }

    [Theory]
    [InlineData(long.MaxValue, 64L << 30, 8L << 30)]
    [InlineData(long.MaxValue / 3, long.MaxValue, long.MaxValue / 8)]
    [InlineData(932L << 20, 24L << 30, 3L << 30)]
    [InlineData(222L << 20, 24L << 30, 1332L << 20)]
    [InlineData(0, 64L << 30, 64L << 20)]
    [InlineData(0, 128L << 20, 16L << 20)]
    [InlineData(1L << 30, 0, 0)]
    [InlineData(1L << 30, -1, 0)]
    public void BudgetFor_NeverOverflowsOrGoesBelowZero(long inputBytes, long availableBytes, long expected) =>
        Assert.Equal(expected, LoadsWithoutCollections.BudgetFor(inputBytes, availableBytes));

    [Fact]
    public void Start_WithABudget_HoldsTheCollectorOffUntilDisposed()
    {
        var before = GC.CollectionCount(0);
        using (var loads = LoadsWithoutCollections.Start(64L << 20))
        {
            Assert.True(loads.Started);
            Assert.Equal(64L << 20, loads.Budget);
            Assert.Equal(GCLatencyMode.NoGCRegion, GCSettings.LatencyMode);
            var kept = Allocate(32L << 20);
            Assert.Equal(GCLatencyMode.NoGCRegion, GCSettings.LatencyMode);
            GC.KeepAlive(kept);
            loads.Dispose();
            Assert.False(loads.EndedEarly);
        }

        Assert.NotEqual(GCLatencyMode.NoGCRegion, GCSettings.LatencyMode);

        // Starting the region may collect once (the budget is made room for); allocating inside it did not.
        Assert.InRange(GC.CollectionCount(0) - before, 0, 1);
    }

    [Fact]
    public void Start_AllocatingPastTheBudget_EndsByItself_AndDisposeSaysSo()
    {
        using var loads = LoadsWithoutCollections.Start(16L << 20);
        Assert.True(loads.Started);
        var kept = Allocate(256L << 20);
        GC.KeepAlive(kept);
        Assert.NotEqual(GCLatencyMode.NoGCRegion, GCSettings.LatencyMode);
        loads.Dispose();
        Assert.True(loads.EndedEarly);
        loads.Dispose();
        Assert.True(loads.EndedEarly);
    }

    [Fact]
    public void Start_CollectedInBetween_DisposeDoesNotThrow()
    {
        using var loads = LoadsWithoutCollections.Start(64L << 20);
        Assert.True(loads.Started);
        GC.Collect();
        loads.Dispose();
        Assert.True(loads.EndedEarly);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(-1)]
    public void Start_WithoutABudget_AsksNothing(long budget)
    {
        using var loads = LoadsWithoutCollections.Start(budget);
        Assert.False(loads.Started);
        Assert.Equal(0, loads.Budget);
        Assert.NotEqual(GCLatencyMode.NoGCRegion, GCSettings.LatencyMode);
    }

    [Fact]
    public void Start_InsideAnotherHold_LeavesItToItsOwner()
    {
        using var outer = LoadsWithoutCollections.Start(64L << 20);
        Assert.True(outer.Started);
        using (var inner = LoadsWithoutCollections.Start(64L << 20))
        {
            Assert.False(inner.Started);
            Assert.Equal(64L << 20, inner.Budget);
        }

        Assert.Equal(GCLatencyMode.NoGCRegion, GCSettings.LatencyMode);
        outer.Dispose();
        Assert.False(outer.EndedEarly);
        Assert.NotEqual(GCLatencyMode.NoGCRegion, GCSettings.LatencyMode);

        // The hold is free again.
        using var next = LoadsWithoutCollections.Start(64L << 20);
        Assert.True(next.Started);
    }

    [Fact]
    public void Start_WhileSomeoneElsesRegionIsOn_LeavesItAlone_AndEndsNothingOfIt()
    {
        Assert.True(GC.TryStartNoGCRegion(64L << 20, disallowFullBlockingGC: true));
        try
        {
            using (var loads = LoadsWithoutCollections.Start(64L << 20))
            {
                Assert.False(loads.Started);
            }

            Assert.Equal(GCLatencyMode.NoGCRegion, GCSettings.LatencyMode);
        }
        finally
        {
            GC.EndNoGCRegion();
        }

        using var after = LoadsWithoutCollections.Start(64L << 20);
        Assert.True(after.Started);
    }

    [Fact]
    public void Dispose_AfterTheRegionEnded_LeavesARegionSomeoneElseStartedSince()
    {
        var loads = LoadsWithoutCollections.Start(64L << 20);
        Assert.True(loads.Started);
        GC.Collect();
        Assert.True(GC.TryStartNoGCRegion(64L << 20, disallowFullBlockingGC: true));
        try
        {
            loads.Dispose();
            Assert.True(loads.EndedEarly);
            Assert.Equal(GCLatencyMode.NoGCRegion, GCSettings.LatencyMode);
        }
        finally
        {
            GC.EndNoGCRegion();
        }
    }

    [Fact]
    public async Task Run_LoadingWithoutCollections_HoldsThroughTheLoadsOnly_WritesWhatARunWithThemWrites_AndSaysSo()
    {
        var stages = new StageWatch();
        var held = await MatchRun.RunAsync(Demo("held") with { LoadsWithoutCollectionsFromBytes = 0 }, stages);
        Assert.NotEqual(GCLatencyMode.NoGCRegion, GCSettings.LatencyMode);
        var usual = await MatchRun.RunAsync(Demo("usual"), progress: null);

        // Held from before the three loads start, let go before the index stage.
        foreach (var load in new[] { "parse", "load open items", "load customers" })
        {
            Assert.Equal(GCLatencyMode.NoGCRegion, stages.At[load]);
        }

        foreach (var later in new[] { "index", "match", "check", "write" })
        {
            Assert.NotEqual(GCLatencyMode.NoGCRegion, stages.At[later]);
        }

        Assert.True(held.LoadsWithoutCollectionsBudgetBytes > 0);
        Assert.True(held.LoadsRanWithoutCollections);
        Assert.Equal(0, usual.LoadsWithoutCollectionsBudgetBytes);
        Assert.False(usual.LoadsRanWithoutCollections);
        foreach (var file in new[] { "applications.csv", "exceptions.csv", "deposits.csv" })
        {
            Assert.Equal(File.ReadAllBytes(Path.Combine(_dir, "usual", file)), File.ReadAllBytes(Path.Combine(_dir, "held", file)));
        }
    }

    [Fact]
    public async Task Run_LoadsHeld_TheIndexStageAsksForNoFullCollection_LoadsWithTheCollector_ItStartsWithOne()
    {
        var heldStages = new StageWatch();
        var held = await MatchRun.RunAsync(Demo("held") with { LoadsWithoutCollectionsFromBytes = 0 }, heldStages);
        var usualStages = new StageWatch();
        var usual = await MatchRun.RunAsync(Demo("usual"), usualStages);

        // Loads held to their end are not collected at the index stage's start: the match stage's full collection takes
        // their garbage back. Loads that ran with the collector are collected there, as before.
        Assert.True(held.LoadsRanWithoutCollections);
        Assert.False(usual.LoadsRanWithoutCollections);
        Assert.Equal(0, heldStages.During["index"]);
        Assert.True(usualStages.During["index"] >= 1, $"{usualStages.During["index"]} full collections in the index stage of the usual run");
        foreach (var file in new[] { "applications.csv", "exceptions.csv", "deposits.csv" })
        {
            Assert.Equal(File.ReadAllBytes(Path.Combine(_dir, "usual", file)), File.ReadAllBytes(Path.Combine(_dir, "held", file)));
        }
    }

    [Fact]
    public async Task Run_AHoldTheLoadsOutlived_IsCollectedAtTheIndexStagesStart()
    {
        // A collection during the loads (here one asked for as the customers' load starts; on a real day, loads past the
        // budget) ends the hold early: what the loads made has been through the collector, and the index stage collects
        // first, as a run without the hold does.
        var stages = new StageWatch { CollectAtStart = "load customers" };
        var run = await MatchRun.RunAsync(Demo("ended") with { LoadsWithoutCollectionsFromBytes = 0 }, stages);

        Assert.True(run.LoadsWithoutCollectionsBudgetBytes > 0);
        Assert.False(run.LoadsRanWithoutCollections);
        Assert.True(stages.During["index"] >= 1, $"{stages.During["index"]} full collections in the index stage");
        Assert.NotEqual(GCLatencyMode.NoGCRegion, GCSettings.LatencyMode);
    }

    [Fact]
    public async Task Run_ABadBankFile_LeavesNoHoldBehind()
    {
        var bad = Path.Combine(_dir, "bad.bai2");
        var lines = (await File.ReadAllLinesAsync(TestPaths.Demo("bank", "day.bai2"))).ToList();
        var detail = lines.FindIndex(l => l.StartsWith("16,", StringComparison.Ordinal));
        lines[detail] = "16,X65" + lines[detail][6..];
        await File.WriteAllLinesAsync(bad, lines);

        var options = Demo("bad") with { BankFiles = [bad], LoadsWithoutCollectionsFromBytes = 0 };
        var failure = await Assert.ThrowsAnyAsync<Exception>(() => MatchRun.RunAsync(options, progress: null));

        Assert.Contains("bad.bai2", failure.Message, StringComparison.Ordinal);
        Assert.NotEqual(GCLatencyMode.NoGCRegion, GCSettings.LatencyMode);
        Assert.False(Directory.Exists(Path.Combine(_dir, "bad")));
    }

    private MatchRunOptions Demo(string output) => DemoDay.Options(Path.Combine(_dir, output));

    /// <summary>
    /// What each stage met: the collector's latency mode as it started, and how many full collections ran while it did
    /// (the index and match stages run one at a time); with <see cref="CollectAtStart"/>, a full collection asked for
    /// as that stage starts.
    /// </summary>
    private sealed class StageWatch : IRunProgress
    {
        private readonly System.Collections.Concurrent.ConcurrentDictionary<string, int> _collectionsAtStart = new();

        public string? CollectAtStart { get; init; }

        public System.Collections.Concurrent.ConcurrentDictionary<string, GCLatencyMode> At { get; } = new();

        public System.Collections.Concurrent.ConcurrentDictionary<string, int> During { get; } = new();

        public void StageStarted(string stage, long? total)
        {
            At[stage] = GCSettings.LatencyMode;
            if (stage == CollectAtStart)
            {
                GC.Collect();
            }

            _collectionsAtStart[stage] = GC.CollectionCount(GC.MaxGeneration);
        }

        public void Advance(string stage, long done)
        {
        }

        public void StageCompleted(string stage, TimeSpan elapsed, long count) =>
            During[stage] = GC.CollectionCount(GC.MaxGeneration) - _collectionsAtStart[stage];
    }

    /// <summary>About <paramref name="bytes"/> bytes in 64 KiB arrays, kept alive, each written so that its memory is used.</summary>
    private static List<byte[]> Allocate(long bytes)
    {
        var kept = new List<byte[]>();
        for (long done = 0; done < bytes; done += 1 << 16)
        {
            var array = new byte[(1 << 16) - 64];
            array[^1] = 1;
            kept.Add(array);
        }

        return kept;
    }
}

/// <summary>Tests that hold the collector off: run alone, since another test's collection would end the hold.</summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class CollectorTests
{
    public const string Name = "Collector";
}
