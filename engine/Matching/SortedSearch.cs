using System.Numerics;

namespace CashApp.Engine.Matching;

/// <summary>Searches of sorted numbers that find where a run of equal values starts, which a binary search does not say.</summary>
internal static class SortedSearch
{
    /// <summary>The first place in <paramref name="sorted"/> (ascending) whose value is not below <paramref name="value"/>; its length when none is.</summary>
    public static int LowerBound<T>(ReadOnlySpan<T> sorted, T value)
        where T : struct, IComparisonOperators<T, T, bool>
    {
        int lo = 0, hi = sorted.Length;
        while (lo < hi)
        {
            var mid = (lo + hi) >>> 1;
            if (sorted[mid] < value)
            {
                lo = mid + 1;
            }
            else
            {
                hi = mid;
            }
        }

        return lo;
    }
}
