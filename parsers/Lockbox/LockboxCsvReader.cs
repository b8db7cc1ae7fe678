using System.Globalization;
using System.Runtime.CompilerServices;
using System.Text;
using CashApp.Parsers.Common;
using CashApp.Parsers.Currency;
using Sylvan.Data.Csv;

namespace CashApp.Parsers.Lockbox;

/// <summary>
/// Reader of CSV remittance files, which many lockbox banks and portals send instead of fixed-width records: the
/// same payment model as <see cref="LockboxReader"/>, with the columns named by the layout's
/// <see cref="LockboxLayout.Csv"/> mapping. Adjacent rows with the same payment reference are one check (one row
/// per invoice line is usual); the check's amount must agree on each of them.
/// </summary>
/// <remarks>
/// Rows stream; the reader remembers the payment references it has seen, to reject a check whose rows are not
/// adjacent, so its memory grows with the number of checks (a few dozen bytes each).
/// </remarks>
public static class LockboxCsvReader
{
    /// <summary>Streams one payment per check. Problems throw <see cref="LockboxFormatException"/> naming the line and column.</summary>
    public static async IAsyncEnumerable<BankTransaction> ReadAsync(
        Stream stream,
        string fileName,
        LockboxLayout layout,
        ICollection<ParseWarning>? warnings,
        [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(stream);
        ArgumentNullException.ThrowIfNull(fileName);
        ArgumentNullException.ThrowIfNull(layout);
        var mapping = layout.Csv ?? throw new ArgumentException($"Layout '{layout.Name}' has no CSV column mapping (\"csv\").", nameof(layout));
        using var text = new StreamReader(stream, Encoding.UTF8, detectEncodingFromByteOrderMarks: true, bufferSize: 1 << 16, leaveOpen: true);
        var options = new CsvDataReaderOptions { HasHeaders = true, Delimiter = mapping.Delimiter };
        CsvDataReader csv;
        try
        {
            csv = await CsvDataReader.CreateAsync(text, options, cancellationToken).ConfigureAwait(false);
        }
        catch (CsvFormatException ex)
        {
            throw Error(fileName, 1, null, LockboxErrors.CsvMalformedCode, LockboxErrors.CsvMalformed, ex.Message);
        }

        await using (csv.ConfigureAwait(false))
        {
            var rows = new CsvRows(fileName, layout, mapping, csv, warnings);
            while (true)
            {
                bool more;
                try
                {
                    more = await csv.ReadAsync(cancellationToken).ConfigureAwait(false);
                }
                catch (CsvFormatException ex)
                {
                    throw Error(fileName, ex.RowNumber + 1, null, LockboxErrors.CsvMalformedCode, LockboxErrors.CsvMalformed, ex.Message);
                }

                if (!more)
                {
                    break;
                }

                if (rows.Row() is { } completed)
                {
                    yield return completed;
                }
            }

            if (rows.Flush() is { } last)
            {
                yield return last;
            }
        }
    }

    internal static LockboxFormatException Error(string fileName, long line, string? column, string code, string template, params object?[] args) =>
        LockboxFormatException.Create(fileName, line, -1, null, column, code, template, args);

    /// <summary>The grouping of rows into checks; one instance per file.</summary>
    private sealed class CsvRows
    {
        private readonly string fileName;
        private readonly LockboxLayout layout;
        private readonly LockboxCsvMapping mapping;
        private readonly CsvDataReader csv;
        private readonly ICollection<ParseWarning>? warnings;
        private readonly Dictionary<string, int> ordinals = new(StringComparer.Ordinal);
        private readonly (string Number, string? Amount)[] invoices;
        private readonly (string Key, int Ordinal)[] extras;
        private readonly HashSet<string> seen = new(StringComparer.Ordinal);
        private readonly List<RemittanceLine> remittance = [];

        private string? reference;
        private long firstLine;
        private long amount;
        private string amountText = string.Empty;
        private string currency = string.Empty;
        private string? payerName;
        private string? payerAccount;
        private DateOnly? valueDate;
        private Dictionary<string, string>? extra;

        public CsvRows(string fileName, LockboxLayout layout, LockboxCsvMapping mapping, CsvDataReader csv, ICollection<ParseWarning>? warnings)
        {
            this.fileName = fileName;
            this.layout = layout;
            this.mapping = mapping;
            this.csv = csv;
            this.warnings = warnings;
            var headers = new Dictionary<string, int>(StringComparer.Ordinal);
            for (var i = 0; i < csv.FieldCount; i++)
            {
                headers.TryAdd(csv.GetName(i).Trim(), i);
            }

            foreach (var (name, header) in mapping.Columns)
            {
                if (!headers.TryGetValue(header.Trim(), out var ordinal))
                {
                    throw Error(fileName, 1, header, LockboxErrors.CsvMissingColumnCode, LockboxErrors.CsvMissingColumn, name, header);
                }

                ordinals[name] = ordinal;
            }

            var list = new List<(string, string?)>();
            for (var n = 1; mapping.Columns.ContainsKey(LockboxLayout.InvoiceName("invoice_number", n)); n++)
            {
                var amountName = LockboxLayout.InvoiceName("invoice_amount", n);
                list.Add((LockboxLayout.InvoiceName("invoice_number", n), mapping.Columns.ContainsKey(amountName) ? amountName : null));
            }

            invoices = [.. list];
            extras = [.. mapping.Columns.Keys.Where(k => !LockboxCsvMapping.IsModelName(k)).Select(k => (k, ordinals[k]))];
        }

        private long Line => csv.RowNumber + 1;

        /// <summary>Takes the current row; returns the previous check when this row starts another.</summary>
        public BankTransaction? Row()
        {
            if (IsBlankRow())
            {
                return null;
            }

            var rowRef = Reference();
            var rowAmountText = Value("amount");
            var rowCurrency = Value("currency") is { Length: > 0 } code ? code : layout.Currency;
            BankTransaction? completed = null;
            if (rowRef != reference)
            {
                completed = Flush();
                if (!seen.Add(rowRef))
                {
                    throw Error(fileName, Line, mapping.Columns.GetValueOrDefault("payment_ref") ?? mapping.Columns["item"], LockboxErrors.CsvCheckNotAdjacentCode, LockboxErrors.CsvCheckNotAdjacent, rowRef);
                }

                reference = rowRef;
                firstLine = Line;
                currency = rowCurrency;
                amountText = rowAmountText;
                amount = Amount("amount", rowAmountText, rowCurrency, allowNegative: false) ?? throw Error(fileName, Line, mapping.Columns["amount"],
                    LockboxErrors.CsvBadAmountCode, LockboxErrors.CsvBadAmount, mapping.Columns["amount"], rowAmountText, rowCurrency);
                payerName = Value("remitter_name") is { Length: > 0 } name ? name : null;
                payerAccount = Value("payer_account") is { Length: > 0 } account ? account : Account(Value("routing"), Value("account"));
                valueDate = Date();
                extra = null;
                if (Value("check_number") is { Length: > 0 } check)
                {
                    (extra ??= new(StringComparer.Ordinal))["check_number"] = check;
                }
            }
            else
            {
                Same("amount", rowAmountText, amountText);
                Same("currency", rowCurrency, currency);
            }

            foreach (var (key, ordinal) in extras)
            {
                if (csv.GetString(ordinal).Trim() is { Length: > 0 } value)
                {
                    extra ??= new(StringComparer.Ordinal);
                    extra.TryAdd(key, value);
                }
            }

            foreach (var (numberName, amountName) in invoices)
            {
                var number = Value(numberName);
                var invoiceText = amountName is null ? string.Empty : Value(amountName);
                var invoiceAmount = amountName is null ? null : Amount(amountName, invoiceText, currency, allowNegative: true);
                if (amountName is not null && invoiceText.Length > 0 && invoiceAmount is null && !IsZero(invoiceText))
                {
                    throw Error(fileName, Line, mapping.Columns[amountName], LockboxErrors.CsvBadAmountCode, LockboxErrors.CsvBadAmount, mapping.Columns[amountName], invoiceText, currency);
                }

                if (number.Length == 0)
                {
                    if (invoiceAmount is { } orphan)
                    {
                        warnings?.Add(new ParseWarning(fileName, Line, LockboxErrors.InvoiceAmountWithoutNumberCode,
                            LockboxFormatException.Describe(LockboxErrors.InvoiceAmountWithoutNumber, mapping.Columns[amountName!], orphan)));
                    }

                    continue;
                }

                remittance.Add(new RemittanceLine(number, invoiceAmount, RemittanceKind.Invoice));
            }

            return completed;
        }

        /// <summary>Completes the check being assembled, if any.</summary>
        public BankTransaction? Flush()
        {
            if (reference is null)
            {
                return null;
            }

            var transaction = new BankTransaction
            {
                PaymentRef = reference,
                Direction = Direction.Credit,
                AmountMinor = amount,
                Currency = currency,
                Format = BankFileFormat.LockboxCsv,
                SourceFile = fileName,
                LineNumber = firstLine,
                IsPayment = amount > 0,
                NotPaymentReason = amount > 0 ? null : "zero-amount check",
                PayerName = payerName,
                PayerAccount = payerAccount,
                Remittance = [.. remittance],
                TypeCode = "csv",
                ValueDate = valueDate,
                BankReference = reference,
                BookingDate = valueDate,
                Extra = extra ?? LockboxNoExtra.Instance,
            };
            reference = null;
            remittance.Clear();
            return transaction;
        }

        private bool IsBlankRow()
        {
            for (var i = 0; i < csv.FieldCount; i++)
            {
                if (!csv.GetFieldSpan(i).IsWhiteSpace())
                {
                    return false;
                }
            }

            return true;
        }

        private string Reference()
        {
            if (Value("payment_ref") is { Length: > 0 } given)
            {
                return given;
            }

            if (ordinals.ContainsKey("payment_ref"))
            {
                throw Error(fileName, Line, mapping.Columns["payment_ref"], LockboxErrors.BlankFieldCode, LockboxErrors.BlankField, mapping.Columns["payment_ref"]);
            }

            // LOCKBOX-BATCH-ITEM from the columns present (CONTRACT.md).
            var item = Value("item");
            if (item.Length == 0)
            {
                throw Error(fileName, Line, mapping.Columns["item"], LockboxErrors.BlankFieldCode, LockboxErrors.BlankField, mapping.Columns["item"]);
            }

            return string.Join('-', new[] { Value("lockbox"), Value("batch"), item }.Where(p => p.Length > 0));
        }

        private string Value(string name) => ordinals.TryGetValue(name, out var ordinal) ? csv.GetString(ordinal).Trim() : string.Empty;

        private long? Amount(string name, string value, string code, bool allowNegative)
        {
            if (value.Length == 0)
            {
                return null;
            }

            if (!CurrencyCode.TryParse(code, out var ccy))
            {
                throw Error(fileName, Line, mapping.Columns.GetValueOrDefault("currency"), LockboxErrors.CsvBadAmountCode, LockboxErrors.CsvBadAmount,
                    mapping.Columns.GetValueOrDefault("currency") ?? "currency", code, "an ISO 4217 code");
            }

            var ok = mapping.AmountsInCents
                ? long.TryParse(value, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var minor)
                : MinorUnits.TryParse(value, ccy.MinorDigits, out minor);
            if (!ok || (minor < 0 && !allowNegative))
            {
                throw Error(fileName, Line, mapping.Columns[name], LockboxErrors.CsvBadAmountCode, LockboxErrors.CsvBadAmount, mapping.Columns[name], value, code);
            }

            // As in fixed-width files, a zero invoice amount means "not stated".
            return minor == 0 && allowNegative ? null : minor;
        }

        private static bool IsZero(string text) => text.Trim().All(ch => ch is '0' or '.' or '+' or '-');

        private DateOnly? Date()
        {
            var text = Value("deposit_date");
            if (text.Length == 0)
            {
                return null;
            }

            if (!DateOnly.TryParseExact(text, mapping.DateFormat, CultureInfo.InvariantCulture, DateTimeStyles.None, out var date))
            {
                throw Error(fileName, Line, mapping.Columns["deposit_date"], LockboxErrors.BadDateCode, LockboxErrors.CsvBadDate,
                    mapping.Columns["deposit_date"], text, mapping.DateFormat);
            }

            return date;
        }

        private void Same(string name, string value, string first)
        {
            if (value != first)
            {
                var column = mapping.Columns.GetValueOrDefault(name) ?? name;
                throw Error(fileName, Line, column, LockboxErrors.CsvCheckMismatchCode, LockboxErrors.CsvCheckMismatch, reference, column, value, firstLine, first);
            }
        }

        private static string? Account(string routing, string account) =>
            account.Length == 0 ? null : routing.Length == 0 ? account : routing + ":" + account;
    }
}
