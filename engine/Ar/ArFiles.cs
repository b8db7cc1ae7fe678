using System.Globalization;
using CashApp.Engine.Model;
using CashApp.Parsers.Currency;
using Sylvan.Data.Csv;

namespace CashApp.Engine.Ar;

/// <summary>Reads the AR inputs of the batch contract: <c>open_items.csv</c> and <c>customers.csv</c>.</summary>
public static partial class ArFiles
{
    /// <summary>The row-by-row reader's buffer, in characters: a row and its line end must fit in it.</summary>
    private const int ReaderBufferChars = 1 << 16;

    private static readonly CsvDataReaderOptions ReaderOptions = new()
    {
        HasHeaders = true,
        Delimiter = ',',
        BufferSize = ReaderBufferChars,
    };

    /// <summary>
    /// Reads open items row by row through Sylvan: the path for files the parallel reader declines (a quoted line break,
    /// lone '\r' line ends, a row that is not strict CSV, a '\r' outside quotes, a row near the limit below), with the same
    /// checks and messages. A row that is not strict CSV (a quote inside a quoted field not doubled, text after a closing
    /// quote), one with a '\r' outside quotes that ends no line, or one longer than <see cref="ReaderBufferChars"/>
    /// characters with its line end, is refused here, with its line, wherever it is in the file.
    /// </summary>
    internal static List<OpenItem> ReadOpenItemsSequential(string path, IProgress<long>? progress = null)
    {
        var (reader, header, lines) = OpenRows(path);
        using var _ = reader;
        var itemId = Ordinal(header, path, "item_id");
        var docType = Ordinal(header, path, "doc_type");
        var customerId = Ordinal(header, path, "customer_id");
        var customerName = Ordinal(header, path, "customer_name");
        var invoiceNumber = Ordinal(header, path, "invoice_number");
        var poNumber = Ordinal(header, path, "po_number");
        var currency = Ordinal(header, path, "currency");
        var openAmount = Ordinal(header, path, "open_amount");
        var docDate = Ordinal(header, path, "doc_date");
        var dueDate = Ordinal(header, path, "due_date");
        var paymentTerms = IndexOfColumn(header, path, "payment_terms");

        var items = new List<OpenItem>();
        var seen = new Dictionary<string, long>(StringComparer.Ordinal);
        var codes = new Dictionary<string, CurrencyCode>(StringComparer.Ordinal);
        while (Read(reader, path, lines))
        {
            var line = lines.Of(reader);
            if (IsBlankLine(reader))
            {
                // As the parallel reader skips them: a file it declines (a quoted line break) reads the same.
                continue;
            }

            var id = reader.GetString(itemId);
            if (!IsKey(id))
            {
                throw ArInputException.BadValue(path, line, "item_id", id, ItemKeyExpected);
            }

            if (!seen.TryAdd(id, line))
            {
                throw ArInputException.Duplicate(path, line, "item_id", id, seen[id]);
            }

            var typeText = reader.GetString(docType);
            var type = typeText switch
            {
                "INV" => DocType.Invoice,
                "CM" => DocType.CreditMemo,
                "DM" => DocType.DebitMemo,
                _ => throw ArInputException.BadValue(path, line, "doc_type", typeText, "INV, CM or DM"),
            };

            var code = reader.GetString(currency);
            if (!codes.TryGetValue(code, out var ccy))
            {
                if (!CurrencyCode.TryParse(code, out ccy))
                {
                    throw ArInputException.BadValue(path, line, "currency", code, "an ISO 4217 currency code such as USD or EUR");
                }

                codes[code] = ccy;
            }

            var amountText = reader.GetString(openAmount);
            if (!MinorUnits.TryParse(amountText, ccy.MinorDigits, out var minor))
            {
                throw ArInputException.BadValue(path, line, "open_amount", amountText, AmountExpected(ccy));
            }

            if (type == DocType.CreditMemo ? minor > 0 : minor < 0)
            {
                throw ArInputException.BadValue(path, line, "open_amount", amountText, type == DocType.CreditMemo ? "a negative amount for a credit memo" : "a positive amount for an invoice or debit memo");
            }

            var customer = reader.GetString(customerId);
            if (!IsKey(customer))
            {
                throw ArInputException.BadValue(path, line, "customer_id", customer, CustomerKeyExpected);
            }

            var po = reader.GetString(poNumber);
            items.Add(new OpenItem(
                id,
                type,
                customer,
                reader.GetString(customerName),
                reader.GetString(invoiceNumber),
                string.IsNullOrWhiteSpace(po) ? null : po,
                ccy,
                minor,
                ParseDate(reader, docDate, path, line, "doc_date"),
                ParseDate(reader, dueDate, path, line, "due_date"))
            {
                Terms = paymentTerms < 0 ? null : ParseTerms(reader.GetString(paymentTerms), path, line),
            });
            if ((items.Count & 0xFFFF) == 0)
            {
                progress?.Report(items.Count);
            }
        }

        progress?.Report(items.Count);
        return items;
    }

