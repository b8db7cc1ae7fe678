using CashApp.Engine.Batch;
using CashApp.Engine.Deposits;
using CashApp.Engine.Model;
using CashApp.Parsers.Common;
using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;

namespace CashApp.Engine.Tests.Batch;

/// <summary>
/// <see cref="CreditSorting.Sort"/> cuts the files into slices sorted side by side; whatever the slices, it must give
/// the lists and summaries one pass through the files in order gives (the way the run sorted them before), and fail on
/// the credit that pass would have failed on.
/// </summary>
public sealed class CreditSortingProperties
{
    private static readonly DateOnly Day = new(2026, 11, 20);

    /// <summary>
    /// A credit or debit from a few values of each field: repeats across files, lockbox deposits with their checks, credits
    /// that are not payments, two currencies and, now and then, one no payment may be in.
    /// </summary>
    private static Gen<BankTransaction> TransactionOf(BankFileFormat format) =>
        from kind in Gen.Choose(0, 59)
        from amount in Gen.Choose(1, 4)
        from reference in Gen.Choose(1, 5)
        from currency in Gen.Elements("USD", "USD", "EUR")
        from pays in Gen.Choose(0, 6)
        select kind switch
        {
            <= 2 => new BankTransaction
            {
                PaymentRef = "LBX0012345", Direction = Direction.Credit, AmountMinor = amount * 250_00, Currency = "USD", Format = BankFileFormat.Bai2,
                SourceFile = "f", LineNumber = reference, TypeCode = "115", ValueDate = Day, FreeText = "LOCKBOX DEPOSIT",
                Extra = new Dictionary<string, string> { ["raw_text"] = "LOCKBOX DEPOSIT" },
            },
            <= 8 => new BankTransaction
            {
                PaymentRef = $"0012345-001-{reference:000}", Direction = Direction.Credit, AmountMinor = amount * 250_00, Currency = "USD",
                Format = BankFileFormat.Lockbox, SourceFile = "f", LineNumber = 3 + reference, TypeCode = "6", ValueDate = Day,
            },
            9 => new BankTransaction
            {
                PaymentRef = "P" + reference, Direction = Direction.Credit, AmountMinor = amount * 100, Currency = "XXY", Format = format,
                SourceFile = "f", LineNumber = 100 + reference,
            },
            _ => new BankTransaction
            {
                PaymentRef = "P" + reference,
                Direction = kind == 10 ? Direction.Debit : Direction.Credit,
                AmountMinor = amount * 100,
                Currency = currency,
                Format = format,
                SourceFile = "f",
                LineNumber = 100 + reference,
                IsPayment = pays != 0,
                Account = "A1",
                BankReference = "R" + reference,
                TypeCode = "165",
                BookingDate = Day,
            },
        };

    private static Gen<List<BankFileReadResult>> Files =>
        from count in Gen.Choose(0, 4)
        from formats in Gen.Elements(BankFileFormat.Bai2, BankFileFormat.Camt053, BankFileFormat.Lockbox).ListOf(count)
        from transactions in Gen.Choose(0, 14).SelectMany(n => TransactionOf(BankFileFormat.Bai2).ListOf(n)).ListOf(formats.Count)
        select formats.Select((format, f) => new BankFileReadResult(
            "f" + f,
            format,
            transactions[f].Select(t => t with { SourceFile = "f" + f, Format = t.Format == BankFileFormat.Bai2 && t.TypeCode != "115" ? format : t.Format }).ToList(),
            [])).ToList();

