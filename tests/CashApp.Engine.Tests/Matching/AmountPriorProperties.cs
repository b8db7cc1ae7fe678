using CashApp.Engine.Matching;
using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;

namespace CashApp.Engine.Tests.Matching;

/// <summary>The chance of an amount is counted from the ledger as its documentation says, whatever the ledger.</summary>
public sealed class AmountPriorProperties
{
    private static AmountPrior PriorOf(List<long> amounts) => new([.. amounts], new ushort[amounts.Count], 1);

    [Property(MaxTest = 300, Replay = "(11,29)")]
    public Property Chance_IsTheCountedDensityAroundTheAmount() =>
        Prop.ForAll(
            Gen.ListOf(Gen.Choose(-2_000, 20_000).Select(a => (long)a)).ToArbitrary(),
            Gen.Choose(1, 20_000).ToArbitrary(),
            (amounts, target) =>
            {
                var prior = PriorOf(amounts);
                var positive = amounts.Count(a => a > 0);
                var halfWidth = Math.Max(50, target / 20);
                var exact = amounts.Count(a => a == target);
                var around = amounts.Count(a => a > 0 && a != target && Math.Abs(a - target) <= halfWidth);
                var smooth = positive == 0 ? 0 : (double)around / (2 * halfWidth) / positive;
                var round = positive == 0 ? 0 : Math.Max(smooth, (double)Math.Max(0, exact - 1) / positive);
                return (Math.Abs(prior.Chance(target, 0, roundAmounts: false) - smooth) < 1e-12
                        && Math.Abs(prior.Chance(target, 0, roundAmounts: true) - round) < 1e-12)
                    .Label($"target {target}: {prior.Chance(target, 0, false)} vs {smooth}, {prior.Chance(target, 0, true)} vs {round}");
            });

    [Property(MaxTest = 200, Replay = "(3,41)")]
    public Property Chance_DoesNotDependOnTheLedgersOrder() =>
        Prop.ForAll(
            Gen.ListOf(Gen.Choose(1, 5_000).Select(a => (long)a)).ToArbitrary(),
            Gen.Choose(1, 5_000).ToArbitrary(),
            (amounts, target) =>
            {
                var reversed = amounts.AsEnumerable().Reverse().ToList();
                return PriorOf(amounts).Chance(target, 0, roundAmounts: true) == PriorOf(reversed).Chance(target, 0, roundAmounts: true);
            });

    [Fact]
    public void Chance_RoundAmountCommonInTheLedger_CountsOnlyWhenAskedFor()
    {
        // 100 items of exactly 100.00 among 1,000 spread thinly around it.
        var amounts = Enumerable.Range(0, 900).Select(i => 5_000L + (i * 11)).Concat(Enumerable.Repeat(10_000L, 100)).ToList();
        var prior = PriorOf(amounts);

        Assert.Equal(99.0 / 1_000, prior.Chance(10_000, 0, roundAmounts: true), 12);
        Assert.True(prior.Chance(10_000, 0, roundAmounts: false) < 0.001);
    }

    [Property(MaxTest = 200, Replay = "(1606,7)")]
    public Property Chance_RememberedAcrossCallsAndThreads_IsWhatItComputes() =>
        Prop.ForAll(
            Gen.ListOf(Gen.Choose(1, 40).Select(a => a * 100L)).ToArbitrary(),
            Gen.ListOf(Gen.Choose(-1, 45).Select(a => a * 100L)).ToArbitrary(),
            (amounts, asked) =>
            {
                // Round amounts the ledger repeats: the chance with and without round amounts then differ.
                // Two currencies (the second holds the amounts doubled), each amount asked with and without round amounts,
                // many times over and on several threads at once: every answer is the one computed for its own arguments,
                // never one remembered for another currency, flag or amount sharing its slot.
                var currencyOf = new ushort[2 * amounts.Count];
                var opening = new long[2 * amounts.Count];
                for (var a = 0; a < amounts.Count; a++)
                {
                    opening[a] = amounts[a];
                    opening[amounts.Count + a] = 2 * amounts[a];
                    currencyOf[amounts.Count + a] = 1;
                }

                var prior = new AmountPrior(opening, currencyOf, 2);
                var queries = asked.Concat(asked.Select(a => a + 1)).Concat(asked).ToList();
                var wrong = 0;
                Parallel.For(0, 4, _ =>
                {
                    foreach (var amount in queries)
                    {
                        for (var currency = 0; currency < 2; currency++)
                        {
                            foreach (var round in (bool[])[false, true, false])
                            {
                                if (prior.Chance(amount, currency, round) != prior.Computed(amount, currency, round))
                                {
                                    Interlocked.Increment(ref wrong);
                                }
                            }
                        }
                    }
                });
                return (wrong == 0).Label($"{wrong} answers not as computed");
            });

    [Property(MaxTest = 300, Replay = "(97,13)")]
    public Property LowerBound_ByHeads_IsTheCountOfAmountsBelow() =>
        Prop.ForAll(
            Gen.Choose(0, 40 * AmountPrior.HeadStride).ToArbitrary(),
            Gen.Choose(1, 3_000).ToArbitrary(),
            Gen.ListOf(Gen.Choose(-10, 3_100).Select(a => (long)a)).ToArbitrary(),
            (count, spread, asked) =>
            {
                // Runs of equal amounts longer than a block and cut by the heads, values below, between and past them all.
                var random = new Random(count * 31 + spread);
                var sorted = Enumerable.Range(0, count).Select(_ => (long)random.Next(0, spread)).Order().ToArray();
                var heads = AmountPrior.HeadsOf(sorted);
                var wrong = asked.Concat(sorted.Take(200)).Concat([long.MinValue + 1, long.MaxValue])
                    .Where(value => AmountPrior.LowerBound(sorted, heads, value) != sorted.Count(a => a < value)).ToList();
                return (wrong.Count == 0).Label($"{count} amounts below {spread}: wrong at {string.Join(", ", wrong.Take(5))}");
            });
}
