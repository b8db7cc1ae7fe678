using System.Collections.Concurrent;
using CashApp.Engine.Model;
using CashApp.Parsers.Common;
using CashApp.Parsers.Currency;

namespace CashApp.Engine.Matching;

/// <summary>
/// Applies payments, and the open credit memos they net, to open items. Built once per run over the
/// open items and customers (the indexes); then <see cref="Match"/> applies a batch of payments.
/// It applies only what the evidence proves: a quoted reference confirmed by the amount, a known payer
/// with a unique item or combination of that amount, and the few well-defined deviations (short pay,
/// bank fee, overpayment, a netted credit memo) where the reference is exact and the payer agrees.
/// Everything else goes to exceptions with the reason and ranked suggestions. The rules live in the
/// Rules/ aspect files, apart from the indexes, the lookups and the loop kept here (engine/Matching/README.md).
/// </summary>
/// <remarks>
/// Not thread-safe: <see cref="Match"/> consumes open amounts as it applies. The result does not depend
/// on the order of the items, customers or payments given.
/// </remarks>
public sealed partial class CashMatcher
{
    // The items in item id order, then (in a generation carried forward with new items, see CashMatcher.Generations.cs)
    // the items added since the full build. The per-item arrays are longer than _itemCount: the slots past it are
    // room for the next generation's new items, shared by the generations of one build (see _tail). Kept by column, not as
    // records (ItemRecords).
    private ItemRecords _items;
    private int _itemCount;
    private ItemTail _tail;
    private readonly OpenAmounts _remaining;
    private int[] _customerOf;
    private CustomerDirectory _customers;
    private KeyIndex _invoiceKeys;
    private KeyIndex _poKeys;
    private readonly DeleteNeighbourhoodIndex _fuzzy;

    // Each customer's items of the build in id order, one customer's after another's: customer c's are
    // _customerItems[_customerItemsAt[c].._customerItemsAt[c + 1]]. Two arrays, not a list a customer: the 1M day's
    // 500k lists and their arrays were a million objects and some 52 MB that lived through the run.
    private readonly int[] _customerItemsAt;
    private readonly int[] _customerItems;

    // Each item's currency as an index into a short table, so that asking whether an item is open in a
    // currency does not reach for the item itself.
    private ushort[] _currencyOf;
    private List<string> _currencyCodes = [];

    // Each item's numbering series (the letters its number starts with) as an index into _series, and the
    // index of each series: what tells a number quoted as AR prints it from one met only without its prefix.
    private int[] _seriesOfItem;
    private List<string> _series = [];
    private Dictionary<string, int>.AlternateLookup<ReadOnlySpan<char>> _seriesIndex;

    // Every item's open amount before any application: where a fork starts from, and what the amount prior learns. A
    // batch build's is its records' column of open amounts, whose room past the items a generation of it may write:
    // read only up to the item count.
    private readonly long[] _opening;

    /// <summary>
    /// The largest magnitude among <see cref="_opening"/> (<see cref="long.MaxValue"/> for <see cref="long.MinValue"/>):
    /// open amounts only move towards zero, so no open amount of this matcher is larger. What tells the exact-fit search
    /// whether a sum with a near item's open amount could overflow (<see cref="SumsWithAnOpenAmountFit"/>).
    /// </summary>
    private readonly long _largestOpening;

    // The payers found for each payer name the current run gives more than once (see Match), or null.
    private ConcurrentDictionary<string, List<PayerCandidate>>? _payersByName;

    // Which names the current run gives more than once, when _payersByName is set.
    private RepeatedNames? _repeatedNames;

    // How often an amount occurs by chance, built on first need (most days never ask).
    private readonly Lazy<AmountPrior> _amountPrior;

    // The prior of the run in progress when its caller gave one (Match with AmountChances), else null.
    private AmountPrior? _runPrior;

    /// <summary>How likely an amount is by chance: the run's prior when given, else this matcher's.</summary>
    private AmountPrior Prior => _runPrior ?? _amountPrior.Value;

    /// <summary>Builds the indexes.</summary>
    public CashMatcher(IReadOnlyList<OpenItem> items, IReadOnlyList<Customer> customers, MatchPolicy policy)
        : this(InIdOrder(items ?? throw new ArgumentNullException(nameof(items))), customers, policy)
    {
    }

    /// <summary>
    /// Builds the indexes over items a reader kept by column (<see cref="Ar.ArFiles"/>): a batch run never makes millions of
    /// records only to write them into columns here (PERFORMANCE.md, "Session 39"). The matcher takes the columns over:
    /// <paramref name="items"/> is left empty.
    /// </summary>
    /// <param name="items">The items, by column.</param>
    /// <param name="customers">The customers on record.</param>
    /// <param name="policy">The matching policy.</param>
    /// <param name="keepCustomerRecords">
    /// Whether the directory keeps each customer's record, which only carrying a changed customer into a generation
    /// reads (<see cref="WithChangedCustomers"/>). A batch run makes no generation, and without them its customers'
    /// records (on the 1M-payment day 500k, with their accounts) do not live through matching: a matcher built so answers
    /// any known customer given, changed or not, with null, for the caller to build anew, as it does for a customer known
    /// only from its items.
    /// </param>
    internal CashMatcher(ItemRecords items, IReadOnlyList<Customer> customers, MatchPolicy policy, bool keepCustomerRecords = true)
        : this(InIdOrder(items ?? throw new ArgumentNullException(nameof(items))), customers, policy, keepCustomerRecords)
    {
    }

    // A canonical order, so that the order AR sent things in never changes an answer: the items in id order, with the room
    // for added items; records given are kept as records (a served ledger keeps them anyway), a reader's columns as columns.
    private static (ItemRecords Records, int Count) InIdOrder(IReadOnlyList<OpenItem> items)
    {
        var count = items.Count;
        return (ItemRecords.OverRecords(OrdinalOrder.Sort(items, i => i.ItemId, count + RoomForAdded(count)), count), count);
    }

    private static (ItemRecords Records, int Count) InIdOrder(ItemRecords items)
    {
        var count = items.Count;
        return (items.MovedInOrder(OrdinalOrder.Order(items.Ids, count), count + RoomForAdded(count)), count);
    }

