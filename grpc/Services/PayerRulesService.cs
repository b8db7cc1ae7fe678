using System.Globalization;
using CashApp.Engine.Matching;
using CashApp.Grpc.Matching;
using CashApp.Grpc.Security;
using CashApp.Store;
using Grpc.Core;
using V1 = CashApp.Grpc.V1;

namespace CashApp.Grpc.Services;

/// <summary>
/// cashapp.v1.PayerRules: what resolutions taught about who pays, with where each rule came from. Revoke and
/// Reinstate are events; a change makes the next match read the rules again.
/// </summary>
internal sealed class PayerRulesService(ICashStore store, LiveMatcher matcher) : V1.PayerRules.PayerRulesBase
{
    private const int DefaultPageSize = 100;
    private const int MaxPageSize = 1000;

    public override async Task<V1.ListPayerRulesResponse> List(V1.ListPayerRulesRequest request, ServerCallContext context)
    {
        var violations = new Violations();
        var customer = ProtoMap.Key(request.CustomerId, "customer_id", violations, required: false);
        if (request.PageSize is < 0 or > MaxPageSize)
        {
            violations.Add("page_size", string.Create(CultureInfo.InvariantCulture, $"between 0 (the default, {DefaultPageSize}) and {MaxPageSize}, found {request.PageSize}."));
        }

        var after = ProtoMap.PageToken(request.PageToken, violations);
        if (!Enum.IsDefined(request.State))
        {
            violations.Add("state", "a PayerRuleState.");
        }

        if (!Enum.IsDefined(request.Kind))
        {
            violations.Add("kind", "a PayerRuleKind.");
        }

        violations.ThrowIfAny();
        var page = await Rules().ListPayerRulesAsync(
            new PayerRuleQuery
            {
                CustomerId = customer,
                State = request.State == V1.PayerRuleState.Unspecified ? null : ToDomain(request.State),
                Kind = request.Kind == V1.PayerRuleKind.Unspecified ? null : ToDomain(request.Kind),
                AfterId = after,
                Take = request.PageSize == 0 ? DefaultPageSize : request.PageSize,
            },
            context.CancellationToken).ConfigureAwait(false);
        var response = new V1.ListPayerRulesResponse { NextPageToken = page.NextAfterId is { } next ? ProtoMap.Id(next) : string.Empty };
        response.Rules.AddRange(page.Items.Select(ToProto));
        return response;
    }

    public override async Task<V1.PayerRule> Get(V1.GetPayerRuleRequest request, ServerCallContext context)
    {
        var id = RuleId(request.RuleId);
        var rule = await Rules().GetPayerRuleAsync(id, context.CancellationToken).ConfigureAwait(false);
        if (rule is null)
        {
            GrpcErrors.ThrowNotFound($"No payer rule {id}.");
        }

        return ToProto(rule);
    }

    public override async Task<V1.PayerRuleHistory> History(V1.GetPayerRuleHistoryRequest request, ServerCallContext context)
    {
        var id = RuleId(request.RuleId);
        var rule = await Rules().GetPayerRuleAsync(id, context.CancellationToken).ConfigureAwait(false);
        if (rule is null)
        {
            GrpcErrors.ThrowNotFound($"No payer rule {id}.");
        }

        var history = new V1.PayerRuleHistory { Rule = ToProto(rule) };
        foreach (var e in await Rules().ListPayerRuleEventsAsync(id, context.CancellationToken).ConfigureAwait(false))
        {
            history.Events.Add(new V1.PayerRuleEvent
            {
                At = ProtoMap.ToProto(e.At),
                Actor = e.Actor,
                Event = e.Event,
                ExceptionId = e.ExceptionId is { } exception ? ProtoMap.Id(exception) : string.Empty,
                Reason = e.Reason ?? string.Empty,
            });
        }

        return history;
    }

    public override Task<V1.PayerRule> Revoke(V1.RevokePayerRuleRequest request, ServerCallContext context) =>
        ChangeAsync(RuleId(request.RuleId), request.Reason, revoke: true, context);

    public override Task<V1.PayerRule> Reinstate(V1.ReinstatePayerRuleRequest request, ServerCallContext context) =>
        ChangeAsync(RuleId(request.RuleId), request.Reason, revoke: false, context);

    private async Task<V1.PayerRule> ChangeAsync(long id, string reason, bool revoke, ServerCallContext context)
    {
        var caller = context.Caller();
        var change = revoke
            ? await Rules().RevokePayerRuleAsync(id, caller.Name, reason, context.CancellationToken).ConfigureAwait(false)
            : await Rules().ReinstatePayerRuleAsync(id, caller.Name, reason, context.CancellationToken).ConfigureAwait(false);
        switch (change.Status)
        {
            case PayerRuleChangeStatus.Changed:
                matcher.PayerRulesChanged();
                return ToProto(change.Rule!);
            case PayerRuleChangeStatus.NotFound:
                GrpcErrors.ThrowNotFound($"No payer rule {id}.");
                break;
            default:
                GrpcErrors.ThrowFailedPrecondition(change.Message);
                break;
        }

        return null!;
    }

    private IPayerRuleStore Rules() => store as IPayerRuleStore
        ?? throw new RpcException(new Status(StatusCode.Unimplemented, "This store keeps no payer rules."));

    private static long RuleId(string text)
    {
        if (!long.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var id) || id <= 0)
        {
            GrpcErrors.ThrowInvalidArgument("rule_id", text.Length == 0 ? "required." : $"'{(text.Length > 40 ? text[..40] + "..." : text)}' is not a payer rule id.");
        }

        return id;
    }

    /// <summary>A rule as the wire carries it.</summary>
    internal static V1.PayerRule ToProto(PayerRule rule) => new()
    {
        RuleId = ProtoMap.Id(rule.RuleId),
        Kind = rule.Kind switch
        {
            PayerRuleKind.Account => V1.PayerRuleKind.Account,
            PayerRuleKind.Name => V1.PayerRuleKind.Name,
            _ => V1.PayerRuleKind.PayerId,
        },
        Key = rule.Key,
        CustomerId = rule.CustomerId,
        State = rule.State switch
        {
            PayerRuleState.Active => V1.PayerRuleState.Active,
            PayerRuleState.Revoked => V1.PayerRuleState.Revoked,
            _ => V1.PayerRuleState.Suggested,
        },
        Shared = rule.Shared,
        Agreed = rule.Agreed,
        Disagreed = rule.Disagreed,
        ExceptionId = ProtoMap.Id(rule.ExceptionId),
        ResolvedBy = rule.ResolvedBy,
        ResolvedAt = ProtoMap.ToProto(rule.ResolvedAt),
        LastFiredAt = ProtoMap.ToProto(rule.LastFiredAt),
        FiredCount = rule.FiredCount,
        Explanation = rule.Explanation,
        UpdatedAt = ProtoMap.ToProto(rule.UpdatedAt),
    };

    private static PayerRuleState ToDomain(V1.PayerRuleState state) => state switch
    {
        V1.PayerRuleState.Active => PayerRuleState.Active,
        V1.PayerRuleState.Revoked => PayerRuleState.Revoked,
        _ => PayerRuleState.Suggested,
    };

    private static PayerRuleKind ToDomain(V1.PayerRuleKind kind) => kind switch
    {
        V1.PayerRuleKind.Account => PayerRuleKind.Account,
        V1.PayerRuleKind.Name => PayerRuleKind.Name,
        _ => PayerRuleKind.PayerId,
    };
}
