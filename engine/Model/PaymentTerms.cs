using System.Globalization;

namespace CashApp.Engine.Model;

/// <summary>
/// An item's payment terms as <c>open_items.csv</c> gives them (<c>payment_terms</c>, CONTRACT.md): <c>NET 30</c>,
/// or <c>2/10 NET 30</c>, a 2 % early-payment discount if paid within 10 days of the document date, else the
/// net amount within 30. The discount is kept in basis points (hundredths of a percent), so that it is exact.
/// </summary>
/// <remarks>
/// Terms the engine cannot read as a discount (<c>DUE ON RECEIPT</c>, <c>EOM</c>) are kept as text and allow no
/// discount: a payment short of such an item is decided by the other rules, as without terms.
/// </remarks>
public sealed record PaymentTerms(string Text, int DiscountBasisPoints, int DiscountDays, int? NetDays)
{
    /// <summary>Whether these terms grant an early-payment discount.</summary>
    public bool HasDiscount => DiscountBasisPoints > 0;

    /// <summary>The last day on which the discount may be taken (the document date plus the discount days).</summary>
    public DateOnly DiscountUntil(DateOnly docDate) => docDate.AddDays(DiscountDays);

    /// <summary>
    /// The discount on <paramref name="openMinor"/> in minor units, rounded half away from zero: 2 % of 100.25 is
    /// 2.01 (2.005 rounded up). Payers round their own way; the matcher accepts one minor unit either side.
    /// </summary>
    public long DiscountMinor(long openMinor) =>
        (long)Math.Round((decimal)openMinor * DiscountBasisPoints / 10_000m, MidpointRounding.AwayFromZero);

    /// <summary>
    /// Reads terms: empty or blank is no terms (null); <c>NET n</c> (also <c>NET n</c> without the space, <c>N30</c>);
    /// <c>p/d NET n</c> with a percentage of at most two decimals (<c>1.5/10 NET 45</c>, <c>2/10 N30</c>, <c>2/10</c>).
    /// Other words are kept as terms without a discount. Returns false, with what was expected, for a value
    /// that looks like a discount (it has a <c>/</c>) but cannot be read as one: it would otherwise be ignored.
    /// </summary>
    public static bool TryParse(string? text, out PaymentTerms? terms, out string? expected)
    {
        terms = null;
        expected = null;
        var trimmed = text?.Trim() ?? string.Empty;
        if (trimmed.Length == 0)
        {
            return true;
        }

        var upper = trimmed.ToUpperInvariant();
        var slash = upper.IndexOf('/', StringComparison.Ordinal);
        if (slash < 0)
        {
            terms = new PaymentTerms(trimmed, 0, 0, NetDaysOf(upper));
            return true;
        }

        // p/d, then optionally NET n (a second slash, N/30, is read as NET 30).
        var percentText = upper[..slash].Trim().TrimEnd('%');
        var rest = upper[(slash + 1)..].TrimStart();
        var digits = 0;
        while (digits < rest.Length && char.IsAsciiDigit(rest[digits]))
        {
            digits++;
        }

        var net = rest[digits..].Trim();
        if (!decimal.TryParse(percentText, NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out var percent)
            || percent <= 0 || percent >= 100 || decimal.Round(percent, 2) != percent
            || digits == 0 || !int.TryParse(rest.AsSpan(0, digits), NumberStyles.None, CultureInfo.InvariantCulture, out var days) || days > 3660
            || (net.Length > 0 && NetDaysOf(net.Replace("/", " ", StringComparison.Ordinal)) is null))
        {
            expected = "payment terms such as NET 30 or 2/10 NET 30 (percent/days, then NET days)";
            return false;
        }

        var netDays = net.Length > 0 ? NetDaysOf(net.Replace("/", " ", StringComparison.Ordinal)) : null;
        if (netDays < days)
        {
            expected = $"net days ({netDays}) at least the discount days ({days})";
            return false;
        }

        terms = new PaymentTerms(trimmed, (int)(percent * 100), days, netDays);
        return true;
    }

    /// <summary>The days of <c>NET n</c>, <c>NETn</c> or <c>N n</c>; null for other words.</summary>
    private static int? NetDaysOf(string upper)
    {
        var s = upper.Trim();
        var word = s.StartsWith("NET", StringComparison.Ordinal) ? 3 : s.StartsWith('N') ? 1 : -1;
        if (word < 0)
        {
            return null;
        }

        var number = s[word..].Trim();
        return number.Length is > 0 and <= 4 && int.TryParse(number, NumberStyles.None, CultureInfo.InvariantCulture, out var days) ? days : null;
    }

    /// <inheritdoc/>
    public override string ToString() => Text;
}
