using CashApp.Engine.Model;

namespace CashApp.Engine.Tests.Matching;

public sealed class PaymentTermsParseTests
{
    [Theory]
    [InlineData("2/10 NET 30", 200, 10, 30)]
    [InlineData("2/10 net 30", 200, 10, 30)]
    [InlineData("1.5/10 NET 45", 150, 10, 45)]
    [InlineData("2/10 N30", 200, 10, 30)]
    [InlineData("2/10 N/30", 200, 10, 30)]
    [InlineData("2%/10 NET30", 200, 10, 30)]
    [InlineData("2/10", 200, 10, null)]
    [InlineData("NET 30", 0, 0, 30)]
    [InlineData("NET30", 0, 0, 30)]
    [InlineData("DUE ON RECEIPT", 0, 0, null)]
    public void TryParse_KnownForms_ReadsDiscountAndDays(string text, int basisPoints, int days, int? net)
    {
        Assert.True(PaymentTerms.TryParse(text, out var terms, out _));
        Assert.Equal((basisPoints, days, net), (terms!.DiscountBasisPoints, terms.DiscountDays, terms.NetDays));
        Assert.Equal(text, terms.ToString());
    }

    [Theory]
    [InlineData("")]
    [InlineData("   ")]
    [InlineData(null)]
    public void TryParse_Empty_IsNoTerms(string? text)
    {
        Assert.True(PaymentTerms.TryParse(text, out var terms, out _));
        Assert.Null(terms);
    }

    [Theory]
    [InlineData("2/X NET 30")]
    [InlineData("X/10 NET 30")]
    [InlineData("2/40 NET 30")]
    [InlineData("0/10 NET 30")]
    [InlineData("2.125/10 NET 30")]
    [InlineData("2/10 NETTO")]
    public void TryParse_ADiscountItCannotRead_SaysWhatItExpected(string text)
    {
        Assert.False(PaymentTerms.TryParse(text, out _, out var expected));
        Assert.False(string.IsNullOrEmpty(expected));
    }

    [Theory]
    [InlineData(1_000_00, 200, 20_00)]
    [InlineData(100_25, 200, 2_01)] // 2.005 rounds half away from zero
    [InlineData(100_24, 200, 2_00)]
    [InlineData(333_33, 150, 5_00)]
    public void DiscountMinor_RoundsHalfAwayFromZeroInMinorUnits(long open, int basisPoints, long discount)
    {
        Assert.Equal(discount, new PaymentTerms("t", basisPoints, 10, 30).DiscountMinor(open));
    }
}
