using System.Buffers;
using System.Buffers.Binary;
using System.Runtime.InteropServices;
using System.Text;
using CashApp.Engine.Model;
using CashApp.Parsers.Currency;

namespace CashApp.Engine.Matching;

/// <summary>
/// The open items a matcher was built over, kept by column rather than as one <see cref="OpenItem"/> each: amounts,
/// dates, document types and currencies in arrays, each item's id, invoice number and PO number one after another in
/// one byte buffer, a byte a character where a text is all Latin-1 (<see cref="ItemText"/>), each item's customer id
/// and name as a number into a table of the pairs the items carry. On the 1M day that is some 65 bytes an item (100
/// while the texts were UTF-16, 75 while each item held its customer's two strings) where a record and its two or three
/// strings took some 210, and arrays and a buffer where the collector marked and copied 15 million objects
/// (PERFORMANCE.md, "Session 39", "Session 42" and "Session 44"). An item is read through <see cref="this[int]"/>, which
/// reads the columns (or the records); its texts as <see cref="ItemText"/> where they are kept, or as new strings where
/// a caller keeps them (an application's item id, an explanation's number).
/// </summary>
/// <remarks>
/// Items given as records (a served ledger, which keeps its snapshot's records anyway) are kept as those records, in one
/// array (<see cref="OverRecords"/>): columns beside them would be some 500 MB more on a 5M-item ledger. Every accessor
/// reads either.
/// Every column is <see cref="Capacity"/> long (but the terms', which is empty until an item has terms): the slots past
/// the items are room for those a generation adds (<see cref="WithAdded"/>), written once, before that generation is
/// published, and never again. A generation made from an older one, whose room the first took, gets copies. So a reader
/// of any generation never sees a slot written. The table of pairs follows the same claim: a generation that takes the
/// columns' room writes its pairs past its parent's (into a copy when the table is full), one that copies the columns
/// copies the table.
/// </remarks>
internal sealed class ItemRecords
{
    // A text is a head byte, then its length in four bytes (little-endian) when the head is LongNarrow or LongWide,
    // then its characters: a byte each when the head is below Wide (every character Latin-1), else two (UTF-16, in the
    // machine's order). A short text's head is its length (below LongNarrow), or Wide and its length (below NoText).
    // NoText stands for a PO number the item has none of.
    private const byte LongNarrow = 0x7F;
    private const byte Wide = 0x80;
    private const byte NoText = 0xFE;
    private const byte LongWide = 0xFF;

    private long[] _openMinor;
    private int[] _docDate;
    private int[] _dueDate;
    private byte[] _docType;
    private byte[] _currency;
    // Each item's customer id and the customer name on it, as a number into _parties: an AR export names a customer's
    // items with the same two texts, so two string references an item (80 MB on the 1M day, in columns the collector
    // marks through) are an int an item (20 MB) and a table as long as the customers (8 MB; PERFORMANCE.md,
    // "Session 44").
    private int[] _party;
    private Party[] _parties;
    private int _partyCount;
    // The pairs here by their texts, while items are added (Of, Add, AddAll, WithAdded): so that a customer's items in
    // two of a reader's blocks share one pair. Not carried by MovedInOrder: a generation's added items find their own.
    private Dictionary<Party, int>? _partyByText;
    private int _lastParty = -1;
    // Empty while no item has terms: a ledger without them keeps no column for them (on the 1M day 40 MB for the whole
    // run, and as much again in the reader's column and its gathering into id order). Made, as long as the others, when
    // the first item with terms is written.
    private PaymentTerms?[] _terms;
    private int[] _textAt;
    private byte[] _text;

    // The currencies the items are in, indexed by _currency: a generation that adds one gets a longer copy.
    private CurrencyCode[] _currencies;

    // Where the texts of this generation's items end: a generation that adds items writes theirs from here.
    private int _textEnd;

    // How many items these records hold: added by a reader (Add, AddAll), or written by Of, OverRecords, WithAdded and
    // MovedInOrder. The matcher counts its own (its generations share a build's columns).
    private int _count;

    // The items as records, when given so (OverRecords): then the columns are empty and every accessor reads these.
    private readonly OpenItem[]? _records;

