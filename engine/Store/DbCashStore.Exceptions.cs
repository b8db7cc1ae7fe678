using System.Data.Common;
using CashApp.Engine.Model;
using CashApp.Parsers.Currency;

namespace CashApp.Store;

/// <content>Exceptions: listing, deciding and assigning, under optimistic concurrency on row versions.</content>
public abstract partial class DbCashStore
{
    /// <inheritdoc/>
    public async Task<ExceptionPage> ListExceptionsAsync(ExceptionQuery query, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(query);
        ArgumentOutOfRangeException.ThrowIfLessThan(query.Take, 1);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(query.Take, 1000);
        var now = Now();
        await using var connection = await OpenAsync(cancellationToken).ConfigureAwait(false);
        await using var transaction = await BeginSnapshotAsync(connection, cancellationToken).ConfigureAwait(false);
        List<StoredExceptionCase> items;
        await using (var command = Command(connection, transaction, Sql.SelectExceptionsPage))
        {
            BindFilter(command, query, now);
            Set(command, "@after_id", query.AfterId);
            Set(command, "@take", query.Take + 1);
            items = await ReadAllAsync(command, ReadException, cancellationToken).ConfigureAwait(false);
        }

        long total;
        await using (var command = Command(connection, transaction, Sql.CountExceptions))
        {
            BindFilter(command, query, now);
            total = Convert.ToInt64(await command.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false), System.Globalization.CultureInfo.InvariantCulture);
        }

        await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
        long? next = null;
        if (items.Count > query.Take)
        {
            items.RemoveAt(items.Count - 1);
            next = items[^1].Id;
        }

