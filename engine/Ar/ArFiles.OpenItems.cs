using System.Collections.Concurrent;
using System.Text;
using CashApp.Engine.Matching;
using CashApp.Engine.Model;
using CashApp.Parsers.Currency;

namespace CashApp.Engine.Ar;

public static partial class ArFiles
{
    private const int BlockSize = 8 << 20;

    /// <summary>
    /// Reads every open item. A bad row stops the read with an <see cref="ArInputException"/> naming the
    /// file, line, column and value: a duplicate <c>item_id</c>, an unknown currency, an unparseable amount
    /// or date, or an unknown <c>doc_type</c>. When several rows are bad, the first in the file is named.
    /// </summary>
    /// <remarks>
    /// Large exports are the norm (millions of rows), so the file is cut into blocks at line ends and the
    /// blocks are parsed on every core; customer ids and names are shared between the rows of a block.
    /// A file that cannot be cut at '\n', or holds a row this reader does not read strictly, is read row by row instead,
    /// by Sylvan, which reads it or refuses the row: a quoted line break (in a row or in the header), lone-'\r' line ends
    /// (old Mac files) or a '\r' outside quotes that ends no line, a quote inside a quoted field not doubled or text after
    /// a closing quote, a row near Sylvan's limit. Either way a row is read, or refused with its line, alike wherever it is.
    /// This hand-written reader is kept beside Sylvan because it is needed: on 1M items it takes about half
    /// Sylvan's time and allocates half as much (<c>CsvBenchmarks</c>, PERFORMANCE.md "CSV").
    /// </remarks>
    public static List<OpenItem> ReadOpenItems(string path, IProgress<long>? progress = null) => ReadOpenItemRecords(path, progress).ToList();

    /// <summary>
    /// As <see cref="ReadOpenItems"/>, the items kept by column (<see cref="ItemRecords"/>), as the matcher keeps them: what a
    /// batch run reads, so that millions of records and their strings are never made (PERFORMANCE.md, "Session 39").
    /// </summary>
    internal static ItemRecords ReadOpenItemRecords(string path, IProgress<long>? progress = null)
    {
        try
        {
            return ReadOpenItemsParallel(path, progress);
        }
        catch (NeedsRowByRowException)
        {
            var items = ReadOpenItemsSequential(path, progress);
            return ItemRecords.Of([.. items], items.Count, items.Count);
        }
        catch (ArInputException refused) when (refused.LineNumber > 1)
        {
            // A row a block refused: the row-by-row reader names the first bad row of the file, which may lie before it (a
            // duplicate id, which the blocks find only once all are read, or an earlier check of the same row), as it does
            // for the files it reads itself. It agrees on every row; should it find none bad, the block's refusal stands.
            ReadOpenItemsSequential(path);
            throw;
        }
    }

    /// <summary>
    /// The file is for the row-by-row reader: its rows are not its '\n'-ended lines (a quoted line break, a '\r' outside
    /// quotes that is not part of a "\r\n"), or a row is not strict CSV or is near that reader's limit: it reads or refuses.
    /// </summary>
    private sealed class NeedsRowByRowException : Exception
    {
    }

    /// <summary>
    /// Rows this long or longer, line end not counted, are left to the row-by-row reader: it holds a row of at most
    /// <see cref="ReaderBufferChars"/> characters with its line end, so one of this length is read, or refused, by how it ends.
    /// </summary>
    private const int LongestRowChars = ReaderBufferChars - 1;

    /// <summary>Where each needed column is in a row.</summary>
    /// <remarks><see cref="PaymentTerms"/> is optional (CONTRACT.md): -1 when the file has no such column.</remarks>
    private readonly record struct OpenItemColumns(int ItemId, int DocType, int CustomerId, int CustomerName, int InvoiceNumber, int PoNumber, int Currency, int OpenAmount, int DocDate, int DueDate, int PaymentTerms)
    {
        public int Needed => new[] { ItemId, DocType, CustomerId, CustomerName, InvoiceNumber, PoNumber, Currency, OpenAmount, DocDate, DueDate, PaymentTerms }.Max() + 1;
    }

