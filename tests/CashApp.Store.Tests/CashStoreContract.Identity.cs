using System.Text;
using CashApp.Parsers.Common;
using static CashApp.Store.Tests.Ledger;

namespace CashApp.Store.Tests;

/// <content>Payment identity: a payment the bank sends again is stored and applied once.</content>
public abstract partial class CashStoreContract
{
    // Two identical ACH credits without any reference on one physical line (a deviation lenient reading accepts).
    private const string TwinsOnOneLine = """
        01,BANK,CASHAPP,261123,0600,1,,,2/
        02,,BANK,1,261123,,USD,2/
        03,500100200,USD/
        16,165,2500,0,,,ACH CREDIT CEDAR/ 16,165,2500,0,,,ACH CREDIT CEDAR/
        49,5000,4/
        98,5000,1,6/
        99,5000,1,8/

        """;

    [SkippableFact]
    public async Task LedgerService_TwoIdenticalDetailsWithoutReferenceOnOneLine_TwoPaymentsAndAResendIsRecognised()
    {
        var store = await OpenAsync();
        var service = new LedgerService(store);
        var options = new IngestOptions { Lenient = true, Actor = "treasury" };
        var day = Encoding.ASCII.GetBytes(TwinsOnOneLine);
        var resent = Encoding.ASCII.GetBytes(TwinsOnOneLine.Replace("261123,0600,1,", "261123,0815,2,", StringComparison.Ordinal));

        var first = await service.IngestBankFileAsync(day, "day.bai2", options);
        var second = await service.IngestBankFileAsync(resent, "day-resent.bai2", options);

        Assert.Equal((IngestStatus.Stored, 2, 0), (first.Status, first.NewCredits, first.AlreadyReceived.Count));
        var payments = await store.ListPaymentsAsync(first.File.Id);
        Assert.Equal(["L4", "L4-2"], payments.Select(p => p.PaymentRef));
        Assert.Equal(2, payments.Select(p => p.IdentityKey).Distinct(StringComparer.Ordinal).Count());
        Assert.All(payments, p => Assert.Equal(2_500, p.Amount.Minor));

        Assert.Equal((IngestStatus.Stored, 0), (second.Status, second.NewCredits));
        Assert.Equal(["L4", "L4-2"], second.AlreadyReceived.Select(r => r.PaymentRef));
        Assert.Equal(["L4", "L4-2"], second.AlreadyReceived.Select(r => r.First.PaymentRef));
        Assert.All(second.AlreadyReceived, r => Assert.Equal((first.File.Id, "day.bai2"), (r.First.BankFileId, r.First.BankFileName)));
        Assert.Empty(await store.ListPaymentsAsync(second.File.Id));
        Assert.Equal(2, (await store.ListExceptionsAsync(new ExceptionQuery())).TotalCount);
    }

    [SkippableFact]
    public async Task StoreIngest_CreditStoredMeanwhileByAnotherFile_StoresNothingAndNamesTheKey()
    {
        var store = await OpenAsync();
        await store.UpsertOpenItemsAsync([Invoice("A1", 10_000)], "ar");
        var credit = Credit("P1", 10_000, reference: "INV-A1");
        await store.StoreIngestAsync(Batch("h1", [credit], [Apply("P1", "A1", 4_000)], [Unapplied("P1", 6_000)]));

        // A caller that looked the keys up before h1 was stored sends the same payment in another file.
        var late = await store.StoreIngestAsync(Batch("h2", [credit, Credit("P2", 1)], [Apply("P1", "A1", 4_000)], [Unapplied("P1", 6_000), Unapplied("P2", 1)]));

        Assert.Equal(IngestStatus.ReceivedMeanwhile, late.Status);
        Assert.Equal(PaymentIdentity.Keys([credit]), late.ReceivedIdentityKeys);
        Assert.Null(await store.FindBankFileAsync("h2"));
        Assert.Equal(6_000, (await store.GetOpenItemAsync("A1"))!.RemainingMinor);
        var known = await store.FindReceivedPaymentsAsync([.. late.ReceivedIdentityKeys, "bai2|nothing#1"]);
        Assert.Equal(["P1"], known.Values.Select(p => p.PaymentRef));
    }

