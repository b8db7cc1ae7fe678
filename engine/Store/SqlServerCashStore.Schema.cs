using Microsoft.Data.SqlClient;

namespace CashApp.Store;

/// <content>Migrations under an application lock, so instances starting together migrate once.</content>
public sealed partial class SqlServerCashStore
{
    private protected override async Task<int> RunMigrationsAsync(CancellationToken cancellationToken)
    {
        await using var connection = await OpenAsync(cancellationToken).ConfigureAwait(false);
        await EnableSnapshotIsolationAsync(connection, cancellationToken).ConfigureAwait(false);
        await using var transaction = await BeginWriteAsync(connection, cancellationToken).ConfigureAwait(false);
        await using (var command = Command(connection, transaction, SqlServerStatements.AcquireMigrationLock))
        {
            await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        }

        return await ApplyMigrationsAsync(connection, transaction, cancellationToken).ConfigureAwait(false);
    }

    private async Task EnableSnapshotIsolationAsync(System.Data.Common.DbConnection connection, CancellationToken cancellationToken)
    {
        await using (var check = Command(connection, null, SqlServerStatements.SelectSnapshotIsolation))
        {
            if (Convert.ToInt32(await check.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false), System.Globalization.CultureInfo.InvariantCulture) == 1)
            {
                _snapshotIsolation = true;
                return;
            }
        }

        try
        {
            await using var enable = Command(connection, null, SqlServerStatements.EnableSnapshotIsolation);
            await enable.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
            _snapshotIsolation = true;
        }
        catch (SqlException)
        {
            // No ALTER permission: snapshots fall back to repeatable read, which is consistent but takes share locks.
            _snapshotIsolation = false;
        }
    }
}
