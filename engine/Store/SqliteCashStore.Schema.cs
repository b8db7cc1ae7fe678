using Microsoft.Data.Sqlite;

namespace CashApp.Store;

/// <content>Migrations: WAL mode, then every version not yet applied, in one write transaction.</content>
public sealed partial class SqliteCashStore
{
    private protected override async Task<int> RunMigrationsAsync(CancellationToken cancellationToken)
    {
        await using var connection = (SqliteConnection)await OpenAsync(cancellationToken).ConfigureAwait(false);
        await using (var wal = connection.CreateCommand())
        {
            // WAL is a property of the file: readers never block the writer, and a killed writer leaves the
            // last committed state.
            wal.CommandText = "PRAGMA journal_mode = WAL";
            await wal.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        }

        await using var transaction = await BeginWriteAsync(connection, cancellationToken).ConfigureAwait(false);
        return await ApplyMigrationsAsync(connection, transaction, cancellationToken).ConfigureAwait(false);
    }
}
