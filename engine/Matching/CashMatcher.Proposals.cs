using CashApp.Engine.Model;
using CashApp.Parsers.Currency;

namespace CashApp.Engine.Matching;

// Proposals for the match API (issue 8): one matcher serves many independent calls against one snapshot.
public sealed partial class CashMatcher
{
    private readonly Lock _proposalGate = new();

    /// <summary>While proposing, what each application took, to be given back.</summary>
    private List<(int Item, long Amount)>? _taken;

    // The list _taken uses, kept between calls so that a stream of calls does not grow a new one each time;
    // dropped after a call larger than KeepTakenUpTo, so one huge call does not pin its size.
    private List<(int Item, long Amount)>? _takenStore;
    private const int KeepTakenUpTo = 1 << 16;

    /// <summary>
    /// Matches a batch as <see cref="Match"/> does, then gives back every open amount the batch consumed,
    /// so the matcher is left as it was: each call is a run of its own against the same open items.
    /// Calls are serialised, so one instance may serve many threads. Amounts are given back even when matching throws.
    /// </summary>
    public MatchResult Propose(IReadOnlyList<Payment> payments) => Propose(payments, MatchStage.Whole);

    /// <summary>As <see cref="Propose(IReadOnlyList{Payment})"/>, for one stage of a run (<see cref="Match(IReadOnlyList{Payment}, MatchStage)"/>).</summary>
    public MatchResult Propose(IReadOnlyList<Payment> payments, MatchStage stage) => Propose(payments, stage, null);

    /// <summary>As <see cref="Propose(IReadOnlyList{Payment}, MatchStage)"/>, judging chance from <paramref name="chances"/> when given (<see cref="Match(IReadOnlyList{Payment}, MatchStage, AmountChances?)"/>).</summary>
    public MatchResult Propose(IReadOnlyList<Payment> payments, MatchStage stage, AmountChances? chances)
    {
        lock (_proposalGate)
        {
            _taken = _takenStore ?? [];
            try
            {
                return Match(payments, stage, chances);
            }
            finally
            {
                if (_remaining.IsOverlay)
                {
                    // A fork wrote only to its own table of the items touched: forgetting it gives everything back.
                    _remaining.Discard();
                }
                else
                {
                    // Apply is the only place open amounts are consumed, and it notes each amount taken.
                    foreach (var (item, amount) in _taken)
                    {
                        _remaining[item] = checked(_remaining[item] + amount);
                    }
                }

                _takenStore = _taken.Capacity <= KeepTakenUpTo ? _taken : null;
                _takenStore?.Clear();
                _taken = null;
            }
        }
    }

    /// <summary>
    /// A matcher over the same indexes, with every open amount as it was when this one was built: what lets
    /// many threads propose in parallel, one fork each, instead of queueing on one instance's gate. The
    /// indexes and the opening amounts are shared, never copied: a fork reads the opening amounts through and
    /// keeps what its calls consume in a table of the items touched, emptied after each <see cref="Propose"/>,
    /// so its memory grows with the items a call touches, not with the ledger. Safe to call while another
    /// thread matches on this instance.
    /// </summary>
    public CashMatcher Fork() => new(this, opening: null, prior: null);

    // The indexes never change after construction; only the open amounts do, and a fork starts from the opening
    // ones: its source's, or (a new generation, see WithChangedItems) the ones given with their amount prior.
    private CashMatcher(CashMatcher source, long[]? opening, Lazy<AmountPrior>? prior)
    {
        Policy = source.Policy;
        _items = source._items;
        _itemCount = source._itemCount;
        _tail = source._tail;
        _added = source._added;
        _fuzzyAdded = source._fuzzyAdded;
        _addedOfCustomer = source._addedOfCustomer;
        _addedRank = source._addedRank;
        _order = source._order;
        _openInSeries = source._openInSeries;
        _openInCurrency = source._openInCurrency;
        _customerOf = source._customerOf;
        _customers = source._customers;
        _invoiceKeys = source._invoiceKeys;
        _poKeys = source._poKeys;
        _fuzzy = source._fuzzy;
        _customerItemsAt = source._customerItemsAt;
        _customerItems = source._customerItems;
        _currencyOf = source._currencyOf;
        _seriesOfItem = source._seriesOfItem;
        _series = source._series;
        _seriesIndex = source._seriesIndex;
        _currencyCodes = source._currencyCodes;
        _amountPrior = prior ?? source._amountPrior;
        _opening = opening ?? source._opening;
        _largestOpening = opening is null ? source._largestOpening : LargestMagnitude(opening);
        DecideAtOnceEnabled = source.DecideAtOnceEnabled;
        FindPayersAhead = source.FindPayersAhead;
        DecideAhead = source.DecideAhead;
        _payerRules = source._payerRules;
        _payerRuleSource = source._payerRuleSource;
        _remaining = OpenAmounts.Over(_opening);
    }

