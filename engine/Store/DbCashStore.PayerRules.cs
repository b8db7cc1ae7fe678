using System.Data.Common;
using System.Globalization;
using CashApp.Engine.Matching;
using CashApp.Engine.Model;

namespace CashApp.Store;

/// <summary>A page of payer rules: customer, state and kind filter it; <see cref="AfterId"/> pages it.</summary>
public sealed record PayerRuleQuery
{
    /// <summary>Only this customer's rules, when set.</summary>
    public string? CustomerId { get; init; }

    /// <summary>Only rules in this state, when set.</summary>
    public PayerRuleState? State { get; init; }

    /// <summary>Only rules of this kind, when set.</summary>
    public PayerRuleKind? Kind { get; init; }

    /// <summary>Rules after this id.</summary>
    public long? AfterId { get; init; }

    /// <summary>Page size, 1 to 100,000.</summary>
    public int Take { get; init; } = 100;
}

/// <summary>A page of payer rules and the id to page on after, if more.</summary>
public sealed record PayerRulePage(IReadOnlyList<PayerRule> Items, long? NextAfterId);

/// <summary>What a resolution taught: the rules made or agreed with, those it revoked, and the payments raised for review.</summary>
public sealed record PayerRuleLearning(IReadOnlyList<PayerRule> Learned, IReadOnlyList<PayerRule> Revoked, int RaisedForReview, string Message);

/// <summary>
/// Asks a resolution to learn who pays: <see cref="Remember"/> is the specialist's explicit choice (the
/// policy's <c>rememberResolutions</c> when they made none); the policy gives the agreements a rule needs.
/// </summary>
public sealed record ResolutionLearning(bool Remember, MatchPolicy Policy);

/// <summary>One event of a payer rule's life: learnt, agreed, disagreed, shared, revoked or reinstated, by whom and why.</summary>
public sealed record PayerRuleEvent(long EventId, long RuleId, DateTimeOffset At, string Actor, string Event, long? ExceptionId, string? Reason);

/// <summary>How a revoke or reinstate went.</summary>
public enum PayerRuleChangeStatus
{
    /// <summary>Done.</summary>
    Changed,

    /// <summary>No such rule.</summary>
    NotFound,

    /// <summary>The rule cannot be changed so: already in that state, or shared (never active).</summary>
    Refused,
}

/// <summary>The outcome of a revoke or reinstate, with the rule as it now stands.</summary>
public sealed record PayerRuleChange(PayerRuleChangeStatus Status, PayerRule? Rule, string Message);

/// <summary>
/// Payer rules: what specialists' resolutions taught about who pays, kept with where each came from.
/// Implemented by both stores; nothing is deleted, every change is an event.
/// </summary>
public interface IPayerRuleStore
{
    /// <summary>A page of rules by ascending id.</summary>
    Task<PayerRulePage> ListPayerRulesAsync(PayerRuleQuery query, CancellationToken cancellationToken = default);

    /// <summary>One rule, or null.</summary>
    Task<PayerRule?> GetPayerRuleAsync(long ruleId, CancellationToken cancellationToken = default);

    /// <summary>A rule's events, oldest first (none for an unknown rule).</summary>
    Task<IReadOnlyList<PayerRuleEvent>> ListPayerRuleEventsAsync(long ruleId, CancellationToken cancellationToken = default);

    /// <summary>Revokes a rule (an event; the rule stays): matching stops using it.</summary>
    Task<PayerRuleChange> RevokePayerRuleAsync(long ruleId, string actor, string? reason, CancellationToken cancellationToken = default);

    /// <summary>Makes a revoked or suggested rule active again, unless its key is shared.</summary>
    Task<PayerRuleChange> ReinstatePayerRuleAsync(long ruleId, string actor, string? reason, CancellationToken cancellationToken = default);

    /// <summary>
    /// Learns from a resolved exception that applied its payment to items: the payer's account, name and payer
    /// id point at the customer paid (when <paramref name="remember"/>). Whatever <paramref name="remember"/>
    /// says, a key that an earlier rule gives to an unrelated customer becomes shared: its active rules are
    /// revoked and the payments they decided are raised for review.
    /// </summary>
    Task<PayerRuleLearning> LearnFromResolutionAsync(long exceptionId, bool remember, MatchPolicy policy, CancellationToken cancellationToken = default);

