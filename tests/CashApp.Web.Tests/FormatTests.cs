using System.Globalization;
using CashApp.Grpc.Web;
using CashApp.Parsers.Currency;
using FsCheck.Xunit;

namespace CashApp.Web.Tests;

/// <summary>How the pages write a sum of amounts that may pass a long (the dashboard's unapplied cash).</summary>
public sealed class FormatTests
{
    private static readonly CurrencyCode[] Currencies = [new("USD"), new("JPY"), new("BHD")];

    [Property]
    public void Amount_OfASumThatFitsALong_IsTheAmountsFormat(long minor, byte pick)
    {
        var currency = Currencies[pick % Currencies.Length];
        Assert.Equal(Format.Amount(minor, currency), Format.Amount((Int128)minor, currency));
    }

    [Property]
    public void Amount_PastALong_IsTheSumInFullWithTheCurrencysDecimals(long high, ulong low, byte pick)
    {
        // Any Int128 from two random halves; those that fit a long are the property above.
        var currency = Currencies[pick % Currencies.Length];
        var sum = ((Int128)high << 64) | low;
        var text = Format.Amount(sum, currency);

        var point = text.IndexOf('.', StringComparison.Ordinal);
        Assert.Equal(currency.MinorDigits == 0 ? -1 : text.Length - currency.MinorDigits - 1, point);
        Assert.Equal(sum, Int128.Parse(text.Replace(".", string.Empty, StringComparison.Ordinal), NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture));
    }

    [Theory]
    [InlineData("10999999999999999989", "USD", "109999999999999999.89")]
    [InlineData("-9223372036854775809", "USD", "-92233720368547758.09")]
    [InlineData("9223372036854775808", "JPY", "9223372036854775808")]
    [InlineData("9223372036854775808", "BHD", "9223372036854775.808")]
    [InlineData("-170141183460469231731687303715884105728", "USD", "-1701411834604692317316873037158841057.28")]
    public void Amount_PastALong_Examples(string sum, string currency, string expected) =>
        Assert.Equal(expected, Format.Amount(Int128.Parse(sum, CultureInfo.InvariantCulture), new CurrencyCode(currency)));
}
