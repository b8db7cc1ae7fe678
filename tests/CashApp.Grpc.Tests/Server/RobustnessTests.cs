using System.Text;
using CashApp.Tests;
using Grpc.Core;
using V1 = CashApp.Grpc.V1;

namespace CashApp.Grpc.Tests.Server;

/// <summary>Bad input gets INVALID_ARGUMENT naming the field or the file line, and nothing is stored.</summary>
[Collection(SharedServer.Name)]
public sealed class RobustnessTests(ServerFixture server)
{
    [Fact]
    public async Task Ingest_NotABankFile_InvalidArgumentNamingLineOne()
    {
        var before = await server.Store.ListBankFilesAsync(1000);
        var content = Encoding.UTF8.GetBytes("hello, this is not a bank file\n");
        var ex = await Assert.ThrowsAsync<RpcException>(() => server.BankFiles("treasury").IngestAsync("notes.txt", content));
        Assert.Equal(StatusCode.InvalidArgument, ex.StatusCode);
        var violation = Assert.Single(ex.FieldViolations());
        Assert.Equal("data", violation.Field);
        Assert.Contains("notes.txt:1:", violation.Description, StringComparison.Ordinal);
        var after = await server.Store.ListBankFilesAsync(1000);
        Assert.DoesNotContain(after, f => f.Status == CashApp.Store.BankFileStatus.Ingested && !before.Any(b => b.Id == f.Id));

        // The rejection is on record, under the file's content hash, with the reason and no payment.
        var rejected = await server.Store.FindBankFileAsync(CashApp.Store.LedgerService.ContentHash(content));
        Assert.NotNull(rejected);
        Assert.Equal((CashApp.Store.BankFileStatus.Rejected, 0), (rejected.Status, rejected.CreditCount));
        Assert.Empty(await server.Store.ListPaymentsAsync(rejected.Id));
    }

    [Fact]
    public async Task Ingest_TruncatedFile_InvalidArgumentNamingTheLine_NothingStored()
    {
        var content = await DemoLockboxAsync();

        var lines = content.TrimEnd('\n').Split('\n');
        var truncated = Encoding.ASCII.GetBytes(string.Join('\n', lines[..^2]) + "\n");
        var before = await server.Reports().SummaryAsync(new V1.SummaryRequest());

        var ex = await Assert.ThrowsAsync<RpcException>(() => server.BankFiles("treasury").IngestAsync("truncated.lockbox.txt", truncated, chunkSize: 1000));

        Assert.Equal(StatusCode.InvalidArgument, ex.StatusCode);
        var violation = Assert.Single(ex.FieldViolations());
        Assert.Equal("data", violation.Field);
        Assert.Matches(@"truncated\.lockbox\.txt:\d+", violation.Description);
        var after = await server.Reports().SummaryAsync(new V1.SummaryRequest());
        Assert.Equal(before.Payments, after.Payments);
        Assert.Equal(before.BankFiles, after.BankFiles);
    }

    [Fact]
    public async Task Ingest_GarbageMidway_InvalidArgumentNamingTheLine_NothingStored()
    {
        var content = await DemoLockboxAsync();

        var lines = content.Split('\n');
        var bad = lines.Length / 2;
        lines[bad] = "6" + new string('#', Math.Max(10, lines[bad].Length - 1));
        var before = await server.Reports().SummaryAsync(new V1.SummaryRequest());

        var ex = await Assert.ThrowsAsync<RpcException>(() => server.BankFiles("treasury").IngestAsync("garbage.lockbox.txt", Encoding.ASCII.GetBytes(string.Join('\n', lines))));

        Assert.Equal(StatusCode.InvalidArgument, ex.StatusCode);
        Assert.Contains($"garbage.lockbox.txt:{bad + 1}:", Assert.Single(ex.FieldViolations()).Description, StringComparison.Ordinal);
        var after = await server.Reports().SummaryAsync(new V1.SummaryRequest());
        Assert.Equal(before.Payments, after.Payments);
        Assert.Equal(before.BankFiles, after.BankFiles);
    }

    private static Task<string> DemoLockboxAsync() => File.ReadAllTextAsync(TestPaths.Demo("bank", "day.lockbox.txt"));

    [Fact]
    public async Task Ingest_EmptyStream_InvalidArgumentOnFileName()
    {
        using var call = server.BankFiles("treasury").Ingest();
        await call.RequestStream.CompleteAsync();
        var ex = await Assert.ThrowsAsync<RpcException>(async () => await call);
        Assert.Equal(StatusCode.InvalidArgument, ex.StatusCode);
        Assert.Equal("file_name", Assert.Single(ex.FieldViolations()).Field);
    }

    [Theory]
    [InlineData("day\u001b[31m.bai2")]
    [InlineData("day\r.bai2")]
    [InlineData("day\u0085.bai2")]
    public async Task Ingest_FileNameWithAControlCharacter_InvalidArgument_NothingStored(string name)
    {
        // The name is stored, listed on the worklist and written in every message about the file. The content is a valid
        // file, so only the name can be refused.
        var bytes = Encoding.ASCII.GetBytes(await DemoLockboxAsync());
        var ex = await Assert.ThrowsAsync<RpcException>(() => server.BankFiles("treasury").IngestAsync(name, bytes));
        Assert.Equal(StatusCode.InvalidArgument, ex.StatusCode);
        var violation = Assert.Single(ex.FieldViolations());
        Assert.Equal("file_name", violation.Field);
        Assert.Contains("without folders or control characters", violation.Description, StringComparison.Ordinal);
        Assert.DoesNotContain(await server.Store.ListBankFilesAsync(1000), f => f.Name == name);
    }

