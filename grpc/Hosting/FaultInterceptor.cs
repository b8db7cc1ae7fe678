using CashApp.Engine.Matching;
using CashApp.Grpc.Security;
using Grpc.Core;
using Grpc.Core.Interceptors;

namespace CashApp.Grpc.Hosting;

/// <summary>
/// The last line of defence: a failure no service anticipated becomes INTERNAL with an incident id that
/// is logged with the caller and the full exception, and never reaches the client's eyes as a stack
/// trace. A call the client cancelled ends as CANCELLED, and one that needs a ledger past what one matcher holds as
/// RESOURCE_EXHAUSTED, saying which limit. Either way the server goes on.
/// </summary>
internal sealed class FaultInterceptor(ILogger<FaultInterceptor> logger) : Interceptor
{
    public override async Task<TResponse> UnaryServerHandler<TRequest, TResponse>(TRequest request, ServerCallContext context, UnaryServerMethod<TRequest, TResponse> continuation)
    {
        try
        {
            return await continuation(request, context).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is not RpcException)
        {
            throw Translate(ex, context);
        }
    }

    public override async Task<TResponse> ClientStreamingServerHandler<TRequest, TResponse>(IAsyncStreamReader<TRequest> requestStream, ServerCallContext context, ClientStreamingServerMethod<TRequest, TResponse> continuation)
    {
        try
        {
            return await continuation(requestStream, context).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is not RpcException)
        {
            throw Translate(ex, context);
        }
    }

    public override async Task ServerStreamingServerHandler<TRequest, TResponse>(TRequest request, IServerStreamWriter<TResponse> responseStream, ServerCallContext context, ServerStreamingServerMethod<TRequest, TResponse> continuation)
    {
        try
        {
            await continuation(request, responseStream, context).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is not RpcException)
        {
            throw Translate(ex, context);
        }
    }

    public override async Task DuplexStreamingServerHandler<TRequest, TResponse>(IAsyncStreamReader<TRequest> requestStream, IServerStreamWriter<TResponse> responseStream, ServerCallContext context, DuplexStreamingServerMethod<TRequest, TResponse> continuation)
    {
        try
        {
            await continuation(requestStream, responseStream, context).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is not RpcException)
        {
            throw Translate(ex, context);
        }
    }

    private RpcException Translate(Exception exception, ServerCallContext context)
    {
        if (exception is OperationCanceledException && context.CancellationToken.IsCancellationRequested)
        {
            return new RpcException(new Status(StatusCode.Cancelled, "The call was cancelled; " + WhatStays));
        }

        var caller = context.UserState.TryGetValue(CallerContext.Key, out var value) && value is Caller known ? known.Name : "anonymous";
        if (exception is LedgerCapacityException capacity)
        {
            // Not a fault of the server's: the ledger outgrew one matcher, and every call that matches says so until it
            // is smaller again.
            Log.PastCapacity(logger, context.Method, caller, capacity.Message);
            return new RpcException(new Status(StatusCode.ResourceExhausted, capacity.Message));
        }

        var incident = Guid.NewGuid().ToString("N")[..12];
        Log.Unexpected(logger, exception, context.Method, caller + " (incident " + incident + ")");
        return new RpcException(new Status(StatusCode.Internal, $"The server failed on this call (incident {incident}); " + WhatStays));
    }

    // Not "nothing was stored": an Upsert commits its batches as the stream arrives, an Ingest its batches once the file is
    // checked, and a failure or a cancellation after a commit leaves it stored. Sending the call again is how a client
    // finishes it (grpc/README.md).
    private const string WhatStays = "what it stored before then stays stored.";
}
