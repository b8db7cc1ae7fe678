using System.Globalization;
using System.Text;
using CashApp.Parsers.Camt;
using CashApp.Parsers.Common;

namespace CashApp.Parsers.Tests.Camt;

public sealed class CamtReaderTests
{
    private const string Ns08 = "urn:iso:std:iso:20022:tech:xsd:camt.053.001.08";

    private static readonly CompositeFormat BadAmountFormat = CompositeFormat.Parse(CamtErrorMessages.BadAmount);

    internal static string Statement(string entries, string ns = Ns08, string head = "", string message = "BkToCstmrStmt", string statement = "Stmt") =>
        $"""
        <?xml version="1.0" encoding="UTF-8"?>
        <Document xmlns="{ns}">
          <{message}>
            <GrpHdr><MsgId>M1</MsgId><CreDtTm>2026-11-20T06:00:00</CreDtTm></GrpHdr>
            <{statement}>
              <Id>S1</Id>
              <Acct><Id><IBAN>DE89370400440532013000</IBAN></Id><Ccy>EUR</Ccy></Acct>
              {head}
        {entries}
            </{statement}>
          </{message}>
        </Document>
        """;

    internal static string Entry(string amount = "100.00", string direction = "CRDT", string status = "<Sts><Cd>BOOK</Cd></Sts>", string details = "", string more = "", string ccy = "EUR") =>
        $"""
              <Ntry>
                <Amt Ccy="{ccy}">{amount}</Amt>
                <CdtDbtInd>{direction}</CdtDbtInd>
                {status}
                <BookgDt><Dt>2026-11-20</Dt></BookgDt>
                <ValDt><DtTm>2026-11-21T10:00:00+01:00</DtTm></ValDt>
                <AcctSvcrRef>NTRY1</AcctSvcrRef>
                {more}
                {(details.Length == 0 ? string.Empty : "<NtryDtls>" + details + "</NtryDtls>")}
              </Ntry>
        """;

    internal static List<BankTransaction> Read(string xml, List<ParseWarning>? warnings = null, CamtReaderOptions? options = null) =>
        CamtReader.Read(new MemoryStream(Encoding.UTF8.GetBytes(xml)), "test.xml", options ?? new CamtReaderOptions(), warnings).ToList();

    internal static CamtFormatException Reject(string xml, CamtReaderOptions? options = null) =>
        Assert.Throws<CamtFormatException>(() => Read(xml, options: options));

