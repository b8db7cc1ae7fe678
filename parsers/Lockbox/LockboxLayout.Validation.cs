using System.Globalization;
using CashApp.Parsers.Currency;

namespace CashApp.Parsers.Lockbox;

public sealed partial class LockboxLayout
{
    // Fields the reader takes from one record type only: placed anywhere else (a custom record type included)
    // they would be silently ignored, so a layout that does so is an error.
    private static Dictionary<string, string> Homes => Rules.Homes;

    private static (char Record, string Field, string Purpose)[] Required => Rules.Required;

    // A nested type, so that its initialization does not depend on the order of the partial files' static fields.
    private static class Rules
    {
        public static readonly Dictionary<string, string> Homes = new(StringComparer.Ordinal)
        {
            ["amount"] = "6", ["routing"] = "6", ["account"] = "6", ["check_number"] = "6", ["remitter_name"] = "6",
            ["overflow_type"] = "4", ["sequence"] = "4", ["last"] = "4",
            ["batch_count"] = "7", ["batch_amount"] = "7",
            ["lockbox_count"] = "8", ["lockbox_amount"] = "8",
            ["record_count"] = "9",
            ["lockbox"] = "578", ["deposit_date"] = "578",
            ["batch"] = "56478", ["item"] = "56478",
        };

        public static readonly (char Record, string Field, string Purpose)[] Required =
        [
            ('5', "lockbox", "the payment reference LOCKBOX-BATCH-ITEM"),
            ('6', "batch", "the payment reference LOCKBOX-BATCH-ITEM"),
            ('6', "item", "the payment reference LOCKBOX-BATCH-ITEM"),
            ('6', "amount", "the check amount"),
            ('7', "batch_count", "the batch control total"),
            ('7', "batch_amount", "the batch control total"),
            ('8', "lockbox_count", "the lockbox control total"),
            ('8', "lockbox_amount", "the lockbox control total"),
            ('9', "record_count", "the file's record count"),
        ];
    }

    private static void Validate(
        string source,
        int recordLength,
        string currency,
        Dictionary<char, IReadOnlyList<LockboxField>> merged,
        IReadOnlyDictionary<char, IReadOnlyList<LockboxField>> given,
        LockboxCsvMapping? csv)
    {
        if (recordLength is < 2 or > MaxRecordLength)
        {
            LockboxThrow.Layout(source, null, "recordLength", LockboxErrors.LayoutBadValueCode, LockboxErrors.LayoutBadValue,
                "recordLength", $"must be a whole number from 2 to {MaxRecordLength}, found {recordLength.ToString(CultureInfo.InvariantCulture)}");
        }

        if (!CurrencyCode.TryParse(currency, out _))
        {
            LockboxThrow.Layout(source, null, "currency", LockboxErrors.LayoutBadValueCode, LockboxErrors.LayoutBadValue,
                "currency", $"'{currency}' is not an ISO 4217 currency code");
        }

        // In record type order; loops rather than LINQ and SortedSet, whose code over our types is compiled at start-up
        // (every process that reads a lockbox file validates the default layout).
        var types = new char[merged.Count];
        var count = 0;
        foreach (var (type, _) in merged)
        {
            var at = count++;
            while (at > 0 && types[at - 1] > type)
            {
                types[at] = types[at - 1];
                at--;
            }

            types[at] = type;
        }

        foreach (var type in types)
        {
            var fields = merged[type];
            var label = given.ContainsKey(type) ? type.ToString() : type + " (from the default layout)";
            if (char.IsWhiteSpace(type) || char.IsControl(type) || type > '~')
            {
                LockboxThrow.Layout(source, type.ToString(), null, LockboxErrors.LayoutBadValueCode, LockboxErrors.LayoutBadValue,
                    "records", $"record type '{type}' must be one printable ASCII character");
            }

            ValidateRecord(source, type, label, recordLength, fields);
        }

        foreach (var (record, field, purpose) in Required)
        {
            if (!Has(merged[record], field))
            {
                LockboxThrow.Layout(source, record.ToString(), field, LockboxErrors.LayoutMissingFieldCode, LockboxErrors.LayoutMissingField, record, field, purpose);
            }
        }

        csv?.Validate(source);
    }

