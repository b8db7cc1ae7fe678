using CashApp.Engine.Ar;
using CashApp.Tests;
using Grpc.Core;
using V1 = CashApp.Grpc.V1;

namespace CashApp.Grpc.Tests.Server;

/// <summary>
/// The whole day through the wire, as the three kinds of callers do it: AR syncs customers and items,
/// treasury pushes the three bank files, a specialist lists the exceptions, resolves one, and reads the
/// summary. Each caller uses its own role's key.
/// </summary>
[Collection(SharedServer.Name)]
public sealed class DayTests(ServerFixture server)
{
    [Fact]
    public async Task WholeDay_SyncIngestResolveSummarise_EveryStepThroughTheWire()
    {
        // AR system: customers and open items.
        var customers = ArFiles.ReadCustomers(TestPaths.Demo("customers.csv"));
        var items = ArFiles.ReadOpenItems(TestPaths.Demo("open_items.csv"));
        var customerSummary = await server.Customers("ar-system").UpsertAsync(customers.Select(Wire.ToProto));
        Assert.Equal(customers.Count, customerSummary.Received);
        var itemSummary = await server.OpenItems("ar-system").UpsertAsync(items.Select(Wire.ToProto));
        Assert.Equal(items.Count, itemSummary.Received);
        Assert.Equal(items.Count, itemSummary.Inserted + itemSummary.Updated + itemSummary.Unchanged);

        var one = await server.OpenItems("ar-system").GetAsync(new V1.GetOpenItemRequest { ItemId = items[0].ItemId });
        Assert.Equal(items[0].InvoiceNumber, one.InvoiceNumber);
        Assert.Equal(items[0].OpenMinor, one.OpenAmountMinor);
        var page = await server.OpenItems("ar-system").ListAsync(new V1.ListOpenItemsRequest { CustomerId = items[0].CustomerId, PageSize = 2 });
        Assert.All(page.Items, i => Assert.Equal(items[0].CustomerId, i.CustomerId));

        // Treasury: the three bank files; each report agrees with a local read of the file.
        var ingested = 0;
        foreach (var name in new[] { "day.bai2", "day.camt053.xml", "day.lockbox.txt" })
        {
            var path = TestPaths.Demo("bank", name);
            var local = await Wire.ReadLocallyAsync(path);
            var content = await File.ReadAllBytesAsync(path);
            var credits = local.Transactions.Count(t => t.Direction == CashApp.Parsers.Common.Direction.Credit);
            Assert.True(credits > 0, $"{name}: the demo file has no credit");

            var report = await server.BankFiles("treasury").IngestAsync(name, content, chunkSize: 4096);
            Assert.False(report.Duplicate);
            Assert.Equal(credits, report.Credits);
            Assert.Equal(content.LongLength, report.SizeBytes);
            Assert.NotEmpty(report.FileId);
            ingested++;

            // The same content again is a duplicate of the first copy, and stores nothing.
            var again = await server.BankFiles("treasury").IngestAsync("renamed-" + name, content);
            Assert.True(again.Duplicate);
            Assert.Equal(report.FileId, again.FileId);
        }

        Assert.Equal(3, ingested);

        // Specialist: the exceptions, one resolved, the summary.
        var specialist = server.Exceptions("specialist");
        var open = await specialist.ListAsync(new V1.ListExceptionsRequest { Status = V1.ExceptionStatus.Open, PageSize = 50 });
        Assert.NotEmpty(open.Exceptions);
        Assert.All(open.Exceptions, e => Assert.True(e.UnappliedAmountMinor > 0));

        var chosen = await specialist.GetAsync(new V1.GetExceptionRequest { ExceptionId = open.Exceptions[0].ExceptionId });
        var resolved = await specialist.ResolveAsync(new V1.ResolveExceptionRequest
        {
            ExceptionId = chosen.ExceptionId,
            ExpectedRowVersion = chosen.RowVersion,
            Reason = "payer confirmed by phone: keep on account",
            LeaveOnAccount = new V1.LeaveOnAccount(),
        });
        Assert.Equal(V1.ExceptionStatus.Resolved, resolved.Status);
        Assert.Equal(V1.ResolutionKind.LeaveOnAccount, resolved.Resolution);
        Assert.StartsWith("specialist:", resolved.ResolvedBy, StringComparison.Ordinal);

        var summary = await server.Reports("specialist").SummaryAsync(new V1.SummaryRequest());
        Assert.True(summary.BankFiles >= ingested);
        Assert.True(summary.Payments > 0);
        Assert.InRange(summary.HitRate, 0, 1);
        Assert.NotEmpty(summary.Unapplied);

        // The decision is in the audit trail under the specialist's identity.
        var audit = await server.Store.ListAuditAsync(new CashApp.Store.AuditQuery { Subject = "exception/" + chosen.ExceptionId });
        Assert.Contains(audit, a => a.Actor == resolved.ResolvedBy);
    }
}
