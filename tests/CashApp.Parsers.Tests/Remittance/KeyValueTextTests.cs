using CashApp.Parsers.Remittance;

namespace CashApp.Parsers.Tests.Remittance;

/// <summary>
/// Keys of layouts the parser does not know as labels (<c>REF:</c>, <c>NAME=</c>, SWIFT <c>/ROC/</c>) name the parts of
/// a payment text: a key is never part of a name, and the number after a reference key is read as a reference
/// (issue 15). The texts are written here in the layouts banks use, not copied from any bank's file.
/// </summary>
public sealed class KeyValueTextTests
{
    [Theory]
    [InlineData("ORG:ACME INDUSTRIAL LLC REF:INV-1001 ORG BK:FIRST CITIZENS BANK", "ACME INDUSTRIAL LLC", "INV-1001")]
    [InlineData("ORG:ACME INDUSTRIAL LLC REF=INV-1001", "ACME INDUSTRIAL LLC", "INV-1001")]
    [InlineData("ORIG:ACME INDUSTRIAL LLC /ROC/INV-1001 ID:4471130", "ACME INDUSTRIAL LLC", "INV-1001")]
    [InlineData("ORIG:ACME INDUSTRIAL LLC /INV/2026-00421", "ACME INDUSTRIAL LLC", "2026-00421")]
    [InlineData("B/O:ACME INDUSTRIAL LLC,REF:90012345 TRN:7", "ACME INDUSTRIAL LLC", "90012345")]
    [InlineData("DBNM: ACME INDUSTRIAL LLC;INVOICE: 4521-7", "ACME INDUSTRIAL LLC", "4521-7")]
    public void Parse_ReferenceKeyAfterAName_EndsTheNameAndIsReadAsRemittance(string raw, string name, string remittance)
    {
        var text = PaymentTextParser.Parse(raw, 2);
        Assert.Equal((name, remittance), (text.PayerName, text.RemittanceText));
    }

    [Theory]
    [InlineData("ORG:ACME INDUSTRIAL LLC NAME=ACME INDUSTRIAL", "ACME INDUSTRIAL LLC")]
    [InlineData("ORG:NAME=ACME INDUSTRIAL LLC", "ACME INDUSTRIAL LLC")]
    [InlineData("ORG:ACME INDUSTRIAL LLC BREF: 204820942048", "ACME INDUSTRIAL LLC")]
    [InlineData("ORDERING CUST:/DE89370400440532013000 ACME GMBH", "ACME GMBH")]
    [InlineData("DBNM: ACME INDUSTRIAL LLC,CACT: 4001234567", "ACME INDUSTRIAL LLC")]
    [InlineData("DBNM: ACME INDUSTRIAL LLC CLEARING REF: 20230821MMQFMPU7004100", "ACME INDUSTRIAL LLC")]
    [InlineData("DBNM: ACME INDUSTRIAL LLC Ref: 20230821MMQFMPU7004100", "ACME INDUSTRIAL LLC")]
    public void Parse_OtherKeysAroundAName_AreNeverPartOfIt(string raw, string name)
    {
        var text = PaymentTextParser.Parse(raw, 2);
        Assert.Equal(name, text.PayerName);

        // Keys that name no reference give nothing to read as one: a bank's own reference is no payer's quote.
        Assert.Null(text.RemittanceText);
    }

    [Theory]
    [InlineData("A/S ØRSTED WIND")]
    [InlineData("ACME: THE TOOL COMPANY")]
    [InlineData("ACME INDUSTRIAL LLC")]
    public void Parse_NameWithoutAKey_StaysWhole(string name)
    {
        Assert.Equal(name, PaymentTextParser.Parse("ORG:" + name + " ORG BK:FIRST CITIZENS BANK", 2).PayerName);
    }

    [Fact]
    public void Parse_FedwireReferenceForBeneficiary_IsReadAsRemittance()
    {
        var text = PaymentTextParser.Parse("WIRE TYPE:FED IN TRN:26112000000010FW ORIG:VALLEY FOODS INC ID:86522516631 RFB:INV-1001 OBI:SEE ADVICE", 2);
        Assert.Equal(("VALLEY FOODS INC", "INV-1001 SEE ADVICE"), (text.PayerName, text.RemittanceText));
    }

    [Theory]
    [InlineData("ORIG CO NAME:ACME INDUSTRIAL ORIG ID:1234567890 ENTRY DESCR:PAYMENT INV-1001 SEC:CCD TRACE#:021000020000021", "PAYMENT INV-1001")]
    [InlineData("CO NAME:ACME INDUSTRIAL CO ID:1234567890 CO ENTRY DESCR:INV-1001 SEC:CCD ADDENDA:THANK YOU", "INV-1001 THANK YOU")]
    public void Parse_AchEntryDescriptionWithANumber_IsReadForReferencesButNeverAsAName(string raw, string remittance)
    {
        var text = PaymentTextParser.Parse(raw, 2);
        Assert.Equal(("ACME INDUSTRIAL", "1234567890", remittance), (text.PayerName, text.PayerId, text.RemittanceText));

        // The weak label after the description still counts: the description is no remittance text that hides it.
        Assert.Equal("CCD", text.Fields["SEC"]);
    }

    [Theory]
    [InlineData("ORIG CO NAME:ACME INDUSTRIAL ORIG ID:1234567890 ENTRY DESCR:PAYMENT SEC:CCD ADDENDA:INV-1001", "INV-1001")]
    [InlineData("ORIG CO NAME:ACME INDUSTRIAL ORIG ID:1234567890 ENTRY DESCR:EDI PYMNTS SEC:CTX", null)]
    public void Parse_AchEntryDescriptionOfWordsAlone_AddsNothingToTheRemittance(string raw, string? remittance)
    {
        var text = PaymentTextParser.Parse(raw, 2);
        Assert.Equal(("ACME INDUSTRIAL", remittance), (text.PayerName, text.RemittanceText));
    }
}
