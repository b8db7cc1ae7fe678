using CashApp.Engine.Model;

namespace CashApp.Engine.Matching;

// A served ledger changes a few items at a time (a resolve, an ingest's applications, an AR correction, a new
// invoice): the next snapshot is this one with those changes, not a new read and index of the whole ledger (issue 16).
// A generation is the full build's indexes, only read, plus a small delta of the items added since, which every
// lookup also consults (KeyIndex.Over, _fuzzyAdded, _addedOfCustomer).
public sealed partial class CashMatcher
{
    /// <summary>At most this many items added since the full build are carried in a generation's delta; beyond, the ledger is read again.</summary>
    internal const int MaxAddedItems = 10_000;

    // Per numbering series and per currency, how many items have a non-zero opening amount: what tells whether
    // closing an item leaves the series or currency still known. Counted on the first change, then carried.
    private int[]? _openInSeries;
    private int[]? _openInCurrency;

    // The items added since the full build (their numbers, all past the build's, in id order), their fuzzy keys,
    // and the items of the customers they belong to (the build's and the added ones merged in id order, an array each).
    private int[] _added = [];
    private DeleteNeighbourhoodIndex? _fuzzyAdded;
    private Dictionary<int, int[]>? _addedOfCustomer;

    // The rank (see ItemOrder) of each added item, by its number less the build's count; and the order of ranks
    // where numbers no longer give the id order (an added item sorts among the known ones), else null: item numbers
    // then compare as ids do, and a full build, or a generation that only appended, sorts by number as before.
    private long[] _addedRank = [];
    private ItemOrder? _order;

