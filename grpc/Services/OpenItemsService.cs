using System.Text;
using CashApp.Store;
using CashApp.Engine.Model;
using CashApp.Grpc.Hosting;
using CashApp.Grpc.Matching;
using CashApp.Grpc.Security;
using Grpc.Core;
using V1 = CashApp.Grpc.V1;

namespace CashApp.Grpc.Services;

/// <summary>cashapp.v1.OpenItems: the AR system's open documents.</summary>
internal sealed class OpenItemsService(ICashStore store, LiveMatcher matcher, ILogger<OpenItemsService> logger) : V1.OpenItems.OpenItemsBase
{
    /// <summary>Most items one Upsert stream may carry: the stream is stored as one transaction.</summary>
    public const int MaxItemsPerUpsert = 5_000_000;

    public override async Task<V1.UpsertSummary> Upsert(IAsyncStreamReader<V1.OpenItem> requestStream, ServerCallContext context)
    {
        var caller = context.Caller();
        var violations = new Violations();
        var items = new Dictionary<string, OpenItem>(StringComparer.Ordinal);
        var received = 0L;
        await foreach (var message in requestStream.ReadAllAsync(context.CancellationToken).ConfigureAwait(false))
        {
            if (received == MaxItemsPerUpsert)
            {
                GrpcErrors.ThrowResourceExhausted($"At most {MaxItemsPerUpsert} items per Upsert stream; send the rest in another.");
            }

            var item = ProtoMap.ToDomain(message, $"items[{received}]", violations);
            received++;
            if (item is not null)
            {
                // The same item twice in one stream: the later message wins, as it would in two calls.
                items[item.ItemId] = item;
            }
        }

        if (violations.Any)
        {
            Log.InvalidArgument(logger, caller, context.Method, violations);
            violations.ThrowIfAny();
        }

        var result = await store.UpsertOpenItemsAsync([.. items.Values], caller.Name, context.CancellationToken).ConfigureAwait(false);
        matcher.Invalidate();
        Log.Upserted(logger, caller, "open items", result.Inserted, result.Updated, result.Unchanged);
        return new V1.UpsertSummary { Received = received, Inserted = result.Inserted, Updated = result.Updated, Unchanged = result.Unchanged };
    }

    public override async Task<V1.OpenItem> Get(V1.GetOpenItemRequest request, ServerCallContext context)
    {
        var violations = new Violations();
        var id = ProtoMap.Key(request.ItemId, "item_id", violations);
        violations.ThrowIfAny();
        var stored = await store.GetOpenItemAsync(id!, context.CancellationToken).ConfigureAwait(false);
        if (stored is null)
        {
            GrpcErrors.ThrowNotFound($"No open item '{ProtoMap.Clip(id!)}'.");
        }

        return ProtoMap.ToProto(stored);
    }

    public override async Task<V1.ListOpenItemsResponse> List(V1.ListOpenItemsRequest request, ServerCallContext context)
    {
        var violations = new Violations();
        var take = ProtoMap.PageSize(request.PageSize, violations);
        var customer = ProtoMap.Key(request.CustomerId, "customer_id", violations, required: false);
        var currency = request.Currency.Length == 0 ? null : ProtoMap.Currency(request.Currency, "currency", violations)?.Code;
        string? after = null;
        if (request.PageToken.Length > 0)
        {
            after = DecodeToken(request.PageToken);
            if (after is null)
            {
                violations.Add("page_token", "not a token this server issued.");
            }
        }

        if (request.Status == V1.OpenItemStatus.Closed)
        {
            // The store lists only open items so far: asking for closed ones is a request we cannot serve yet.
            violations.Add("status", "listing closed items is not supported; Get a closed item by its item_id.");
        }

        violations.ThrowIfAny();

        // The open items come from the matcher's snapshot (the ledger as matching sees it); each item of
        // the page is then read from the store for its status and row version.
        var snapshot = await matcher.SnapshotAsync(context.CancellationToken).ConfigureAwait(false);
        var page = snapshot.OpenItems
            .Where(i => (customer is null || i.CustomerId == customer) && (currency is null || i.Currency.Code == currency) && (after is null || string.CompareOrdinal(i.ItemId, after) > 0))
            .OrderBy(i => i.ItemId, StringComparer.Ordinal)
            .Take(take + 1)
            .ToList();
        var response = new V1.ListOpenItemsResponse();
        foreach (var item in page.Take(take))
        {
            var stored = await store.GetOpenItemAsync(item.ItemId, context.CancellationToken).ConfigureAwait(false);
            var proto = stored is null ? ProtoMap.ToProto(item) : ProtoMap.ToProto(stored);
            if (request.Status == V1.OpenItemStatus.Unspecified || proto.Status == request.Status)
            {
                response.Items.Add(proto);
            }
        }

        if (page.Count > take)
        {
            response.NextPageToken = EncodeToken(page[take - 1].ItemId);
        }

        return response;
    }

    private static string EncodeToken(string itemId) => Convert.ToBase64String(Encoding.UTF8.GetBytes(itemId));

    private static string? DecodeToken(string token)
    {
        var buffer = new byte[token.Length];
        return Convert.TryFromBase64String(token, buffer, out var written) ? Encoding.UTF8.GetString(buffer, 0, written) : null;
    }
}