    private ItemRecords(long[] openMinor, int[] docDate, int[] dueDate, byte[] docType, byte[] currency, int[] party, Party[] parties, int partyCount, PaymentTerms?[] terms, int[] textAt, byte[] text, CurrencyCode[] currencies, int textEnd)
    {
        (_openMinor, _docDate, _dueDate, _docType, _currency) = (openMinor, docDate, dueDate, docType, currency);
        (_party, _parties, _partyCount, _terms, _textAt, _text) = (party, parties, partyCount, terms, textAt, text);
        (_currencies, _textEnd) = (currencies, textEnd);
    }

    private ItemRecords(OpenItem[] records, int count)
        : this([], [], [], [], [], [], [], 0, [], [], [], [], 0)
    {
        (_records, _count) = (records, count);
    }

    /// <summary>How many items the columns (or the records) have room for.</summary>
    public int Capacity => _records?.Length ?? _openMinor.Length;

    /// <summary>
    /// The first <paramref name="count"/> of <paramref name="items"/> kept as they are, the array's length the room for
    /// items added later: for a caller that keeps the records anyway (a served ledger's snapshot).
    /// </summary>
    public static ItemRecords OverRecords(OpenItem[] items, int count)
    {
        ArgumentOutOfRangeException.ThrowIfGreaterThan(count, items.Length);
        return new(items, count);
    }

    /// <summary>Item <paramref name="item"/>, read through the columns.</summary>
    public ItemRecord this[int item] => new(this, item);

    /// <summary>
    /// The first <paramref name="count"/> of <paramref name="items"/> by column, with room for <paramref name="capacity"/>
    /// items. Written in parts on every core: each part's texts go where the lengths of the parts before it end.
    /// </summary>
    public static ItemRecords Of(OpenItem[] items, int count, int capacity)
    {
        ArgumentOutOfRangeException.ThrowIfGreaterThan(count, capacity);
        var parts = count < PartsFrom ? 1 : 4 * Math.Max(1, Environment.ProcessorCount);
        var textStarts = new long[parts + 1];
        Parallel.For(0, parts, part =>
        {
            var (from, to) = PartOf(part, parts, count);
            long length = 0;
            for (var i = from; i < to; i++)
            {
                length += TextLength(items[i]);
            }

            textStarts[part + 1] = length;
        });

        for (var part = 0; part < parts; part++)
        {
            textStarts[part + 1] += textStarts[part];
        }

        var used = textStarts[parts];
        var records = new ItemRecords(
            new long[capacity], new int[capacity], new int[capacity], new byte[capacity], new byte[capacity],
            new int[capacity], [], 0, AnyTerms(items, count) ? new PaymentTerms?[capacity] : [], new int[capacity],
            GC.AllocateUninitializedArray<byte>(TextCapacity(used, count, capacity)), [], (int)used)
        {
            _count = count,
        };

        // The currencies and the pairs of customer id and name are numbered on this thread first, in the items' order, so
        // the parts only read their tables. The terms' column is made above when any item has terms, so no part makes it.
        for (var i = 0; i < count; i++)
        {
            records._currency[i] = records.CurrencyIndex(items[i].Currency);
            records._party[i] = records.PartyIndex(items[i].CustomerId, items[i].CustomerName);
        }

        records._partyByText = null;

        Parallel.For(0, parts, part =>
        {
            var (from, to) = PartOf(part, parts, count);
            var at = (int)textStarts[part];
            for (var i = from; i < to; i++)
            {
                at = records.Write(i, items[i], at);
            }
        });

        return records;
    }

