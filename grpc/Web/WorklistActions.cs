using System.Globalization;
using CashApp.Engine.Matching;
using CashApp.Grpc.Matching;
using CashApp.Parsers.Currency;
using CashApp.Store;

namespace CashApp.Grpc.Web;

/// <summary>
/// The decisions the worklist page and the Exceptions API share, so that both follow the same rules: the
/// policy's write-off tolerance, what accepting the top suggestion means, and a fresh matcher snapshot after
/// anything was applied or reversed.
/// </summary>
internal sealed class WorklistActions(ICashStore store, LiveMatcher matcher, MatchPolicy policy)
{
    /// <summary>The reason codes a write-off may carry.</summary>
    public static IReadOnlyList<string> WriteOffReasonCodes { get; } = ["bank_fee", "small_difference", "rounding", "discount_taken"];

    public ICashStore Store => store;

    public IWorklistStore Worklist { get; } = (IWorklistStore)store;

    /// <summary>The largest rest a specialist may write off, in minor units: the policy's bank-fee tolerance.</summary>
    public long WriteOffLimitMinor => policy.MaxBankFeeMinor;

    /// <summary>Whether a decision remembers who paid when the specialist does not say: the policy's <c>rememberResolutions</c>.</summary>
    public bool RememberByDefault => policy.RememberResolutions;

    /// <summary>
    /// Applies and disposes of the rest, within the policy's write-off tolerance, and learns who paid in the
    /// same transaction (<paramref name="remember"/>, or the policy's default when null), as the API's Resolve does.
    /// </summary>
    public async Task<ResolveResult> DecideAsync(DecisionRequest request, bool? remember, CancellationToken cancellationToken)
    {
        if (request.Rest == RestDisposition.WriteOff && request.ReasonCode is { } code && !WriteOffReasonCodes.Contains(code))
        {
            return new ResolveResult(ResolveStatus.Invalid, null, [], $"'{code}' is not a write-off reason code; expected one of {string.Join(", ", WriteOffReasonCodes)}.");
        }

        var result = await Worklist.DecideAsync(request with { WriteOffLimitMinor = policy.MaxBankFeeMinor, Learn = new ResolutionLearning(remember ?? policy.RememberResolutions, policy) }, cancellationToken).ConfigureAwait(false);
        if (result.Applications.Count > 0)
        {
            matcher.ItemsChanged(result.Applications.Select(a => a.ItemId));
        }

        return result;
    }

    /// <summary>Reopens, reversing the applications of the decisions made.</summary>
    public async Task<ResolveResult> ReopenAsync(ReopenRequest request, CancellationToken cancellationToken)
    {
        var result = await Worklist.ReopenExceptionAsync(request, cancellationToken).ConfigureAwait(false);
        if (result.Applications.Count > 0)
        {
            matcher.ItemsChanged(result.Applications.Select(a => a.ItemId));
        }

        return result;
    }

    /// <summary>
    /// The top suggestion as allocations: each item's whole remaining amount. Null, with the reason, when an
    /// item is gone or the amounts do not add up to what is unapplied: then a person must decide.
    /// </summary>
    public async Task<(IReadOnlyList<ItemAllocation>? Allocations, string? Why)> TopSuggestionAsync(StoredExceptionCase exception, CancellationToken cancellationToken)
    {
        if (exception.Suggestions.Count == 0)
        {
            return (null, $"Exception {exception.Id} has no suggestion to accept.");
        }

        var currency = exception.Unapplied.Currency;
        var allocations = new List<ItemAllocation>();
        foreach (var itemId in exception.Suggestions[0].ItemIds)
        {
            var item = await store.GetOpenItemAsync(itemId, cancellationToken).ConfigureAwait(false);
            if (item is null || item.Status != OpenItemStatus.Open || item.Item.Currency.Code != currency.Code)
            {
                return (null, $"Item '{itemId}' of the top suggestion is no longer open in {currency.Code}.");
            }

            allocations.Add(new ItemAllocation(itemId, item.RemainingMinor));
        }

        var sum = allocations.Sum(a => a.AmountMinor);
        return sum == exception.Unapplied.Minor
            ? (allocations, null)
            : (null, $"The top suggestion of exception {exception.Id} has {MinorUnits.Format(sum, currency.MinorDigits)} {currency.Code} open against {exception.Unapplied} {currency.Code} unapplied: open it to decide.");
    }

    /// <summary>Accepts the top suggestion of an exception as seen at <paramref name="rowVersion"/>.</summary>
    public async Task<ResolveResult> AcceptTopAsync(long exceptionId, long rowVersion, string actor, CancellationToken cancellationToken)
    {
        var exception = await store.GetExceptionAsync(exceptionId, cancellationToken).ConfigureAwait(false);
        if (exception is null)
        {
            return new ResolveResult(ResolveStatus.NotFound, null, [], $"There is no exception {exceptionId}.");
        }

        if (exception.RowVersion != rowVersion || exception.Status != ExceptionStatus.Open)
        {
            return new ResolveResult(ResolveStatus.Conflict, exception, [], ConflictMessage(exception, rowVersion));
        }

        var (allocations, why) = await TopSuggestionAsync(exception, cancellationToken).ConfigureAwait(false);
        if (allocations is null)
        {
            return new ResolveResult(ResolveStatus.Invalid, exception, [], why!);
        }

        var confidence = exception.Suggestions[0].Score.Value.ToString("P0", CultureInfo.InvariantCulture);
        return await DecideAsync(
            new DecisionRequest
            {
                ExceptionId = exceptionId,
                ExpectedRowVersion = rowVersion,
                Allocations = allocations,
                Actor = actor,
                Reason = $"accepted the top suggestion ({confidence}): {exception.Suggestions[0].Why}",
            },
            remember: null,
            cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Why a change made on <paramref name="expected"/> lost to another.</summary>
    public static string ConflictMessage(StoredExceptionCase current, long expected) =>
        current.Status == ExceptionStatus.Resolved
            ? $"Exception {current.Id} was already resolved by {current.ResolvedBy} ({(current.Resolution is { } r ? StoreCodes.Of(r) : "?")})."
            : $"Exception {current.Id} changed since version {expected}; it is now at version {current.RowVersion}.";

    /// <summary>Assigns (or with null unassigns) an exception as seen at <paramref name="rowVersion"/>.</summary>
    public Task<AssignResult> AssignAsync(long exceptionId, long rowVersion, string? assignee, string actor, CancellationToken cancellationToken) =>
        store.AssignExceptionAsync(new AssignRequest { ExceptionId = exceptionId, ExpectedRowVersion = rowVersion, Assignee = assignee, Actor = actor }, cancellationToken);
}
