using CashApp.Engine.Ledger;
using CashApp.Engine.Matching;
using CashApp.Engine.Model;
using CashApp.Parsers.Common;
using CashApp.Parsers.Currency;

namespace CashApp.Grpc.Matching;

/// <summary>What a batch of credits became once matched and stored.</summary>
internal sealed record LedgerWrite(StoreIngestResult Stored, MatchResult Result, IReadOnlyList<ExceptionCase> Exceptions, int Credits, int Debits);

/// <summary>
/// Matches a batch of credits (a bank file, or a committed MatchRequest) against a snapshot and stores
/// the batch with its applications and exceptions in one store transaction. When an item changed between
/// snapshot and store (AR closed it, another ingest applied it), nothing is stored, and the batch is
/// matched again on a fresh snapshot; after a few such losses the stale applications go to exceptions.
/// </summary>
internal sealed class LedgerWriter(ICashStore store, LiveMatcher matcher)
{
    private const int FreshSnapshotAttempts = 3;

    public async Task<LedgerWrite> WriteAsync(string fileName, string contentHash, BankFileFormat format, string actor, IReadOnlyList<BankTransaction> transactions, CancellationToken cancellationToken)
    {
        var credits = new List<BankTransaction>();
        var payments = new List<Payment>();
        var notPayments = new List<ExceptionCase>();
        var debits = 0;
        foreach (var transaction in transactions)
        {
            if (transaction.Direction == Direction.Debit)
            {
                debits++;
                continue;
            }

            credits.Add(transaction);
            if (transaction.IsPayment)
            {
                payments.Add(Payment.FromTransaction(transaction));
            }
            else if (CurrencyCode.TryParse(transaction.Currency, out var currency))
            {
                // Credits that are not payments (pending, informational, reversals) are never applied, and never lost.
                notPayments.Add(new ExceptionCase(transaction.PaymentRef, new Money(transaction.AmountMinor, currency), ExceptionReason.NotAPayment, transaction.NotPaymentReason ?? "not a booked payment", []));
            }
        }

        for (var attempt = 1; ; attempt++)
        {
            var (result, snapshot) = await matcher.MatchAsync(payments, cancellationToken).ConfigureAwait(false);
            BalanceCheck.Verify(payments, snapshot.OpenItems, result.Applications, result.Exceptions);
            List<ExceptionCase> exceptions = [.. result.Exceptions, .. notPayments];
            var batch = new IngestBatch
            {
                FileName = fileName,
                ContentHash = contentHash,
                Format = format,
                Actor = actor,
                Credits = credits,
                DebitCount = debits,
                Applications = result.Applications,
                Exceptions = exceptions,
                OnStaleItem = attempt < FreshSnapshotAttempts ? StaleItemPolicy.Rollback : StaleItemPolicy.SendToExceptions,
            };
            var stored = await store.StoreIngestAsync(batch, cancellationToken).ConfigureAwait(false);
            if (stored.Status != IngestStatus.StaleSnapshot)
            {
                if (stored.Status == IngestStatus.Stored)
                {
                    matcher.Invalidate();
                }

                return new LedgerWrite(stored, result, exceptions, credits.Count, debits);
            }

            matcher.Invalidate();
        }
    }
}
