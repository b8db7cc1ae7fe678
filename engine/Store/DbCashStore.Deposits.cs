using System.Data.Common;
using System.Globalization;
using System.Text.Json;
using CashApp.Engine.Deposits;
using CashApp.Engine.Model;
using CashApp.Parsers.Common;
using CashApp.Parsers.Currency;

namespace CashApp.Store;

/// <content>
/// Deposits and their detail across ingests: a deposit (BAI2 lockbox deposit 115 or item 116, a camt.053 entry
/// without details) is held until its detail (a lockbox file, a camt.054) is stored, in either order, and then
/// reconciled by <see cref="DepositReconciliation"/> as <c>cashapp match</c> reconciles a day's files.
/// </content>
public abstract partial class DbCashStore
{
    private static readonly JsonSerializerOptions SourceJson = new(JsonSerializerDefaults.Web);

    private DepositSql DepositSql => this is SqlServerCashStore ? DepositSql.SqlServer : DepositSql.Sqlite;

    private async Task EnsureDepositSchemaAsync(CancellationToken cancellationToken)
    {
        await using var connection = await OpenAsync(cancellationToken).ConfigureAwait(false);
        await using var transaction = await BeginWriteAsync(connection, cancellationToken).ConfigureAwait(false);
        foreach (var statement in DepositSql.Schema)
        {
            await using var command = Command(connection, transaction, statement);
            await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        }

        await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
    }

    /// <summary>How many deposits the store holds in each state.</summary>
    public async Task<IReadOnlyDictionary<DepositState, int>> CountDepositsAsync(CancellationToken cancellationToken = default)
    {
        await using var connection = await OpenAsync(cancellationToken).ConfigureAwait(false);
        await using var command = Command(connection, null, DepositSql.CountDeposits);
        var counts = new Dictionary<DepositState, int>();
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            counts[StateOf(reader.GetString(0))] = Convert.ToInt32(reader.GetValue(1), CultureInfo.InvariantCulture);
        }