    private static void ValidateRecord(string source, char type, string label, int recordLength, IReadOnlyList<LockboxField> fields)
    {
        var record = type.ToString();
        var names = new HashSet<string>(StringComparer.Ordinal);
        LockboxField? previous = null;
        foreach (var field in ArrayOf(fields))
        {
            if (string.IsNullOrWhiteSpace(field.Name))
            {
                LockboxThrow.Layout(source, record, field.Name, LockboxErrors.LayoutBadValueCode, LockboxErrors.LayoutBadValue,
                    $"records.{type}.fields", "a field name must not be blank");
            }

            if (!names.Add(field.Name))
            {
                LockboxThrow.Layout(source, record, field.Name, LockboxErrors.LayoutBadValueCode, LockboxErrors.LayoutBadValue,
                    $"records.{type}.fields.{field.Name}", "the field is named twice");
            }

            if (field.Length < 1 || field.Start < 2 || field.End > recordLength)
            {
                LockboxThrow.Layout(source, record, field.Name, LockboxErrors.LayoutFieldOutOfRecordCode, LockboxErrors.LayoutFieldOutOfRecord,
                    label, field.Name, Columns(field), recordLength);
            }

            if (previous is { } p && p.End >= field.Start)
            {
                LockboxThrow.Layout(source, record, field.Name, LockboxErrors.LayoutOverlapCode, LockboxErrors.LayoutOverlap,
                    label, field.Name, p.Name, Columns(field), Columns(p));
            }

            previous = field;
            var home = InvoiceIndex(field.Name, out _) > 0 ? "64" : Homes.GetValueOrDefault(field.Name);
            if (home is not null && !home.Contains(type, StringComparison.Ordinal))
            {
                LockboxThrow.Layout(source, record, field.Name, LockboxErrors.LayoutMisplacedFieldCode, LockboxErrors.LayoutMisplacedField,
                    label, field.Name, home.Length == 1 ? "record " + home : "records " + string.Join(", ", home.ToCharArray()));
            }
        }

        ValidateInvoiceNumbering(source, type, label, fields);
    }

    private static void ValidateInvoiceNumbering(string source, char type, string label, IReadOnlyList<LockboxField> fields)
    {
        var numbers = new List<int>();
        var amounts = new List<int>();
        foreach (var field in ArrayOf(fields))
        {
            var index = InvoiceIndex(field.Name, out var isAmount);
            if (index == 0)
            {
                continue;
            }

            if (index < 0)
            {
                LockboxThrow.Layout(source, type.ToString(), field.Name, LockboxErrors.LayoutInvoiceNumberingCode, LockboxErrors.LayoutInvoiceNumbering,
                    label, field.Name, "invoice fields are named invoice_number, invoice_number_2, invoice_number_3, ... (and invoice_amount_N)");
            }

            AddSorted(isAmount ? amounts : numbers, index);
        }

        foreach (var n in amounts)
        {
            if (!numbers.Contains(n))
            {
                LockboxThrow.Layout(source, type.ToString(), InvoiceName("invoice_amount", n), LockboxErrors.LayoutInvoiceNumberingCode, LockboxErrors.LayoutInvoiceNumbering,
                    label, InvoiceName("invoice_amount", n), $"there is no {InvoiceName("invoice_number", n)} for it");
            }
        }

        var expected = 1;
        foreach (var n in numbers)
        {
            if (n != expected)
            {
                LockboxThrow.Layout(source, type.ToString(), InvoiceName("invoice_number", n), LockboxErrors.LayoutInvoiceNumberingCode, LockboxErrors.LayoutInvoiceNumbering,
                    label, InvoiceName("invoice_number", n), $"{InvoiceName("invoice_number", expected)} is missing; invoice lines are numbered without gaps");
            }

            expected++;
        }
    }

    private static bool Has(IReadOnlyList<LockboxField> fields, string name)
    {
        foreach (var field in ArrayOf(fields))
        {
            if (field.Name == name)
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>Adds <paramref name="value"/> to <paramref name="sorted"/>, in ascending order, unless it holds it already (as a sorted set would).</summary>
    internal static void AddSorted(List<int> sorted, int value)
    {
        var at = sorted.Count;
        while (at > 0 && sorted[at - 1] > value)
        {
            at--;
        }

        if (at == 0 || sorted[at - 1] != value)
        {
            sorted.Insert(at, value);
        }
    }

    /// <summary>
    /// 1 for <c>invoice_number</c>/<c>invoice_amount</c>, N for <c>..._N</c> (N &gt;= 2), 0 for any other name and
    /// -1 for a malformed invoice field name (<c>invoice_number_1</c>, <c>invoice_number_x</c>).
    /// </summary>
    internal static int InvoiceIndex(string name, out bool isAmount)
    {
        isAmount = name.StartsWith("invoice_amount", StringComparison.Ordinal);
        var stem = isAmount ? "invoice_amount" : name.StartsWith("invoice_number", StringComparison.Ordinal) ? "invoice_number" : null;
        if (stem is null)
        {
            return 0;
        }

        var rest = name.AsSpan(stem.Length);
        if (rest.IsEmpty)
        {
            return 1;
        }

        return rest.Length >= 2 && rest[0] == '_' && rest[1] != '0'
            && int.TryParse(rest[1..], NumberStyles.None, CultureInfo.InvariantCulture, out var n) && n >= 2 ? n : -1;
    }

    internal static string InvoiceName(string stem, int index) =>
        index == 1 ? stem : stem + "_" + index.ToString(CultureInfo.InvariantCulture);

    private static string Columns(LockboxField field) =>
        field.Length == 1
            ? field.Start.ToString(CultureInfo.InvariantCulture)
            : $"{field.Start.ToString(CultureInfo.InvariantCulture)}-{field.End.ToString(CultureInfo.InvariantCulture)}";
}