    /// <summary>Records which rules decided the payers of a stored bank file's applications; returns how many firings were new.</summary>
    Task<int> RecordPayerRuleFiringsAsync(long bankFileId, CancellationToken cancellationToken = default);
}

/// <content>Payer rules learnt from resolutions (see <see cref="IPayerRuleStore"/>).</content>
public abstract partial class DbCashStore : IPayerRuleStore
{
    private PayerRuleSql RuleSql => this is SqlServerCashStore ? PayerRuleSql.SqlServer : PayerRuleSql.Sqlite;

    /// <summary>Creates the payer rule tables when missing: idempotent, so it runs after every migration.</summary>
    private async Task EnsurePayerRuleSchemaAsync(CancellationToken cancellationToken)
    {
        await using var connection = await OpenAsync(cancellationToken).ConfigureAwait(false);
        await using var transaction = await BeginWriteAsync(connection, cancellationToken).ConfigureAwait(false);
        foreach (var statement in RuleSql.Schema)
        {
            await using var command = Command(connection, transaction, statement);
            await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        }

        await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
    }

    /// <inheritdoc/>
    public async Task<PayerRulePage> ListPayerRulesAsync(PayerRuleQuery query, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(query);
        ArgumentOutOfRangeException.ThrowIfLessThan(query.Take, 1);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(query.Take, 100_000);
        await using var connection = await OpenAsync(cancellationToken).ConfigureAwait(false);
        await using var command = Command(connection, null, RuleSql.SelectRulesPage);
        Set(command, "@customer_id", query.CustomerId);
        Set(command, "@state", query.State is { } state ? StateCode(state) : null);
        Set(command, "@kind", query.Kind is { } kind ? PayerRule.KindWord(kind) : null);
        Set(command, "@after_id", query.AfterId);
        Set(command, "@take", query.Take + 1);
        var rules = await ReadAllAsync(command, ReadRule, cancellationToken).ConfigureAwait(false);
        long? next = null;
        if (rules.Count > query.Take)
        {
            rules.RemoveAt(rules.Count - 1);
            next = rules[^1].RuleId;
        }

        return new PayerRulePage(rules, next);
    }

    /// <inheritdoc/>
    public async Task<PayerRule?> GetPayerRuleAsync(long ruleId, CancellationToken cancellationToken = default)
    {
        await using var connection = await OpenAsync(cancellationToken).ConfigureAwait(false);
        return await GetRuleAsync(connection, null, ruleId, cancellationToken).ConfigureAwait(false);
    }

    /// <inheritdoc/>
    public Task<PayerRuleChange> RevokePayerRuleAsync(long ruleId, string actor, string? reason, CancellationToken cancellationToken = default) =>
        ChangeStateAsync(ruleId, actor, reason, PayerRuleState.Revoked, cancellationToken);

    /// <inheritdoc/>
    public Task<PayerRuleChange> ReinstatePayerRuleAsync(long ruleId, string actor, string? reason, CancellationToken cancellationToken = default) =>
        ChangeStateAsync(ruleId, actor, reason, PayerRuleState.Active, cancellationToken);

