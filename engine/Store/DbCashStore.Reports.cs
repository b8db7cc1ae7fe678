using CashApp.Engine.Model;

namespace CashApp.Store;

/// <content>The audit trail and the reports summary.</content>
public abstract partial class DbCashStore
{
    /// <inheritdoc/>
    public async Task<IReadOnlyList<AuditEntry>> ListAuditAsync(AuditQuery query, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(query);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(query.Take);
        await using var connection = await OpenAsync(cancellationToken).ConfigureAwait(false);
        await using var command = Command(connection, null, Sql.SelectAudit);
        Set(command, "@subject", query.Subject);
        SetTime(command, "@since", query.Since);
        Set(command, "@after_id", query.AfterId);
        Set(command, "@take", query.Take);
        return await ReadAllAsync(command, ReadAudit, cancellationToken).ConfigureAwait(false);
    }

    /// <inheritdoc/>
    public async Task<LedgerSummary> GetSummaryAsync(CancellationToken cancellationToken = default)
    {
        var now = Now();
        await using var connection = await OpenAsync(cancellationToken).ConfigureAwait(false);
        await using var transaction = await BeginSnapshotAsync(connection, cancellationToken).ConfigureAwait(false);
        int files, payments, fully, open;
        await using (var command = Command(connection, transaction, Sql.SummaryCounts))
        await using (var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false))
        {
            await reader.ReadAsync(cancellationToken).ConfigureAwait(false);
            (files, payments, fully, open) = (reader.GetInt32(0), reader.GetInt32(1), reader.GetInt32(2), reader.GetInt32(3));
        }

        var byMethod = new List<MethodFigure>();
        await using (var command = Command(connection, transaction, Sql.SummaryByMethod))
        await using (var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false))
        {
            while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
            {
                var paid = reader.GetInt32(1);
                byMethod.Add(new MethodFigure(LedgerCodes.ParseMethod(reader.GetString(0)), paid, reader.GetInt32(2), payments == 0 ? 0 : (double)paid / payments));
            }
        }

        byMethod.Sort((a, b) => a.Method.CompareTo(b.Method));
        var unapplied = new List<UnappliedFigure>();
        await using (var command = Command(connection, transaction, Sql.SummaryUnapplied))
        {
            // Ages in whole days: 0-7, 8-30, 31-90 and over 90 days since the exception was raised.
            SetTime(command, "@age8", now - TimeSpan.FromDays(8));
            SetTime(command, "@age31", now - TimeSpan.FromDays(31));
            SetTime(command, "@age91", now - TimeSpan.FromDays(91));
            await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
            while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
            {
                Int128 Bucket(int ordinal) => ((Int128)reader.GetInt64(ordinal) * 1_000_000_000) + reader.GetInt64(ordinal + 1);
                unapplied.Add(new UnappliedFigure(reader.GetString(0), Bucket(1), Bucket(3), Bucket(5), Bucket(7), reader.GetInt32(9)));
            }
        }

        await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
        return new LedgerSummary(now, files, payments, fully, open, byMethod, unapplied);
    }

}
