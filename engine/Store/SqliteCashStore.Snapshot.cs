using System.Text;
using CashApp.Engine.Model;
using CashApp.Parsers.Currency;
using Microsoft.Data.Sqlite;
using SQLitePCL;

namespace CashApp.Store;

/// <content>
/// The matching snapshot read straight from SQLite's UTF-8 columns: no boxing, one string per distinct customer,
/// and a large ledger read in two halves on two connections that see the same committed state.
/// </content>
public sealed partial class SqliteCashStore
{
    /// <summary>
    /// Below this span of item rowids the snapshot is read on one connection; at or above it, in two halves in
    /// parallel (each half costs a connection and a thread; on a 5 million item ledger they halve the time).
    /// </summary>
    internal long ParallelReadRowids { get; init; } = 200_000;

    /// <inheritdoc/>
    /// <remarks>
    /// The items come in rowid order, as the portable form's table scan returns them. A parallel read holds
    /// the write lock for as long as it takes both connections to start reading (milliseconds), never for
    /// the read itself; it waits, like any writer, for a write in progress.
    /// </remarks>
    public override async Task<LedgerSnapshot> LoadSnapshotAsync(CancellationToken cancellationToken = default)
    {
        await using var first = (SqliteConnection)await OpenAsync(cancellationToken).ConfigureAwait(false);

        // Read outside a transaction: it only decides whether splitting pays.
        var (low, high) = RowidSpan(first, null);
        if (high - low < ParallelReadRowids)
        {
            await using var transaction = first.BeginTransaction(deferred: true);
            var takenAt = Now();
            var items = ReadOpenItems(first, long.MinValue, long.MaxValue, cancellationToken);
            var customers = await ReadCustomersAsync(first, transaction, cancellationToken).ConfigureAwait(false);
            await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
            return new LedgerSnapshot(items, customers, takenAt);
        }

        await using var second = (SqliteConnection)await OpenAsync(cancellationToken).ConfigureAwait(false);
        (var firstTransaction, var secondTransaction, low, high) = await BeginSameSnapshotAsync(first, second, cancellationToken).ConfigureAwait(false);
        await using (firstTransaction.ConfigureAwait(false))
        await using (secondTransaction.ConfigureAwait(false))
        {
            var takenAt = Now();
            var middle = low + ((high - low) / 2);
            var secondHalf = Task.Run(() => ReadOpenItems(second, middle + 1, high, cancellationToken), cancellationToken);
            List<OpenItem> firstHalf;
            List<Customer> customers;
            try
            {
                firstHalf = ReadOpenItems(first, low, middle, cancellationToken);
                customers = await ReadCustomersAsync(first, firstTransaction, cancellationToken).ConfigureAwait(false);
            }
            finally
            {
                // The second connection is disposed only once its reader is done with it.
                await ((Task)secondHalf).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
            }

            var rest = await secondHalf.ConfigureAwait(false);
            var items = new List<OpenItem>(firstHalf.Count + rest.Count);
            items.AddRange(firstHalf);
            items.AddRange(rest);
            await firstTransaction.CommitAsync(cancellationToken).ConfigureAwait(false);
            await secondTransaction.CommitAsync(cancellationToken).ConfigureAwait(false);
            return new LedgerSnapshot(items, customers, takenAt);
        }
    }

    /// <summary>The portable read of <see cref="DbCashStore"/>: what the tests compare this dialect's reads with.</summary>
    internal Task<LedgerSnapshot> LoadSnapshotPortableAsync(CancellationToken cancellationToken = default) => base.LoadSnapshotAsync(cancellationToken);

