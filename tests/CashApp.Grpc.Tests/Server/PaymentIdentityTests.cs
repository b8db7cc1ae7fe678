using System.Text;
using CashApp.Parsers.Common;
using CashApp.Parsers.Currency;
using CashApp.Parsers.Tests.Bai2;
using CashApp.Parsers.Tests.Camt;
using CashApp.Store;
using V1 = CashApp.Grpc.V1;

namespace CashApp.Grpc.Tests.Server;

/// <summary>
/// Every payment once, through the served store: a bank sends a payment again (a re-sent day with a new header,
/// an intraday file and then the end-of-day file, a camt.054 and then the camt.053) and it is reported as already
/// received, with the file that first brought it, and neither stored nor applied again. Each test runs its own
/// server over a fresh store.
/// </summary>
public sealed class PaymentIdentityTests : IAsyncLifetime
{
    private static readonly DateOnly Day = new(2026, 11, 23);
    private readonly ServerFixture _server = new();

    public Task InitializeAsync() => _server.InitializeAsync();

    public Task DisposeAsync() => _server.DisposeAsync();

    [Fact]
    public async Task Ingest_DayResentWithANewHeader_NothingStoredOrAppliedTwiceAndReportSaysAlreadyReceived()
    {
        await _server.OpenItems().UpsertAsync(Enumerable.Range(1, 6).Select(i => MatchingTests.Invoice($"RS-I{i}", "RS-CUST", $"INV-70010{i}", 1_000L * i)));
        var details = Enumerable.Range(1, 6).Select(i => Detail($"RS-{i}", 1_000L * i, $"INV-70010{i}"))
            .Concat(Enumerable.Range(1, 4).Select(i => Detail($"RS-U{i}", 555 + i, "NO REMITTANCE")))
            .ToList();
        var day = Bai2(details);

        var first = await _server.BankFiles().IngestAsync("day.bai2", day);
        var resent = await _server.BankFiles().IngestAsync("day-resent.bai2", NewHeader(day));

        Assert.Equal((10, 0, 10), (first.NewCredits, first.AlreadyReceivedCount, first.Credits));
        Assert.Equal(6, first.Applied);
        Assert.NotEqual(first.Sha256, resent.Sha256);
        Assert.False(resent.Duplicate);
        Assert.Equal((0, 10, 10, 0, 0), (resent.NewCredits, resent.AlreadyReceivedCount, resent.Credits, resent.Applied, resent.Exceptions));
        Assert.Equal(details.Select(d => d.BankRef), resent.AlreadyReceived.Select(r => r.PaymentRef));
        Assert.All(resent.AlreadyReceived, r => Assert.Equal((first.FileId, "day.bai2"), (r.FirstFileId, r.FirstFileName)));
        Assert.Equal(resent.AlreadyReceived.Select(r => r.PaymentRef), resent.AlreadyReceived.Select(r => r.FirstPaymentRef));

        var store = _server.Store;
        Assert.Empty(await store.ListPaymentsAsync(long.Parse(resent.FileId, System.Globalization.CultureInfo.InvariantCulture)));
        Assert.Equal(6, (await store.ListApplicationsAsync(new ApplicationQuery())).Count);
        Assert.Equal(first.Exceptions, (await store.ListExceptionsAsync(new ExceptionQuery())).TotalCount);
        for (var i = 1; i <= 6; i++)
        {
            Assert.Equal(0, (await store.GetOpenItemAsync($"RS-I{i}"))!.RemainingMinor);
        }
    }

