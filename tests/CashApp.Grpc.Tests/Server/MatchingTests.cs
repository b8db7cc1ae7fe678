using Grpc.Core;
using V1 = CashApp.Grpc.V1;

namespace CashApp.Grpc.Tests.Server;

/// <summary>The match API proposes without storing, commits only when asked, and streams in order.</summary>
[Collection(SharedServer.Name)]
public sealed class MatchingTests(ServerFixture server)
{
    internal static V1.OpenItem Invoice(string id, string customer, string number, long minor, string currency = "USD") => new()
    {
        ItemId = id, DocType = V1.DocType.Invoice, CustomerId = customer, CustomerName = customer + " Inc.", InvoiceNumber = number, Currency = currency, OpenAmountMinor = minor,
        DocDate = new Google.Type.Date { Year = 2026, Month = 10, Day = 1 }, DueDate = new Google.Type.Date { Year = 2026, Month = 10, Day = 31 },
    };

    internal static V1.Payment Payment(string reference, long minor, string quoted, string currency = "USD") => new()
    {
        PaymentRef = reference, AmountMinor = minor, Currency = currency, PayerName = "Somebody", Remittance = { new V1.RemittanceLine { Reference = quoted } },
    };

    [Fact]
    public async Task Match_NotCommitted_ProposesAndStoresNothing()
    {
        await server.OpenItems("ar-system").UpsertAsync([Invoice("M-ITEM-1", "M-CUST", "INV-M-1", 12_345)]);
        var request = new V1.MatchRequest { Payments = { Payment("M-PAY-1", 12_345, "INV-M-1"), Payment("M-PAY-2", 777, "NOTHING") } };

        var first = await server.Matching("ar-system").MatchAsync(request);
        var second = await server.Matching("ar-system").MatchAsync(request);

        Assert.False(first.Committed);
        var application = Assert.Single(first.Applications);
        Assert.Equal(("M-PAY-1", "M-ITEM-1", 12_345L), (application.PaymentRef, application.ItemId, application.AmountMinor));
        Assert.NotEmpty(application.Explanation);
        var exception = Assert.Single(first.Exceptions);
        Assert.Equal(("M-PAY-2", 777L), (exception.PaymentRef, exception.UnappliedAmountMinor));

        // A proposal is not a decision: the same request proposes the same again, and the item stays open.
        Assert.Equal(first, second);
        var item = await server.OpenItems("ar-system").GetAsync(new V1.GetOpenItemRequest { ItemId = "M-ITEM-1" });
        Assert.Equal(12_345, item.OpenAmountMinor);
    }

    [Fact]
    public async Task Match_Committed_StoresOnce_SecondTimeAlreadyExists()
    {
        await server.OpenItems("ar-system").UpsertAsync([Invoice("C-ITEM-1", "C-CUST", "INV-C-1", 50_000)]);
        var request = new V1.MatchRequest { Commit = true, Payments = { Payment("C-PAY-1", 50_000, "INV-C-1") } };

        var committed = await server.Matching("ar-system").MatchAsync(request);
        Assert.True(committed.Committed);
        Assert.NotEmpty(committed.FileId);
        Assert.Single(committed.Applications);
        var item = await server.OpenItems("ar-system").GetAsync(new V1.GetOpenItemRequest { ItemId = "C-ITEM-1" });
        Assert.Equal(0, item.OpenAmountMinor);

        var ex = await Assert.ThrowsAsync<RpcException>(async () => await server.Matching("ar-system").MatchAsync(request));
        Assert.Equal(StatusCode.AlreadyExists, ex.StatusCode);
    }

    [Fact]
    public async Task Match_UltimateDebtorName_IdentifiesTheCustomerAServicePaysFor()
    {
        // A payment service pays for a customer and quotes nothing: only the ultimate debtor (camt UltmtDbtr) names who.
        var item = Invoice("U-ITEM-1", "U-CUST", "INV-U-1", 4_321_97);
        item.CustomerName = "Quillfeather Orchards AG";
        await server.OpenItems("ar-system").UpsertAsync([item]);
        V1.Payment Paid(string? ultimate) => new()
        {
            PaymentRef = "U-PAY-1", AmountMinor = 4_321_97, Currency = "USD", PayerName = "STRIPE PAYMENTS EUROPE LTD", UltimateDebtorName = ultimate ?? string.Empty,
        };

        var named = await server.Matching("ar-system").MatchAsync(new V1.MatchRequest { Payments = { Paid("QUILLFEATHER ORCHARDS AG") } });
        var unnamed = await server.Matching("ar-system").MatchAsync(new V1.MatchRequest { Payments = { Paid(null) } });

        var application = Assert.Single(named.Applications);
        Assert.Equal(("U-PAY-1", "U-ITEM-1", 4_321_97L), (application.PaymentRef, application.ItemId, application.AmountMinor));
        Assert.Empty(unnamed.Applications);
    }

    [Fact]
    public async Task MatchStream_ManyRequests_OneResponseEachInOrder()
    {
        await server.OpenItems("ar-system").UpsertAsync([Invoice("S-ITEM-1", "S-CUST", "INV-S-1", 1_000)]);
        using var call = server.Matching("ar-system").MatchStream();
        var reader = Task.Run(async () =>
        {
            var responses = new List<V1.MatchResponse>();
            while (await call.ResponseStream.MoveNext(CancellationToken.None))
            {
                responses.Add(call.ResponseStream.Current);
            }

            return responses;
        });
        for (var i = 0; i < 50; i++)
        {
            await call.RequestStream.WriteAsync(new V1.MatchRequest { Payments = { Payment($"S-PAY-{i}", i % 2 == 0 ? 1_000 : 999, "INV-S-1") } });
        }

        await call.RequestStream.CompleteAsync();
        var all = await reader;

        Assert.Equal(50, all.Count);
        for (var i = 0; i < 50; i++)
        {
            var refs = all[i].Applications.Select(a => a.PaymentRef).Concat(all[i].Exceptions.Select(e => e.PaymentRef));
            Assert.Equal([$"S-PAY-{i}"], refs.Distinct());
        }
    }
}