    private CashMatcher((ItemRecords Records, int Count) sorted, IReadOnlyList<Customer> customers, MatchPolicy policy, bool keepCustomerRecords = true)
    {
        ArgumentNullException.ThrowIfNull(customers);
        Policy = policy ?? throw new ArgumentNullException(nameof(policy));
        var (records, count) = sorted;
        var capacity = records.Capacity;
        _itemCount = count;
        _tail = new ItemTail(count);
        _items = records;

        // The customer directory and the reference indexes need nothing of each other: two cores build them. The
        // directory reads every item's customer as it builds, and says which it is.
        var customerOf = new int[capacity];
        var directory = Task.Run(() => new CustomerDirectory(OrdinalOrder.Sort(customers, c => c.CustomerId), records, count, NameLookupLimits.Default, customerOf, keepCustomerRecords));
        // Each item is indexed under its full reference and its core (INV1004567 and 1004567). The keys are counted
        // first, so that each index is made at its size once, never grown by doubling (on the 1M day a grown
        // character array held some 190 MB it never used, and copied what it had). The fuzzy index's entries are counted
        // part by part of the items, so that each part knows where its own go.
        var fuzzyStarts = new int[FuzzyParts(count) + 1];
        var room = new KeyRoom();
        for (var part = 0; part < fuzzyStarts.Length - 1; part++)
        {
            fuzzyStarts[part] = (int)Math.Min(room.FuzzyEntries, int.MaxValue);
            var (from, to) = PartOf(part, fuzzyStarts.Length - 1, count);
            for (var i = from; i < to; i++)
            {
                room.Item = i;
                KeysOf(records, i, ref room);
            }
        }

        // Counted in 64 bits and held to what one array holds: long numbers overflow a count of their keys' characters
        // before the items pass any other limit. (The near numbers' entries, a core's characters and one more, are
        // never the first past: the invoice keys hold each core too.)
        MatcherCapacity.CheckIndexLength(room.InvoiceChars + room.InvoiceKeys, "invoice numbers' keys", "characters");
        MatcherCapacity.CheckIndexLength(room.PoChars + room.PoKeys, "PO numbers' keys", "characters");
        MatcherCapacity.CheckIndexLength(room.FuzzyEntries, "invoice numbers' near keys", "entries");
        fuzzyStarts[^1] = (int)room.FuzzyEntries;
        if (room.LastFuzzyItem >= 0)
        {
            MatcherCapacity.CheckFuzzyItem(room.LastFuzzyItem);
        }

        // The fuzzy index needs only each item's core: it is built on another core while this one fills the reference
        // indexes. (It used to wait for them, and then its serial parts left a core idle.)
        var fuzzy = Task.Run(() => FuzzyIndexOf(records, count, fuzzyStarts));
        _invoiceKeys = new KeyIndex(room.InvoiceKeys, (int)room.InvoiceChars, hugePages: true);
        _poKeys = new KeyIndex(room.PoKeys, (int)room.PoChars, hugePages: true);
        // Where the items are kept by column (a batch run's), the opening amounts are the records' own column, not a
        // copy of it (40 MB on the 1M day). Nothing writes an item's place there after the build; a later generation
        // writes its added items' amounts into the room past them, which this matcher never reads (the amount prior and
        // the largest magnitude read up to the item count).
        var shared = records.OpenMinorColumn;
        var opening = shared ?? new long[capacity];
        _customerOf = customerOf;
        _currencyOf = new ushort[capacity];
        _seriesOfItem = new int[capacity];
        _seriesIndex = new Dictionary<string, int>(StringComparer.Ordinal).GetAlternateLookup<ReadOnlySpan<char>>();
        for (var i = 0; i < count; i++)
        {
            if (shared is null)
            {
                opening[i] = records.OpenMinor(i);
            }

            _currencyOf[i] = CurrencyAt(records.Currency(i).Code, _currencyCodes);
            _seriesOfItem[i] = IndexItem(records, i, _invoiceKeys, _poKeys, null, _series, _seriesIndex);
        }

        // The last keys still waiting are stored now, on this thread: forks and the payer prefetch then only read.
        _invoiceKeys.Settle();
        _poKeys.Settle();
        _customers = directory.GetAwaiter().GetResult();

        (_customerItemsAt, _customerItems) = ItemsByCustomer(_customerOf, count, _customers.Count);

        _fuzzy = fuzzy.GetAwaiter().GetResult();
        _opening = opening;
        _largestOpening = LargestMagnitude(opening.AsSpan(0, count));
        _remaining = OpenAmounts.Owned((long[])opening.Clone());
        _amountPrior = PriorOf(opening, count, _currencyOf, _currencyCodes.Count);
    }

    /// <summary>
    /// The prior of the first <paramref name="count"/> opening amounts, made at its first need. Its lambda is a static
    /// method's, so that it holds these alone: one written in the constructor shares the closure of every local the
    /// constructor's lambdas capture, and held the customers given (and every record of them) as long as the matcher
    /// lived.
    /// </summary>
    private static Lazy<AmountPrior> PriorOf(long[] opening, int count, ushort[] currencyOf, int currencies) =>
        new(() => new AmountPrior(opening.AsSpan(0, count), currencyOf, currencies));

    /// <summary>The largest magnitude among <paramref name="amounts"/>, <see cref="long.MaxValue"/> for <see cref="long.MinValue"/>.</summary>
    private static long LargestMagnitude(ReadOnlySpan<long> amounts)
    {
        long largest = 0;
        foreach (var amount in amounts)
        {
            largest = Math.Max(largest, amount == long.MinValue ? long.MaxValue : Math.Abs(amount));
        }

        return largest;
    }

    /// <summary>
    /// Whether <c>amount - without</c> and <c>without</c> plus any open amount of this matcher are all within the range
    /// of a long; <paramref name="lack"/> is the first. Where they are not (amounts past some 4.6e16 major units), the
    /// exact-fit search reads every near option as it always did, so that an overflow is met exactly where it was.
    /// </summary>
    private bool SumsWithAnOpenAmountFit(long amount, long without, out long lack)
    {
        lack = unchecked(amount - without);
        var lackFits = ((amount ^ without) & (amount ^ lack)) >= 0;
        var sumsFit = without >= 0 ? without <= long.MaxValue - _largestOpening : without >= long.MinValue + _largestOpening;
        return lackFits && sumsFit;
    }

    /// <summary>
    /// Items 0 to <paramref name="count"/> - 1 grouped by their customer (<paramref name="customerOf"/>), each
    /// customer's in the order of their numbers: where each customer's start (and, at the end, where the last ends),
    /// and the items.
    /// </summary>
    internal static (int[] At, int[] Items) ItemsByCustomer(int[] customerOf, int count, int customers) =>
        Grouping.ByKey(count, customers, new CustomerOfItem(customerOf));

    private readonly struct CustomerOfItem(int[] customerOf) : Grouping.IKeys
    {
        public int KeyOf(int number) => customerOf[number];
    }

    /// <summary>Whether the opening amounts are the items' own column (a batch build's), not a copy: for the tests.</summary>
    internal bool OpeningIsItemsColumn => ReferenceEquals(_opening, _items.OpenMinorColumn);

    /// <summary>The full build's fuzzy index (for the tests that hold it to one built from a list of the items' keys).</summary>
    internal DeleteNeighbourhoodIndex FuzzyIndex => _fuzzy;

    /// <summary>The index of a currency in <paramref name="codes"/>, added at the end when new.</summary>
    private static ushort CurrencyAt(string code, List<string> codes)
    {
        var at = codes.IndexOf(code);
        if (at < 0)
        {
            at = codes.Count;
            codes.Add(code);
        }

        return checked((ushort)at);
    }