    [Fact]
    public async Task Ingest_IntradayThenEndOfDayWithAThirdInBoth_EachPaymentStoredAndAppliedOnce()
    {
        const int Count = 20;
        await _server.OpenItems().UpsertAsync(Enumerable.Range(0, Count).Select(i => MatchingTests.Invoice($"ID-I{i}", "ID-CUST", $"INV-7002{i:D3}", 2_000L + i)));
        var details = Enumerable.Range(0, Count).Select(i => Detail($"ID-{i}", 2_000L + i, $"INV-7002{i:D3}")).ToList();

        // The intraday file holds the morning's 30 %; the end-of-day file, made later, holds the whole day.
        var intraday = await _server.BankFiles().IngestAsync("intraday.bai2", Bai2(details[..6], header: "1000,7"));
        var endOfDay = await _server.BankFiles().IngestAsync("eod.bai2", Bai2(details, header: "2200,8"));

        Assert.Equal((6, 0, 6), (intraday.NewCredits, intraday.AlreadyReceivedCount, intraday.Applied));
        Assert.Equal((14, 6, 14, 20), (endOfDay.NewCredits, endOfDay.AlreadyReceivedCount, endOfDay.Applied, endOfDay.Credits));
        Assert.Equal(details[..6].Select(d => d.BankRef), endOfDay.AlreadyReceived.Select(r => r.PaymentRef));
        Assert.All(endOfDay.AlreadyReceived, r => Assert.Equal("intraday.bai2", r.FirstFileName));

        var store = _server.Store;
        var stored = (await store.ListPaymentsAsync(Id(intraday.FileId))).Concat(await store.ListPaymentsAsync(Id(endOfDay.FileId))).ToList();
        Assert.Equal(details.Select(d => d.BankRef).Order(StringComparer.Ordinal), stored.Select(p => p.PaymentRef).Order(StringComparer.Ordinal));
        var applications = await store.ListApplicationsAsync(new ApplicationQuery());
        Assert.Equal(Count, applications.Count);
        Assert.Equal(Count, applications.Select(a => a.ItemId).Distinct(StringComparer.Ordinal).Count());
        Assert.Equal(0, (await store.ListExceptionsAsync(new ExceptionQuery())).TotalCount);
    }

    [Fact]
    public async Task Ingest_OneEntryInACamt054AndTheCamt053_StoredAndAppliedOnce()
    {
        await _server.OpenItems().UpsertAsync([MatchingTests.Invoice("CT-I1", "CT-CUST", "INV-7003001", 12_500), MatchingTests.Invoice("CT-I2", "CT-CUST", "INV-7003002", 7_300)]);
        var notified = Entry("NTRY-1", "TX-REF-1", 12_500, "INV-7003001");
        var later = Entry("NTRY-2", "TX-REF-2", 7_300, "INV-7003002");

        var notification = await _server.BankFiles().IngestAsync("day.camt054.xml", CamtWriter.Write(new StatementModel(8, Notification: true, null, [notified])));
        var statement = await _server.BankFiles().IngestAsync("day.camt053.xml", CamtWriter.Write(new StatementModel(8, Notification: false, null, [notified, later])));

        Assert.Equal((V1.BankFileFormat.Camt054, 1, 0, 1), (notification.Format, notification.NewCredits, notification.AlreadyReceivedCount, notification.Applied));
        Assert.Equal((V1.BankFileFormat.Camt053, 1, 1, 1), (statement.Format, statement.NewCredits, statement.AlreadyReceivedCount, statement.Applied));
        var received = Assert.Single(statement.AlreadyReceived);
        Assert.Equal(("TX-REF-1", notification.FileId, "day.camt054.xml"), (received.PaymentRef, received.FirstFileId, received.FirstFileName));

        var store = _server.Store;
        Assert.Equal(["CT-I1"], (await store.ListApplicationsAsync(new ApplicationQuery { ItemId = "CT-I1" })).Select(a => a.ItemId));
        Assert.Equal(["TX-REF-2"], (await store.ListPaymentsAsync(Id(statement.FileId))).Select(p => p.PaymentRef));
        Assert.Equal(0, (await store.GetOpenItemAsync("CT-I1"))!.RemainingMinor);
        Assert.Equal(0, (await store.GetOpenItemAsync("CT-I2"))!.RemainingMinor);
    }

