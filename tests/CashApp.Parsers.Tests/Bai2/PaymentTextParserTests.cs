using System.Diagnostics;
using System.Text;
using CashApp.Parsers.Bai2;
using CashApp.Parsers.Common;
using CashApp.Parsers.Remittance;
using CashApp.Tests;

namespace CashApp.Parsers.Tests.Bai2;

public sealed class PaymentTextParserTests
{
    [Fact]
    public void Parse_AchCcdText_GivesOriginatorAndAddenda()
    {
        var text = PaymentTextParser.Parse("ORIG CO NAME:MAPLE LABS ORIG ID:8948020596 DESC DATE:261120 ENTRY DESCR:PAYMENT SEC:CCD TRACE#:632180669176001 EED:261120 IND ID:556986 IND NAME:YOURCO ADDENDA:PAYMENT FOR INV 126161/INV 1026146", 2);
        Assert.Equal(("MAPLE LABS", "8948020596", null), (text.PayerName, text.PayerId, text.PayerAccount));
        Assert.Equal("PAYMENT FOR INV 126161/INV 1026146", text.RemittanceText);
        Assert.Equal("CCD", text.Fields["SEC"]);
        Assert.Empty(text.Lines);
    }

    [Fact]
    public void Parse_CtxAddendaWithRmrSegments_GivesRemittanceLinesWithKindsAndAmounts()
    {
        var text = PaymentTextParser.Parse("ORIG CO NAME:LONE& CANYON PRE ORIG ID:9727532473 SEC:CTX ADDENDA:RMR*IV*INV-1022017*PI*24181.85*25000.00*818.15\\RMR*CM*CM-9*PI*-100.00\\RMR*PO*PO-1*PI*5\\NTE*ZZZ*THANK YOU\\", 2);
        Assert.Equal(
            [new RemittanceLine("INV-1022017", 2418185, RemittanceKind.Invoice) { InvoicedMinor = 2500000, DiscountMinor = 81815 }, new RemittanceLine("CM-9", -10000, RemittanceKind.CreditNote), new RemittanceLine("PO-1", 500, RemittanceKind.PurchaseOrder)],
            text.Lines);
        Assert.Equal("THANK YOU", text.RemittanceText);
    }

    [Fact]
    public void Parse_RmrWithTildeTerminatorAndJpy_UsesTheCurrencysDecimals()
    {
        var text = PaymentTextParser.Parse("RMR*IV*77*PI*1234567~RMR*IV*78*PI*12.5~", 0);
        Assert.Equal([1234567L, null], text.Lines.Select(l => l.AmountMinor));
    }

    [Fact]
    public void Parse_FedwireText_GivesOriginatorAccountAndObi()
    {
        var text = PaymentTextParser.Parse("WIRE TYPE:FED IN DATE:261120 TIME:0915 ET TRN:26112000000010FW ORIG:VALLEY FOODS INC ID:86522516631 ORIG BK:BANK OF AMERICA OBI:PAYMENT FOR 1024647", 2);
        Assert.Equal(("VALLEY FOODS INC", "86522516631", "86522516631"), (text.PayerName, text.PayerId, text.PayerAccount));
        Assert.Equal("PAYMENT FOR 1024647", text.RemittanceText);
        Assert.Equal("BANK OF AMERICA", text.Fields["ORIG BK"]);
    }

    [Fact]
    public void Parse_ByOrderOfWithoutOriginator_TakesTheByOrderOfName()
    {
        var text = PaymentTextParser.Parse("TRN:1 B/O:ACME GMBH OBI:RE: 1022168", 2);
        Assert.Equal(("ACME GMBH", "RE: 1022168"), (text.PayerName, text.RemittanceText));
    }

    [Fact]
    public void Parse_KeyValueContinuations_StartLabelsAtEachContinuation()
    {
        string[] pieces = ["Incoming Wire", "EREF: X1", "DBNM: SAMPLE INC", "DACT: 000001000600427", "DABA: 021000021", "REMI: INV 55"];
        var raw = string.Concat(pieces);
        var starts = pieces.Skip(1).Select((_, i) => pieces.Take(i + 1).Sum(p => p.Length)).ToArray();
        var text = PaymentTextParser.Parse(raw, 2, starts);
        Assert.Equal(("SAMPLE INC", "021000021:000001000600427", "INV 55"), (text.PayerName, text.PayerAccount, text.RemittanceText));
    }

    [Fact]
    public void Parse_PlainText_IsNotRecognized()
    {
        var text = PaymentTextParser.Parse("RETURNED CHEQUE", 2);
        Assert.False(text.Recognized);
        Assert.Null(text.PayerName);
    }