    [Fact]
    public void Read_BookedCreditWithDetails_MapsEveryField()
    {
        var xml = Statement(Entry(details: """
            <TxDtls>
              <Refs><EndToEndId>E2E-1</EndToEndId><TxId>TX-1</TxId><UETR>eb6305c9-1f7f-49de-aed0-16487c27b42d</UETR></Refs>
              <Amt Ccy="EUR">100.00</Amt><CdtDbtInd>CRDT</CdtDbtInd>
              <AmtDtls><InstdAmt><Amt Ccy="USD">110.00</Amt><CcyXchg><SrcCcy>USD</SrcCcy><TrgtCcy>EUR</TrgtCcy><XchgRate>0.9091</XchgRate></CcyXchg></InstdAmt></AmtDtls>
              <RltdPties>
                <Dbtr><Pty><Nm>ACME GROUP TREASURY</Nm></Pty></Dbtr>
                <DbtrAcct><Id><Othr><Id>123456789</Id></Othr></Id></DbtrAcct>
                <UltmtDbtr><Pty><Nm>ACME SUBSIDIARY GMBH</Nm></Pty></UltmtDbtr>
              </RltdPties>
              <RmtInf>
                <Ustrd>INVOICE 4711</Ustrd><Ustrd>AND 4712</Ustrd>
                <Strd><RfrdDocInf><Tp><CdOrPrtry><Cd>CINV</Cd></CdOrPrtry></Tp><Nb>4711</Nb></RfrdDocInf>
                  <RfrdDocAmt><DuePyblAmt Ccy="EUR">80.00</DuePyblAmt><DscntApldAmt><Amt Ccy="EUR">1.00</Amt></DscntApldAmt><RmtdAmt Ccy="EUR">79.00</RmtdAmt></RfrdDocAmt></Strd>
                <Strd><RfrdDocInf><Tp><CdOrPrtry><Cd>CREN</Cd></CdOrPrtry></Tp><Nb>CN-9</Nb></RfrdDocInf>
                  <RfrdDocAmt><CdtNoteAmt Ccy="EUR">9.00</CdtNoteAmt></RfrdDocAmt></Strd>
                <Strd><CdtrRefInf><Tp><CdOrPrtry><Cd>SCOR</Cd></CdOrPrtry></Tp><Ref>RF18 5390 0754 7034</Ref></CdtrRefInf></Strd>
              </RmtInf>
              <AddtlTxInf>SEPA CREDIT</AddtlTxInf>
            </TxDtls>
            """, more: "<BkTxCd><Domn><Cd>PMNT</Cd><Fmly><Cd>RCDT</Cd><SubFmlyCd>ESCT</SubFmlyCd></Fmly></Domn></BkTxCd>"));

        var t = Assert.Single(Read(xml));
        Assert.Equal("E2E-1", t.PaymentRef);
        Assert.Equal(Direction.Credit, t.Direction);
        Assert.Equal(10000, t.AmountMinor);
        Assert.Equal("EUR", t.Currency);
        Assert.Equal(BankFileFormat.Camt053, t.Format);
        Assert.True(t.IsPayment);
        Assert.Null(t.NotPaymentReason);
        Assert.Equal("ACME GROUP TREASURY", t.PayerName);
        Assert.Equal("123456789", t.PayerAccount);
        Assert.Equal("ACME SUBSIDIARY GMBH", t.Extra["ultimate_debtor"]);
        Assert.Equal("ACME SUBSIDIARY GMBH", t.UltimatePayerName);
        Assert.Equal("PMNT/RCDT/ESCT", t.TypeCode);
        Assert.Equal(new DateOnly(2026, 11, 21), t.ValueDate);
        Assert.Equal("2026-11-20", t.Extra["booking_date"]);
        Assert.Equal("USD 110.00", t.Extra["instructed_amount"]);
        Assert.Equal("0.9091", t.Extra["exchange_rate"]);
        Assert.Equal("eb6305c9-1f7f-49de-aed0-16487c27b42d", t.Extra["uetr"]);
        Assert.Equal("INVOICE 4711 AND 4712 SEPA CREDIT", t.FreeText);
        Assert.Equal(
            [
                new RemittanceLine("4711", 7900, RemittanceKind.Invoice) { InvoicedMinor = 8000, DiscountMinor = 100 },
                new RemittanceLine("CN-9", -900, RemittanceKind.CreditNote),
                new RemittanceLine("539007547034", null, RemittanceKind.CreditorReference),
            ],
            t.Remittance);
    }

    [Fact]
    public void Read_Version02Forms_ReadsPlainStatusAndDebtorName()
    {
        var xml = Statement(
            Entry(status: "<Sts>BOOK</Sts>", details: """
                <TxDtls>
                  <Refs><EndToEndId>NOTPROVIDED</EndToEndId></Refs>
                  <AmtDtls><TxAmt><Amt Ccy="EUR">100.00</Amt></TxAmt></AmtDtls>
                  <RltdPties><Dbtr><Nm>JANE CLIENT</Nm></Dbtr><DbtrAcct><Id><IBAN>GB29NWBK60161331926819</IBAN></Id></DbtrAcct></RltdPties>
                </TxDtls>
                """),
            "urn:iso:std:iso:20022:tech:xsd:camt.053.001.02");
        var t = Assert.Single(Read(xml));
        Assert.True(t.IsPayment);
        Assert.Equal("NTRY1#1", t.PaymentRef);
        Assert.Equal("JANE CLIENT", t.PayerName);
        Assert.Equal("GB29NWBK60161331926819", t.PayerAccount);
    }

