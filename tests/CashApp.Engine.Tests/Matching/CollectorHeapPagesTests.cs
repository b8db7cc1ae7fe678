using System.Globalization;
using CashApp.Engine.Matching;
using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;

namespace CashApp.Engine.Tests.Matching;

/// <summary>
/// Which address range the batch run advises for 2 MB pages: the run of anonymous mappings, without a gap, that holds a
/// managed object (the collector's reserve, committed in pieces), read from <c>/proc/self/maps</c>; never a file's
/// mapping, a named one (<c>[heap]</c>, <c>[stack]</c>) or one past a gap.
/// </summary>
public sealed class CollectorHeapPagesTests
{
    private const string Anonymous = "";

    // A process's maps around a collector reserve: the runtime's files, a gap, a thread stack's guard and stack, the reserve
    // in three pieces (committed, reserved, committed), a named mapping, the libraries.
    private static readonly string[] Maps =
    [
        "55d0c0000000-55d0c0010000 r--p 00000000 fd:01 1234                       /usr/share/dotnet/dotnet",
        "55d0c1000000-55d0c1021000 rw-p 00000000 00:00 0                          [heap]",
        "7f0000000000-7f0000001000 ---p 00000000 00:00 0 ",
        "7f0000001000-7f0000180000 rw-p 00000000 00:00 0 ",
        "7f0000200000-7f0000400000 rw-p 00000000 00:00 0 ",
        "7f0000400000-7f4000000000 ---p 00000000 00:00 0 ",
        "7f4000000000-7f4000200000 rw-p 00000000 00:00 0",
        "7f4000200000-7f4000300000 rw-p 00000000 00:00 0                          [anon:dotnet-gc]",
        "7f4000300000-7f4000400000 rw-p 00000000 00:00 0 ",
        "7f5000000000-7f5000100000 r-xp 00000000 fd:01 99                         /usr/lib/x86_64-linux-gnu/libc.so.6",
        "7f5000100000-7f5000200000 rw-s 00000000 00:01 7                          /memfd:doublemapper (deleted)",
    ];

    [Theory]
    [InlineData("7f0000250000", "7f0000200000", "7f4000200000")] // in the first committed piece: the three pieces
    [InlineData("7f2000000000", "7f0000200000", "7f4000200000")] // in the reserved middle
    [InlineData("7f40001fffff", "7f0000200000", "7f4000200000")] // the last byte before the named mapping
    [InlineData("7f0000100000", "7f0000000000", "7f0000180000")] // a thread stack: its guard and itself, up to the gap
    [InlineData("7f4000350000", "7f4000300000", "7f4000400000")] // after the named mapping, up to the gap
    public void AnonymousRunAround_IsTheGaplessRunOfAnonymousMappings(string address, string start, string end) =>
        Assert.Equal((Hex(start), Hex(end)), HugePages.AnonymousRunAround(Maps, Hex(address)));

    [Theory]
    [InlineData("55d0c0000100")] // a file
    [InlineData("55d0c1000100")] // [heap]
    [InlineData("7f4000250000")] // a named anonymous mapping
    [InlineData("7f5000150000")] // the double mapper's shared file
    [InlineData("7f0000190000")] // a gap
    [InlineData("7f6000000000")] // past every mapping
    [InlineData("1000")] // before every mapping
    public void AnonymousRunAround_IsNothing_OutsideAnAnonymousMapping(string address) =>
        Assert.Null(HugePages.AnonymousRunAround(Maps, Hex(address)));

    [Fact]
    public void AnonymousRunAround_SkipsLinesThatAreNoMapping()
    {
        string[] maps = ["", "garbage", "7f00-7e00 rw-p 00000000 00:00 0", "7f0000000000-7f0000100000 rw-p 00000000 00:00 0", "not-hex rw-p 0 00:00 0", "7f0000100000-7f0000200000 rw-p 00000000 00:00 0"];
        Assert.Equal((Hex("7f0000000000"), Hex("7f0000200000")), HugePages.AnonymousRunAround(maps, Hex("7f0000080000")));
    }

    /// <summary>Random layouts against a plain reading: the mapping that holds the address, widened while its neighbours are anonymous and touch it.</summary>
    [Property(MaxTest = 300)]
    public Property AnonymousRunAround_IsTheHoldingMappingWidenedOverTouchingAnonymousNeighbours() =>
        Prop.ForAll(
            Gen.ListOf(Gen.Choose(1, 8).Zip(Gen.Choose(0, 5)).Zip(Gen.Choose(0, 3))).ToArbitrary(),
            Gen.Choose(0, 400).ToArbitrary(),
            (layout, at) =>
            {
                // Each mapping: a length in pages, a gap before it (0: none), and a kind (0-1 anonymous, 2 a file, 3 named).
                var mappings = new List<(ulong Start, ulong End, bool Anonymous, string Line)>();
                var next = 0x7f0000000000UL;
                foreach (var ((pages, gap), kind) in layout)
                {
                    var start = next + ((ulong)gap * 0x1000);
                    var end = start + ((ulong)pages * 0x1000);
                    var tail = kind switch { 2 => "fd:01 42    /opt/app/lib.so", 3 => "00:00 0    [stack]", _ => "00:00 0" };
                    mappings.Add((start, end, kind < 2, string.Create(CultureInfo.InvariantCulture, $"{start:x}-{end:x} rw-p 00000000 {tail}")));
                    next = end;
                }

                var address = 0x7f0000000000UL + ((ulong)at * 0x800);
                var holding = mappings.FindIndex(m => m.Start <= address && address < m.End);
                (ulong, ulong)? expected = null;
                if (holding >= 0 && mappings[holding].Anonymous)
                {
                    var first = holding;
                    while (first > 0 && mappings[first - 1].Anonymous && mappings[first - 1].End == mappings[first].Start)
                    {
                        first--;
                    }

                    var last = holding;
                    while (last + 1 < mappings.Count && mappings[last + 1].Anonymous && mappings[last + 1].Start == mappings[last].End)
                    {
                        last++;
                    }

                    expected = (mappings[first].Start, mappings[last].End);
                }

                return (HugePages.AnonymousRunAround(mappings.Select(m => m.Line), address) == expected).Label($"address {address:x}");
            });

    private static ulong Hex(string text) => ulong.Parse(text, NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture);
}
