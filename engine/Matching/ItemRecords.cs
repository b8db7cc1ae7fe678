using CashApp.Engine.Model;
using CashApp.Parsers.Currency;

namespace CashApp.Engine.Matching;

/// <summary>
/// The open items a matcher was built over, kept by column rather than as one <see cref="OpenItem"/> each: amounts,
/// dates, document types and currencies in arrays, each item's id, invoice number and PO number one after another in
/// one character buffer. On the 1M day that is some 100 bytes an item where a record and its two or three strings took
/// some 210, and three arrays and a buffer where the collector marked and copied 15 million objects (PERFORMANCE.md,
/// "Session 39"). An item is read through <see cref="this[int]"/>, which reads the columns; its texts as spans, or as
/// new strings where a caller keeps them (an application's item id, an explanation's number).
/// </summary>
/// <remarks>
/// Every column is <see cref="Capacity"/> long: the slots past the items are room for those a generation adds
/// (<see cref="WithAdded"/>), written once, before that generation is published, and never again. A generation made
/// from an older one, whose room the first took, gets copies. So a reader of any generation never sees a slot written.
/// </remarks>
internal sealed class ItemRecords
{
    // A text's length is the character before it: one character below LongText, else LongText and the length in two
    // characters (high, low). NoText stands for a PO number the item has none of.
    private const char LongText = '\uFFFE';
    private const char NoText = '\uFFFF';

    private readonly long[] _openMinor;
    private readonly int[] _docDate;
    private readonly int[] _dueDate;
    private readonly byte[] _docType;
    private readonly byte[] _currency;
    private readonly string[] _customerId;
    private readonly string[] _customerName;
    private readonly PaymentTerms?[] _terms;
    private readonly int[] _textAt;
    private readonly char[] _text;

    // The currencies the items are in, indexed by _currency: a generation that adds one gets a longer copy.
    private readonly CurrencyCode[] _currencies;

    // Where the texts of this generation's items end: a generation that adds items writes theirs from here.
    private readonly int _textEnd;

    private ItemRecords(long[] openMinor, int[] docDate, int[] dueDate, byte[] docType, byte[] currency, string[] customerId, string[] customerName, PaymentTerms?[] terms, int[] textAt, char[] text, CurrencyCode[] currencies, int textEnd)
    {
        (_openMinor, _docDate, _dueDate, _docType, _currency) = (openMinor, docDate, dueDate, docType, currency);
        (_customerId, _customerName, _terms, _textAt, _text) = (customerId, customerName, terms, textAt, text);
        (_currencies, _textEnd) = (currencies, textEnd);
    }

    /// <summary>How many items the columns have room for.</summary>
    public int Capacity => _openMinor.Length;

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

        // The currencies are few: numbered on this thread first, in the items' order, so the parts only read the table.
        var currency = new byte[capacity];
        var currencies = new List<CurrencyCode>();
        var currencyIndex = new Dictionary<CurrencyCode, byte>();
        for (var i = 0; i < count; i++)
        {
            var code = items[i].Currency;
            if (!currencyIndex.TryGetValue(code, out var at))
            {
                currencyIndex.Add(code, at = CurrencyNumber(currencies.Count));
                currencies.Add(code);
            }

            currency[i] = at;
        }

        var used = textStarts[parts];
        var records = new ItemRecords(
            new long[capacity], new int[capacity], new int[capacity], new byte[capacity], currency,
            new string[capacity], new string[capacity], new PaymentTerms?[capacity], new int[capacity],
            GC.AllocateUninitializedArray<char>(TextCapacity(used, count, capacity)), [.. currencies], (int)used);
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

        var currencies = _currencies;
        foreach (var item in added)
        {
            if (Array.IndexOf(currencies, item.Currency) < 0)
            {
                _ = CurrencyNumber(currencies.Length);
                currencies = [.. currencies, item.Currency];
            }
        }

        var records = new ItemRecords(
            Column(_openMinor), Column(_docDate), Column(_dueDate), Column(_docType), Column(_currency), Column(_customerId),
            Column(_customerName), Column(_terms), Column(_textAt), text, currencies, (int)used);
        var at = _textEnd;
        for (var n = 0; n < added.Count; n++)
        {
            records._currency[count + n] = (byte)Array.IndexOf(currencies, added[n].Currency);
            at = records.Write(count + n, added[n], at);
        }

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

    /// <summary>The item's id.</summary>
    public ReadOnlySpan<char> IdOf(int item)
    {
        var at = _textAt[item];
        return Text(ref at);
    }

    /// <summary>The item's invoice number.</summary>
    public ReadOnlySpan<char> InvoiceNumberOf(int item)
    {
        var at = _textAt[item];
        Skip(ref at);
        return Text(ref at);
    }