    /// <summary>
    /// These records and <paramref name="added"/> written after the first <paramref name="count"/>: into copies
    /// <paramref name="capacity"/> long when <paramref name="copy"/>, else into these columns (the caller has claimed the
    /// room past <paramref name="count"/>, and <paramref name="capacity"/> is theirs). The texts' buffer is copied too when
    /// its room is short.
    /// </summary>
    public ItemRecords WithAdded(IReadOnlyList<OpenItem> added, int count, int capacity, bool copy)
    {
        if (!copy && capacity != Capacity)
        {
            throw new ArgumentOutOfRangeException(nameof(capacity), capacity, $"The columns are {Capacity} long.");
        }

        if (_records is { } given)
        {
            if (copy)
            {
                // A new array even at the same length: the room past count is another generation's.
                var copied = new OpenItem[capacity];
                Array.Copy(given, copied, count);
                given = copied;
            }

            for (var n = 0; n < added.Count; n++)
            {
                given[count + n] = added[n];
            }

            return new(given, count + added.Count);
        }

        long more = 0;
        foreach (var item in added)
        {
            more += TextLength(item);
        }

        var used = _textEnd + more;
        var text = _text;
        if (copy || used > text.Length)
        {
            text = Arrays.Grown(_text, _textEnd, TextCapacity(used, count + added.Count, capacity));
        }

        // The pairs' table is shared like the columns: the new generation writes its pairs past these, in room the caller
        // claimed with the columns' (grown into a copy when short), or into a copy.
        var parties = copy ? Arrays.Grown(_parties, _partyCount, _partyCount + added.Count) : _parties;
        var records = new ItemRecords(
            Column(_openMinor), Column(_docDate), Column(_dueDate), Column(_docType), Column(_currency), Column(_party),
            parties, _partyCount, _terms.Length == 0 ? [] : Column(_terms), Column(_textAt), text, _currencies, (int)used)
        {
            _count = count + added.Count,
        };
        var at = _textEnd;
        for (var n = 0; n < added.Count; n++)
        {
            records._currency[count + n] = records.CurrencyIndex(added[n].Currency);
            records._party[count + n] = records.PartyIndex(added[n].CustomerId, added[n].CustomerName);
            if (added[n].Terms is not null)
            {
                records.TermsColumn();
            }

            at = records.Write(count + n, added[n], at);
        }

        records._partyByText = null;
        return records;

        T[] Column<T>(T[] column)
        {
            if (!copy)
            {
                return column;
            }

            var grown = new T[capacity];
            Array.Copy(column, grown, count);
            return grown;
        }
    }

    /// <summary>How many items these records hold: added by a reader (<see cref="Add"/>, <see cref="AddAll"/>), or written by <see cref="Of"/>, <see cref="OverRecords"/>, <see cref="WithAdded"/> or <see cref="MovedInOrder"/>.</summary>
    public int Count => _count;

    /// <summary>
    /// The open amounts' column, item i's at place i and the room past the items, as long as the other columns (the
    /// <see cref="Capacity"/>); null where the items are kept as records (<see cref="OverRecords"/>). What a matcher
    /// built on these columns reads as its opening amounts.
    /// </summary>
    public long[]? OpenMinorColumn => _records is null ? _openMinor : null;

    /// <summary>How many bytes the texts of the items here take, their heads with them.</summary>
    public int TextBytes => _textEnd;

    /// <summary>
    /// Columns for a reader to add items to, with room for <paramref name="items"/> items, <paramref name="textBytes"/>
    /// bytes of their texts and <paramref name="parties"/> pairs of customer id and name to begin with: sized from a first
    /// block, the pairs' table and their index are not grown by doubling through a read, which runs without a collection.
    /// </summary>
    public static ItemRecords ForReading(int items, int textBytes, int parties = 0) =>
        new(new long[items], new int[items], new int[items], new byte[items], new byte[items], new int[items], new Party[parties], 0,
            [], new int[items], GC.AllocateUninitializedArray<byte>(Math.Max(16, textBytes)), [], 0)
        {
            _partyByText = parties > 0 ? new(parties) : null,
        };

    /// <summary>Adds an item after those added; the columns grow (doubling) when full. For a reader, before the records are shared.</summary>
    public void Add(ReadOnlySpan<char> itemId, DocType docType, string customerId, string customerName, ReadOnlySpan<char> invoiceNumber, bool hasPo, ReadOnlySpan<char> poNumber, CurrencyCode currency, long openMinor, DateOnly docDate, DateOnly dueDate, PaymentTerms? terms)
    {
        ByColumn();
        EnsureRoom(1, SizeOf(itemId) + SizeOf(invoiceNumber) + (hasPo ? SizeOf(poNumber) : 1));
        var i = _count++;
        _currency[i] = CurrencyIndex(currency);
        _party[i] = PartyIndex(customerId, customerName);
        if (terms is not null)
        {
            TermsColumn();
        }

        _textEnd = Set(i, _textEnd, itemId, docType, invoiceNumber, hasPo, poNumber, openMinor, docDate, dueDate, terms);
    }

