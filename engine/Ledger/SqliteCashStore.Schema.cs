using Microsoft.Data.Sqlite;

namespace CashApp.Engine.Ledger;

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
        await using (var create = Command(connection, transaction, Sql.CreateSchemaVersionTable))
        {
            await create.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        }

        int current;
        await using (var select = Command(connection, transaction, Sql.SelectSchemaVersion))
        {
            var value = await select.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false);
            current = value is null or DBNull ? 0 : Convert.ToInt32(value, System.Globalization.CultureInfo.InvariantCulture);
        }

        foreach (var (version, statements) in Sql.Migrations.OrderBy(m => m.Version))
        {
            if (version <= current)
            {
                continue;
            }

            foreach (var statement in statements)
            {
                await using var command = Command(connection, transaction, statement);
                await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
            }

            await using var record = Command(connection, transaction, Sql.InsertSchemaVersion);
            Set(record, "@version", version);
            SetTime(record, "@applied_at", Now());
            await record.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
            current = version;
        }

        await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
        return current;
    }
}
