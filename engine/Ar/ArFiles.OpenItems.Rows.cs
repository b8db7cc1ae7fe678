using System.Text;
using CashApp.Engine.Model;
using CashApp.Parsers.Currency;

namespace CashApp.Engine.Ar;

public static partial class ArFiles
{
    /// <summary>
    /// The rows of one block made into items, in order, with what the rows share: the customer ids and names already
    /// read (<see cref="Shared"/>), the row before's values (<see cref="LastRow"/>) and the payment terms seen.
    /// </summary>
    /// <remarks>
    /// A row comes either as ASCII bytes without quotes (<see cref="AddAsciiRow"/>: no UTF-16 copy of the block, the
    /// fields split on bytes and each kept value widened straight into its string) or as decoded text
    /// (<see cref="AddTextRow"/>, for quotes and anything past ASCII). Both check the fields in the same order, with
    /// the same messages, so a bad row is named the same whichever way it was read.
    /// </remarks>
    private sealed class BlockRows(string path, OpenItemColumns columns, OpenItem[] items)
    {
        // Longer values than this (never seen in an AR export) are widened into a string of their own.
        private const int ScratchLength = 128;

        private readonly Dictionary<string, string>.AlternateLookup<ReadOnlySpan<char>> _pool = new Dictionary<string, string>(StringComparer.Ordinal).GetAlternateLookup<ReadOnlySpan<char>>();
        private readonly Dictionary<string, PaymentTerms?>.AlternateLookup<ReadOnlySpan<char>> _terms = new Dictionary<string, PaymentTerms?>(StringComparer.Ordinal).GetAlternateLookup<ReadOnlySpan<char>>();
        private readonly LastRow _last = new();
        private readonly List<string> _fields = new(16);

        /// <summary>How many items the block's rows made so far.</summary>
        public int Count { get; private set; }

        /// <summary>Reads a row of ASCII bytes without a double quote (the line end taken off).</summary>
        public void AddAsciiRow(ReadOnlySpan<byte> row, long line, Span<Range> ranges)
        {
            var n = SplitFields(row, ranges);
            var id = Field(row, ranges, n, columns.ItemId);
            if (IsAsciiWhiteSpace(id))
            {
                throw ArInputException.BadValue(path, line, "item_id", AsciiString(id), "a non-blank item key");
            }

            var typeText = Field(row, ranges, n, columns.DocType);
            var type = typeText.SequenceEqual("INV"u8) ? DocType.Invoice
                : typeText.SequenceEqual("CM"u8) ? DocType.CreditMemo
                : typeText.SequenceEqual("DM"u8) ? DocType.DebitMemo
                : throw ArInputException.BadValue(path, line, "doc_type", AsciiString(typeText), "INV, CM or DM");

            Span<char> scratch = stackalloc char[ScratchLength];
            var code = Field(row, ranges, n, columns.Currency);
            if (!_last.Currency(code, scratch, out var ccy))
            {
                throw ArInputException.BadValue(path, line, "currency", AsciiString(code), "an ISO 4217 currency code such as USD or EUR");
            }

            var amountText = Field(row, ranges, n, columns.OpenAmount);
            if (!MinorUnits.TryParse(Widen(amountText, scratch), ccy.MinorDigits, out var minor))
            {
                throw ArInputException.BadValue(path, line, "open_amount", AsciiString(amountText), AmountExpected(ccy));
            }

            if (type == DocType.CreditMemo ? minor > 0 : minor < 0)
            {
                throw ArInputException.BadValue(path, line, "open_amount", AsciiString(amountText), type == DocType.CreditMemo ? "a negative amount for a credit memo" : "a positive amount for an invoice or debit memo");
            }

            var customer = Field(row, ranges, n, columns.CustomerId);
            if (IsAsciiWhiteSpace(customer))
            {
                throw ArInputException.BadValue(path, line, "customer_id", AsciiString(customer), "a non-blank customer key");
            }

            var po = Field(row, ranges, n, columns.PoNumber);
            items[Count++] = new OpenItem(
                AsciiString(id),
                type,
                _last.CustomerId(_pool, customer, scratch),
                _last.CustomerName(_pool, Field(row, ranges, n, columns.CustomerName), scratch),
                AsciiString(Field(row, ranges, n, columns.InvoiceNumber)),
                IsAsciiWhiteSpace(po) ? null : AsciiString(po),
                ccy,
                minor,
                Date(Widen(Field(row, ranges, n, columns.DocDate), scratch), path, line, "doc_date"),
                Date(Widen(Field(row, ranges, n, columns.DueDate), scratch), path, line, "due_date"))
            {
                Terms = columns.PaymentTerms < 0 ? null : Terms(_terms, Widen(Field(row, ranges, n, columns.PaymentTerms), scratch), path, line),
            };
        }