    /// <summary>Reads every customer. A duplicate <c>customer_id</c> is an error naming both lines.</summary>
    public static List<Customer> ReadCustomers(string path)
    {
        var (reader, header, lines) = OpenRows(path);
        using var _ = reader;
        var customerId = Ordinal(header, path, "customer_id");
        var name = Ordinal(header, path, "name");
        var parentId = Ordinal(header, path, "parent_id");
        var aliases = Ordinal(header, path, "aliases");
        var accounts = Ordinal(header, path, "bank_accounts");
        var customers = new List<Customer>();
        var seen = new Dictionary<string, long>(StringComparer.Ordinal);
        while (Read(reader, path, lines))
        {
            var line = lines.Of(reader);
            if (IsBlankLine(reader))
            {
                continue;
            }

            var id = reader.GetString(customerId);
            if (!IsKey(id))
            {
                throw ArInputException.BadValue(path, line, "customer_id", id, CustomerKeyExpected);
            }

            if (!seen.TryAdd(id, line))
            {
                throw ArInputException.Duplicate(path, line, "customer_id", id, seen[id]);
            }

            // A parent is another customer's key: held to the same rule as one, or blank for none.
            var parent = reader.GetString(parentId);
            var hasParent = !string.IsNullOrWhiteSpace(parent);
            if (hasParent && !IsKey(parent))
            {
                throw ArInputException.BadValue(path, line, "parent_id", parent, ParentKeyExpected);
            }

            customers.Add(new Customer(
                id,
                reader.GetString(name),
                hasParent ? parent : null,
                SplitList(reader.GetFieldSpan(aliases)),
                SplitList(reader.GetFieldSpan(accounts))));
        }

        return customers;
    }

    /// <summary>
    /// The entries of a <c>|</c>-separated list, trimmed, without empty ones: <c>string.Split</c> with
    /// <c>RemoveEmptyEntries | TrimEntries</c>, read from the row's field without making a string of the whole list first.
    /// </summary>
    internal static string[] SplitList(ReadOnlySpan<char> value)
    {
        var count = 0;
        foreach (var range in value.Split('|'))
        {
            if (!value[range].Trim().IsEmpty)
            {
                count++;
            }
        }

        if (count == 0)
        {
            return [];
        }

        var entries = new string[count];
        var n = 0;
        foreach (var range in value.Split('|'))
        {
            var entry = value[range].Trim();
            if (!entry.IsEmpty)
            {
                entries[n++] = entry.ToString();
            }
        }

        return entries;
    }

    private static DateOnly ParseDate(CsvDataReader reader, int ordinal, string path, long line, string column)
    {
        var text = reader.GetString(ordinal);
        if (!DateOnly.TryParseExact(text, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var date))
        {
            throw ArInputException.BadValue(path, line, column, text, "a date as YYYY-MM-DD");
        }

        return date;
    }

    /// <summary>The header's column names, as Sylvan read them.</summary>
    private static string[] HeaderOf(CsvDataReader reader) => [.. Enumerable.Range(0, reader.FieldCount).Select(reader.GetName)];

    /// <summary>
    /// The index of <paramref name="column"/> among a header's <paramref name="names"/>, trimmed, as both open-items
    /// readers and the customers reader read them; -1 when none has it. A header that names it twice is refused: which of
    /// the two to read is a guess (and Sylvan's own look-up threw on it, unhandled).
    /// </summary>
    internal static int IndexOfColumn(IReadOnlyList<string> names, string path, string column)
    {
        var at = -1;
        for (var i = 0; i < names.Count; i++)
        {
            if (string.Equals(names[i].Trim(), column, StringComparison.Ordinal))
            {
                if (at >= 0)
                {
                    throw ArInputException.DuplicateColumn(path, column, at + 1, i + 1);
                }

                at = i;
            }
        }

        return at;
    }

