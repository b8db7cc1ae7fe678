using CashApp.Parsers.Currency;
using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;

namespace CashApp.Parsers.Tests.Currency;

/// <summary>
/// The currency table indexed by the code's letters (since session 19, in place of a FrozenDictionary): a code is
/// known exactly when the ISO table lists it, with its decimals and the table's own string, whatever else is asked.
/// </summary>
public sealed class CurrencyCodeTableTests
{
    private static readonly Dictionary<string, byte> Expected = CurrencyCode.Known.ToDictionary(k => k.Code, k => k.Decimals, StringComparer.Ordinal);

    [Fact]
    public void Table_HoldsTheIsoCodes()
    {
        Assert.Equal(160, Expected.Count);
        Assert.Equal(CurrencyCode.Known.Count, Expected.Count);
        Assert.Equal(0, Expected["JPY"]);
        Assert.Equal(3, Expected["BHD"]);
        Assert.Equal(4, Expected["CLF"]);
    }

    [Fact]
    public void TryParse_EveryThreeLetterCode_IsKnownExactlyWhenTheTableListsIt()
    {
        for (var a = 'A'; a <= 'Z'; a++)
        {
            for (var b = 'A'; b <= 'Z'; b++)
            {
                for (var c = 'A'; c <= 'Z'; c++)
                {
                    var code = new string([a, b, c]);
                    Check(code);
                }
            }
        }
    }

    [Property(MaxTest = 2000)]
    public Property TryParse_AnyText_IsKnownExactlyWhenTheTableListsIt() =>
        Prop.ForAll(Arb.From(Gen.OneOf(Gen.ArrayOf(Gen.Elements("AZaz@[`{0 \u00c4".ToCharArray())).Select(c => new string(c)), Gen.Elements([.. Expected.Keys]).Select(k => k.ToLowerInvariant()))), code =>
        {
            Check(code);
            return true;
        });

    private static void Check(string code)
    {
        var known = CurrencyCode.TryParse(code, out var currency);
        Assert.Equal(Expected.ContainsKey(code), known);
        if (known)
        {
            Assert.Equal(Expected[code], currency.MinorDigits);
            Assert.Equal(code, currency.Code);
            Assert.Same(CurrencyCode.Known.First(k => k.Code == code).Code, currency.Code);
            Assert.Equal(Expected[code], new CurrencyCode(code).MinorDigits);
        }
        else
        {
            Assert.Throws<ArgumentException>(() => new CurrencyCode(code));
        }
    }
}