    /// <summary>Adds every item <paramref name="block"/>'s reader added, in its order, after those added here.</summary>
    public void AddAll(ItemRecords block)
    {
        ByColumn();
        block.ByColumn();
        var (n, from) = (block._count, _count);
        EnsureRoom(n, block._textEnd);
        Array.Copy(block._openMinor, 0, _openMinor, from, n);
        Array.Copy(block._docDate, 0, _docDate, from, n);
        Array.Copy(block._dueDate, 0, _dueDate, from, n);
        Array.Copy(block._docType, 0, _docType, from, n);
        if (block._terms.Length > 0)
        {
            Array.Copy(block._terms, 0, TermsColumn(), from, n);
        }

        Span<byte> currencyOf = stackalloc byte[block._currencies.Length];
        for (var c = 0; c < currencyOf.Length; c++)
        {
            currencyOf[c] = CurrencyIndex(block._currencies[c]);
        }

        // The block's pairs as numbered here: a customer whose items two blocks hold has one pair.
        var partyOf = ArrayPool<int>.Shared.Rent(block._partyCount);
        for (var p = 0; p < block._partyCount; p++)
        {
            partyOf[p] = PartyIndex(block._parties[p].Id, block._parties[p].Name);
        }

        for (var k = 0; k < n; k++)
        {
            _currency[from + k] = currencyOf[block._currency[k]];
            _party[from + k] = partyOf[block._party[k]];
            _textAt[from + k] = block._textAt[k] + _textEnd;
        }

        ArrayPool<int>.Shared.Return(partyOf);

        block._text.AsSpan(0, block._textEnd).CopyTo(_text.AsSpan(_textEnd));
        _textEnd += block._textEnd;
        _count += n;
    }

    /// <summary>Empties the columns for a reader to add to again; their room is kept.</summary>
    public void Clear()
    {
        Array.Clear(_parties, 0, _partyCount);
        (_partyCount, _lastParty) = (0, -1);
        _partyByText?.Clear();
        if (_terms.Length > 0)
        {
            // Kept, cleared: a block made it for an item with terms, so the read's own column exists already.
            Array.Clear(_terms, 0, _count);
        }

        (_count, _textEnd, _currencies) = (0, 0, []);
    }

    /// <summary>Lets the columns go, room and all: for a reader's records once the matcher has its own (something may still hold this object).</summary>
    public void Drop()
    {
        (_openMinor, _docDate, _dueDate, _textAt) = ([], [], [], []);
        (_docType, _currency, _party, _parties, _terms, _text) = ([], [], [], [], [], []);
        (_count, _textEnd, _currencies, _partyCount, _lastParty, _partyByText) = (0, 0, [], 0, -1, null);
    }

    /// <summary>
    /// The items added here, item <c>order[i]</c> in place i, with room for <paramref name="capacity"/> items: what the
    /// matcher keeps, the items in id order. Each column is gathered into an array of its type that is free by then (the
    /// column of that type gathered before it), or a new one (the terms' only when there is one); the texts stay where
    /// they are (each item says where its own start), and these records are left empty. Columns short of
    /// <paramref name="capacity"/>, or that a reader grew far past it (its first block's rows longer than the rest), are
    /// gathered into new arrays of that capacity; the texts' room, when it is far past what the capacity needs, is cut.
    /// So the matcher's own per-item arrays, made at this capacity, are not as long.
    /// </summary>
    /// <remarks>
    /// <para>
    /// The index stage runs without a collection, so whatever it leaves behind stays until the match stage's. Gathered
    /// this way, one array of each type is left (some 150 MB on the 1M day while the customers' ids and names were two
    /// columns of references, 40 MB less since they are one of numbers), and the columns are read in order and
    /// written in order; putting them in order where they were, walking the order's cycles, left nothing but read them at
    /// random (1.55 s against 0.29, PERFORMANCE.md "Session 39"). The match stage's collection gives back what it frees
    /// ("Session 40"), so what is left here no longer reaches that stage's peak; the index stage's own peak is higher
    /// for it (on the 200k day it is the run's peak, higher by the medians).
    /// </para>
    /// <para>
    /// A column reused as another's target has, past the items, what the reader left there: the default, since readers
    /// write no further than their count. Nothing reads those places before writing them (they are room for items added
    /// later).
    /// </para>
    /// </remarks>
    public ItemRecords MovedInOrder(int[] order, int capacity)
    {
        ByColumn();
        var count = _count;
        ArgumentOutOfRangeException.ThrowIfNotEqual(order.Length, count);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(count, capacity);

        // The columns' room is kept when it is enough and at most an eighth past what is asked (on the 1M day the reader's
        // estimate leaves 2 % more); otherwise every column goes to a new array of the capacity asked.
        var keep = _openMinor.Length >= capacity && _openMinor.Length - capacity <= capacity / 8;
        var room = keep ? _openMinor.Length : capacity;
        var textRoom = TextCapacity(_textEnd, count, capacity);
        if (_text.Length - textRoom > textRoom / 8)
        {
            _text = Arrays.Grown(_text, _textEnd, textRoom);
        }

        // The pairs' table likewise, when a reader's estimate left it far longer than its pairs (a generation that adds
        // pairs grows its own).
        if (_parties.Length - _partyCount > _partyCount / 8)
        {
            _parties = Arrays.Grown(_parties, _partyCount, _partyCount);
        }

        // One chain a type, the chains on every core: a column goes where the one before it in its chain was.
        long[] openMinor = [];
        int[] docDate = [], dueDate = [], textAt = [], party = [];
        byte[] docType = [], currency = [];
        PaymentTerms?[] terms = [];
        Parallel.Invoke(
            () => openMinor = Gathered(_openMinor, order, new long[room]),
            () =>
            {
                docDate = Gathered(_docDate, order, new int[room]);
                dueDate = Gathered(_dueDate, order, keep ? _docDate : new int[room]);
                textAt = Gathered(_textAt, order, keep ? _dueDate : new int[room]);
                party = Gathered(_party, order, keep ? _textAt : new int[room]);
            },
            () =>
            {
                docType = Gathered(_docType, order, new byte[room]);
                currency = Gathered(_currency, order, keep ? _docType : new byte[room]);
            },
            () => terms = _terms.Length == 0 ? [] : Gathered(_terms, order, new PaymentTerms?[room]));
        var moved = new ItemRecords(openMinor, docDate, dueDate, docType, currency, party, _parties, _partyCount, terms, textAt, _text, _currencies, _textEnd)
        {
            _count = count,
        };
        Drop();
        return moved;
    }

