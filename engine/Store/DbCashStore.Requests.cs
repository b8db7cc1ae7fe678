using System.Data.Common;

namespace CashApp.Store;

/// <content>Client request ids (AIP-155): a retried call answers with its first response and changes nothing.</content>
public abstract partial class DbCashStore
{
    /// <inheritdoc/>
    public async Task<RequestClaim> ClaimRequestAsync(string requestId, string method, string requestHash, string actor, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(requestId);
        ArgumentException.ThrowIfNullOrEmpty(method);
        ArgumentException.ThrowIfNullOrEmpty(requestHash);
        ArgumentException.ThrowIfNullOrEmpty(actor);
        await using var connection = await OpenAsync(cancellationToken).ConfigureAwait(false);
        await using (var insert = Command(connection, null, Sql.InsertRequest))
        {
            Set(insert, "@request_id", requestId);
            Set(insert, "@method", method);
            Set(insert, "@request_hash", requestHash);
            Set(insert, "@actor", actor);
            SetTime(insert, "@created_at", Now());
            try
            {
                await insert.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
                return new RequestClaim(RequestClaimStatus.Claimed, null);
            }
            catch (DbException ex) when (IsDuplicateKey(ex))
            {
                // Claimed before: read what for, below.
            }
        }

        await using var select = Command(connection, null, Sql.SelectRequest);
        Set(select, "@request_id", requestId);
        await using var reader = await select.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        if (!await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            // The claim was released between our insert and our read: the caller may retry.
            return new RequestClaim(RequestClaimStatus.InProgress, null);
        }

        if (reader.GetString(0) != method || reader.GetString(1) != requestHash || reader.GetString(2) != actor)
        {
            return new RequestClaim(RequestClaimStatus.Mismatch, null);
        }

        return reader.GetString(3) == "done"
            ? new RequestClaim(RequestClaimStatus.Completed, StringOrNull(reader, 4) ?? string.Empty)
            : new RequestClaim(RequestClaimStatus.InProgress, null);
    }

    /// <inheritdoc/>
    public async Task CompleteRequestAsync(string requestId, string response, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(requestId);
        ArgumentNullException.ThrowIfNull(response);
        await using var connection = await OpenAsync(cancellationToken).ConfigureAwait(false);
        await using var command = Command(connection, null, Sql.CompleteRequest);
        Set(command, "@request_id", requestId);
        Set(command, "@response", response);
        SetTime(command, "@completed_at", Now());
        await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
    }

    /// <inheritdoc/>
    public async Task ReleaseRequestAsync(string requestId, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(requestId);
        await using var connection = await OpenAsync(cancellationToken).ConfigureAwait(false);
        await using var command = Command(connection, null, Sql.ReleaseRequest);
        Set(command, "@request_id", requestId);
        await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
    }
}
