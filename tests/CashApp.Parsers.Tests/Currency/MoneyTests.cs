using CashApp.Parsers.Currency;
using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;

namespace CashApp.Parsers.Tests.Currency;

public sealed class MoneyTests
{
    private static readonly CurrencyCode Usd = new("USD");
    private static readonly CurrencyCode Jpy = new("JPY");
    private static readonly CurrencyCode Bhd = new("BHD");

    [Theory]
    [InlineData("USD", 2)]
    [InlineData("JPY", 0)]
    [InlineData("BHD", 3)]
    [InlineData("EUR", 2)]
    public void CurrencyCode_KnownCode_HasIsoMinorDigits(string code, int digits) =>
        Assert.Equal(digits, new CurrencyCode(code).MinorDigits);

    [Theory]
    [InlineData("XXY")]
    [InlineData("usd")]
    [InlineData("")]
    public void CurrencyCode_UnknownCode_IsRejected(string code)
    {
        Assert.False(CurrencyCode.TryParse(code, out _));
        Assert.Throws<ArgumentException>(() => new CurrencyCode(code));
    }

    [Theory]
    [InlineData("15000.00", 2, 1500000)]
    [InlineData("8.850", 2, 885)]
    [InlineData("8.85", 2, 885)]
    [InlineData("8.8", 2, 880)]
    [InlineData("8", 2, 800)]
    [InlineData("-12.34", 2, -1234)]
    [InlineData("1234567", 0, 1234567)]
    [InlineData("1.234", 3, 1234)]
    public void MinorUnits_ValidDecimal_Parses(string text, int digits, long expected)
    {
        Assert.True(MinorUnits.TryParse(text, digits, out var minor));
        Assert.Equal(expected, minor);
    }

    [Theory]
    [InlineData("8.855", 2)]
    [InlineData("12..34", 2)]
    [InlineData("1,00", 2)]
    [InlineData("", 2)]
    [InlineData("-", 2)]
    [InlineData(".", 2)]
    [InlineData("1.5", 0)]
    [InlineData("99999999999999999999", 2)]
    public void MinorUnits_InvalidDecimal_Fails(string text, int digits) =>
        Assert.False(MinorUnits.TryParse(text, digits, out _));

    [Fact]
    public void Money_MixedCurrencies_ThrowsNamingBoth()
    {
        var ex = Assert.Throws<InvalidOperationException>(() => new Money(100, Usd) + new Money(100, Jpy));
        Assert.Contains("USD", ex.Message, StringComparison.Ordinal);
        Assert.Contains("JPY", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Money_Overflow_Throws() =>
        Assert.Throws<OverflowException>(() => new Money(long.MaxValue, Usd) + new Money(1, Usd));

    [Theory]
    [InlineData(1500000, "USD", "15000.00")]
    [InlineData(1234567, "JPY", "1234567")]
    [InlineData(1234, "BHD", "1.234")]
    [InlineData(-5, "USD", "-0.05")]
    public void Money_ToString_UsesCurrencyDecimals(long minor, string code, string expected) =>
        Assert.Equal(expected, new Money(minor, new CurrencyCode(code)).ToString());

    /// <summary>
    /// The largest amount either side of zero is taken with any number of decimals, and one minor unit more is not.
    /// Once every amount within nine of the limit was refused, while the AR reader's message named the limit.
    /// </summary>
    [Theory]
    [InlineData(0)]
    [InlineData(2)]
    [InlineData(3)]
    public void MinorUnits_AtTheLimit_ParsesAndPastItFails(int digits)
    {
        var largest = MinorUnits.Format(long.MaxValue, digits);
        Assert.True(MinorUnits.TryParse(largest, digits, out var minor));
        Assert.Equal(long.MaxValue, minor);
        Assert.True(MinorUnits.TryParse("-" + largest, digits, out minor));
        Assert.Equal(-long.MaxValue, minor);
        Assert.True(MinorUnits.TryParse(MinorUnits.Format(long.MaxValue - 7, digits), digits, out minor));
        Assert.Equal(long.MaxValue - 7, minor);
        var past = largest[..^1] + "8";
        Assert.False(MinorUnits.TryParse(past, digits, out _));
        Assert.False(MinorUnits.TryParse("-" + past, digits, out _));
    }

    [Property(Replay = "(12345,67891)")]
    public Property MinorUnits_FormatThenParse_RoundTrips(long minor, byte digitsSeed)
    {
        var digits = digitsSeed % 4;
        var text = MinorUnits.Format(minor, digits);
        return (MinorUnits.TryParse(text, digits, out var back) && back == minor).ToProperty();
    }

    [Property(Replay = "(2027,1203)")]
    public Property MinorUnits_TryFormat_WritesTheBytesOfFormat(long minor, byte digitsSeed, byte room)
    {
        var digits = digitsSeed % 5;
        var expected = System.Text.Encoding.ASCII.GetBytes(MinorUnits.Format(minor, digits));
        var destination = new byte[room % 32];
        var fits = MinorUnits.TryFormat(minor, digits, destination, out var written);
        return (fits == (destination.Length >= expected.Length)
            && (!fits || destination.AsSpan(0, written).SequenceEqual(expected))).ToProperty();
    }

    [Fact]
    public void Money_BhdAddition_StaysInFils() =>
        Assert.Equal(new Money(2001, Bhd), Money.Parse("1.001", Bhd) + Money.Parse("1.000", Bhd));
}