    /// <summary>
    /// Adds item <paramref name="i"/> under its references to the key indexes and the fuzzy keys (unless a full build
    /// writes those apart, <see cref="FuzzyIndexOf"/>), and its series to <paramref name="series"/> when new; returns the
    /// index of its series. The one indexing of an item, for a full build and for the items a generation adds, so the two
    /// cannot drift apart.
    /// </summary>
    private static int IndexItem(ItemRecords items, int i, KeyIndex invoiceKeys, KeyIndex poKeys, DeleteNeighbourhoodIndex.Keys? fuzzyKeys,
        List<string> series, Dictionary<string, int>.AlternateLookup<ReadOnlySpan<char>> seriesIndex)
    {
        var adder = new KeyAdder(i, invoiceKeys, poKeys, fuzzyKeys, series, seriesIndex);
        KeysOf(items, i, ref adder);
        return adder.SeriesAt;
    }

    /// <summary>
    /// Gives <paramref name="keys"/> the keys an item is indexed under: its invoice number's full key and core (its
    /// series too), the core (else the full key) for the fuzzy index, and its PO number's full key and core. The one
    /// place that says which keys, for counting them and for adding them; no key is made a string.
    /// </summary>
    private static void KeysOf<TKeys>(ItemRecords items, int item, ref TKeys keys)
        where TKeys : struct, IItemKeys
    {
        // The number's characters, then its full key written over them (FullKey may write into what it reads).
        var kept = items.InvoiceNumberOf(item);
        var full = kept.Length <= 256 ? stackalloc char[kept.Length] : new char[kept.Length];
        kept.CopyTo(full);
        full = full[..ReferenceText.FullKey(full, full)];
        keys.Series(full);
        if (full.Length > 0)
        {
            keys.Invoice(full);
            var coreStart = ReferenceText.CoreStart(full);
            if (coreStart > 0)
            {
                keys.Invoice(full[coreStart..]);
            }

            var fuzzyKey = coreStart >= 0 ? full[coreStart..] : full;
            if (fuzzyKey.Length >= ReferenceText.MinCoreLength)
            {
                keys.Fuzzy(fuzzyKey);
            }
        }

        if (!TKeys.FuzzyOnly && items.HasPoNumber(item, out var keptPo))
        {
            var poFull = keptPo.Length <= 256 ? stackalloc char[keptPo.Length] : new char[keptPo.Length];
            keptPo.CopyTo(poFull);
            poFull = poFull[..ReferenceText.FullKey(poFull, poFull)];
            if (poFull.Length >= ReferenceText.MinCoreLength)
            {
                keys.Po(poFull);
                var poCoreStart = ReferenceText.CoreStart(poFull);
                if (poCoreStart > 0)
                {
                    keys.Po(poFull[poCoreStart..]);
                }
            }
        }
    }

    /// <summary>
    /// The fuzzy index of the first <paramref name="count"/> of <paramref name="items"/>, each under its number: each part
    /// of the items (<see cref="PartOf"/>) writes its keys' entries from where <paramref name="starts"/> says, on every
    /// core, straight from the items. The index is the one a list of their keys builds (<see cref="DeleteNeighbourhoodIndex.Build(DeleteNeighbourhoodIndex.Keys, bool)"/>):
    /// the same entries, sorted into one order whichever part wrote which; but no list of 5 million keys is made and
    /// read once (some 130 MB on the 1M day, its keys copied on one core).
    /// </summary>
    internal static DeleteNeighbourhoodIndex FuzzyIndexOf(ItemRecords items, int count, int[] starts)
    {
        var parts = starts.Length - 1;
        var (hashes, entries, chars) = DeleteNeighbourhoodIndex.NewEntries(starts[parts], hugePages: true);
        Parallel.For(0, parts, part =>
        {
            var (from, to) = PartOf(part, parts, count);
            var writer = new FuzzyEntryWriter(hashes, entries, chars, starts[part]);
            for (var i = from; i < to; i++)
            {
                writer.Item = i;
                KeysOf(items, i, ref writer);
            }
        });
        return DeleteNeighbourhoodIndex.OfEntries(hashes, entries, chars, hugePages: true);
    }

    /// <summary>How many parts a build's items are cut into for the fuzzy index's entries: one for a few items.</summary>
    internal static int FuzzyParts(int count) => count < FuzzyPartsFrom ? 1 : 4 * Math.Max(1, Environment.ProcessorCount);

    /// <summary>From this many items the fuzzy index's entries are written on every core.</summary>
    internal const int FuzzyPartsFrom = 1_024;

    /// <summary>Part <paramref name="part"/> of <paramref name="parts"/> of <paramref name="count"/> items: from, to (as the index cuts its entries).</summary>
    internal static (int From, int To) PartOf(int part, int parts, int count) => DeleteNeighbourhoodIndex.PartOf(part, parts, count);

    /// <summary>What is done with the keys of an item (see <see cref="KeysOf"/>).</summary>
    private interface IItemKeys
    {
        /// <summary>Whether only <see cref="Fuzzy"/> does anything: then the PO number's keys are not derived at all.</summary>
        static abstract bool FuzzyOnly { get; }

        void Series(ReadOnlySpan<char> fullKey);

        void Invoice(ReadOnlySpan<char> key);

        void Po(ReadOnlySpan<char> key);

        void Fuzzy(ReadOnlySpan<char> key);
    }

    /// <summary>How many keys, and characters of keys, the indexes of a build will hold.</summary>
    private struct KeyRoom : IItemKeys
    {
        public static bool FuzzyOnly => false;

        public int InvoiceKeys;
        public long InvoiceChars;
        public int PoKeys;
        public long PoChars;
        public long FuzzyEntries;

        // The item whose keys are being counted, and the last with a fuzzy key (-1: none).
        public int Item;
        public int LastFuzzyItem = -1;

        public KeyRoom()
        {
        }

        public readonly void Series(ReadOnlySpan<char> fullKey)
        {
        }

        public void Invoice(ReadOnlySpan<char> key)
        {
            InvoiceKeys++;
            InvoiceChars += key.Length;
        }

        public void Po(ReadOnlySpan<char> key)
        {
            PoKeys++;
            PoChars += key.Length;
        }

        public void Fuzzy(ReadOnlySpan<char> key)
        {
            var entries = DeleteNeighbourhoodIndex.EntriesOf(key.Length);
            FuzzyEntries += entries;
            LastFuzzyItem = entries > 0 ? Item : LastFuzzyItem;
        }
    }

    /// <summary>Writes the fuzzy index's entries of item <see cref="Item"/>'s fuzzy key from where the last ended, and nothing else.</summary>
    private struct FuzzyEntryWriter(ulong[] hashes, uint[] entries, ushort[] chars, int at) : IItemKeys
    {
        public static bool FuzzyOnly => true;

        public int Item;

        public readonly void Series(ReadOnlySpan<char> fullKey)
        {
        }

        public readonly void Invoice(ReadOnlySpan<char> key)
        {
        }

        public readonly void Po(ReadOnlySpan<char> key)
        {
        }

        public void Fuzzy(ReadOnlySpan<char> key) => at = DeleteNeighbourhoodIndex.WriteEntries(key, Item, hashes, entries, chars, at);
    }

