using CashApp.Engine.Model;
using CashApp.Grpc.Security;
using CashApp.Grpc.Web;
using CashApp.Store;
using Grpc.Core;
using V1 = CashApp.Grpc.V1;

namespace CashApp.Grpc.Services;

/// <content>
/// The worklist's operations, the same ones the page offers and through the same <see cref="WorklistActions"/>:
/// search with counts, decide with the rest disposed of, reopen, notes, history, bulk assign and accept, and a
/// search of open items.
/// </content>
internal sealed partial class ExceptionsService
{
    private const int MaxSearchPageSize = 500;

    public override async Task<V1.SearchExceptionsResponse> Search(V1.SearchExceptionsRequest request, ServerCallContext context)
    {
        var violations = new Violations();
        var query = ToQuery(request, violations);
        violations.ThrowIfAny();
        var page = await Worklist(context).Worklist.ListWorklistAsync(query!, context.CancellationToken).ConfigureAwait(false);
        var response = new V1.SearchExceptionsResponse { TotalCount = page.TotalCount };
        response.Exceptions.AddRange(page.Rows.Select(r => ProtoMap.ToProto(r.Exception, withSuggestions: true)));
        response.Counts.AddRange(page.CountByReason.OrderBy(c => c.Key).Select(c => new V1.ReasonCount { Reason = ProtoMap.ToProto(c.Key), Count = c.Value }));
        return response;
    }

    public override async Task<V1.ExceptionCase> Decide(V1.DecideExceptionRequest request, ServerCallContext context)
    {
        var caller = context.Caller();
        var violations = new Violations();
        var id = ProtoMap.ExceptionId(request.ExceptionId, "exception_id", violations);
        RequireVersion(request.ExpectedRowVersion, violations);
        if (string.IsNullOrWhiteSpace(request.Reason))
        {
            violations.Add("reason", "required: why, in words.");
        }

        var allocations = new List<ItemAllocation>();
        for (var i = 0; i < request.Applications.Count; i++)
        {
            var item = ProtoMap.Key(request.Applications[i].ItemId, $"applications[{i}].item_id", violations);
            if (item is not null)
            {
                allocations.Add(new ItemAllocation(item, request.Applications[i].AmountMinor));
            }
        }

        violations.ThrowIfAny();
        var rest = request.Rest switch
        {
            V1.RestDisposition.LeaveOnAccount => RestDisposition.LeaveOnAccount,
            V1.RestDisposition.WriteOff => RestDisposition.WriteOff,
            V1.RestDisposition.Refund => RestDisposition.Refund,
            V1.RestDisposition.NotACustomerPayment => RestDisposition.NotACustomerPayment,
            _ => RestDisposition.MustBalance,
        };
        var result = await Worklist(context).DecideAsync(
            new DecisionRequest
            {
                ExceptionId = id!.Value,
                ExpectedRowVersion = request.ExpectedRowVersion,
                Allocations = allocations,
                Rest = rest,
                ReasonCode = request.WriteOffReasonCode.Length == 0 ? null : request.WriteOffReasonCode,
                Actor = caller.Name,
                Reason = request.Reason,
            },
            request.HasRemember ? request.Remember : null,
            context.CancellationToken).ConfigureAwait(false);
        return Answer(result, id.Value, request.ExpectedRowVersion);
    }

    public override async Task<V1.ExceptionCase> Reopen(V1.ReopenExceptionRequest request, ServerCallContext context)
    {
        var caller = context.Caller();
        var violations = new Violations();
        var id = ProtoMap.ExceptionId(request.ExceptionId, "exception_id", violations);
        RequireVersion(request.ExpectedRowVersion, violations);
        if (string.IsNullOrWhiteSpace(request.Reason))
        {
            violations.Add("reason", "required: why it is reopened.");
        }

        violations.ThrowIfAny();
        var result = await Worklist(context).ReopenAsync(
            new ReopenRequest { ExceptionId = id!.Value, ExpectedRowVersion = request.ExpectedRowVersion, Actor = caller.Name, Reason = request.Reason },
            context.CancellationToken).ConfigureAwait(false);
        return Answer(result, id.Value, request.ExpectedRowVersion);
    }

    public override async Task<V1.ExceptionEvent> AddNote(V1.AddExceptionNoteRequest request, ServerCallContext context)
    {
        var caller = context.Caller();
        var violations = new Violations();
        var id = ProtoMap.ExceptionId(request.ExceptionId, "exception_id", violations);
        if (string.IsNullOrWhiteSpace(request.Note) || request.Note.Length > 4000)
        {
            violations.Add("note", "required, at most 4000 characters.");
        }

        violations.ThrowIfAny();
        if (!await Worklist(context).Worklist.AddExceptionNoteAsync(id!.Value, caller.Name, request.Note.Trim(), context.CancellationToken).ConfigureAwait(false))
        {
            GrpcErrors.ThrowNotFound($"No exception {id}.");
        }

        var history = await Worklist(context).Worklist.ListExceptionHistoryAsync(id.Value, context.CancellationToken).ConfigureAwait(false);
        return ToProto(history[^1]);
    }

