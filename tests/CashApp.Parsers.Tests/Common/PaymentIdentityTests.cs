using System.Text;
using CashApp.Fixtures;
using CashApp.Parsers.Common;
using CashApp.Parsers.Currency;
using CashApp.Parsers.Lockbox;
using CashApp.Parsers.Tests.Bai2;
using CashApp.Parsers.Tests.Camt;

namespace CashApp.Parsers.Tests.Common;

/// <summary>
/// The identity key of a credit comes from the bank's own data as each reader gives it: the same payment in another
/// file (a new header, an intraday then an end-of-day file, a camt.054 then a camt.053) has the same key, and two
/// payments never share one.
/// </summary>
public sealed class PaymentIdentityTests
{
    private static readonly DateOnly Day = new(2026, 11, 23);

    [Fact]
    public async Task Bai2_DayResentWithANewHeader_SameKeys()
    {
        TestDetail[] details = [new(165, 1_000, "0", "REF1", string.Empty, "A"), new(195, 2_000, "0", "REF2", "CUST9", "B"), new(165, 3_000, "0", string.Empty, string.Empty, "C")];
        var day = Bai2File(details, "0600,1");
        var resent = Bai2File(details, "0815,2");

        var keys = PaymentIdentity.Keys(await ReadAsync(day, "day.bai2", BankFileFormat.Bai2));

        Assert.Equal(keys, PaymentIdentity.Keys(await ReadAsync(resent, "resent.bai2", BankFileFormat.Bai2)));
        Assert.Equal("bai2|500100200|b:REF1|165|USD|1000|2026-11-23|pay#1", keys[0]);
        Assert.Equal(3, keys.Distinct(StringComparer.Ordinal).Count());
    }

    [Fact]
    public async Task Bai2_IntradayThenEndOfDay_TheMorningsKeysRecur()
    {
        var details = Enumerable.Range(0, 10).Select(i => new TestDetail(165, 1_000 + (i % 3), "0", i % 2 == 0 ? $"R{i}" : string.Empty, string.Empty, "ACH")).ToArray();

        var morning = PaymentIdentity.Keys(await ReadAsync(Bai2File(details[..4], "1000,1"), "intraday.bai2", BankFileFormat.Bai2));
        var evening = PaymentIdentity.Keys(await ReadAsync(Bai2File(details, "2200,2"), "eod.bai2", BankFileFormat.Bai2));

        Assert.Equal(morning, evening[..4]);
        Assert.Equal(10, evening.Distinct(StringComparer.Ordinal).Count());
    }

    [Fact]
    public async Task Camt_OneEntryInANotificationAndAStatement_SameKey()
    {
        var entry = Entry("TX-1", "E2E-1", 12_500);
        var other = Entry("TX-2", "E2E-2", 12_500);

        var notification = await ReadAsync(CamtWriter.Write(new StatementModel(8, true, null, [entry])), "n.xml", BankFileFormat.Camt054);
        var statement = await ReadAsync(CamtWriter.Write(new StatementModel(2, false, "c", [other, entry])), "s.xml", BankFileFormat.Camt053);

        Assert.Equal(PaymentIdentity.Keys(notification)[0], PaymentIdentity.Keys(statement)[1]);
        Assert.NotEqual(PaymentIdentity.Keys(statement)[0], PaymentIdentity.Keys(statement)[1]);
        Assert.Equal("camt|DE89370400440532013000|TX-1|USD|12500|2026-11-23|pay#1", PaymentIdentity.Keys(notification)[0]);
    }

    [Fact]
    public async Task Camt_NoAccountServicerReference_EndToEndIdIsTheReference()
    {
        var credit = Assert.Single(await ReadAsync(CamtWriter.Write(new StatementModel(8, false, null, [Entry(null, "E2E-7", 100)])), "s.xml", BankFileFormat.Camt053));

        Assert.Equal(("E2E-7", "DE89370400440532013000", Day), (credit.BankReference, credit.Account, credit.BookingDate));
    }

