using System.Globalization;
using System.Threading.RateLimiting;
using Microsoft.AspNetCore.RateLimiting;

namespace CashApp.Grpc.Hosting;

/// <summary>
/// The concurrency limiter of the calls that write the ledger (BankFiles.Ingest, OpenItems.Upsert,
/// Customers.Upsert): at most <see cref="ServeOptions.MaxConcurrentWrites"/> run at once, the next
/// <see cref="ServeOptions.WriteQueueLength"/> wait their turn in arrival order, and any further call is refused
/// with RESOURCE_EXHAUSTED at once, before a byte of it is read. Each such call holds a store transaction, a
/// spooled file or a stream of rows: a burst of them is queued here instead of piling up on the store's write lock.
/// </summary>
internal sealed class WriteLimiter(ServeOptions options) : IRateLimiterPolicy<string>
{
    /// <summary>The policy's name, as the services' methods name it.</summary>
    public const string Policy = "cashapp-writes";

    private const string Partition = "writes";

    public Func<OnRejectedContext, CancellationToken, ValueTask>? OnRejected { get; } = (context, _) =>
    {
        // A gRPC trailers-only response: the client sees RESOURCE_EXHAUSTED, not an HTTP error.
        var response = context.HttpContext.Response;
        response.StatusCode = StatusCodes.Status200OK;
        response.ContentType = "application/grpc";
        response.Headers["grpc-status"] = ((int)global::Grpc.Core.StatusCode.ResourceExhausted).ToString(CultureInfo.InvariantCulture);
        response.Headers["grpc-message"] = "too many ingests and upserts at once on this server (the limit and its queue are full); retry with backoff";
        return ValueTask.CompletedTask;
    };

    public RateLimitPartition<string> GetPartition(HttpContext httpContext) =>
        RateLimitPartition.GetConcurrencyLimiter(Partition, _ => new ConcurrencyLimiterOptions
        {
            PermitLimit = options.MaxConcurrentWrites,
            QueueLimit = options.WriteQueueLength,
            QueueProcessingOrder = QueueProcessingOrder.OldestFirst,
        });
}