    /// <summary>A block of whole lines to parse: its bytes, where it starts in the file, and how many lines it holds at most.</summary>
    private sealed record Block(byte[] Buffer, int Length, long FirstLine, int Lines);

    /// <summary>
    /// The byte blocks and the char buffers of one read, reused between its blocks and dropped with it. Not the
    /// shared pool: it would keep the few blocks of 8 MB and their text (a char buffer for 8 MB rounds up to 32 MB
    /// there), some 250 MB on two cores, for the whole run after the last item is read.
    /// </summary>
    private sealed class BlockBuffers
    {
        private readonly ConcurrentBag<byte[]> _bytes = [];
        private readonly ConcurrentBag<char[]> _chars = [];
        private readonly ConcurrentBag<ItemRecords> _items = [];

        public byte[] RentBytes(int length) => Take(_bytes, length);

        public void Return(byte[] buffer) => _bytes.Add(buffer);

        public char[] RentChars(int length) => Take(_chars, length);

        public void Return(char[] buffer) => _chars.Add(buffer);

        /// <summary>The items of one block, by column: copied to the read's columns in file order, then emptied and reused by a later block.</summary>
        public ItemRecords RentItems(int lines, int textBytes)
        {
            if (_items.TryTake(out var block))
            {
                block.Clear();
                return block;
            }

            return ItemRecords.ForReading(lines, textBytes);
        }

        public void Return(ItemRecords block) => _items.Add(block);

        // A buffer too short (a line longer than a block grew one) is dropped, not kept: it is rare, and the next is as long as asked.
        private static T[] Take<T>(ConcurrentBag<T[]> bag, int length) =>
            bag.TryTake(out var buffer) && buffer.Length >= length ? buffer : GC.AllocateUninitializedArray<T>(Math.Max(length, BlockSize));
    }

    private static ItemRecords ReadOpenItemsParallel(string path, IProgress<long>? progress)
    {
        using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 1, FileOptions.SequentialScan);
        var buffers = new BlockBuffers();
        var buffer = buffers.RentBytes(BlockSize);
        var filled = stream.ReadAtLeast(buffer, buffer.Length, throwOnEndOfStream: false);
        var start = 0;
        if (buffer.AsSpan(0, filled).StartsWith("\uFEFF"u8))
        {
            start = 3;
        }

        if (buffer.AsSpan(start, filled - start).Trim("\r\n"u8).IsEmpty)
        {
            // No header row at all: said as the row-by-row reader says it, not as a header without the first column.
            throw ArInputException.Empty(path);
        }

        var headerEnd = buffer.AsSpan(start, filled - start).IndexOf((byte)'\n');
        var headerText = Encoding.UTF8.GetString(buffer, start, headerEnd < 0 ? filled - start : headerEnd);
        headerText = headerText.EndsWith('\r') ? headerText[..^1] : headerText;
        if (headerText.Contains('\r') || headerText.Length >= LongestRowChars || SplitHeader(headerText) is not { } header)
        {
            // Lines ended by a lone '\r', a header with a quoted line break (the first '\n' does not end it, and read as a
            // row its tail was refused), one that is not strict CSV, or one near the row-by-row reader's limit.
            throw new NeedsRowByRowException();
        }

        int Column(string name) => IndexOfColumn(header, path, name) is var i and >= 0 ? i : throw ArInputException.MissingColumn(path, name);

        var columns = new OpenItemColumns(Column("item_id"), Column("doc_type"), Column("customer_id"), Column("customer_name"), Column("invoice_number"), Column("po_number"), Column("currency"), Column("open_amount"), Column("doc_date"), Column("due_date"), IndexOfColumn(header, path, "payment_terms"));
        if (headerEnd < 0)
        {
            return ItemRecords.ForReading(0, 0);
        }

