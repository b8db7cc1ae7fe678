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
}
