using System.Data.Common;
using System.Globalization;
using System.Text;
using CashApp.Engine.Model;
using CashApp.Parsers.Currency;

namespace CashApp.Store;

/// <content>
/// The specialists' worklist: people, the filtered queue, decisions that apply and dispose of the rest in one
/// transaction, reopening by reversal, notes and history. Notes and history live in the audit trail, which is
/// append-only: nothing a specialist did is ever deleted.
/// </content>
public abstract partial class DbCashStore : IWorklistStore
{
    private WorklistSql WorklistSql => this is SqlServerCashStore ? WorklistSql.SqlServer : WorklistSql.Sqlite;

    /// <inheritdoc/>
    public async Task<bool> AddUserAsync(string name, string role, string passwordHash, string actor, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(name);
        ArgumentException.ThrowIfNullOrEmpty(role);
        ArgumentException.ThrowIfNullOrEmpty(passwordHash);
        await using var connection = await OpenAsync(cancellationToken).ConfigureAwait(false);
        await using var transaction = await BeginWriteAsync(connection, cancellationToken).ConfigureAwait(false);
        await using (var command = Command(connection, transaction, WorklistSql.InsertUser))
        {
            Set(command, "@name", name);
            Set(command, "@role", role);
            Set(command, "@password_hash", passwordHash);
            SetTime(command, "@created_at", Now());
            try
            {
                await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
            }
            catch (DbException ex) when (IsDuplicateKey(ex))
            {
                await transaction.RollbackAsync(cancellationToken).ConfigureAwait(false);
                return false;
            }
        }

        await AuditAsync(connection, transaction, actor, "user.add", $"user/{name}", null, ToJson(new { name, role }), null, cancellationToken).ConfigureAwait(false);
        await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
        return true;
    }

    /// <inheritdoc/>
    public async Task<StoredUser?> FindUserAsync(string name, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(name);
        await using var connection = await OpenAsync(cancellationToken).ConfigureAwait(false);
        await using var command = Command(connection, null, WorklistSql.SelectUser);
        Set(command, "@name", name);
        var users = await ReadRowsAsync(command, ReadUser, cancellationToken).ConfigureAwait(false);
        return users.Count == 0 ? null : users[0];
    }

    /// <inheritdoc/>
    public async Task<IReadOnlyList<StoredUser>> ListUsersAsync(CancellationToken cancellationToken = default)
    {
        await using var connection = await OpenAsync(cancellationToken).ConfigureAwait(false);
        await using var command = Command(connection, null, WorklistSql.SelectUsers);
        return await ReadRowsAsync(command, ReadUser, cancellationToken).ConfigureAwait(false);
    }

    /// <inheritdoc/>
    public async Task RecordSignInFailureAsync(string name, int maxFailures, DateTimeOffset lockUntil, CancellationToken cancellationToken = default)
    {
        await using var connection = await OpenAsync(cancellationToken).ConfigureAwait(false);
        await using var command = Command(connection, null, WorklistSql.RecordSignInFailure);
        Set(command, "@name", name);
        Set(command, "@max_failures", maxFailures);
        SetTime(command, "@lock_until", lockUntil);
        SetTime(command, "@updated_at", Now());
        await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
    }

    /// <inheritdoc/>
    public async Task RecordSignInSuccessAsync(string name, string? rehashedPassword, CancellationToken cancellationToken = default)
    {
        await using var connection = await OpenAsync(cancellationToken).ConfigureAwait(false);
        await using var command = Command(connection, null, WorklistSql.RecordSignInSuccess);
        Set(command, "@name", name);
        Set(command, "@password_hash", rehashedPassword);
        SetTime(command, "@updated_at", Now());
        await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
    }