    /// <summary>
    /// A matcher whose opening amounts are these ones with <paramref name="changes"/> made: each is an item as the
    /// store now holds it (null when it is no longer open), one this matcher indexes or a new one. It decides every
    /// payment exactly as a matcher built afresh from the changed ledger would, and is made in time proportional to
    /// the ledger's amounts (one copy) and to the items added since the full build, not to the ledger's indexing.
    /// Returns null, so that the caller reads the whole ledger, where the change cannot be carried so as to decide
    /// the same: a number, customer, currency, date or terms of a known item changed; a new item whose id sorts
    /// among known ids where no rank is left between its neighbours' (see <see cref="ItemOrder"/>; after some 32
    /// halvings of one gap), of a customer it does not know, or of a customer known only from items none of which is
    /// open or whose first open item it would precede (what names the customer); more than
    /// <see cref="MaxAddedItems"/> items (or half the build's) added since the full build, or items numbered past the
    /// fuzzy index's room (<see cref="MatcherCapacity.FuzzyItems"/>); or a closure that would drop the last open item
    /// of a numbering series or currency, or change what a customer without a record is known by.
    /// </summary>
    /// <param name="changes">The items changed, by id, each as it is now or null when closed.</param>
    /// <param name="onRecord">Whether a customer id has a customer record (customers known only from their items are named by them).</param>
    public CashMatcher? WithChangedItems(IReadOnlyList<(string ItemId, OpenItem? Now)> changes, Func<string, bool> onRecord)
    {
        ArgumentNullException.ThrowIfNull(changes);
        ArgumentNullException.ThrowIfNull(onRecord);
        // The room past this generation's items cleared: a full build's opening amounts may be its records' column,
        // whose room holds what another generation of the build added.
        var opening = (long[])_opening.Clone();
        opening.AsSpan(_itemCount).Clear();
        // Copies: the counts are changed below, and this generation (still served, or a parent of others) keeps its own.
        var inSeries = (int[])(_openInSeries?.Clone() ?? CountOpen(_seriesOfItem, _series.Count));
        var inCurrency = (int[])(_openInCurrency?.Clone() ?? CountOpen(_currencyOf, _currencyCodes.Count));
        var changed = new List<(int Item, long Before, long After)>(changes.Count);
        var added = new List<OpenItem>();
        foreach (var (itemId, now) in changes)
        {
            var item = IndexOfItem(itemId);
            if (now is not null && now.ItemId != itemId)
            {
                return null;
            }

            if (item < 0)
            {
                // An item never read and still not open changes nothing.
                if (now is { OpenMinor: not 0 })
                {
                    added.Add(now);
                }

                continue;
            }

            if (now is not null && now with { OpenMinor = _items.OpenMinor(item) } != _items.Record(item))
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

        if (added.Count > 0)
        {
            // Added items are numbered past every item of the build, closed ones too: past the fuzzy index's room, a
            // full read numbers only the open items, and may fit.
            if ((long)_itemCount + added.Count > MatcherCapacity.FuzzyItems)
            {
                return null;
            }

            added.Sort((a, b) => string.CompareOrdinal(a.ItemId, b.ItemId));
            return Placed(added, opening, onRecord) is { } ranks ? WithAdded(added, ranks, opening, changed, inSeries, inCurrency) : null;
        }

        var prior = _amountPrior.IsValueCreated ? _amountPrior.Value.With(changed, _currencyOf, _currencyCodes.Count) : null;
        var currencyOf = _currencyOf;
        var currencies = _currencyCodes.Count;
        var next = new CashMatcher(this, opening, prior is null ? new(() => new AmountPrior(opening, currencyOf, currencies)) : new(() => prior));
        next._openInSeries = inSeries;
        next._openInCurrency = inCurrency;
        return next;
    }

    /// <summary>
    /// The ranks new items (in id order) take among the items this matcher knows, so that every order by rank is
    /// the id order a fresh build numbers them in; null when they cannot be carried. Their customers must be known,
    /// and one known only from its items must keep its name and place, which its first open item gives.
    /// </summary>
    private long[]? Placed(List<OpenItem> added, long[] opening, Func<string, bool> onRecord)
    {
        var built = Built;
        if (_added.Length + added.Count > Math.Min(MaxAddedItems, Math.Max(1_000, built / 2)))
        {
            return null;
        }

        var ranks = new long[added.Count];
        for (var n = 0; n < added.Count;)
        {
            // The known neighbours of this item, among the build's items and those added before; the new items up to
            // the next known one share the gap between them, evenly spaced.
            var id = added[n].ItemId;
            var inBuilt = LowerBound(id, built, i => i);
            var inAdded = LowerBound(id, _added.Length, a => _added[a]);
            var below = Math.Max(inBuilt > 0 ? ItemOrder.BuiltRank(inBuilt - 1) : -(1L << ItemOrder.Shift), inAdded > 0 ? _addedRank[_added[inAdded - 1] - built] : long.MinValue);
            var next = -1;
            if (inBuilt < built)
            {
                next = inBuilt;
            }

            if (inAdded < _added.Length && (next < 0 || RankOf(_added[inAdded]) < RankOf(next)))
            {
                next = _added[inAdded];
            }

            var run = n + 1;
            while (run < added.Count && (next < 0 || _items.IdOf(next).SequenceCompareTo(added[run].ItemId) > 0))
            {
                run++;
            }

            // Past every known id, each takes a whole built step (far from overflowing: the build numbers fewer than 2^30 items).
            var step = next >= 0 ? (RankOf(next) - below) / (run - n + 1) : 1L << ItemOrder.Shift;
            if (step < 1 || below > long.MaxValue >> 1)
            {
                return null;
            }

            for (var k = n; k < run; k++)
            {
                ranks[k] = below + ((k - n + 1) * step);
            }

            n = run;
        }

        for (var n = 0; n < added.Count; n++)
        {
            var item = added[n];
            var customer = _customers.IndexOf(item.CustomerId);
            if (customer < 0 || (!onRecord(item.CustomerId) && !(FirstOpen(customer, opening) is { } first && RankOf(first) < ranks[n])))
            {
                return null;
            }
        }

        return ranks;
    }

    /// <summary>How many of the first <paramref name="count"/> items of a sequence in id order (item numbers given by <paramref name="itemAt"/>) sort before <paramref name="id"/>.</summary>
    private int LowerBound(string id, int count, Func<int, int> itemAt)
    {
        int lo = 0, hi = count;
        while (lo < hi)
        {
            var mid = (lo + hi) >>> 1;
            (lo, hi) = _items.IdOf(itemAt(mid)).SequenceCompareTo(id) < 0 ? (mid + 1, hi) : (lo, mid);
        }

        return lo;
    }

    /// <summary>The customer's first open item in id order, or null when none is open.</summary>
    private int? FirstOpen(int customer, long[] opening)
    {
        foreach (var i in ItemsOfCustomer(customer))
        {
            if (opening[i] != 0)
            {
                return i;
            }
        }

        return null;
    }

    /// <summary>How many items the full build numbered: they rank by number, and the items past them are the added ones.</summary>
    private int Built => _itemCount - _added.Length;

    /// <summary>The item's rank: the order of ranks is the order of ids.</summary>
    private long RankOf(int item) => item < Built ? ItemOrder.BuiltRank(item) : _addedRank[item - Built];

    /// <summary>The order of item numbers by id, as a comparer (the plain order of numbers while it is the same).</summary>
    private IComparer<int> ItemComparer => (IComparer<int>?)_order ?? Comparer<int>.Default;

    /// <summary>Sorts items into id order.</summary>
    private void SortItems(List<int> items)
    {
        if (_order is null)
        {
            items.Sort();
        }
        else
        {
            items.Sort(_order);
        }
    }

    /// <summary>Sorts items into id order.</summary>
    private void SortItems(Span<int> items)
    {
        if (_order is null)
        {
            items.Sort();
        }
        else
        {
            items.Sort(_order);
        }
    }

    /// <summary>The items in id order.</summary>
    private IOrderedEnumerable<int> InIdOrder(IEnumerable<int> items) => _order is null ? items.Order() : items.Order(_order);

    /// <summary>
    /// The next generation with <paramref name="added"/> (in id order, ranked <paramref name="ranks"/>) numbered after
    /// this one's items, and ordered by rank wherever the order of items decides something.
    /// </summary>
    private CashMatcher WithAdded(List<OpenItem> added, long[] ranks, long[] opening, List<(int Item, long Before, long After)> changed, int[] inSeries, int[] inCurrency)
    {
        var count = _itemCount;
        var needed = count + added.Count;
        var (customerOf, currencyOf, seriesOf, tail) = (_customerOf, _currencyOf, _seriesOfItem, _tail);
        var capacity = _items.Capacity;
        var copy = needed > capacity || Interlocked.CompareExchange(ref tail.Claimed, needed, count) != count;
        if (copy)
        {
            // The room past this generation's items is full, or another generation made from this one took it: copy.
            capacity = needed + RoomForAdded(needed);
            customerOf = Copied(customerOf, count, capacity);
            currencyOf = Copied(currencyOf, count, capacity);
            seriesOf = Copied(seriesOf, count, capacity);
            tail = new ItemTail(needed);
        }

        var items = _items.WithAdded(added, count, capacity, copy);
        if (opening.Length != capacity)
        {
            opening = Copied(opening, count, capacity);
        }

        // A new currency or series extends a copy of the short tables; the build's stay as they are.
        var currencyCodes = added.TrueForAll(a => _currencyCodes.Contains(a.Currency.Code)) ? _currencyCodes : [.. _currencyCodes];
        var (series, seriesIndex) = added.TrueForAll(a => _seriesIndex.ContainsKey(SeriesOf(ReferenceText.FullKey(a.InvoiceNumber))))
            ? (_series, _seriesIndex)
            : ([.. _series], new Dictionary<string, int>(_seriesIndex.Dictionary, StringComparer.Ordinal).GetAlternateLookup<ReadOnlySpan<char>>());
        for (var n = 0; n < added.Count; n++)
        {
            var item = added[n];
            var at = count + n;
            opening[at] = item.OpenMinor;
            customerOf[at] = _customers.IndexOf(item.CustomerId);
            currencyOf[at] = CurrencyAt(item.Currency.Code, currencyCodes);
            changed.Add((at, 0, item.OpenMinor));
        }

        // The ranks of every added item, by number past the build's; and the added items in id (rank) order: the
        // earlier ones and the new ones (in id order already), merged.
        var built = Built;
        var addedRank = new long[needed - built];
        _addedRank.AsSpan(0, count - built).CopyTo(addedRank);
        ranks.CopyTo(addedRank, count - built);
        var all = new int[_added.Length + added.Count];
        for (int a = 0, n = 0, at = 0; at < all.Length; at++)
        {
            all[at] = n == added.Count || (a < _added.Length && addedRank[_added[a] - built] < ranks[n]) ? _added[a++] : count + n++;
        }

        // Numbers give the id order still when every item added sorts after the one added before it (and the first
        // after every built item): then nothing needs ranks, and sorts stay the plain sorts of numbers.
        var inNumberOrder = _order is null && (count == 0 || ranks[0] > RankOf(count - 1));
        var order = inNumberOrder ? null : new ItemOrder(built, addedRank);

        // The delta is indexed again whole, the items added before as well, so no generation's index is written after
        // it is made: a reader of an older generation never meets a newer item. In id order, so that a key's items
        // come newest (last in id order) first, merged by rank with those of the build's index.
        var invoiceKeys = KeyIndex.Over(_invoiceKeys, 2 * all.Length, order);
        var poKeys = KeyIndex.Over(_poKeys, all.Length, order);
        var fuzzyKeys = new DeleteNeighbourhoodIndex.Keys(all.Length, 12 * all.Length);
        var addedOf = new Dictionary<int, List<int>>();
        foreach (var i in all)
        {
            var seriesAt = IndexItem(items, i, invoiceKeys, poKeys, fuzzyKeys, series, seriesIndex);
            if (i >= count)
            {
                seriesOf[i] = seriesAt;
            }

            var customer = customerOf[i];
            if (!addedOf.TryGetValue(customer, out var list))
            {
                addedOf[customer] = list = [];
            }

            list.Add(i);
        }

        // A customer's items in id order: the build's (ranked by number) and its added ones, merged by rank.
        var ofCustomer = new Dictionary<int, int[]>(addedOf.Count);
        foreach (var (customer, ofAdded) in addedOf)
        {
            var ofBuilt = BuiltItemsOf(customer);
            var merged = new int[ofBuilt.Count + ofAdded.Count];
            for (int b = 0, a = 0, m = 0; m < merged.Length; m++)
            {
                merged[m] = a == ofAdded.Count || (b < ofBuilt.Count && ItemOrder.BuiltRank(ofBuilt[b]) < addedRank[ofAdded[a] - built]) ? ofBuilt[b++] : ofAdded[a++];
            }

            ofCustomer[customer] = merged;
        }

        invoiceKeys.Settle();
        poKeys.Settle();
        Array.Resize(ref inSeries, series.Count);
        Array.Resize(ref inCurrency, currencyCodes.Count);
        for (var at = count; at < needed; at++)
        {
            inSeries[seriesOf[at]]++;
            inCurrency[currencyOf[at]]++;
        }

        var currencies = currencyCodes.Count;
        var prior = _amountPrior.IsValueCreated ? _amountPrior.Value.With(changed, currencyOf, currencies) : null;
        var next = new CashMatcher(this, opening, prior is null ? new(() => new AmountPrior(opening, currencyOf, currencies)) : new(() => prior))
        {
            _items = items,
            _itemCount = needed,
            _tail = tail,
            _customerOf = customerOf,
            _currencyOf = currencyOf,
            _currencyCodes = currencyCodes,
            _seriesOfItem = seriesOf,
            _series = series,
            _seriesIndex = seriesIndex,
            _invoiceKeys = invoiceKeys,
            _poKeys = poKeys,
            _added = all,
            _addedRank = addedRank,
            _order = order,
            _fuzzyAdded = fuzzyKeys.Count > 0 ? DeleteNeighbourhoodIndex.Build(fuzzyKeys) : null,
            _addedOfCustomer = ofCustomer,
            _openInSeries = inSeries,
            _openInCurrency = inCurrency,
        };
        return next;
    }

    /// <summary>The items of a customer, in id order: the build's and those added since.</summary>
    private ArraySegment<int> ItemsOfCustomer(int customer) =>
        _addedOfCustomer is { } added && added.TryGetValue(customer, out var items) ? items : BuiltItemsOf(customer);

    /// <summary>The items of a customer of the build (none for one added since), in id order.</summary>
    private ArraySegment<int> BuiltItemsOf(int customer) =>
        customer + 1 < _customerItemsAt.Length
            ? new(_customerItems, _customerItemsAt[customer], _customerItemsAt[customer + 1] - _customerItemsAt[customer])
            : ArraySegment<int>.Empty;

    /// <summary>Room in the per-item arrays for items later generations add, shared by the generations of one build.</summary>
    private static int RoomForAdded(int count) => Math.Min(MaxAddedItems, Math.Max(64, count / 8));

    private static T[] Copied<T>(T[] array, int count, int capacity)
    {
        var copy = new T[capacity];
        Array.Copy(array, copy, count);
        return copy;
    }

    /// <summary>
    /// How far the per-item arrays of one build are taken: a generation writes its new items past its own, and only
    /// the first generation made from one claims that room (generations are made one from the last, so it is theirs).
    /// </summary>
    private sealed class ItemTail(int claimed)
    {
        public int Claimed = claimed;
    }

    /// <summary>
    /// Whether the item's customer is known by the same name once the item is closed: a customer with a record
    /// is; one known only from its items takes the name of its first open item, which must then stay the same.
    /// </summary>
    private bool StillNamed(int item, long[] opening, Func<string, bool> onRecord)
    {
        var customerId = _items.CustomerId(item);
        if (onRecord(customerId))
        {
            return true;
        }

        var open = ItemsOfCustomer(_customerOf[item]).Where(i => opening[i] != 0).ToList();
        return open.Count > 0 && open.TrueForAll(i => _items.CustomerName(i) == _items.CustomerName(item));
    }

    private int[] CountOpen<T>(T[] groupOf, int groups)
        where T : struct, IConvertible
    {
        var counts = new int[groups];
        for (var i = 0; i < _itemCount; i++)
        {
            if (_opening[i] != 0)
            {
                counts[groupOf[i].ToInt32(System.Globalization.CultureInfo.InvariantCulture)]++;
            }
        }

        return counts;
    }
}
