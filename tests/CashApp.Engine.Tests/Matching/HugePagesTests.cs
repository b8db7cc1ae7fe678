using System.Globalization;
using System.Runtime.InteropServices;
using CashApp.Engine.Matching;

namespace CashApp.Engine.Tests.Matching;

/// <summary>
/// Advising huge pages marks exactly the whole 2 MB pages inside an array, and is a hint: the array, its length and every
/// value written to it stay what they are, and an index built with it finds what one built without it finds.
/// </summary>
public sealed class HugePagesTests
{
    [Theory]
    [InlineData(0, 0, 0, 0)]
    [InlineData(0x1000, 0x100000, 0x200000, 0)] // inside one page: nothing whole
    [InlineData(0x1000, 0x600000, 0x200000, 0x400000)] // 1.99 MB before the first boundary, 0.01 MB after the last
    [InlineData(0x200000, 0x400000, 0x200000, 0x400000)] // aligned at both ends: all of it
    [InlineData(0x200058, 0x400000, 0x400000, 0x200000)] // a large object's data, just past an aligned start
    public void InnerPages_AreTheWholeAlignedPagesInsideTheRange(long start, long bytes, long first, long length) =>
        Assert.Equal((first, length), HugePages.InnerPages(start, bytes));

    [Theory]
    [InlineData(0)]
    [InlineData(1_000)]
    [InlineData((40 << 20) / sizeof(long))]
    [InlineData(((40 << 20) / sizeof(long)) + 3)]
    public void Advise_KeepsEveryValueWrittenBeforeAndAfter(int length)
    {
        var array = GC.AllocateUninitializedArray<long>(length);
        var half = length / 2;
        for (var i = 0; i < half; i++)
        {
            array[i] = (i * 7919L) ^ 0x5DEECE66DL;
        }

        HugePages.Advise(array);
        for (var i = half; i < length; i++)
        {
            array[i] = (i * 7919L) ^ 0x5DEECE66DL;
        }

        Assert.Equal(length, array.Length);
        for (var i = 0; i < length; i++)
        {
            Assert.Equal((i * 7919L) ^ 0x5DEECE66DL, array[i]);
        }
    }

    [SkippableFact]
    public void Advise_MarksTheArraysWholePagesForHugePages_AndNotThePartPageBeforeThem()
    {
        Skip.IfNot(OperatingSystem.IsLinux() && File.Exists("/sys/kernel/mm/transparent_hugepage/enabled"), "transparent huge pages are a Linux kernel's (/sys/kernel/mm/transparent_hugepage)");
        var array = GC.AllocateUninitializedArray<long>((40 << 20) / sizeof(long));
        var pinned = GCHandle.Alloc(array, GCHandleType.Pinned);
        var start = (long)pinned.AddrOfPinnedObject();
        var (first, length) = HugePages.InnerPages(start, array.LongLength * sizeof(long));

        Assert.True(HugePages.Advise(array));

        // The kernel lists an advised range as a mapping of its own, or within a neighbour advised alike, with "hg" among its flags.
        var mappings = Mappings();
        var inside = mappings.Where(m => m.Start < first + length && m.End > first).ToList();
        Assert.NotEmpty(inside);
        Assert.All(inside, m => Assert.Contains("hg", m.Flags));
        Assert.True(inside[0].Start <= first && inside[^1].End >= first + length, "the advised mappings cover the array's whole pages");
        Assert.All(inside.Zip(inside.Skip(1)), pair => Assert.Equal(pair.First.End, pair.Second.Start));
        if (start < first)
        {
            // The array's first, partial page is not its own to advise.
            Assert.DoesNotContain("hg", mappings.Single(m => m.Start <= first - 1 && first - 1 < m.End).Flags);
        }

        pinned.Free();
    }

    [Fact]
    public void KeyIndex_WithHugePages_WalksEachKeysItemsNewestFirst()
    {
        // 1.5M keys: a slot table of 32 MB, past the size from which pages are advised, and ASCII keys of 13.5 MB, under it.
        const int keys = 1_500_000;
        var index = new KeyIndex(keys, 8 * keys, hugePages: true);
        for (var item = 0; item < 2 * keys; item++)
        {
            index.Add(KeyOf(item % keys), item);
        }

        index.Settle();
        Assert.Equal(keys, index.Count);
        for (var key = 0; key < keys; key += 997)
        {
            var walked = new List<int>();
            foreach (var item in index.Items(KeyOf(key)))
            {
                walked.Add(item);
            }

            Assert.Equal([key + keys, key], walked);
        }
    }

    private static string KeyOf(int n) => $"INV{n:D7}";

    /// <summary>This process's mappings from /proc/self/smaps: each one's range and its VmFlags.</summary>
    private static List<(long Start, long End, string[] Flags)> Mappings()
    {
        var found = new List<(long Start, long End, string[] Flags)>();
        (long Start, long End)? current = null;
        foreach (var line in File.ReadLines("/proc/self/smaps"))
        {
            var dash = line.IndexOf('-', StringComparison.Ordinal);
            var space = line.IndexOf(' ', StringComparison.Ordinal);
            if (dash > 0 && space > dash && long.TryParse(line.AsSpan(0, dash), NumberStyles.HexNumber, CultureInfo.InvariantCulture, out var from)
                && long.TryParse(line.AsSpan(dash + 1, space - dash - 1), NumberStyles.HexNumber, CultureInfo.InvariantCulture, out var to))
            {
                current = (from, to);
            }
            else if (line.StartsWith("VmFlags:", StringComparison.Ordinal) && current is { } range)
            {
                found.Add((range.Start, range.End, line["VmFlags:".Length..].Split(' ', StringSplitOptions.RemoveEmptyEntries)));
                current = null;
            }
        }

        return found;
    }
}
