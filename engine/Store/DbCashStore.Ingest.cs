using System.Data.Common;
using CashApp.Engine.Model;
using CashApp.Parsers.Common;

namespace CashApp.Store;

/// <content>Bank files, their payments, and the applications matching made: stored whole or not at all.</content>
public abstract partial class DbCashStore
{
    /// <inheritdoc/>
    public async Task<StoredBankFile?> FindBankFileAsync(string contentHash, CancellationToken cancellationToken = default)
    {
        await using var connection = await OpenAsync(cancellationToken).ConfigureAwait(false);
        return await FindBankFileAsync(connection, null, contentHash, cancellationToken).ConfigureAwait(false);
    }

    /// <inheritdoc/>
    public async Task<StoredBankFile?> GetBankFileAsync(long bankFileId, CancellationToken cancellationToken = default)
    {
        await using var connection = await OpenAsync(cancellationToken).ConfigureAwait(false);
        await using var command = Command(connection, null, Sql.SelectBankFileById);
        Set(command, "@id", bankFileId);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        return await reader.ReadAsync(cancellationToken).ConfigureAwait(false) ? ReadBankFile(reader) : null;
    }

    /// <inheritdoc/>
    public async Task<IReadOnlyList<StoredBankFile>> ListBankFilesAsync(int take, CancellationToken cancellationToken = default)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(take);
        await using var connection = await OpenAsync(cancellationToken).ConfigureAwait(false);
        await using var command = Command(connection, null, Sql.SelectBankFilesRecent);
        Set(command, "@take", take);
        return await ReadAllAsync(command, ReadBankFile, cancellationToken).ConfigureAwait(false);
    }

    /// <inheritdoc/>
    public async Task<StoredBankFile> RecordRejectedBankFileAsync(string contentHash, string fileName, BankFileFormat format, string actor, string failure, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(contentHash);
        ArgumentException.ThrowIfNullOrEmpty(actor);
        await using var connection = await OpenAsync(cancellationToken).ConfigureAwait(false);
        await using var transaction = await BeginWriteAsync(connection, cancellationToken).ConfigureAwait(false);
        var existing = await FindBankFileAsync(connection, transaction, contentHash, cancellationToken).ConfigureAwait(false);
        if (existing is not null)
        {
            await transaction.RollbackAsync(cancellationToken).ConfigureAwait(false);
            return existing;
        }

        long id;
        await using (var command = Command(connection, transaction, Sql.InsertBankFile))
        {
            BindBankFile(command, contentHash, fileName, format, actor, BankFileStatus.Rejected, 0, 0, 0, 0, 0, failure);
            id = await InsertReturningIdAsync(command, cancellationToken).ConfigureAwait(false);
        }

        await AuditAsync(connection, transaction, actor, "bank_file.reject", $"bank_file/{id}", null, ToJson(new { name = fileName, hash = contentHash }), failure, cancellationToken).ConfigureAwait(false);
        await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
        return (await GetBankFileAsync(id, cancellationToken).ConfigureAwait(false))!;
    }

    /// <inheritdoc/>
    public async Task<StoreIngestResult> StoreIngestAsync(IngestBatch batch, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(batch);
        await using var connection = await OpenAsync(cancellationToken).ConfigureAwait(false);
        await using var transaction = await BeginWriteAsync(connection, cancellationToken).ConfigureAwait(false);
        // A later batch of a file adds to the file its first batch stored; a first batch brings the file, unless the
        // same content is stored (whole, or in progress: the caller then carries on with that file).
        var existing = batch.BankFileId is null ? await FindBankFileAsync(connection, transaction, batch.ContentHash, cancellationToken).ConfigureAwait(false) : null;
        if (existing is { Status: BankFileStatus.Ingested })
        {
            await transaction.RollbackAsync(cancellationToken).ConfigureAwait(false);
            return new StoreIngestResult(IngestStatus.Duplicate, existing, []);
        }

        if (existing is not null)
        {
            await using var delete = Command(connection, transaction, Sql.DeleteRejectedBankFile);
            Set(delete, "@content_hash", batch.ContentHash);
            await delete.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        }

        // A payment another file brought since the caller looked its keys up: store nothing, so that the caller
        // leaves it out and matches the rest anew. Under SQLite the write lock makes this check final; on SQL
        // Server two transactions may pass it at once, and the unique index stops the second at its insert.
        var identityKeys = batch.IdentityKeys ?? PaymentIdentity.Keys(batch.Credits);
        if (identityKeys.Count != batch.Credits.Count)
        {
            throw new ArgumentException($"{identityKeys.Count} identity keys for {batch.Credits.Count} credits.", nameof(batch));
        }

        var received = await FindReceivedPaymentsAsync(connection, transaction, identityKeys, cancellationToken).ConfigureAwait(false);
        if (received.Count > 0)
        {
            await transaction.RollbackAsync(cancellationToken).ConfigureAwait(false);
            return new StoreIngestResult(IngestStatus.ReceivedMeanwhile, null, []) { ReceivedIdentityKeys = [.. received.Keys] };
        }

        var now = Now();

        // A deposit a specialist resolved by hand before its detail came: that detail is the money already decided.
        // Its checks are stored, never applied again, whatever matching made of them.
        var byHand = await CoverByHandResolvedDepositsAsync(connection, transaction, batch, cancellationToken).ConfigureAwait(false);
        if (byHand.Covered.Count > 0)
        {
            batch = batch with
            {
                Applications = [.. batch.Applications.Where(a => !byHand.Covered.Contains(a.PaymentRef))],
                Exceptions = [.. batch.Exceptions.Where(e => !byHand.Covered.Contains(e.PaymentRef)), .. byHand.Exceptions],
                DepositDetail = [.. batch.DepositDetail.Where(t => !byHand.CoveredDetail.Contains(t))],
            };
        }

        // Apply first: each guarded update re-checks, inside this transaction, that the item is still open for
        // the amount. A snapshot can be stale (AR closed the item, a specialist or another ingest applied it).
        // Items are locked in one order (by id) so that two instances ingesting at once cannot deadlock.
        var refused = new HashSet<Application>(ReferenceEqualityComparer.Instance);
        await using (var apply = Command(connection, transaction, Sql.ApplyToItem))
        {
            SetTime(apply, "@updated_at", now);
            foreach (var application in batch.Applications.OrderBy(a => a.ItemId, StringComparer.Ordinal))
            {
                Set(apply, "@item_id", application.ItemId);
                Set(apply, "@currency", application.Amount.Currency.Code);
                Set(apply, "@amount_minor", application.Amount.Minor);
                if (await apply.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false) != 1)
                {
                    refused.Add(application);
                }
            }
        }

        var applied = batch.Applications.Where(a => !refused.Contains(a)).ToList();
        var stale = batch.Applications.Where(refused.Contains).ToList();

        if (stale.Count > 0 && batch.OnStaleItem == StaleItemPolicy.Rollback)
        {
            await transaction.RollbackAsync(cancellationToken).ConfigureAwait(false);
            return new StoreIngestResult(IngestStatus.StaleSnapshot, null, [.. stale.Select(a => a.ItemId).Distinct(StringComparer.Ordinal)]);
        }

        var exceptions = MergeStale(batch.Exceptions, stale);
        var progress = batch.EndsFile ? null : BankFileProgress.InProgress;
        long fileId;
        if (batch.BankFileId is { } addTo)
        {
            fileId = addTo;
            await using var command = Command(connection, transaction, Sql.AddToBankFile);
            Set(command, "@id", fileId);

            // A credit this very file stored before its ingest was interrupted is counted in the file once.
            Set(command, "@credit_count", batch.Credits.Count + batch.AlreadyReceived.Count(a => a.First.BankFileId != fileId));
            Set(command, "@payment_count", batch.Credits.Count(c => c.IsPayment));
            Set(command, "@debit_count", batch.DebitCount);
            Set(command, "@application_count", applied.Count);
            Set(command, "@exception_count", exceptions.Count + batch.Deposits.Count);
            Set(command, "@error", progress);

            // Two calls may store one file at once (a retry, another instance): the one that ends it first counts
            // its debits and marks it complete; what the other still stores adds no debits and never marks it
            // in progress again.
            Set(command, "@in_progress", BankFileProgress.InProgress);
            if (await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false) != 1)
            {
                throw new ArgumentException($"{batch.FileName}: bank file {fileId} is not a stored file to add a batch to.", nameof(batch));
            }
        }
        else
        {
            await using var command = Command(connection, transaction, Sql.InsertBankFile);
            BindBankFile(
                command,
                batch.ContentHash,
                batch.FileName,
                batch.Format,
                batch.Actor,
                BankFileStatus.Ingested,
                batch.Credits.Count + batch.AlreadyReceived.Count,
                batch.Credits.Count(c => c.IsPayment),
                batch.DebitCount,
                applied.Count,
                exceptions.Count + batch.Deposits.Count,
                progress);
            try
            {
                fileId = await InsertReturningIdAsync(command, cancellationToken).ConfigureAwait(false);
            }
            catch (DbException ex) when (IsDuplicateKey(ex))
            {
                // Another instance stored the same content between our check and our insert.
                await transaction.RollbackAsync(cancellationToken).ConfigureAwait(false);
                return new StoreIngestResult(IngestStatus.Duplicate, await FindBankFileAsync(batch.ContentHash, cancellationToken).ConfigureAwait(false), []);
            }
        }

        var paymentIds = new Dictionary<string, long>(StringComparer.Ordinal);
        var deposits = new HashSet<BankTransaction>(batch.Deposits, ReferenceEqualityComparer.Instance);
        var depositPaymentIds = new Dictionary<BankTransaction, long>(ReferenceEqualityComparer.Instance);
        await using (var command = Command(connection, transaction, Sql.InsertPayment))
        {
            Set(command, "@bank_file_id", fileId);
            for (var i = 0; i < batch.Credits.Count; i++)
            {
                var credit = batch.Credits[i];
                Set(command, "@identity_key", identityKeys[i]);
                Set(command, "@payment_ref", credit.PaymentRef);
                Set(command, "@amount_minor", credit.AmountMinor);
                Set(command, "@currency", credit.Currency);
                Set(command, "@is_payment", credit.IsPayment);
                Set(command, "@not_payment_reason", credit.NotPaymentReason);
                Set(command, "@payer_name", credit.PayerName);
                Set(command, "@payer_account", credit.PayerAccount);
                Set(command, "@payer_id", credit.PayerId);
                Set(command, "@free_text", credit.FreeText);
                Set(command, "@remittance", RemittanceToJson(credit.Remittance));
                SetDate(command, "@value_date", credit.ValueDate);
                Set(command, "@type_code", credit.TypeCode);
                Set(command, "@line_number", credit.LineNumber);
                long id;
                try
                {
                    id = await InsertReturningIdAsync(command, cancellationToken).ConfigureAwait(false);
                }
                catch (DbException ex) when (IsDuplicateKey(ex))
                {
                    // Another instance stored this payment between our check and our insert.
                    await transaction.RollbackAsync(cancellationToken).ConfigureAwait(false);
                    return new StoreIngestResult(IngestStatus.ReceivedMeanwhile, null, []) { ReceivedIdentityKeys = [identityKeys[i]] };
                }

                // Payment references are unique within a file by each format's definition; should a bank repeat
                // one, applications and exceptions attach to its first credit.
                paymentIds.TryAdd(credit.PaymentRef, id);
                if (deposits.Contains(credit))
                {
                    depositPaymentIds.Add(credit, id);
                }
            }
        }

        if (depositPaymentIds.Count != deposits.Count)
        {
            throw new ArgumentException("Every deposit of a batch is one of its credits.", nameof(batch));
        }

        // A deposit is held against its detail, stored earlier or in this file; the detail settles deposits held earlier.
        var depositOutcomes = await ReconcileDepositsAsync(connection, transaction, fileId, batch, depositPaymentIds, now, cancellationToken).ConfigureAwait(false);
        depositOutcomes.AddRange(await SettleHandResolvedDepositsAsync(connection, transaction, fileId, byHand, now, cancellationToken).ConfigureAwait(false));

        await using (var command = Command(connection, transaction, Sql.InsertApplication))
        {
            SetTime(command, "@applied_at", now);
            Set(command, "@applied_by", batch.Actor);
            foreach (var application in applied)
            {
                BindApplication(command, PaymentId(paymentIds, application.PaymentRef), application);
                await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
            }
        }

        await using (var command = Command(connection, transaction, Sql.InsertException))
        {
            SetTime(command, "@created_at", now);
            foreach (var exception in exceptions)
            {
                Set(command, "@payment_id", PaymentId(paymentIds, exception.PaymentRef));
                Set(command, "@currency", exception.Unapplied.Currency.Code);
                Set(command, "@unapplied_minor", exception.Unapplied.Minor);
                Set(command, "@reason", LedgerCodes.Of(exception.Reason));
                Set(command, "@detail", exception.Detail);
                Set(command, "@suggestions", SuggestionsToJson(exception.Suggestions));
                Set(command, "@status", StoreCodes.Of(exception.Unapplied.Minor == 0 ? ExceptionStatus.Resolved : ExceptionStatus.Open));
                await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
            }
        }

        await AuditAsync(
            connection,
            transaction,
            batch.Actor,
            "bank_file.ingest",
            $"bank_file/{fileId}",
            null,
            ToJson(new { name = batch.FileName, hash = batch.ContentHash, credits = batch.Credits.Count, alreadyReceived = batch.AlreadyReceived.Count, applications = applied.Count, exceptions = exceptions.Count, stale = stale.Count, deposits = depositOutcomes.Select(d => new { payment = d.PaymentId, state = d.State.ToString(), detail = d.DetailFile }) }),
            null,
            cancellationToken).ConfigureAwait(false);
        await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
        var stored = await GetBankFileAsync(fileId, cancellationToken).ConfigureAwait(false);
        return new StoreIngestResult(IngestStatus.Stored, stored, [.. stale.Select(a => a.ItemId).Distinct(StringComparer.Ordinal)]) { Deposits = depositOutcomes };
    }

    /// <inheritdoc/>
    public async Task<IReadOnlyDictionary<string, ReceivedPayment>> FindReceivedPaymentsAsync(IReadOnlyList<string> identityKeys, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(identityKeys);
        if (identityKeys.Count == 0)
        {
            return new Dictionary<string, ReceivedPayment>(StringComparer.Ordinal);
        }

        await using var connection = await OpenAsync(cancellationToken).ConfigureAwait(false);
        return await FindReceivedPaymentsAsync(connection, null, identityKeys, cancellationToken).ConfigureAwait(false);
    }

    private async Task<Dictionary<string, ReceivedPayment>> FindReceivedPaymentsAsync(DbConnection connection, DbTransaction? transaction, IReadOnlyList<string> identityKeys, CancellationToken cancellationToken)
    {
        var found = new Dictionary<string, ReceivedPayment>(StringComparer.Ordinal);
        await using var command = Command(connection, transaction, Sql.SelectPaymentByIdentityKey);
        foreach (var key in identityKeys)
        {
            Set(command, "@identity_key", key);
            await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
            if (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
            {
                found[key] = new ReceivedPayment(reader.GetString(0), reader.GetInt64(1), reader.GetString(2), reader.GetInt64(3), reader.GetString(4));
            }
        }

        return found;
    }

    /// <inheritdoc/>
    public async Task<IReadOnlyList<StoredPayment>> ListPaymentsAsync(long bankFileId, CancellationToken cancellationToken = default)
    {
        await using var connection = await OpenAsync(cancellationToken).ConfigureAwait(false);
        await using var command = Command(connection, null, Sql.SelectPaymentsByFile);
        Set(command, "@bank_file_id", bankFileId);
        return await ReadAllAsync(command, ReadPayment, cancellationToken).ConfigureAwait(false);
    }

    /// <inheritdoc/>
    public async Task<StoredPayment?> GetPaymentAsync(long paymentId, CancellationToken cancellationToken = default)
    {
        await using var connection = await OpenAsync(cancellationToken).ConfigureAwait(false);
        await using var command = Command(connection, null, Sql.SelectPaymentById);
        Set(command, "@id", paymentId);
        var rows = await ReadAllAsync(command, ReadPayment, cancellationToken).ConfigureAwait(false);
        return rows.Count == 0 ? null : rows[0];
    }

    /// <inheritdoc/>
    public async Task<IReadOnlyList<StoredApplication>> ListApplicationsAsync(ApplicationQuery query, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(query);
        await using var connection = await OpenAsync(cancellationToken).ConfigureAwait(false);
        await using var command = Command(connection, null, Sql.SelectApplications);
        SetTime(command, "@since", query.Since);
        Set(command, "@payment_id", query.PaymentId);
        Set(command, "@item_id", query.ItemId);
        Set(command, "@after_id", query.AfterId);
        Set(command, "@take", query.Take ?? int.MaxValue);
        return await ReadAllAsync(command, ReadApplication, cancellationToken).ConfigureAwait(false);
    }

    private protected static async Task<List<T>> ReadAllAsync<T>(DbCommand command, Func<DbDataReader, T> read, CancellationToken cancellationToken)
    {
        var rows = new List<T>();
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            rows.Add(read(reader));
        }

        return rows;
    }

    private async Task<StoredBankFile?> FindBankFileAsync(DbConnection connection, DbTransaction? transaction, string contentHash, CancellationToken cancellationToken)
    {
        await using var command = Command(connection, transaction, Sql.SelectBankFileByHash);
        Set(command, "@content_hash", contentHash);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        return await reader.ReadAsync(cancellationToken).ConfigureAwait(false) ? ReadBankFile(reader) : null;
    }

    private void BindBankFile(DbCommand command, string hash, string name, BankFileFormat format, string actor, BankFileStatus status, int credits, int payments, int debits, int applications, int exceptions, string? error)
    {
        Set(command, "@content_hash", hash);
        Set(command, "@name", name);
        Set(command, "@format", LedgerCodes.Of(format));
        SetTime(command, "@received_at", Now());
        Set(command, "@received_by", actor);
        Set(command, "@status", StoreCodes.Of(status));
        Set(command, "@credit_count", credits);
        Set(command, "@payment_count", payments);
        Set(command, "@debit_count", debits);
        Set(command, "@application_count", applications);
        Set(command, "@exception_count", exceptions);
        Set(command, "@error", error);
    }

    private static void BindApplication(DbCommand command, long paymentId, Application application)
    {
        Set(command, "@payment_id", paymentId);
        Set(command, "@item_id", application.ItemId);
        Set(command, "@amount_minor", application.Amount.Minor);
        Set(command, "@currency", application.Amount.Currency.Code);
        Set(command, "@method", LedgerCodes.Of(application.Method));
        Set(command, "@confidence_milli", (int)Math.Round(application.Confidence.Value * 1000));
        Set(command, "@explanation", application.Explanation);
    }

    private static long PaymentId(Dictionary<string, long> ids, string paymentRef) =>
        ids.TryGetValue(paymentRef, out var id)
            ? id
            : throw new InvalidOperationException($"Matching returned payment '{paymentRef}', which is not a credit of the file.");

    /// <summary>Turns applications whose item changed into exceptions: merged into the payment's exception when it has one.</summary>
    private static List<ExceptionCase> MergeStale(IReadOnlyList<ExceptionCase> exceptions, List<Application> stale)
    {
        var merged = new List<ExceptionCase>(exceptions);
        foreach (var group in stale.GroupBy(a => a.PaymentRef, StringComparer.Ordinal))
        {
            var amount = group.Select(a => a.Amount).Aggregate((x, y) => x + y);
            var detail = $"item {string.Join(", ", group.Select(a => a.ItemId))} changed since matching (closed by AR or applied meanwhile)";
            var suggestions = group.Select(a => new Suggestion([a.ItemId], a.Confidence, a.Explanation)).ToList();
            var index = merged.FindIndex(e => e.PaymentRef == group.Key);
            if (index >= 0)
            {
                var earlier = merged[index];
                merged[index] = earlier with
                {
                    Unapplied = earlier.Unapplied + amount,
                    Detail = earlier.Detail + "; " + detail,
                    Suggestions = [.. suggestions, .. earlier.Suggestions],
                };
            }
            else
            {
                merged.Add(new ExceptionCase(group.Key, amount, ExceptionReason.Conflict, detail, suggestions));
            }
        }

        return merged;
    }
}