    [Fact]
    public async Task Ingest_Bai2DetailsWithoutBankReference_IdenticalOnesAreTwoPaymentsAndAResendIsRecognised()
    {
        // Two identical ACH credits without any reference, and a third of another amount.
        var twin = Detail(string.Empty, 2_500, "ACH CREDIT CEDAR BUILDERS");
        var other = Detail(string.Empty, 2_600, "ACH CREDIT CEDAR BUILDERS");
        var morning = Bai2([twin, twin, other], header: "1000,1");

        var first = await _server.BankFiles().IngestAsync("morning.bai2", morning);
        var resent = await _server.BankFiles().IngestAsync("morning-resent.bai2", NewHeader(morning));

        // The end-of-day file brings a third identical credit: only that one is new.
        var endOfDay = await _server.BankFiles().IngestAsync("eod.bai2", Bai2([twin, twin, twin, other], header: "2200,2"));

        Assert.Equal((3, 0), (first.NewCredits, first.AlreadyReceivedCount));
        var stored = await _server.Store.ListPaymentsAsync(Id(first.FileId));
        Assert.Equal(3, stored.Select(p => p.PaymentRef).Distinct(StringComparer.Ordinal).Count());
        Assert.Equal(3, stored.Select(p => p.IdentityKey).Distinct(StringComparer.Ordinal).Count());
        Assert.Equal((0, 3), (resent.NewCredits, resent.AlreadyReceivedCount));
        Assert.Equal((1, 3), (endOfDay.NewCredits, endOfDay.AlreadyReceivedCount));
        var third = Assert.Single(await _server.Store.ListPaymentsAsync(Id(endOfDay.FileId)));
        Assert.Equal(2_500, third.Amount.Minor);
    }

    internal static TestDetail Detail(string bankRef, long amountMinor, string text) => new(165, amountMinor, "0", bankRef, string.Empty, text);

    /// <summary>A day's BAI2 file for one account, as the bank's system writes it at the time in <paramref name="header"/> (HHMM,file id).</summary>
    internal static byte[] Bai2(IReadOnlyList<TestDetail> details, string header = "0600,1")
    {
        var file = Bai2TestWriter.Render(new TestFile("BANK", "CASHAPP", Day, [new TestGroup("BANK", Day, "USD", [new TestAccount("500100200", "USD", [], details)])]));
        return header == "0600,1" ? file : Encoding.ASCII.GetBytes(Encoding.ASCII.GetString(file).Replace(",0600,1,", "," + header + ",", StringComparison.Ordinal));
    }

    /// <summary>The same day as a bank re-sends it: only the 01 header's creation time and file id differ.</summary>
    internal static byte[] NewHeader(byte[] file)
    {
        var text = Encoding.ASCII.GetString(file);
        var header = text[..text.IndexOf('\n', StringComparison.Ordinal)];
        var fields = header.Split(',');
        fields[4] = "0815";
        fields[5] = (int.Parse(fields[5], System.Globalization.CultureInfo.InvariantCulture) + 100).ToString(System.Globalization.CultureInfo.InvariantCulture);
        return Encoding.ASCII.GetBytes(string.Join(',', fields) + text[header.Length..]);
    }

    private static EntryModel Entry(string entryRef, string transactionRef, long amountMinor, string invoice) => new(
        amountMinor,
        new CurrencyCode("USD"),
        Direction.Credit,
        "BOOK",
        Reversal: false,
        AccountServicerRef: entryRef,
        EntryRef: null,
        Day,
        [new DetailModel(amountMinor, null, transactionRef, "E2E-" + transactionRef, "Cedar Builders Inc", null, "DE44500105175407324931", [], [(invoice, "CINV", amountMinor)])]);

    private static long Id(string fileId) => long.Parse(fileId, System.Globalization.CultureInfo.InvariantCulture);
}