    /// <summary>Adds the keys of item <c>i</c> to the indexes (the fuzzy ones when given), and finds (or adds) its series.</summary>
    private struct KeyAdder(int i, KeyIndex invoiceKeys, KeyIndex poKeys, DeleteNeighbourhoodIndex.Keys? fuzzyKeys,
        List<string> series, Dictionary<string, int>.AlternateLookup<ReadOnlySpan<char>> seriesIndex) : IItemKeys
    {
        public static bool FuzzyOnly => false;

        public int SeriesAt { get; private set; }

        public void Series(ReadOnlySpan<char> fullKey)
        {
            var itemSeries = SeriesOf(fullKey);
            if (!seriesIndex.TryGetValue(itemSeries, out var seriesAt))
            {
                seriesAt = series.Count;
                series.Add(itemSeries.ToString());
                seriesIndex.Dictionary[series[seriesAt]] = seriesAt;
            }

            SeriesAt = seriesAt;
        }

        public readonly void Invoice(ReadOnlySpan<char> key) => invoiceKeys.Add(key, i);

        public readonly void Po(ReadOnlySpan<char> key) => poKeys.Add(key, i);

        public readonly void Fuzzy(ReadOnlySpan<char> key) => fuzzyKeys?.Add(key, i);
    }

    /// <summary>The policy in force.</summary>
    public MatchPolicy Policy { get; }

    /// <summary>How much of an item is still open, after the applications made so far.</summary>
    public long RemainingMinor(string itemId)
    {
        var item = IndexOfItem(itemId);
        return item >= 0 ? _remaining[item] : throw new KeyNotFoundException(itemId);
    }

    /// <summary>
    /// Applies the payments. Payments that quote references go first, then those matched by payer and
    /// amount, each group in payment-reference order, so that the input order never changes the result.
    /// </summary>
    public MatchResult Match(IReadOnlyList<Payment> payments) => Match(payments, MatchStage.Whole);

    /// <summary>
    /// Applies the payments as <see cref="Match(IReadOnlyList{Payment})"/> does, or only the first of its two stages
    /// (<see cref="MatchStage.References"/>): the payments whose references resolve nothing are then left undecided
    /// (<see cref="MatchResult.LeftForPayers"/>), for a later call to decide by payer and amount once every payment of
    /// the run has had its references read. What lets a run too large to hold be matched in parts as it would be at once.
    /// </summary>
    public MatchResult Match(IReadOnlyList<Payment> payments, MatchStage stage) => Match(payments, stage, null);

    /// <summary>
    /// As <see cref="Match(IReadOnlyList{Payment}, MatchStage)"/>, judging how likely an amount is by chance from
    /// <paramref name="chances"/> (the ledger as a run's start found it) rather than this matcher's open amounts, when given:
    /// what lets the batches of one file judge chance as one run over it does.
    /// </summary>
    public MatchResult Match(IReadOnlyList<Payment> payments, MatchStage stage, AmountChances? chances)
    {
        ArgumentNullException.ThrowIfNull(payments);
        for (var i = 0; i < payments.Count; i++)
        {
            // The order, the duplicate check and every output key on the reference: a payment without one is the caller's
            // mistake, said here with its place rather than as a null dereference deep in the sort.
            if (payments[i]?.PaymentRef is null)
            {
                throw new ArgumentException(
                    payments[i] is null ? $"payments[{i}] is null." : $"payments[{i}] ({payments[i].SourceFile}:{payments[i].LineNumber}) has no PaymentRef.",
                    nameof(payments));
            }
        }

        _runPrior = chances?.For(_currencyCodes);

        // A payer name comes back often in one day's files (the same customer paying several times):
        // found once per run, shared by its payments. Kept for the run only, so a long-lived server
        // does not hold every name it was ever sent; and only for the names the run gives more than once.
        _payersByName = payments.Count >= RememberNamesFrom ? new ConcurrentDictionary<string, List<PayerCandidate>>(StringComparer.Ordinal) : null;
        // A large batch counts its names on another core while this one puts the payments in order: both only read them.
        var repeated = _payersByName is null ? null
            : payments.Count >= SortInPartsFrom ? Task.Run(() => new RepeatedNames(payments))
            : Task.FromResult(new RepeatedNames(payments));
        try
        {
            var ordered = InMatchOrder(payments);
            _repeatedNames = repeated?.GetAwaiter().GetResult();
            return MatchOrdered(ordered, stage);
        }
        finally
        {
            _runPrior = null;
            _payersByName = null;
            _repeatedNames = null;
        }
    }

    /// <summary>Batches from this size remember the payers found for each name during the run.</summary>
    private const int RememberNamesFrom = 64;

    private MatchResult MatchOrdered(IReadOnlyList<Payment> ordered, MatchStage stage)
    {
        // Most payments make one application: room for them at once, not by doubling.
        var applications = new List<Application>(ordered.Count);
        var exceptions = new List<ExceptionCase>();
        var deferred = new List<(Payment Payment, Analysis Analysis)>();

        // Finding the payer (name retrieval and scoring, the dearest step) depends on nothing matching
        // changes, so another core finds payers for the payments the at-once path will likely not decide,
        // ahead of this thread.
        // A call of the references alone decides no payment by payer: no second core to find payers for it.
        var prefetch = new PayerPrefetch(this, ordered, FindPayersAhead && stage == MatchStage.Whole, GuessAtOnceFirst && stage == MatchStage.Whole);
        // The lookahead only hints, and its gain is in the payments ahead of the one being decided: a served call of one
        // payment has none, and skips its buffers.
        var lookahead = ordered.Count > 1 ? new ReferenceLookahead(this, ordered) : null;
        StartNearByAmount(ordered.Count);
        try
        {
            // Payments a call of the references alone left: their references were read then, and resolved nothing.
            // Read again now, after other payments' references moved open amounts, they might decide by reference
            // where one run, which read them once, decides them by payer.
            for (var at = 0; at < ordered.Count && stage == MatchStage.Payers; at++)
            {
                deferred.Add((ordered[at], Analyse(ordered[at])));
            }

            for (var at = 0; at < ordered.Count && stage != MatchStage.Payers; at++)
            {
                prefetch.MatchingAt(at);
                lookahead?.Warm(at);
                var payment = ordered[at];
                Analysis? analysis = null;
                Decision? decision;
                try
                {
                    if (ApplyAtOnce(payment, applications, prefetch.TakeAtOnce(at)))
                    {
                        continue;
                    }

                    analysis = Analyse(payment);
                    analysis.Payers = prefetch.Take(at);
                    analysis.Prefetch = (prefetch, at);
                    decision = analysis.Quotes.Count > 0 ? DecideByReference(analysis) : null;
                }
                catch (OverflowException)
                {
                    decision = TooLargeToAdd;
                }

                if (decision is null && analysis is { ReferencesResolved: false })
                {
                    deferred.Add((payment, analysis));
                    continue;
                }

                Commit(payment, decision ?? Refer(analysis!, ExceptionReason.Conflict, "the quoted references do not fit the amount"), analysis, applications, exceptions);
            }
        }
        finally
        {
            prefetch.Stop();
            EndNearByAmount();
        }

        if (stage == MatchStage.References)
        {
            return new MatchResult(applications, exceptions) { LeftForPayers = [.. deferred.Select(d => d.Payment)] };
        }

        // The second stage decides one payment after another on this thread; another core finds their payers ahead of it,
        // then guesses its decisions ahead of it, each taken only if no family it read has moved since (GuessByPayer).
        var parallel = FindPayersAhead && deferred.Count >= ParallelPayersFrom && Environment.ProcessorCount > 1;
        DeferredPayers? ahead = null;
        ByPayerGuess?[]? guessedFirst = null;
        try
        {
            _familyMoves = (parallel && DecideAhead) || DecideAheadFirst ? new int[_customers.Count] : null;
            ahead = parallel ? new DeferredPayers(this, deferred, DecideAhead) : null;
            guessedFirst = DecideAheadFirst && ahead is null ? GuessAllByPayer(deferred) : null;
            for (var at = 0; at < deferred.Count; at++)
            {
                var (payment, analysis) = deferred[at];
                ahead?.Deciding(at, analysis);
                Decision decision;
                if ((ahead?.TakeGuess(at) ?? guessedFirst?[at]) is { } guess && StillHolds(guess))
                {
                    analysis.Payers ??= guess.Payers;
                    decision = guess.Decision;
                    GuessesTaken++;
                }
                else
                {
                    try
                    {
                        decision = DecideByPayer(analysis);
                    }
                    catch (OverflowException)
                    {
                        decision = TooLargeToAdd;
                    }
                }

                Commit(payment, decision, analysis, applications, exceptions);

                // Decided: its payers are let go. The list of deferred payments holds every analysis to the stage's end,
                // and held with them each payment's payers, which then lived through the collections, the check and the
                // write (PERFORMANCE.md, "Session 46").
                LettingPayersGo?.Invoke(payment, analysis.Payers);
                analysis.Payers = null;
            }
        }
        finally
        {
            ahead?.Stop();
            _familyMoves = null;
        }

        return new MatchResult(applications, exceptions);
    }