    /// <inheritdoc/>
    public async Task<WorklistPage> ListWorklistAsync(WorklistQuery query, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(query);
        ArgumentOutOfRangeException.ThrowIfLessThan(query.Take, 1);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(query.Take, 500);
        ArgumentOutOfRangeException.ThrowIfNegative(query.Skip);
        var now = Now();
        await using var connection = await OpenAsync(cancellationToken).ConfigureAwait(false);
        await using var transaction = await BeginSnapshotAsync(connection, cancellationToken).ConfigureAwait(false);
        List<WorklistRow> rows;
        var withText = LikePattern(query.Text) is not null;
        var page = !withText && WorklistSql.OrdersByExceptionColumn(query.Sort) ? WorklistSql.SelectPageNoText : WorklistSql.SelectPage;
        await using (var command = Command(connection, transaction, page[(query.Sort, query.Descending)]))
        {
            BindWorklistFilter(command, query, now);
            Set(command, "@skip", query.Skip);
            Set(command, "@take", query.Take);
            rows = await ReadRowsAsync(command, r => new WorklistRow(ReadException(r), StringOrNull(r, 20), StringOrNull(r, 21), r.GetString(22), r.GetInt64(23)), cancellationToken).ConfigureAwait(false);
        }

        var counts = new Dictionary<ExceptionReason, long>();
        await using (var command = Command(connection, transaction, withText ? WorklistSql.CountByReason : WorklistSql.CountByReasonNoText))
        {
            BindWorklistFilter(command, query, now);
            foreach (var (reason, count) in await ReadRowsAsync(command, r => (LedgerCodes.ParseReason(r.GetString(0)), Convert.ToInt64(r.GetValue(1), CultureInfo.InvariantCulture)), cancellationToken).ConfigureAwait(false))
            {
                counts[reason] = count;
            }
        }

        await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
        return new WorklistPage(rows, counts.Values.Sum(), counts);
    }

    /// <inheritdoc/>
    public async Task<IReadOnlyList<StoredOpenItem>> SearchOpenItemsAsync(ItemSearchQuery query, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(query);
        ArgumentOutOfRangeException.ThrowIfLessThan(query.Take, 1);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(query.Take, 200);
        ArgumentOutOfRangeException.ThrowIfNegative(query.Skip);
        string? root = null;
        if (query.FamilyOf is { Length: > 0 } customerId)
        {
            var customer = await GetCustomerAsync(customerId, cancellationToken).ConfigureAwait(false);
            root = customer?.ParentId ?? customerId;
        }

        await using var connection = await OpenAsync(cancellationToken).ConfigureAwait(false);
        await using var command = Command(connection, null, WorklistSql.SearchOpenItems);
        Set(command, "@currency", query.Currency);
        Set(command, "@amount_minor", query.AmountMinor);
        Set(command, "@text", LikePattern(query.Text));
        Set(command, "@root", root);
        Set(command, "@skip", query.Skip);
        Set(command, "@take", query.Take);
        return await ReadRowsAsync(command, ReadStoredOpenItem, cancellationToken).ConfigureAwait(false);
    }

