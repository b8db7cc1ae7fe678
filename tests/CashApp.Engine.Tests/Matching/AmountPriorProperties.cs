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
}