    /// <summary>
    /// <paramref name="column"/>'s value <c>order[i]</c> written to place i of <paramref name="into"/>, for every place of
    /// the order; <paramref name="into"/> (as long as the column, or the capacity asked) is returned. Its places past the
    /// order's keep what they held: room for items added later, each written before it is read.
    /// </summary>
    private static T[] Gathered<T>(T[] column, int[] order, T[] into)
    {
        for (var i = 0; i < order.Length; i++)
        {
            into[i] = column[order[i]];
        }

        return into;
    }

    /// <summary>The keys of the items added here, their ids: for <see cref="OrdinalOrder.Order"/>.</summary>
    public IdKeys Ids => new(this);

    /// <summary>Items compared by their ids, ordinally.</summary>
    internal readonly struct IdKeys(ItemRecords records) : OrdinalOrder.IOrdinalKeys
    {
        public int Compare(int a, int b) => records.IdOf(a).SequenceCompareTo(records.IdOf(b));
    }

    /// <summary>The items added here as records, in their order.</summary>
    public List<OpenItem> ToList()
    {
        var list = new List<OpenItem>(_count);
        for (var i = 0; i < _count; i++)
        {
            list.Add(Record(i));
        }

        return list;
    }

    private void EnsureRoom(int items, long textBytes)
    {
        if (_count + items > _openMinor.Length)
        {
            ResizeColumns(Math.Max(_count + items, 2 * _openMinor.Length));
        }

        var needed = _textEnd + textBytes;
        if (needed > _text.Length)
        {
            MatcherCapacity.CheckTextBytes(needed);
            _text = Arrays.Grown(_text, _textEnd, (int)Math.Min(MatcherCapacity.TextBytes, Math.Max(needed, 2L * _text.Length)));
        }
    }

    private void ResizeColumns(int length)
    {
        Array.Resize(ref _openMinor, length);
        Array.Resize(ref _docDate, length);
        Array.Resize(ref _dueDate, length);
        Array.Resize(ref _docType, length);
        Array.Resize(ref _currency, length);
        Array.Resize(ref _party, length);
        if (_terms.Length > 0)
        {
            Array.Resize(ref _terms, length);
        }

        Array.Resize(ref _textAt, length);
    }

    /// <summary>
    /// The number of <paramref name="currency"/> in these records' table, added at its end when new. The table is never
    /// changed in place but replaced by a longer copy, so a generation that adds a currency leaves its parent's as it is.
    /// </summary>
    private byte CurrencyIndex(CurrencyCode currency)
    {
        var at = Array.IndexOf(_currencies, currency);
        if (at < 0)
        {
            at = _currencies.Length <= byte.MaxValue
                ? _currencies.Length
                : throw new InvalidOperationException($"The open items are in more than {byte.MaxValue + 1} currencies.");
            _currencies = [.. _currencies, currency];
        }

        return (byte)at;
    }