    /// <summary>
    /// Finds the payers of the second stage's payments on another core, in the order they are decided, ahead of the
    /// matching thread; where it has not got to one, the matching thread finds them itself. The payers depend on the
    /// bank's words and the directory only, so who finds them changes nothing.
    /// </summary>
    /// <remarks>
    /// It replaces finding every deferred payment's payers on both cores first and deciding them after: the decisions
    /// (a third of the matching thread's time on the 200k day) ran on one core while the other stood idle, and waited
    /// for the payers of the whole stage before the first of them. Now the two overlap.
    /// </remarks>
    private sealed class DeferredPayers : IPayerHelper
    {
        // How far past the matching thread this goes on when the matching thread has caught up with it.
        private const int Lead = 4;

        private readonly List<PayerCandidate>?[] _found;

        // The decisions guessed ahead (GuessByPayer), by payment; null where none was made.
        private readonly ByPayerGuess?[] _guessed;
        private readonly Task _worker;
        private readonly CashMatcher _matcher;
        private readonly List<(Payment Payment, Analysis Analysis)> _deferred;
        private int _decidingAt = -1;
        private volatile bool _stop;

        public DeferredPayers(CashMatcher matcher, List<(Payment Payment, Analysis Analysis)> deferred, bool decideAhead)
        {
            _matcher = matcher;
            _deferred = deferred;
            _found = new List<PayerCandidate>?[deferred.Count];
            _guessed = new ByPayerGuess?[deferred.Count];
            // A thread of its own, not the pool's: it runs to the stage's end, and a pool whose threads are all taken (a
            // server, a test run) would start it only after the pool grows, when the stage may be over.
            _worker = Task.Factory.StartNew(() => Work(matcher, deferred, decideAhead), CancellationToken.None, TaskCreationOptions.LongRunning, TaskScheduler.Default);
        }

        /// <summary>The decision guessed ahead for payment <paramref name="at"/>, if one was made; the caller checks it (<see cref="StillHolds"/>).</summary>
        public ByPayerGuess? TakeGuess(int at)
        {
            var guess = Volatile.Read(ref _guessed[at]);
            _guessed[at] = null;
            return guess;
        }

        /// <summary>The matching thread is about to decide payment <paramref name="at"/>: it gets the payers found for it, if any.</summary>
        public void Deciding(int at, Analysis analysis)
        {
            Volatile.Write(ref _decidingAt, at);
            if (analysis.Payers is null)
            {
                // Found here, or being found (then waited for); or claimed, so that this thread never starts on them.
                analysis.Payers = PayerSlots.TakeOrClaim(ref _found[at], this, at);
            }
            else
            {
                Volatile.Write(ref _found[at], PayerSlots.Taken);
            }
        }

        public void Stop()
        {
            _stop = true;
            _worker.Wait();
        }

        /// <summary>The payers of payment <paramref name="at"/>, on its claimed slot.</summary>
        public List<PayerCandidate>? Find(int at) => _matcher.PayersOf(_deferred[at].Payment);

        /// <summary>
        /// On the matching thread, while it waits for payment <paramref name="at"/>'s payers: the payers of one of the next
        /// payments this thread would find and no thread has started on, found on the matching thread; false when none.
        /// </summary>
        public bool HelpAhead(int at) => PayerSlots.HelpAhead(this, at, _deferred.Count, stage: 2, _matcher);

        /// <summary>This thread's work for payment <paramref name="at"/>, unless another thread has started on it: its payers, where they are this stage's to find. True when this call did it.</summary>
        public bool Step(int at) => Wanted(at) && Volatile.Read(ref _found[at]) is null && PayerSlots.Claim(ref _found[at], this, at);

        /// <summary>
        /// Whether payment <paramref name="at"/>'s payers are this stage's to find: not those the first stage found (kept
        /// by the analysis, or waiting in the first prefetch's slot). The analysis is read, never written, off the
        /// matching thread: only the matching thread sets its payers.
        /// </summary>
        private bool Wanted(int at) =>
            _deferred[at].Analysis is var analysis && analysis.Payers is null && !(analysis.Prefetch is var (prefetch, slot) && prefetch.Holds(slot));

        /// <summary>
        /// Where this thread goes on from <paramref name="at"/>: there, unless the matching thread has got that far, and then
        /// a lead past it, so that the two rarely work on one payment.
        /// </summary>
        private int Ahead(int at) => Volatile.Read(ref _decidingAt) is var deciding && at <= deciding ? deciding + Lead : at;

        private void Work(CashMatcher matcher, List<(Payment Payment, Analysis Analysis)> deferred, bool decideAhead)
        {
            for (var at = Ahead(0); at < deferred.Count && !_stop; at = Ahead(at + 1))
            {
                if (Wanted(at))
                {
                    PayerSlots.Claim(ref _found[at], this, at);
                }
            }

            // With every payer found, this core would stand idle while the matching thread decides the rest (the last
            // seconds of a large day's match stage). Instead it guesses those decisions, ahead of the matching thread,
            // from the open amounts of the moment; the matching thread takes a guess only if none of the families it
            // read has had an amount applied since, and decides the payment itself otherwise.
            for (var at = Ahead(0); decideAhead && at < deferred.Count && !_stop; at = Ahead(at + 1))
            {
                var analysis = deferred[at].Analysis;
                var payers = analysis.Payers ?? PayerSlots.Waiting(Volatile.Read(ref _found[at])) ?? (analysis.Prefetch is var (prefetch, slot) ? prefetch.Peek(slot) : null);
                if (payers is not null && matcher.GuessByPayer(analysis, payers) is { } guess)
                {
                    Volatile.Write(ref _guessed[at], guess);
                }
            }
        }
    }

