using System.Security.Cryptography;
using CashApp.Store;
using Google.Protobuf;
using Grpc.Core;

namespace CashApp.Grpc.Services;

/// <summary>
/// Client request ids (AIP-155): a call that carries a <c>request_id</c> runs once. A retry with the same id and the
/// same request gets the first response back and changes nothing; the same id with another request fails with
/// ALREADY_EXISTS. The ids and responses live in the store, so a retry that reaches another instance on the same
/// store is answered alike. A call that fails gives its id up, so that the retry runs again (and meets the same
/// guards: row versions, payment identity).
/// </summary>
internal static class ClientRequests
{
    /// <summary>The SHA-256 of a request as the client sent it, <c>request_id</c> cleared first: what a retry must repeat.</summary>
    public static string Hash<TRequest>(TRequest request, Action<TRequest> clearRequestId)
        where TRequest : IMessage<TRequest>
    {
        var copy = request.Clone();
        clearRequestId(copy);
        return Convert.ToHexStringLower(SHA256.HashData(copy.ToByteArray()));
    }

    /// <summary>Checks the form of a request id: empty (no retry protection) or a UUID; a violation otherwise.</summary>
    public static void Validate(string requestId, Violations violations)
    {
        if (requestId.Length > 0 && (!Guid.TryParse(requestId, out var id) || id == Guid.Empty))
        {
            violations.Add("request_id", "a UUID (such as 0f8fad5b-d9cb-469f-a165-70867728950e) made once per request and sent again on every retry, or empty.");
        }
    }

    /// <summary>Runs <paramref name="run"/> once per request id: see the class.</summary>
    public static async Task<TResponse> RunOnceAsync<TResponse>(
        ICashStore store,
        string requestId,
        string method,
        string requestHash,
        string actor,
        MessageParser<TResponse> parser,
        Func<Task<TResponse>> run,
        CancellationToken cancellationToken)
        where TResponse : IMessage<TResponse>
    {
        // The id is kept in its canonical form, so that braces or capitals in a retry still meet it.
        var key = Guid.Parse(requestId).ToString("D");
        var claim = await store.ClaimRequestAsync(key, method, requestHash, actor, cancellationToken).ConfigureAwait(false);
        switch (claim.Status)
        {
            case RequestClaimStatus.Completed:
                return parser.ParseFrom(Convert.FromBase64String(claim.Response!));
            case RequestClaimStatus.Mismatch:
                throw new RpcException(new Status(StatusCode.AlreadyExists, $"request_id {key} was used for another request; nothing was changed. Make a new request_id for a new request, and send the same request with the same id on a retry."));
            case RequestClaimStatus.InProgress:
                throw new RpcException(new Status(StatusCode.Aborted, $"request_id {key}: the same request is still running (or its server stopped before answering); nothing was changed by this call. Retry shortly."));
            default:
                break;
        }

        TResponse response;
        try
        {
            response = await run().ConfigureAwait(false);
        }
        catch
        {
            // Failed, so nothing was changed: give the id up, whatever the caller's token says.
            await store.ReleaseRequestAsync(key, CancellationToken.None).ConfigureAwait(false);
            throw;
        }

        await store.CompleteRequestAsync(key, Convert.ToBase64String(response.ToByteArray()), CancellationToken.None).ConfigureAwait(false);
        return response;
    }
}
