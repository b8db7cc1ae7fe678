using CashApp.Engine.Model;

namespace CashApp.Engine.Matching;

// A served ledger changes a few items at a time (a resolve, an ingest's applications, an AR correction): the next
// snapshot is this one with those open amounts, not a new read and index of the whole ledger (issue 16).
public sealed partial class CashMatcher
{
    // Per numbering series and per currency, how many items have a non-zero opening amount: what tells whether
    // closing an item leaves the series or currency still known. Counted on the first change, then carried.
    private int[]? _openInSeries;
    private int[]? _openInCurrency;

    /// <summary>
    /// A matcher over the same indexes whose opening amounts are these ones with <paramref name="changes"/> made:
    /// each is an item this matcher indexes, as the store now holds it (null when it is no longer open). It
    /// decides every payment exactly as a matcher built afresh from the changed ledger would, and is made in
    /// time proportional to the ledger's amounts (one copy), not to its indexing. Returns null when the change
    /// is more than open amounts, and only a new matcher can say what it means: an item this matcher does not
    /// index, a number, customer, currency, date or terms changed, or a closure that would drop the last open
    /// item of a numbering series or currency, or change what a customer without a record is known by.
    /// </summary>
    /// <param name="changes">The items changed, by id, each as it is now or null when closed.</param>
    /// <param name="onRecord">Whether a customer id has a customer record (customers known only from their items are named by them).</param>
    public CashMatcher? WithChangedItems(IReadOnlyList<(string ItemId, OpenItem? Now)> changes, Func<string, bool> onRecord)
    {
        ArgumentNullException.ThrowIfNull(changes);
        ArgumentNullException.ThrowIfNull(onRecord);
        var opening = (long[])_opening.Clone();
        var inSeries = (int[])(_openInSeries ?? CountOpen(_seriesOfItem, _series.Count));
        var inCurrency = (int[])(_openInCurrency ?? CountOpen(_currencyOf, _currencyCodes.Count));
        var changed = new List<(int Item, long Before, long After)>(changes.Count);
        foreach (var (itemId, now) in changes)
        {
            var item = IndexOfItem(itemId);
            if (item < 0 || (now is not null && (now.ItemId != itemId || now with { OpenMinor = _items[item].OpenMinor } != _items[item])))
            {
                return null;
            }

            var before = opening[item];
            var after = now?.OpenMinor ?? 0;
            if (before == after)
            {
                continue;
            }

            if ((before == 0) != (after == 0))
            {
                var step = after == 0 ? -1 : 1;
                inSeries[_seriesOfItem[item]] += step;
                inCurrency[_currencyOf[item]] += step;
            }

            opening[item] = after;
            changed.Add((item, before, after));
        }

        // A closure is as if the item were never read only while what the ledger knows stays the same without it.
        foreach (var (item, before, after) in changed)
        {
            if (after == 0 && before != 0 && (inSeries[_seriesOfItem[item]] == 0 || inCurrency[_currencyOf[item]] == 0 || !StillNamed(item, opening, onRecord)))
            {
                return null;
            }
        }

        var prior = _amountPrior.IsValueCreated ? _amountPrior.Value.With(changed, _currencyOf) : null;
        var currencyOf = _currencyOf;
        var currencies = _currencyCodes.Count;
        var next = new CashMatcher(this, opening, prior is null ? new(() => new AmountPrior(opening, currencyOf, currencies)) : new(() => prior));
        next._openInSeries = inSeries;
        next._openInCurrency = inCurrency;
        return next;
    }

    /// <summary>
    /// Whether the item's customer is known by the same name once the item is closed: a customer with a record
    /// is; one known only from its items takes the name of its first open item, which must then stay the same.
    /// </summary>
    private bool StillNamed(int item, long[] opening, Func<string, bool> onRecord)
    {
        var customerId = _items[item].CustomerId;
        if (onRecord(customerId))
        {
            return true;
        }

        var open = _itemsOfCustomer[_customerOf[item]].Where(i => opening[i] != 0).ToList();
        return open.Count > 0 && open.TrueForAll(i => _items[i].CustomerName == _items[item].CustomerName);
    }

    private int[] CountOpen<T>(T[] groupOf, int groups)
        where T : struct, IConvertible
    {
        var counts = new int[groups];
        for (var i = 0; i < _opening.Length; i++)
        {
            if (_opening[i] != 0)
            {
                counts[groupOf[i].ToInt32(System.Globalization.CultureInfo.InvariantCulture)]++;
            }
        }

        return counts;
    }
}