        // Cut the file into blocks that end at a line end, and parse them on every core, in order. Each block's
        // items are copied to the read's columns as the block is done, in file order, and its columns are reused: a list
        // per block, all kept to the end and then copied, was as much garbage again as the list of the read.
        var pending = new Queue<Task<BlockItems>>();
        ItemRecords? items = null;
        var runs = new IdRuns();
        var dataStart = start + headerEnd + 1;
        var fileLength = stream.Length;
        var maxPending = Math.Max(2, Environment.ProcessorCount + 1);
        long line = 2;
        long rows = 0;
        var offset = start + headerEnd + 1;
        while (true)
        {
            var data = buffer.AsSpan(offset, filled - offset);
            var atEnd = filled < buffer.Length;
            var cut = atEnd ? data.Length : data.LastIndexOf((byte)'\n') + 1;
            if (cut == 0 && !atEnd)
            {
                // A line longer than a block: grow the block.
                var bigger = GC.AllocateUninitializedArray<byte>(buffer.Length * 2);
                data.CopyTo(bigger);
                filled = data.Length + stream.ReadAtLeast(bigger.AsSpan(data.Length), bigger.Length - data.Length, throwOnEndOfStream: false);
                buffer = bigger;
                offset = 0;
                continue;
            }

            var block = buffers.RentBytes(cut);
            data[..cut].CopyTo(block);
            var blockLine = line;
            var newLines = data[..cut].Count((byte)'\n');
            line += newLines;
            var job = new Block(block, cut, blockLine, newLines + 1);
            pending.Enqueue(Task.Run(() =>
            {
                try
                {
                    return ParseBlock(path, job, columns, buffers);
                }
                finally
                {
                    buffers.Return(job.Buffer);
                }
            }));
            while (pending.Count >= maxPending || (atEnd && pending.Count > 0))
            {
                var part = Wait(pending.Dequeue());
                try
                {
                    // Sized from the first block's rows per byte, a little over: columns grown by doubling
                    // would allocate as much again. A file whose later rows are shorter only grows them.
                    // The texts likewise, at the first block's bytes of texts per row, and the pairs of customer id and
                    // name at its pairs per row (their table and index then grow only when later customers have fewer
                    // items).
                    var estimate = EstimateRows(part.Count, part.Bytes, fileLength - dataStart);
                    items ??= ItemRecords.ForReading(
                        estimate,
                        (int)Math.Min(Array.MaxLength, (long)estimate * (part.Items.TextBytes / Math.Max(1, part.Count) + 1)),
                        (int)Math.Min(estimate, ((long)estimate * part.Items.PartyCount / Math.Max(1, part.Count)) + 16));
                    var first = items.Count;
                    items.AddAll(part.Items);
                    runs.Append(items, first, part.Runs);
                }
                finally
                {
                    buffers.Return(part.Items);
                }

                rows += part.Count;
                progress?.Report(rows);
            }

            if (atEnd)
            {
                break;
            }

            // Keep the unfinished line, and fill the rest of the buffer.
            var rest = data[cut..];
            rest.CopyTo(buffer);
            filled = rest.Length + stream.ReadAtLeast(buffer.AsSpan(rest.Length), buffer.Length - rest.Length, throwOnEndOfStream: false);
            offset = 0;
        }