    private async Task<PayerRuleChange> ChangeStateAsync(long ruleId, string actor, string? reason, PayerRuleState to, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(actor);
        await using var connection = await OpenAsync(cancellationToken).ConfigureAwait(false);
        await using var transaction = await BeginWriteAsync(connection, cancellationToken).ConfigureAwait(false);
        var rule = await GetRuleAsync(connection, transaction, ruleId, cancellationToken).ConfigureAwait(false);
        string? refused = rule switch
        {
            null => null,
            _ when rule.State == to => $"Payer rule {ruleId} is already {StateCode(to)}.",
            { Shared: true } when to == PayerRuleState.Active => $"Payer rule {ruleId}: the {PayerRule.KindWord(rule.Kind)} {rule.Key} was seen paying for unrelated customers (shared); it is never made active.",
            _ => null,
        };
        if (rule is null || refused is not null)
        {
            await transaction.RollbackAsync(cancellationToken).ConfigureAwait(false);
            return rule is null
                ? new PayerRuleChange(PayerRuleChangeStatus.NotFound, null, $"There is no payer rule {ruleId}.")
                : new PayerRuleChange(PayerRuleChangeStatus.Refused, rule, refused!);
        }

        var changed = rule with { State = to, UpdatedAt = Now() };
        await UpdateRuleAsync(connection, transaction, changed, cancellationToken).ConfigureAwait(false);
        var action = to == PayerRuleState.Revoked ? "revoked" : "reinstated";
        await RuleEventAsync(connection, transaction, ruleId, actor, action, null, reason, cancellationToken).ConfigureAwait(false);
        await AuditAsync(connection, transaction, actor, "payer_rule." + (to == PayerRuleState.Revoked ? "revoke" : "reinstate"), $"payer_rule/{ruleId}", StateCode(rule.State), StateCode(to), reason, cancellationToken).ConfigureAwait(false);
        await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
        return new PayerRuleChange(PayerRuleChangeStatus.Changed, changed, $"Payer rule {ruleId} {action}.");
    }

    /// <inheritdoc/>
    public async Task<PayerRuleLearning> LearnFromResolutionAsync(long exceptionId, bool remember, MatchPolicy policy, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(policy);
        await using var connection = await OpenAsync(cancellationToken).ConfigureAwait(false);
        await using var transaction = await BeginWriteAsync(connection, cancellationToken).ConfigureAwait(false);
        var learning = await LearnAsync(connection, transaction, exceptionId, new ResolutionLearning(remember, policy), cancellationToken).ConfigureAwait(false);
        await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
        return learning;
    }

