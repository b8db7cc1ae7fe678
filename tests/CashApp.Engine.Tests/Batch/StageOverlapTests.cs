using CashApp.Engine.Batch;
using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;

namespace CashApp.Engine.Tests.Batch;

public sealed class StageOverlapTests
{
    private static (TimeSpan, TimeSpan) W(int start, int end) => (TimeSpan.FromSeconds(start), TimeSpan.FromSeconds(end));

    [Fact]
    public void Groups_TheBatchRunsShape_TheLoadsTogetherTheCheckWithTheWriteAndTheRestAlone()
    {
        // load customers, parse, load open items start together; index and match follow; check and write start together.
        var windows = new[] { W(0, 4), W(0, 7), W(0, 10), W(11, 22), W(22, 59), W(59, 61), W(59, 62) };

        Assert.Equal([[0, 1, 2], [5, 6]], StageOverlap.Groups(windows));
    }

    [Fact]
    public void Groups_AChainLinksWindowsThatDoNotTouchEachOther()
    {
        // 0 overlaps 1, 1 overlaps 2, 0 and 2 do not overlap; 3 only touches 2's end.
        var windows = new[] { W(0, 5), W(4, 9), W(8, 12), W(12, 15) };

        Assert.False(StageOverlap.Overlap(windows[0], windows[2]));
        Assert.False(StageOverlap.Overlap(windows[2], windows[3]));
        Assert.Equal([[0, 1, 2]], StageOverlap.Groups(windows));
    }

    [Fact]
    public void Groups_NoneOverlap_NoGroups()
    {
        Assert.Empty(StageOverlap.Groups([W(0, 1), W(1, 2), W(5, 6)]));
        Assert.Empty(StageOverlap.Groups([]));
    }

    /// <summary>
    /// Windows in different groups (or in none) never overlap, and each group is linked: its windows cannot be split
    /// in two parts with no overlap between them.
    /// </summary>
    [Property(MaxTest = 300)]
    public Property Groups_AreTheLinkedWindows()
    {
        var window = Gen.Choose(0, 40).SelectMany(start => Gen.Choose(0, 15).Select(length => W(start, start + length)));
        return Prop.ForAll(window.ArrayOf().ToArbitrary(), windows =>
        {
            var groups = StageOverlap.Groups(windows);
            var groupOf = new int[windows.Length];
            Array.Fill(groupOf, -1);
            for (var g = 0; g < groups.Count; g++)
            {
                Assert.True(groups[g].Count >= 2);
                Assert.Equal(groups[g].Order(), groups[g]);
                foreach (var i in groups[g])
                {
                    Assert.Equal(-1, groupOf[i]);
                    groupOf[i] = g;
                }
            }

            for (var i = 0; i < windows.Length; i++)
            {
                for (var j = i + 1; j < windows.Length; j++)
                {
                    if (StageOverlap.Overlap(windows[i], windows[j]))
                    {
                        Assert.True(groupOf[i] >= 0 && groupOf[i] == groupOf[j], $"{i} and {j} overlap");
                    }
                }
            }

            foreach (var group in groups)
            {
                // Reach every member from the first through overlaps.
                var reached = new HashSet<int> { group[0] };
                var queue = new Queue<int>(reached);
                while (queue.TryDequeue(out var i))
                {
                    foreach (var j in group.Where(j => !reached.Contains(j) && StageOverlap.Overlap(windows[i], windows[j])))
                    {
                        reached.Add(j);
                        queue.Enqueue(j);
                    }
                }

                Assert.Equal(group.Count, reached.Count);
            }
        });
    }
}