    /// <summary>
    /// Begins read transactions on two connections that see the same committed state. In WAL mode a read
    /// transaction sees the last commit before its first read; a third connection holds the write lock while
    /// both take their first read, so no commit can land between them. Returns the rowid span both see.
    /// </summary>
    private async Task<(SqliteTransaction First, SqliteTransaction Second, long Low, long High)> BeginSameSnapshotAsync(SqliteConnection first, SqliteConnection second, CancellationToken cancellationToken)
    {
        await using var fence = (SqliteConnection)await OpenAsync(cancellationToken).ConfigureAwait(false);
        await using var writeLock = fence.BeginTransaction(deferred: false);
        var firstTransaction = first.BeginTransaction(deferred: true);
        SqliteTransaction? secondTransaction = null;
        try
        {
            secondTransaction = second.BeginTransaction(deferred: true);
            var (low, high) = RowidSpan(first, firstTransaction);
            RowidSpan(second, secondTransaction);
            writeLock.Rollback();
            return (firstTransaction, secondTransaction, low, high);
        }
        catch
        {
            secondTransaction?.Dispose();
            firstTransaction.Dispose();
            throw;
        }
    }

    /// <summary>The lowest and highest item rowid, (0, -1) when there is no item; the first read of a deferred transaction starts its snapshot.</summary>
    private static (long Low, long High) RowidSpan(SqliteConnection connection, SqliteTransaction? transaction)
    {
        using var command = connection.CreateCommand();
        command.Transaction = transaction;
        command.CommandText = SqliteStatements.SelectOpenItemRowidSpan;
        using var reader = command.ExecuteReader();
        return reader.Read() && !reader.IsDBNull(0) ? (reader.GetInt64(0), reader.GetInt64(1)) : (0, -1);
    }

    /// <summary>
    /// The open items with a rowid in <paramref name="from"/>..<paramref name="to"/>, read through SQLite's own
    /// statement API: columns by ordinal as UTF-8 spans, strings allocated only for values not seen before,
    /// the document type and dates decoded without a string.
    /// </summary>
    private static List<OpenItem> ReadOpenItems(SqliteConnection connection, long from, long to, CancellationToken cancellationToken)
    {
        var db = connection.Handle!;
        var rc = raw.sqlite3_prepare_v2(db, SqliteStatements.SelectOpenItemsInRowidRange, out var statement);
        SqliteException.ThrowExceptionForRC(rc, db);
        using (statement)
        {
            raw.sqlite3_bind_int64(statement, raw.sqlite3_bind_parameter_index(statement, "@from"), from);
            raw.sqlite3_bind_int64(statement, raw.sqlite3_bind_parameter_index(statement, "@to"), to);
            var items = new List<OpenItem>();
            var customerIds = new SharedStrings();
            var customerNames = new SharedStrings();
            var currencyCodes = new SharedStrings();
            string? currencyCode = null;
            CurrencyCode currency = default;
            while ((rc = raw.sqlite3_step(statement)) == raw.SQLITE_ROW)
            {
                var code = currencyCodes.Get(raw.sqlite3_column_blob(statement, 6));
                if (!ReferenceEquals(code, currencyCode))
                {
                    currency = Currency(code);
                    currencyCode = code;
                }

                items.Add(new OpenItem(
                    Encoding.UTF8.GetString(raw.sqlite3_column_blob(statement, 0)),
                    LedgerCodes.ParseDocType(raw.sqlite3_column_blob(statement, 1)),
                    customerIds.Get(raw.sqlite3_column_blob(statement, 2)),
                    customerNames.Get(raw.sqlite3_column_blob(statement, 3)),
                    Encoding.UTF8.GetString(raw.sqlite3_column_blob(statement, 4)),
                    raw.sqlite3_column_type(statement, 5) == raw.SQLITE_NULL ? null : Encoding.UTF8.GetString(raw.sqlite3_column_blob(statement, 5)),
                    currency,
                    raw.sqlite3_column_int64(statement, 7),
                    DateOf(raw.sqlite3_column_int(statement, 8)),
                    DateOf(raw.sqlite3_column_int(statement, 9))));
                if ((items.Count & 0xFFFF) == 0)
                {
                    cancellationToken.ThrowIfCancellationRequested();
                }
            }

            if (rc != raw.SQLITE_DONE)
            {
                SqliteException.ThrowExceptionForRC(rc, db);
            }

            return items;
        }
    }
}