    /// <inheritdoc/>
    public async Task<IReadOnlyList<PayerRuleEvent>> ListPayerRuleEventsAsync(long ruleId, CancellationToken cancellationToken = default)
    {
        await using var connection = await OpenAsync(cancellationToken).ConfigureAwait(false);
        await using var command = Command(connection, null, RuleSql.SelectEvents);
        Set(command, "@rule_id", ruleId);
        return await ReadAllAsync(command, r => new PayerRuleEvent(r.GetInt64(0), r.GetInt64(1), ReadTime(r, 2), r.GetString(3), r.GetString(4), r.IsDBNull(5) ? null : r.GetInt64(5), StringOrNull(r, 6)), cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// Learns from a resolved exception inside the caller's transaction (the resolution's own, so that a failure
    /// here rolls back the resolution too). Writes nothing when there is nothing to learn; never commits.
    /// </summary>
    private async Task<PayerRuleLearning> LearnAsync(DbConnection connection, DbTransaction transaction, long exceptionId, ResolutionLearning learn, CancellationToken cancellationToken)
    {
        var (remember, policy) = (learn.Remember, learn.Policy);
        var sql = RuleSql;
        var now = Now();
        string status, resolution, resolvedBy;
        DateTimeOffset resolvedAt;
        var raw = new Dictionary<PayerRuleKind, string?>();
        await using (var command = Command(connection, transaction, sql.SelectResolution))
        {
            Set(command, "@id", exceptionId);
            await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
            if (!await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
            {
                return Nothing($"There is no exception {exceptionId}.");
            }

            status = reader.GetString(0);
            resolution = StringOrNull(reader, 1) ?? string.Empty;
            resolvedBy = StringOrNull(reader, 2) ?? string.Empty;
            resolvedAt = TimeOrNull(reader, 3) ?? now;
            raw[PayerRuleKind.Account] = StringOrNull(reader, 4);
            raw[PayerRuleKind.Name] = StringOrNull(reader, 5);
            raw[PayerRuleKind.PayerId] = StringOrNull(reader, 6);
        }

        // A decision that applied items and left the rest on account, wrote it off or refunded it still named the payer.
        if (status != StoreCodes.Of(ExceptionStatus.Resolved) || resolution == StoreCodes.Of(ResolutionKind.NotACustomerPayment))
        {
            return Nothing($"Exception {exceptionId} was not resolved by applying it to items: nothing to learn.");
        }

        List<string> customers;
        await using (var command = Command(connection, transaction, sql.SelectResolutionCustomers))
        {
            Set(command, "@exception_id", exceptionId);
            customers = await ReadAllAsync(command, r => r.GetString(0), cancellationToken).ConfigureAwait(false);
        }

        // The customer paid: one, or one family (then its top, who pays for the others).
        var roots = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var customer in customers)
        {
            roots[customer] = await RootOfAsync(connection, transaction, customer, cancellationToken).ConfigureAwait(false);
        }

        var families = roots.Values.Distinct(StringComparer.Ordinal).ToList();
        if (families.Count != 1)
        {
            return Nothing(families.Count == 0
                ? $"Exception {exceptionId}: no item applied, nothing to learn."
                : $"Exception {exceptionId} was applied to unrelated customers ({string.Join(", ", customers.Order(StringComparer.Ordinal))}): the payer is ambiguous, nothing learnt.");
        }

        var paid = customers.Count == 1 ? customers[0] : families[0];
        var family = families[0];
        var learned = new List<PayerRule>();
        var revoked = new List<PayerRule>();
        var raised = 0;
        var notes = new List<string>();
        foreach (var kind in new[] { PayerRuleKind.Account, PayerRuleKind.PayerId, PayerRuleKind.Name })
        {
            if (PayerRule.KeyOf(kind, raw[kind]) is not { } key)
            {
                continue;
            }

            List<PayerRule> existing;
            await using (var command = Command(connection, transaction, sql.SelectRulesByKey))
            {
                Set(command, "@kind", PayerRule.KindWord(kind));
                Set(command, "@rule_key", key);
                existing = await ReadAllAsync(command, ReadRule, cancellationToken).ConfigureAwait(false);
            }

            var unrelated = new List<PayerRule>();
            foreach (var rule in existing)
            {
                if (rule.CustomerId != paid && await RootOfAsync(connection, transaction, rule.CustomerId, cancellationToken).ConfigureAwait(false) != family)
                {
                    unrelated.Add(rule);
                }
            }

            // A key that already paid for an unrelated customer (a payment service's account or name, a factor's)
            // is shared from the start, whether or not a rule was ever made for it.
            var seenUnrelated = new List<string>();
            {
                List<string> paidFor;
                await using (var command = Command(connection, transaction, kind switch { PayerRuleKind.Account => sql.SelectAccountCustomers, PayerRuleKind.Name => sql.SelectNameCustomers, _ => sql.SelectPayerIdCustomers }))
                {
                    Set(command, "@raw", raw[kind]);
                    paidFor = await ReadAllAsync(command, r => r.GetString(0), cancellationToken).ConfigureAwait(false);
                }

                foreach (var customer in paidFor.Where(c => c != paid && !existing.Any(r => r.CustomerId == c)))
                {
                    if (await RootOfAsync(connection, transaction, customer, cancellationToken).ConfigureAwait(false) != family)
                    {
                        seenUnrelated.Add(customer);
                    }
                }
            }

            var shared = unrelated.Count > 0 || seenUnrelated.Count > 0 || existing.Any(r => r.Shared);
            var reason = string.Create(CultureInfo.InvariantCulture, $"the resolution of EXC-{exceptionId} by {resolvedBy} paid {paid} from this {PayerRule.KindWord(kind)}");
            foreach (var rule in unrelated)
            {
                // A later resolution disagrees: the key pays for unrelated customers, so it is shared and never proves who pays.
                var changed = rule with
                {
                    Disagreed = rule.Disagreed + 1,
                    Shared = true,
                    State = rule.State == PayerRuleState.Active ? PayerRuleState.Revoked : rule.State,
                    UpdatedAt = now,
                };
                await UpdateRuleAsync(connection, transaction, changed, cancellationToken).ConfigureAwait(false);
                await RuleEventAsync(connection, transaction, rule.RuleId, resolvedBy, "disagreed", exceptionId, reason, cancellationToken).ConfigureAwait(false);
                if (rule.State == PayerRuleState.Active)
                {
                    await RuleEventAsync(connection, transaction, rule.RuleId, resolvedBy, "revoked", exceptionId, "shared: " + reason, cancellationToken).ConfigureAwait(false);
                    raised += await RaiseFiringsAsync(connection, transaction, changed, exceptionId, resolvedBy, now, cancellationToken).ConfigureAwait(false);
                    revoked.Add(changed);
                }
            }

            if (shared)
            {
                notes.Add(seenUnrelated.Count > 0
                    ? $"{PayerRule.KindWord(kind)} {key} is shared (it also paid for {string.Join(", ", seenUnrelated)}): not learnt"
                    : $"{PayerRule.KindWord(kind)} {key} is shared (it paid for unrelated customers): not learnt");
            }

            // Rules of the same family for this key agree; every one of them becomes shared when the key does.
            var mine = existing.FirstOrDefault(r => r.CustomerId == paid);
            foreach (var rule in existing.Where(r => !unrelated.Contains(r) && r != mine && shared && !r.Shared))
            {
                await UpdateRuleAsync(connection, transaction, rule with { Shared = true, State = rule.State == PayerRuleState.Active ? PayerRuleState.Revoked : rule.State, UpdatedAt = now }, cancellationToken).ConfigureAwait(false);
                await RuleEventAsync(connection, transaction, rule.RuleId, resolvedBy, "shared", exceptionId, reason, cancellationToken).ConfigureAwait(false);
            }

            if (!remember)
            {
                continue;
            }

            var needed = kind == PayerRuleKind.Name ? policy.NameRuleAgreements : policy.AccountRuleAgreements;
            if (mine is null)
            {
                var state = !shared && remember && needed <= 1 ? PayerRuleState.Active : PayerRuleState.Suggested;
                var rule = new PayerRule
                {
                    RuleId = 0, Kind = kind, Key = key, CustomerId = paid, State = state, Shared = shared, Agreed = 1, Disagreed = 0,
                    ExceptionId = exceptionId, ResolvedBy = resolvedBy, ResolvedAt = resolvedAt, UpdatedAt = now,
                };
                await using var insert = Command(connection, transaction, sql.InsertRule);
                Set(insert, "@kind", PayerRule.KindWord(kind));
                Set(insert, "@rule_key", key);
                Set(insert, "@customer_id", paid);
                Set(insert, "@state", StateCode(state));
                Set(insert, "@shared", shared);
                Set(insert, "@agreed", 1);
                Set(insert, "@disagreed", 0);
                Set(insert, "@exception_id", exceptionId);
                Set(insert, "@resolved_by", resolvedBy);
                SetTime(insert, "@resolved_at", resolvedAt);
                SetTime(insert, "@updated_at", now);
                rule = rule with { RuleId = await InsertReturningIdAsync(insert, cancellationToken).ConfigureAwait(false) };
                await RuleEventAsync(connection, transaction, rule.RuleId, resolvedBy, shared ? "shared" : state == PayerRuleState.Active ? "learned_active" : "learned", exceptionId, reason, cancellationToken).ConfigureAwait(false);
                learned.Add(rule);
            }
            else if (remember)
            {
                // Another resolution agrees; a suggested rule becomes active once enough have.
                var agreed = mine.Agreed + 1;
                var activate = mine.State == PayerRuleState.Suggested && !shared && agreed >= needed;
                var changed = mine with { Agreed = agreed, Shared = shared, State = activate ? PayerRuleState.Active : mine.State, UpdatedAt = now };
                await UpdateRuleAsync(connection, transaction, changed, cancellationToken).ConfigureAwait(false);
                await RuleEventAsync(connection, transaction, mine.RuleId, resolvedBy, activate ? "agreed_active" : "agreed", exceptionId, reason, cancellationToken).ConfigureAwait(false);
                learned.Add(changed);
            }
        }

        var message = string.Create(CultureInfo.InvariantCulture, $"Exception {exceptionId}: {learned.Count(r => r.State == PayerRuleState.Active)} active and {learned.Count(r => r.State == PayerRuleState.Suggested)} suggested payer rules for {paid}; {revoked.Count} revoked, {raised} payments raised for review.");
        return new PayerRuleLearning(learned, revoked, raised, notes.Count == 0 ? message : message + " " + string.Join("; ", notes) + ".");

        PayerRuleLearning Nothing(string why) => new([], [], 0, why);
    }

    /// <inheritdoc/>
    public async Task<int> RecordPayerRuleFiringsAsync(long bankFileId, CancellationToken cancellationToken = default)
    {
        var sql = RuleSql;
        var now = Now();
        await using var connection = await OpenAsync(cancellationToken).ConfigureAwait(false);
        await using var transaction = await BeginWriteAsync(connection, cancellationToken).ConfigureAwait(false);
        List<(long PaymentId, string Explanation)> applications;
        await using (var command = Command(connection, transaction, sql.SelectRuleApplicationsOfFile))
        {
            Set(command, "@bank_file_id", bankFileId);
            applications = await ReadAllAsync(command, r => (r.GetInt64(0), r.GetString(1)), cancellationToken).ConfigureAwait(false);
        }

        var fired = 0;
        await using var insert = Command(connection, transaction, sql.InsertFiring);
        await using var update = Command(connection, transaction, sql.UpdateRuleFired);
        SetTime(insert, "@fired_at", now);
        SetTime(update, "@fired_at", now);
        foreach (var (paymentId, ruleId) in applications.SelectMany(a => PayerRule.FiredIn(a.Explanation).Select(r => (a.PaymentId, r))).Distinct())
        {
            Set(insert, "@rule_id", ruleId);
            Set(insert, "@payment_id", paymentId);
            if (await insert.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false) == 1)
            {
                Set(update, "@id", ruleId);
                await update.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
                fired++;
            }
        }

        await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
        return fired;
    }

    /// <summary>Raises every payment the rule decided, and not yet raised, as an open exception for review (nothing unapplied: the cash stays applied until a specialist decides).</summary>
    private async Task<int> RaiseFiringsAsync(DbConnection connection, DbTransaction transaction, PayerRule rule, long exceptionId, string actor, DateTimeOffset now, CancellationToken cancellationToken)
    {
        List<(long PaymentId, string PaymentRef, string Currency)> firings;
        await using (var command = Command(connection, transaction, RuleSql.SelectFiringsToRaise))
        {
            Set(command, "@rule_id", rule.RuleId);
            firings = await ReadAllAsync(command, r => (r.GetInt64(0), r.GetString(1), r.GetString(2)), cancellationToken).ConfigureAwait(false);
        }

        await using var insert = Command(connection, transaction, Sql.InsertException);
        await using var mark = Command(connection, transaction, RuleSql.MarkFiringRaised);
        foreach (var (paymentId, paymentRef, currency) in firings)
        {
            Set(insert, "@payment_id", paymentId);
            Set(insert, "@currency", currency);
            Set(insert, "@unapplied_minor", 0L);
            Set(insert, "@reason", LedgerCodes.Of(ExceptionReason.Conflict));
            Set(insert, "@detail", string.Create(CultureInfo.InvariantCulture, $"review: {paymentRef} was applied with its payer identified by learned {PayerRule.KindWord(rule.Kind)} {rule.Key} {PayerRule.Marker(rule.RuleId)}, which the resolution of EXC-{exceptionId} by {actor} revoked (the {PayerRule.KindWord(rule.Kind)} pays for unrelated customers)"));
            Set(insert, "@suggestions", "[]");
            Set(insert, "@status", StoreCodes.Of(ExceptionStatus.Open));
            SetTime(insert, "@created_at", now);
            await insert.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
            Set(mark, "@rule_id", rule.RuleId);
            Set(mark, "@payment_id", paymentId);
            await mark.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        }

        return firings.Count;
    }

    /// <summary>The top of a customer's family, following parents (at most 32 up, stopping at an unknown parent or a cycle).</summary>
    private async Task<string> RootOfAsync(DbConnection connection, DbTransaction transaction, string customerId, CancellationToken cancellationToken)
    {
        var at = customerId;
        var seen = new HashSet<string>(StringComparer.Ordinal) { at };
        await using var command = Command(connection, transaction, RuleSql.SelectParent);
        for (var depth = 0; depth < 32; depth++)
        {
            Set(command, "@customer_id", at);
            var parent = await command.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false) as string;
            if (string.IsNullOrEmpty(parent) || !seen.Add(parent))
            {
                break;
            }

            at = parent;
        }

        return at;
    }