    /// <summary>Batches smaller than this find payers on the matching thread alone: a thread costs more than it saves.</summary>
    private const int ParallelPayersFrom = 256;

    /// <summary>How far past the payment it waits for the matching thread looks for a helper's work to do meanwhile.</summary>
    private const int HelpReach = 16;

    /// <summary>When false, payers are found on the matching thread only (for the tests that compare the two).</summary>
    internal bool FindPayersAhead { get; set; } = true;

    /// <summary>When false, the second stage's helper finds payers only and guesses no decision (for the tests that compare the two).</summary>
    internal bool DecideAhead { get; set; } = true;

    /// <summary>
    /// For the tests: every second-stage decision is guessed before the first is made, on the matching thread (when payers
    /// are not found ahead), so that each is checked against the open amounts of the stage's start.
    /// </summary>
    internal bool DecideAheadFirst { get; set; }

    /// <summary>
    /// For the tests: told of each second-stage payment's payers as the matching thread, having decided it, lets them go
    /// (the tests check that nothing else holds them).
    /// </summary>
    internal Action<Payment, List<PayerCandidate>?>? LettingPayersGo { get; set; }

    /// <summary>For the tests: told of each payment whose payers are looked up, on the thread that looks them up.</summary>
    internal Action<Payment>? FindingPayers { get; set; }

    /// <summary>
    /// For the tests: told, on the matching thread, of each payment whose helper's work it did while it waited for the
    /// payers of another: the stage (1 or 2), then the payment waited for and the one helped, by their places in the
    /// stage's order.
    /// </summary>
    internal Action<int, int, int>? HelpingAhead { get; set; }

    /// <summary>How many second-stage decisions were taken from a guess (for the tests, which check that some were).</summary>
    internal int GuessesTaken { get; private set; }

    /// <summary>
    /// For the tests: the at-once path's guess is made for every payment before the first is decided, on the matching
    /// thread (when payers are not found ahead), so that each is checked against the open amounts of the run's start.
    /// </summary>
    internal bool GuessAtOnceFirst { get; set; }

    /// <summary>
    /// Finds payers on a second thread, ahead of the matching thread. What it finds is what the matching
    /// thread would find (payers depend on the bank's words and the directory only); where it has not got
    /// to a payment yet, the matching thread finds them itself. Which payments it picks is a guess, made
    /// from open amounts it reads while they change: it decides nothing.
    /// </summary>
    /// <remarks>
    /// It walks the payments in match order ahead of the matching thread, not from the far end towards it: from the far
    /// end, everything before the meeting point was the matching thread's to find, on the stage's critical path (14 % of
    /// its time in the first stage of a 200k-payment day), while this core stood idle once the quote-less payments were
    /// done. Ahead of it, this thread keeps finding payers for as long as the matching thread runs.
    /// </remarks>
    private sealed class PayerPrefetch : IPayerHelper
    {
        // How far past the matching thread the prefetch goes on when the matching thread has caught up with it: a few
        // payments' time, so that the first it finds is not the one being decided.
        private const int Lead = 4;

        private readonly List<PayerCandidate>?[] _found;

        // The at-once path's items for each payment its guess said it decides, with their open amounts then (see
        // AtOnceGuess); null where it guessed otherwise, or has not got to the payment. Null when nothing guesses.
        private readonly long[]?[]? _atOnce;
        private readonly Task? _worker;
        private readonly CashMatcher _matcher;
        private readonly IReadOnlyList<Payment> _ordered;
        private int _matchingAt;
        private volatile bool _stop;

        public PayerPrefetch(CashMatcher matcher, IReadOnlyList<Payment> ordered, bool enabled, bool guessFirst = false)
        {
            _matcher = matcher;
            _ordered = ordered;
            _found = new List<PayerCandidate>?[ordered.Count];
            // Worth a thread only when the batch has payer work: payments that quote nothing are its mark.
            if (enabled && ordered.Count >= ParallelPayersFrom && Environment.ProcessorCount > 1 && CountQuoteless(ordered) >= ParallelPayersFrom / 4)
            {
                _atOnce = new long[]?[ordered.Count];
                // A thread of its own, as the second stage's (DeferredPayers): from the pool, a test run's or a server's
                // busy pool started it only once the stage was over.
                _worker = Task.Factory.StartNew(() => Work(matcher, ordered), CancellationToken.None, TaskCreationOptions.LongRunning, TaskScheduler.Default);
            }
            else if (guessFirst)
            {
                // For the tests: every payment guessed before the first is decided, so that the guesses are as stale as
                // they can be (made with the open amounts of the run's start).
                _atOnce = new long[]?[ordered.Count];
                for (var at = 0; at < ordered.Count; at++)
                {
                    _atOnce[at] = Quoteless(ordered[at]) ? null : matcher.AtOnceGuess(ordered[at]);
                }
            }
        }

        public void MatchingAt(int at) => Volatile.Write(ref _matchingAt, at);

        /// <summary>The at-once path's guess for payment <paramref name="at"/>, if one was made and said it decides it (see <see cref="AtOnceGuess"/>).</summary>
        public long[]? TakeAtOnce(int at)
        {
            if (_atOnce is null || Volatile.Read(ref _atOnce[at]) is not { } guess)
            {
                return null;
            }

            _atOnce[at] = null;
            return guess;
        }

        /// <summary>
        /// The payers found for payment <paramref name="at"/>, or null when not yet. A slot taken is left marked so, not
        /// holding the list: a payment decided in the first stage lets its payers go with its analysis (the slot held
        /// them to the stage's end), and the pass over the quote-less payments leaves the slot alone. Only the thread
        /// deciding the payment takes its slot, and the prefetch writes a slot only while it is empty.
        /// </summary>
        public List<PayerCandidate>? Take(int at)
        {
            var found = Volatile.Read(ref _found[at]);
            if (PayerSlots.Waiting(found) is null)
            {
                return null;
            }

            Volatile.Write(ref _found[at], PayerSlots.Taken);
            return found;
        }

        /// <summary>
        /// The payers of payment <paramref name="at"/> for the thread deciding it, which needs them now: those found, or
        /// null when no thread has started on them, and then none will (the caller finds them). When another thread is
        /// finding them that moment, the caller waits for them rather than find them a second time, and does this
        /// thread's work for the payments after it meanwhile (<see cref="HelpAhead"/>).
        /// </summary>
        public List<PayerCandidate>? TakeOrClaim(int at) => PayerSlots.TakeOrClaim(ref _found[at], this, at);

        /// <summary>
        /// On the matching thread, while it waits for payment <paramref name="at"/>'s payers: this thread's work for one of
        /// the next payments no thread has started on, done on the matching thread; false when there is none.
        /// </summary>
        public bool HelpAhead(int at) => _worker is not null && PayerSlots.HelpAhead(this, at, _ordered.Count, stage: 1, _matcher);

