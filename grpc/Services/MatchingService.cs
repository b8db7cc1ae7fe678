using CashApp.Store;
using CashApp.Engine.Matching;
using CashApp.Engine.Model;
using CashApp.Grpc.Hosting;
using CashApp.Grpc.Matching;
using CashApp.Grpc.Security;
using CashApp.Parsers.Common;
using Google.Protobuf;
using Grpc.Core;
using V1 = CashApp.Grpc.V1;

namespace CashApp.Grpc.Services;

/// <summary>cashapp.v1.Matching: payments in, proposed applications and exceptions out.</summary>
internal sealed class MatchingService(LiveMatcher matcher, LedgerService ledger, ICashStore store, ILogger<MatchingService> logger) : V1.Matching.MatchingBase
{
    public override Task<V1.MatchResponse> Match(V1.MatchRequest request, ServerCallContext context) =>
        MatchAsync(request, context);

    public override async Task MatchStream(IAsyncStreamReader<V1.MatchRequest> requestStream, IServerStreamWriter<V1.MatchResponse> responseStream, ServerCallContext context)
    {
        await foreach (var request in requestStream.ReadAllAsync(context.CancellationToken).ConfigureAwait(false))
        {
            var response = await MatchAsync(request, context).ConfigureAwait(false);
            await responseStream.WriteAsync(response, context.CancellationToken).ConfigureAwait(false);
        }
    }

    private async Task<V1.MatchResponse> MatchAsync(V1.MatchRequest request, ServerCallContext context)
    {
        var violations = new Violations();
        ClientRequests.Validate(request.RequestId, violations);
        var transactions = ProtoMap.ToTransactions(request, violations);
        if (transactions is null || violations.Any)
        {
            var caller = context.Caller();
            Log.InvalidArgument(logger, caller, context.Method, violations);
            violations.ThrowIfAny();
            return null!;
        }

        if (!request.Commit)
        {
            var payments = new Payment[transactions.Count];
            for (var i = 0; i < payments.Length; i++)
            {
                payments[i] = Payment.FromTransaction(transactions[i]);
            }

            var (result, _) = await matcher.MatchAsync(payments, MatchStage.Whole, null, context.CancellationToken).ConfigureAwait(false);
            return ProtoMap.ToProto(result, result.Exceptions, fileId: null);
        }

        // A committed batch is stored like a bank file whose content is the request: the same request
        // sent twice (a client retrying after a lost answer) is a duplicate and stores nothing. With a
        // request id, the retry gets the first response instead.
        var committer = context.Caller();
        var hash = ClientRequests.Hash(request, r => r.RequestId = string.Empty);
        if (request.RequestId.Length > 0)
        {
            return await ClientRequests.RunOnceAsync(store, request.RequestId, "cashapp.v1.Matching/Match", hash, committer.Name, V1.MatchResponse.Parser, () => CommitAsync(transactions, hash, committer, context.CancellationToken), context.CancellationToken).ConfigureAwait(false);
        }

        return await CommitAsync(transactions, hash, committer, context.CancellationToken).ConfigureAwait(false);
    }

    private async Task<V1.MatchResponse> CommitAsync(List<BankTransaction> transactions, string hash, Caller committer, CancellationToken cancellationToken)
    {
        var write = await ledger.StoreTransactionsAsync(transactions, ProtoMap.MatchApiSource, hash, BankFileFormat.Unknown, committer.Name, cancellationToken).ConfigureAwait(false);
        var fileId = ProtoMap.Id(write.File.Id);
        if (write.Status == IngestStatus.Duplicate)
        {
            throw new RpcException(new Status(StatusCode.AlreadyExists, $"This request was committed before, as file {fileId}; nothing was stored again."));
        }

        Log.MatchCommitted(logger, committer, transactions.Count, write.File.Id);
        var response = ProtoMap.ToProto(write.Result, write.Exceptions, fileId);
        response.AlreadyReceived.AddRange(write.AlreadyReceived.Select(ProtoMap.ToProto));
        return response;
    }
}
