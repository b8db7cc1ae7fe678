using CashApp.Engine.Model;
using System.Numerics;

namespace CashApp.Engine.Matching;

// The near options of a quote that the exact-fit search reads: those of one open amount. Finding every item near a
// quoted number (a probe of the fuzzy index per key, a look at each item's open amount) was a fifth of the matching
// thread's time on the 200k day, for 120 near items a quote of which the search read only those of the amount it
// lacked. Here the items of that amount are found first (a few, by a table of the open items by amount) and each is
// asked whether its number is near the quote's, as the fuzzy index would have answered.
public sealed partial class CashMatcher
{
    /// <summary>
    /// Batches of at least this many payments find the near items of an amount by amount (<see cref="ItemsByAmount"/>);
    /// smaller ones (a served call) probe the fuzzy index as before, rather than table every open item first.
    /// </summary>
    internal int NearByAmountFrom { get; init; } = 4096;

    // The table of one run (made at its first use, let go at the run's end); null when the run probes the fuzzy index.
    private ItemsByAmount? _byAmount;

    // Whether this run may make the table: a large batch on an index with no generation (whose items come in another
    // order and from a second index, which this does not read) and open amounts of its own (not a fork's overlay).
    private bool _byAmountAllowed;

    // Each thread's buffer of the near items of one amount, sorted into the order the full list holds them.
    [ThreadStatic]
    private static List<(int Key, int Item, Option Option)>? _ofAmountBuffer;

    [ThreadStatic]
    private static List<Option>? _ofAmountOptions;

    [ThreadStatic]
    private static char[]? _itemKeyBuffer;

    /// <summary>Readies the near items by amount for a run of <paramref name="payments"/> payments (see <see cref="NearByAmountFrom"/>).</summary>
    private void StartNearByAmount(int payments)
    {
        _byAmount = null;
        _byAmountAllowed = payments >= NearByAmountFrom && _fuzzyAdded is null && _order is null && !_remaining.IsOverlay;
    }

    /// <summary>Lets go of the run's table.</summary>
    private void EndNearByAmount()
    {
        _byAmount = null;
        _byAmountAllowed = false;
    }

    /// <summary>
    /// The options of <see cref="FuzzyOptions"/> whose item is open at <paramref name="amount"/>, in the order that list
    /// holds them: the same options with the same readings, found without listing the rest when it can.
    /// </summary>
    private List<Option> FuzzyOptionsOfAmount(Quote quote, string currency, long amount)
    {
        var result = _ofAmountOptions ??= [];
        result.Clear();
        var near = NearOf(quote, currency);
        if (near.All is not null || !_byAmountAllowed || !NearOfAmount(quote, near, amount, result))
        {
            result.Clear();
            foreach (var option in FuzzyOptions(quote, currency))
            {
                if (_remaining[option.Item] == amount)
                {
                    result.Add(option);
                }
            }
        }

        return result;
    }

    /// <summary>
    /// Adds to <paramref name="into"/> the near options of the quote open at <paramref name="amount"/>, found by amount:
    /// false when the amount is too common to look at its items one by one (then the caller lists them all).
    /// </summary>
    private bool NearOfAmount(Quote quote, NearQuote near, long amount, List<Option> into)
    {
        // The OCR readings' items come first, as found.
        foreach (var option in near.Ocr)
        {
            if (_remaining[option.Item] == amount)
            {
                into.Add(option);
            }
        }

        // Every option is of an open item: none is at zero.
        if (amount == 0 || near.Probes.Count == 0)
        {
            return true;
        }

        _byAmount ??= new ItemsByAmount(_remaining, _items.Capacity);
        var found = _ofAmountBuffer ??= [];
        found.Clear();
        if (!_byAmount.Visit(amount, _remaining, found, static (item, found) => found.Add((0, item, default))))
        {
            return false;
        }

        // Each item of the amount as the fuzzy index's probes would have met it: at the first key that meets it within
        // that key's edits (an item met by an earlier key is not met again), open in the currency, not quoted exactly,
        // not an OCR reading's.
        var kept = 0;
        for (var f = 0; f < found.Count; f++)
        {
            var item = found[f].Item;
            if (_currencyOf[item] != near.Currency || HasItem(quote.Exact, item) || HasItem(near.Ocr, item) || FuzzyKeyOf(item) is not { Length: > 0 } itemKey)
            {
                continue;
            }

            for (var k = 0; k < near.Probes.Count; k++)
            {
                var key = near.Probes[k];
                var edits = DeleteNeighbourhoodIndex.Meeting(key, itemKey);
                if (edits >= 0 && edits <= (key.Length >= 7 ? Policy.MaxReferenceEdits : 1))
                {
                    found[kept++] = (k, item, new Option(item, Via.Fuzzy, edits));
                    break;
                }
            }
        }

        found.RemoveRange(kept, found.Count - kept);

        // The full list holds them key by key, each key's in item order (the index's, with no generation). An item
        // applied in part may be met twice, by the table and as moved, when its amounts share a bucket: once is kept.
        found.Sort(static (a, b) => a.Key != b.Key ? a.Key.CompareTo(b.Key) : a.Item.CompareTo(b.Item));
        for (var f = 0; f < found.Count; f++)
        {
            if (f == 0 || found[f].Item != found[f - 1].Item)
            {
                into.Add(found[f].Option);
            }
        }

        found.Clear();
        return true;
    }