    public override async Task<V1.ExceptionHistory> History(V1.GetExceptionHistoryRequest request, ServerCallContext context)
    {
        var violations = new Violations();
        var id = ProtoMap.ExceptionId(request.ExceptionId, "exception_id", violations);
        violations.ThrowIfAny();
        var history = await Worklist(context).Worklist.ListExceptionHistoryAsync(id!.Value, context.CancellationToken).ConfigureAwait(false);
        if (history.Count == 0)
        {
            GrpcErrors.ThrowNotFound($"No exception {id}.");
        }

        var response = new V1.ExceptionHistory();
        response.Events.AddRange(history.Select(ToProto));
        return response;
    }

    public override async Task<V1.BulkResponse> BulkAssign(V1.BulkAssignRequest request, ServerCallContext context)
    {
        var caller = context.Caller();
        var violations = new Violations();
        var targets = Targets(request.Exceptions, violations);
        var assignee = ProtoMap.Key(request.Assignee, "assignee", violations, required: false);
        violations.ThrowIfAny();
        var response = new V1.BulkResponse();
        foreach (var (id, version) in targets)
        {
            var result = await Worklist(context).AssignAsync(id, version, assignee, caller.Name, context.CancellationToken).ConfigureAwait(false);
            response.Outcomes.Add(new V1.BulkOutcome
            {
                ExceptionId = ProtoMap.Id(id),
                Outcome = result.Status switch { UpdateStatus.Updated => "done", UpdateStatus.Conflict => "conflict", _ => "not_found" },
                Message = result.Message,
            });
        }

        return response;
    }

    public override async Task<V1.BulkResponse> BulkAcceptTop(V1.BulkAcceptTopRequest request, ServerCallContext context)
    {
        var caller = context.Caller();
        var violations = new Violations();
        var targets = Targets(request.Exceptions, violations);
        if (double.IsNaN(request.MinConfidence) || request.MinConfidence is < 0 or > 1)
        {
            violations.Add("min_confidence", $"between 0 and 1, found {request.MinConfidence}.");
        }

        violations.ThrowIfAny();
        var actions = Worklist(context);
        var response = new V1.BulkResponse();
        foreach (var (id, version) in targets)
        {
            var exception = await store.GetExceptionAsync(id, context.CancellationToken).ConfigureAwait(false);
            if (exception is null || exception.Suggestions.Count == 0 || exception.Suggestions[0].Score.Value < request.MinConfidence)
            {
                response.Outcomes.Add(new V1.BulkOutcome { ExceptionId = ProtoMap.Id(id), Outcome = exception is null ? "not_found" : "skipped", Message = exception is null ? $"No exception {id}." : "no suggestion at or above the confidence asked" });
                continue;
            }

            var result = await actions.AcceptTopAsync(id, version, caller.Name, context.CancellationToken).ConfigureAwait(false);
            response.Outcomes.Add(new V1.BulkOutcome
            {
                ExceptionId = ProtoMap.Id(id),
                Outcome = result.Status switch { ResolveStatus.Resolved => "done", ResolveStatus.Conflict => "conflict", ResolveStatus.NotFound => "not_found", _ => "refused" },
                Message = result.Message,
            });
        }

        return response;
    }

    public override async Task<V1.SearchOpenItemsResponse> SearchOpenItems(V1.SearchOpenItemsRequest request, ServerCallContext context)
    {
        var violations = new Violations();
        var family = ProtoMap.Key(request.FamilyOfCustomerId, "family_of_customer_id", violations, required: false);
        var currency = request.Currency.Length == 0 ? null : ProtoMap.Currency(request.Currency, "currency", violations);
        if (request.PageSize is < 0 or > 200)
        {
            violations.Add("page_size", $"between 0 (the default, 25) and 200, found {request.PageSize}.");
        }

        if (request.PageIndex < 0)
        {
            violations.Add("page_index", "0 or more.");
        }

        violations.ThrowIfAny();
        var take = request.PageSize == 0 ? 25 : request.PageSize;
        var items = await Worklist(context).Worklist.SearchOpenItemsAsync(
            new ItemSearchQuery
            {
                FamilyOf = family,
                Text = request.Text.Length == 0 ? null : request.Text,
                AmountMinor = request.HasAmountMinor ? request.AmountMinor : null,
                Currency = currency?.Code,
                Skip = (int)Math.Min(int.MaxValue, (long)request.PageIndex * take),
                Take = take,
            },
            context.CancellationToken).ConfigureAwait(false);
        var response = new V1.SearchOpenItemsResponse();
        response.Items.AddRange(items.Select(ProtoMap.ToProto));
        return response;
    }

    public override Task<V1.WriteOffPolicyResponse> WriteOffPolicy(V1.WriteOffPolicyRequest request, ServerCallContext context)
    {
        var response = new V1.WriteOffPolicyResponse { MaxWriteOffMinor = Worklist(context).WriteOffLimitMinor };
        response.ReasonCodes.AddRange(WorklistActions.WriteOffReasonCodes);
        return Task.FromResult(response);
    }