        /// <summary>
        /// This thread's work for payment <paramref name="at"/>, unless another thread has started on it: the at-once
        /// path's guess, and where it guesses nothing the payers. The payment's slot is claimed for both, so that no two
        /// threads do either. A quote-less payment is left to the pass over them (its payers are found after those the
        /// first stage reads); so is one already guessed. True when this call did the work.
        /// </summary>
        public bool Step(int at)
        {
            var payment = _ordered[at];
            if (Volatile.Read(ref _atOnce![at]) is not null || Volatile.Read(ref _found[at]) is not null || Quoteless(payment))
            {
                return false;
            }

            return PayerSlots.Claim(ref _found[at], this, at);
        }

        /// <summary>
        /// The work for payment <paramref name="at"/> on its claimed slot: for a payment that quotes something, the at-once
        /// path's guess, kept for the matching thread (which then checks it instead of making it again); where it guesses
        /// nothing, and for a quote-less payment, the payers. Null when the guess was kept, or the payment names no payer.
        /// </summary>
        public List<PayerCandidate>? Find(int at)
        {
            var payment = _ordered[at];
            if (!Quoteless(payment) && _matcher.AtOnceGuess(payment) is { } guess)
            {
                Volatile.Write(ref _atOnce![at], guess);
                return null;
            }

            return Named(payment) ? _matcher.PayersOf(payment) : null;
        }

        /// <summary>Whether payment <paramref name="at"/>'s payers were found and wait in its slot, not yet taken.</summary>
        public bool Holds(int at) => Peek(at) is not null;

        /// <summary>The payers waiting in payment <paramref name="at"/>'s slot, left there; null when none wait.</summary>
        public List<PayerCandidate>? Peek(int at) => PayerSlots.Waiting(Volatile.Read(ref _found[at]));

        public void Stop()
        {
            _stop = true;
            _worker?.Wait();
        }

        private void Work(CashMatcher matcher, IReadOnlyList<Payment> ordered)
        {
            // Ahead of the matching thread; when it has caught up, on past it by a lead. A payment's work is done by one
            // thread only: by this one unless the matching thread has claimed it (PayerSlots), and the matching thread,
            // reaching a payment whose payers this one is finding, waits for them, doing the work of the payments after
            // it meanwhile (HelpAhead). What this thread skips the matching thread finds itself, or, for a quote-less
            // payment, the pass below.
            for (var at = 0; at < ordered.Count && !_stop; at++)
            {
                if (Volatile.Read(ref _matchingAt) is var matching && at <= matching)
                {
                    at = matching + Lead;
                    if (at >= ordered.Count)
                    {
                        break;
                    }
                }

                // A quote-less payment is decided in the second stage: its payers are found after those the matching
                // thread reads in this one (which it found itself when this thread, busy with both, fell behind). The
                // at-once path's guess is kept for the matching thread, which then checks it instead of making it again.
                Step(at);
            }

            // Then the quote-less payments: they are decided in the second stage.
            for (var at = 0; at < ordered.Count && !_stop; at++)
            {
                if (Named(ordered[at]) && Quoteless(ordered[at]))
                {
                    PayerSlots.Claim(ref _found[at], this, at);
                }
            }
        }

        private static int CountQuoteless(IReadOnlyList<Payment> ordered)
        {
            var count = 0;
            foreach (var payment in ordered)
            {
                count += Named(payment) && Quoteless(payment) ? 1 : 0;
            }

            return count;
        }

        private static bool Named(Payment payment) =>
            !string.IsNullOrWhiteSpace(payment.PayerName) || !string.IsNullOrWhiteSpace(payment.UltimatePayerName) || payment.PayerAccount is not null || payment.PayerId is not null;

        private static bool Quoteless(Payment payment)
        {
            var position = 0;
            return payment.Remittance.Count == 0 && !ReferenceText.NextToken(payment.FreeText, ref position, out _);
        }
    }

    /// <summary>
    /// The payments in the order they are matched: by reference, amount, file and line, payments equal in all four in
    /// the order given (a stable sort); free when already in order. Otherwise one sort of their positions, each tie
    /// broken by position, so a total order: the LINQ <c>OrderBy</c>/<c>ThenBy</c> chain it replaces made a key buffer
    /// per key and cost 1.5 % of the match stage of a 200k day.
    /// </summary>
    /// <remarks>
    /// The sort reads each payment's reference and amount from an array beside its position (<see cref="MatchKey"/>),
    /// not through the payment, and from <see cref="SortInPartsFrom"/> payments sorts two halves on two cores and merges
    /// them: on the 1M day the sort by a comparison delegate took some 0.8 s on one core at the start of the match stage,
    /// with the other core idle (the payer prefetch starts only once the order is known). The order is total, so every
    /// correct sort gives this one.
    /// </remarks>
    internal static IReadOnlyList<Payment> InMatchOrder(IReadOnlyList<Payment> payments) =>
        InMatchOrder(payments, Environment.ProcessorCount < 2 ? int.MaxValue : SortInPartsFrom);

    /// <summary>As <see cref="InMatchOrder(IReadOnlyList{Payment})"/>, sorting in two parts from <paramref name="inPartsFrom"/> payments (the tests' lever).</summary>
    internal static IReadOnlyList<Payment> InMatchOrder(IReadOnlyList<Payment> payments, int inPartsFrom)
    {
        var sorted = true;
        for (var i = 1; i < payments.Count && sorted; i++)
        {
            sorted = PaymentOrder(payments[i - 1], payments[i]) <= 0;
        }

        if (sorted)
        {
            return payments;
        }

        var n = payments.Count;
        var keys = new MatchKey[n];
        var order = new MatchKeyOrder(payments);
        if (n < inPartsFrom)
        {
            Fill(payments, keys, 0, n);
            keys.AsSpan().Sort(order);
        }
        else
        {
            // Each half filled and sorted on its own core, then merged: no two keys are equal, so the merge has no ties.
            // (Parallel.Invoke runs the second half on this thread too when no other thread has taken it.)
            var half = n / 2;
            Parallel.Invoke(
                () =>
                {
                    Fill(payments, keys, 0, half);
                    keys.AsSpan(0, half).Sort(order);
                },
                () =>
                {
                    Fill(payments, keys, half, n);
                    keys.AsSpan(half).Sort(order);
                });
            var merged = new MatchKey[n];
            int a = 0, b = half, o = 0;
            while (a < half && b < n)
            {
                merged[o++] = order.Compare(keys[b], keys[a]) < 0 ? keys[b++] : keys[a++];
            }

            Array.Copy(keys, a, merged, o, half - a);
            o += half - a;
            Array.Copy(keys, b, merged, o, n - b);
            keys = merged;
        }

        var ordered = new Payment[n];
        for (var i = 0; i < ordered.Length; i++)
        {
            ordered[i] = payments[keys[i].Position];
        }

        return ordered;
    }

    /// <summary>From this many payments <see cref="InMatchOrder(IReadOnlyList{Payment})"/> sorts on two cores.</summary>
    internal const int SortInPartsFrom = 65_536;

    private static void Fill(IReadOnlyList<Payment> payments, MatchKey[] keys, int from, int to)
    {
        for (var i = from; i < to; i++)
        {
            var payment = payments[i];
            var reference = payment.PaymentRef;
            keys[i] = new MatchKey(Head(reference, 0), Head(reference, 4), Head(reference, 8), reference, payment.Amount.Minor, i);
        }
    }

