using CashApp.Parsers.Bai2;
using CashApp.Parsers.Common;
using CashApp.Tests;

namespace CashApp.Parsers.Tests.Bai2;

/// <summary>
/// Every BAI2 file under ../shared/fixtures/external/bai2 reads, or is rejected, as EXPECTED.md and
/// PROVENANCE.md say. Sums are of the 16 amounts as written, credits and debits by type code.
/// </summary>
public sealed class Bai2ExternalFixtureTests
{
    /// <summary>Files that read in strict mode: details, credit sum, debit sum.</summary>
    public static TheoryData<string, int, long, long> Valid => new()
    {
        { "ministryofjustice__bai2/account_trailer_amount_blank_example.bai2", 0, 0, 0 },
        { "ministryofjustice__bai2/citi_example.bai2", 1, 1, 0 },
        { "ministryofjustice__bai2/nwb_example.bai2", 5, 89, 2765 },
        { "ministryofjustice__bai2/svb_us_example.bai2", 2, 1395996, 0 },
        { "moov-io__bai2/sample1.txt", 17, 320000, 320000 },
        { "moov-io__bai2/sample2.txt", 4, 30950000, 0 },
        { "venturehacks__bai2/daily.bai2", 1, 25001, 0 },
        { "venturehacks__bai2/daily_with_summary.bai2", 1, 25001, 0 },
        { "venturehacks__bai2/eod.bai2", 1, 8325982, 0 },
        { "venturehacks__bai2/eod_with_slash_in_text.bai2", 1, 8325982, 0 },
        { "venturehacks__bai2/eod_without_as_of_time.bai2", 1, 8325982, 0 },
        { "zeptofs__bai2/daily.bai2", 1, 25001, 0 },
        { "zeptofs__bai2/eod.bai2", 1, 8325982, 0 },
    };

    /// <summary>Files strict mode rejects: error code and line.</summary>
    public static TheoryData<string, string, long> Invalid => new()
    {
        { "moov-io__bai2/errors/sample-parseError.txt", Bai2ErrorCodes.UnknownRecord, 1 },
        { "venturehacks__bai2/invalid_checksum_eod.bai2", Bai2ErrorCodes.ControlTotal, 15 },
        { "dnsbty__bai2/test.bai", Bai2ErrorCodes.BlankLine, 1 },
        { "dnsbty__bai2/test2.bai", Bai2ErrorCodes.ControlTotal, 6 },
        { "dnsbty__bai2/test3.bai", Bai2ErrorCodes.Truncated, 3 },
        { "hengpor__bai2-to-csv/sample.bai", Bai2ErrorCodes.BadDate, 1 },
        { "kenwilcox__BankFileParsers/BAI-sample.txt", Bai2ErrorCodes.FieldRequired, 5 },
        { "moov-io__bai2/sample3.txt", Bai2ErrorCodes.SeveralRecordsOnLine, 1 },
        { "moov-io__bai2/sample4-continuations-newline-delimited.txt", Bai2ErrorCodes.ControlTotal, 22 },
        { "moov-io__bai2/sample5-issue113.txt", Bai2ErrorCodes.DataAfterDelimiter, 18 },
        { "zeptofs__bai2/group_trailer_without_number_of_accounts.bai2", Bai2ErrorCodes.GroupTrailerTwoFields, 7 },
    };

    /// <summary>Files lenient mode reads: details, credit sum, debit sum, a warning code it must report.</summary>
    public static TheoryData<string, int, long, long, string> Lenient => new()
    {
        { "moov-io__bai2/sample3.txt", 26, 39713, 59418, Bai2ErrorCodes.SeveralRecordsOnLine },
        { "moov-io__bai2/sample4-continuations-newline-delimited.txt", 17, 600731, 31349055, Bai2ErrorCodes.AccountCount },
        { "moov-io__bai2/sample5-issue113.txt", 20, 3798602119, 31812517, Bai2ErrorCodes.MalformedContinuation },
        { "venturehacks__bai2/invalid_checksum_eod.bai2", 1, 8325982, 0, Bai2ErrorCodes.ControlTotal },
        { "dnsbty__bai2/test.bai", 1, 0, 1000, Bai2ErrorCodes.BlankLine },
        { "dnsbty__bai2/test2.bai", 1, 187938, 0, Bai2ErrorCodes.RecordCount },
        { "zeptofs__bai2/group_trailer_without_number_of_accounts.bai2", 1, 25001, 0, Bai2ErrorCodes.GroupTrailerTwoFields },
    };

