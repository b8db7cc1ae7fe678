using System.Collections.Concurrent;
using System.Runtime.InteropServices;
using System.Text;
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
    /// A file with a quoted line break cannot be cut at line ends and is read row by row instead, by Sylvan.
    /// This hand-written reader is kept beside Sylvan because it is needed: on 1M items it takes about half
    /// Sylvan's time and allocates half as much (<c>CsvBenchmarks</c>, PERFORMANCE.md "CSV").
    /// </remarks>
    public static List<OpenItem> ReadOpenItems(string path, IProgress<long>? progress = null)
    {
        try
        {
            return ReadOpenItemsParallel(path, progress);
        }
        catch (QuotedLineBreakException)
        {
            return ReadOpenItemsSequential(path, progress);
        }
    }

    private sealed class QuotedLineBreakException : Exception
    {
    }

    /// <summary>Where each needed column is in a row.</summary>
    /// <remarks><see cref="PaymentTerms"/> is optional (CONTRACT.md): -1 when the file has no such column.</remarks>
    private readonly record struct OpenItemColumns(int ItemId, int DocType, int CustomerId, int CustomerName, int InvoiceNumber, int PoNumber, int Currency, int OpenAmount, int DocDate, int DueDate, int PaymentTerms)
    {
        public int Needed => new[] { ItemId, DocType, CustomerId, CustomerName, InvoiceNumber, PoNumber, Currency, OpenAmount, DocDate, DueDate, PaymentTerms }.Max() + 1;
    }

    private sealed record Block(byte[] Buffer, int Length, long FirstLine);

    /// <summary>
    /// The byte blocks and the char buffers of one read, reused between its blocks and dropped with it. Not the
    /// shared pool: it would keep the few blocks of 8 MB and their text (a char buffer for 8 MB rounds up to 32 MB
    /// there), some 250 MB on two cores, for the whole run after the last item is read.
    /// </summary>
    private sealed class BlockBuffers
    {
        private readonly ConcurrentBag<byte[]> _bytes = [];
        private readonly ConcurrentBag<char[]> _chars = [];

        public byte[] RentBytes(int length) => Take(_bytes, length);

        public void Return(byte[] buffer) => _bytes.Add(buffer);

        public char[] RentChars(int length) => Take(_chars, length);

        public void Return(char[] buffer) => _chars.Add(buffer);

        // A buffer too short (a line longer than a block grew one) is dropped, not kept: it is rare, and the next is as long as asked.
        private static T[] Take<T>(ConcurrentBag<T[]> bag, int length) =>
            bag.TryTake(out var buffer) && buffer.Length >= length ? buffer : GC.AllocateUninitializedArray<T>(Math.Max(length, BlockSize));
    }

    private static List<OpenItem> ReadOpenItemsParallel(string path, IProgress<long>? progress)
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

        var headerEnd = buffer.AsSpan(start, filled - start).IndexOf((byte)'\n');
        var headerText = Encoding.UTF8.GetString(buffer, start, headerEnd < 0 ? filled - start : headerEnd).TrimEnd('\r');
        var header = SplitHeader(headerText);
        int Column(string name)
        {
            var i = Array.IndexOf(header, name);
            return i >= 0 ? i : throw ArInputException.MissingColumn(path, name);
        }

        var columns = new OpenItemColumns(Column("item_id"), Column("doc_type"), Column("customer_id"), Column("customer_name"), Column("invoice_number"), Column("po_number"), Column("currency"), Column("open_amount"), Column("doc_date"), Column("due_date"), Array.IndexOf(header, "payment_terms"));
        if (headerEnd < 0)
        {
            return [];
        }

        // Cut the file into blocks that end at a line end, and parse them on every core, in order.
        var pending = new Queue<Task<List<OpenItem>>>();
        var parts = new List<List<OpenItem>>();
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
            line += data[..cut].Count((byte)'\n');
            var job = new Block(block, cut, blockLine);
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
                parts.Add(part);
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

        var items = new List<OpenItem>(checked((int)rows));
        foreach (var part in parts)
        {
            items.AddRange(part);
        }

        CheckUniqueItemIds(path, items);
        progress?.Report(items.Count);
        return items;
    }

    private static List<OpenItem> Wait(Task<List<OpenItem>> task) => task.GetAwaiter().GetResult();

    private static string[] SplitHeader(string header)
    {
        var fields = new List<string>();
        var values = new List<string>();
        ParseCsvLine(header.AsSpan(), fields, -1);
        foreach (var f in fields)
        {
            values.Add(f.Trim());
        }

        return [.. values];
    }

    /// <summary>
    /// Splits one physical line into fields (RFC 4180 quoting). Returns false when a quoted field is not
    /// closed on the line: a quoted line break, which blocks cut at line ends cannot hold.
    /// </summary>
    private static bool ParseCsvLine(ReadOnlySpan<char> line, List<string> fields, int maxFields)
    {
        fields.Clear();
        var i = 0;
        while (true)
        {
            if (maxFields >= 0 && fields.Count == maxFields)
            {
                return true;
            }

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

                // Anything between the closing quote and the comma is kept, as lenient readers do.
                var after = line[i..].IndexOf(',');
                var tail = after < 0 ? line[i..] : line.Slice(i, after);
                fields.Add(tail.IsEmpty ? sb.ToString() : sb.Append(tail).ToString());
                if (after < 0)
                {
                    return true;
                }

                i += after + 1;
                continue;
            }

            var comma = line[i..].IndexOf(',');
            if (comma < 0)
            {
                fields.Add(line[i..].ToString());
                return true;
            }

            fields.Add(line.Slice(i, comma).ToString());
            i += comma + 1;
        }
    }

    private static List<OpenItem> ParseBlock(string path, Block block, OpenItemColumns columns, BlockBuffers buffers)
    {
        var bytes = block.Buffer.AsSpan(0, block.Length);
        var chars = buffers.RentChars(Encoding.UTF8.GetMaxCharCount(block.Length));
        try
        {
            var text = chars.AsSpan(0, Encoding.UTF8.GetChars(bytes, chars));
            var items = new List<OpenItem>(text.Count('\n') + 1);
            var pool = new Dictionary<string, string>(StringComparer.Ordinal);
            var lookup = pool.GetAlternateLookup<ReadOnlySpan<char>>();
            var dates = new Dictionary<int, DateOnly>();
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
                    row = row[..^1];
                }

                if (row.IsEmpty)
                {
                    continue;
                }

                int n;
                List<string>? quoted = null;
                if (row.Contains('"'))
                {
                    if (!ParseCsvLine(row, fields, -1))
                    {
                        throw new QuotedLineBreakException();
                    }

                    quoted = fields;
                    n = fields.Count;
                }
                else
                {
                    n = row.Split(ranges, ',');
                }

                var id = Get(row, ranges, n, quoted, columns.ItemId);
                if (id.IsEmpty)
                {
                    throw ArInputException.BadValue(path, line, "item_id", string.Empty, "a non-empty item key");
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
                if (!CurrencyCode.TryParse(code, out var ccy))
                {
                    throw ArInputException.BadValue(path, line, "currency", code.ToString(), "an ISO 4217 currency code such as USD or EUR");
                }

                var amountText = Get(row, ranges, n, quoted, columns.OpenAmount);
                if (!MinorUnits.TryParse(amountText, ccy.MinorDigits, out var minor))
                {
                    throw ArInputException.BadValue(path, line, "open_amount", amountText.ToString(), $"a decimal amount with '.' and at most {ccy.MinorDigits} decimals for {ccy.Code}");
                }

                if (type == DocType.CreditMemo ? minor > 0 : minor < 0)
                {
                    throw ArInputException.BadValue(path, line, "open_amount", amountText.ToString(), type == DocType.CreditMemo ? "a negative amount for a credit memo" : "a positive amount for an invoice or debit memo");
                }

                var customer = Get(row, ranges, n, quoted, columns.CustomerId);
                if (customer.IsEmpty)
                {
                    throw ArInputException.BadValue(path, line, "customer_id", string.Empty, "a non-empty customer key");
                }

                var po = Get(row, ranges, n, quoted, columns.PoNumber);
                items.Add(new OpenItem(
                    id.ToString(),
                    type,
                    Shared(lookup, customer),
                    Shared(lookup, Get(row, ranges, n, quoted, columns.CustomerName)),
                    Get(row, ranges, n, quoted, columns.InvoiceNumber).ToString(),
                    po.IsEmpty ? null : po.ToString(),
                    ccy,
                    minor,
                    Date(dates, Get(row, ranges, n, quoted, columns.DocDate), path, line, "doc_date"),
                    Date(dates, Get(row, ranges, n, quoted, columns.DueDate), path, line, "due_date"))
                {
                    Terms = columns.PaymentTerms < 0 ? null : Terms(terms, Get(row, ranges, n, quoted, columns.PaymentTerms), path, line),
                });
            }

            return items;
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

    private static DateOnly Date(Dictionary<int, DateOnly> cache, ReadOnlySpan<char> text, string path, long line, string column)
    {
        if (text.Length == 10 && text[4] == '-' && text[7] == '-'
            && int.TryParse(text[..4], System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var y)
            && int.TryParse(text[5..7], System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var m)
            && int.TryParse(text[8..], System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var d))
        {
            var key = (y * 100 + m) * 100 + d;
            ref var slot = ref CollectionsMarshal.GetValueRefOrAddDefault(cache, key, out var exists);
            if (exists)
            {
                return slot;
            }

            if (y >= 1 && m is >= 1 and <= 12 && d >= 1 && d <= DateTime.DaysInMonth(y, m))
            {
                slot = new DateOnly(y, m, d);
                return slot;
            }

            cache.Remove(key);
        }

        throw ArInputException.BadValue(path, line, column, text.ToString(), "a date as YYYY-MM-DD");
    }

    /// <summary>At most this many places where an id sorts before the one ahead of it, the ids are checked in id order.</summary>
    private const int MaxDescentsForOrderedCheck = 64;

    /// <summary>
    /// Every <c>item_id</c> once. AR exports list their items in id order, or in a few ascending runs (AR999999
    /// sorts after AR1000000): then the ids are put in id order, which costs a pass or two of comparisons, and a
    /// duplicate is next to its twin wherever the two are in the file. Other files are checked by hash, each core
    /// taking the ids of one partition. Either way the duplicate reported is the first in the file, naming the
    /// line of its first occurrence.
    /// </summary>
    private static void CheckUniqueItemIds(string path, List<OpenItem> items)
    {
        var descents = 0;
        for (var i = 1; i < items.Count && descents <= MaxDescentsForOrderedCheck; i++)
        {
            if (string.CompareOrdinal(items[i - 1].ItemId, items[i].ItemId) > 0)
            {
                descents++;
            }
        }

        if (descents <= MaxDescentsForOrderedCheck)
        {
            var sorted = Matching.OrdinalOrder.Sort(items, i => i.ItemId);
            for (var i = 1; i < sorted.Length; i++)
            {
                if (string.Equals(sorted[i - 1].ItemId, sorted[i].ItemId, StringComparison.Ordinal))
                {
                    // Rare, and the message wants both line numbers: the row-by-row reader counts them exactly.
                    ReadOpenItemsSequential(path);
                    throw new InvalidOperationException($"{path}: item_id '{sorted[i].ItemId}' occurs twice.");
                }
            }

            return;
        }

        var partitions = Math.Max(1, Environment.ProcessorCount);
        var found = new (int Index, int First)[partitions];
        Parallel.For(0, partitions, p =>
        {
            found[p] = (-1, -1);
            var seen = new Dictionary<string, int>(items.Count / partitions + 16, StringComparer.Ordinal);
            for (var i = 0; i < items.Count; i++)
            {
                var id = items[i].ItemId;
                if (unchecked((uint)StringComparer.Ordinal.GetHashCode(id)) % (uint)partitions != p)
                {
                    continue;
                }

                if (!seen.TryAdd(id, i))
                {
                    found[p] = (i, seen[id]);
                    return;
                }
            }
        });

        var first = found.Where(f => f.Index >= 0).OrderBy(f => f.Index).FirstOrDefault((Index: -1, First: -1));
        if (first.Index >= 0)
        {
            // Rare, and the message wants both line numbers: the row-by-row reader counts them exactly.
            ReadOpenItemsSequential(path);
            throw new InvalidOperationException($"{path}: item_id '{items[first.Index].ItemId}' occurs twice.");
        }
    }
}