    [Fact]
    public async Task Lockbox_Checks_KeyedByLockboxDepositDateBatchItemAndAmount()
    {
        LockboxCheckModel Check(string item, long amount) => new(item, amount, "021000021", "123456789", "1001", "CEDAR BUILDERS", [("1004567", amount)]);
        var text = LockboxWriter.Write(
            LockboxLayout.Default,
            [new LockboxModel("0012345", Day, [new LockboxBatchModel("001", [Check("001", 5_000), Check("002", 5_000)])])],
            new LockboxWriterOptions { NewLine = "\n" });

        var checks = await ReadAsync(Encoding.ASCII.GetBytes(text), "box.txt", BankFileFormat.Lockbox);
        var keys = PaymentIdentity.Keys(checks);

        Assert.Equal(("0012345", "001-001", Day), (checks[0].Account, checks[0].BankReference, checks[0].BookingDate));
        Assert.Equal(["lockbox|0012345|001-001|USD|5000|2026-11-23|pay#1", "lockbox|0012345|001-002|USD|5000|2026-11-23|pay#1"], keys);
    }

    [Fact]
    public void Keys_IdenticalCreditsInOneFile_OrdinalsTellThemApart()
    {
        var credit = Credit(BankFileFormat.Bai2, null, 2_500);

        var keys = PaymentIdentity.Keys([credit, credit, credit with { AmountMinor = 2_600 }, credit]);

        Assert.Equal(["#1", "#2", "#1", "#3"], keys.Select(k => k[k.LastIndexOf('#')..]));
        Assert.Equal(4, keys.Distinct(StringComparer.Ordinal).Count());
    }

    [Fact]
    public void Keys_PendingAndBookedAlike_DifferSoThatTheBookingIsNotHidden()
    {
        var booked = Credit(BankFileFormat.Camt053, "TX-1", 100);
        var pending = booked with { IsPayment = false, NotPaymentReason = "pending" };

        Assert.NotEqual(PaymentIdentity.Keys([booked]), PaymentIdentity.Keys([pending]));
    }

    [Fact]
    public void Keys_SeparatorsInAField_NeverMakeTwoCreditsOne()
    {
        var a = Credit(BankFileFormat.Camt053, "A|B", 100) with { Account = "X" };
        var b = Credit(BankFileFormat.Camt053, "B", 100) with { Account = "X|A" };

        Assert.NotEqual(PaymentIdentity.Keys([a]), PaymentIdentity.Keys([b]));
    }

    [Fact]
    public void Keys_VeryLongReference_HashedAndShortEnoughForTheIndex()
    {
        var keys = PaymentIdentity.Keys([Credit(BankFileFormat.Unknown, new string('R', 500), 100), Credit(BankFileFormat.Unknown, new string('R', 499), 100)]);

        Assert.All(keys, k => Assert.True(k.Length <= PaymentIdentity.MaxReadableLength, k));
        Assert.StartsWith("api|sha256:", keys[0], StringComparison.Ordinal);
        Assert.NotEqual(keys[0], keys[1]);
    }

    private static BankTransaction Credit(BankFileFormat format, string? reference, long amountMinor) => new()
    {
        PaymentRef = reference ?? "L7",
        Direction = Direction.Credit,
        AmountMinor = amountMinor,
        Currency = "USD",
        Format = format,
        SourceFile = "f",
        LineNumber = 7,
        Account = "500100200",
        BankReference = reference,
        BookingDate = Day,
        TypeCode = "165",
    };

    private static EntryModel Entry(string? servicerRef, string endToEnd, long amountMinor) =>
        new(amountMinor, new CurrencyCode("USD"), Direction.Credit, "BOOK", false, null, null, Day, [new DetailModel(amountMinor, null, servicerRef, endToEnd, "Cedar", null, null, [], [])]);

    private static byte[] Bai2File(IReadOnlyList<TestDetail> details, string header)
    {
        var file = Bai2TestWriter.Render(new TestFile("BANK", "CASHAPP", Day, [new TestGroup("BANK", Day, "USD", [new TestAccount("500100200", "USD", [], details)])]));
        return Encoding.ASCII.GetBytes(Encoding.ASCII.GetString(file).Replace(",0600,1,", "," + header + ",", StringComparison.Ordinal));
    }

    private static async Task<List<BankTransaction>> ReadAsync(byte[] content, string name, BankFileFormat format)
    {
        using var stream = new MemoryStream(content);
        var list = new List<BankTransaction>();
        await foreach (var t in BankFiles.ReadAsync(stream, name, format, new BankFileReadOptions(), null))
        {
            if (t.Direction == Direction.Credit)
            {
                list.Add(t);
            }
        }

        return list;
    }
}