    [SkippableFact]
    public async Task ReadAsync_CashbenchDay_GivesEveryAchAndWireCredit()
    {
        var dir = Path.Combine(Path.GetTempPath(), "cashapp-bai2-" + Guid.NewGuid().ToString("N"));
        try
        {
            using (var gen = Process.Start(new ProcessStartInfo("python3", [TestPaths.SharedFile("cashbench", "gen.py"), "--out", dir, "--seed", "1"]) { RedirectStandardOutput = true })!)
            {
                await gen.WaitForExitAsync();
                Assert.Equal(0, gen.ExitCode);
            }

            var truth = (await File.ReadAllLinesAsync(Path.Combine(dir, "truth", "payments.csv"))).Skip(1)
                .Select(l => l.Split(',')).Where(c => c[1] is "ach_ctx" or "ach_ccd" or "wire").ToDictionary(c => c[0], c => c);
            var transactions = await Bai2Harness.ReadTransactionsAsync(await File.ReadAllBytesAsync(Path.Combine(dir, "bank", "day.bai2")), new Bai2ReaderOptions());
            var credits = transactions.Where(t => t.Direction == Direction.Credit).ToList();
            Assert.Equal(truth.Count, credits.Count);
            Assert.All(credits, t =>
            {
                Assert.True(t.IsPayment);
                var row = truth[t.PaymentRef];
                Assert.Equal(row[4], CashApp.Parsers.Currency.MinorUnits.Format(t.AmountMinor, 2));
                Assert.NotNull(t.Extra["raw_text"]);
            });
            Assert.All(credits.Where(t => truth[t.PaymentRef][1] == "ach_ctx"), t => Assert.Contains("SEC:CTX", t.Extra["raw_text"], StringComparison.Ordinal));
            Assert.Contains(credits, t => t.Remittance.Count > 0);
            Assert.DoesNotContain(credits, t => t.PayerName is { } name && name.Contains(" ID:", StringComparison.Ordinal));
        }
        finally
        {
            if (Directory.Exists(dir))
            {
                Directory.Delete(dir, recursive: true);
            }
        }
    }

    [Fact]
    public async Task ReadAsync_ControlTotalOff_MessageNamesFileLineRecordFieldExpectedAndFound()
    {
        var bytes = Encoding.ASCII.GetBytes("01,S,R,260101,0000,1,,,2/\n02,,B,1,260101,,,/\n03,1,USD/\n16,165,100,0,R1,,T\n49,101,3/\n98,101,1,5/\n99,101,1,7/\n");
        var error = await Assert.ThrowsAsync<Bai2FormatException>(() => Bai2Harness.ReadTransactionsAsync(bytes, new Bai2ReaderOptions(), fileName: "day.bai2"));
        Assert.Equal((Bai2ErrorCodes.ControlTotal, 5L, "49", 1), (error.ErrorCode, error.LineNumber, error.RecordCode, error.FieldIndex));
        var detail = Bai2ErrorMessages.Format(Bai2ErrorMessages.ControlTotal, 100, "the account's summary and detail amounts", 101) + Bai2ErrorMessages.AcceptedWhenLenient;
        Assert.Equal(Bai2ErrorMessages.Format(Bai2ErrorMessages.Location, "day.bai2", 5, "account trailer", "49", "field 1 (account control total)", detail), error.Message);
    }

    [Fact]
    public async Task ReadAsync_SignedDetailAmount_IsRejected()
    {
        var bytes = Encoding.ASCII.GetBytes("01,S,R,260101,0000,1,,,2/\n02,,B,1,260101,,,/\n03,1,USD/\n16,165,-100,0,R1,,T\n49,-100,3/\n98,-100,1,5/\n99,-100,1,7/\n");
        var error = await Assert.ThrowsAsync<Bai2FormatException>(() => Bai2Harness.ReadTransactionsAsync(bytes, new Bai2ReaderOptions { Lenient = true }));
        Assert.Equal((Bai2ErrorCodes.BadNumber, 4L, 2), (error.ErrorCode, error.LineNumber, error.FieldIndex));
    }

    [Fact]
    public void TypeCodes_Table_TellsCreditsDebitsAndSummaries()
    {
        Assert.Equal((Direction.Credit, Bai2TypeLevel.Detail), (Bai2TypeCodes.Get(195).Direction!.Value, Bai2TypeCodes.Get(195).Level));
        Assert.Equal((Direction.Debit, Bai2TypeLevel.Summary), (Bai2TypeCodes.Get(400).Direction!.Value, Bai2TypeCodes.Get(400).Level));
        Assert.Equal((null, Bai2TypeLevel.Status), (Bai2TypeCodes.Get(10).Direction, Bai2TypeCodes.Get(10).Level));
        Assert.All(Bai2TypeCodes.All.Where(c => c.Code is >= 100 and <= 399), c => Assert.Equal(Direction.Credit, c.Direction));
        Assert.All(Bai2TypeCodes.All.Where(c => c.Code is >= 400 and <= 699), c => Assert.Equal(Direction.Debit, c.Direction));
        Assert.Equal("Incoming Money Transfer", Bai2TypeCodes.ByText["195"].Description);
    }
}
