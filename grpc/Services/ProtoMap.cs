using System.Globalization;
using CashApp.Engine.Model;
using CashApp.Parsers.Currency;
using Google.Protobuf.WellKnownTypes;

namespace CashApp.Grpc.Services;

/// <summary>
/// Maps between the cashapp.v1 messages and the engine's model, and validates on the way in. Pure static
/// functions: the services stay thin, and tests call these directly. One aspect file per service.
/// </summary>
internal static partial class ProtoMap
{
    /// <summary>Longest key (item_id, customer_id, payment_ref, ...) accepted.</summary>
    public const int MaxKeyLength = 128;

    /// <summary>Longest free text (names, remittance text, reasons) accepted.</summary>
    public const int MaxTextLength = 4096;

    internal static CurrencyCode? Currency(string code, FieldPath field, Violations violations)
    {
        if (string.IsNullOrEmpty(code))
        {
            violations.Add(field, "required: an ISO 4217 code such as USD.");
            return null;
        }

        if (!CurrencyCode.TryParse(code, out var currency))
        {
            violations.Add(field, $"'{Clip(code)}' is not a known ISO 4217 currency code.");
            return null;
        }

        return currency;
    }

    internal static string? Key(string value, FieldPath field, Violations violations, bool required = true)
    {
        if (string.IsNullOrWhiteSpace(value))
        {
            if (required)
            {
                violations.Add(field, "required.");
            }

            return null;
        }

        if (value.Length > MaxKeyLength)
        {
            violations.Add(field, $"at most {MaxKeyLength} characters, found {value.Length}.");
            return null;
        }

        return value;
    }

    /// <summary>
    /// An item's or customer's id (<c>item_id</c>, <c>customer_id</c>, <c>parent_id</c>): a <see cref="Key"/> without control
    /// characters, as the AR files' readers refuse them. The id is stored and written to CSV files, logs and pages, which
    /// would each read one differently, and a ledger exported with one could not be read back.
    /// </summary>
    internal static string? IdKey(string value, FieldPath field, Violations violations, bool required = true)
    {
        if (Key(value, field, violations, required) is not { } key)
        {
            return null;
        }

        if (ControlCharacters.FirstIn(key) is var control and >= 0)
        {
            violations.Add(field, string.Create(CultureInfo.InvariantCulture, $"no control characters: found U+{(int)key[control]:X4} at character {control + 1}."));
            return null;
        }

        return key;
    }

    internal static string? Text(string value, FieldPath field, Violations violations)
    {
        if (value.Length > MaxTextLength)
        {
            violations.Add(field, $"at most {MaxTextLength} characters, found {value.Length}.");
            return null;
        }

        return value.Length == 0 ? null : value;
    }

    internal static DateOnly? Date(Google.Type.Date? date, FieldPath field, Violations violations, bool required)
    {
        if (date is null || (date.Year == 0 && date.Month == 0 && date.Day == 0))
        {
            if (required)
            {
                violations.Add(field, "required: a full date (year, month, day).");
            }

            return null;
        }

        if (date.Year is < 1 or > 9999 || date.Month is < 1 or > 12 || date.Day < 1 || date.Day > DateTime.DaysInMonth(date.Year, date.Month))
        {
            violations.Add(field, $"{date.Year:D4}-{date.Month:D2}-{date.Day:D2} is not a calendar date.");
            return null;
        }

        return new DateOnly(date.Year, date.Month, date.Day);
    }

    internal static Google.Type.Date? ToProto(DateOnly? date) =>
        date is { } d ? new Google.Type.Date { Year = d.Year, Month = d.Month, Day = d.Day } : null;

    internal static Timestamp? ToProto(DateTimeOffset? at) => at is { } t ? Timestamp.FromDateTimeOffset(t) : null;

    internal static string Clip(string text) => text.Length <= 40 ? text : text[..40] + "...";
}