    /// <summary>
    /// The file opened and its header read: a header that is not CSV, an empty file, or a first row too long for the
    /// buffer (Sylvan reads ahead into it) is refused here, at the line of the row Sylvan names (it counts the header as
    /// row 0). A first row that is not CSV otherwise is refused by <see cref="Read"/>, as any row.
    /// </summary>
    /// <summary>
    /// The file opened for reading row by row: the reader, the header's names, and the count of the lines its rows start
    /// on, in the file's line-end mode (what both row-by-row readers begin with).
    /// </summary>
    private static (CsvDataReader Reader, string[] Header, PhysicalLines Lines) OpenRows(string path)
    {
        var reader = Open(path);
        try
        {
            var header = HeaderOf(reader);
            if (header is [{ Length: 0 }] && OnlyLineEnds(path))
            {
                // Sylvan reads a file of line ends alone as a header of one nameless column: said as an empty file is,
                // not as a header without the first column looked for.
                throw ArInputException.Empty(path);
            }

            return (reader, header, new PhysicalLines(path, header, LoneCarriageReturnLines(path)));
        }
        catch
        {
            reader.Dispose();
            throw;
        }
    }

    /// <summary>Whether the file holds nothing but line ends (after a byte order mark, if any): read until anything else.</summary>
    private static bool OnlyLineEnds(string path)
    {
        using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 1);
        var buffer = new byte[4096];
        var read = stream.ReadAtLeast(buffer, buffer.Length, throwOnEndOfStream: false);
        var start = buffer.AsSpan(0, read).StartsWith("\uFEFF"u8) ? 3 : 0;
        while (read > 0)
        {
            if (buffer.AsSpan(start, read - start).IndexOfAnyExcept("\r\n"u8) >= 0)
            {
                return false;
            }

            read = stream.Read(buffer);
            start = 0;
        }