    /// <inheritdoc/>
    public async Task<ResolveResult> DecideAsync(DecisionRequest request, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(request);
        ArgumentException.ThrowIfNullOrEmpty(request.Actor);
        ArgumentNullException.ThrowIfNull(request.Allocations);
        var now = Now();
        await using var connection = await OpenAsync(cancellationToken).ConfigureAwait(false);
        await using var transaction = await BeginWriteAsync(connection, cancellationToken).ConfigureAwait(false);
        var (before, notOpen) = await OpenForDecisionAsync(connection, transaction, request.ExceptionId, request.ExpectedRowVersion, b => ValidateDecision(request, b), cancellationToken).ConfigureAwait(false);
        if (notOpen is not null)
        {
            return notOpen;
        }

        var currency = before.Unapplied.Currency;
        var appliedMinor = request.Allocations.Sum(a => a.AmountMinor);
        var rest = checked(before.Unapplied.Minor - appliedMinor);
        var kind = request.Rest switch
        {
            RestDisposition.LeaveOnAccount => ResolutionKind.LeaveOnAccount,
            RestDisposition.WriteOff => ResolutionKind.WriteOff,
            RestDisposition.Refund => ResolutionKind.Refund,
            RestDisposition.NotACustomerPayment => ResolutionKind.NotACustomerPayment,
            _ => ResolutionKind.ApplyToItems,
        };
        var reason = request.ReasonCode is { Length: > 0 } code ? $"{code}: {request.Reason}" : request.Reason;

        // Claim the exception first, as a resolve does: a concurrent decision waits here or finds the version moved.
        await using (var claim = Command(connection, transaction, Sql.UpdateExceptionDecision))
        {
            Set(claim, "@id", before.Id);
            Set(claim, "@expected_row_version", request.ExpectedRowVersion);
            Set(claim, "@unapplied_minor", rest);
            Set(claim, "@status", StoreCodes.Of(ExceptionStatus.Resolved));
            Set(claim, "@resolution", StoreCodes.Of(kind));
            Set(claim, "@resolution_reason", reason);
            Set(claim, "@resolved_by", request.Actor);
            SetTime(claim, "@resolved_at", now);
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
        if (request.Allocations.Count > 0 && await ApplyAllocationsAsync(connection, transaction, before, request.Allocations, currency, request.Actor, request.Reason, now, applicationIds, cancellationToken).ConfigureAwait(false) is { } refused)
        {
            return refused;
        }

        // What the specialist learnt about who pays is kept in the same transaction: both or neither.
        var learned = applicationIds.Count > 0 && request.Learn is { } learn
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
            ToJson(new { state = AuditView(after!), resolution = StoreCodes.Of(kind), allocations = request.Allocations, rest, reason_code = request.ReasonCode }),
            reason,
            cancellationToken).ConfigureAwait(false);
        await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
        var applications = (await ListApplicationsAsync(new ApplicationQuery { PaymentId = before.PaymentId }, cancellationToken).ConfigureAwait(false))
            .Where(a => applicationIds.Contains(a.Id))
            .ToList();
        return new ResolveResult(ResolveStatus.Resolved, after, applications, $"Exception {before.Id} resolved: {Describe(appliedMinor, rest, kind, currency)}.") { Learned = learned };
    }

    /// <inheritdoc/>
    public async Task<ResolveResult> ReopenExceptionAsync(ReopenRequest request, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(request);
        ArgumentException.ThrowIfNullOrEmpty(request.Actor);
        if (string.IsNullOrWhiteSpace(request.Reason))
        {
            return new ResolveResult(ResolveStatus.Invalid, null, [], "Reopening needs a reason.");
        }

        var now = Now();
        await using var connection = await OpenAsync(cancellationToken).ConfigureAwait(false);
        await using var transaction = await BeginWriteAsync(connection, cancellationToken).ConfigureAwait(false);
        var before = await GetExceptionAsync(connection, transaction, request.ExceptionId, cancellationToken).ConfigureAwait(false);
        if (before is null)
        {
            await transaction.RollbackAsync(cancellationToken).ConfigureAwait(false);
            return new ResolveResult(ResolveStatus.NotFound, null, [], $"There is no exception {request.ExceptionId}.");
        }

        if (before.RowVersion != request.ExpectedRowVersion)
        {
            await transaction.RollbackAsync(cancellationToken).ConfigureAwait(false);
            return Conflict(before, request.ExpectedRowVersion);
        }

        List<(string ItemId, long Minor)> net;
        await using (var command = Command(connection, transaction, WorklistSql.SelectNetApplications))
        {
            Set(command, "@exception_id", before.Id);
            net = await ReadRowsAsync(command, r => (r.GetString(0), Convert.ToInt64(r.GetValue(1), CultureInfo.InvariantCulture)), cancellationToken).ConfigureAwait(false);
        }

        if (before.Status == ExceptionStatus.Open && net.Count == 0)
        {
            await transaction.RollbackAsync(cancellationToken).ConfigureAwait(false);
            return new ResolveResult(ResolveStatus.Invalid, before, [], $"Exception {before.Id} is open and nothing was applied from it: there is nothing to reopen.");
        }

        var currency = before.Unapplied.Currency;
        var restored = checked(before.Unapplied.Minor + net.Sum(n => n.Minor));
        await using (var reopen = Command(connection, transaction, WorklistSql.ReopenException))
        {
            Set(reopen, "@id", before.Id);
            Set(reopen, "@expected_row_version", request.ExpectedRowVersion);
            Set(reopen, "@unapplied_minor", restored);
            SetTime(reopen, "@updated_at", now);
            if (await reopen.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false) != 1)
            {
                await transaction.RollbackAsync(cancellationToken).ConfigureAwait(false);
                var current = await GetExceptionAsync(request.ExceptionId, cancellationToken).ConfigureAwait(false);
                return current is null
                    ? new ResolveResult(ResolveStatus.NotFound, null, [], $"There is no exception {request.ExceptionId}.")
                    : Conflict(current, request.ExpectedRowVersion);
            }
        }

