using System.Runtime;
using CashApp.Engine.Batch;
using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;

namespace CashApp.Engine.Tests.Batch;

// The no-GC region is the process's: these run alone, so that no other test's collection ends one under them.
[Collection("Collector")]
public sealed class AllocationRegionTests
{
    /// <summary>
    /// A region is asked for only when it is worth one, and then covers the loads' allocations: the inputs' bytes times
    /// <see cref="AllocationRegion.BytesPerInputByte"/>, never less than <see cref="AllocationRegion.MinimumBytes"/>,
    /// and never an overflowed size.
    /// </summary>
    [Property(MaxTest = 500)]
    public Property BytesFor_IsNoneOrTheInputsTimesTheFactor()
    {
        var sizes = Gen.OneOf(
            Gen.Choose(-1000, 1000).Select(n => (long)n),
            Gen.Choose(0, 1 << 30).Select(n => (long)n),
            Gen.Choose(0, int.MaxValue).Select(n => (long)n * 1024),
            Gen.Elements(0L, AllocationRegion.MinimumBytes / AllocationRegion.BytesPerInputByte, (AllocationRegion.MinimumBytes / AllocationRegion.BytesPerInputByte) - 1, long.MaxValue / AllocationRegion.BytesPerInputByte, (long.MaxValue / AllocationRegion.BytesPerInputByte) + 1, long.MaxValue));
        return Prop.ForAll(sizes.ToArbitrary(), input =>
        {
            var bytes = AllocationRegion.BytesFor(input);
            var wanted = (Int128)input * AllocationRegion.BytesPerInputByte;
            if (input <= 0 || wanted > long.MaxValue || wanted < AllocationRegion.MinimumBytes)
            {
                Assert.Equal(0, bytes);
            }
            else
            {
                Assert.Equal(wanted, (Int128)bytes);
            }
        });
    }

    [Fact]
    public void Start_SmallOrMissingInputs_AsksForNoRegion()
    {
        var latency = GCSettings.LatencyMode;
        using (var region = AllocationRegion.Start([null, Path.Combine(Path.GetTempPath(), Guid.NewGuid().ToString("N"), "none.csv")]))
        {
            Assert.False(region.Active);
            Assert.Equal(latency, GCSettings.LatencyMode);
        }

        Assert.Equal(latency, GCSettings.LatencyMode);
    }

    /// <summary>
    /// One run at a time holds the process's region: a second run started while the first holds it gets none, and once
    /// the first ends it the collector is back to its usual mode (also when the runtime ended the region before).
    /// </summary>
    [Fact]
    public void Start_WhileHeld_TheSecondRunGetsNone_AndDisposeEndsIt()
    {
        var path = Path.Combine(Path.GetTempPath(), $"cashapp-region-{Guid.NewGuid():N}.csv");
        try
        {
            // A sparse file: its length asks for a region of 4 x 80 MB without writing 80 MB.
            using (var file = File.Create(path))
            {
                file.SetLength(80L << 20);
            }

            using (var first = AllocationRegion.Start([path]))
            {
                Assert.True(first.Active);
                using var second = AllocationRegion.Start([path]);
                Assert.False(second.Active);

                // The second run's end is not the first's: the region stays on until its holder ends it.
                second.Dispose();
                Assert.True(first.Active);
                Assert.Equal(GCLatencyMode.NoGCRegion, GCSettings.LatencyMode);
            }

            Assert.NotEqual(GCLatencyMode.NoGCRegion, GCSettings.LatencyMode);

            // The runtime ends a region at an induced collection (or past its size); its holder still holds it, so that
            // no other run starts a region that the holder's end would then end.
            using (var third = AllocationRegion.Start([path]))
            {
                Assert.True(third.Active);
                GC.Collect();
                Assert.False(third.Active);
                using var meanwhile = AllocationRegion.Start([path]);
                Assert.False(meanwhile.Active);
                Assert.NotEqual(GCLatencyMode.NoGCRegion, GCSettings.LatencyMode);
            }

            using (var fourth = AllocationRegion.Start([path]))
            {
                Assert.True(fourth.Active);
            }

            Assert.NotEqual(GCLatencyMode.NoGCRegion, GCSettings.LatencyMode);
        }
        finally
        {
            File.Delete(path);
        }
    }
}

[CollectionDefinition("Collector", DisableParallelization = true)]
public sealed class CollectorTests;
