using CashApp.Parsers.Camt;
using CashApp.Parsers.Common;

namespace CashApp.Parsers.Tests.Camt;

/// <summary>Facts the source repositories' own tests assert (EXPECTED.md section A), read through <see cref="CamtReader"/>.</summary>
public sealed class CamtSourceFactTests
{
    [SkippableFact]
    public void Read_GenkgoMinimal_OneCreditOf885WithCreditorReference()
    {
        foreach (var file in new[] { "camt053.v2.minimal.xml", "camt053.v3.xml", "camt053.v4.xml", "camt053.v8.xml", "camt053.v2.five.decimals.xml" })
        {
            var t = Assert.Single(CamtExpected.Transactions("camt053/genkgo__camt/" + file));
            Assert.Equal((Direction.Credit, 885L, "EUR"), (t.Direction, t.AmountMinor, t.Currency));
            if (!file.Contains("five", StringComparison.Ordinal))
            {
                Assert.Contains(t.Remittance, r => r.Reference == "4654654654654654");
                Assert.Equal(new DateOnly(2015, 1, 2), t.ValueDate);
            }
        }
    }

    [SkippableFact]
    public void Read_GenkgoCamt054_OneDebitOf200000Sek()
    {
        foreach (var file in new[] { "camt054.v2.xml", "camt054.v4.xml", "camt054.v8.xml", "camt054.v8-with-UETR.xml", "camt054.v8-with-financial-institution.xml", "camt054.v2.with-account-name.xml" })
        {
            var entry = Assert.Single(CamtExpected.Entries("camt054/genkgo__camt/" + file));
            Assert.Equal((Direction.Debit, 20000000L, "SEK", CamtMessageKind.Notification), (entry.Direction, entry.AmountMinor, entry.Currency.Code, entry.Statement.Kind));
            Assert.Equal("AAAASESS-FP-ACCR001", entry.Statement.MessageId);
        }
    }

    [SkippableFact]
    public void Read_ViafintechV8_ReadsReferencesNamesAndRfReference()
    {
        var read = CamtExpected.Transactions("camt053/viafintech__camt_parser/valid_example_v8.xml");
        var t = read[1];
        Assert.Equal(("0123171DO5126811", 8885L, "Finanz AG"), (t.PaymentRef, t.AmountMinor, t.PayerName));
        Assert.Equal("435A9287E088BDB1D97FAABD181C70C8", t.Extra["end_to_end_id"]);
        Assert.Contains(new RemittanceLine("000000000000000000552", null, RemittanceKind.CreditorReference), t.Remittance);
        Assert.Equal((2097L, "EUR", Direction.Debit), (read[2].AmountMinor, read[2].Currency, read[2].Direction));
        Assert.Contains("INVOICE R77561", read[0].FreeText, StringComparison.Ordinal);
    }

    [SkippableFact]
    public void Read_NoNamespace_ReadsTheGbpCredit()
    {
        var t = Assert.Single(CamtExpected.Transactions("camt053/sebastienrousseau__bankstatementparser/camt053_no_namespace.xml"));
        Assert.Equal((25000L, "GBP", "JANE CLIENT", true), (t.AmountMinor, t.Currency, t.PayerName, t.IsPayment));
        Assert.Contains("Consulting fee", t.FreeText, StringComparison.Ordinal);
        Assert.Equal("GB29NWBK60161331926819", t.Extra["account"]);
    }

    [SkippableFact]
    public void Read_Multicurrency_KeepsOrderCurrenciesAndAccounts()
    {
        var read = CamtExpected.Transactions("camt053/sebastienrousseau__bankstatementparser/camt053_multicurrency.xml");
        Assert.Equal(
            [("EUR", 125050L, Direction.Credit), ("EUR", 50025L, Direction.Debit), ("USD", 9999L, Direction.Debit)],
            read.Select(t => (t.Currency, t.AmountMinor, t.Direction)));
        Assert.Equal(["DE89370400440532013000", "DE89370400440532013000", "US-ACCT-0099"], read.Select(t => t.Extra["account"]));
    }