        /// <summary>Reads a row decoded to text (the line end taken off): quoted fields, or text past ASCII.</summary>
        public void AddTextRow(ReadOnlySpan<char> row, long line, Span<Range> ranges)
        {
            int n;
            List<string>? quoted = null;
            if (row.Contains('"'))
            {
                if (!ParseCsvLine(row, _fields, -1))
                {
                    throw new QuotedLineBreakException();
                }

                quoted = _fields;
                n = _fields.Count;
            }
            else
            {
                n = row.Split(ranges, ',');
            }

            var id = Get(row, ranges, n, quoted, columns.ItemId);
            if (id.IsWhiteSpace())
            {
                throw ArInputException.BadValue(path, line, "item_id", id.ToString(), "a non-blank item key");
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
            if (!_last.Currency(code, out var ccy))
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
            if (customer.IsWhiteSpace())
            {
                throw ArInputException.BadValue(path, line, "customer_id", customer.ToString(), "a non-blank customer key");
            }

            var po = Get(row, ranges, n, quoted, columns.PoNumber);
            items[Count++] = new OpenItem(
                id.ToString(),
                type,
                _last.CustomerId(_pool, customer),
                _last.CustomerName(_pool, Get(row, ranges, n, quoted, columns.CustomerName)),
                Get(row, ranges, n, quoted, columns.InvoiceNumber).ToString(),
                po.IsWhiteSpace() ? null : po.ToString(),
                ccy,
                minor,
                Date(Get(row, ranges, n, quoted, columns.DocDate), path, line, "doc_date"),
                Date(Get(row, ranges, n, quoted, columns.DueDate), path, line, "due_date"))
            {
                Terms = columns.PaymentTerms < 0 ? null : Terms(_terms, Get(row, ranges, n, quoted, columns.PaymentTerms), path, line),
            };
        }

        private static ReadOnlySpan<char> Get(ReadOnlySpan<char> row, Span<Range> ranges, int count, List<string>? quoted, int index) =>
            quoted is not null ? (index < quoted.Count ? quoted[index].AsSpan() : []) : index < count ? row[ranges[index]] : [];

        private static ReadOnlySpan<byte> Field(ReadOnlySpan<byte> row, Span<Range> ranges, int count, int index) =>
            index < count ? row[ranges[index]] : [];
    }

    /// <summary>
    /// Splits a row at its commas into <paramref name="ranges"/>, the last range taking the rest of the row when there
    /// are more fields: as <c>MemoryExtensions.Split(ReadOnlySpan&lt;char&gt;, Span&lt;Range&gt;, char)</c> does on text.
    /// </summary>
    internal static int SplitFields(ReadOnlySpan<byte> row, Span<Range> ranges)
    {
        if (ranges.IsEmpty)
        {
            return 0;
        }

        var n = 0;
        var start = 0;
        while (n < ranges.Length - 1)
        {
            var comma = row[start..].IndexOf((byte)',');
            if (comma < 0)
            {
                break;
            }

            ranges[n++] = new Range(start, start + comma);
            start += comma + 1;
        }

        ranges[n++] = new Range(start, row.Length);
        return n;
    }

    /// <summary>Whether ASCII bytes are empty or all white space as <see cref="char.IsWhiteSpace(char)"/> reads them (tab to carriage return, space).</summary>
    internal static bool IsAsciiWhiteSpace(ReadOnlySpan<byte> text)
    {
        foreach (var b in text)
        {
            if (b != (byte)' ' && unchecked((uint)(b - '\t')) > '\r' - '\t')
            {
                return false;
            }
        }

        return true;
    }

    /// <summary>The string of ASCII bytes, each byte one char.</summary>
    private static string AsciiString(ReadOnlySpan<byte> ascii) =>
        ascii.IsEmpty ? string.Empty : string.Create(ascii.Length, ascii, static (chars, bytes) => Ascii.ToUtf16(bytes, chars, out _));

    /// <summary>ASCII bytes as text, in <paramref name="scratch"/> when they fit there.</summary>
    private static ReadOnlySpan<char> Widen(ReadOnlySpan<byte> ascii, Span<char> scratch)
    {
        if (ascii.Length > scratch.Length)
        {
            return AsciiString(ascii);
        }

        Ascii.ToUtf16(ascii, scratch, out var written);
        return scratch[..written];
    }
}