        var reversalIds = new List<long>();
        if (net.Count > 0)
        {
            await using var unapply = Command(connection, transaction, WorklistSql.UnapplyItem);
            await using var insert = Command(connection, transaction, Sql.InsertApplication);
            SetTime(unapply, "@updated_at", now);
            SetTime(insert, "@applied_at", now);
            Set(insert, "@applied_by", request.Actor);
            Set(insert, "@exception_id", before.Id);
            foreach (var (itemId, minor) in net)
            {
                Set(unapply, "@item_id", itemId);
                Set(unapply, "@currency", currency.Code);
                Set(unapply, "@amount_minor", minor);
                if (await unapply.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false) != 1)
                {
                    await transaction.RollbackAsync(cancellationToken).ConfigureAwait(false);
                    return new ResolveResult(ResolveStatus.Invalid, before, [], $"Item '{itemId}' is no longer in the store in {currency.Code}; nothing was reversed.");
                }

                // The reversal is a new application of the opposite amount: the export posts it back to AR as such.
                var reversal = new Application(before.PaymentRef, itemId, new Money(-minor, currency), MatchMethod.Manual, new MatchScore(1), $"reversal on reopening exception {before.Id}: {request.Reason}");
                BindApplication(insert, before.PaymentId, reversal);
                reversalIds.Add(await InsertReturningIdAsync(insert, cancellationToken).ConfigureAwait(false));
            }
        }

        var after = await GetExceptionAsync(connection, transaction, before.Id, cancellationToken).ConfigureAwait(false);
        await AuditAsync(
            connection,
            transaction,
            request.Actor,
            "exception.reopen",
            $"exception/{before.Id}",
            ToJson(AuditView(before)),
            ToJson(new { state = AuditView(after!), reversed = net.Select(n => new { item_id = n.ItemId, amount = n.Minor }) }),
            request.Reason,
            cancellationToken).ConfigureAwait(false);
        await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
        var applications = (await ListApplicationsAsync(new ApplicationQuery { PaymentId = before.PaymentId }, cancellationToken).ConfigureAwait(false))
            .Where(a => reversalIds.Contains(a.Id))
            .ToList();
        return new ResolveResult(ResolveStatus.Resolved, after, applications, $"Exception {before.Id} reopened: {net.Count} application(s) reversed, {MinorUnits.Format(restored, currency.MinorDigits)} {currency.Code} unapplied.");
    }

    /// <inheritdoc/>
    public async Task<bool> AddExceptionNoteAsync(long exceptionId, string actor, string note, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(actor);
        ArgumentException.ThrowIfNullOrWhiteSpace(note);
        await using var connection = await OpenAsync(cancellationToken).ConfigureAwait(false);
        await using var transaction = await BeginWriteAsync(connection, cancellationToken).ConfigureAwait(false);
        if (await GetExceptionAsync(connection, transaction, exceptionId, cancellationToken).ConfigureAwait(false) is null)
        {
            await transaction.RollbackAsync(cancellationToken).ConfigureAwait(false);
            return false;
        }

        await AuditAsync(connection, transaction, actor, "exception.note", $"exception/{exceptionId}", null, null, note, cancellationToken).ConfigureAwait(false);
        await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
        return true;
    }

    /// <inheritdoc/>
    public async Task<IReadOnlyList<ExceptionEvent>> ListExceptionHistoryAsync(long exceptionId, CancellationToken cancellationToken = default)
    {
        var exception = await GetExceptionAsync(exceptionId, cancellationToken).ConfigureAwait(false);
        if (exception is null)
        {
            return [];
        }

        var events = new List<ExceptionEvent> { new(exception.CreatedAt, "matching", "raised", exception.Detail, null) };
        long? after = null;
        while (true)
        {
            var page = await ListAuditAsync(new AuditQuery { Subject = $"exception/{exceptionId}", AfterId = after, Take = 500 }, cancellationToken).ConfigureAwait(false);
            events.AddRange(page.Select(a => new ExceptionEvent(a.At, a.Actor, a.Action, a.Reason, a.After)));
            if (page.Count < 500)
            {
                return events;
            }

            after = page[^1].Id;
        }
    }

    /// <inheritdoc/>
    public async Task<IReadOnlyList<DayFigure>> ListDailyFiguresAsync(int days, CancellationToken cancellationToken = default)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(days, 1);
        var today = DateOnly.FromDateTime(Now().UtcDateTime);
        var since = new DateTimeOffset(today.AddDays(1 - days).ToDateTime(TimeOnly.MinValue), TimeSpan.Zero);
        await using var connection = await OpenAsync(cancellationToken).ConfigureAwait(false);
        await using var command = Command(connection, null, WorklistSql.SelectDailyFigures);
        SetTime(command, "@since", since);
        var rows = await ReadRowsAsync(
            command,
            r => new DayFigure(DateOnly.ParseExact(r.GetString(0).Trim(), "yyyy-MM-dd", CultureInfo.InvariantCulture), Convert.ToInt32(r.GetValue(1), CultureInfo.InvariantCulture), Convert.ToInt32(r.GetValue(2), CultureInfo.InvariantCulture), r.IsDBNull(3) ? 0 : Convert.ToInt32(r.GetValue(3), CultureInfo.InvariantCulture)),
            cancellationToken).ConfigureAwait(false);
        var byDay = rows.ToDictionary(r => r.Day);

        // Every day of the window, a quiet day included, so that a chart's days are evenly spaced.
        return [.. Enumerable.Range(0, days).Select(i => today.AddDays(i + 1 - days)).Select(d => byDay.TryGetValue(d, out var figure) ? figure : new DayFigure(d, 0, 0, 0))];
    }

    /// <inheritdoc/>
    public async Task<IReadOnlyDictionary<ExceptionReason, long>> CountOpenByReasonAsync(CancellationToken cancellationToken = default)
    {
        await using var connection = await OpenAsync(cancellationToken).ConfigureAwait(false);
        await using var command = Command(connection, null, WorklistSql.CountOpenByReason);
        var rows = await ReadRowsAsync(command, r => (LedgerCodes.ParseReason(r.GetString(0)), Convert.ToInt64(r.GetValue(1), CultureInfo.InvariantCulture)), cancellationToken).ConfigureAwait(false);
        return rows.ToDictionary(r => r.Item1, r => r.Item2);
    }

    /// <summary>A <c>LIKE</c> pattern that finds <paramref name="text"/> anywhere, upper-cased, with its wildcards escaped; null for no text.</summary>
    internal static string? LikePattern(string? text)
    {
        if (string.IsNullOrWhiteSpace(text))
        {
            return null;
        }

        var pattern = new StringBuilder("%");
        foreach (var c in text.Trim().ToUpperInvariant())
        {
            if (c is '%' or '_' or '\\' or '[')
            {
                pattern.Append('\\');
            }

            pattern.Append(c);
        }

        return pattern.Append('%').ToString();
    }

    private static string? ValidateDecision(DecisionRequest request, StoredExceptionCase exception)
    {
        if (string.IsNullOrWhiteSpace(request.Reason))
        {
            return "A decision needs a reason.";
        }

        var currency = exception.Unapplied.Currency;
        if (CheckAllocations(request.Allocations, out var sum) is { } allocationError)
        {
            return allocationError;
        }

        if (request.Allocations.Count > 0 && (sum <= 0 || sum > exception.Unapplied.Minor))
        {
            return $"The allocations sum to {MinorUnits.Format(sum, currency.MinorDigits)} {currency.Code}; they must be above zero and at most the unapplied {exception.Unapplied} {currency.Code}.";
        }

        var rest = exception.Unapplied.Minor - sum;
        return request.Rest switch
        {
            RestDisposition.MustBalance when request.Allocations.Count == 0 => "Applying needs at least one item and amount.",
            RestDisposition.MustBalance when rest != 0 => $"The selection does not balance: {MinorUnits.Format(rest, currency.MinorDigits)} {currency.Code} of {exception.Unapplied} {currency.Code} is left; apply it, or say what happens to the rest.",
            RestDisposition.WriteOff when string.IsNullOrWhiteSpace(request.ReasonCode) => "A write-off needs a reason code.",
            RestDisposition.WriteOff when rest <= 0 => "There is nothing left to write off.",
            RestDisposition.WriteOff when rest > request.WriteOffLimitMinor => $"The rest, {MinorUnits.Format(rest, currency.MinorDigits)} {currency.Code}, is more than the policy lets a specialist write off ({MinorUnits.Format(request.WriteOffLimitMinor, currency.MinorDigits)} {currency.Code}).",
            RestDisposition.LeaveOnAccount or RestDisposition.Refund when rest <= 0 => "There is nothing left to leave on account or refund; apply without a rest.",
            RestDisposition.NotACustomerPayment when request.Allocations.Count > 0 => "A payment that is not a customer's applies nothing to items.",
            _ => null,
        };
    }

    private static string Describe(long appliedMinor, long rest, ResolutionKind kind, CurrencyCode currency)
    {
        var applied = $"{MinorUnits.Format(appliedMinor, currency.MinorDigits)} {currency.Code} applied";
        var left = $"{MinorUnits.Format(rest, currency.MinorDigits)} {currency.Code}";
        return kind switch
        {
            ResolutionKind.ApplyToItems => applied,
            ResolutionKind.LeaveOnAccount => $"{applied}, {left} left on account",
            ResolutionKind.WriteOff => $"{applied}, {left} written off",
            ResolutionKind.Refund => $"{applied}, {left} to refund",
            _ => $"not a customer payment ({left})",
        };
    }

    private void BindWorklistFilter(DbCommand command, WorklistQuery query, DateTimeOffset now)
    {
        Set(command, "@status", query.Status is { } status ? StoreCodes.Of(status) : null);
        Set(command, "@reason", query.Reason is { } reason ? LedgerCodes.Of(reason) : null);
        Set(command, "@currency", string.IsNullOrEmpty(query.Currency) ? null : query.Currency);
        Set(command, "@assignee", string.IsNullOrEmpty(query.Assignee) ? null : query.Assignee);
        Set(command, "@unassigned", query.Unassigned ? 1 : 0);
        SetTime(command, "@created_before", query.MinAge is { } min ? now - min : null);
        SetTime(command, "@created_after", query.MaxAge is { } max ? now - max : null);
        Set(command, "@min_unapplied", query.MinUnappliedMinor);
        Set(command, "@max_unapplied", query.MaxUnappliedMinor);
        if (command.Parameters.Contains("@text"))
        {
            Set(command, "@text", LikePattern(query.Text));
        }
    }

    private StoredUser ReadUser(DbDataReader r) => new(
        r.GetString(0),
        r.GetString(1),
        r.GetString(2),
        Convert.ToInt32(r.GetValue(3), CultureInfo.InvariantCulture),
        TimeOrNull(r, 4),
        ReadTime(r, 5));

    private static async Task<List<T>> ReadRowsAsync<T>(DbCommand command, Func<DbDataReader, T> read, CancellationToken cancellationToken)
    {
        var rows = new List<T>();
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            rows.Add(read(reader));
        }

        return rows;
    }
}
