using System.Globalization;
using CashApp.Engine.Model;
using CashApp.Parsers.Currency;
using CashApp.Store;

namespace CashApp.Grpc.Web;

/// <summary>How the pages write money, ages, reasons and confidences.</summary>
internal static class Format
{
    public static string Amount(Money money) => Amount(money.Minor, money.Currency);

    public static string Amount(long minor, CurrencyCode currency) => MinorUnits.Format(minor, currency.MinorDigits);

    /// <summary>A sum of amounts, which may pass a <see cref="long"/> (many amounts near the 18-digit limit), in full.</summary>
    public static string Amount(Int128 minor, CurrencyCode currency) => MinorUnits.Format(minor, currency.MinorDigits);

    public static string Age(DateTimeOffset since, DateTimeOffset now)
    {
        var age = now - since;
        return age.TotalDays >= 1
            ? string.Create(CultureInfo.InvariantCulture, $"{(int)age.TotalDays}d {age.Hours}h")
            : age.TotalHours >= 1 ? string.Create(CultureInfo.InvariantCulture, $"{(int)age.TotalHours}h {age.Minutes}m") : string.Create(CultureInfo.InvariantCulture, $"{Math.Max(0, (int)age.TotalMinutes)}m");
    }

    public static string Percent(double share) => string.Create(CultureInfo.InvariantCulture, $"{share * 100:0}%");

    public static string Date(DateOnly? date) => date?.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture) ?? string.Empty;

    public static string Reason(ExceptionReason reason) => LedgerCodes.Of(reason);

    public static string Time(DateTimeOffset at) => at.UtcDateTime.ToString("yyyy-MM-dd HH:mm 'UTC'", CultureInfo.InvariantCulture);

    public static string Invariant(long value) => value.ToString(CultureInfo.InvariantCulture);

    /// <summary>Parses an amount typed in major units (<c>1,234.50</c>) into minor units; false when it is not one.</summary>
    public static bool TryParseAmount(string? text, int minorDigits, out long minor)
    {
        minor = 0;
        return !string.IsNullOrWhiteSpace(text) && MinorUnits.TryParse(text.Replace(",", string.Empty, StringComparison.Ordinal), minorDigits, out minor);
    }

    /// <summary>A local path to go back to, or the worklist: never another site.</summary>
    public static string LocalOrHome(string? path) =>
        path is { Length: > 0 } && path[0] == '/' && (path.Length == 1 || (path[1] != '/' && path[1] != '\\')) ? path : "/";
}
