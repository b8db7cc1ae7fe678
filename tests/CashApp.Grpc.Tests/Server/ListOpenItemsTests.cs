using V1 = CashApp.Grpc.V1;

namespace CashApp.Grpc.Tests.Server;

/// <summary>OpenItems.List filters in the store before it pages: every page is full until the last, whatever the filter.</summary>
public sealed class ListOpenItemsTests : IAsyncLifetime
{
    private readonly ServerFixture _server = new();

    public Task InitializeAsync() => _server.InitializeAsync();

    public Task DisposeAsync() => _server.DisposeAsync();

    [Fact]
    public async Task List_ByStatusCustomerAndCurrency_FullPagesOfMatchingItemsOnly()
    {
        // Items of two customers and two currencies interleave by id; AR closed every third one.
        var items = Enumerable.Range(0, 30).Select(i => MatchingTests.Invoice($"LI-{i:D2}", i % 2 == 0 ? "LI-EVEN" : "LI-ODD", $"INV-72{i:D3}", i % 3 == 0 ? 0 : 1_000 + i, i % 4 == 0 ? "EUR" : "USD")).ToList();
        await _server.OpenItems("ar-system").UpsertAsync(items);

        var open = await ListAllAsync(new V1.ListOpenItemsRequest { Status = V1.OpenItemStatus.Open, CustomerId = "LI-EVEN", Currency = "USD", PageSize = 2 });
        var closed = await ListAllAsync(new V1.ListOpenItemsRequest { Status = V1.OpenItemStatus.Closed, PageSize = 4 });

        var expectedOpen = items.Where(i => i.OpenAmountMinor != 0 && i.CustomerId == "LI-EVEN" && i.Currency == "USD").Select(i => i.ItemId).ToList();
        Assert.Equal(expectedOpen, open.Items.Select(i => i.ItemId));
        Assert.All(open.Pages[..^1], count => Assert.Equal(2, count));
        Assert.Equal(items.Where(i => i.OpenAmountMinor == 0).Select(i => i.ItemId), closed.Items.Select(i => i.ItemId));
        Assert.All(closed.Items, i => Assert.Equal(V1.OpenItemStatus.Closed, i.Status));
        Assert.All(closed.Pages[..^1], count => Assert.Equal(4, count));
    }

    private async Task<(List<V1.OpenItem> Items, List<int> Pages)> ListAllAsync(V1.ListOpenItemsRequest request)
    {
        var items = new List<V1.OpenItem>();
        var pages = new List<int>();
        do
        {
            var page = await _server.OpenItems("ar-system").ListAsync(request);
            items.AddRange(page.Items);
            pages.Add(page.Items.Count);
            request.PageToken = page.NextPageToken;
        }
        while (request.PageToken.Length > 0 && pages.Count < 100);

        return (items, pages);
    }
}