    [SkippableFact]
    public async Task LedgerService_FileWithOnePaymentKnown_MatchesAndStoresOnlyTheNewOnes()
    {
        var store = await OpenAsync();
        await store.UpsertOpenItemsAsync([Invoice("A1", 10_000), Invoice("A2", 10_000)], "ar");
        await store.UpsertCustomersAsync([Customer("C1")], "ar");
        var service = new LedgerService(store);
        await service.StoreTransactionsAsync([Credit("P1", 10_000, reference: "INV-A1")], "intraday.bai2", "h1", BankFileFormat.Bai2, "treasury");

        var endOfDay = await service.StoreTransactionsAsync([Credit("P1", 10_000, reference: "INV-A1"), Credit("P2", 10_000, reference: "INV-A2")], "eod.bai2", "h2", BankFileFormat.Bai2, "treasury");

        Assert.Equal((IngestStatus.Stored, 1, 2), (endOfDay.Status, endOfDay.NewCredits, endOfDay.File.CreditCount));
        Assert.Equal(["P1"], endOfDay.AlreadyReceived.Select(r => r.PaymentRef));
        Assert.Equal(["P2"], endOfDay.Result.Applications.Select(a => a.PaymentRef));
        Assert.Equal(["A1", "A2"], (await store.ListApplicationsAsync(new ApplicationQuery())).Select(a => a.ItemId));
        Assert.Equal(0, (await store.GetOpenItemAsync("A1"))!.RemainingMinor);
    }
    [SkippableFact]
    public async Task LedgerService_AWarningOnEveryLine_KeepsTheFirstThousandAndCountsThemAll()
    {
        var store = await OpenAsync();
        var service = new LedgerService(store);
        var blankLines = string.Concat(Enumerable.Repeat("\n", 1_200));
        var day = Encoding.ASCII.GetBytes(TwinsOnOneLine.Replace("49,5000,4/", blankLines + "49,5000,4/", StringComparison.Ordinal));

        var result = await service.IngestBankFileAsync(day, "padded.bai2", new IngestOptions { Lenient = true });

        Assert.Equal(IngestStatus.Stored, result.Status);
        Assert.Equal(LedgerService.MaxWarnings, result.Warnings.Count);
        Assert.Equal(1_201, result.WarningCount);
        Assert.Equal("BAI2_SEVERAL_RECORDS_ON_LINE", result.Warnings[0].Code);
        Assert.All(result.Warnings.Skip(1), w => Assert.Equal("BAI2_BLANK_LINE", w.Code));
    }

    [SkippableFact]
    public async Task LedgerService_RejectedStrictlyThenTakenLeniently_StoredAsANewFileInPlaceOfTheRejection()
    {
        var store = await OpenAsync();
        var service = new LedgerService(store);
        var day = Encoding.ASCII.GetBytes(TwinsOnOneLine);

        await Assert.ThrowsAnyAsync<BankFileFormatException>(() => service.IngestBankFileAsync(day, "twins.bai2", new IngestOptions()));
        Assert.Equal(BankFileStatus.Rejected, Assert.Single(await store.ListBankFilesAsync(10)).Status);
        var result = await service.IngestBankFileAsync(day, "twins.bai2", new IngestOptions { Lenient = true });

        Assert.Equal(IngestStatus.Stored, result.Status);
        var file = Assert.Single(await store.ListBankFilesAsync(10));
        Assert.Equal((BankFileStatus.Ingested, (string?)null, result.NewCredits), (file.Status, file.Error, file.CreditCount));
        Assert.True(result.NewCredits > 0);
    }

    [SkippableFact]
    public async Task LedgerService_CamtDocumentOverTheLimit_RejectedNamingTheLimitAndNothingStored()
    {
        var store = await OpenAsync();
        var service = new LedgerService(store);
        var entries = string.Concat(Enumerable.Range(0, 50).Select(i => $"<Ntry><Amt Ccy=\"USD\">1.00</Amt><CdtDbtInd>CRDT</CdtDbtInd><Sts><Cd>BOOK</Cd></Sts><BookgDt><Dt>2026-11-23</Dt></BookgDt></Ntry>"));
        var camt = Encoding.UTF8.GetBytes($"<Document xmlns=\"urn:iso:std:iso:20022:tech:xsd:camt.053.001.08\"><BkToCstmrStmt><GrpHdr><MsgId>M</MsgId><CreDtTm>2026-11-23T06:00:00</CreDtTm></GrpHdr><Stmt><Id>S</Id><Acct><Id><IBAN>DE89370400440532013000</IBAN></Id></Acct>{entries}</Stmt></BkToCstmrStmt></Document>");

        var read = await service.IngestBankFileAsync(camt, "ok.camt053.xml", new IngestOptions { MaxDocumentCharacters = camt.Length + 100 });
        var error = await Assert.ThrowsAnyAsync<BankFileFormatException>(() => service.IngestBankFileAsync(camt.Select(b => b == (byte)'M' ? (byte)'N' : b).ToArray(), "big.camt053.xml", new IngestOptions { MaxDocumentCharacters = 2_000 }));

        Assert.Equal(IngestStatus.Stored, read.Status);
        Assert.Equal(50, read.File.CreditCount);
        Assert.Equal("CAMT_DOCUMENT_TOO_LARGE", error.ErrorCode);
        Assert.Contains("2000", error.Message, StringComparison.Ordinal);
    }
}