        return true;
    }

    private static CsvDataReader Open(string path)
    {
        try
        {
            return CsvDataReader.Create(path, ReaderOptions);
        }
        catch (CsvFormatException ex)
        {
            throw NotCsv(path, Math.Max(1, ex.RowNumber + 1), ex, header: null);
        }
    }

    /// <summary>
    /// The next row, as <see cref="CsvDataReader.Read"/>: one Sylvan cannot read (a quoted field that never closes, a
    /// stray quote in one, a row past the buffer) is refused with the line the row starts on, not thrown as the reader's
    /// own exception, which named neither the file nor the line.
    /// </summary>
    private static bool Read(CsvDataReader reader, string path, PhysicalLines lines)
    {
        try
        {
            return reader.Read();
        }
        catch (CsvFormatException ex)
        {
            throw NotCsv(path, lines.Next, ex, reader);
        }
    }

    private static ArInputException NotCsv(string path, long line, CsvFormatException ex, CsvDataReader? header)
    {
        var column = header is not null && ex.FieldOrdinal >= 0 && ex.FieldOrdinal < header.FieldCount ? header.GetName(ex.FieldOrdinal).Trim() : string.Empty;
        return ex switch
        {
            // Where the buffer ran out says nothing of which field is long, and a quote never closed reads to the end of
            // the file: most often that, in a file past the buffer's size.
            CsvRecordTooLargeException => ArInputException.Malformed(path, line, string.Empty, $"a row longer than {ReaderBufferChars:N0} characters, line end included, or a quoted field never closed", $"rows of at most {ReaderBufferChars:N0} characters, line end included, and each quoted field closed by a quote"),
            CsvInvalidCharacterException => ArInputException.Malformed(path, line, column, "a quoted field with no closing quote, a quote inside one not doubled, or text after a closing quote", "each quoted field closed by a quote right before the next comma or line end, and any quote inside it written twice"),
            CsvMissingHeadersException => ArInputException.Empty(path),
            _ => ArInputException.Malformed(path, line, column, ex.Message.TrimEnd('.'), "rows of comma-separated fields"),
        };
    }

    private const string ItemKeyExpected = "a non-blank item key without control characters";
    private const string CustomerKeyExpected = "a non-blank customer key without control characters";
    private const string ParentKeyExpected = "blank, or a customer key without control characters";

    /// <summary>
    /// Whether a value can be a key: not blank, and no control character (C0, DEL, C1), which no AR system puts in a key
    /// and which only a damaged file leaves in one.
    /// </summary>
    internal static bool IsKey(ReadOnlySpan<char> value) => !value.IsWhiteSpace() && !ArInputException.HasControl(value);

    private static int Ordinal(string[] header, string path, string column) =>
        IndexOfColumn(header, path, column) is var at and >= 0 ? at : throw ArInputException.MissingColumn(path, column);

    /// <summary>
    /// What an open amount must be, the limit included: an amount past it (20 digits, say) reads as a number, so
    /// "a decimal amount" alone did not say why it was refused.
    /// </summary>
    private static string AmountExpected(CurrencyCode currency) =>
        $"a decimal amount with '.' and at most {currency.MinorDigits} decimals for {currency.Code}, no more than {MinorUnits.Format(long.MaxValue, currency.MinorDigits)} either side of zero";

    /// <summary>Whether the row is an empty line (a line ending and nothing else), which the AR readers skip.</summary>
    private static bool IsBlankLine(CsvDataReader reader) => reader.RowFieldCount == 1 && reader.GetRawRecordSpan().Trim("\r\n").IsEmpty;

    /// <summary>
    /// Whether the file's lines end in a lone '\r' (old Mac line ends), which Sylvan reads: told by the header's own line
    /// end, the first '\r' or '\n' outside quotes. A '\r' there that is followed by more and then a '\n' is a "\r\n"
    /// file with a stray carriage return (line ends converted twice), refused on line 1 as such a row is on any line.
    /// </summary>
    private static bool LoneCarriageReturnLines(string path)
    {
        // A header is at most a buffer of the reader's long (a longer one is refused): the first line end is in here.
        using var text = new StreamReader(path, System.Text.Encoding.UTF8, detectEncodingFromByteOrderMarks: true);
        var start = new char[ReaderBufferChars + 2];
        var read = text.ReadBlock(start);
        var scan = new OutsideQuotes(start.AsSpan(0, read));
        while (scan.Next(out var at, out _))
        {
            if (start[at] == '\n')
            {
                return false;
            }

            if (start[at] != '\r')
            {
                continue;
            }

            var next = at + 1;
            while (next < read && start[next] == '\r')
            {
                next++;
            }

            if (next < read && start[next] == '\n')
            {
                return next == at + 1 ? false : throw StrayLineEnd(path, 1, string.Empty, loneCarriageReturns: false);
            }

            return true;
        }

        return false;
    }

    /// <summary>
    /// A line end of the wrong kind outside quotes: in a file of '\n' or "\r\n" lines a '\r' that is not the start of a
    /// "\r\n"; in a file of lone-'\r' lines a '\n'. Sylvan takes either for a line end in some places of its buffer and for
    /// data in others, so the row is refused wherever it lies.
    /// </summary>
    private static ArInputException StrayLineEnd(string path, long line, string column, bool loneCarriageReturns) => loneCarriageReturns
        ? ArInputException.Malformed(path, line, column, "a line feed in a file whose lines end in a lone \\r", "lines ended by \\r throughout, and a \\n only inside a quoted field")
        : ArInputException.Malformed(path, line, column, "a carriage return that ends no line", "lines ended by \\n or \\r\\n throughout, and a \\r only as the start of one or inside a quoted field");

    /// <summary>
    /// Walks CSV text outside its quoted fields, as RFC 4180 and both readers quote: a '"' opens a quoted field only as
    /// the field's first character, "" inside one is a quote, and the next lone '"' closes it (text after it, which the
    /// readers refuse, counts as outside). A quote inside an unquoted field, as in <c>12" pipe</c>, is text.
    /// </summary>
    private ref struct OutsideQuotes(ReadOnlySpan<char> text)
    {
        private readonly ReadOnlySpan<char> _text = text;
        private int _at = -1;
        private int _field;
        private bool _fieldStart = true;

        /// <summary>The next character outside quoted fields, and the field (0-based, by commas) it is in; false at the end.</summary>
        public bool Next(out int at, out int field)
        {
            while (++_at < _text.Length)
            {
                var c = _text[_at];
                if (c == '"' && _fieldStart)
                {
                    // A quoted field: on to its closing quote, stepping over doubled ones.
                    _fieldStart = false;
                    while (++_at < _text.Length)
                    {
                        if (_text[_at] == '"')
                        {
                            if (_at + 1 < _text.Length && _text[_at + 1] == '"')
                            {
                                _at++;
                                continue;
                            }

                            break;
                        }
                    }

                    continue;
                }

                (at, field) = (_at, _field);
                _fieldStart = c is ',' or '\r' or '\n';
                _field += c == ',' ? 1 : 0;
                return true;
            }

            (at, field) = (-1, _field);
            return false;
        }
    }

    /// <summary>
    /// The line of the file each row starts on, as the parallel reader, <c>grep -n</c> and an editor number them: by '\n',
    /// or by a lone '\r' too in a file of old Mac line ends (<see cref="LoneCarriageReturnLines"/>), which Sylvan reads.
    /// Sylvan numbers rows, and a row with a quoted line break spans lines: counted from the rows' raw text, after the
    /// header's lines (one, and one more for each line break quoted in a column's name). In a file of '\n' lines a row
    /// with a '\r' outside quotes that is not part of its "\r\n" is refused: Sylvan takes such a '\r' for a line end in
    /// some places of its buffer and for data in others, so the same row would be read or not by where it lies.
    /// </summary>
    private struct PhysicalLines
    {
        private readonly string _path;
        private readonly string[] _header;
        private readonly bool _loneCarriageReturns;
        private long _next;

        public PhysicalLines(string path, string[] header, bool loneCarriageReturns)
        {
            (_path, _header, _loneCarriageReturns) = (path, header, loneCarriageReturns);
            _next = 2;
            foreach (var name in header)
            {
                _next += LineBreaks(name, loneCarriageReturns);
            }
        }

        /// <summary>The line the next row starts on.</summary>
        public readonly long Next => _next;

        /// <summary>The line the current row starts on; call once per row, in order.</summary>
        public long Of(CsvDataReader reader)
        {
            var raw = reader.GetRawRecordSpan();
            var line = _next;
            if (StrayLineEndAt(raw, _loneCarriageReturns) is var (at, field) && at >= 0)
            {
                throw StrayLineEnd(_path, line, field < _header.Length ? _header[field].Trim() : string.Empty, _loneCarriageReturns);
            }

            _next += LineBreaks(raw, _loneCarriageReturns);
            return line;
        }

        /// <summary>The line ends in <paramref name="text"/>: each '\n', and with lone-'\r' lines each lone '\r' too ("\r\n" once).</summary>
        private static int LineBreaks(ReadOnlySpan<char> text, bool loneCarriageReturns) =>
            loneCarriageReturns ? text.Count('\n') + text.Count('\r') - text.Count("\r\n") : text.Count('\n');

        /// <summary>
        /// Where a row's raw text (its line end included) has a line end of the wrong kind outside quotes, and in which
        /// field; at -1 when none. A row that Sylvan ended on one (the raw text ends in a lone '\r', or in a '\n' in a
        /// lone-'\r' file) is refused however its quotes read: a line end never lies inside quotes.
        /// </summary>
        private static (int At, int Field) StrayLineEndAt(ReadOnlySpan<char> raw, bool loneCarriageReturns)
        {
            // Most rows: none at all, or only the '\r' of the row's own "\r\n".
            var stray = loneCarriageReturns ? '\n' : '\r';
            var first = raw.IndexOf(stray);
            if (first < 0 || (!loneCarriageReturns && first == raw.Length - 2 && raw[^1] == '\n'))
            {
                return (-1, 0);
            }

            var scan = new OutsideQuotes(raw);
            var field = 0;
            while (scan.Next(out var at, out field))
            {
                if (raw[at] == stray && (loneCarriageReturns || at + 1 == raw.Length || raw[at + 1] != '\n'))
                {
                    return (at, field);
                }
            }

            return raw[^1] == stray ? (raw.Length - 1, field) : (-1, 0);
        }
    }
}
