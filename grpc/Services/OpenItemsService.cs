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
internal sealed class OpenItemsService(ICashStore store, LiveMatcher matcher, ServeOptions options, ILogger<OpenItemsService> logger) : V1.OpenItems.OpenItemsBase
{
    /// <summary>Most items one Upsert stream may carry.</summary>
    public const int MaxItemsPerUpsert = 5_000_000;

    [Microsoft.AspNetCore.RateLimiting.EnableRateLimiting(Hosting.WriteLimiter.Policy)]
    public override async Task<V1.UpsertSummary> Upsert(IAsyncStreamReader<V1.OpenItem> requestStream, ServerCallContext context)
    {
        // Committed in batches of options.UpsertBatchSize as the stream arrives: memory and the store's write lock
        // are held for one batch, never for the whole stream. Items after the first invalid one are not stored.
        var caller = context.Caller();
        var violations = new Violations();
        var batch = new Dictionary<string, OpenItem>(StringComparer.Ordinal);
        var received = 0L;
        long committed = 0;
        var batches = 0;
        var total = new SyncResult(0, 0, 0, 0);
        async Task CommitAsync()
        {
            var result = await store.UpsertOpenItemsAsync([.. batch.Values], caller.Name, context.CancellationToken).ConfigureAwait(false);
            // Amounts and new items are carried forward into the snapshot; a known item renumbered makes the next call read
            // the ledger. Only the items the store changed: one sent again unchanged costs the snapshot nothing.
            if (result.Changed.Count > 0)
            {
                matcher.ItemsChanged(result.Changed);
            }
            total = new SyncResult(total.Inserted + result.Inserted, total.Updated + result.Updated, total.Unchanged + result.Unchanged, total.Closed + result.Closed);
            committed = received;
            batches++;
            batch.Clear();
        }

        await foreach (var message in requestStream.ReadAllAsync(context.CancellationToken).ConfigureAwait(false))
        {
            if (received == MaxItemsPerUpsert)
            {
                GrpcErrors.ThrowResourceExhausted($"At most {MaxItemsPerUpsert} items per Upsert stream; send the rest in another.");
            }

            var item = ProtoMap.ToDomain(message, new FieldPath("items", received), violations);
            received++;
            if (item is not null && !violations.Any)
            {
                // The same item twice in one stream: the later message wins, as it would in two calls.
                batch[item.ItemId] = item;
                if (batch.Count == options.UpsertBatchSize)
                {
                    await CommitAsync().ConfigureAwait(false);
                }
            }
        }

        if (violations.Any)
        {
            if (batches > 0)
            {
                violations.Add("items", $"items[0] to items[{committed - 1}] were stored, in {batches} batches of {options.UpsertBatchSize}, before the first invalid item; nothing after them was. Upsert is idempotent: send the corrected stream again.");
            }

            Log.InvalidArgument(logger, caller, context.Method, violations);
            violations.ThrowIfAny();
        }

        if (batch.Count > 0 || batches == 0)
        {
            await CommitAsync().ConfigureAwait(false);
        }

        Log.Upserted(logger, caller, "open items", total.Inserted, total.Updated, total.Unchanged);
        return new V1.UpsertSummary { Received = received, Inserted = total.Inserted, Updated = total.Updated, Unchanged = total.Unchanged };
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

        violations.ThrowIfAny();

        // Filtered in the store, before paging: a page reads its own rows, never the whole ledger.
        var query = new OpenItemQuery
        {
            Status = request.Status switch
            {
                V1.OpenItemStatus.Open => OpenItemStatus.Open,
                V1.OpenItemStatus.Closed => OpenItemStatus.Closed,
                _ => null,
            },
            CustomerId = customer,
            Currency = currency,
            AfterItemId = after,
            Take = take + 1,
        };
        var page = await store.ListOpenItemsAsync(query, context.CancellationToken).ConfigureAwait(false);
        var response = new V1.ListOpenItemsResponse();
        response.Items.AddRange(page.Take(take).Select(ProtoMap.ToProto));
        if (page.Count > take)
        {
            response.NextPageToken = EncodeToken(page[take - 1].Item.ItemId);
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