    /// <summary>
    /// Characters <paramref name="from"/> to <paramref name="from"/> + 3 of <paramref name="text"/> as one number, the first
    /// in the highest bits, a missing character as 0: numbers that differ are in the ordinal order of their texts.
    /// </summary>
    private static ulong Head(string text, int from)
    {
        ulong head = 0;
        for (var i = from; i < from + 4; i++)
        {
            head = (head << 16) | (i < text.Length ? text[i] : 0u);
        }

        return head;
    }

    /// <summary>
    /// A payment's first two sort keys, its reference's first twelve characters as three numbers (so that most comparisons
    /// read no string: on the 1M day each read of a reference was a cache miss), and its position (where the last two keys,
    /// and the tie, are read from).
    /// </summary>
    private readonly record struct MatchKey(ulong Head0, ulong Head1, ulong Head2, string Reference, long Amount, int Position);

    /// <summary><see cref="PaymentOrder"/>, then the position: the order <see cref="InMatchOrder(IReadOnlyList{Payment})"/> sorts by.</summary>
    private readonly struct MatchKeyOrder(IReadOnlyList<Payment> payments) : IComparer<MatchKey>
    {
        public int Compare(MatchKey x, MatchKey y)
        {
            // The heads order two references that differ in their first twelve characters as the references do (a missing
            // character is 0, below any other, as a text that ends sorts before any it starts); equal heads read the texts.
            var order = x.Head0 != y.Head0 ? x.Head0.CompareTo(y.Head0)
                : x.Head1 != y.Head1 ? x.Head1.CompareTo(y.Head1)
                : x.Head2 != y.Head2 ? x.Head2.CompareTo(y.Head2)
                : string.CompareOrdinal(x.Reference, y.Reference);
            if (order == 0)
            {
                order = x.Amount.CompareTo(y.Amount);
                if (order == 0)
                {
                    var a = payments[x.Position];
                    var b = payments[y.Position];
                    order = string.CompareOrdinal(a.SourceFile, b.SourceFile);
                    if (order == 0)
                    {
                        order = a.LineNumber.CompareTo(b.LineNumber);
                    }
                }
            }

            return order != 0 ? order : x.Position.CompareTo(y.Position);
        }
    }

    private static int PaymentOrder(Payment a, Payment b)
    {
        var order = string.CompareOrdinal(a.PaymentRef, b.PaymentRef);
        if (order == 0)
        {
            order = a.Amount.Minor.CompareTo(b.Amount.Minor);
        }

        if (order == 0)
        {
            order = string.CompareOrdinal(a.SourceFile, b.SourceFile);
        }

        return order != 0 ? order : a.LineNumber.CompareTo(b.LineNumber);
    }

    private void Commit(Payment payment, Decision decision, Analysis? analysis, List<Application> applications, List<ExceptionCase> exceptions)
    {
        // The rule's confidence names the rule; what the application carries, and what the policy's bar is held
        // against, is the calibrated probability that it is right (Rules/CashMatcher.Confidence.cs).
        // Every sum is made before the first line is applied: an overflow then sends the payment to exceptions whole,
        // never half applied.
        double probability;
        long unapplied;
        try
        {
            decision = Reviewed(payment, decision, analysis, out probability);
            unapplied = Unapplied(payment, decision);
        }
        catch (OverflowException)
        {
            decision = Reviewed(payment, TooLargeToAdd, analysis, out probability);
            unapplied = payment.Amount.Minor;
        }

        var currency = payment.Amount.Currency;
        var confidence = new MatchScore(probability);
        foreach (var (item, amount) in decision.Lines)
        {
            Apply(payment, item, amount, decision.Method, confidence, decision.Explanation, applications, decision.Deductions?.GetValueOrDefault(item) ?? 0, decision.DeductionReason);
        }

        if (unapplied != 0 || decision.Lines.Count == 0)
        {
            exceptions.Add(new ExceptionCase(
                payment.PaymentRef,
                new Money(unapplied, currency),
                decision.Lines.Count == 0 ? decision.Reason : ExceptionReason.Overpayment,
                decision.Lines.Count == 0 ? decision.Explanation : decision.Explanation + $"; {MinorUnits.Format(unapplied, currency.MinorDigits)} left on account",
                decision.Suggestions));
        }
    }

    /// <summary>Applies <paramref name="amount"/> of the payment to one item: the one place open amounts are consumed.</summary>
    /// <remarks>A <paramref name="deduction"/> (a discount taken within terms, on an invoice) closes that much more of the item.</remarks>
    private void Apply(Payment payment, int item, long amount, MatchMethod method, MatchScore confidence, string explanation, List<Application> applications, long deduction = 0, string? deductionReason = null)
    {
        // The last guard: never past the open amount, never against its sign.
        var open = _remaining[item];
        var closes = checked(amount + deduction);
        var fits = open >= 0 ? amount > 0 && deduction >= 0 && closes <= open : amount < 0 && deduction == 0 && amount >= open;
        if (!fits)
        {
            throw new InvalidOperationException($"Matching chose to apply {amount} (deduction {deduction}) of {_items.ItemId(item)} with {open} open for {payment.PaymentRef}.");
        }

        // Odd while an amount is being written: a guess of the at-once path made across it is not kept (AtOnceGuess).
        Interlocked.Increment(ref _amountsWritten);
        _remaining[item] = checked(open - closes);
        Volatile.Write(ref _amountsWritten, _amountsWritten + 1);
        if (_familyMoves is { } moves)
        {
            // After the amount: a guess that read this family's moves before it sees them changed (GuessByPayer). The
            // customer's own count moves too when it is not its root: parents that name each other make a cycle, whose
            // root (where the walk up stops) lists in its family a customer whose own root is another.
            var customer = _customerOf[item];
            var family = _customers.Root(customer);
            Volatile.Write(ref moves[family], moves[family] + 1);
            if (customer != family)
            {
                Volatile.Write(ref moves[customer], moves[customer] + 1);
            }
        }

        if (_byAmount is { } byAmount && open != closes)
        {
            byAmount.Moved(item, open - closes);
        }

        _taken?.Add((item, closes));
        applications.Add(new Application(payment.PaymentRef, _items.ItemId(item), new Money(amount, payment.Amount.Currency), method, confidence, explanation)
        {
            DeductionMinor = deduction,
            DeductionReason = deduction != 0 ? deductionReason : null,
        });
    }
}

/// <summary>How much of a run one call to <see cref="CashMatcher.Match(IReadOnlyList{Payment}, MatchStage)"/> decides.</summary>
public enum MatchStage
{
    /// <summary>Both stages: every payment's references in match order, then payer and amount for those the references left.</summary>
    Whole,

    /// <summary>The references only: the payments they leave are returned undecided, for a later call over the run's whole first stage.</summary>
    References,

    /// <summary>
    /// The second stage only, for payments a <see cref="References"/> call left: decided by payer and amount, their
    /// references not read for a decision again (once every reference of the run is read, a reference a payment's
    /// own stage found nothing in may meet an item whose open amount moved, where one run would not look again).
    /// </summary>
    Payers,
}
