using System.Runtime.ExceptionServices;
using CashApp.Engine.Deposits;
using CashApp.Engine.Model;
using CashApp.Parsers.Common;

namespace CashApp.Engine.Batch;

/// <summary>
/// Sorts the credits of a run's bank files, once repeats and deposits are known: each is a repeat, a deposit, a payment
/// to apply or a credit that is not a payment, and each file gets its summary. The files' transactions are cut into
/// slices sorted side by side on every core, then joined in file order, so the lists and summaries are the ones one pass
/// in file order makes.
/// </summary>
/// <remarks>
/// On the 1M day this is a million payments made from a million transactions, read where the parse left them: 1.1 s
/// on one core while the other waited, between the loads and the index (PERFORMANCE.md, "Session 27").
/// </remarks>
internal static class CreditSorting
{
    /// <summary>
    /// Transactions per slice: small enough to share out a day's files evenly, and for a slice's list of payments (sized
    /// for the whole slice) to stay off the large object heap, whose allocations count toward a full collection; large
    /// enough that a slice's lists dwarf its overhead.
    /// </summary>
    internal const int DefaultSliceSize = 1 << 13;

    /// <summary>What a run's credits came to: the lists, in file order, and one summary per file.</summary>
    internal sealed record Sorted(
        List<Payment> Payments,
        List<BankTransaction> NotPayments,
        List<BankTransaction> DepositCredits,
        List<BankFileSummary> Summaries);

    /// <summary>
    /// Sorts the credits of <paramref name="files"/>. A payment in a currency <see cref="Payment.FromTransaction"/>
    /// refuses throws the exception of the first such credit in file order, as one pass would.
    /// </summary>
    /// <param name="sliceSize">Transactions per slice (the tests' lever).</param>
    public static Sorted Sort(
        IReadOnlyList<BankFileReadResult> files,
        Repeats repeats,
        DepositReconciliation deposits,
        Func<string, TimeSpan> readTime,
        int sliceSize = DefaultSliceSize)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(sliceSize, 1);
        var slices = new List<(int File, int Start, int End)>();
        for (var f = 0; f < files.Count; f++)
        {
            var count = files[f].Transactions.Count;
            for (var start = 0; start < count; start += sliceSize)
            {
                slices.Add((f, start, Math.Min(count, start + sliceSize)));
            }
        }

        var done = new Slice[slices.Count];
        Parallel.For(0, slices.Count, s => done[s] = SortSlice(files, slices[s], repeats, deposits));

        // The first failure in file order, as a pass in file order would have met it.
        foreach (var slice in done)
        {
            slice.Failure?.Throw();
        }

        var payments = new List<Payment>(done.Sum(s => s.Payments.Count));
        var notPayments = new List<BankTransaction>();
        var depositCredits = new List<BankTransaction>(deposits.Deposits.Count);
        var summaries = new List<BankFileSummary>(files.Count);
        var at = 0;
        for (var f = 0; f < files.Count; f++)
        {
            int credits = 0, paying = 0, debits = 0, repeated = 0;
            Int128 creditTotal = 0;
            var byCurrency = new SortedDictionary<string, Int128>(StringComparer.Ordinal);
            for (; at < done.Length && slices[at].File == f; at++)
            {
                var slice = done[at];
                credits += slice.Credits;
                paying += slice.Payments.Count;
                debits += slice.Debits;
                repeated += slice.Repeated;
                creditTotal += slice.CreditTotal;
                foreach (var (currency, total) in slice.ByCurrency)
                {
                    byCurrency[currency] = byCurrency.GetValueOrDefault(currency) + total;
                }

                payments.AddRange(slice.Payments);
                notPayments.AddRange(slice.NotPayments);
                depositCredits.AddRange(slice.DepositCredits);
            }

            var file = files[f];
            summaries.Add(new BankFileSummary(file.FileName, file.Format, credits, paying, debits, creditTotal, file.Warnings)
            {
                ReadTime = readTime(file.FileName),
                CreditTotals = byCurrency,
                Duplicates = repeated,
            });
        }

        return new Sorted(payments, notPayments, depositCredits, summaries);
    }

    private static Slice SortSlice(IReadOnlyList<BankFileReadResult> files, (int File, int Start, int End) range, Repeats repeats, DepositReconciliation deposits)
    {
        var transactions = files[range.File].Transactions;
        var slice = new Slice(range.End - range.Start);
        try
        {
            for (var t = range.Start; t < range.End; t++)
            {
                var transaction = transactions[t];
                if (transaction.Direction == Direction.Debit)
                {
                    slice.Debits++;
                    continue;
                }

                slice.Credits++;
                slice.CreditTotal += transaction.AmountMinor;
                slice.ByCurrency[transaction.Currency] = slice.ByCurrency.GetValueOrDefault(transaction.Currency) + transaction.AmountMinor;
                if (repeats.Contains(transaction))
                {
                    slice.Repeated++;
                }
                else if (deposits.TryGet(transaction, out _))
                {
                    slice.DepositCredits.Add(transaction);
                }
                else if (transaction.IsPayment)
                {
                    slice.Payments.Add(Payment.FromTransaction(transaction));
                }
                else
                {
                    slice.NotPayments.Add(transaction);
                }
            }
        }
        catch (Exception ex)
        {
            slice.Failure = ExceptionDispatchInfo.Capture(ex);
        }

        return slice;
    }

    /// <summary>One slice's share: its counts, totals and lists, in the order its transactions came.</summary>
    private sealed class Slice(int capacity)
    {
        public int Credits;
        public int Debits;
        public int Repeated;
        public Int128 CreditTotal;
        public readonly Dictionary<string, Int128> ByCurrency = new(StringComparer.Ordinal);
        public readonly List<Payment> Payments = new(capacity);
        public readonly List<BankTransaction> NotPayments = [];
        public readonly List<BankTransaction> DepositCredits = [];
        public ExceptionDispatchInfo? Failure;
    }
}
