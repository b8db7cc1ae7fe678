using System.Data.Common;
using System.Globalization;

namespace CashApp.Store;

/// <summary>
/// What changed in the store since a version: the open items, customers and payer rules any writer changed (this
/// process or another on the same database), each recorded with a monotonically increasing version in the
/// transaction of its change. A reader that keeps the <see cref="StoreChanges.Through"/> of its last answer and asks
/// again from it sees every change once it is committed, and never skips one committed later with a smaller
/// version (the horizon stops below any transaction still open).
/// </summary>
public interface IChangeFeed
{
    /// <summary>The version up to which every change is committed: what a full read begun after this call holds at least.</summary>
    Task<long> GetChangeVersionAsync(CancellationToken cancellationToken = default);

    /// <summary>
    /// The changes after <paramref name="afterVersion"/> up to the current horizon, each key once; or null when the
    /// log cannot answer: it was pruned past <paramref name="afterVersion"/>, or more than <paramref name="take"/> keys
    /// changed (a full read is cheaper then).
    /// </summary>
    Task<StoreChanges?> ListChangesAsync(long afterVersion, int take, CancellationToken cancellationToken = default);

    /// <summary>Deletes all but the <paramref name="keep"/> newest rows of the log; a reader older than what it deleted reads in full. Returns the rows deleted.</summary>
    Task<long> PruneChangesAsync(int keep, CancellationToken cancellationToken = default);
}

/// <summary>What a change log row is about.</summary>
public enum StoreChangeKind
{
    /// <summary>An open item (its key is the item id).</summary>
    Item,

    /// <summary>A customer (its key is the customer id).</summary>
    Customer,

    /// <summary>A payer rule (its key is the rule id).</summary>
    PayerRule,
}

/// <summary>One key's latest change, and its version.</summary>
public readonly record struct StoreChange(long Version, StoreChangeKind Kind, string Key);

/// <summary>The keys changed after a version, up to <see cref="Through"/>, each once at its latest change, in version order.</summary>
public sealed record StoreChanges(long Through, IReadOnlyList<StoreChange> Changes)
{
    /// <summary>True when nothing changed.</summary>
    public bool IsEmpty => Changes.Count == 0;

    /// <summary>The changed open items' ids.</summary>
    public IReadOnlyList<string> ItemIds => Keys(StoreChangeKind.Item);

    /// <summary>The changed customers' ids.</summary>
    public IReadOnlyList<string> CustomerIds => Keys(StoreChangeKind.Customer);

    /// <summary>The changed payer rules' ids.</summary>
    public IReadOnlyList<string> PayerRuleIds => Keys(StoreChangeKind.PayerRule);

    private List<string> Keys(StoreChangeKind kind) => [.. Changes.Where(c => c.Kind == kind).Select(c => c.Key)];
}

/// <content>The change log (see <see cref="IChangeFeed"/> and <see cref="Store.ChangeSql"/>).</content>
public abstract partial class DbCashStore : IChangeFeed
{
    /// <summary>
    /// Rows deleted per transaction when the log is pruned: the write lock is held for one batch. Below SQL Server's
    /// lock escalation threshold (5,000 locks), so a prune never takes the whole table from the writers.
    /// </summary>
    internal const int PruneBatch = 4_000;

    private ChangeSql ChangeSql => this is SqlServerCashStore ? ChangeSql.SqlServer : ChangeSql.Sqlite;

    /// <summary>Creates the change log and its triggers when missing: idempotent, so it runs after every migration (and after the payer rule tables it watches).</summary>
    private async Task EnsureChangeSchemaAsync(CancellationToken cancellationToken)
    {
        await using var connection = await OpenAsync(cancellationToken).ConfigureAwait(false);
        await using var transaction = await BeginWriteAsync(connection, cancellationToken).ConfigureAwait(false);
        foreach (var statement in ChangeSql.Schema)
        {
            await using var command = Command(connection, transaction, statement);
            await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        }

        await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
    }

    /// <inheritdoc/>
    public async Task<long> GetChangeVersionAsync(CancellationToken cancellationToken = default)
    {
        await using var connection = await OpenAsync(cancellationToken).ConfigureAwait(false);
        return await HorizonAsync(connection, cancellationToken).ConfigureAwait(false);
    }

