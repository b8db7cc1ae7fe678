using System.Data.Common;
using CashApp.Engine.Model;

namespace CashApp.Store;

/// <content>Customers and open items synced from AR, and the snapshot matching reads.</content>
public abstract partial class DbCashStore
{
    /// <inheritdoc/>
    public async Task<SyncResult> UpsertCustomersAsync(IReadOnlyList<Customer> customers, string actor, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(customers);
        ArgumentException.ThrowIfNullOrEmpty(actor);
        var now = Now();
        int inserted = 0, updated = 0, unchanged = 0;
        var changed = new List<string>();
        await using var connection = await OpenAsync(cancellationToken).ConfigureAwait(false);
        await using var transaction = await BeginWriteAsync(connection, cancellationToken).ConfigureAwait(false);
        await using (var command = Command(connection, transaction, Sql.UpsertCustomer))
        {
            SetTime(command, "@updated_at", now);
            foreach (var customer in customers)
            {
                Set(command, "@customer_id", customer.CustomerId);
                Set(command, "@name", customer.Name);
                Set(command, "@parent_id", string.IsNullOrEmpty(customer.ParentId) ? null : customer.ParentId);
                Set(command, "@aliases", JoinList(customer.Aliases));
                Set(command, "@bank_accounts", JoinList(customer.BankAccounts));
                var version = await command.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false);
                if (Count(version, ref inserted, ref updated, ref unchanged))
                {
                    changed.Add(customer.CustomerId);
                }
            }
        }