        return counts;
    }

    /// <summary>
    /// Inside the ingest's transaction, after its payments are inserted: stores the file's detail transactions, holds
    /// its deposits (an open <c>deposit_awaiting_detail</c> exception each), and reconciles every deposit held on the
    /// dates this file touches against every detail not yet taken on them. Returns what became of each deposit
    /// of this file and of each earlier deposit this file settled.
    /// </summary>
    private async Task<List<DepositOutcome>> ReconcileDepositsAsync(
        DbConnection connection, DbTransaction transaction, long fileId, IngestBatch batch, Dictionary<BankTransaction, long> depositPaymentIds, DateTimeOffset now, CancellationToken cancellationToken)
    {
        var outcomes = new List<DepositOutcome>();
        if (batch.Deposits.Count == 0 && batch.DepositDetail.Count == 0 && (!batch.EndsFile || batch.DepositDates.Count == 0))
        {
            return outcomes;
        }

        var sql = DepositSql;
        var dates = new SortedSet<DateOnly>();
        var debits = new Dictionary<(string Key, string Source), int>();
        foreach (var detail in batch.DepositDetail)
        {
            var where = DepositReconciliation.DetailOf(detail) ?? throw new ArgumentException($"{detail.SourceFile} line {detail.LineNumber}: not a deposit's detail.", nameof(batch));
            dates.Add(where.Date);
            if (detail.Direction == Direction.Credit)
            {
                // A credit is new to the store (payment identity): stored once, with its payment.
                await InsertDetailAsync(connection, transaction, fileId, detail, where, takenBy: null, itemTakenBy: null, cancellationToken).ConfigureAwait(false);
                continue;
            }

            // A debit comes with every batch of its file that stores a new credit of its stretch: the file keeps it
            // once, and keeps as many equal debits as one batch brings.
            var source = ToSource(detail);
            var occurrence = debits[(where.Key, source)] = debits.GetValueOrDefault((where.Key, source)) + 1;
            await using var insert = Command(connection, transaction, sql.InsertDetailOnce);
            SetDetail(insert, fileId, detail, where, source);
            Set(insert, "@occurrence", occurrence);
            await insert.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        }

        foreach (var deposit in batch.Deposits)
        {
            dates.Add(DepositReconciliation.DepositDate(deposit) ?? throw new ArgumentException($"{deposit.SourceFile} line {deposit.LineNumber}: a deposit without a date.", nameof(batch)));
        }

        if (!batch.EndsFile)
        {
            // A batch before its file's last: the file's detail may go on in the next batch, so nothing is reconciled
            // yet. Its deposits are held, and the last batch reconciles on every date of the file.
            dates.Clear();
        }
        else
        {
            dates.UnionWith(batch.DepositDates);
        }

        var held = new List<HeldDeposit>();
        var details = new List<OpenDetail>();
        foreach (var date in dates)
        {
            await using (var select = Command(connection, transaction, sql.SelectAwaitingDeposits))
            {
                SetDate(select, "@deposit_date", date);
                await using var reader = await select.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
                while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
                {
                    held.Add(new HeldDeposit(reader.GetInt64(0), reader.GetInt64(1), reader.GetInt64(2), FromSource(reader.GetString(3)), IsNew: false));
                }
            }

            await using (var select = Command(connection, transaction, sql.SelectOpenDetails))
            {
                SetDate(select, "@detail_date", date);
                await using var reader = await select.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
                while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
                {
                    details.Add(new OpenDetail(reader.GetInt64(0), FromSource(reader.GetString(1)), !reader.IsDBNull(2), !reader.IsDBNull(3)));
                }
            }
        }

        // This file's deposits are held like any other until the reconciliation below settles them.
        foreach (var deposit in batch.Deposits)
        {
            var paymentId = depositPaymentIds[deposit];
            long exceptionId;
            await using (var insert = Command(connection, transaction, Sql.InsertException))
            {
                SetTime(insert, "@created_at", now);
                Set(insert, "@payment_id", paymentId);
                Set(insert, "@currency", deposit.Currency);
                Set(insert, "@unapplied_minor", deposit.AmountMinor);
                Set(insert, "@reason", LedgerCodes.Of(ExceptionReason.DepositAwaitingDetail));
                Set(insert, "@detail", AwaitingText(deposit));
                Set(insert, "@suggestions", "[]");
                Set(insert, "@status", StoreCodes.Of(ExceptionStatus.Open));
                exceptionId = await InsertReturningIdAsync(insert, cancellationToken).ConfigureAwait(false);
            }

            long depositId;
            await using (var insert = Command(connection, transaction, sql.InsertDeposit))
            {
                Set(insert, "@payment_id", paymentId);
                Set(insert, "@exception_id", exceptionId);
                Set(insert, "@status", "awaiting");
                SetDate(insert, "@deposit_date", DepositReconciliation.DepositDate(deposit));
                Set(insert, "@currency", deposit.Currency);
                Set(insert, "@source", ToSource(deposit));
                Set(insert, "@detail_file", null);
                SetTime(insert, "@updated_at", now);
                depositId = await InsertReturningIdAsync(insert, cancellationToken).ConfigureAwait(false);
            }

            held.Add(new HeldDeposit(depositId, paymentId, exceptionId, deposit, IsNew: true));
        }

        // Two pools, as in cashapp match: deposits (115, camt.053 entries) take lockboxes, batches and entries; items
        // (116) take single checks. A detail taken in one pool is still there for the other.
        var byTransaction = new Dictionary<BankTransaction, HeldDeposit>(ReferenceEqualityComparer.Instance);
        foreach (var h in held)
        {
            byTransaction.Add(h.Transaction, h);
        }

        var lumps = held.Where(h => h.Transaction.TypeCode != DepositReconciliation.Bai2LockboxItem).Select(h => h.Transaction);
        var items = held.Where(h => h.Transaction.TypeCode == DepositReconciliation.Bai2LockboxItem).Select(h => h.Transaction);
        var lumpDetails = details.Where(d => !d.Taken).ToList();
        var itemDetails = details.Where(d => !d.TakenByItem).ToList();
        var settled = new HashSet<HeldDeposit>(ReferenceEqualityComparer.Instance);
        foreach (var (deposits, pool, forItems) in new[] { (lumps, lumpDetails, false), (items, itemDetails, true) })
        {
            var reconciliation = DepositReconciliation.Reconcile([.. deposits, .. pool.Select(d => d.Transaction)]);
            foreach (var match in reconciliation.Deposits)
            {
                var deposit = byTransaction[match.Deposit];
                var state = match.Status == DepositStatus.Reconciled ? DepositState.Reconciled : DepositState.Mismatch;
                var text = match.Describe();
                await using (var update = Command(connection, transaction, sql.SettleDeposit))
                {
                    Set(update, "@id", deposit.DepositId);
                    Set(update, "@status", state == DepositState.Reconciled ? "reconciled" : "mismatch");
                    Set(update, "@detail_file", match.Detail.FileNames);
                    SetTime(update, "@updated_at", now);
                    await update.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
                }

                await using (var update = Command(connection, transaction, sql.SettleException))
                {
                    // Reconciled: its money is the detail's payments, applied as payments; nothing of it is left to decide.
                    Set(update, "@id", deposit.ExceptionId);
                    Set(update, "@reason", LedgerCodes.Of(state == DepositState.Reconciled ? ExceptionReason.DepositReconciled : ExceptionReason.DepositMismatch));
                    Set(update, "@detail", text);
                    Set(update, "@status", StoreCodes.Of(state == DepositState.Reconciled ? ExceptionStatus.Resolved : ExceptionStatus.Open));
                    Set(update, "@unapplied_minor", state == DepositState.Reconciled ? 0L : match.Deposit.AmountMinor);
                    SetTime(update, "@updated_at", now);
                    await update.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
                }

                if (state == DepositState.Reconciled)
                {
                    await using var take = Command(connection, transaction, forItems ? sql.TakeDetailForItem : sql.TakeDetail);
                    Set(take, "@deposit_id", deposit.DepositId);
                    foreach (var row in pool.Where(d => Takes(match.Detail, d.Transaction)))
                    {
                        Set(take, "@id", row.Id);
                        await take.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
                    }
                }

                settled.Add(deposit);
                outcomes.Add(new DepositOutcome(deposit.PaymentId, match.Deposit.PaymentRef, state, match.Deposit.SourceFile, match.Detail.FileNames, text));
            }
        }

        foreach (var deposit in held.Where(h => h.IsNew && !settled.Contains(h)))
        {
            outcomes.Add(new DepositOutcome(deposit.PaymentId, deposit.Transaction.PaymentRef, DepositState.AwaitingDetail, deposit.Transaction.SourceFile, null, AwaitingText(deposit.Transaction)));
        }

        return outcomes;
    }

    /// <summary>
    /// Inside the ingest's transaction, before anything is applied: finds the deposits a specialist resolved by hand
    /// (their exception decided while they awaited or differed from their detail) on the dates of this batch's detail,
    /// and reconciles them with it as held deposits are, together with the detail stored earlier that they took or that
    /// no deposit took: a detail sent in parts (batch by batch, file by file) adds up. The deposits still held on those
    /// dates are reconciled alongside, so that a batch of theirs is never covered by a hand-resolved deposit of the
    /// same lockbox. Each check of such a deposit's detail is covered: stored as taken by it, and never applied, since
    /// the specialist applied that money already; the deposit is settled with the comparison.
    /// </summary>
    private async Task<HandCover> CoverByHandResolvedDepositsAsync(DbConnection connection, DbTransaction transaction, IngestBatch batch, CancellationToken cancellationToken)
    {
        var cover = new HandCover();
        if (batch.DepositDetail.Count == 0)
        {
            return cover;
        }

        var sql = DepositSql;
        var hand = new List<(long DepositId, long PaymentId, BankTransaction Transaction, string ByWhom)>();
        var others = new List<BankTransaction>();
        var stored = new List<OpenDetail>();
        foreach (var date in batch.DepositDetail.Select(t => DepositReconciliation.DetailOf(t)?.Date).OfType<DateOnly>().Distinct().Order())
        {
            var ofDate = hand.Count;
            await using (var select = Command(connection, transaction, sql.SelectHandResolvedDeposits))
            {
                SetDate(select, "@deposit_date", date);
                await using var reader = await select.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
                while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
                {
                    var who = reader.IsDBNull(3) ? "a specialist" : reader.GetString(3);
                    var when = TimeOrNull(reader, 4) is { } at ? string.Create(CultureInfo.InvariantCulture, $" on {at.UtcDateTime:yyyy-MM-dd HH:mm} UTC") : string.Empty;
                    hand.Add((reader.GetInt64(0), reader.GetInt64(1), FromSource(reader.GetString(2)), who + when));
                }
            }

            if (hand.Count == ofDate)
            {
                continue;
            }

            await using (var select = Command(connection, transaction, sql.SelectAwaitingDeposits))
            {
                SetDate(select, "@deposit_date", date);
                await using var reader = await select.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
                while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
                {
                    others.Add(FromSource(reader.GetString(3)));
                }
            }

            await using (var select = Command(connection, transaction, sql.SelectOpenDetails))
            {
                SetDate(select, "@detail_date", date);
                await using var reader = await select.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
                while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
                {
                    var takenBy = reader.IsDBNull(2) ? (long?)null : reader.GetInt64(2);
                    var itemTakenBy = reader.IsDBNull(3) ? (long?)null : reader.GetInt64(3);
                    stored.Add(new OpenDetail(reader.GetInt64(0), FromSource(reader.GetString(1)), takenBy is not null, itemTakenBy is not null) { TakenBy = takenBy, ItemTakenBy = itemTakenBy });
                }
            }

            // The parts of its detail a hand-resolved deposit took from earlier files: they count again with this part.
            foreach (var depositId in hand.Skip(ofDate).Select(h => h.DepositId))
            {
                await using var select = Command(connection, transaction, sql.SelectDetailsTakenBy);
                SetDate(select, "@detail_date", date);
                Set(select, "@deposit_id", depositId);
                await using var reader = await select.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
                while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
                {
                    var takenBy = reader.IsDBNull(2) ? (long?)null : reader.GetInt64(2);
                    var itemTakenBy = reader.IsDBNull(3) ? (long?)null : reader.GetInt64(3);
                    stored.Add(new OpenDetail(reader.GetInt64(0), FromSource(reader.GetString(1)), takenBy is not null && takenBy != depositId, itemTakenBy is not null && itemTakenBy != depositId) { TakenBy = takenBy, ItemTakenBy = itemTakenBy });
                }
            }
        }

        if (hand.Count == 0)
        {
            return cover;
        }

        // A debit an earlier batch of this file stored is in the pool already: it counts once, and is not stored again.
        var storedDebits = await DebitsStoredAsync(connection, transaction, batch.BankFileId, batch.DepositDetail, cancellationToken).ConfigureAwait(false);
        List<BankTransaction> detail = [.. batch.DepositDetail.Where(t => !storedDebits.Contains(t))];
        var byTransaction = hand.ToDictionary(h => h.Transaction, h => h, (IEqualityComparer<BankTransaction>)ReferenceEqualityComparer.Instance);
        var lumps = hand.Where(h => h.Transaction.TypeCode != DepositReconciliation.Bai2LockboxItem).Select(h => h.Transaction).ToList();
        var items = hand.Where(h => h.Transaction.TypeCode == DepositReconciliation.Bai2LockboxItem).Select(h => h.Transaction).ToList();
        var otherLumps = others.Where(t => t.TypeCode != DepositReconciliation.Bai2LockboxItem).ToList();
        var otherItems = others.Where(t => t.TypeCode == DepositReconciliation.Bai2LockboxItem).ToList();
        var lumpPool = stored.Where(d => !d.Taken).DistinctBy(d => d.Id).ToList();
        var itemPool = stored.Where(d => !d.TakenByItem).DistinctBy(d => d.Id).ToList();
        foreach (var (deposits, held, pool, forItems) in new[] { (lumps, otherLumps, lumpPool, false), (items, otherItems, itemPool, true) })
        {
            if (deposits.Count == 0)
            {
                continue;
            }

            var matches = DepositReconciliation.Reconcile([.. deposits, .. held, .. pool.Select(d => d.Transaction), .. detail]).Deposits;

            // What a held deposit agrees with is its own, even where a differing hand-resolved deposit's lockbox holds it.
            var theirs = matches.Where(m => !byTransaction.ContainsKey(m.Deposit) && m.Status == DepositStatus.Reconciled).Select(m => m.Detail).ToList();
            bool Covers(DepositDetail detail, BankTransaction row) => Takes(detail, row) && !theirs.Any(d => Takes(d, row));
            var counted = new HashSet<long>();
            foreach (var joint in matches.Where(m => byTransaction.ContainsKey(m.Deposit)))
            {
                var match = joint;
                var rows = detail.Where(t => !cover.CoveredDetail.Contains(t) && Covers(match.Detail, t)).ToList();
                if (rows.Count == 0)
                {
                    continue;
                }

                var (depositId, paymentId, deposit, byWhom) = byTransaction[match.Deposit];

                // A stored detail row counts toward one deposit only: the one that took it, or this one when none did.
                // The pool holds every hand-resolved deposit's earlier parts (each adds up with its own), so a deposit
                // that another's earlier part would complete is compared with its own detail alone.
                var covered = pool.Where(d => Covers(match.Detail, d.Transaction)).ToList();
                var own = covered.Where(d => (forItems ? d.ItemTakenBy : d.TakenBy) is not { } by || by == depositId).Where(d => !counted.Contains(d.Id)).ToList();
                if (own.Count < covered.Count)
                {
                    match = DepositReconciliation.Reconcile([match.Deposit, .. own.Select(d => d.Transaction), .. rows]).Deposits.Single(m => ReferenceEquals(m.Deposit, joint.Deposit));
                    rows = [.. rows.Where(t => Takes(match.Detail, t))];
                    own = [.. own.Where(d => Takes(match.Detail, d.Transaction))];
                    if (rows.Count == 0)
                    {
                        continue;
                    }
                }
                var reconciled = match.Status == DepositStatus.Reconciled;
                var text = $"deposit already resolved by hand by {byWhom}: {match.DescribeComparison()}; its checks are that money and are not applied again"
                    + (reconciled ? string.Empty : "; look at the deposit and its detail together");
                var part = string.Create(CultureInfo.InvariantCulture, $"part of {deposit.PaymentRef} ({deposit.SourceFile} line {deposit.LineNumber}), a deposit resolved by hand by {byWhom} before this detail arrived: not applied again");
                foreach (var row in rows)
                {
                    cover.CoveredDetail.Add(row);
                    if (row.Direction == Direction.Credit && cover.Covered.Add(row.PaymentRef))
                    {
                        cover.Exceptions.Add(new ExceptionCase(row.PaymentRef, new Money(0, new CurrencyCode(row.Currency)), ExceptionReason.DepositReconciled, part, []));
                    }
                }

                var earlier = own.Select(d => d.Id).ToList();
                counted.UnionWith(earlier);
                cover.Settlements.Add(new HandSettlement(depositId, paymentId, deposit, reconciled ? DepositState.Reconciled : DepositState.Mismatch, match.Detail.FileNames, text, rows, earlier, forItems));
            }
        }

        return cover;
    }

    /// <summary>
    /// Settles the deposits resolved by hand whose detail this ingest brought: stores that detail as taken by the deposit
    /// (with the earlier parts it now takes), then reconciled, or differing with one open exception (nothing unapplied)
    /// naming both, updated as further parts come and closed once they agree.
    /// </summary>
    private async Task<List<DepositOutcome>> SettleHandResolvedDepositsAsync(
        DbConnection connection, DbTransaction transaction, long fileId, HandCover cover, DateTimeOffset now, CancellationToken cancellationToken)
    {
        var sql = DepositSql;
        var outcomes = new List<DepositOutcome>();
        foreach (var settlement in cover.Settlements)
        {
            foreach (var row in settlement.Rows)
            {
                await InsertDetailAsync(
                    connection, transaction, fileId, row, DepositReconciliation.DetailOf(row)!.Value,
                    takenBy: settlement.ForItems ? null : settlement.DepositId, itemTakenBy: settlement.ForItems ? settlement.DepositId : null, cancellationToken).ConfigureAwait(false);
            }

            await using (var take = Command(connection, transaction, settlement.ForItems ? sql.TakeDetailForItem : sql.TakeDetail))
            {
                Set(take, "@deposit_id", settlement.DepositId);
                foreach (var id in settlement.Earlier)
                {
                    Set(take, "@id", id);
                    await take.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
                }
            }
        }

        foreach (var settlement in cover.Settlements.DistinctBy(h => h.DepositId))
        {
            await using (var update = Command(connection, transaction, sql.SettleDeposit))
            {
                Set(update, "@id", settlement.DepositId);
                Set(update, "@status", settlement.State == DepositState.Reconciled ? "reconciled" : "mismatch");
                Set(update, "@detail_file", settlement.DetailFile);
                SetTime(update, "@updated_at", now);
                await update.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
            }

            // The specialist's decision stands; a difference is a question of its own, with no cash left to apply: one
            // open exception per deposit, told the comparison of all the detail so far, and closed once it agrees.
            var open = new List<long>();
            await using (var select = Command(connection, transaction, sql.SelectOpenExceptionsOf))
            {
                Set(select, "@payment_id", settlement.PaymentId);
                Set(select, "@reason", LedgerCodes.Of(ExceptionReason.DepositMismatch));
                await using var reader = await select.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
                while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
                {
                    open.Add(reader.GetInt64(0));
                }
            }

            var reconciled = settlement.State == DepositState.Reconciled;
            foreach (var id in open)
            {
                await using var update = Command(connection, transaction, sql.SettleException);
                Set(update, "@id", id);
                Set(update, "@reason", LedgerCodes.Of(reconciled ? ExceptionReason.DepositReconciled : ExceptionReason.DepositMismatch));
                Set(update, "@detail", settlement.Text);
                Set(update, "@status", StoreCodes.Of(reconciled ? ExceptionStatus.Resolved : ExceptionStatus.Open));
                Set(update, "@unapplied_minor", 0L);
                SetTime(update, "@updated_at", now);
                await update.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
            }

            if (!reconciled && open.Count == 0)
            {
                await using var insert = Command(connection, transaction, Sql.InsertException);
                SetTime(insert, "@created_at", now);
                Set(insert, "@payment_id", settlement.PaymentId);
                Set(insert, "@currency", settlement.Deposit.Currency);
                Set(insert, "@unapplied_minor", 0L);
                Set(insert, "@reason", LedgerCodes.Of(ExceptionReason.DepositMismatch));
                Set(insert, "@detail", settlement.Text);
                Set(insert, "@suggestions", "[]");
                Set(insert, "@status", StoreCodes.Of(ExceptionStatus.Open));
                await insert.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
            }

            outcomes.Add(new DepositOutcome(settlement.PaymentId, settlement.Deposit.PaymentRef, settlement.State, settlement.Deposit.SourceFile, settlement.DetailFile, settlement.Text));
        }

        return outcomes;
    }

    /// <summary>
    /// True when a reconciled detail took this detail transaction: its whole lockbox or entry, its batch, or its one
    /// check. By the bank's data (lockbox or entry, batch, date, currency), in whichever files the detail came; only a
    /// single check is told by where it is.
    /// </summary>
    private static bool Takes(DepositDetail detail, BankTransaction row)
    {
        if (row.Currency != detail.Currency || DepositReconciliation.DetailOf(row) is not { } where || where.Date != detail.Date)
        {
            return false;
        }

        return detail.Kind switch
        {
            DepositDetailKind.LockboxCheck => row.SourceFile == detail.SourceFile && row.LineNumber == detail.LineNumber,
            DepositDetailKind.LockboxBatch => DepositReconciliation.NormalizeLockbox(where.Key) == DepositReconciliation.NormalizeLockbox(detail.Key) && where.Batch == detail.Batch,
            DepositDetailKind.Lockbox => DepositReconciliation.NormalizeLockbox(where.Key) == DepositReconciliation.NormalizeLockbox(detail.Key),
            _ => where.Key == detail.Key,
        };
    }

    private static string AwaitingText(BankTransaction deposit)
    {
        var what = deposit.Format == BankFileFormat.Bai2
            ? $"{(deposit.TypeCode == DepositReconciliation.Bai2LockboxItem ? "lockbox item" : "lockbox deposit")} (BAI2 {deposit.TypeCode})"
            : "entry booked without details (camt.053)";
        var detail = deposit.Format == BankFileFormat.Bai2 ? "its lockbox file" : "its camt.054";
        var date = DepositReconciliation.DepositDate(deposit)?.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);
        return $"{what} {deposit.Currency} {deposit.AmountMinor.ToString(CultureInfo.InvariantCulture)} minor of {date} ({deposit.SourceFile} line {deposit.LineNumber.ToString(CultureInfo.InvariantCulture)}): awaiting {detail}; held, not matched as a payment";
    }

    private static DepositState StateOf(string code) => code switch
    {
        "awaiting" => DepositState.AwaitingDetail,
        "reconciled" => DepositState.Reconciled,
        "mismatch" => DepositState.Mismatch,
        _ => throw new InvalidDataException($"The store holds an unknown deposit status '{code}'."),
    };

    /// <summary>What reconciliation reads of a transaction, as JSON: enough to rebuild it in a later ingest.</summary>
    private static string ToSource(BankTransaction t)
    {
        var extra = new SortedDictionary<string, string>(StringComparer.Ordinal);
        foreach (var field in DepositReconciliation.ExtraFields)
        {
            if (t.Extra.TryGetValue(field, out var value))
            {
                extra[field] = value;
            }
        }

        return JsonSerializer.Serialize(
            new SourceRow(t.PaymentRef, t.Direction == Direction.Credit, t.AmountMinor, t.Currency, LedgerCodes.Of(t.Format), t.SourceFile, t.LineNumber, t.IsPayment, t.TypeCode, t.ValueDate, t.FreeText, extra),
            SourceJson);
    }

    private static BankTransaction FromSource(string json)
    {
        var row = JsonSerializer.Deserialize<SourceRow>(json, SourceJson) ?? throw new InvalidDataException("The store holds an empty deposit source.");
        return new BankTransaction
        {
            PaymentRef = row.Ref,
            Direction = row.Credit ? Direction.Credit : Direction.Debit,
            AmountMinor = row.Amount,
            Currency = row.Currency,
            Format = LedgerCodes.ParseFormat(row.Format),
            SourceFile = row.File,
            LineNumber = row.Line,
            IsPayment = row.IsPayment,
            TypeCode = row.Type,
            ValueDate = row.ValueDate,
            FreeText = row.Text,
            Extra = row.Extra,
        };
    }

    private sealed record SourceRow(string Ref, bool Credit, long Amount, string Currency, string Format, string File, long Line, bool IsPayment, string? Type, DateOnly? ValueDate, string? Text, SortedDictionary<string, string> Extra);

    /// <summary>What deposits resolved by hand took of a batch's detail: the checks' references, the detail transactions, the checks' exceptions, and the deposits to settle.</summary>
    private sealed class HandCover
    {
        public HashSet<string> Covered { get; } = new(StringComparer.Ordinal);

        public HashSet<BankTransaction> CoveredDetail { get; } = new(ReferenceEqualityComparer.Instance);

        public List<ExceptionCase> Exceptions { get; } = [];

        public List<HandSettlement> Settlements { get; } = [];
    }

    private sealed record HandSettlement(
        long DepositId, long PaymentId, BankTransaction Deposit, DepositState State, string DetailFile, string Text, List<BankTransaction> Rows, List<long> Earlier, bool ForItems);

    private sealed record HeldDeposit(long DepositId, long PaymentId, long ExceptionId, BankTransaction Transaction, bool IsNew);

    private sealed record OpenDetail(long Id, BankTransaction Transaction, bool Taken, bool TakenByItem)
    {
        /// <summary>The deposit that took this row (a lump's detail), when one did.</summary>
        public long? TakenBy { get; init; }

        /// <summary>The item of a lockbox deposit that took this row (a check), when one did.</summary>
        public long? ItemTakenBy { get; init; }
    }

    /// <summary>
    /// The detail debits of a later batch of a file that an earlier batch of it stored already (each batch that takes a
    /// credit of a stretch brings its debits): of equal debits, as many as the file holds.
    /// </summary>
    private async Task<HashSet<BankTransaction>> DebitsStoredAsync(
        DbConnection connection, DbTransaction transaction, long? fileId, IReadOnlyList<BankTransaction> detail, CancellationToken cancellationToken)
    {
        var stored = new HashSet<BankTransaction>(ReferenceEqualityComparer.Instance);
        if (fileId is null)
        {
            return stored;
        }

        var debits = detail.Where(t => t.Direction == Direction.Debit).GroupBy(t => (DepositReconciliation.DetailOf(t)!.Value.Key, Source: ToSource(t)));
        await using var count = Command(connection, transaction, DepositSql.CountDetailRows);
        Set(count, "@bank_file_id", fileId);
        foreach (var equal in debits)
        {
            Set(count, "@detail_key", equal.Key.Key);
            Set(count, "@source", equal.Key.Source);
            var held = Convert.ToInt32(await count.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false), CultureInfo.InvariantCulture);
            stored.UnionWith(equal.Take(held));
        }

        return stored;
    }

    /// <summary>Stores a detail transaction of a file, untaken or already taken by a deposit (as a deposit's or as an item's).</summary>
    private async Task InsertDetailAsync(
        DbConnection connection, DbTransaction transaction, long fileId, BankTransaction detail, (string Key, string? Batch, DateOnly Date) where, long? takenBy, long? itemTakenBy, CancellationToken cancellationToken)
    {
        await using var insert = Command(connection, transaction, DepositSql.InsertDetail);
        SetDetail(insert, fileId, detail, where, ToSource(detail));
        Set(insert, "@taken_by", takenBy);
        Set(insert, "@item_taken_by", itemTakenBy);
        await insert.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Sets the columns every stored detail row has (the file, the deposit it belongs to, its source).</summary>
    private void SetDetail(DbCommand insert, long fileId, BankTransaction detail, (string Key, string? Batch, DateOnly Date) where, string source)
    {
        Set(insert, "@bank_file_id", fileId);
        Set(insert, "@detail_key", where.Key);
        Set(insert, "@batch", where.Batch);
        SetDate(insert, "@detail_date", where.Date);
        Set(insert, "@currency", detail.Currency);
        Set(insert, "@source", source);
    }
}