    public static TheoryData<string, string> Versions()
    {
        var data = new TheoryData<string, string>();
        for (var v = 2; v <= 13; v++)
        {
            data.Add("053", v.ToString("00", CultureInfo.InvariantCulture));
            data.Add("054", v.ToString("00", CultureInfo.InvariantCulture));
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(Versions))]
    public void Read_EveryVersion_ReadsTheEntry(string message, string version)
    {
        var ns = $"urn:iso:std:iso:20022:tech:xsd:camt.{message}.001.{version}";
        var xml = message == "053"
            ? Statement(Entry(), ns)
            : Statement(Entry(), ns, message: "BkToCstmrDbtCdtNtfctn", statement: "Ntfctn");
        var warnings = new List<ParseWarning>();
        var t = Assert.Single(Read(xml, warnings));
        Assert.Equal(message == "053" ? BankFileFormat.Camt053 : BankFileFormat.Camt054, t.Format);
        Assert.Empty(warnings);
    }

    [Fact]
    public void Read_PrefixedElements_ReadsLikeUnprefixed()
    {
        var xml = $"""
            <c:Document xmlns:c="{Ns08}"><c:BkToCstmrStmt><c:Stmt><c:Id>S</c:Id>
            <c:Ntry><c:Amt Ccy="EUR">5.00</c:Amt><c:CdtDbtInd>CRDT</c:CdtDbtInd><c:Sts><c:Cd>BOOK</c:Cd></c:Sts><c:AcctSvcrRef>R</c:AcctSvcrRef></c:Ntry>
            </c:Stmt></c:BkToCstmrStmt></c:Document>
            """;
        var t = Assert.Single(Read(xml));
        Assert.Equal(("R#1", 500L), (t.PaymentRef, t.AmountMinor));
    }

    [Fact]
    public void Read_NoNamespace_ReadsTheEntry()
    {
        var xml = """<Document><BkToCstmrStmt><Stmt><Ntry><Amt Ccy="GBP">250.00</Amt><CdtDbtInd>CRDT</CdtDbtInd><Sts>BOOK</Sts><AcctSvcrRef>R</AcctSvcrRef></Ntry></Stmt></BkToCstmrStmt></Document>""";
        Assert.Equal(25000, Assert.Single(Read(xml)).AmountMinor);
    }

    [Fact]
    public void Read_ForeignNamespaceAndUnknownElements_AreSkipped()
    {
        var xml = Statement(Entry(more: """<x:Ext xmlns:x="urn:bank:ext"><x:Amt Ccy="EUR">999.99</x:Amt></x:Ext><Unknown><Amt Ccy="XXX">bad</Amt></Unknown>"""));
        Assert.Equal(10000, Assert.Single(Read(xml)).AmountMinor);
    }

    [Fact]
    public void Read_PaymentRef_FollowsContractOrder()
    {
        var xml = Statement(Entry(amount: "6.00", details: """
            <TxDtls><Refs><AcctSvcrRef>SVC-1</AcctSvcrRef><EndToEndId>E2E-1</EndToEndId></Refs><Amt Ccy="EUR">1.00</Amt></TxDtls>
            <TxDtls><Refs><EndToEndId>E2E-2</EndToEndId></Refs><Amt Ccy="EUR">2.00</Amt></TxDtls>
            <TxDtls><Refs><EndToEndId>NOTPROVIDED</EndToEndId></Refs><Amt Ccy="EUR">3.00</Amt></TxDtls>
            """));
        Assert.Equal(["SVC-1", "E2E-2", "NTRY1#3"], Read(xml).Select(t => t.PaymentRef));
    }

    [Fact]
    public void Read_EntryWithoutDetails_SaysSoForDepositReconciliation()
    {
        var xml = Statement(Entry(amount: "6.00", more: "<NtryDtls><Btch><NbOfTxs>3</NbOfTxs></Btch></NtryDtls>")
            + Entry(amount: "1.00", details: """<TxDtls><Refs><EndToEndId>E2E-1</EndToEndId></Refs><Amt Ccy="EUR">1.00</Amt></TxDtls>"""));
        var read = Read(xml);
        Assert.Equal(["NTRY1#1", "E2E-1"], read.Select(t => t.PaymentRef));
        Assert.Equal("true", read[0].Extra["without_details"]);
        Assert.False(read[1].Extra.ContainsKey("without_details"));
    }