    private static WorklistActions Worklist(ServerCallContext context) =>
        context.GetHttpContext().RequestServices.GetRequiredService<WorklistActions>();

    private static void RequireVersion(long version, Violations violations)
    {
        if (version <= 0)
        {
            violations.Add("expected_row_version", "required: the row_version of the exception as last read.");
        }
    }

    private static List<(long Id, long Version)> Targets(Google.Protobuf.Collections.RepeatedField<V1.ExceptionVersion> exceptions, Violations violations)
    {
        if (exceptions.Count is 0 or > 1000)
        {
            violations.Add("exceptions", $"1 to 1000 exceptions, found {exceptions.Count}.");
        }

        var targets = new List<(long, long)>();
        for (var i = 0; i < exceptions.Count; i++)
        {
            var id = ProtoMap.ExceptionId(exceptions[i].ExceptionId, $"exceptions[{i}].exception_id", violations);
            RequireVersion(exceptions[i].ExpectedRowVersion, violations);
            if (id is not null)
            {
                targets.Add((id.Value, exceptions[i].ExpectedRowVersion));
            }
        }

        return targets;
    }

    private static V1.ExceptionEvent ToProto(ExceptionEvent e) => new()
    {
        At = ProtoMap.ToProto(e.At),
        Actor = e.Actor,
        Action = e.Action,
        Text = e.Reason ?? string.Empty,
    };

    private static WorklistQuery? ToQuery(V1.SearchExceptionsRequest request, Violations violations)
    {
        ExceptionReason? reason = null;
        if (request.Reason != V1.ExceptionReason.Unspecified)
        {
            reason = Enum.GetValues<ExceptionReason>().Cast<ExceptionReason?>().FirstOrDefault(r => ProtoMap.ToProto(r!.Value) == request.Reason);
            if (reason is null)
            {
                violations.Add("reason", $"unknown reason {request.Reason}.");
            }
        }

        var currency = request.Currency.Length == 0 ? null : ProtoMap.Currency(request.Currency, "currency", violations);
        var assignee = ProtoMap.Key(request.Assignee, "assignee", violations, required: false);
        if (request.PageSize is < 0 or > MaxSearchPageSize)
        {
            violations.Add("page_size", $"between 0 (the default, 50) and {MaxSearchPageSize}, found {request.PageSize}.");
        }

        if (request.PageIndex < 0)
        {
            violations.Add("page_index", "0 or more.");
        }

        if (request.HasMinAgeDays && request.MinAgeDays < 0)
        {
            violations.Add("min_age_days", "0 or more.");
        }

        if (request.HasMaxAgeDays && request.MaxAgeDays < 0)
        {
            violations.Add("max_age_days", "0 or more.");
        }

        if (violations.Any)
        {
            return null;
        }

        var take = request.PageSize == 0 ? 50 : request.PageSize;
        return new WorklistQuery
        {
            Status = request.Status switch
            {
                V1.ExceptionStatus.Resolved => ExceptionStatus.Resolved,
                _ => ExceptionStatus.Open,
            },
            Reason = reason,
            Assignee = assignee,
            Unassigned = request.Unassigned,
            Currency = currency?.Code,
            MinUnappliedMinor = request.HasMinAmountMinor ? request.MinAmountMinor : null,
            MaxUnappliedMinor = request.HasMaxAmountMinor ? request.MaxAmountMinor : null,
            MinAge = request.HasMinAgeDays ? TimeSpan.FromDays(request.MinAgeDays) : null,
            MaxAge = request.HasMaxAgeDays ? TimeSpan.FromDays(request.MaxAgeDays) : null,
            Text = request.Text.Length == 0 ? null : request.Text,
            Sort = request.Sort switch
            {
                V1.WorklistSort.PaymentAmount => WorklistSort.PaymentAmount,
                V1.WorklistSort.Unapplied => WorklistSort.Unapplied,
                V1.WorklistSort.Payer => WorklistSort.Payer,
                V1.WorklistSort.Currency => WorklistSort.Currency,
                _ => WorklistSort.Age,
            },
            Descending = request.Descending,
            Skip = (int)Math.Min(int.MaxValue, (long)request.PageIndex * take),
            Take = take,
        };
    }

    private static V1.ExceptionCase Answer(ResolveResult result, long id, long expectedVersion)
    {
        switch (result.Status)
        {
            case ResolveStatus.Resolved or ResolveStatus.PartiallyApplied:
                return ProtoMap.ToProto(result.Exception!, withSuggestions: true);
            case ResolveStatus.Conflict:
                GrpcErrors.ThrowConflict($"Exception {id} changed since row version {expectedVersion}: {result.Message} Read it again and decide on the new version.");
                break;
            case ResolveStatus.NotFound:
                GrpcErrors.ThrowNotFound($"No exception {id}.");
                break;
            case ResolveStatus.InsufficientOpenAmount:
                GrpcErrors.ThrowFailedPrecondition(result.Message);
                break;
            default:
                GrpcErrors.ThrowInvalidArgument("applications", result.Message);
                break;
        }

        return null!;
    }
}
