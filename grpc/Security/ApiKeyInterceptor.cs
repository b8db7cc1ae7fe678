using CashApp.Grpc.Hosting;
using Grpc.Core;
using Grpc.Core.Interceptors;

namespace CashApp.Grpc.Security;

/// <summary>
/// Every call but a health check needs <c>authorization: Bearer KEY</c>. A missing or unknown key gets
/// UNAUTHENTICATED; a key whose role may not call the service gets PERMISSION_DENIED. The caller is
/// then available to the service through <see cref="CallerContext.Caller"/>.
/// </summary>
internal sealed class ApiKeyInterceptor(ApiKeyRing keys, ILogger<ApiKeyInterceptor> logger) : Interceptor
{
    private const string Scheme = "Bearer ";

    public override Task<TResponse> UnaryServerHandler<TRequest, TResponse>(TRequest request, ServerCallContext context, UnaryServerMethod<TRequest, TResponse> continuation)
    {
        Authorize(context);
        return continuation(request, context);
    }

    public override Task<TResponse> ClientStreamingServerHandler<TRequest, TResponse>(IAsyncStreamReader<TRequest> requestStream, ServerCallContext context, ClientStreamingServerMethod<TRequest, TResponse> continuation)
    {
        Authorize(context);
        return continuation(requestStream, context);
    }

    public override Task ServerStreamingServerHandler<TRequest, TResponse>(TRequest request, IServerStreamWriter<TResponse> responseStream, ServerCallContext context, ServerStreamingServerMethod<TRequest, TResponse> continuation)
    {
        Authorize(context);
        return continuation(request, responseStream, context);
    }

    public override Task DuplexStreamingServerHandler<TRequest, TResponse>(IAsyncStreamReader<TRequest> requestStream, IServerStreamWriter<TResponse> responseStream, ServerCallContext context, DuplexStreamingServerMethod<TRequest, TResponse> continuation)
    {
        Authorize(context);
        return continuation(requestStream, responseStream, context);
    }

    private void Authorize(ServerCallContext context)
    {
        var service = Roles.ServiceOf(context.Method);
        if (service.SequenceEqual(Roles.HealthService))
        {
            return;
        }

        var header = Authorization(context);
        if (header is null || !header.StartsWith(Scheme, StringComparison.OrdinalIgnoreCase))
        {
            Log.Unauthenticated(logger, context.Method, context.Peer, header is null ? "no authorization header" : "not a Bearer token");
            throw new RpcException(new Status(StatusCode.Unauthenticated, "This call needs 'authorization: Bearer <api key>'."));
        }

        var caller = keys.Find(header.AsSpan(Scheme.Length).Trim());
        if (caller is null)
        {
            Log.Unauthenticated(logger, context.Method, context.Peer, "unknown key");
            throw new RpcException(new Status(StatusCode.Unauthenticated, "The API key is not known to this server."));
        }

        if (!Roles.Allows(caller.Role, service))
        {
            Log.PermissionDenied(logger, caller.Name, context.Method, context.Peer);
            throw new RpcException(new Status(StatusCode.PermissionDenied, $"The role '{Roles.Name(caller.Role)}' may not call {service}."));
        }

        context.UserState[CallerContext.Key] = caller;
    }

    /// <summary>
    /// The authorization header, read from the HTTP request rather than <see cref="ServerCallContext.RequestHeaders"/>,
    /// which copies every header of the call into a new collection on first use. As there, the last value counts.
    /// </summary>
    private static string? Authorization(ServerCallContext context)
    {
        var values = context.GetHttpContext().Request.Headers.Authorization;
        return values.Count == 0 ? null : values[values.Count - 1];
    }
}

/// <summary>Reads the authenticated caller of a call.</summary>
internal static class CallerContext
{
    /// <summary>The <see cref="ServerCallContext.UserState"/> key.</summary>
    public static readonly object Key = new();

    /// <summary>The caller; throws when the interceptor did not run (a wiring bug, never the client's fault).</summary>
    public static Caller Caller(this ServerCallContext context) =>
        context.UserState.TryGetValue(Key, out var value) && value is Caller caller
            ? caller
            : throw new InvalidOperationException("No caller: the API key interceptor is not installed.");
}
