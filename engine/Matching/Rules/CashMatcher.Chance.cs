using CashApp.Parsers.Currency;

namespace CashApp.Engine.Matching;

// How likely an amount, or a combination of amounts, is to turn up by accident, and so what finding one can
// prove. A payer's only open item of the amount paid proves the match only when an item of that amount among
// all those searched is unlikely to be chance (the policy's MaxChanceSingle); a combination of open items only
// up to the size at which one of that sum would still rarely be an accident (MaxChanceCombinations). Round
// amounts are commoner than others, and count so. The amount prior itself is AmountPrior.cs.
public sealed partial class CashMatcher
{
    /// <summary>
    /// The largest number of the <paramref name="amounts"/> one combination of <paramref name="sum"/> may take
    /// while one of that sum turns up by chance at most <paramref name="maxChance"/> times (see <see cref="CredibleCombinationSize"/>).
    /// </summary>
    private int CredibleSize(long[] amounts, long sum, CurrencyCode currency, double maxChance)
    {
        var unit = (long)Math.Pow(10, currency.MinorDigits);
        Span<int> roundItems = stackalloc int[RoundSteps];
        foreach (var amount in amounts)
        {
            var step = unit;
            for (var s = 0; s < RoundSteps && amount % step == 0; s++, step *= 10)
            {
                roundItems[s]++;
            }
        }

        return CredibleCombinationSize(amounts.Length, roundItems, Math.Abs(sum), searches: 1, unit, maxChance);
    }

    /// <summary>
    /// The largest combination size whose subsets are few enough, against the amount, that one of them
    /// summing to it is unlikely to be chance: the subsets of up to that size, spread over every value up
    /// to the amount. Sums of round amounts are round: when the amount is a multiple of a round step
    /// (1, 10, 100 or 1,000 whole units of <paramref name="unit"/> minor units), the subsets of the items
    /// that are multiples of it spread over the multiples only (<paramref name="roundItems"/>[s] items for step s).
    /// </summary>
    private int CredibleCombinationSize(int n, ReadOnlySpan<int> roundItems, long amount, int searches, long unit, double? maxChance = null)
    {
        Span<double> roundSubsets = stackalloc double[RoundSteps];
        Span<double> roundChoose = stackalloc double[RoundSteps];
        roundChoose.Fill(1);
        double subsets = 0, choose = 1;
        var size = 1;
        for (var k = 1; k <= Policy.MaxCombinationSize && k <= n; k++)
        {
            choose = choose * (n - k + 1) / k;
            subsets += choose;
            var chance = subsets / Math.Max(1, amount);
            var step = unit;
            for (var s = 0; s < RoundSteps; s++, step *= 10)
            {
                var m = roundItems[s];
                roundChoose[s] = k <= m ? roundChoose[s] * (m - k + 1) / k : 0;
                roundSubsets[s] += roundChoose[s];
                if (amount % step == 0)
                {
                    chance += roundSubsets[s] / (amount / step);
                }
            }

            if (chance * searches > (maxChance ?? Policy.MaxChanceCombinations))
            {
                break;
            }

            size = k;
        }

        return size;
    }

    /// <summary>
    /// How many open items a search of the tier (or of its families) looked at, and the expected number
    /// of them that a payment not for them would still hit by chance. The found item's own payer (its
    /// family) risks only the smooth chance of its few items, as a lone payer always did; every other
    /// payer alike adds the chance of its items at the amount's full frequency, round amounts' included.
    /// </summary>
    private (int Searched, double Chance) ChanceOfAmount(List<PayerCandidate> tier, bool familyWide, int found, long amount, string currency)
    {
        var owner = familyWide ? _customers.Root(_customerOf[found]) : _customerOf[found];
        int own = 0, others = 0;
        var code = CurrencyIndex(currency);
        var counted = new HashSet<int>();
        foreach (var candidate in tier)
        {
            // Each payer (or family) once; loops, not predicates, and the currency looked up once: a family may hold thousands of items.
            var payer = familyWide ? _customers.Root(candidate.Customer) : candidate.Customer;
            if (!counted.Add(payer))
            {
                continue;
            }

            var open = 0;
            if (!familyWide)
            {
                open = OpenCredits(payer, code);
            }
            else
            {
                foreach (var member in _customers.Family(payer))
                {
                    open += OpenCredits(member, code);
                }
            }

            if (payer == owner)
            {
                own += open;
            }
            else
            {
                others += open;
            }
        }

        return (own + others, (own * ChanceOf(amount, currency, roundAmounts: false)) + (others * ChanceOf(amount, currency, roundAmounts: true)));

        int OpenCredits(int customer, int currencyIndex)
        {
            var count = 0;
            foreach (var item in ItemsOfCustomer(customer))
            {
                if (_remaining[item] > 0 && IsOpenIn(item, currencyIndex))
                {
                    count++;
                }
            }

            return count;
        }
    }
}