        items ??= ItemRecords.ForReading(0, 0);
        CheckUniqueItemIds(path, items, runs);
        progress?.Report(items.Count);
        return items;
    }

    private static BlockItems Wait(Task<BlockItems> task) => task.GetAwaiter().GetResult();

    /// <summary>
    /// The parsed items of one block, in the first <see cref="Count"/> places of <see cref="Items"/>, and the order of
    /// their ids (<see cref="IdRuns"/>), found on the block's own core while the ids are at hand.
    /// </summary>
    private readonly record struct BlockItems(ItemRecords Items, int Count, int Bytes, IdRuns Runs);

    /// <summary>
    /// Where ascending runs of ids start in a span of items (after its first item), or that the span's order is of no
    /// use: a twin next to each other (<see cref="Twin"/>), or more run starts than <see cref="MaxDescentsForOrderedCheck"/>.
    /// </summary>
    internal sealed class IdRuns
    {
        public List<int> Starts { get; } = [];

        public string? Twin { get; set; }

        public bool Unordered { get; set; }

        /// <summary>Compares each id of <paramref name="items"/> with the one before it, from index <paramref name="from"/> (at least 1); <paramref name="offset"/> is added to each start kept.</summary>
        public void Scan(ItemRecords items, int from, int offset) => Scan(items, from, items.Count, offset);

        private void Scan(ItemRecords items, int from, int to, int offset)
        {
            for (var i = Math.Max(from, 1); i < to && Twin is null && !Unordered; i++)
            {
                var order = items.IdOf(i - 1).SequenceCompareTo(items.IdOf(i));
                if (order == 0)
                {
                    Twin = items.ItemId(i);
                }
                else if (order > 0)
                {
                    Starts.Add(i + offset);
                    Unordered = Starts.Count > MaxDescentsForOrderedCheck;
                }
            }
        }

        /// <summary>
        /// Takes in the runs of the next block, <paramref name="items"/> from <paramref name="offset"/> on (its runs found
        /// by <see cref="Scan(ItemRecords, int, int)"/> over the block alone): the block's first id is compared with the one before it here.
        /// </summary>
        public void Append(ItemRecords items, int offset, IdRuns block)
        {
            if (offset > 0 && offset < items.Count)
            {
                Scan(items, offset, offset + 1, 0);
            }

            Twin ??= block.Twin;
            Unordered |= block.Unordered;
            foreach (var start in block.Starts)
            {
                Starts.Add(start + offset);
            }

            Unordered |= Starts.Count > MaxDescentsForOrderedCheck;
        }
    }

    /// <summary>The rows a file of <paramref name="dataBytes"/> bytes holds at the first block's rows per byte, 2 % over.</summary>
    internal static int EstimateRows(int rows, int bytes, long dataBytes) =>
        bytes <= 0 ? rows : (int)Math.Clamp(dataBytes * (double)rows / bytes * 1.02 + 1024, rows, Array.MaxLength);

    /// <summary>The header's column names, trimmed; null when the line is not strict CSV on its own (<see cref="ParseCsvLine"/>).</summary>
    private static string[]? SplitHeader(string header)
    {
        var fields = new List<string>();
        var values = new List<string>();
        if (!ParseCsvLine(header.AsSpan(), fields))
        {
            return null;
        }

        foreach (var f in fields)
        {
            values.Add(f.Trim());
        }

        return [.. values];
    }

    /// <summary>
    /// Splits one physical line into fields (RFC 4180 quoting). Returns false when the line is not strict CSV on its
    /// own: a quoted field not closed on the line (a quoted line break, which blocks cut at line ends cannot hold), text
    /// between a closing quote and the next comma (a quote inside a quoted field not doubled), or a '\r' outside quotes.
    /// Each sends the file to the row-by-row reader, which reads the first and refuses the others, naming its line: a row
    /// is read, or refused, alike wherever it is and whatever the rest of the file holds.
    /// </summary>
    private static bool ParseCsvLine(ReadOnlySpan<char> line, List<string> fields)
    {
        fields.Clear();
        var i = 0;
        while (true)
        {
            if (i < line.Length && line[i] == '"')
            {
                var sb = new StringBuilder();
                i++;
                while (true)
                {
                    if (i >= line.Length)
                    {
                        return false;
                    }

                    if (line[i] == '"')
                    {
                        if (i + 1 < line.Length && line[i + 1] == '"')
                        {
                            sb.Append('"');
                            i += 2;
                            continue;
                        }

                        i++;
                        break;
                    }

                    sb.Append(line[i++]);
                }

                fields.Add(sb.ToString());
                if (i == line.Length)
                {
                    return true;
                }

                if (line[i] != ',')
                {
                    return false;
                }

                i++;
                continue;
            }

            var comma = line[i..].IndexOf(',');
            var field = comma < 0 ? line[i..] : line.Slice(i, comma);
            if (field.Contains('\r'))
            {
                return false;
            }

            fields.Add(field.ToString());
            if (comma < 0)
            {
                return true;
            }

            i += comma + 1;
        }
    }

    private static BlockItems ParseBlock(string path, Block block, OpenItemColumns columns, BlockBuffers buffers)
    {
        var bytes = block.Buffer.AsSpan(0, block.Length);
        var chars = buffers.RentChars(Encoding.UTF8.GetMaxCharCount(block.Length));
        var items = buffers.RentItems(block.Lines, block.Length);
        var count = 0;
        try
        {
            var text = chars.AsSpan(0, Encoding.UTF8.GetChars(bytes, chars));
            var pool = new Dictionary<string, string>(StringComparer.Ordinal);
            var lookup = pool.GetAlternateLookup<ReadOnlySpan<char>>();
            var last = new LastRow();
            var terms = new Dictionary<string, PaymentTerms?>(StringComparer.Ordinal).GetAlternateLookup<ReadOnlySpan<char>>();
            var fields = new List<string>(16);
            var line = block.FirstLine - 1;
            var needed = columns.Needed;
            Span<Range> ranges = stackalloc Range[needed + 1];
            while (!text.IsEmpty)
            {
                line++;
                var end = text.IndexOf('\n');
                var row = end < 0 ? text : text[..end];
                text = end < 0 ? [] : text[(end + 1)..];
                if (!row.IsEmpty && row[^1] == '\r')
                {
                    // The '\r' of a "\r\n"; one that ends the file with no '\n' after it ends no line (row by row, refused).
                    row = end >= 0 ? row[..^1] : throw new NeedsRowByRowException();
                }

                if (row.IsEmpty)
                {
                    continue;
                }

                // A row the row-by-row reader's buffer cannot hold is its to refuse (or, just under the mark, to read).
                if (row.Length >= LongestRowChars)
                {
                    throw new NeedsRowByRowException();
                }

                int n;
                List<string>? quoted = null;
                if (row.ContainsAny('"', '\r'))
                {
                    // A '\r' left after the line end's is data inside quotes; outside them the row-by-row reader refuses it.
                    if (!ParseCsvLine(row, fields))
                    {
                        throw new NeedsRowByRowException();
                    }

                    quoted = fields;
                    n = fields.Count;
                }
                else
                {
                    n = row.Split(ranges, ',');
                }

                var id = Get(row, ranges, n, quoted, columns.ItemId);
                if (!IsKey(id))
                {
                    throw ArInputException.BadValue(path, line, "item_id", id.ToString(), ItemKeyExpected);
                }

                var typeText = Get(row, ranges, n, quoted, columns.DocType);
                var type = typeText switch
                {
                    "INV" => DocType.Invoice,
                    "CM" => DocType.CreditMemo,
                    "DM" => DocType.DebitMemo,
                    _ => throw ArInputException.BadValue(path, line, "doc_type", typeText.ToString(), "INV, CM or DM"),
                };

                var code = Get(row, ranges, n, quoted, columns.Currency);
                if (!last.Currency(code, out var ccy))
                {
                    throw ArInputException.BadValue(path, line, "currency", code.ToString(), "an ISO 4217 currency code such as USD or EUR");
                }

                var amountText = Get(row, ranges, n, quoted, columns.OpenAmount);
                if (!MinorUnits.TryParse(amountText, ccy.MinorDigits, out var minor))
                {
                    throw ArInputException.BadValue(path, line, "open_amount", amountText.ToString(), AmountExpected(ccy));
                }

                if (type == DocType.CreditMemo ? minor > 0 : minor < 0)
                {
                    throw ArInputException.BadValue(path, line, "open_amount", amountText.ToString(), type == DocType.CreditMemo ? "a negative amount for a credit memo" : "a positive amount for an invoice or debit memo");
                }

                var customer = Get(row, ranges, n, quoted, columns.CustomerId);
                if (!IsKey(customer))
                {
                    throw ArInputException.BadValue(path, line, "customer_id", customer.ToString(), CustomerKeyExpected);
                }

                var po = Get(row, ranges, n, quoted, columns.PoNumber);
                items.Add(
                    id,
                    type,
                    last.CustomerId(lookup, customer),
                    last.CustomerName(lookup, Get(row, ranges, n, quoted, columns.CustomerName)),
                    Get(row, ranges, n, quoted, columns.InvoiceNumber),
                    !po.IsWhiteSpace(),
                    po,
                    ccy,
                    minor,
                    Date(Get(row, ranges, n, quoted, columns.DocDate), path, line, "doc_date"),
                    Date(Get(row, ranges, n, quoted, columns.DueDate), path, line, "due_date"),
                    columns.PaymentTerms < 0 ? null : Terms(terms, Get(row, ranges, n, quoted, columns.PaymentTerms), path, line));
                count++;
            }

            var runs = new IdRuns();
            runs.Scan(items, 1, 0);
            return new BlockItems(items, count, block.Length, runs);
        }
        catch
        {
            buffers.Return(items);
            throw;
        }
        finally
        {
            buffers.Return(chars);
        }
    }

    private static ReadOnlySpan<char> Get(ReadOnlySpan<char> row, Span<Range> ranges, int count, List<string>? quoted, int index) =>
        quoted is not null ? (index < quoted.Count ? quoted[index].AsSpan() : []) : index < count ? row[ranges[index]] : [];

    /// <summary>The terms of a <c>payment_terms</c> value, read once per distinct value in a block (a ledger has a handful).</summary>
    private static PaymentTerms? Terms(Dictionary<string, PaymentTerms?>.AlternateLookup<ReadOnlySpan<char>> cache, ReadOnlySpan<char> text, string path, long line)
    {
        if (text.IsEmpty)
        {
            return null;
        }

        if (!cache.TryGetValue(text, out var terms))
        {
            terms = ParseTerms(text.ToString(), path, line);
            cache[text.ToString()] = terms;
        }

        return terms;
    }

    /// <summary>Reads a <c>payment_terms</c> value, or throws naming the file, line and what was expected.</summary>
    internal static PaymentTerms? ParseTerms(string text, string path, long line) =>
        PaymentTerms.TryParse(text, out var terms, out var expected) ? terms : throw ArInputException.BadValue(path, line, "payment_terms", text, expected!);

    /// <summary>One string per distinct value in a block: millions of rows name the same customers.</summary>
    private static string Shared(Dictionary<string, string>.AlternateLookup<ReadOnlySpan<char>> lookup, ReadOnlySpan<char> value)
    {
        if (value.IsEmpty)
        {
            return string.Empty;
        }

        if (!lookup.TryGetValue(value, out var shared))
        {
            shared = value.ToString();
            lookup[shared] = shared;
        }

        return shared;
    }

    /// <summary>
    /// A date as <c>YYYY-MM-DD</c> (ASCII digits only, a day that exists), or throws naming the file, line and column.
    /// Read digit by digit: <c>int.TryParse</c> of each part and a cache of the dates seen cost more than the date.
    /// </summary>
    internal static DateOnly Date(ReadOnlySpan<char> text, string path, long line, string column)
    {
        if (text.Length == 10 && text[4] == '-' && text[7] == '-'
            && Digits(text[..4], out var y) && Digits(text[5..7], out var m) && Digits(text[8..], out var d)
            && y >= 1 && m is >= 1 and <= 12 && d >= 1 && d <= DateTime.DaysInMonth(y, m))
        {
            return new DateOnly(y, m, d);
        }

        throw ArInputException.BadValue(path, line, column, text.ToString(), "a date as YYYY-MM-DD");
    }

    /// <summary>The value of a run of ASCII digits ('0' to '9', nothing else), as <c>int.TryParse</c> with no styles reads it.</summary>
    private static bool Digits(ReadOnlySpan<char> text, out int value)
    {
        value = 0;
        foreach (var c in text)
        {
            var digit = unchecked((uint)(c - '0'));
            if (digit > 9)
            {
                return false;
            }

            value = (value * 10) + (int)digit;
        }

        return true;
    }

    /// <summary>
    /// The values of the row before, kept for the next: an AR export lists a customer's items together, in one
    /// currency, so most rows repeat the customer id, name and currency of the row above, and a compare of the
    /// text is all they need (no hash, no lookup). Any other value goes the long way and becomes the last.
    /// </summary>
    private sealed class LastRow
    {
        private string? _customerId;
        private string? _customerName;
        private string? _currencyText;
        private CurrencyCode _currency;

        public string CustomerId(Dictionary<string, string>.AlternateLookup<ReadOnlySpan<char>> lookup, ReadOnlySpan<char> value) =>
            _customerId is not null && value.SequenceEqual(_customerId) ? _customerId : _customerId = Shared(lookup, value);

        public string CustomerName(Dictionary<string, string>.AlternateLookup<ReadOnlySpan<char>> lookup, ReadOnlySpan<char> value) =>
            _customerName is not null && value.SequenceEqual(_customerName) ? _customerName : _customerName = Shared(lookup, value);

        public bool Currency(ReadOnlySpan<char> code, out CurrencyCode currency)
        {
            if (_currencyText is not null && code.SequenceEqual(_currencyText))
            {
                currency = _currency;
                return true;
            }

            if (!CurrencyCode.TryParse(code, out currency))
            {
                return false;
            }

            _currencyText = code.ToString();
            _currency = currency;
            return true;
        }
    }

    /// <summary>At most this many places where an id sorts before the one ahead of it, the ids are checked in id order.</summary>
    private const int MaxDescentsForOrderedCheck = 64;

    /// <summary>
    /// Every <c>item_id</c> once. AR exports list their items in id order, or in a few ascending runs (AR999999
    /// sorts after AR1000000): then the runs are merged in id order, reading the ids where they are, so a
    /// duplicate is next to its twin wherever the two are in the file. Other files are checked by hash, each core
    /// taking the ids of one partition. Either way the duplicate reported is the first in the file, naming the
    /// line of its first occurrence.
    /// </summary>
    private static void CheckUniqueItemIds(string path, ItemRecords items, IdRuns runs)
    {
        if (FindDuplicateItemId(items, runs) is { } duplicate)
        {
            // Rare, and the message wants both line numbers: the row-by-row reader counts them exactly.
            ReadOpenItemsSequential(path);
            throw new InvalidOperationException($"{path}: item_id '{duplicate}' occurs twice.");
        }
    }

    /// <summary>An <c>item_id</c> that occurs more than once in <paramref name="items"/>, or null when each occurs once.</summary>
    internal static string? FindDuplicateItemId(List<OpenItem> items) => FindDuplicateItemId(ItemRecords.Of([.. items], items.Count, items.Count));

    /// <summary>As <see cref="FindDuplicateItemId(List{OpenItem})"/>, for items by column.</summary>
    internal static string? FindDuplicateItemId(ItemRecords items)
    {
        var runs = new IdRuns();
        runs.Scan(items, 1, 0);
        return FindDuplicateItemId(items, runs);
    }

    /// <summary>
    /// An <c>item_id</c> that occurs more than once in <paramref name="items"/>, or null when each occurs once, given
    /// where the ascending runs of its ids start (<see cref="IdRuns.Scan"/> over the whole list).
    /// </summary>
    /// <remarks>
    /// Ascending runs (at most <see cref="MaxDescentsForOrderedCheck"/> places where an id sorts before the one ahead
    /// of it) are merged through a heap of the runs' next items, ordered by their ids: equal ids come out one after the
    /// other, so comparing each id with the one before finds any twin. Nothing the size of the list is allocated; sorting
    /// the list's ids into arrays of their own (ids, order, spare order, result) was 120 MB of garbage on a 5M-item file.
    /// Only the part of a run that lies between the other runs' least and greatest id can hold a twin of another run, so the
    /// rest is not merged: the 1M day's two runs (AR500000-AR999999, AR1000000-AR5507197) overlap on a fifth of the ids.
    /// </remarks>
    internal static string? FindDuplicateItemId(ItemRecords items, IdRuns found)
    {
        if (found.Twin is not null)
        {
            return found.Twin;
        }

        if (found.Unordered)
        {
            return FindDuplicateItemIdByHash(items);
        }

        var runs = found.Starts.Count + 1;
        if (runs == 1)
        {
            return null;
        }

        var next = new int[runs];
        var ends = new int[runs];
        for (var r = 0; r < runs; r++)
        {
            next[r] = r == 0 ? 0 : found.Starts[r - 1];
            ends[r] = r + 1 < runs ? found.Starts[r] : items.Count;
        }

        // Each run cut to the ids between the least and the greatest id of the other runs.
        var firsts = new string[runs];
        var lasts = new string[runs];
        for (var r = 0; r < runs; r++)
        {
            firsts[r] = items.ItemId(next[r]);
            lasts[r] = items.ItemId(ends[r] - 1);
        }

        for (var r = 0; r < runs; r++)
        {
            string? least = null;
            string? greatest = null;
            for (var other = 0; other < runs; other++)
            {
                if (other != r)
                {
                    least = least is null || string.CompareOrdinal(firsts[other], least) < 0 ? firsts[other] : least;
                    greatest = greatest is null || string.CompareOrdinal(lasts[other], greatest) > 0 ? lasts[other] : greatest;
                }
            }

            var from = FirstAbove(items, next[r], ends[r], least!, passEqual: false);
            var to = FirstAbove(items, next[r], ends[r], greatest!, passEqual: true);
            ends[r] = Math.Max(from, to);
            next[r] = from;
        }

        // The heap holds each run's next item, ordered by its id (ties by item, which never decides: equal ids are a twin).
        var heap = new PriorityQueue<int, int>(runs, Comparer<int>.Create((a, b) => items.IdOf(a).SequenceCompareTo(items.IdOf(b)) is var order and not 0 ? order : a.CompareTo(b)));
        for (var r = 0; r < runs; r++)
        {
            if (next[r] < ends[r])
            {
                heap.Enqueue(r, next[r]);
            }
        }

        var previous = -1;
        while (heap.TryPeek(out var run, out var item))
        {
            if (previous >= 0 && items.IdOf(previous).SequenceEqual(items.IdOf(item)))
            {
                return items.ItemId(item);
            }

            previous = item;
            if (++next[run] < ends[run])
            {
                heap.DequeueEnqueue(run, next[run]);
            }
            else
            {
                heap.Dequeue();
            }
        }

        return null;
    }

    /// <summary>
    /// The first item of the ascending run <paramref name="from"/>..<paramref name="to"/> whose id is above <paramref name="id"/>
    /// (or equal to it, unless <paramref name="passEqual"/>: then ids equal to it are passed over); <paramref name="to"/> when none is.
    /// </summary>
    private static int FirstAbove(ItemRecords items, int from, int to, string id, bool passEqual)
    {
        int lo = from, hi = to;
        while (lo < hi)
        {
            var mid = lo + ((hi - lo) >> 1);
            var order = items.IdOf(mid).SequenceCompareTo(id);
            if (order < 0 || (passEqual && order == 0))
            {
                lo = mid + 1;
            }
            else
            {
                hi = mid;
            }
        }

        return lo;
    }

    /// <summary>A twice-occurring id of items in no useful order: each core takes the ids of one hash partition.</summary>
    private static string? FindDuplicateItemIdByHash(ItemRecords items)
    {
        var partitions = Math.Max(1, Environment.ProcessorCount);
        var found = new (int Index, int First)[partitions];
        var byId = new ItemsById(items);
        Parallel.For(0, partitions, p =>
        {
            found[p] = (-1, -1);
            var seen = new Dictionary<int, int>(items.Count / partitions + 16, byId);
            for (var i = 0; i < items.Count; i++)
            {
                if (unchecked((uint)byId.GetHashCode(i)) % (uint)partitions != p)
                {
                    continue;
                }

                if (!seen.TryAdd(i, i))
                {
                    found[p] = (i, seen[i]);
                    return;
                }
            }
        });

        var first = found.Where(f => f.Index >= 0).OrderBy(f => f.Index).FirstOrDefault((Index: -1, First: -1));
        return first.Index >= 0 ? items.ItemId(first.Index) : null;
    }

    /// <summary>Items as keys, equal when their ids are.</summary>
    private sealed class ItemsById(ItemRecords items) : IEqualityComparer<int>
    {
        public bool Equals(int x, int y) => items.IdOf(x).SequenceEqual(items.IdOf(y));

        public int GetHashCode(int obj) => items.IdOf(obj).OrdinalHashCode();
    }
}
