namespace CashApp.Engine.Matching;

/// <summary>
/// How likely an open item is to carry a given amount by chance, learnt from the ledger's own open
/// amounts. Matching a payment to "the payer's only open item of that amount" is proof only when another
/// payer's items would rarely hold that amount too: one item in ten thousand customers of exactly
/// 1,234.56 is telling, one of exactly 800.00 among them is not.
/// </summary>
/// <remarks>
/// Built from the opening amounts, which applications never change, so the answer does not depend on
/// the order payments are matched in. Per currency, positive amounts only (payments are positive).
/// </remarks>
internal sealed class AmountPrior
{
    private readonly long[][] _sorted;

    /// <summary>Every <see cref="HeadStride"/>-th amount of each currency's sorted amounts (see <see cref="LowerBound(long[], long[], long)"/>).</summary>
    private readonly long[][] _heads;

    private AmountPrior(long[][] sorted)
    {
        _sorted = sorted;
        _heads = HeadsOf(sorted);
    }

    /// <summary>A prior over amounts already sorted, per currency index (<see cref="AmountChances"/>).</summary>
    internal static AmountPrior FromSorted(long[][] sorted) => new(sorted);

    /// <summary>
    /// The prior of the same items with some opening amounts changed, each item from one amount to another:
    /// what a prior built from the changed amounts would be, made by merging instead of sorting again. New items are
    /// changes from nothing; <paramref name="currencies"/> is how many currencies the changed ledger has.
    /// </summary>
    public AmountPrior With(IReadOnlyList<(int Item, long Before, long After)> changes, ushort[] currencyOf, int currencies)
    {
        // Items added in a currency new to the ledger (an index past this prior's) start from no amounts.
        var sorted = new long[currencies][];
        for (var c = 0; c < currencies; c++)
        {
            sorted[c] = c < _sorted.Length ? _sorted[c] : [];
        }

        foreach (var currency in changes.Select(c => currencyOf[c.Item]).Distinct())
        {
            var removed = changes.Where(c => currencyOf[c.Item] == currency && c.Before > 0).Select(c => c.Before).Order().ToArray();
            var added = changes.Where(c => currencyOf[c.Item] == currency && c.After > 0).Select(c => c.After).Order().ToArray();
            sorted[currency] = Merged(sorted[currency], removed, added);
        }

        return new AmountPrior(sorted);
    }

    // The sorted amounts without one of each removed amount, with the added ones: all three sorted.
    private static long[] Merged(long[] amounts, long[] removed, long[] added)
    {
        var merged = new long[amounts.Length - removed.Length + added.Length];
        int a = 0, r = 0, n = 0, m = 0;
        while (a < amounts.Length || n < added.Length)
        {
            if (a < amounts.Length && r < removed.Length && amounts[a] == removed[r])
            {
                a++;
                r++;
            }
            else if (n < added.Length && (a == amounts.Length || added[n] <= amounts[a]))
            {
                merged[m++] = added[n++];
            }
            else
            {
                merged[m++] = amounts[a++];
            }
        }

        return r == removed.Length && m == merged.Length
            ? merged
            : throw new InvalidOperationException("An amount removed from the prior was not in it.");
    }

    public AmountPrior(ReadOnlySpan<long> openAmounts, ushort[] currencyOf, int currencies)
    {
        var counts = new int[currencies];
        for (var i = 0; i < openAmounts.Length; i++)
        {
            if (openAmounts[i] > 0)
            {
                counts[currencyOf[i]]++;
            }
        }

        _sorted = new long[currencies][];
        for (var c = 0; c < currencies; c++)
        {
            _sorted[c] = new long[counts[c]];
            counts[c] = 0;
        }

        for (var i = 0; i < openAmounts.Length; i++)
        {
            if (openAmounts[i] > 0)
            {
                _sorted[currencyOf[i]][counts[currencyOf[i]]++] = openAmounts[i];
            }
        }

        foreach (var sorted in _sorted)
        {
            Array.Sort(sorted);
        }

        _heads = HeadsOf(_sorted);
    }

    /// <summary>How many sorted amounts lie between two heads: one search of the heads leaves a block this long to search.</summary>
    internal const int HeadStride = 64;