    [SkippableFact]
    public void Read_DuplicateSameDay_KeepsBoth() =>
        Assert.Equal([450L, 450L], CamtExpected.Transactions("camt053/sebastienrousseau__bankstatementparser/camt053_duplicate_same_day.xml").Select(t => t.AmountMinor));

    [SkippableFact]
    public void Read_GarbledAmount_NamesTheAmount()
    {
        var ex = Assert.Throws<CamtFormatException>(() => CamtExpected.Transactions("camt053/sebastienrousseau__bankstatementparser/camt053_garbled_amount.xml"));
        Assert.Equal(("12..34", CamtErrorCodes.BadAmount), (ex.Value, ex.ErrorCode));
        Assert.EndsWith("/Ntry[1]/Amt", ex.ElementPath, StringComparison.Ordinal);
    }

    [SkippableFact]
    public void Read_SixEsrCredit_ReadsReferenceAndDebtor()
    {
        var t = Assert.Single(CamtExpected.Transactions("camt054/dvbern__lib-iso20022/camt_054_Beispiel_ZA1_ESR_ZE.xml"));
        Assert.Equal((394975L, "CHF", "Pia Rutschmann", true), (t.AmountMinor, t.Currency, t.PayerName, t.IsPayment));
        Assert.Contains(t.Remittance, r => r.Reference == "210000000003139471430009017");
    }

    [SkippableFact]
    public void Read_NoCreditBookedNotReversed_HasNoPayment()
    {
        var read = CamtExpected.Transactions("camt054/dvbern__lib-iso20022/camt_054_Beispiel_NoCrdtBookedNotReversed.xml");
        Assert.Equal(3, read.Count);
        Assert.DoesNotContain(read, t => t.IsPayment);
        Assert.Equal([Direction.Credit, Direction.Credit, Direction.Debit], read.Select(t => t.Direction));
        Assert.Contains("reversal", read[0].NotPaymentReason, StringComparison.Ordinal);
        Assert.Contains("pending", read[1].NotPaymentReason, StringComparison.Ordinal);
    }

    [SkippableFact]
    public void Read_ViafintechInstructedAmount_UsesTheBookedEntryAmount()
    {
        var t = Assert.Single(CamtExpected.Transactions("camt053/viafintech__camt_parser/valid_example_with_instdamt.xml"));
        Assert.Equal((450000L, "CHF"), (t.AmountMinor, t.Currency));
        Assert.Equal("CHF 4500.00", t.Extra["instructed_amount"]);
    }

    [SkippableFact]
    public void Read_ViafintechBatch_ReadsBatchIdentifiers()
    {
        var entries = CamtExpected.Entries("camt053/viafintech__camt_parser/valid_example_with_batch.xml");
        Assert.Equal(3, entries[0].BatchCount);
        Assert.Equal("O0OpeAYTkhjerKu3eE9asw", entries[0].BatchPaymentInformationId);
        Assert.Equal("02453b1e17c11241073a777ad9c273b4149", entries[0].BatchMessageId);
    }

    [SkippableFact]
    public void Read_ViafintechDatetime_TakesTheDateOfBookingDateTime() =>
        Assert.Equal(new DateOnly(2023, 6, 21), Assert.Single(CamtExpected.Entries("camt053/viafintech__camt_parser/valid_example_with_datetime.xml")).BookingDate);

    [SkippableFact]
    public void Read_MoiristoStatements_SignedAmountsInOrder()
    {
        var signed = CamtExpected.Entries("camt053/moiristo__camt/camt_switzerland_01.xml").Select(e => e.Direction == Direction.Credit ? e.AmountMinor : -e.AmountMinor);
        Assert.Equal([350L, -450L], signed);
        var germany = CamtExpected.Entries("camt053/moiristo__camt/camt_germany_01.xml").Select(e => e.Direction == Direction.Credit ? e.AmountMinor : -e.AmountMinor);
        Assert.Equal([10000L, 20000L, -5000L, 10000L, 20000L, -5000L, -27600L, -10087600L, -27600L, 25959560L], germany);
    }

    [SkippableFact]
    public void Read_HoweycSample_TwoEntries() =>
        Assert.Equal(2, CamtExpected.Entries("camt053/howeyc__ledger/sample.xml").Count);
}