    [SkippableTheory]
    [MemberData(nameof(Valid))]
    public async Task ReadAsync_ValidExternalFile_GivesItsDetailsAndSums(string file, int details, long credits, long debits)
    {
        var warnings = new List<ParseWarning>();
        var transactions = await Read(file, lenient: false, warnings);
        Assert.Equal(details, transactions.Count);
        Assert.Equal(credits, transactions.Where(t => t.Direction == Direction.Credit).Sum(t => t.AmountMinor));
        Assert.Equal(debits, transactions.Where(t => t.Direction == Direction.Debit).Sum(t => t.AmountMinor));
        Assert.Empty(warnings);
    }

    [SkippableTheory]
    [MemberData(nameof(Invalid))]
    public async Task ReadAsync_InvalidExternalFile_FailsNamingFileAndLine(string file, string errorCode, long line)
    {
        var error = await Assert.ThrowsAsync<Bai2FormatException>(() => Read(file, lenient: false, []));
        Assert.Equal(errorCode, error.ErrorCode);
        Assert.Equal(line, error.LineNumber);
        Assert.StartsWith(TestPaths.ExternalFile("bai2", file) + ":" + line + ":", error.Message, StringComparison.Ordinal);
    }

    [SkippableTheory]
    [MemberData(nameof(Lenient))]
    public async Task ReadAsync_DeviatingExternalFileInLenientMode_ReadsWithWarnings(string file, int details, long credits, long debits, string warning)
    {
        var warnings = new List<ParseWarning>();
        var transactions = await Read(file, lenient: true, warnings);
        Assert.Equal(details, transactions.Count);
        Assert.Equal(credits, transactions.Where(t => t.Direction == Direction.Credit).Sum(t => t.AmountMinor));
        Assert.Equal(debits, transactions.Where(t => t.Direction == Direction.Debit).Sum(t => t.AmountMinor));
        Assert.Contains(warnings, w => w.Code == warning && w.LineNumber > 0);
    }

    [SkippableTheory]
    [InlineData("dnsbty__bai2/test3.bai")]
    [InlineData("hengpor__bai2-to-csv/sample.bai")]
    [InlineData("kenwilcox__BankFileParsers/BAI-sample.txt")]
    [InlineData("moov-io__bai2/errors/sample-parseError.txt")]
    public async Task ReadAsync_BrokenExternalFileInLenientMode_StillFails(string file) =>
        await Assert.ThrowsAsync<Bai2FormatException>(() => Read(file, lenient: true, []));

    [SkippableFact]
    public async Task ReadRecordsAsync_Sample1_ReproducesMoovFacts()
    {
        var records = await ReadRecords("moov-io__bai2/sample1.txt");
        var header = Assert.IsType<Bai2FileHeader>(records[0]);
        Assert.Equal(("0004", "12345", new DateOnly(2006, 3, 21), new TimeOnly(8, 29), "001", 80, 1, 2), (header.Sender, header.Receiver, header.CreationDate, header.CreationTime, header.FileId, header.PhysicalRecordLength, header.BlockSize, header.Version));
        var group = Assert.IsType<Bai2GroupHeader>(records[1]);
        Assert.Equal(("CAD", Bai2GroupStatus.Update, new DateOnly(2006, 3, 17)), (group.Currency, group.Status, group.AsOfDate));
        var accounts = records.OfType<Bai2AccountIdentifier>().ToList();
        Assert.Equal(2, accounts.Count);
        var summary = accounts[0].Summaries.Single(s => s.TypeCode?.Code == 400);
        Assert.Equal((208500L, 8, Bai2FundsType.ValueDated, new DateOnly(2006, 3, 16)), (summary.Amount!.Value, summary.ItemCount!.Value, summary.Availability.FundsType, summary.Availability.ValueDate!.Value));
        var details = records.OfType<Bai2TransactionDetail>().ToList();
        Assert.Equal(
            ["RETURNED CHEQUE", "RTN-UNKNOWN", "RTD CHQ SERVICE CHRG", "TFR 1020 0345678", "MACLEOD MALL", "MASCOUCHE QUE", "1000 ISLANDS MALL", "PENHORA MALL", "CAPILANO MALL", "GALERIES LA CAPITALE", "PLAZA ROCK FOREST"],
            details.Take(11).Select(d => d.Text));
        Assert.Equal([834000L, 446000L], records.OfType<Bai2AccountTrailer>().Select(t => t.ControlTotal));
        Assert.Equal((1280000L, 1, 27), records.OfType<Bai2FileTrailer>().Select(t => (t.ControlTotal, t.GroupCount, t.RecordCount)).Single());
    }

