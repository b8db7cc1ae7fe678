using System.Numerics;

namespace CashApp.Engine.Matching;

/// <summary>
/// Cardinality-bounded subset sum by meet in the middle, in integer minor units: which sets of at most
/// six of a customer's open items add up to a payment exactly. Every subset of at most three items is
/// tabled by its sum; a solution is a tabled subset alone, or a three-item subset followed by a tabled
/// subset of higher-numbered items, so each solution is found exactly once.
/// </summary>
internal static class SubsetSum
{
    /// <summary>Most items searched; masks are 64 bits.</summary>
    public const int MaxItems = 64;

    /// <summary>
    /// Finds up to <paramref name="limit"/> subsets (bit masks over <paramref name="amounts"/>) of at most
    /// <paramref name="maxSize"/> items summing to <paramref name="target"/>. <paramref name="budget"/>
    /// bounds the work; when it runs out the search stops and <paramref name="exhausted"/> is true, so a
    /// caller never mistakes an unfinished search for a unique answer.
    /// </summary>
    public static List<ulong> Find(ReadOnlySpan<long> amounts, long target, int maxSize, int limit, long budget, out bool exhausted)
    {
        exhausted = false;
        var solutions = new List<ulong>();
        var n = Math.Min(amounts.Length, MaxItems);
        if (n == 0 || maxSize <= 0)
        {
            return solutions;
        }

        var half = Math.Min(3, maxSize);
        var rest = Math.Max(0, maxSize - half);
        var table = new Dictionary<long, List<ulong>>();
        var subsets = new List<(ulong Mask, long Sum, int Size)>();

        // Table every subset of 1..half items.
        for (var i = 0; i < n; i++)
        {
            Record(1UL << i, amounts[i], 1);
            if (half < 2)
            {
                continue;
            }

            for (var j = i + 1; j < n; j++)
            {
                var sum2 = checked(amounts[i] + amounts[j]);
                Record((1UL << i) | (1UL << j), sum2, 2);
                if (half < 3)
                {
                    continue;
                }

                for (var k = j + 1; k < n; k++)
                {
                    if (--budget < 0)
                    {
                        exhausted = true;
                        return solutions;
                    }

                    Record((1UL << i) | (1UL << j) | (1UL << k), checked(sum2 + amounts[k]), 3);
                }
            }
        }

        foreach (var (mask, sum, size) in subsets)
        {
            if (sum == target && Add(mask))
            {
                return solutions;
            }

            if (size != half || rest == 0 || !table.TryGetValue(target - sum, out var partners))
            {
                continue;
            }

            var highest = 63 - BitOperations.LeadingZeroCount(mask);
            foreach (var partner in partners)
            {
                if (--budget < 0)
                {
                    exhausted = true;
                    return solutions;
                }

                if (BitOperations.TrailingZeroCount(partner) > highest && BitOperations.PopCount(partner) <= rest && Add(mask | partner))
                {
                    return solutions;
                }
            }
        }

        return solutions;

        void Record(ulong mask, long sum, int size)
        {
            subsets.Add((mask, sum, size));
            if (!table.TryGetValue(sum, out var list))
            {
                table[sum] = list = [];
            }

            list.Add(mask);
        }

        bool Add(ulong mask)
        {
            solutions.Add(mask);
            return solutions.Count >= limit;
        }
    }
}
