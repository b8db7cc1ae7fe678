using CashApp.Engine.Model;
using CashApp.Grpc.Hosting;
using CashApp.Grpc.Matching;
using CashApp.Grpc.Security;
using CashApp.Store;
using Grpc.Core;
using V1 = CashApp.Grpc.V1;

namespace CashApp.Grpc.Services;

/// <summary>cashapp.v1.Customers: who pays, under which names and from which accounts.</summary>
internal sealed class CustomersService(ICashStore store, LiveMatcher matcher, ILogger<CustomersService> logger) : V1.Customers.CustomersBase
{
    /// <summary>Most customers one Upsert stream may carry.</summary>
    public const int MaxCustomersPerUpsert = 2_000_000;

    public override async Task<V1.UpsertSummary> Upsert(IAsyncStreamReader<V1.Customer> requestStream, ServerCallContext context)
    {
        var caller = context.Caller();
        var violations = new Violations();
        var customers = new Dictionary<string, Customer>(StringComparer.Ordinal);
        var received = 0L;
        await foreach (var message in requestStream.ReadAllAsync(context.CancellationToken).ConfigureAwait(false))
        {
            if (received == MaxCustomersPerUpsert)
            {
                GrpcErrors.ThrowResourceExhausted($"At most {MaxCustomersPerUpsert} customers per Upsert stream; send the rest in another.");
            }

            var customer = ProtoMap.ToDomain(message, $"customers[{received}]", violations);
            received++;
            if (customer is not null)
            {
                customers[customer.CustomerId] = customer;
            }
        }

        if (violations.Any)
        {
            Log.InvalidArgument(logger, caller, context.Method, violations);
            violations.ThrowIfAny();
        }

        var result = await store.UpsertCustomersAsync([.. customers.Values], caller.Name, context.CancellationToken).ConfigureAwait(false);
        matcher.Invalidate();
        Log.Upserted(logger, caller, "customers", result.Inserted, result.Updated, result.Unchanged);
        return new V1.UpsertSummary { Received = received, Inserted = result.Inserted, Updated = result.Updated, Unchanged = result.Unchanged };
    }
}
