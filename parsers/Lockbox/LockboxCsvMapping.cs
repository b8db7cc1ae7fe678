using System.Globalization;
using System.Text.Json;

namespace CashApp.Parsers.Lockbox;

/// <summary>
/// How a CSV remittance file maps onto the payment model: the <c>csv</c> object of a layout file. Keys of
/// <see cref="Columns"/> are the model's names (<c>payment_ref</c>, <c>amount</c>, <c>invoice_number</c>, ...),
/// values the CSV header names; a key the reader does not know is kept in the payment's extra data.
/// </summary>
/// <remarks>
/// <c>amount</c> is required, and so is either <c>payment_ref</c> or <c>item</c> (the reference is then built as
/// <c>LOCKBOX-BATCH-ITEM</c> from the columns present). One row per invoice line is usual: the adjacent rows of one
/// payment reference are one check.
/// </remarks>
public sealed record LockboxCsvMapping
{
    private static readonly HashSet<string> ModelNames = new(StringComparer.Ordinal)
    {
        "payment_ref", "lockbox", "batch", "item", "amount", "currency", "routing", "account", "payer_account",
        "check_number", "remitter_name", "deposit_date",
    };

    /// <summary>Model name to CSV header name.</summary>
    public required IReadOnlyDictionary<string, string> Columns { get; init; }

    /// <summary>The field delimiter.</summary>
    public char Delimiter { get; init; } = ',';

    /// <summary>True when amounts are whole cents (<c>700000</c>); false for decimals in major units (<c>7000.00</c>).</summary>
    public bool AmountsInCents { get; init; }

    /// <summary>The format of <c>deposit_date</c> (a .NET custom date format).</summary>
    public string DateFormat { get; init; } = "yyyy-MM-dd";

    /// <summary>Whether <paramref name="name"/> is a name the CSV reader interprets (the rest are extra data).</summary>
    internal static bool IsModelName(string name) => ModelNames.Contains(name) || LockboxLayout.InvoiceIndex(name, out _) > 0;

    internal void Validate(string source)
    {
        ArgumentNullException.ThrowIfNull(Columns);
        if (!Columns.ContainsKey("amount"))
        {
            Fail(source, "amount", "columns has no \"amount\"; the reader needs the check amount");
        }

        if (!Columns.ContainsKey("payment_ref") && !Columns.ContainsKey("item"))
        {
            Fail(source, "payment_ref", "columns has neither \"payment_ref\" nor \"item\"; the reader needs one for the payment reference");
        }

        var headers = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var (name, header) in Columns)
        {
            if (string.IsNullOrWhiteSpace(header))
            {
                Fail(source, name, $"columns.{name} must name a CSV column");
            }

            if (headers.TryGetValue(header, out var other))
            {
                Fail(source, name, $"columns.{name} and columns.{other} both name the column '{header}'");
            }

            headers[header] = name;
            var index = LockboxLayout.InvoiceIndex(name, out var isAmount);
            if (index < 0)
            {
                Fail(source, name, $"columns.{name}: invoice columns are named invoice_number, invoice_number_2, ... (and invoice_amount_N)");
            }

            if (index > 1 && !Columns.ContainsKey(LockboxLayout.InvoiceName("invoice_number", index - 1)))
            {
                Fail(source, name, $"columns.{name}: {LockboxLayout.InvoiceName("invoice_number", index - 1)} is missing; invoice lines are numbered without gaps");
            }

            if (isAmount && index > 0 && !Columns.ContainsKey(LockboxLayout.InvoiceName("invoice_number", index)))
            {
                Fail(source, name, $"columns.{name}: there is no {LockboxLayout.InvoiceName("invoice_number", index)} for it");
            }
        }

        if (Delimiter is '"' or '\r' or '\n')
        {
            Fail(source, "delimiter", $"delimiter '{Delimiter}' cannot separate CSV fields");
        }

        try
        {
            _ = new DateOnly(2024, 12, 31).ToString(DateFormat, CultureInfo.InvariantCulture);
        }
        catch (FormatException)
        {
            Fail(source, "dateFormat", $"dateFormat '{DateFormat}' is not a date format");
        }
    }

    internal static LockboxCsvMapping FromJson(string source, JsonElement value)
    {
        LockboxLayout.Expect(source, value, JsonValueKind.Object, "csv", "an object with \"columns\"");
        var columns = new Dictionary<string, string>(StringComparer.Ordinal);
        var delimiter = ',';
        var cents = false;
        var dateFormat = "yyyy-MM-dd";
        var hasColumns = false;
        foreach (var property in LockboxLayout.Properties(source, value, "csv"))
        {
            var path = "csv." + property.Name;
            switch (property.Name)
            {
                case "columns":
                    hasColumns = true;
                    LockboxLayout.Expect(source, property.Value, JsonValueKind.Object, path, "an object of \"model name\": \"CSV header\"");
                    foreach (var column in LockboxLayout.Properties(source, property.Value, path))
                    {
                        columns[column.Name] = LockboxLayout.String(source, column.Value, path + "." + column.Name);
                    }

                    break;
                case "delimiter":
                    var text = LockboxLayout.String(source, property.Value, path);
                    delimiter = text == "\\t" ? '\t' : text.Length == 1 ? text[0] : throw LockboxLayout.Bad(source, path, "must be one character");
                    break;
                case "amounts":
                    cents = LockboxLayout.String(source, property.Value, path) switch
                    {
                        "decimal" => false,
                        "cents" => true,
                        _ => throw LockboxLayout.Bad(source, path, "must be \"decimal\" or \"cents\""),
                    };
                    break;
                case "dateFormat":
                    dateFormat = LockboxLayout.String(source, property.Value, path);
                    break;
                case "description" or "comment":
                    break;
                default:
                    throw LockboxLayout.Bad(source, path, "unknown property; csv has columns, delimiter, amounts and dateFormat");
            }
        }

        if (!hasColumns)
        {
            throw LockboxLayout.Bad(source, "csv.columns", "is missing");
        }

        return new LockboxCsvMapping { Columns = columns, Delimiter = delimiter, AmountsInCents = cents, DateFormat = dateFormat };
    }

    internal void WriteJson(Utf8JsonWriter writer)
    {
        writer.WriteStartObject("csv");
        writer.WriteString("delimiter", Delimiter == '\t' ? "\\t" : Delimiter.ToString());
        writer.WriteString("amounts", AmountsInCents ? "cents" : "decimal");
        writer.WriteString("dateFormat", DateFormat);
        writer.WriteStartObject("columns");
        foreach (var (name, header) in Columns)
        {
            writer.WriteString(name, header);
        }

        writer.WriteEndObject();
        writer.WriteEndObject();
    }

    private static void Fail(string source, string field, string what) =>
        LockboxThrow.Layout(source, null, field, LockboxErrors.LayoutCsvMappingCode, LockboxErrors.LayoutCsvMapping, what);
}