    /// <summary>
    /// Whether <see cref="FuzzyOptions"/> of the quote hold <paramref name="item"/>, asked without listing them when it
    /// can: an OCR reading's item, or an item open in the currency, not quoted exactly, whose number some probe meets
    /// within that key's edits (which probe met it first changes only where the list holds it, not whether).
    /// </summary>
    private bool IsNearOption(Quote quote, NearQuote near, int item, string currency)
    {
        if (near.All is not null || !_byAmountAllowed)
        {
            return HasItem(near.All ?? FuzzyOptions(quote, currency), item);
        }

        if (HasItem(near.Ocr, item))
        {
            return true;
        }

        if (!IsOpenIn(item, near.Currency) || HasItem(quote.Exact, item) || FuzzyKeyOf(item) is not { Length: > 0 } itemKey)
        {
            return false;
        }

        foreach (var key in near.Probes)
        {
            var edits = DeleteNeighbourhoodIndex.Meeting(key, itemKey);
            if (edits >= 0 && edits <= (key.Length >= 7 ? Policy.MaxReferenceEdits : 1))
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>
    /// For tests: for each quote of <paramref name="payment"/> and each of <paramref name="items"/> (numbered as this
    /// matcher numbers them), whether the quote's near options hold the item as asked one by one
    /// (<see cref="IsNearOption"/>) and as listed (<see cref="FuzzyOptions"/>), with the open amounts as they are.
    /// </summary>
    internal List<(bool Asked, bool Listed)> NearOptionHeld(Payment payment, IReadOnlyList<int> items)
    {
        var analysis = Analyse(payment);
        var currency = payment.Amount.Currency.Code;
        var allowed = _byAmountAllowed;
        var answers = new List<(bool Asked, bool Listed)>();
        try
        {
            _byAmountAllowed = _fuzzyAdded is null && _order is null;
            foreach (var quote in analysis.Quotes)
            {
                var near = NearOf(quote, currency);
                var asked = items.Select(i => IsNearOption(quote, near, i, currency)).ToList();
                var listed = FuzzyOptions(quote, currency);
                answers.AddRange(items.Select((i, k) => (asked[k], HasItem(listed, i))));
            }
        }
        finally
        {
            _byAmountAllowed = allowed;
        }

        return answers;
    }

    /// <summary>The key item <paramref name="item"/> is held under in the fuzzy index, or an empty span when none (in this thread's buffer).</summary>
    private ReadOnlySpan<char> FuzzyKeyOf(int item)
    {
        var reader = new FuzzyKeyReader(_itemKeyBuffer ??= new char[64]);
        KeysOf(_items, item, ref reader);
        _itemKeyBuffer = reader.Buffer;
        return reader.Length is > 0 and <= DeleteNeighbourhoodIndex.MaxKeyLength ? reader.Buffer.AsSpan(0, reader.Length) : default;
    }

    /// <summary>Keeps the fuzzy key of an item (see <see cref="KeysOf"/>), and nothing else.</summary>
    private struct FuzzyKeyReader(char[] buffer) : IItemKeys
    {
        public static bool FuzzyOnly => true;

        public char[] Buffer = buffer;

        public int Length;

        public readonly void Series(ReadOnlySpan<char> fullKey)
        {
        }

        public readonly void Invoice(ReadOnlySpan<char> key)
        {
        }

        public readonly void Po(ReadOnlySpan<char> key)
        {
        }

        public void Fuzzy(ReadOnlySpan<char> key)
        {
            if (key.Length > Buffer.Length)
            {
                Buffer = new char[key.Length];
            }

            key.CopyTo(Buffer);
            Length = key.Length;
        }
    }

    /// <summary>
    /// The items open at a given amount during one run: a table by amount of the items open when it was made, and the
    /// items applied in part since, under their new amounts. An item's amount only moves towards zero within a run, so
    /// no item is met twice; every entry is checked against the open amount as it is now.
    /// </summary>
    private sealed class ItemsByAmount
    {
        // The most entries walked for one amount before the caller is told to list the near items instead: asking a few
        // dozen items one by one costs about what probing the index and listing the quote's hundred near items does.
        private const int MostWalked = 32;

        // A bucket's head once its chain was found longer than MostWalked (an item's index is never negative).
        private const int TooMany = -2;

        private readonly int[] _head;
        private readonly int[] _next;
        private readonly int _shift;
        private Dictionary<long, List<int>>? _moved;

        public ItemsByAmount(OpenAmounts remaining, int items)
        {
            var open = 0;
            for (var i = 0; i < items; i++)
            {
                if (remaining[i] != 0)
                {
                    open++;
                }
            }

            var buckets = (int)BitOperations.RoundUpToPowerOf2((uint)Math.Max(16, 2 * open));
            _shift = 64 - BitOperations.Log2((uint)buckets);
            _head = new int[buckets];
            Array.Fill(_head, -1);
            _next = GC.AllocateUninitializedArray<int>(items);
            for (var i = 0; i < items; i++)
            {
                var amount = remaining[i];
                if (amount != 0)
                {
                    ref var head = ref _head[Bucket(amount)];
                    _next[i] = head;
                    head = i;
                }
            }
        }

        /// <summary>Asks for the bucket of <paramref name="amount"/> ahead of a walk of it (see <see cref="ReferenceLookahead"/>).</summary>
        public void PrefetchBucket(long amount) => Prefetch.Line(ref _head[Bucket(amount)]);

        /// <summary>Reads the bucket of <paramref name="amount"/> (best fetched already) and asks for its first entry's link and open amount.</summary>
        public void PrefetchFirst(long amount, OpenAmounts remaining)
        {
            var item = _head[Bucket(amount)];
            if (item >= 0)
            {
                Prefetch.Line(ref _next[item]);
                Prefetch.Line(ref remaining.Slot(item));
            }
        }

        /// <summary>Notes that <paramref name="item"/> is now open at <paramref name="amount"/> (applied in part).</summary>
        public void Moved(int item, long amount)
        {
            _moved ??= [];
            if (!_moved.TryGetValue(amount, out var items))
            {
                _moved[amount] = items = [];
            }

            items.Add(item);
        }

        /// <summary>
        /// Gives each item open at <paramref name="amount"/> to <paramref name="visit"/>, in no particular order; false
        /// (having given some or none) when the amount's entries are too many to walk.
        /// </summary>
        public bool Visit<T>(long amount, OpenAmounts remaining, T state, Action<int, T> visit)
        {
            var walked = 0;
            ref var head = ref _head[Bucket(amount)];
            if (head == TooMany)
            {
                return false;
            }

            for (var item = head; item >= 0; item = _next[item])
            {
                if (++walked > MostWalked)
                {
                    // A bucket's entries never leave it: every later walk of it would stop here too. Its chain is
                    // dropped and the bucket marked, so that a round amount asked again and again is not walked again.
                    head = TooMany;
                    return false;
                }

                if (remaining[item] == amount)
                {
                    visit(item, state);
                }
            }

            if (_moved is not null && _moved.TryGetValue(amount, out var moved))
            {
                if (moved.Count > MostWalked)
                {
                    return false;
                }

                foreach (var item in moved)
                {
                    if (remaining[item] == amount)
                    {
                        visit(item, state);
                    }
                }
            }

            return true;
        }

        // Fibonacci hashing: the top bits of the amount times 2^64 / phi.
        private int Bucket(long amount) => (int)(unchecked((ulong)amount * 0x9E3779B97F4A7C15UL) >> _shift);
    }
}