    /// <summary>
    /// The number of the pair <paramref name="customerId"/> and <paramref name="customerName"/> in these records' table,
    /// added at its end when new. The pair of the item before is checked first by reference (a reader shares a block's
    /// equal texts, and an export lists a customer's items together); any other is looked up by its texts.
    /// </summary>
    private int PartyIndex(string customerId, string customerName)
    {
        if (_lastParty >= 0 && ReferenceEquals(_parties[_lastParty].Id, customerId) && ReferenceEquals(_parties[_lastParty].Name, customerName))
        {
            return _lastParty;
        }

        var party = new Party(customerId, customerName);
        ref var at = ref CollectionsMarshal.GetValueRefOrAddDefault(_partyByText ??= [], party, out var known);
        if (!known)
        {
            at = _partyCount;
            Arrays.EnsureRoom(ref _parties, _partyCount, 1);
            _parties[_partyCount++] = party;
        }

        return _lastParty = at;
    }

    /// <summary>A customer id and the customer name an item carries.</summary>
    private readonly record struct Party(string Id, string Name);

    /// <summary>What only records kept by column do: a reader's adding, and the move into id order.</summary>
    private void ByColumn()
    {
        if (_records is not null)
        {
            throw new InvalidOperationException("These records are kept as given, not by column.");
        }
    }

    /// <summary>The item's id.</summary>
    public ItemText IdOf(int item)
    {
        if (_records is { } records)
        {
            return new(records[item].ItemId);
        }

        var at = _textAt[item];
        return Text(ref at);
    }

    /// <summary>The item's invoice number.</summary>
    public ItemText InvoiceNumberOf(int item)
    {
        if (_records is { } records)
        {
            return new(records[item].InvoiceNumber);
        }

        var at = _textAt[item];
        Skip(ref at);
        return Text(ref at);
    }

    /// <summary>Whether the item has a PO number, and which.</summary>
    public bool HasPoNumber(int item, out ItemText poNumber)
    {
        if (_records is { } records)
        {
            poNumber = new(records[item].PoNumber);
            return records[item].PoNumber is not null;
        }

        var at = _textAt[item];
        Skip(ref at);
        Skip(ref at);
        if (_text[at] == NoText)
        {
            poNumber = default;
            return false;
        }

        poNumber = Text(ref at);
        return true;
    }

    /// <summary>The item's id as a string of its own: for what keeps it (an application, a suggestion).</summary>
    public string ItemId(int item) => _records is { } records ? records[item].ItemId : IdOf(item).ToString();

    /// <summary>The item's invoice number as a string of its own: for what keeps it (an explanation).</summary>
    public string InvoiceNumber(int item) => _records is { } records ? records[item].InvoiceNumber : InvoiceNumberOf(item).ToString();

    /// <summary>The item's open amount as the ledger gave it (minor units, negative for a credit memo).</summary>
    public long OpenMinor(int item) => _records is { } records ? records[item].OpenMinor : _openMinor[item];

    /// <summary>The item's currency.</summary>
    public CurrencyCode Currency(int item) => _records is { } records ? records[item].Currency : _currencies[_currency[item]];

    /// <summary>The item's customer id.</summary>
    public string CustomerId(int item) => _records is { } records ? records[item].CustomerId : _parties[_party[item]].Id;

    /// <summary>The customer name on the item.</summary>
    public string CustomerName(int item) => _records is { } records ? records[item].CustomerName : _parties[_party[item]].Name;

    /// <summary>
    /// How many pairs of customer id and name the items here carry, numbered from 0 (<see cref="PartyOf"/>); each item
    /// its own where the items are kept as records.
    /// </summary>
    public int PartyCount => _records is null ? _partyCount : _count;

    /// <summary>Whether items here share their pairs of customer id and name (kept by column), not each its own (as records).</summary>
    public bool SharesParties => _records is null;

    /// <summary>The number of the item's pair of customer id and name: items with the same pair mostly share one.</summary>
    public int PartyOf(int item) => _records is null ? _party[item] : item;

    /// <summary>The customer id of pair <paramref name="party"/>.</summary>
    public string PartyId(int party) => _records is { } records ? records[party].CustomerId : _parties[party].Id;

    /// <summary>The customer name of pair <paramref name="party"/>.</summary>
    public string PartyName(int party) => _records is { } records ? records[party].CustomerName : _parties[party].Name;