    [Fact]
    public async Task Ingest_FileNameWithFolders_InvalidArgument()
    {
        var ex = await Assert.ThrowsAsync<RpcException>(() => server.BankFiles("treasury").IngestAsync("../../etc/passwd", [1, 2, 3]));
        Assert.Equal(StatusCode.InvalidArgument, ex.StatusCode);
        Assert.Equal("file_name", Assert.Single(ex.FieldViolations()).Field);
    }

    [Fact]
    public async Task Upsert_InvalidItems_InvalidArgumentNamingEachField_NothingStored()
    {
        var good = new V1.OpenItem
        {
            ItemId = "ROBUST-1", DocType = V1.DocType.Invoice, CustomerId = "C-R", InvoiceNumber = "INV-R-1", Currency = "USD", OpenAmountMinor = 100,
            DocDate = new Google.Type.Date { Year = 2026, Month = 1, Day = 1 }, DueDate = new Google.Type.Date { Year = 2026, Month = 2, Day = 1 },
        };
        var badCurrency = good.Clone();
        badCurrency.ItemId = "ROBUST-2";
        badCurrency.Currency = "XXX";
        var badSign = good.Clone();
        badSign.ItemId = "ROBUST-3";
        badSign.DocType = V1.DocType.CreditMemo;
        badSign.DueDate = new Google.Type.Date { Year = 2026, Month = 2, Day = 30 };

        var ex = await Assert.ThrowsAsync<RpcException>(() => server.OpenItems("ar-system").UpsertAsync([good, badCurrency, badSign]));

        Assert.Equal(StatusCode.InvalidArgument, ex.StatusCode);
        var fields = ex.FieldViolations().Select(v => v.Field).ToList();
        Assert.Equal(["items[1].currency", "items[2].due_date", "items[2].open_amount_minor"], fields.Order(StringComparer.Ordinal));
        Assert.Null(await server.Store.GetOpenItemAsync("ROBUST-1"));
    }

    [Fact]
    public async Task Upsert_KeysWithControlCharacters_InvalidArgumentNamingFieldAndCharacter_NothingStored()
    {
        // As the AR files' readers refuse them: a key is written to CSV files, logs and pages.
        var item = new V1.OpenItem
        {
            ItemId = "ROBUST-C\u0001", DocType = V1.DocType.Invoice, CustomerId = "C-R\tX", InvoiceNumber = "INV-R-9", Currency = "USD", OpenAmountMinor = 100,
            DocDate = new Google.Type.Date { Year = 2026, Month = 1, Day = 1 }, DueDate = new Google.Type.Date { Year = 2026, Month = 2, Day = 1 },
        };
        var customer = new V1.Customer { CustomerId = "C-R\u007F", Name = "ROBUST CONTROLS LLC", ParentId = "C-\u0085P" };

        var items = await Assert.ThrowsAsync<RpcException>(() => server.OpenItems("ar-system").UpsertAsync([item]));
        var customers = await Assert.ThrowsAsync<RpcException>(() => server.Customers("ar-system").UpsertAsync([customer]));

        Assert.Equal(StatusCode.InvalidArgument, items.StatusCode);
        Assert.Equal(
            [("items[0].customer_id", "no control characters: found U+0009 at character 4."), ("items[0].item_id", "no control characters: found U+0001 at character 9.")],
            items.FieldViolations().Select(v => (v.Field, v.Description)).OrderBy(v => v.Field, StringComparer.Ordinal));
        Assert.Equal(StatusCode.InvalidArgument, customers.StatusCode);
        Assert.Equal(
            [("customers[0].customer_id", "no control characters: found U+007F at character 4."), ("customers[0].parent_id", "no control characters: found U+0085 at character 3.")],
            customers.FieldViolations().Select(v => (v.Field, v.Description)).OrderBy(v => v.Field, StringComparer.Ordinal));
        Assert.Null(await server.Store.GetOpenItemAsync("ROBUST-C\u0001"));
    }

    [Fact]
    public async Task Match_InvalidPayments_InvalidArgumentNamingEachField()
    {
        var request = new V1.MatchRequest
        {
            Payments =
            {
                new V1.Payment { PaymentRef = "P1", AmountMinor = -5, Currency = "USD" },
                new V1.Payment { PaymentRef = "P1", AmountMinor = 5, Currency = "usd" },
            },
        };
        var ex = await Assert.ThrowsAsync<RpcException>(async () => await server.Matching("ar-system").MatchAsync(request));
        Assert.Equal(StatusCode.InvalidArgument, ex.StatusCode);
        Assert.Equal(
            ["payments[0].amount_minor", "payments[1].currency", "payments[1].payment_ref"],
            ex.FieldViolations().Select(v => v.Field).Order(StringComparer.Ordinal));
    }

    [Fact]
    public async Task Exceptions_BadIdAndPageToken_InvalidArgument()
    {
        var ex = await Assert.ThrowsAsync<RpcException>(async () => await server.Exceptions().GetAsync(new V1.GetExceptionRequest { ExceptionId = "abc" }));
        Assert.Equal(StatusCode.InvalidArgument, ex.StatusCode);
        ex = await Assert.ThrowsAsync<RpcException>(async () => await server.Exceptions().ListAsync(new V1.ListExceptionsRequest { PageToken = "zz", PageSize = 5000 }));
        Assert.Equal(["page_size", "page_token"], ex.FieldViolations().Select(v => v.Field).Order(StringComparer.Ordinal));
    }

    [Fact]
    public async Task Exceptions_UnknownId_NotFound()
    {
        var ex = await Assert.ThrowsAsync<RpcException>(async () => await server.Exceptions().GetAsync(new V1.GetExceptionRequest { ExceptionId = "987654321" }));
        Assert.Equal(StatusCode.NotFound, ex.StatusCode);
    }
}