    /// <summary>One pass through the files in order: how the run sorted its credits before they were sorted in slices.</summary>
    private static CreditSorting.Sorted OnePass(List<BankFileReadResult> files, Repeats repeats, DepositReconciliation deposits)
    {
        var sorted = new CreditSorting.Sorted([], [], [], []);
        foreach (var file in files)
        {
            int credits = 0, paying = 0, debits = 0, repeated = 0;
            Int128 creditTotal = 0;
            var byCurrency = new SortedDictionary<string, Int128>(StringComparer.Ordinal);
            foreach (var transaction in file.Transactions)
            {
                if (transaction.Direction == Direction.Debit)
                {
                    debits++;
                    continue;
                }

                credits++;
                creditTotal += transaction.AmountMinor;
                byCurrency[transaction.Currency] = byCurrency.GetValueOrDefault(transaction.Currency) + transaction.AmountMinor;
                if (repeats.Contains(transaction))
                {
                    repeated++;
                }
                else if (deposits.TryGet(transaction, out _))
                {
                    sorted.DepositCredits.Add(transaction);
                }
                else if (transaction.IsPayment)
                {
                    paying++;
                    sorted.Payments.Add(Payment.FromTransaction(transaction));
                }
                else
                {
                    sorted.NotPayments.Add(transaction);
                }
            }

            sorted.Summaries.Add(new BankFileSummary(file.FileName, file.Format, credits, paying, debits, creditTotal, file.Warnings) { CreditTotals = byCurrency, Duplicates = repeated });
        }

        return sorted;
    }

    private static string Describe(CreditSorting.Sorted sorted) => string.Join(
        "\n",
        [
            .. sorted.Payments.Select(p => $"pay {p.PaymentRef} {p.Amount.Minor} {p.Amount.Currency.Code} {p.SourceFile}:{p.LineNumber}"),
            .. sorted.NotPayments.Select(t => $"not {t.PaymentRef} {t.SourceFile}:{t.LineNumber}"),
            .. sorted.DepositCredits.Select(t => $"deposit {t.PaymentRef} {t.SourceFile}:{t.LineNumber}"),
            .. sorted.Summaries.Select(s => $"file {s.FileName} {s.Format} {s.Credits} {s.Payments} {s.Debits} {s.CreditMinorTotal} dup {s.Duplicates} " +
                string.Join(";", s.CreditTotals.Select(kv => $"{kv.Key}={kv.Value}"))),
        ]);

    [Property(MaxTest = 300)]
    public Property Sort_InAnySlices_IsOnePassThroughTheFilesInOrder() =>
        Prop.ForAll(Files.ToArbitrary(), Gen.Choose(1, 6).ToArbitrary(), (files, sliceSize) =>
        {
            var repeats = Repeats.Find(files);
            var deposits = DepositReconciliation.Reconcile(files.SelectMany(f => f.Transactions).Where(t => !repeats.Contains(t)));
            string expected;
            try
            {
                expected = Describe(OnePass(files, repeats, deposits));
            }
            catch (ArgumentException failure)
            {
                var thrown = Assert.Throws<ArgumentException>(() => CreditSorting.Sort(files, repeats, deposits, _ => TimeSpan.Zero, sliceSize));
                Assert.Equal(failure.Message, thrown.Message);
                return;
            }

            var sorted = CreditSorting.Sort(files, repeats, deposits, _ => TimeSpan.Zero, sliceSize);
            Assert.Equal(expected, Describe(sorted));
            Assert.All(sorted.Summaries, s => Assert.IsType<SortedDictionary<string, Int128>>(s.CreditTotals));
        });

    [Fact]
    public void Sort_ABadCurrencyInALaterSlice_FailsOnTheFirstInFileOrder()
    {
        static BankTransaction Credit(string reference, string currency, long line) => new()
        {
            PaymentRef = reference, Direction = Direction.Credit, AmountMinor = 100, Currency = currency, Format = BankFileFormat.Bai2,
            SourceFile = "day.bai2", LineNumber = line,
        };

        var transactions = Enumerable.Range(1, 40).Select(n => Credit("P" + n, n is 17 or 33 ? "XXY" : "USD", n)).ToList();
        BankFileReadResult[] files = [new("day.bai2", BankFileFormat.Bai2, transactions, [])];

        var failure = Assert.Throws<ArgumentException>(() => CreditSorting.Sort(files, Repeats.Find(files), DepositReconciliation.Reconcile(transactions), _ => TimeSpan.Zero, sliceSize: 4));

        Assert.StartsWith("day.bai2:17: unknown currency 'XXY'.", failure.Message, StringComparison.Ordinal);
    }
}