    private async Task<PayerRule?> GetRuleAsync(DbConnection connection, DbTransaction? transaction, long ruleId, CancellationToken cancellationToken)
    {
        await using var command = Command(connection, transaction, RuleSql.SelectRuleById);
        Set(command, "@id", ruleId);
        var rules = await ReadAllAsync(command, ReadRule, cancellationToken).ConfigureAwait(false);
        return rules.Count == 0 ? null : rules[0];
    }

    private async Task UpdateRuleAsync(DbConnection connection, DbTransaction transaction, PayerRule rule, CancellationToken cancellationToken)
    {
        await using var command = Command(connection, transaction, RuleSql.UpdateRule);
        Set(command, "@id", rule.RuleId);
        Set(command, "@state", StateCode(rule.State));
        Set(command, "@shared", rule.Shared);
        Set(command, "@agreed", rule.Agreed);
        Set(command, "@disagreed", rule.Disagreed);
        SetTime(command, "@updated_at", rule.UpdatedAt);
        await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
    }

    private async Task RuleEventAsync(DbConnection connection, DbTransaction transaction, long ruleId, string actor, string action, long? exceptionId, string? reason, CancellationToken cancellationToken)
    {
        await using var command = Command(connection, transaction, RuleSql.InsertEvent);
        Set(command, "@rule_id", ruleId);
        SetTime(command, "@at", Now());
        Set(command, "@actor", actor);
        Set(command, "@event", action);
        Set(command, "@exception_id", exceptionId);
        Set(command, "@reason", reason);
        await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
    }