    [SkippableFact]
    public async Task ReadRecordsAsync_Sample2_ReadsTheSpecificationExample()
    {
        var records = await ReadRecords("moov-io__bai2/sample2.txt");
        Assert.Equal(4, records.OfType<Bai2GroupHeader>().Count());
        Assert.Equal(Bai2GroupStatus.Correction, records.OfType<Bai2GroupHeader>().Last().Status);

        // The 03 ends with type code 190 and its amount starts the next 88.
        var second = records.OfType<Bai2AccountIdentifier>().ElementAt(1);
        Assert.Contains(second.Summaries, s => s.TypeCode?.Code == 190 && s.Amount == 500000);
        Assert.Contains(second.Summaries, s => s.TypeCode?.Code == 40 && s.Amount == -1500000);
        var distributed = records.OfType<Bai2AccountIdentifier>().ElementAt(3).Summaries.Single(s => s.TypeCode?.Code == 110);
        Assert.Equal(Bai2FundsType.DistributedByDays, distributed.Availability.FundsType);
        Assert.Equal([new Bai2Distribution(0, 20000000), new Bai2Distribution(1, 30000000), new Bai2Distribution(3, 20000000)], distributed.Availability.Distributions);
        var first = records.OfType<Bai2TransactionDetail>().First();
        Assert.Equal((Bai2FundsType.Distributed, 100000L, 200000L, 150000L), (first.Availability.FundsType, first.Availability.Immediate!.Value, first.Availability.OneDay!.Value, first.Availability.TwoOrMoreDays!.Value));
        Assert.Equal("PROCEEDS OF LETTER OF CREDIT FROM THE ARAMCO OIL CO", records.OfType<Bai2TransactionDetail>().ElementAt(2).Text);
    }

    [SkippableFact]
    public async Task ReadAsync_Sample5InLenientMode_KeepsSlashesInReferencesAndText()
    {
        var transactions = await Read("moov-io__bai2/sample5-issue113.txt", lenient: true, []);
        Assert.Contains(transactions, t => t.Extra.TryGetValue("customer_ref", out var r) && r == "AB/GS/RPFILERP0001/RPBA0001");
        Assert.Contains(transactions, t => t.FreeText == "08/18/23 Invoice - Sample");
        Assert.Equal([3797999624L, 463462L, 1764L], transactions.TakeLast(3).Select(t => t.AmountMinor));
    }

    [SkippableFact]
    public async Task ReadAsync_VenturehacksEod_ReadsTheWireText()
    {
        var transaction = Assert.Single(await Read("venturehacks__bai2/eod.bai2", lenient: false, []));
        Assert.Equal(("195", Direction.Credit, 8325982L, "USD"), (transaction.TypeCode, transaction.Direction, transaction.AmountMinor, transaction.Currency));
        Assert.Equal("OPTIONS LINK WIRE CLEARING", transaction.PayerName);
        Assert.Equal("INVOICE 123456", transaction.FreeText);
        Assert.StartsWith("FED NO: 20100831L1B77D1CDSDSDJSIO15608310954FT01SENDER BNK:=ETRADE BANK", transaction.Extra["raw_text"], StringComparison.Ordinal);
    }

    [SkippableFact]
    public async Task ReadAsync_SlashInContinuedText_KeepsItVerbatim()
    {
        var transaction = Assert.Single(await Read("venturehacks__bai2/eod_with_slash_in_text.bai2", lenient: false, []));
        Assert.Contains("ORG ADDRESS:=2/AV MAIN 2/AVENUE DE ANGELLIST 3/MX/MEXICO ;BNF ID:", transaction.Extra["raw_text"], StringComparison.Ordinal);
    }

    private static async Task<List<BankTransaction>> Read(string file, bool lenient, List<ParseWarning> warnings)
    {
        var path = TestPaths.ExternalFile("bai2", file);
        await using var stream = File.OpenRead(path);
        var list = new List<BankTransaction>();
        await foreach (var t in Bai2Reader.ReadAsync(stream, path, new Bai2ReaderOptions { Lenient = lenient }, warnings))
        {
            list.Add(t);
        }

        return list;
    }

    private static async Task<List<Bai2Record>> ReadRecords(string file)
    {
        await using var stream = File.OpenRead(TestPaths.ExternalFile("bai2", file));
        var list = new List<Bai2Record>();
        await foreach (var r in Bai2Reader.ReadRecordsAsync(stream, file, new Bai2ReaderOptions(), null))
        {
            list.Add(r);
        }

        return list;
    }
}
