using CashApp.Engine.Model;
using CashApp.Grpc.Hosting;
using CashApp.Grpc.Matching;
using CashApp.Grpc.Security;
using CashApp.Store;
using Grpc.Core;
using V1 = CashApp.Grpc.V1;

namespace CashApp.Grpc.Services;

/// <summary>cashapp.v1.Customers: who pays, under which names and from which accounts.</summary>
internal sealed class CustomersService(ICashStore store, LiveMatcher matcher, ServeOptions options, ILogger<CustomersService> logger) : V1.Customers.CustomersBase
{
    /// <summary>Most customers one Upsert stream may carry.</summary>
    public const int MaxCustomersPerUpsert = 2_000_000;

    [Microsoft.AspNetCore.RateLimiting.EnableRateLimiting(Hosting.WriteLimiter.Policy)]
    public override async Task<V1.UpsertSummary> Upsert(IAsyncStreamReader<V1.Customer> requestStream, ServerCallContext context)
    {
        // Committed in batches of options.UpsertBatchSize as the stream arrives, as OpenItems.Upsert is.
        var caller = context.Caller();
        var violations = new Violations();
        var batch = new Dictionary<string, Customer>(StringComparer.Ordinal);
        var received = 0L;
        long committed = 0;
        var batches = 0;
        var total = new SyncResult(0, 0, 0, 0);
        async Task CommitAsync()
        {
            var result = await store.UpsertCustomersAsync([.. batch.Values], caller.Name, context.CancellationToken).ConfigureAwait(false);
            if (result.Changed.Count > 0)
            {
                // Only the customers the store changed: the next match carries new ones forward and reads the ledger
                // anew for a changed one. A customer sent again unchanged costs the snapshot nothing, so an AR system
                // sending all its customers with one new one does not make the next call read them all one by one.
                matcher.CustomersChanged(result.Changed);
            }

            total = new SyncResult(total.Inserted + result.Inserted, total.Updated + result.Updated, total.Unchanged + result.Unchanged, 0);
            committed = received;
            batches++;
            batch.Clear();
        }

        await foreach (var message in requestStream.ReadAllAsync(context.CancellationToken).ConfigureAwait(false))
        {
            if (received == MaxCustomersPerUpsert)
            {
                GrpcErrors.ThrowResourceExhausted($"At most {MaxCustomersPerUpsert} customers per Upsert stream; send the rest in another.");
            }

            var customer = ProtoMap.ToDomain(message, new FieldPath("customers", received), violations);
            received++;
            if (customer is not null && !violations.Any)
            {
                batch[customer.CustomerId] = customer;
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
                violations.Add("customers", $"customers[0] to customers[{committed - 1}] were stored, in {batches} batches of {options.UpsertBatchSize}, before the first invalid one; nothing after them was. Upsert is idempotent: send the corrected stream again.");
            }

            Log.InvalidArgument(logger, caller, context.Method, violations);
            violations.ThrowIfAny();
        }

        if (batch.Count > 0 || batches == 0)
        {
            await CommitAsync().ConfigureAwait(false);
        }

        Log.Upserted(logger, caller, "customers", total.Inserted, total.Updated, total.Unchanged);
        return new V1.UpsertSummary { Received = received, Inserted = total.Inserted, Updated = total.Updated, Unchanged = total.Unchanged };
    }
}
