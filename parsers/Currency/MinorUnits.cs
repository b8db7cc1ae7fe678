using System.Globalization;
using System.Runtime.CompilerServices;

namespace CashApp.Parsers.Currency;

/// <summary>
/// Conversions between decimal text and integer minor units. Extra decimals are accepted only when they
/// are zeros (<c>8.850</c> EUR is 885 cents); a significant extra digit (<c>8.855</c>) fails, because
/// rounding money silently is a guess.
/// </summary>
public static class MinorUnits
{
    /// <summary>Parses <c>[-+]digits[.digits]</c> into minor units with <paramref name="minorDigits"/> decimals.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static bool TryParse(ReadOnlySpan<char> text, int minorDigits, out long minor)
    {
        minor = 0;
        text = text.Trim();
        if (text.IsEmpty)
        {
            return false;
        }

        var negative = false;
        if (text[0] is '-' or '+')
        {
            negative = text[0] == '-';
            text = text[1..];
        }

        if (text.IsEmpty)
        {
            return false;
        }

        long value = 0;
        var seenDigit = false;
        var seenPoint = false;
        var decimals = 0;
        foreach (var c in text)
        {
            if (c == '.')
            {
                if (seenPoint)
                {
                    return false;
                }

                seenPoint = true;
                continue;
            }

            if (c is < '0' or > '9')
            {
                return false;
            }

            seenDigit = true;
            if (seenPoint)
            {
                decimals++;
                if (decimals > minorDigits)
                {
                    if (c != '0')
                    {
                        return false;
                    }

                    continue;
                }
            }

            // Exact: every amount up to long.MaxValue either side of zero is taken, and none past it.
            var digit = c - '0';
            if (value > (long.MaxValue - digit) / 10)
            {
                return false;
            }

            value = (value * 10) + digit;
        }

        if (!seenDigit)
        {
            return false;
        }

        for (var i = Math.Min(decimals, minorDigits); i < minorDigits; i++)
        {
            if (value > long.MaxValue / 10)
            {
                return false;
            }

            value *= 10;
        }

        minor = negative ? -value : value;
        return true;
    }

    /// <summary>Formats minor units as a decimal with exactly <paramref name="minorDigits"/> decimals and <c>.</c>.</summary>
    public static string Format(long minor, int minorDigits)
    {
        if (minorDigits == 0)
        {
            return minor.ToString(CultureInfo.InvariantCulture);
        }

        var negative = minor < 0;
        var abs = negative ? (ulong)(-(minor + 1)) + 1 : (ulong)minor;
        ulong scale = 1;
        for (var i = 0; i < minorDigits; i++)
        {
            scale *= 10;
        }

        var whole = abs / scale;
        var fraction = abs % scale;
        var text = string.Create(CultureInfo.InvariantCulture, $"{whole}.{fraction.ToString(new string('0', minorDigits), CultureInfo.InvariantCulture)}");
        return negative ? "-" + text : text;
    }

    /// <summary>
    /// A sum of amounts as <see cref="Format(long, int)"/> writes an amount, also past a long's range (many amounts near
    /// the 18-digit limit add up to more): totals in the match run's report and on the dashboard.
    /// </summary>
    public static string Format(Int128 minor, int minorDigits)
    {
        if (minor >= long.MinValue && minor <= long.MaxValue)
        {
            return Format((long)minor, minorDigits);
        }

        var abs = minor < 0 ? (UInt128)(-(minor + 1)) + 1 : (UInt128)minor;
        var digits = abs.ToString(CultureInfo.InvariantCulture);
        if (minorDigits > 0)
        {
            // Past a long there are always more than 18 digits, so the whole part is never empty.
            digits = string.Concat(digits.AsSpan(0, digits.Length - minorDigits), ".", digits.AsSpan(digits.Length - minorDigits));
        }

        return minor < 0 ? "-" + digits : digits;
    }

    /// <summary>
    /// Writes what <see cref="Format(long, int)"/> returns, as UTF-8 (ASCII) bytes, without making a string: false when
    /// <paramref name="utf8Destination"/> is too short (at most 22 bytes are needed for up to 18 decimals).
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static bool TryFormat(long minor, int minorDigits, Span<byte> utf8Destination, out int bytesWritten)
    {
        if (minorDigits <= 0)
        {
            return minor.TryFormat(utf8Destination, out bytesWritten, default, CultureInfo.InvariantCulture);
        }

        bytesWritten = 0;
        var negative = minor < 0;
        var abs = negative ? (ulong)(-(minor + 1)) + 1 : (ulong)minor;
        ulong scale = 1;
        for (var i = 0; i < minorDigits; i++)
        {
            scale *= 10;
        }

        var whole = abs / scale;
        var fraction = abs % scale;
        var at = 0;
        if (negative)
        {
            if (utf8Destination.IsEmpty)
            {
                return false;
            }

            utf8Destination[at++] = (byte)'-';
        }

        if (!whole.TryFormat(utf8Destination[at..], out var wholeBytes, default, CultureInfo.InvariantCulture)
            || utf8Destination.Length < at + wholeBytes + 1 + minorDigits)
        {
            return false;
        }

        at += wholeBytes;
        utf8Destination[at++] = (byte)'.';
        for (var i = at + minorDigits - 1; i >= at; i--)
        {
            utf8Destination[i] = (byte)('0' + (int)(fraction % 10));
            fraction /= 10;
        }

        bytesWritten = at + minorDigits;
        return true;
    }
}
