namespace CashApp.Engine.Batch;

/// <summary>
/// Which of a run's stages ran at once. Stages are timed on one clock, each from its start to its end; two overlap
/// when they share some time (one ending as the other starts does not count).
/// </summary>
internal static class StageOverlap
{
    /// <summary>True when the two windows share some time.</summary>
    public static bool Overlap((TimeSpan Start, TimeSpan End) a, (TimeSpan Start, TimeSpan End) b) =>
        a.Start < b.End && b.Start < a.End;

    /// <summary>
    /// The windows linked by overlaps (directly, or through others of the group), in groups of two or more: each
    /// group's indexes ascending, the groups in the order of their lowest index. A window that overlaps none is in none.
    /// </summary>
    public static List<List<int>> Groups(IReadOnlyList<(TimeSpan Start, TimeSpan End)> windows)
    {
        ArgumentNullException.ThrowIfNull(windows);

        // A run has a handful of stages: every pair is compared, and each window joins the group of the lowest index
        // it is linked to.
        var root = Enumerable.Range(0, windows.Count).ToArray();
        int Find(int i)
        {
            while (root[i] != i)
            {
                i = root[i] = root[root[i]];
            }

            return i;
        }

        for (var i = 0; i < windows.Count; i++)
        {
            for (var j = i + 1; j < windows.Count; j++)
            {
                if (Overlap(windows[i], windows[j]))
                {
                    var (a, b) = (Find(i), Find(j));
                    root[Math.Max(a, b)] = Math.Min(a, b);
                }
            }
        }

        return Enumerable.Range(0, windows.Count)
            .GroupBy(Find)
            .Where(group => group.Count() > 1)
            .OrderBy(group => group.Key)
            .Select(group => group.Order().ToList())
            .ToList();
    }
}
