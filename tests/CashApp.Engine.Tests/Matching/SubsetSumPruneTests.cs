using System.Buffers;
using System.Numerics;
using CashApp.Engine.Matching;
using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;

namespace CashApp.Engine.Tests.Matching;

/// <summary>
/// <see cref="SubsetSum.Find"/> leaves out the subsets past its target when every amount lies on the target's side of
/// zero (session 16): it must answer exactly as the search that tabled every subset, solutions in the same order, the
/// same limit reached, and the budget run out in the same searches. Since session 36 a search of at most three items a
/// combination tables nothing and keeps its solutions as it makes the subsets; the property's sizes 1 to 3 hold it to
/// the full table too (a solution met before the budget runs out is not answered).
/// </summary>
public sealed class SubsetSumPruneTests
{
    [Property(MaxTest = 1000, Replay = "(1606,17)")]
    public Property Find_WithPastTargetSubsetsLeftOut_AnswersAsTheFullTable() =>
        // Seeds from the whole range: an int drawn by FsCheck's own size (at most 100) gave some 170 distinct searches.
        Prop.ForAll(Gen.Choose(0, int.MaxValue - 1).ToArbitrary(), seed =>
        {
            var random = new Random(seed);
            var n = random.Next(0, 26);

            // Mostly amounts of one sign (the pruned case), at times mixed (not pruned), at times zeros among them.
            var sign = random.Next(3) == 0 ? -1 : 1;
            var mixed = random.Next(6) == 0;
            var amounts = Enumerable.Range(0, n).Select(_ =>
                random.Next(10) == 0 ? 0L : (mixed && random.Next(2) == 0 ? -sign : sign) * (long)random.Next(1, 400)).ToArray();
            var maxSize = random.Next(0, 7);

            // A target some subset makes (often), or any, on either side; at times past everything or zero.
            var target = random.Next(4) switch
            {
                0 => amounts.Where(_ => random.Next(3) == 0).Take(Math.Max(1, maxSize)).Sum(),
                1 => sign * (long)random.Next(0, 1500),
                2 => -sign * (long)random.Next(0, 300),
                _ => 0,
            };
            var limit = random.Next(1, 5);

            // A budget that runs out in the table's triples, in the partners' search, never, or is spent before the
            // search starts (a policy built in code can pass one below zero).
            var budget = random.Next(4) switch
            {
                0 => (long)random.Next(0, 3000),
                1 => (long)random.Next(0, 100),
                2 => -(long)random.Next(1, 4),
                _ => long.MaxValue,
            };
            var expected = FullTable(amounts, target, maxSize, limit, budget, out var expectedExhausted);
            var actual = SubsetSum.Find(amounts, target, maxSize, limit, budget, out var exhausted);
            return (exhausted == expectedExhausted && actual.SequenceEqual(expected))
                .Label($"amounts [{string.Join(", ", amounts)}], target {target}, size {maxSize}, limit {limit}, budget {budget}: "
                    + $"[{string.Join(", ", actual)}] ({exhausted}) against [{string.Join(", ", expected)}] ({expectedExhausted})");
        });

    [Fact]
    public void Find_PositiveItemsEachPastTheTarget_StillRunsOutOfBudgetAsTheFullTable()
    {
        // Sixty items, each past the target: nothing is tabled, but the 34,220 triples still count against the budget.
        var amounts = Enumerable.Range(0, 60).Select(i => 1_000L + i).ToArray();
        SubsetSum.Find(amounts, 999, 6, limit: 2, budget: 34_219, out var exhausted);
        FullTable(amounts, 999, 6, 2, 34_219, out var expected);
        Assert.True(expected);
        Assert.True(exhausted);
        SubsetSum.Find(amounts, 999, 6, limit: 2, budget: 34_220, out exhausted);
        Assert.False(exhausted);
    }

    [Fact]
    public void Find_BudgetSpentBeforeTheSearch_AnswersAsTheFullTable()
    {
        // Two items, one past the target: there is no triple to count, so a budget already below zero is not run out by
        // the skip of the item past the target, and the one that makes the target is found, as the full table finds it.
        var expected = FullTable([500, 100], 100, 6, 3, -1, out var expectedExhausted);
        var actual = SubsetSum.Find([500, 100], 100, 6, limit: 3, budget: -1, out var exhausted);
        Assert.Equal([2UL], expected);
        Assert.False(expectedExhausted);
        Assert.Equal(expected, actual);
        Assert.Equal(expectedExhausted, exhausted);
    }

    [Fact]
    public void Find_AtMostThreeItems_AnswersAsTheFullTableAtTheLimitTheBudgetAndPastSixtyFourItems()
    {
        // A search of at most three items tables nothing (session 36). The subsets of 1..5 that make 3 are {3} and {1,2},
        // made in that order; 10 triples of five items count against the budget.
        long[] amounts = [1, 2, 3, 4, 5];
        Same(amounts, 3, 3, limit: 3, budget: 10, [3UL, 4UL], false);

        // One triple short: nothing is answered, though both solutions were met before the budget ran out.
        Same(amounts, 3, 3, limit: 3, budget: 9, [], true);

        // The limit reached at the first solution, the budget out after it: still nothing answered.
        Same(amounts, 3, 3, limit: 1, budget: 9, [], true);

        // A limit of zero or below keeps one solution, as the table's scan did.
        Same(amounts, 3, 3, limit: 0, budget: 10, [3UL], false);
        Same(amounts, 3, 2, limit: -1, budget: 10, [3UL], false);

        // Past 64 items only the first 64 are searched: six more of long.MaxValue are never added up.
        var many = Enumerable.Range(1, 64).Select(i => (long)i).Concat(Enumerable.Repeat(long.MaxValue, 6)).ToArray();
        Same(many, 3, 3, limit: 3, budget: long.MaxValue, [3UL, 4UL], false);

        // A sum that overflows throws, even after the limit is reached, as the full table's did.
        Assert.Throws<OverflowException>(() => FullTable([long.MaxValue, 1], long.MaxValue, 2, 1, long.MaxValue, out _));
        Assert.Throws<OverflowException>(() => SubsetSum.Find([long.MaxValue, 1], long.MaxValue, 2, limit: 1, long.MaxValue, out _));

        static void Same(long[] amounts, long target, int maxSize, int limit, long budget, ulong[] want, bool wantExhausted)
        {
            var expected = FullTable(amounts, target, maxSize, limit, budget, out var expectedExhausted);
            var actual = SubsetSum.Find(amounts, target, maxSize, limit, budget, out var exhausted);
            Assert.Equal(want, expected);
            Assert.Equal(wantExhausted, expectedExhausted);
            Assert.Equal(expected, actual);
            Assert.Equal(expectedExhausted, exhausted);
        }
    }

    /// <summary>The search as it was before session 16: every subset of up to three items tabled, whatever its sum.</summary>
    private static List<ulong> FullTable(ReadOnlySpan<long> amounts, long target, int maxSize, int limit, long budget, out bool exhausted)
    {
        exhausted = false;
        var solutions = new List<ulong>();
        var n = Math.Min(amounts.Length, SubsetSum.MaxItems);
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
