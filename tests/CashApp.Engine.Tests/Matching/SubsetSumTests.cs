using System.Numerics;
using CashApp.Engine.Matching;
using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;

namespace CashApp.Engine.Tests.Matching;

public sealed class SubsetSumTests
{
    /// <summary>The naive oracle: every subset of at most <paramref name="maxSize"/> items, by brute force.</summary>
    private static HashSet<ulong> BruteForce(long[] amounts, long target, int maxSize)
    {
        var found = new HashSet<ulong>();
        for (ulong mask = 1; mask < 1UL << amounts.Length; mask++)
        {
            if (BitOperations.PopCount(mask) > maxSize)
            {
                continue;
            }

            long sum = 0;
            for (var i = 0; i < amounts.Length; i++)
            {
                if ((mask & (1UL << i)) != 0)
                {
                    sum += amounts[i];
                }
            }

            if (sum == target)
            {
                found.Add(mask);
            }
        }

        return found;
    }

    [Property(MaxTest = 300, Replay = "(99,7)")]
    public Property Find_SmallCases_AgreesWithBruteForce() =>
        Prop.ForAll(ArbMap.Default.ArbFor<int>(), seed =>
        {
            var random = new Random(seed);
            var amounts = Enumerable.Range(0, random.Next(1, 13)).Select(_ => (long)random.Next(-50, 200)).ToArray();
            var maxSize = random.Next(1, 7);
            var target = random.Next(2) == 0
                ? amounts.Where((_, i) => random.Next(2) == 0).Take(maxSize).Sum()
                : random.Next(-100, 600);
            var expected = BruteForce(amounts, target, maxSize);
            var actual = SubsetSum.Find(amounts, target, maxSize, limit: int.MaxValue, budget: long.MaxValue, out var exhausted);
            return !exhausted && actual.Count == expected.Count && actual.ToHashSet().SetEquals(expected);
        });

    [Fact]
    public void Find_SixOfSixty_FindsTheUniqueSolution()
    {
        var random = new Random(60);
        var amounts = Enumerable.Range(0, 60).Select(_ => random.NextInt64(1_00, 100_000_000_00)).ToArray();
        var target = amounts[3] + amounts[11] + amounts[22] + amounts[35] + amounts[47] + amounts[59];
        var found = SubsetSum.Find(amounts, target, 6, limit: 2, budget: 10_000_000, out var exhausted);
        Assert.False(exhausted);
        var mask = Assert.Single(found);
        Assert.Equal((1UL << 3) | (1UL << 11) | (1UL << 22) | (1UL << 35) | (1UL << 47) | (1UL << 59), mask);
    }

    [Fact]
    public void Find_BudgetSpent_SaysSoInsteadOfAnsweringUnique()
    {
        var amounts = Enumerable.Range(0, 60).Select(i => (long)i + 1).ToArray();
        SubsetSum.Find(amounts, 100, 6, limit: 2, budget: 1_000, out var exhausted);
        Assert.True(exhausted);
    }

    [Property(MaxTest = 400, Replay = "(41,3)")]
    public Property Reaches_SmallCases_AgreesWithBruteForce() =>
        Prop.ForAll(ArbMap.Default.ArbFor<int>(), seed =>
        {
            // Small amounts make the bit-set search the cheaper one, large amounts the list: both are drawn.
            var random = new Random(seed);
            var scale = random.Next(2) == 0 ? 1 : 1_000_003;
            var amounts = Enumerable.Range(0, random.Next(1, 15)).Select(_ => (long)random.Next(-60, 200) * scale).ToArray();
            var maxSize = random.Next(1, 16);
            var target = random.Next(2) == 0
                ? amounts.Where((_, i) => random.Next(2) == 0).Take(maxSize).Sum()
                : (long)random.Next(-150, 800) * scale;
            if (target == 0)
            {
                target = scale;
            }

            var expected = BruteForce(amounts, target, maxSize).Count > 0 ? Reach.Yes : Reach.No;
            return SubsetSum.Reaches(amounts, target, maxSize, budget: long.MaxValue) == expected;
        });

    [Fact]
    public void Reaches_FiveOfTwoHundred_FindsWhatTheBoundedSearchCannotSee()
    {
        // Two hundred open items: Find looks at sixty; Reaches at every one, and at any number of them.
        var random = new Random(200);
        var amounts = Enumerable.Range(0, 200).Select(_ => random.NextInt64(1_00, 5_000_00)).ToArray();
        var target = amounts[7] + amounts[70] + amounts[120] + amounts[150] + amounts[199];
        Assert.Equal(Reach.Yes, SubsetSum.Reaches(amounts, target, maxSize: 200, budget: 50_000_000));
        Assert.Equal(Reach.Yes, SubsetSum.Reaches(amounts, target, maxSize: 5, budget: 50_000_000));
    }

    [Fact]
    public void Reaches_SumNoSubsetMakes_SaysNoEvenAmongMany()
    {
        // Every amount ends in one cent: k items end in k cents, so 100.00 needs a hundred of them, and there are sixty.
        var amounts = Enumerable.Range(0, 60).Select(i => ((10 + i) * 100L) + 1).ToArray();
        Assert.Equal(Reach.No, SubsetSum.Reaches(amounts, 200_00, maxSize: 60, budget: 50_000_000));
        Assert.Equal(Reach.Yes, SubsetSum.Reaches(amounts, (10 * 100) + 1 + (11 * 100) + 1 + (40 * 100) + 1, maxSize: 60, budget: 50_000_000));
    }