    [Fact]
    public void Read_NettedBatch_TakesEachDetailsDirection()
    {
        var warnings = new List<ParseWarning>();
        var xml = Statement(Entry(amount: "7.00", direction: "DBIT", details: """
            <TxDtls><Amt Ccy="EUR">10.00</Amt><CdtDbtInd>DBIT</CdtDbtInd></TxDtls>
            <TxDtls><Amt Ccy="EUR">3.00</Amt><CdtDbtInd>CRDT</CdtDbtInd></TxDtls>
            """));
        var read = Read(xml, warnings);
        Assert.Equal([(Direction.Debit, 1000L), (Direction.Credit, 300L)], read.Select(t => (t.Direction, t.AmountMinor)));
        Assert.Equal([false, true], read.Select(t => t.IsPayment));
        Assert.Empty(warnings);
    }

    [Theory]
    [InlineData("<Sts><Cd>PDNG</Cd></Sts>", "", "pending")]
    [InlineData("<Sts><Cd>INFO</Cd></Sts>", "", "information")]
    [InlineData("<Sts><Cd>BOOK</Cd></Sts>", "<RvslInd>true</RvslInd>", "reversal")]
    public void Read_CreditNotBookedOrReversed_IsNotAPayment(string status, string more, string reason)
    {
        var t = Assert.Single(Read(Statement(Entry(status: status, more: more))));
        Assert.False(t.IsPayment);
        Assert.Contains(reason, t.NotPaymentReason, StringComparison.Ordinal);
    }

    [Fact]
    public void Read_Debit_IsNotAPaymentWithoutReason()
    {
        var t = Assert.Single(Read(Statement(Entry(direction: "DBIT"))));
        Assert.Equal((Direction.Debit, false, (string?)null), (t.Direction, t.IsPayment, t.NotPaymentReason));
    }

    [Fact]
    public void Read_ReversalOfEarlierTransaction_NamesWhatItReverses()
    {
        var xml = Statement(
            Entry(details: "<TxDtls><Refs><AcctSvcrRef>ORIG</AcctSvcrRef><EndToEndId>E2E-9</EndToEndId></Refs></TxDtls>")
            + Entry(direction: "DBIT", more: "<RvslInd>true</RvslInd>", details: "<TxDtls><Refs><AcctSvcrRef>REV</AcctSvcrRef><EndToEndId>E2E-9</EndToEndId></Refs></TxDtls>"));
        var read = Read(xml);
        Assert.Equal("ORIG", read[1].Extra["reverses"]);
        Assert.Equal("true", read[1].Extra["reversal"]);
        Assert.False(read[0].Extra.ContainsKey("reversal"));
    }

    [Fact]
    public void Read_ExtraZerosBeyondCurrencyDecimals_AreAccepted() =>
        Assert.Equal(885, Assert.Single(Read(Statement(Entry(amount: "8.850")))).AmountMinor);

