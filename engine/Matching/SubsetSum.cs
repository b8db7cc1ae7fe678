using System.Buffers;
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

        // Every subset of 1..half items, in generation order, chained by sum in an open hash table whose
        // chains keep that order (arrays from the pool: a 60-item search tables 36k subsets).
        var capacity = n + (half >= 2 ? n * (n - 1) / 2 : 0) + (half >= 3 ? n * (n - 1) * (n - 2) / 6 : 0);
        var buckets = (int)BitOperations.RoundUpToPowerOf2((uint)Math.Max(16, capacity * 2));
        var shift = 64 - BitOperations.Log2((uint)buckets);
        var masks = ArrayPool<ulong>.Shared.Rent(capacity);
        var sums = ArrayPool<long>.Shared.Rent(capacity);
        var next = ArrayPool<int>.Shared.Rent(capacity);
        var head = ArrayPool<int>.Shared.Rent(buckets);
        var tail = ArrayPool<int>.Shared.Rent(buckets);
        try
        {
            Array.Fill(head, -1, 0, buckets);
            var count = 0;
            for (var i = 0; i < n; i++)
            {
                Record(1UL << i, amounts[i]);
                if (half < 2)
                {
                    continue;
                }

                for (var j = i + 1; j < n; j++)
                {
                    var sum2 = checked(amounts[i] + amounts[j]);
                    Record((1UL << i) | (1UL << j), sum2);
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

                        Record((1UL << i) | (1UL << j) | (1UL << k), checked(sum2 + amounts[k]));
                    }
                }
            }

            for (var at = 0; at < count; at++)
            {
                var (mask, sum) = (masks[at], sums[at]);
                if (sum == target && Add(mask))
                {
                    return solutions;
                }

                if (rest == 0 || BitOperations.PopCount(mask) != half)
                {
                    continue;
                }

                var highest = 63 - BitOperations.LeadingZeroCount(mask);
                var wanted = target - sum;
                for (var partner = head[Bucket(wanted)]; partner >= 0; partner = next[partner])
                {
                    if (sums[partner] != wanted)
                    {
                        continue;
                    }

                    if (--budget < 0)
                    {
                        exhausted = true;
                        return solutions;
                    }

                    var other = masks[partner];
                    if (BitOperations.TrailingZeroCount(other) > highest && BitOperations.PopCount(other) <= rest && Add(mask | other))
                    {
                        return solutions;
                    }
                }
            }

            return solutions;

            void Record(ulong mask, long sum)
            {
                masks[count] = mask;
                sums[count] = sum;
                next[count] = -1;
                var bucket = Bucket(sum);
                if (head[bucket] < 0)
                {
                    head[bucket] = count;
                }
                else
                {
                    next[tail[bucket]] = count;
                }

                tail[bucket] = count++;
            }
        }
        finally
        {
            ArrayPool<ulong>.Shared.Return(masks);
            ArrayPool<long>.Shared.Return(sums);
            ArrayPool<int>.Shared.Return(next);
            ArrayPool<int>.Shared.Return(head);
            ArrayPool<int>.Shared.Return(tail);
        }

        // Fibonacci hashing: the top bits of the sum times 2^64 / phi.
        int Bucket(long sum) => (int)(unchecked((ulong)sum * 0x9E3779B97F4A7C15UL) >> shift);

        bool Add(ulong mask)
        {
            solutions.Add(mask);
            return solutions.Count >= limit;
        }
    }
}