        var result = new SyncResult(inserted, updated, unchanged, 0) { Changed = changed };
        await AuditAsync(connection, transaction, actor, "ar.sync_customers", "customers", null, ToJson(result), null, cancellationToken).ConfigureAwait(false);
        await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
        return result;
    }

    /// <inheritdoc/>
    public async Task<SyncResult> UpsertOpenItemsAsync(IReadOnlyList<OpenItem> items, string actor, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(items);
        ArgumentException.ThrowIfNullOrEmpty(actor);
        var now = Now();
        int inserted = 0, updated = 0, unchanged = 0, closed = 0;
        var changed = new List<string>();
        await using var connection = await OpenAsync(cancellationToken).ConfigureAwait(false);
        await using var transaction = await BeginWriteAsync(connection, cancellationToken).ConfigureAwait(false);
        await using (var command = Command(connection, transaction, Sql.UpsertOpenItem))
        {
            SetTime(command, "@updated_at", now);
            foreach (var item in items)
            {
                Set(command, "@item_id", item.ItemId);
                Set(command, "@doc_type", LedgerCodes.Of(item.DocType));
                Set(command, "@customer_id", item.CustomerId);
                Set(command, "@customer_name", item.CustomerName);
                Set(command, "@invoice_number", item.InvoiceNumber);
                Set(command, "@po_number", string.IsNullOrEmpty(item.PoNumber) ? null : item.PoNumber);
                Set(command, "@currency", item.Currency.Code);
                Set(command, "@ar_open_minor", item.OpenMinor);
                SetDate(command, "@doc_date", item.DocDate);
                SetDate(command, "@due_date", item.DueDate);
                await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
                if (!await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
                {
                    unchanged++;
                    continue;
                }

                changed.Add(item.ItemId);
                var version = reader.GetInt64(0);
                if (version == 1)
                {
                    inserted++;
                }
                else
                {
                    updated++;
                }

                if (reader.GetString(1) == "closed")
                {
                    closed++;
                }
            }
        }

        var result = new SyncResult(inserted, updated, unchanged, closed) { Changed = changed };
        await AuditAsync(connection, transaction, actor, "ar.sync_items", "open_items", null, ToJson(result), null, cancellationToken).ConfigureAwait(false);
        await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
        return result;
    }

    /// <inheritdoc/>
    public async Task<SyncResult> CloseOpenItemsAsync(IReadOnlyList<string> itemIds, string actor, string reason, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(itemIds);
        ArgumentException.ThrowIfNullOrEmpty(actor);
        int closed = 0, unchanged = 0;
        var changed = new List<string>();
        await using var connection = await OpenAsync(cancellationToken).ConfigureAwait(false);
        await using var transaction = await BeginWriteAsync(connection, cancellationToken).ConfigureAwait(false);
        await using (var command = Command(connection, transaction, Sql.CloseOpenItem))
        {
            SetTime(command, "@updated_at", Now());
            foreach (var id in itemIds)
            {
                Set(command, "@item_id", id);
                if (await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false) == 1)
                {
                    closed++;
                    changed.Add(id);
                }
                else
                {
                    unchanged++;
                }
            }
        }

        var result = new SyncResult(0, closed, unchanged, closed) { Changed = changed };
        await AuditAsync(connection, transaction, actor, "ar.close_items", "open_items", null, ToJson(new { result, items = itemIds }), reason, cancellationToken).ConfigureAwait(false);
        await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
        return result;
    }

    /// <inheritdoc/>
    /// <remarks>The portable form: one reader over one snapshot transaction. A dialect may read faster.</remarks>
    public virtual async Task<LedgerSnapshot> LoadSnapshotAsync(CancellationToken cancellationToken = default)
    {
        await using var connection = await OpenAsync(cancellationToken).ConfigureAwait(false);
        await using var transaction = await BeginSnapshotAsync(connection, cancellationToken).ConfigureAwait(false);
        var takenAt = Now();
        var items = new List<OpenItem>();
        await using (var command = Command(connection, transaction, Sql.SelectOpenItems))
        await using (var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false))
        {
            // Millions of rows: read synchronously (the providers buffer ahead; SQLite's async read is
            // synchronous anyway), and keep one copy of each customer's strings so the snapshot keeps
            // fewer objects alive.
            var shared = new SharedStrings();
            while (reader.Read())
            {
                items.Add(ReadOpenItem(reader, shared));
                if ((items.Count & 0xFFFF) == 0)
                {
                    cancellationToken.ThrowIfCancellationRequested();
                }
            }
        }

        var customers = await ReadCustomersAsync(connection, transaction, cancellationToken).ConfigureAwait(false);
        await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
        return new LedgerSnapshot(items, customers, takenAt);
    }

    /// <summary>Every customer, read in the caller's transaction.</summary>
    private protected async Task<List<Customer>> ReadCustomersAsync(DbConnection connection, DbTransaction transaction, CancellationToken cancellationToken)
    {
        var customers = new List<Customer>();
        await using var command = Command(connection, transaction, Sql.SelectCustomers);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            customers.Add(ReadCustomer(reader));
        }

        return customers;
    }

    /// <inheritdoc/>
    public async Task<StoredOpenItem?> GetOpenItemAsync(string itemId, CancellationToken cancellationToken = default)
    {
        await using var connection = await OpenAsync(cancellationToken).ConfigureAwait(false);
        return await GetOpenItemAsync(connection, null, itemId, cancellationToken).ConfigureAwait(false);
    }

    /// <inheritdoc/>
    public async Task<Customer?> GetCustomerAsync(string customerId, CancellationToken cancellationToken = default)
    {
        await using var connection = await OpenAsync(cancellationToken).ConfigureAwait(false);
        await using var command = Command(connection, null, Sql.SelectCustomerById);
        Set(command, "@customer_id", customerId);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        return await reader.ReadAsync(cancellationToken).ConfigureAwait(false) ? ReadCustomer(reader) : null;
    }

    /// <inheritdoc/>
    public async Task<IReadOnlyList<StoredOpenItem>> ListOpenItemsAsync(OpenItemQuery query, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(query);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(query.Take);
        await using var connection = await OpenAsync(cancellationToken).ConfigureAwait(false);
        await using var command = Command(connection, null, Sql.SelectOpenItemsPage);
        Set(command, "@status", query.Status is { } status ? StoreCodes.Of(status) : null);
        Set(command, "@customer_id", query.CustomerId);
        Set(command, "@currency", query.Currency);
        Set(command, "@after_item_id", query.AfterItemId);
        Set(command, "@take", query.Take);
        return await ReadAllAsync(command, ReadStoredOpenItem, cancellationToken).ConfigureAwait(false);
    }

    private protected async Task<StoredOpenItem?> GetOpenItemAsync(DbConnection connection, DbTransaction? transaction, string itemId, CancellationToken cancellationToken)
    {
        await using var command = Command(connection, transaction, Sql.SelectOpenItemById);
        Set(command, "@item_id", itemId);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        return await reader.ReadAsync(cancellationToken).ConfigureAwait(false) ? ReadStoredOpenItem(reader) : null;
    }

    /// <summary>Counts an upserted row by the version it returned (none: unchanged); true when it was inserted or changed.</summary>
    private static bool Count(object? version, ref int inserted, ref int updated, ref int unchanged)
    {
        if (version is null or DBNull)
        {
            unchanged++;
            return false;
        }

        if (Convert.ToInt64(version, System.Globalization.CultureInfo.InvariantCulture) == 1)
        {
            inserted++;
        }
        else
        {
            updated++;
        }

        return true;
    }
}
