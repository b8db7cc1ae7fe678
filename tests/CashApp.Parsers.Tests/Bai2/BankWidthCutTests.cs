using CashApp.Parsers.Camt;
using CashApp.Parsers.Common;
using CashApp.Parsers.Currency;
using CashApp.Parsers.Remittance;
using CashApp.Parsers.Tests.Camt;

namespace CashApp.Parsers.Tests.Bai2;

/// <summary>
/// Bank text cut where the bank's width runs out (issue 15): at every cut position, the words read are the words
/// written. A cut inside a word or number never splits it, and a field that starts its own continuation or line
/// (<c>CHARGES:SHA</c>) is never glued to the value before it.
/// </summary>
public sealed class BankWidthCutTests
{
    private const string Fields = "ORG:BLUEWATER INSTRUMENTS CORP ID:20825016417 ORG BK:CITIZENS NA OBI:FACTUURNR 9004204786";

    private static string[] Words(string? text) => (text ?? string.Empty).Split(' ', StringSplitOptions.RemoveEmptyEntries);

    [Fact]
    public void Parse_Bai2ContinuationsCutAtEveryPosition_ReadTheWordsWritten()
    {
        // The bank starts CHARGES:SHA on a record of its own, with no space before it, and cuts the text before at its width.
        for (var cut = 1; cut < Fields.Length; cut++)
        {
            string[] pieces = [Fields[..cut], Fields[cut..], "CHARGES:SHA"];
            var raw = string.Concat(pieces);
            int[] starts = [cut, Fields.Length];
            var text = PaymentTextParser.Parse(raw, 2, starts);
            Assert.True(("BLUEWATER INSTRUMENTS CORP", "20825016417") == (text.PayerName, text.PayerId), $"cut at {cut}: {text.PayerName} / {text.PayerId}");
            Assert.True(Words(text.RemittanceText).SequenceEqual(["FACTUURNR", "9004204786", "CHARGES:SHA"]), $"cut at {cut}: '{text.RemittanceText}'");
        }
    }

    [Fact]
    public void Parse_Bai2NameThenKeyOfAnUnknownLayoutOnItsOwnRecord_KeyIsNoPartOfTheName()
    {
        // The 16 record's text, then two 88 continuations.
        string[] pieces = ["B/O:ACME GMBH", "CHARGES:SHA", " OBI:INV 55"];
        var text = PaymentTextParser.Parse(string.Concat(pieces), 2, [pieces[0].Length, pieces[0].Length + pieces[1].Length]);
        Assert.Equal(("ACME GMBH", "INV 55"), (text.PayerName, text.RemittanceText));
    }

    [Fact]
    public void Read_CamtUstrdLinesCutAtTheirWidthAtEveryPosition_ReadTheWordsWritten()
    {
        const string tail = "FACTUURNR 9004204786 CHARGES:SHA REF A-4521/2026";
        for (var shift = 0; shift <= tail.Length; shift++)
        {
            // Words of filler put the cut (at 140) at every position of the tail.
            var filler = new string('X', 140 - shift - 1);
            var written = filler + " " + tail;
            string[] lines = [written[..140], written[140..]];
            var read = ReadUstrd(lines.Where(l => l.Length > 0).ToArray());
            Assert.True(Words(read).SequenceEqual(Words(written)), $"cut at {140 - filler.Length - 1}: '{read}'");
        }
    }

    [Fact]
    public void Read_CamtFieldOnItsOwnLineAfterAFullLine_IsNotGluedToTheValueBefore()
    {
        var first = new string('X', 119) + " FACTUURNR 9004204786";
        Assert.Equal(140, first.Length);
        Assert.Equal(Words(first).Append("CHARGES:SHA"), Words(ReadUstrd([first, "CHARGES:SHA"])));
    }

    [Fact]
    public void Read_CamtLinesShorterThanTheWidth_AreJoinedWithASpace()
    {
        // A line the payer ended is a line: "INVOICE" and "9001313013" stay two words.
        Assert.Equal("INVOICE 1 INVOICE 9001313013", ReadUstrd(["INVOICE 1 INVOICE", "9001313013"]));
    }

    private static string? ReadUstrd(string[] lines)
    {
        var detail = new DetailModel(1_000_00, null, "T1", null, "ACME GMBH", null, null, lines, []);
        var entry = new EntryModel(1_000_00, new CurrencyCode("EUR"), Direction.Credit, "BOOK", false, "E1", null, new DateOnly(2026, 11, 20), [detail]);
        var bytes = CamtWriter.Write(new StatementModel(8, false, null, [entry]));
        var read = CamtReader.Read(new MemoryStream(bytes), "cut.xml", new CamtReaderOptions(), new List<ParseWarning>()).Single();
        return read.FreeText;
    }

    [Theory]
    [InlineData("ORDERING CUST:ACME GMBH DETAILS:INV 4711", "ACME GMBH", "INV 4711")]
    [InlineData("ORDERING CUSTOMER:ACME GMBH ORG BK:DEUTSCHE BANK DETAILS:RE 4711", "ACME GMBH", "RE 4711")]
    [InlineData("TRN:1 B/O:ACME GMBH OBI:RE: 1022168", "ACME GMBH", "RE: 1022168")]
    public void Parse_KeyValueLayouts_NameThePayerAndTheRemittanceAndNoKeyIsPartOfEither(string raw, string payer, string remittance)
    {
        var text = PaymentTextParser.Parse(raw, 2);
        Assert.Equal((payer, remittance), (text.PayerName, text.RemittanceText));
    }
}