    private PayerRule ReadRule(DbDataReader r) => new()
    {
        RuleId = r.GetInt64(0),
        Kind = r.GetString(1) switch { "account" => PayerRuleKind.Account, "name" => PayerRuleKind.Name, _ => PayerRuleKind.PayerId },
        Key = r.GetString(2),
        CustomerId = r.GetString(3),
        State = r.GetString(4) switch { "active" => PayerRuleState.Active, "revoked" => PayerRuleState.Revoked, _ => PayerRuleState.Suggested },
        Shared = r.GetBoolean(5),
        Agreed = r.GetInt32(6),
        Disagreed = r.GetInt32(7),
        ExceptionId = r.GetInt64(8),
        ResolvedBy = r.GetString(9),
        ResolvedAt = ReadTime(r, 10),
        LastFiredAt = TimeOrNull(r, 11),
        FiredCount = r.GetInt64(12),
        UpdatedAt = ReadTime(r, 13),
    };

    private static string StateCode(PayerRuleState state) => state switch
    {
        PayerRuleState.Active => "active",
        PayerRuleState.Revoked => "revoked",
        _ => "suggested",
    };
}

/// <summary>Reading every rule matching needs.</summary>
public static class PayerRuleStoreExtensions
{
    /// <summary>Every active rule, in id order: what matching uses.</summary>
    public static async Task<IReadOnlyList<PayerRule>> ListActivePayerRulesAsync(this IPayerRuleStore store, CancellationToken cancellationToken = default) =>
        await store.ListAllPayerRulesAsync(PayerRuleState.Active, cancellationToken).ConfigureAwait(false);

    /// <summary>Every rule (of a state, when given), in id order, page by page.</summary>
    public static async Task<IReadOnlyList<PayerRule>> ListAllPayerRulesAsync(this IPayerRuleStore store, PayerRuleState? state = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(store);
        var rules = new List<PayerRule>();
        long? after = null;
        do
        {
            var page = await store.ListPayerRulesAsync(new PayerRuleQuery { State = state, AfterId = after, Take = 10_000 }, cancellationToken).ConfigureAwait(false);
            rules.AddRange(page.Items);
            after = page.NextAfterId;
        }
        while (after is not null);

        return rules;
    }
}