    [Theory]
    [InlineData("8.855")]
    [InlineData("12..34")]
    [InlineData("-5.00")]
    [InlineData("")]
    [InlineData("1,00")]
    public void Read_BadAmount_NamesPathLineAndValue(string amount)
    {
        var ex = Reject(Statement(Entry() + Entry() + Entry(amount: amount)));
        Assert.Equal(CamtErrorCodes.BadAmount, ex.ErrorCode);
        Assert.Equal("/Document/BkToCstmrStmt/Stmt[1]/Ntry[3]/Amt", ex.ElementPath);
        Assert.Equal(amount, ex.Value);
        Assert.True(ex.LineNumber > 20);
        Assert.True(ex.LinePosition > 0);
        Assert.StartsWith($"test.xml:{ex.LineNumber}:{ex.LinePosition}: /Document/BkToCstmrStmt/Stmt[1]/Ntry[3]/Amt: ", ex.Message, StringComparison.Ordinal);
        Assert.Contains(string.Format(CultureInfo.InvariantCulture, BadAmountFormat, amount, "EUR", 2), ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Read_SumsBeyondRange_AreRejectedAsBadAmount()
    {
        var huge = Entry(amount: "90000000000000000.00");
        Assert.Equal(CamtErrorCodes.BadAmount, Reject(Statement(huge + huge)).ErrorCode);
    }

    [Fact]
    public void Read_UnknownCurrency_IsRejected()
    {
        var ex = Reject(Statement(Entry(ccy: "XYZ")));
        Assert.Equal((CamtErrorCodes.UnknownCurrency, "XYZ"), (ex.ErrorCode, ex.Value));
        Assert.Equal("/Document/BkToCstmrStmt/Stmt[1]/Ntry[1]/Amt/@Ccy", ex.ElementPath);
    }

    [Fact]
    public void Read_CurrencyAsWritten_SpacesCharacterReferencesAndChanges_AreRead()
    {
        // The reader remembers the last currency it looked up; every spelling and every change must still count.
        var padded = "USD" + new string(' ', 20);
        var xml = Statement(Entry(ccy: "EUR") + Entry(ccy: " CHF ") + Entry(ccy: "CHF") + Entry(ccy: "E&#85;R") + Entry(ccy: padded) + Entry(ccy: "JPY", amount: "100"));
        var currencies = Read(xml).Select(t => (t.Currency, t.AmountMinor)).ToArray();
        Assert.Equal([("EUR", 10000L), ("CHF", 10000L), ("CHF", 10000L), ("EUR", 10000L), ("USD", 10000L), ("JPY", 100L)], currencies);
    }

    [Fact]
    public void Read_CurrencyThatOnlyStartsWithACode_IsRejectedWithTheWholeValue()
    {
        var written = "EUR" + new string(' ', 20) + "X";
        var ex = Reject(Statement(Entry() + Entry(ccy: written)));
        Assert.Equal((CamtErrorCodes.UnknownCurrency, written), (ex.ErrorCode, ex.Value));
        Assert.Equal("/Document/BkToCstmrStmt/Stmt[1]/Ntry[2]/Amt/@Ccy", ex.ElementPath);
    }

    [Fact]
    public void Read_AmountWithoutCurrency_IsRejected()
    {
        var entry = Entry().Replace("<Amt Ccy=\"EUR\">", "<Amt>", StringComparison.Ordinal);
        var ex = Reject(Statement(Entry() + entry));
        Assert.Equal(CamtErrorCodes.MissingElement, ex.ErrorCode);
        Assert.Equal("/Document/BkToCstmrStmt/Stmt[1]/Ntry[2]/Amt/@Ccy", ex.ElementPath);
        Assert.Contains("attribute Ccy", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Read_MissingAmount_NamesTheEntry()
    {
        var entry = Entry().Replace("<Amt Ccy=\"EUR\">100.00</Amt>", string.Empty, StringComparison.Ordinal);
        var ex = Reject(Statement(Entry() + Entry() + entry));
        Assert.Equal(CamtErrorCodes.MissingElement, ex.ErrorCode);
        Assert.Equal("/Document/BkToCstmrStmt/Stmt[1]/Ntry[3]", ex.ElementPath);
        Assert.Contains("element Amt", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Read_MissingDirection_IsRejected()
    {
        var entry = Entry().Replace("<CdtDbtInd>CRDT</CdtDbtInd>", string.Empty, StringComparison.Ordinal);
        Assert.Contains("element CdtDbtInd", Reject(Statement(entry)).Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Read_BadDirectionOrDate_IsRejected()
    {
        Assert.Equal(CamtErrorCodes.BadCode, Reject(Statement(Entry(direction: "CREDIT"))).ErrorCode);
        var badDate = Entry().Replace("2026-11-20", "20.11.2026", StringComparison.Ordinal);
        var ex = Reject(Statement(badDate));
        Assert.Equal((CamtErrorCodes.BadDate, "/Document/BkToCstmrStmt/Stmt[1]/Ntry[1]/BookgDt/Dt"), (ex.ErrorCode, ex.ElementPath));
    }

    [Fact]
    public void Read_NotWellFormed_IsRejectedWithLine()
    {
        var ex = Reject(Statement(Entry()).Replace("</Ntry>", "</Ntryy>", StringComparison.Ordinal));
        Assert.Equal(CamtErrorCodes.MalformedXml, ex.ErrorCode);
        Assert.True(ex.LineNumber > 0);
    }

    [Fact]
    public void Read_MessageWithoutStatement_IsRejected() =>
        Assert.Equal(CamtErrorCodes.NoStatement, Reject($"""<Document xmlns="{Ns08}"><BkToCstmrStmt><GrpHdr><MsgId>M</MsgId></GrpHdr></BkToCstmrStmt></Document>""").ErrorCode);

    [Fact]
    public void Read_OtherMessage_IsRejected()
    {
        Assert.Equal(CamtErrorCodes.NoMessage, Reject("""<Document xmlns="urn:iso:std:iso:20022:tech:xsd:camt.052.001.08"><BkToCstmrAcctRpt/></Document>""").ErrorCode);
        Assert.Equal(CamtErrorCodes.UnsupportedNamespace, Reject(Statement(Entry(), "urn:iso:std:iso:20022:tech:xsd:pain.001.001.09")).ErrorCode);
        Assert.Equal(CamtErrorCodes.UnsupportedNamespace, Reject(Statement(Entry(), "urn:iso:std:iso:20022:tech:xsd:camt.054.001.08")).ErrorCode);
    }

    [Fact]
    public void Read_BillionLaughs_IsRejectedAsDtd()
    {
        var xml = """
            <?xml version="1.0"?>
            <!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;"><!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">]>
            <Document><BkToCstmrStmt><Stmt><Ntry><AddtlNtryInf>&lol3;</AddtlNtryInf></Ntry></Stmt></BkToCstmrStmt></Document>
            """;
        Assert.Equal(CamtErrorCodes.DtdProhibited, Reject(xml).ErrorCode);
    }

    [Fact]
    public void Read_HundredMegabyteTextNode_FailsWithoutHoldingIt()
    {
        var head = Encoding.UTF8.GetBytes(Statement(Entry(more: "<AddtlNtryInf>")).Split("<AddtlNtryInf>")[0] + "<AddtlNtryInf>");
        using var stream = new GeneratedStream(head, (byte)'a', 100L << 20);
        var before = GC.GetAllocatedBytesForCurrentThread();
        var ex = Assert.Throws<CamtFormatException>(() => CamtReader.Read(stream, "big.xml", new CamtReaderOptions(), null).ToList());
        var allocated = GC.GetAllocatedBytesForCurrentThread() - before;
        Assert.Equal(CamtErrorCodes.TextTooLong, ex.ErrorCode);
        Assert.EndsWith("/Ntry[1]/AddtlNtryInf", ex.ElementPath, StringComparison.Ordinal);
        Assert.True(allocated < 32L << 20, $"allocated {allocated} bytes");
    }

    [Fact]
    public void Read_DeepNesting_IsRejected()
    {
        var deep = string.Concat(Enumerable.Repeat("<X>", 10_000)) + string.Concat(Enumerable.Repeat("</X>", 10_000));
        Assert.Equal(CamtErrorCodes.TooDeep, Reject(Statement(Entry(more: deep))).ErrorCode);
    }

    [Fact]
    public void Read_DocumentLongerThanLimit_IsRejected() =>
        Assert.Equal(CamtErrorCodes.DocumentTooLarge, Reject(Statement(Entry()), new CamtReaderOptions { MaxDocumentCharacters = 200 }).ErrorCode);

    [Fact]
    public void Read_BalancesAndSummaryThatDisagree_WarnAndStillRead()
    {
        var head = """
            <Bal><Tp><CdOrPrtry><Cd>OPBD</Cd></CdOrPrtry></Tp><Amt Ccy="EUR">10.00</Amt><CdtDbtInd>CRDT</CdtDbtInd><Dt><Dt>2026-11-20</Dt></Dt></Bal>
            <Bal><Tp><CdOrPrtry><Cd>CLBD</Cd></CdOrPrtry></Tp><Amt Ccy="EUR">99.00</Amt><CdtDbtInd>CRDT</CdtDbtInd><Dt><Dt>2026-11-20</Dt></Dt></Bal>
            <TxsSummry><TtlCdtNtries><NbOfNtries>5</NbOfNtries><Sum>1.00</Sum></TtlCdtNtries></TxsSummry>
            """;
        var warnings = new List<ParseWarning>();
        Assert.Single(Read(Statement(Entry(), head: head), warnings));
        Assert.Equal([CamtErrorCodes.BalanceMismatch, CamtErrorCodes.SummaryMismatch, CamtErrorCodes.SummaryMismatch], warnings.Select(w => w.Code));
        Assert.Contains("closing balance is 99.00", warnings[0].Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Read_BalancesThatAgree_DoNotWarn()
    {
        var head = """
            <Bal><Tp><CdOrPrtry><Cd>OPBD</Cd></CdOrPrtry></Tp><Amt Ccy="EUR">10.00</Amt><CdtDbtInd>DBIT</CdtDbtInd><Dt><Dt>2026-11-20</Dt></Dt></Bal>
            <Bal><Tp><CdOrPrtry><Cd>CLBD</Cd></CdOrPrtry></Tp><Amt Ccy="EUR">90.00</Amt><CdtDbtInd>CRDT</CdtDbtInd><Dt><Dt>2026-11-20</Dt></Dt></Bal>
            <TxsSummry><TtlNtries><NbOfNtries>2</NbOfNtries><Sum>100.00</Sum></TtlNtries><TtlCdtNtries><NbOfNtries>2</NbOfNtries><Sum>100.00</Sum></TtlCdtNtries></TxsSummry>
            """;
        var warnings = new List<ParseWarning>();
        Assert.Equal(2, Read(Statement(Entry() + Entry(status: "<Sts><Cd>PDNG</Cd></Sts>", amount: "0.00"), head: head), warnings).Count);
        Assert.Empty(warnings);
    }

    [Fact]
    public void Read_InvalidRfReference_WarnsAndKeepsItAsWritten()
    {
        var warnings = new List<ParseWarning>();
        var xml = Statement(Entry(details: "<TxDtls><RmtInf><Strd><CdtrRefInf><Ref>RF99539007547034</Ref></CdtrRefInf></Strd></RmtInf></TxDtls>"));
        var line = Assert.Single(Assert.Single(Read(xml, warnings)).Remittance);
        Assert.Equal(new RemittanceLine("RF99539007547034", null, RemittanceKind.Unspecified), line);
        Assert.Equal(CamtErrorCodes.BadCreditorReference, Assert.Single(warnings).Code);
    }

    [Fact]
    public void Read_SeveralStatementsAndCurrencies_KeepsEachStatementsAccount()
    {
        var xml = $"""
            <Document xmlns="{Ns08}"><BkToCstmrStmt>
            <Stmt><Id>A</Id><Acct><Id><IBAN>DE89370400440532013000</IBAN></Id></Acct>{Entry()}</Stmt>
            <Stmt><Id>B</Id><Acct><Id><Othr><Id>US-1</Id></Othr></Id></Acct>{Entry(ccy: "JPY", amount: "1234")}{Entry(ccy: "BHD", amount: "1.234")}</Stmt>
            </BkToCstmrStmt></Document>
            """;
        var read = Read(xml);
        Assert.Equal([("DE89370400440532013000", "EUR", 10000L), ("US-1", "JPY", 1234L), ("US-1", "BHD", 1234L)], read.Select(t => (t.Extra["account"], t.Currency, t.AmountMinor)));
    }

    [Theory]
    [InlineData("RF18539007547034", "539007547034")]
    [InlineData("RF18 5390 0754 7034", "539007547034")]
    [InlineData("rf712348231", "2348231")]
    public void CreditorReference_ValidIso11649_DecodesTheReference(string text, string reference)
    {
        Assert.True(CreditorReference.TryDecode(text, out var decoded));
        Assert.Equal(reference, decoded);
    }

    [Theory]
    [InlineData("RF19539007547034")]
    [InlineData("RF18")]
    [InlineData("XX18539007547034")]
    [InlineData("RF18539007547034-")]
    [InlineData("RF181234567890123456789012")]
    public void CreditorReference_Invalid_IsRejected(string text) => Assert.False(CreditorReference.TryDecode(text, out _));

    /// <summary>A stream of a head followed by <paramref name="length"/> copies of one byte, generated as read.</summary>
    private sealed class GeneratedStream(byte[] head, byte fill, long length) : Stream
    {
        private long _position;

        public override bool CanRead => true;

        public override bool CanSeek => false;

        public override bool CanWrite => false;

        public override long Length => head.Length + length;

        public override long Position { get => _position; set => throw new NotSupportedException(); }

        public override int Read(byte[] buffer, int offset, int count)
        {
            var written = 0;
            while (written < count && _position < Length)
            {
                buffer[offset + written++] = _position < head.Length ? head[_position] : fill;
                _position++;
            }

            return written;
        }

        public override void Flush()
        {
        }

        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

        public override void SetLength(long value) => throw new NotSupportedException();

        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
    }
}
