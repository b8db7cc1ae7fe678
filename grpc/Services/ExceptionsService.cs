using CashApp.Engine.Matching;
using CashApp.Store;
using CashApp.Grpc.Hosting;
using CashApp.Grpc.Matching;
using CashApp.Grpc.Security;
using Grpc.Core;
using V1 = CashApp.Grpc.V1;

namespace CashApp.Grpc.Services;

/// <summary>
/// cashapp.v1.Exceptions: the queue specialists work. Decisions run under optimistic concurrency on the
/// exception's row version; the loser of a race gets ABORTED and changes nothing.
/// </summary>
internal sealed partial class ExceptionsService(ICashStore store, LiveMatcher matcher, MatchPolicy policy, ILogger<ExceptionsService> logger) : V1.Exceptions.ExceptionsBase
{
    public override async Task<V1.ListExceptionsResponse> List(V1.ListExceptionsRequest request, ServerCallContext context)
    {
        var violations = new Violations();
        var query = ProtoMap.ToDomain(request, violations);
        violations.ThrowIfAny();
        var page = await store.ListExceptionsAsync(query!, context.CancellationToken).ConfigureAwait(false);
        var response = new V1.ListExceptionsResponse
        {
            NextPageToken = page.NextAfterId is { } next ? ProtoMap.Id(next) : string.Empty,
        };
        foreach (var exception in page.Items)
        {
            response.Exceptions.Add(ProtoMap.ToProto(exception, withSuggestions: false));
        }

        return response;
    }

    public override async Task<V1.ExceptionCase> Get(V1.GetExceptionRequest request, ServerCallContext context)
    {
        var violations = new Violations();
        var id = ProtoMap.ExceptionId(request.ExceptionId, "exception_id", violations);
        violations.ThrowIfAny();
        var exception = await store.GetExceptionAsync(id!.Value, context.CancellationToken).ConfigureAwait(false);
        if (exception is null)
        {
            GrpcErrors.ThrowNotFound($"No exception {id}.");
        }

        var proto = ProtoMap.ToProto(exception, withSuggestions: true);
        var whyLower = await store.WhyLowerAsync(exception, context.CancellationToken).ConfigureAwait(false);
        for (var i = 0; i < proto.Suggestions.Count; i++)
        {
            proto.Suggestions[i].RanksLowerBecause = whyLower[i] ?? string.Empty;
        }

        return proto;
    }

    public override async Task<V1.ExceptionCase> Resolve(V1.ResolveExceptionRequest request, ServerCallContext context)
    {
        var caller = context.Caller();
        var violations = new Violations();
        ClientRequests.Validate(request.RequestId, violations);
        var decision = ProtoMap.ToDomain(request, caller.Name, violations);
        if (decision is null || violations.Any)
        {
            Log.InvalidArgument(logger, caller, context.Method, violations);
            violations.ThrowIfAny();
            return null!;
        }

        // What the specialist learnt about who pays is remembered unless they said not to (the policy's default).
        var remember = request.HasRemember ? request.Remember : policy.RememberResolutions;
        if (request.RequestId.Length > 0)
        {
            var hash = ClientRequests.Hash(request, r => r.RequestId = string.Empty);
            return await ClientRequests.RunOnceAsync(store, request.RequestId, "cashapp.v1.Exceptions/Resolve", hash, caller.Name, V1.ExceptionCase.Parser, () => ResolveAsync(decision, remember, caller, context.CancellationToken), context.CancellationToken).ConfigureAwait(false);
        }

        return await ResolveAsync(decision, remember, caller, context.CancellationToken).ConfigureAwait(false);
    }

    private async Task<V1.ExceptionCase> ResolveAsync(ResolveRequest decision, bool remember, Caller caller, CancellationToken cancellationToken)
    {
        // Learnt in the resolution's own transaction: a failure in either leaves neither.
        var result = await store.ResolveExceptionAsync(decision with { Learn = new ResolutionLearning(remember, policy) }, cancellationToken).ConfigureAwait(false);
        Log.Resolved(logger, caller, decision.ExceptionId, decision.Kind, result.Status);
        switch (result.Status)
        {
            case ResolveStatus.Resolved or ResolveStatus.PartiallyApplied:
                if (result.Applications.Count > 0)
                {
                    matcher.ItemsChanged(result.Applications.Select(a => a.ItemId));
                }

                return ProtoMap.ToProto(result.Exception!, withSuggestions: true);
            case ResolveStatus.Conflict:
                Log.Conflict(logger, caller, decision.ExceptionId, result.Message);
                GrpcErrors.ThrowConflict($"Exception {decision.ExceptionId} changed since row version {decision.ExpectedRowVersion}: {result.Message} Read it again and decide on the new version.");
                break;
            case ResolveStatus.NotFound:
                GrpcErrors.ThrowNotFound($"No exception {decision.ExceptionId}.");
                break;
            case ResolveStatus.InsufficientOpenAmount:
                GrpcErrors.ThrowFailedPrecondition(result.Message);
                break;
            default:
                GrpcErrors.ThrowInvalidArgument(decision.Kind == ResolutionKind.ApplyToItems ? "apply_to_items" : "action", result.Message);
                break;
        }

        return null!;
    }

    public override async Task<V1.ExceptionCase> Assign(V1.AssignExceptionRequest request, ServerCallContext context)
    {
        var caller = context.Caller();
        var violations = new Violations();
        var id = ProtoMap.ExceptionId(request.ExceptionId, "exception_id", violations);
        if (request.ExpectedRowVersion <= 0)
        {
            violations.Add("expected_row_version", "required: the row_version of the exception as last read.");
        }

        var assignee = ProtoMap.Key(request.Assignee, "assignee", violations, required: false);
        violations.ThrowIfAny();
        var result = await store.AssignExceptionAsync(
            new AssignRequest { ExceptionId = id!.Value, ExpectedRowVersion = request.ExpectedRowVersion, Assignee = assignee, Actor = caller.Name },
            context.CancellationToken).ConfigureAwait(false);
        switch (result.Status)
        {
            case UpdateStatus.Updated:
                Log.Assigned(logger, caller, id.Value, assignee ?? "nobody");
                return ProtoMap.ToProto(result.Exception!, withSuggestions: true);
            case UpdateStatus.Conflict:
                Log.Conflict(logger, caller, id.Value, result.Message);
                GrpcErrors.ThrowConflict($"Exception {id} changed since row version {request.ExpectedRowVersion}: {result.Message}");
                break;
            default:
                GrpcErrors.ThrowNotFound($"No exception {id}.");
                break;
        }

        return null!;
    }
}