    /// <summary>Whether the item has a PO number, and which.</summary>
    public bool HasPoNumber(int item, out ReadOnlySpan<char> poNumber)
    {
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
    public string ItemId(int item) => new(IdOf(item));

    /// <summary>The item's open amount as the ledger gave it (minor units, negative for a credit memo).</summary>
    public long OpenMinor(int item) => _openMinor[item];

    /// <summary>The item's currency.</summary>
    public CurrencyCode Currency(int item) => _currencies[_currency[item]];

    /// <summary>The item's customer id.</summary>
    public string CustomerId(int item) => _customerId[item];

    /// <summary>The customer name on the item.</summary>
    public string CustomerName(int item) => _customerName[item];

    /// <summary>The item's document date.</summary>
    public DateOnly DocDate(int item) => DateOnly.FromDayNumber(_docDate[item]);

    /// <summary>The item's due date.</summary>
    public DateOnly DueDate(int item) => DateOnly.FromDayNumber(_dueDate[item]);

    /// <summary>The item's payment terms, when AR gave them.</summary>
    public PaymentTerms? Terms(int item) => _terms[item];

    /// <summary>The item's document type.</summary>
    public DocType DocType(int item) => (DocType)_docType[item];

    /// <summary>The item as a record again, equal to the one it was written from.</summary>
    public OpenItem Record(int item)
    {
        var po = HasPoNumber(item, out var poNumber) ? new string(poNumber) : null;
        return new OpenItem(ItemId(item), DocType(item), CustomerId(item), CustomerName(item), new string(InvoiceNumberOf(item)), po, Currency(item), OpenMinor(item), DocDate(item), DueDate(item))
        {
            Terms = Terms(item),
        };
    }

    /// <summary>The character <paramref name="ahead"/> past the start of the item's texts (or the buffer's last): what a lookahead fetches ahead of reading them.</summary>
    public ref char TextAhead(int item, int ahead) => ref _text[Math.Min(_textAt[item] + ahead, _text.Length - 1)];

    /// <summary>Where in the columns the item's place in the texts is: what a lookahead fetches ahead of that.</summary>
    public ref int TextAtSlot(int item) => ref _textAt[item];

    // From this many items a build writes the columns in parts on every core.
    internal const int PartsFrom = 4_096;

    private static (int From, int To) PartOf(int part, int parts, int count) => DeleteNeighbourhoodIndex.PartOf(part, parts, count);

    /// <summary>The characters an item's texts take here, their lengths with them.</summary>
    private static long TextLength(OpenItem item) =>
        LengthOf(item.ItemId.Length) + LengthOf(item.InvoiceNumber.Length) + (item.PoNumber is { } po ? LengthOf(po.Length) : 1);

    private static long LengthOf(int length) => length + (length < LongText ? 1 : 3);

    /// <summary>Room for the texts used, and for the items to come up to <paramref name="capacity"/> at the length of those written so far.</summary>
    private static int TextCapacity(long used, int count, int capacity)
    {
        var room = used + ((capacity - count) * Math.Max(8, (used / Math.Max(1, count)) + 1));
        return room <= Array.MaxLength
            ? (int)room
            : used <= Array.MaxLength
                ? Array.MaxLength
                : throw new InvalidOperationException($"The open items' ids, invoice numbers and PO numbers come to {used:N0} characters; one matcher holds at most {Array.MaxLength:N0}.");
    }

    private static byte CurrencyNumber(int count) =>
        count <= byte.MaxValue ? (byte)count : throw new InvalidOperationException($"The open items are in more than {byte.MaxValue + 1} currencies.");

    /// <summary>Writes item <paramref name="i"/>'s columns (all but its currency) and its texts from <paramref name="at"/>; returns where its texts end.</summary>
    private int Write(int i, OpenItem item, int at)
    {
        _openMinor[i] = item.OpenMinor;
        _docDate[i] = item.DocDate.DayNumber;
        _dueDate[i] = item.DueDate.DayNumber;
        _docType[i] = (byte)item.DocType;
        _customerId[i] = item.CustomerId;
        _customerName[i] = item.CustomerName;
        _terms[i] = item.Terms;
        _textAt[i] = at;
        at = Put(item.ItemId, at);
        at = Put(item.InvoiceNumber, at);
        if (item.PoNumber is { } po)
        {
            return Put(po, at);
        }

        _text[at] = NoText;
        return at + 1;
    }

    private int Put(string text, int at)
    {
        if (text.Length < LongText)
        {
            _text[at++] = (char)text.Length;
        }
        else
        {
            _text[at++] = LongText;
            _text[at++] = (char)(text.Length >>> 16);
            _text[at++] = (char)(text.Length & 0xFFFF);
        }

        text.CopyTo(_text.AsSpan(at));
        return at + text.Length;
    }

    private ReadOnlySpan<char> Text(scoped ref int at)
    {
        var length = Length(ref at);
        var text = _text.AsSpan(at, length);
        at += length;
        return text;
    }

    private void Skip(scoped ref int at)
    {
        // Not at += Length(ref at): that adds the length to where the head was read, before the head is passed.
        var length = Length(ref at);
        at += length;
    }

    private int Length(scoped ref int at)
    {
        var head = _text[at++];
        if (head < LongText)
        {
            return head;
        }

        var length = (_text[at] << 16) | _text[at + 1];
        at += 2;
        return length;
    }
}

/// <summary>
/// One item of <see cref="ItemRecords"/>, read through its columns, under the names of <see cref="OpenItem"/>. The texts
/// as properties are new strings each time: where a caller only compares or scans them, the spans of
/// <see cref="ItemRecords"/> cost nothing.
/// </summary>
internal readonly struct ItemRecord(ItemRecords records, int item)
{
    public string ItemId => records.ItemId(item);

    public string InvoiceNumber => new(records.InvoiceNumberOf(item));

    public long OpenMinor => records.OpenMinor(item);

    public CurrencyCode Currency => records.Currency(item);

    public string CustomerId => records.CustomerId(item);

    public string CustomerName => records.CustomerName(item);

    public DateOnly DocDate => records.DocDate(item);

    public DateOnly DueDate => records.DueDate(item);

    public PaymentTerms? Terms => records.Terms(item);
}