    [Fact]
    public void Reaches_SizeBound_CountsTheFewestItemsThatMakeTheSum()
    {
        long[] amounts = [1_00, 2_00, 4_00, 8_00, 16_00];
        Assert.Equal(Reach.No, SubsetSum.Reaches(amounts, 31_00, maxSize: 4, budget: 1_000_000));
        Assert.Equal(Reach.Yes, SubsetSum.Reaches(amounts, 31_00, maxSize: 5, budget: 1_000_000));
        // Credit memos bring a sum back below the target: 16 + 8 - 3 = 21 with three items, not two.
        long[] withMemo = [16_00, 8_00, -3_00, 30_00];
        Assert.Equal(Reach.Yes, SubsetSum.Reaches(withMemo, 21_00, maxSize: 3, budget: 1_000_000));
        Assert.Equal(Reach.No, SubsetSum.Reaches(withMemo, 21_00, maxSize: 2, budget: 1_000_000));
    }

    [Fact]
    public void Reaches_BudgetSpent_SaysUnknownInsteadOfNo()
    {
        var random = new Random(9);
        var amounts = Enumerable.Range(0, 60).Select(_ => random.NextInt64(1_000_000_00, 9_000_000_000_00)).ToArray();
        Assert.Equal(Reach.Unknown, SubsetSum.Reaches(amounts, 12_345_678_901_23, maxSize: 60, budget: 1_000));
    }

    /// <summary>The oracle in 128 bits: every subset of at most <paramref name="maxSize"/> items whose sum, never wrapped, is the target.</summary>
    private static HashSet<ulong> BruteForceWide(long[] amounts, long target, int maxSize)
    {
        var found = new HashSet<ulong>();
        for (ulong mask = 1; mask < 1UL << amounts.Length; mask++)
        {
            Int128 sum = 0;
            for (var i = 0; i < amounts.Length; i++)
            {
                sum += (mask & (1UL << i)) != 0 ? amounts[i] : 0;
            }

            if (BitOperations.PopCount(mask) <= maxSize && sum == target)
            {
                found.Add(mask);
            }
        }

        return found;
    }

    [Fact]
    public void Find_TargetFarBelowZero_TakesNoPairWhoseDifferenceWrapped()
    {
        // Three items make 2^62; the target less that wraps past long.MinValue to 2^62 + 10, which the fourth item is. The
        // four together make 2^63 + 10, not the target: there is no solution.
        long[] amounts = [1L << 60, 1L << 60, 1L << 61, (1L << 62) + 10];
        var found = SubsetSum.Find(amounts, long.MinValue + 10, maxSize: 4, limit: 2, budget: long.MaxValue, out var exhausted);
        Assert.False(exhausted);
        Assert.Empty(found);
    }

    [Fact]
    public void Reaches_SumsAtTheEndsOfLong_AnswersAsTheirTrueSums()
    {
        // The positives make long.MaxValue: the target less them is past long.MinValue, and the window of sums still
        // wanted must not wrap to the far end. The credit alone makes the target.
        long[] amounts = [1L << 62, (1L << 62) - 1, -3];
        Assert.Equal(Reach.Yes, SubsetSum.Reaches(amounts, -3, maxSize: 3, budget: long.MaxValue));
        Assert.Equal(Reach.No, SubsetSum.Reaches(amounts, -2, maxSize: 3, budget: long.MaxValue));
        Assert.Equal(Reach.Yes, SubsetSum.Reaches(amounts, long.MaxValue - 3, maxSize: 3, budget: long.MaxValue));
    }

    [Property(MaxTest = 500, Replay = "(77,13)")]
    public Property FindAndReaches_AmountsNearTheEndsOfLong_AgreeWithTheirTrueSums() =>
        Prop.ForAll(ArbMap.Default.ArbFor<int>(), seed =>
        {
            // Positives that together make at most long.MaxValue and credits at least long.MinValue + 1, so that no sum of
            // them wraps, and targets anywhere in that range: a sum of one sign less the target may pass either end.
            var random = new Random(seed);
            var amounts = new List<long>();
            foreach (var (total, count) in new[] { (random.NextInt64(1, long.MaxValue), random.Next(0, 6)), (-random.NextInt64(1, long.MaxValue), random.Next(0, 5)) })
            {
                var left = total;
                for (var i = 0; i < count && left != 0; i++)
                {
                    var part = i == count - 1 ? left : (long)(left * random.NextDouble());
                    if (part != 0)
                    {
                        amounts.Add(part);
                        left -= part;
                    }
                }
            }

            if (amounts.Count == 0)
            {
                return true.ToProperty();
            }

            var shuffled = amounts.OrderBy(_ => random.Next()).ToArray();
            var maxSize = random.Next(1, shuffled.Length + 2);
            var target = random.Next(3) switch
            {
                0 => shuffled.Where((_, i) => random.Next(2) == 0).Take(maxSize).Aggregate(0L, (a, b) => a + b),
                1 => random.Next(2) == 0 ? long.MinValue + random.Next(1, 1000) : long.MaxValue - random.Next(0, 1000),
                _ => random.NextInt64(long.MinValue + 1, long.MaxValue),
            };
            if (target == 0)
            {
                target = 1;
            }

            var expected = BruteForceWide(shuffled, target, maxSize);
            var found = SubsetSum.Find(shuffled, target, maxSize, limit: int.MaxValue, budget: long.MaxValue, out var exhausted);
            var reach = SubsetSum.Reaches(shuffled, target, maxSize, budget: long.MaxValue);
            return (!exhausted && found.ToHashSet().SetEquals(expected) && found.Count == expected.Count && reach == (expected.Count > 0 ? Reach.Yes : Reach.No))
                .Label($"amounts [{string.Join(", ", shuffled)}], target {target}, at most {maxSize}: found {found.Count}, expected {expected.Count}, reach {reach}");
        });
}