    /// <summary>The item's index, or -1 when the ledger has no such item: the build's items are numbered in id order, and a generation's added ones listed in it.</summary>
    private int IndexOfItem(string itemId)
    {
        var found = IndexAmongBuilt(itemId);
        if (found >= 0 || _added.Length == 0)
        {
            return found;
        }

        int lo = 0, hi = _added.Length - 1;
        while (lo <= hi)
        {
            var mid = (lo + hi) >>> 1;
            var order = _items.IdOf(_added[mid]).SequenceCompareTo(itemId);
            if (order == 0)
            {
                return _added[mid];
            }

            (lo, hi) = order < 0 ? (mid + 1, hi) : (lo, mid - 1);
        }

        return -1;
    }

    /// <summary>
    /// The numbers of the open items whose open amount has moved from its opening, in the matcher's item order: after a
    /// run, a guess at the items applied to (an application moves its item's amount), which the books are checked on
    /// (<see cref="Book"/>); an item applied to and not among them is looked up by id.
    /// </summary>
    /// <remarks>
    /// What lets a batch run check the books after matching without keeping the loaded item list alive beside the index.
    /// It reads two arrays of amounts, not the items: a look for the applied ids among every item read 5M objects and
    /// their ids on the 1M day, a cache miss and a hash lookup each (a binary search per id was slower still: its string
    /// compares miss the cache at every step). Which items moved only says which items to give: a check built on
    /// them holds each application against its item's own fields, and looks up by id any item applied to that is not
    /// among them.
    /// </remarks>
    internal int[] ItemsMoved()
    {
        var count = 0;
        for (var i = 0; i < _itemCount; i++)
        {
            count += _remaining[i] != _opening[i] ? 1 : 0;
        }

        var moved = new int[count];
        var at = 0;
        for (var i = 0; i < _itemCount && at < count; i++)
        {
            if (_remaining[i] != _opening[i])
            {
                moved[at++] = i;
            }
        }

        return moved;
    }

    /// <summary>
    /// The items as the books are checked on them, where this matcher keeps them (by number, as <see cref="ItemsMoved"/>
    /// gives them): no id string or record is made for the check.
    /// </summary>
    internal ItemBook Book => new(this);

    /// <summary>The items of a matcher as the books are checked on them: id, currency, and the open amount it started from.</summary>
    internal readonly struct ItemBook(CashMatcher matcher) : BalanceCheck.IItemBook
    {
        public ItemText IdOf(int item) => matcher._items.IdOf(item);

        public CurrencyCode CurrencyOf(int item) => matcher._items.Currency(item);

        // The amount this matcher opened the item at: the ledger's, or a generation's change to it.
        public long OpenMinorOf(int item) => matcher._opening[item];

        public int Find(string itemId) => matcher.IndexOfItem(itemId);
    }

    private int IndexAmongBuilt(string itemId)
    {
        int lo = 0, hi = _itemCount - _added.Length - 1;
        while (lo <= hi)
        {
            var mid = (lo + hi) >>> 1;
            var order = _items.IdOf(mid).SequenceCompareTo(itemId);
            if (order == 0)
            {
                return mid;
            }

            (lo, hi) = order < 0 ? (mid + 1, hi) : (lo, mid - 1);
        }

        return -1;
    }
}