        return new ExceptionPage(items, total, next);
    }

    /// <inheritdoc/>
    public async Task<StoredExceptionCase?> GetExceptionAsync(long exceptionId, CancellationToken cancellationToken = default)
    {
        await using var connection = await OpenAsync(cancellationToken).ConfigureAwait(false);
        return await GetExceptionAsync(connection, null, exceptionId, cancellationToken).ConfigureAwait(false);
    }

    /// <inheritdoc/>
    public async Task<ResolveResult> ResolveExceptionAsync(ResolveRequest request, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(request);
        ArgumentException.ThrowIfNullOrEmpty(request.Actor);
        ArgumentNullException.ThrowIfNull(request.Allocations);
        var now = Now();
        await using var connection = await OpenAsync(cancellationToken).ConfigureAwait(false);
        await using var transaction = await BeginWriteAsync(connection, cancellationToken).ConfigureAwait(false);
        var (before, notOpen) = await OpenForDecisionAsync(connection, transaction, request.ExceptionId, request.ExpectedRowVersion, b => Validate(request, b), cancellationToken).ConfigureAwait(false);
        if (notOpen is not null)
        {
            return notOpen;
        }

        var currency = before.Unapplied.Currency;
        var appliedMinor = request.Kind == ResolutionKind.ApplyToItems ? request.Allocations.Sum(a => a.AmountMinor) : 0;
        var unapplied = checked(before.Unapplied.Minor - appliedMinor);
        var resolved = request.Kind != ResolutionKind.ApplyToItems || unapplied == 0;

        // Claim the exception first: a concurrent decision on it waits here (or finds the version moved), so
        // the loser never reaches the items.
        await using (var claim = Command(connection, transaction, Sql.UpdateExceptionDecision))
        {
            Set(claim, "@id", before.Id);
            Set(claim, "@expected_row_version", request.ExpectedRowVersion);
            Set(claim, "@unapplied_minor", unapplied);
            Set(claim, "@status", StoreCodes.Of(resolved ? ExceptionStatus.Resolved : ExceptionStatus.Open));
            Set(claim, "@resolution", StoreCodes.Of(request.Kind));
            Set(claim, "@resolution_reason", request.Reason);
            Set(claim, "@resolved_by", resolved ? request.Actor : null);
            SetTime(claim, "@resolved_at", resolved ? now : null);
            SetTime(claim, "@updated_at", now);
            if (await claim.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false) != 1)
            {
                await transaction.RollbackAsync(cancellationToken).ConfigureAwait(false);
                var current = await GetExceptionAsync(request.ExceptionId, cancellationToken).ConfigureAwait(false);
                return current is null
                    ? new ResolveResult(ResolveStatus.NotFound, null, [], $"There is no exception {request.ExceptionId}.")
                    : Conflict(current, request.ExpectedRowVersion);
            }
        }

        var applicationIds = new List<long>();
        if (request.Kind == ResolutionKind.ApplyToItems && await ApplyAllocationsAsync(connection, transaction, before, request.Allocations, currency, request.Actor, request.Reason, now, applicationIds, cancellationToken).ConfigureAwait(false) is { } refused)
        {
            return refused;
        }

        // What the specialist learnt about who pays is kept in the same transaction: both or neither.
        var learned = resolved && applicationIds.Count > 0 && request.Learn is { } learn
            ? await LearnAsync(connection, transaction, before.Id, learn, cancellationToken).ConfigureAwait(false)
            : null;
        var after = await GetExceptionAsync(connection, transaction, before.Id, cancellationToken).ConfigureAwait(false);
        await AuditAsync(
            connection,
            transaction,
            request.Actor,
            "exception.resolve",
            $"exception/{before.Id}",
            ToJson(AuditView(before)),
            ToJson(new { state = AuditView(after!), resolution = StoreCodes.Of(request.Kind), allocations = request.Allocations }),
            request.Reason,
            cancellationToken).ConfigureAwait(false);
        await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);

        var applications = new List<StoredApplication>();
        foreach (var application in await ListApplicationsAsync(new ApplicationQuery { PaymentId = before.PaymentId }, cancellationToken).ConfigureAwait(false))
        {
            if (applicationIds.Contains(application.Id))
            {
                applications.Add(application);
            }
        }

        return resolved
            ? new ResolveResult(ResolveStatus.Resolved, after, applications, $"Exception {before.Id} resolved: {StoreCodes.Of(request.Kind)}.") { Learned = learned }
            : new ResolveResult(ResolveStatus.PartiallyApplied, after, applications, $"Exception {before.Id}: {MinorUnits.Format(appliedMinor, currency.MinorDigits)} {currency.Code} applied, {MinorUnits.Format(unapplied, currency.MinorDigits)} still unapplied.");
    }

    /// <inheritdoc/>
    public async Task<AssignResult> AssignExceptionAsync(AssignRequest request, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(request);
        ArgumentException.ThrowIfNullOrEmpty(request.Actor);
        await using var connection = await OpenAsync(cancellationToken).ConfigureAwait(false);
        await using var transaction = await BeginWriteAsync(connection, cancellationToken).ConfigureAwait(false);
        var before = await GetExceptionAsync(connection, transaction, request.ExceptionId, cancellationToken).ConfigureAwait(false);
        if (before is null)
        {
            await transaction.RollbackAsync(cancellationToken).ConfigureAwait(false);
            return new AssignResult(UpdateStatus.NotFound, null, $"There is no exception {request.ExceptionId}.");
        }

        await using (var command = Command(connection, transaction, Sql.AssignException))
        {
            Set(command, "@id", request.ExceptionId);
            Set(command, "@expected_row_version", request.ExpectedRowVersion);
            Set(command, "@assignee", string.IsNullOrEmpty(request.Assignee) ? null : request.Assignee);
            SetTime(command, "@updated_at", Now());
            if (await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false) != 1)
            {
                await transaction.RollbackAsync(cancellationToken).ConfigureAwait(false);
                return new AssignResult(UpdateStatus.Conflict, before, ConflictMessage(before, request.ExpectedRowVersion));
            }
        }

        var after = await GetExceptionAsync(connection, transaction, request.ExceptionId, cancellationToken).ConfigureAwait(false);
        await AuditAsync(connection, transaction, request.Actor, "exception.assign", $"exception/{before.Id}", ToJson(AuditView(before)), ToJson(AuditView(after!)), request.Reason, cancellationToken).ConfigureAwait(false);
        await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
        return new AssignResult(UpdateStatus.Updated, after, request.Assignee is null ? $"Exception {before.Id} unassigned." : $"Exception {before.Id} assigned to {request.Assignee}.");
    }

    private async Task<StoredExceptionCase?> GetExceptionAsync(DbConnection connection, DbTransaction? transaction, long id, CancellationToken cancellationToken)
    {
        await using var command = Command(connection, transaction, Sql.SelectExceptionById);
        Set(command, "@id", id);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        return await reader.ReadAsync(cancellationToken).ConfigureAwait(false) ? ReadException(reader) : null;
    }

    private void BindFilter(DbCommand command, ExceptionQuery query, DateTimeOffset now)
    {
        Set(command, "@status", query.Status is { } status ? StoreCodes.Of(status) : null);
        Set(command, "@currency", query.Currency);
        SetTime(command, "@created_before", query.MinAge is { } min ? now - min : null);
        SetTime(command, "@created_after", query.MaxAge is { } max ? now - max : null);
        Set(command, "@min_unapplied", query.MinUnappliedMinor);
        Set(command, "@max_unapplied", query.MaxUnappliedMinor);
        Set(command, "@assignee", query.Assignee);
    }

    private static string? Validate(ResolveRequest request, StoredExceptionCase exception)
    {
        if (string.IsNullOrWhiteSpace(request.Reason))
        {
            return "A decision needs a reason.";
        }

        if (request.Kind != ResolutionKind.ApplyToItems)
        {
            return request.Allocations.Count == 0 ? null : $"A {StoreCodes.Of(request.Kind)} decision applies nothing to items; leave the allocations empty.";
        }

        if (request.Allocations.Count == 0)
        {
            return "Applying to items needs at least one item and amount.";
        }

        if (CheckAllocations(request.Allocations, out var sum) is { } allocationError)
        {
            return allocationError;
        }

        var currency = exception.Unapplied.Currency;
        return sum <= 0 || sum > exception.Unapplied.Minor
            ? $"The allocations sum to {MinorUnits.Format(sum, currency.MinorDigits)} {currency.Code}; they must be above zero and at most the unapplied {exception.Unapplied} {currency.Code}."
            : null;
    }

    /// <summary>
    /// The exception a decision is about, read inside the decision's transaction: refused (and the transaction
    /// rolled back) when it is missing, was changed since <paramref name="expectedRowVersion"/> or is no longer
    /// open, or when <paramref name="validate"/> finds the decision wrong for it.
    /// </summary>
    private async Task<(StoredExceptionCase Before, ResolveResult? Refused)> OpenForDecisionAsync(
        DbConnection connection,
        DbTransaction transaction,
        long exceptionId,
        long expectedRowVersion,
        Func<StoredExceptionCase, string?> validate,
        CancellationToken cancellationToken)
    {
        var before = await GetExceptionAsync(connection, transaction, exceptionId, cancellationToken).ConfigureAwait(false);
        ResolveResult? refused = null;
        if (before is null)
        {
            refused = new ResolveResult(ResolveStatus.NotFound, null, [], $"There is no exception {exceptionId}.");
        }
        else if (before.RowVersion != expectedRowVersion || before.Status != ExceptionStatus.Open)
        {
            refused = Conflict(before, expectedRowVersion);
        }
        else if (validate(before) is { } invalid)
        {
            refused = new ResolveResult(ResolveStatus.Invalid, before, [], invalid);
        }

        if (refused is not null)
        {
            await transaction.RollbackAsync(cancellationToken).ConfigureAwait(false);
        }

        return (before!, refused);
    }

    /// <summary>
    /// Applies a specialist's allocations inside the transaction, item by item in id order (the order every
    /// writer locks in), each re-checked as still open for its amount. On the first item that is not, rolls back
    /// and says why; null when every allocation was applied.
    /// </summary>
    private async Task<ResolveResult?> ApplyAllocationsAsync(
        DbConnection connection,
        DbTransaction transaction,
        StoredExceptionCase before,
        IReadOnlyList<ItemAllocation> allocations,
        CurrencyCode currency,
        string actor,
        string reason,
        DateTimeOffset now,
        List<long> applicationIds,
        CancellationToken cancellationToken)
    {
        await using var apply = Command(connection, transaction, Sql.ApplyToItem);
        await using var insert = Command(connection, transaction, Sql.InsertApplication);
        SetTime(apply, "@updated_at", now);
        SetTime(insert, "@applied_at", now);
        Set(insert, "@applied_by", actor);
        Set(insert, "@exception_id", before.Id);
        foreach (var allocation in allocations.OrderBy(a => a.ItemId, StringComparer.Ordinal))
        {
            Set(apply, "@item_id", allocation.ItemId);
            Set(apply, "@currency", currency.Code);
            Set(apply, "@amount_minor", allocation.AmountMinor);
            if (await apply.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false) != 1)
            {
                var item = await GetOpenItemAsync(connection, transaction, allocation.ItemId, cancellationToken).ConfigureAwait(false);
                await transaction.RollbackAsync(cancellationToken).ConfigureAwait(false);
                return ItemRefused(before, allocation, item, currency);
            }

            var application = new Application(before.PaymentRef, allocation.ItemId, new Money(allocation.AmountMinor, currency), MatchMethod.Manual, new MatchScore(1), reason);
            BindApplication(insert, before.PaymentId, application);
            applicationIds.Add(await InsertReturningIdAsync(insert, cancellationToken).ConfigureAwait(false));
        }

        return null;
    }

    private static ResolveResult ItemRefused(StoredExceptionCase exception, ItemAllocation allocation, StoredOpenItem? item, CurrencyCode currency)
    {
        if (item is null)
        {
            return new ResolveResult(ResolveStatus.Invalid, exception, [], $"There is no item '{allocation.ItemId}'.");
        }

        if (item.Item.Currency.Code != currency.Code)
        {
            return new ResolveResult(ResolveStatus.Invalid, exception, [], $"Item '{allocation.ItemId}' is in {item.Item.Currency.Code}; the payment is in {currency.Code}.");
        }

        var asked = MinorUnits.Format(allocation.AmountMinor, currency.MinorDigits);
        return item.Status == OpenItemStatus.Closed
            ? new ResolveResult(ResolveStatus.InsufficientOpenAmount, exception, [], $"Item '{allocation.ItemId}' is closed; nothing was applied.")
            : new ResolveResult(ResolveStatus.InsufficientOpenAmount, exception, [], $"Item '{allocation.ItemId}' has {item.Item.Open} {currency.Code} open, not {asked}; nothing was applied.");
    }

    private static ResolveResult Conflict(StoredExceptionCase current, long expected) =>
        new(ResolveStatus.Conflict, current, [], ConflictMessage(current, expected));

    private static string ConflictMessage(StoredExceptionCase current, long expected) =>
        current.Status == ExceptionStatus.Resolved
            ? $"Exception {current.Id} was already resolved by {current.ResolvedBy} ({(current.Resolution is { } r ? StoreCodes.Of(r) : "?")})."
            : $"Exception {current.Id} changed since version {expected}; it is now at version {current.RowVersion}.";

    private static object AuditView(StoredExceptionCase e) => new
    {
        status = StoreCodes.Of(e.Status),
        unapplied = e.Unapplied.Minor,
        currency = e.Unapplied.Currency.Code,
        assignee = e.Assignee,
        row_version = e.RowVersion,
        resolution = e.Resolution is { } r ? StoreCodes.Of(r) : null,
    };

    /// <summary>
    /// What is wrong with a specialist's <paramref name="allocations"/> on their own (an item without an amount, an
    /// item twice, a sum that overflows), or null with their <paramref name="sum"/>. Resolve and Decide both ask.
    /// </summary>
    private static string? CheckAllocations(IReadOnlyList<ItemAllocation> allocations, out long sum)
    {
        sum = 0;
        if (allocations.Any(a => a.AmountMinor == 0 || string.IsNullOrEmpty(a.ItemId)))
        {
            return "Every allocation names an item and a non-zero amount.";
        }

        if (allocations.Select(a => a.ItemId).Distinct(StringComparer.Ordinal).Count() != allocations.Count)
        {
            return "Each item appears once among the allocations.";
        }

        try
        {
            sum = allocations.Sum(a => a.AmountMinor);
        }
        catch (OverflowException)
        {
            return "The allocations overflow.";
        }

        return null;
    }
}