    /// <summary>The item's document date.</summary>
    public DateOnly DocDate(int item) => _records is { } records ? records[item].DocDate : DateOnly.FromDayNumber(_docDate[item]);

    /// <summary>The item's due date.</summary>
    public DateOnly DueDate(int item) => _records is { } records ? records[item].DueDate : DateOnly.FromDayNumber(_dueDate[item]);

    /// <summary>The item's payment terms, when AR gave them.</summary>
    public PaymentTerms? Terms(int item) => _records is { } records ? records[item].Terms : _terms.Length == 0 ? null : _terms[item];

    /// <summary>Whether these records keep a column of terms (by column, and an item with terms was written to them, or to the generation whose columns they share).</summary>
    internal bool HasTermsColumn => _terms.Length > 0;

    private static bool AnyTerms(OpenItem[] items, int count)
    {
        for (var i = 0; i < count; i++)
        {
            if (items[i].Terms is not null)
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>The terms' column, made as long as the others when there is none yet.</summary>
    private PaymentTerms?[] TermsColumn()
    {
        if (_terms.Length == 0)
        {
            _terms = new PaymentTerms?[_openMinor.Length];
        }

        return _terms;
    }

    /// <summary>The item's document type.</summary>
    public DocType DocType(int item) => _records is { } records ? records[item].DocType : (DocType)_docType[item];

    /// <summary>The item as a record again, equal to the one it was written from.</summary>
    public OpenItem Record(int item)
    {
        if (_records is { } records)
        {
            return records[item];
        }

        var po = HasPoNumber(item, out var poNumber) ? poNumber.ToString() : null;
        return new OpenItem(ItemId(item), DocType(item), CustomerId(item), CustomerName(item), InvoiceNumber(item), po, Currency(item), OpenMinor(item), DocDate(item), DueDate(item))
        {
            Terms = Terms(item),
        };
    }

    /// <summary>Fetches where the item's texts are (its record's place): what a lookahead asks for before <see cref="PrefetchTexts"/>.</summary>
    public void PrefetchPlace(int item)
    {
        if (_records is { } records)
        {
            Prefetch.Line(ref records[item]);
        }
        else
        {
            Prefetch.Line(ref _textAt[item]);
        }
    }

    /// <summary>
    /// Fetches the item's texts (its record), or with <paramref name="further"/> what follows: the rest of a text that
    /// starts late in its line (the record's invoice number).
    /// </summary>
    public void PrefetchTexts(int item, bool further)
    {
        if (_records is { } records)
        {
            Prefetch.Object(further ? records[item].InvoiceNumber : records[item]);
        }
        else
        {
            // Further is 32 bytes on: the end of an item's texts of the usual length (an id and two numbers of some ten
            // characters each, a byte a character).
            Prefetch.Line(ref _text[Math.Min(_textAt[item] + (further ? 32 : 0), _text.Length - 1)]);
        }
    }

    // From this many items a build writes the columns in parts on every core.
    internal const int PartsFrom = 4_096;

    private static (int From, int To) PartOf(int part, int parts, int count) => DeleteNeighbourhoodIndex.PartOf(part, parts, count);

    /// <summary>The bytes an item's texts take here, their heads with them.</summary>
    private static long TextLength(OpenItem item) =>
        SizeOf(item.ItemId) + SizeOf(item.InvoiceNumber) + (item.PoNumber is { } po ? SizeOf(po) : 1);

    /// <summary>The bytes a text takes here, its head with it.</summary>
    private static long SizeOf(ReadOnlySpan<char> text) =>
        ItemText.FitsLatin1(text)
            ? (text.Length < LongNarrow ? 1 : 5) + (long)text.Length
            : (text.Length < NoText - Wide ? 1 : 5) + (2L * text.Length);

    /// <summary>Room for the texts used, and for the items to come up to <paramref name="capacity"/> at the length of those written so far.</summary>
    private static int TextCapacity(long used, int count, int capacity)
    {
        MatcherCapacity.CheckTextBytes(used);
        var room = used + ((capacity - count) * Math.Max(8, (used / Math.Max(1, count)) + 1));
        return (int)Math.Min(room, MatcherCapacity.TextBytes);
    }

    /// <summary>Writes a record's columns (all but its currency and its party) as item <paramref name="i"/>, its texts from <paramref name="at"/>; returns where they end.</summary>
    private int Write(int i, OpenItem item, int at) =>
        Set(i, at, item.ItemId, item.DocType, item.InvoiceNumber, item.PoNumber is not null, item.PoNumber,
            item.OpenMinor, item.DocDate, item.DueDate, item.Terms);

    /// <summary>Writes item <paramref name="i"/>'s columns (all but its currency and its party) and its texts from <paramref name="at"/>; returns where its texts end.</summary>
    private int Set(int i, int at, ReadOnlySpan<char> itemId, DocType docType, ReadOnlySpan<char> invoiceNumber, bool hasPo, ReadOnlySpan<char> poNumber, long openMinor, DateOnly docDate, DateOnly dueDate, PaymentTerms? terms)
    {
        _openMinor[i] = openMinor;
        _docDate[i] = docDate.DayNumber;
        _dueDate[i] = dueDate.DayNumber;
        _docType[i] = (byte)docType;
        if (terms is not null)
        {
            // The caller made the column (TermsColumn, or Of up front for its parts, which never make it): one missing
            // here fails loudly rather than two parts each making their own.
            _terms[i] = terms;
        }

        _textAt[i] = at;
        at = Put(itemId, at);
        at = Put(invoiceNumber, at);
        if (hasPo)
        {
            return Put(poNumber, at);
        }

        _text[at] = NoText;
        return at + 1;
    }

    private int Put(ReadOnlySpan<char> text, int at)
    {
        var narrow = ItemText.FitsLatin1(text);
        if (narrow ? text.Length < LongNarrow : text.Length < NoText - Wide)
        {
            _text[at++] = (byte)((narrow ? 0 : Wide) + text.Length);
        }
        else
        {
            _text[at++] = narrow ? LongNarrow : LongWide;
            BinaryPrimitives.WriteInt32LittleEndian(_text.AsSpan(at), text.Length);
            at += 4;
        }

        if (narrow)
        {
            return at + Encoding.Latin1.GetBytes(text, _text.AsSpan(at));
        }

        // The buffer never leaves the process: its UTF-16 is the machine's own order.
        var bytes = _text.AsSpan(at, 2 * text.Length);
        MemoryMarshal.AsBytes(text).CopyTo(bytes);
        return at + bytes.Length;
    }

    private ItemText Text(scoped ref int at)
    {
        var (length, wide) = Length(ref at);
        if (!wide)
        {
            var narrow = _text.AsSpan(at, length);
            at += length;
            return ItemText.OfLatin1(narrow);
        }

        // Read in place; its characters may start at an odd byte, which x64 and Arm64 read as they read any other.
        var utf16 = _text.AsSpan(at, 2 * length);
        at += utf16.Length;
        return ItemText.OfUtf16(utf16);
    }

    private void Skip(scoped ref int at)
    {
        // Not at += Length(ref at): that adds the length to where the head was read, before the head is passed.
        var (length, wide) = Length(ref at);
        at += wide ? 2 * length : length;
    }

    /// <summary>The length in characters of the text whose head is at <paramref name="at"/>, and whether it is kept in two bytes a character; <paramref name="at"/> moves past the head.</summary>
    private (int Length, bool Wide) Length(scoped ref int at)
    {
        var head = _text[at++];
        if (head < LongNarrow)
        {
            return (head, false);
        }

        if (head is > LongNarrow and < NoText)
        {
            return (head - Wide, true);
        }

        var length = BinaryPrimitives.ReadInt32LittleEndian(_text.AsSpan(at));
        at += 4;
        return (length, head == LongWide);
    }
}

/// <summary>
/// One item of <see cref="ItemRecords"/>, read through its columns, under the names of <see cref="OpenItem"/>. The texts
/// as properties are new strings each time: where a caller only compares or scans them, the texts of
/// <see cref="ItemRecords"/> as they are kept (<see cref="ItemText"/>) cost nothing.
/// </summary>
internal readonly struct ItemRecord(ItemRecords records, int item)
{
    public string ItemId => records.ItemId(item);

    public string InvoiceNumber => records.InvoiceNumber(item);

    public long OpenMinor => records.OpenMinor(item);

    public CurrencyCode Currency => records.Currency(item);

    public string CustomerId => records.CustomerId(item);

    public string CustomerName => records.CustomerName(item);

    public DateOnly DocDate => records.DocDate(item);

    public DateOnly DueDate => records.DueDate(item);

    public PaymentTerms? Terms => records.Terms(item);
}