    private static long[][] HeadsOf(long[][] sorted)
    {
        var heads = new long[sorted.Length][];
        for (var c = 0; c < sorted.Length; c++)
        {
            heads[c] = HeadsOf(sorted[c]);
        }

        return heads;
    }

    /// <summary>Every <see cref="HeadStride"/>-th amount of <paramref name="sorted"/>, from the first.</summary>
    internal static long[] HeadsOf(long[] sorted)
    {
        var heads = new long[(sorted.Length + HeadStride - 1) / HeadStride];
        for (var h = 0; h < heads.Length; h++)
        {
            heads[h] = sorted[h * HeadStride];
        }

        return heads;
    }

    /// <summary>
    /// The probability that a payment not for a given open item still comes to exactly its amount
    /// (<paramref name="amount"/> minor units in <paramref name="currency"/>), from the density of open
    /// amounts around it: the items within 5% of it, other than those of exactly that amount, per minor
    /// unit. With <paramref name="roundAmounts"/>, the share of items of exactly that amount beyond the
    /// one found counts too, when larger: amounts like 100.00 are far commoner than their neighbours, among
    /// payments on account as among invoices.
    /// </summary>
    public double Chance(long amount, int currency, bool roundAmounts)
    {
        // The answer depends on the arguments alone (the amounts never change): asked again, it is read back. The
        // prefetch thread's guess of the at-once path asks it for a payment's item just before the matching thread asks
        // the same, and its four binary searches over millions of amounts were cache misses each time.
        var key = (currency << 1) | (roundAmounts ? 1 : 0);
        var slot = (int)(unchecked(((ulong)amount * 0x9E3779B97F4A7C15UL) + (ulong)key) >> (64 - MemoBits));
        if (Volatile.Read(ref _memo[slot]) is { } known && known.Amount == amount && known.Key == key)
        {
            return known.Chance;
        }

        var chance = Computed(amount, currency, roundAmounts);
        Volatile.Write(ref _memo[slot], new Remembered(amount, key, chance));
        return chance;
    }

    /// <summary>The last answers, one a slot by the arguments' hash: any thread reads and writes them (a slot is one reference).</summary>
    private readonly Remembered?[] _memo = new Remembered?[1 << MemoBits];

    private const int MemoBits = 12;

    private sealed record Remembered(long Amount, int Key, double Chance);

    /// <summary>What <see cref="Chance"/> answers, computed: for tests, which hold the two to each other.</summary>
    internal double Computed(long amount, int currency, bool roundAmounts)
    {
        var sorted = _sorted[currency];
        if (sorted.Length == 0 || amount <= 0)
        {
            return 0;
        }

        var heads = _heads[currency];
        var halfWidth = Math.Max(50, amount / 20);
        var exact = CountBetween(sorted, heads, amount, amount);
        var around = CountBetween(sorted, heads, amount - halfWidth, amount + halfWidth) - exact;
        var perValue = (double)around / (2 * halfWidth);
        if (roundAmounts)
        {
            perValue = Math.Max(perValue, exact - 1);
        }

        return perValue / sorted.Length;
    }

    private static int CountBetween(long[] sorted, long[] heads, long low, long high) => LowerBound(sorted, heads, high + 1) - LowerBound(sorted, heads, low);

    /// <summary>
    /// Where <paramref name="value"/> would sort in <paramref name="sorted"/> (the first amount not below it):
    /// first among the heads (<see cref="HeadsOf(long[])"/>, a 64th of the amounts: 625 KB for 5 million, kept in the
    /// last-level cache), then in the one
    /// block of <see cref="HeadStride"/> amounts that holds the answer. A search of millions of amounts read a cache miss
    /// at each of its last dozen halvings; this one reads two or three.
    /// </summary>
    internal static int LowerBound(long[] sorted, long[] heads, long value)
    {
        // heads[h] is sorted[h * HeadStride]: the first head not below the value bounds the answer from above, the
        // head before it (below the value) from below.
        var head = LowerBound(heads, 0, heads.Length, value);
        var lo = head == 0 ? 0 : ((head - 1) * HeadStride) + 1;
        var hi = head == heads.Length ? sorted.Length : head * HeadStride;
        return LowerBound(sorted, lo, hi, value);
    }

    private static int LowerBound(long[] sorted, int lo, int hi, long value) => lo + SortedSearch.LowerBound<long>(sorted.AsSpan(lo, hi - lo), value);
}