    /// <inheritdoc/>
    public async Task<StoreChanges?> ListChangesAsync(long afterVersion, int take, CancellationToken cancellationToken = default)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(afterVersion);
        ArgumentOutOfRangeException.ThrowIfLessThan(take, 1);
        await using var connection = await OpenAsync(cancellationToken).ConfigureAwait(false);

        // The horizon first, outside the transaction: every version up to it was committed before the transaction
        // begins, so its snapshot holds them all (on SQL Server, a snapshot begun earlier might not).
        var through = await HorizonAsync(connection, cancellationToken).ConfigureAwait(false);
        if (through <= afterVersion)
        {
            // Nothing committed since (the horizon never goes back, and the log is never pruned above it).
            return new StoreChanges(afterVersion, []);
        }

        await using var transaction = await BeginSnapshotAsync(connection, cancellationToken).ConfigureAwait(false);
        var changes = new List<StoreChange>();
        await using (var command = Command(connection, transaction, ChangeSql.SelectChanges))
        {
            Set(command, "@after_version", afterVersion);
            Set(command, "@through_version", through);
            Set(command, "@take", take + 1);
            await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
            while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
            {
                var kind = reader.GetString(1) switch
                {
                    ChangeSql.ItemKind => StoreChangeKind.Item,
                    ChangeSql.CustomerKind => StoreChangeKind.Customer,
                    ChangeSql.RuleKind => StoreChangeKind.PayerRule,
                    var other => throw new InvalidOperationException($"change_log: unknown kind '{other}' at version {reader.GetInt64(0)}; expected item, customer or rule."),
                };
                changes.Add(new StoreChange(reader.GetInt64(0), kind, reader.GetString(2)));
            }
        }

        // Read after the rows, in the same snapshot: a prune that deleted rows this read needed has moved the mark.
        var pruned = await PrunedThroughAsync(connection, transaction, cancellationToken).ConfigureAwait(false);
        await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
        return changes.Count > take || pruned > afterVersion ? null : new StoreChanges(through, changes);
    }

    /// <inheritdoc/>
    public async Task<long> PruneChangesAsync(int keep, CancellationToken cancellationToken = default)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(keep);
        await using (var connection = await OpenAsync(cancellationToken).ConfigureAwait(false))
        await using (var select = Command(connection, null, ChangeSql.SelectPruneMark))
        {
            // Most prunes find nothing to do: they ask without taking the write lock.
            Set(select, "@keep", keep);
            if (await select.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false) is null or DBNull)
            {
                return 0;
            }
        }

        long deleted = 0;
        while (true)
        {
            await using var connection = await OpenAsync(cancellationToken).ConfigureAwait(false);
            await using var transaction = await BeginWriteAsync(connection, cancellationToken).ConfigureAwait(false);
            long mark;
            await using (var select = Command(connection, transaction, ChangeSql.SelectPruneMark))
            {
                Set(select, "@keep", keep);
                if (await select.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false) is not { } value || value is DBNull)
                {
                    return deleted;
                }

                mark = Convert.ToInt64(value, CultureInfo.InvariantCulture);
            }

            // The mark moves first, in the same transaction: a reader that sees the rows gone sees the mark too.
            await using (var update = Command(connection, transaction, ChangeSql.UpdatePrunedThrough))
            {
                Set(update, "@mark", mark);
                await update.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
            }

            int batch;
            await using (var delete = Command(connection, transaction, ChangeSql.DeletePruned))
            {
                Set(delete, "@mark", mark);
                Set(delete, "@take", PruneBatch);
                batch = await delete.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
            }

            await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
            deleted += batch;
            if (batch < PruneBatch)
            {
                return deleted;
            }
        }
    }

    private async Task<long> HorizonAsync(DbConnection connection, CancellationToken cancellationToken)
    {
        await using var command = Command(connection, null, ChangeSql.SelectHorizon);
        return Convert.ToInt64(await command.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false), CultureInfo.InvariantCulture);
    }

    private async Task<long> PrunedThroughAsync(DbConnection connection, DbTransaction? transaction, CancellationToken cancellationToken)
    {
        await using var command = Command(connection, transaction, ChangeSql.SelectPrunedThrough);
        return Convert.ToInt64(await command.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false), CultureInfo.InvariantCulture);
    }
}
