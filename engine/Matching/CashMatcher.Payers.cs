using System.Numerics;
using CashApp.Engine.Model;
using CashApp.Parsers.Currency;

namespace CashApp.Engine.Matching;

// Lookups for the amount rules (Rules/): the open items of a customer or a family at an amount, the amount
// prior's chance, and the bounded search for combinations of open items that make an amount.
public sealed partial class CashMatcher
{
    // Round steps a combination's chance is counted at: 1, 10, 100 and 1,000 whole units.
    private const int RoundSteps = 4;

    /// <summary>The chance that one open item in <paramref name="currency"/> is of the amount by accident (see <see cref="AmountPrior.Chance"/>).</summary>
    internal double ChanceOf(long amount, string currency, bool roundAmounts)
    {
        var code = _currencyCodes.IndexOf(currency);
        return code < 0 ? 0 : Prior.Chance(amount, code, roundAmounts);
    }

    private IEnumerable<int> ItemsOf(int customer, long amount, string currency)
    {
        var code = CurrencyIndex(currency);
        return ItemsOfCustomer(customer).Where(i => IsOpenOfAmount(i, amount, code));
    }

    /// <summary>Whether item <paramref name="item"/> is open for exactly <paramref name="amount"/> in currency index <paramref name="currency"/>.</summary>
    private bool IsOpenOfAmount(int item, long amount, int currency) => _remaining[item] == amount && IsOpenIn(item, currency);

    /// <summary>
    /// Subsets of 2..max open items of <paramref name="pool"/>, at most two, summing to the amount;
    /// <paramref name="tooLikely"/> when the pool has items to combine but any combination would be chance.
    /// </summary>
    private List<int[]> Combinations(ReadOnlySpan<int> pool, long amount, CurrencyCode currency, int searches, out bool exhausted, out bool tooLikely)
    {
        // Without credit memos, an item larger than the payment is in no combination of it: leave it out
        // of the search and of the count of subsets that could hit the amount by chance. (Loops over the pool and the
        // currency looked up once: this runs for each payer of every payment decided by its payer.)
        var code = CurrencyIndex(currency.Code);
        var withMemos = false;
        for (var k = 0; k < pool.Length; k++)
        {
            var i = pool[k];
            if (_remaining[i] < 0 && IsOpenIn(i, code))
            {
                withMemos = true;
                break;
            }
        }

        // With many payers searched or many items, a combination could only be chance: do not look.
        var limit = Math.Min(Policy.MaxCombinationCandidates, SubsetSum.MaxItems);
        var unit = (long)Math.Pow(10, currency.MinorDigits);
        Span<int> roundItems = stackalloc int[RoundSteps];
        var n = 0;
        for (var k = 0; k < pool.Length; k++)
        {
            var i = pool[k];
            if (Eligible(i, code, withMemos, amount))
            {
                n++;
                var step = unit;
                for (var s = 0; s < RoundSteps && _remaining[i] % step == 0; s++, step *= 10)
                {
                    roundItems[s]++;
                }
            }
        }

        for (var s = 0; s < RoundSteps; s++)
        {
            roundItems[s] = Math.Min(limit, roundItems[s]);
        }

        var maxSize = CredibleCombinationSize(Math.Min(limit, n), roundItems, amount, searches, unit);
        tooLikely = maxSize < 2 && n >= 2;
        if (maxSize < 2)
        {
            exhausted = false;
            return [];
        }

        // The oldest items first: a payer clearing a batch usually clears what is due.
        var open = OldestEligible(pool, code, withMemos, amount, limit);
        var amounts = new long[open.Length];
        for (var k = 0; k < open.Length; k++)
        {
            amounts[k] = _remaining[open[k]];
        }

        var masks = SubsetSum.Find(amounts, amount, maxSize, limit: 3, Policy.CombinationBudget, out exhausted);
        var sets = new List<int[]>();
        foreach (var mask in masks)
        {
            if (BitOperations.PopCount(mask) < 2)
            {
                continue;
            }

            var set = new List<int>();
            for (var bit = 0; bit < open.Length; bit++)
            {
                if ((mask & (1UL << bit)) != 0)
                {
                    set.Add(open[bit]);
                }
            }

            SortItems(set);
            sets.Add([.. set]);
        }

        return sets;
    }

    /// <summary>Whether an item of <paramref name="pool"/> may be in a combination making <paramref name="amount"/>.</summary>
    private bool Eligible(int item, int currency, bool withMemos, long amount) =>
        IsOpenIn(item, currency) && (withMemos || _remaining[item] <= amount);

    /// <summary>The first <paramref name="limit"/> eligible items of the pool, oldest first (see <see cref="Combinations"/>).</summary>
    /// <remarks>
    /// One sort of (due day, id rank) keys, a total order since items are distinct, so it gives exactly the stable
    /// <c>OrderBy(due date).ThenBy(item, ItemComparer).Take(limit)</c> it replaces, without that chain's enumerators,
    /// key maps and buffers for each payer of every payment decided by its payer.
    /// </remarks>
    private int[] OldestEligible(ReadOnlySpan<int> pool, int currency, bool withMemos, long amount, int limit)
    {
        var keys = System.Buffers.ArrayPool<(int Due, long Rank, int Item)>.Shared.Rent(pool.Length);
        try
        {
            var n = 0;
            for (var k = 0; k < pool.Length; k++)
            {
                var i = pool[k];
                if (Eligible(i, currency, withMemos, amount))
                {
                    keys[n++] = (_items.DueDate(i).DayNumber, _order is { } order ? order.Rank(i) : i, i);
                }
            }

            var sorted = keys.AsSpan(0, n);
            sorted.Sort();
            var oldest = new int[Math.Clamp(limit, 0, n)];
            for (var k = 0; k < oldest.Length; k++)
            {
                oldest[k] = sorted[k].Item;
            }

            return oldest;
        }
        finally
        {
            System.Buffers.ArrayPool<(int Due, long Rank, int Item)>.Shared.Return(keys);
        }
    }
}
