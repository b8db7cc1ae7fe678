using CashApp.Engine.Deposits;
using CashApp.Parsers.Common;
using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;

namespace CashApp.Engine.Tests.Deposits;

/// <summary>
/// Deposits held against their detail, on transactions as the readers make them: a BAI2 lockbox deposit against a
/// lockbox file's checks, a camt.053 entry without details against a camt.054 entry.
/// </summary>
public sealed class DepositReconciliationTests
{
    private static readonly DateOnly Day = new(2026, 11, 20);

    private static BankTransaction Bai2(string bankRef, long amountMinor, string typeCode = "115", string? text = null, string? customerRef = null, DateOnly? date = null, string file = "day.bai2", long line = 5)
    {
        var extra = new Dictionary<string, string>();
        if (text is not null)
        {
            extra["raw_text"] = text;
        }

        if (customerRef is not null)
        {
            extra["customer_ref"] = customerRef;
        }

        return new BankTransaction
        {
            PaymentRef = bankRef, Direction = Direction.Credit, AmountMinor = amountMinor, Currency = "USD", Format = BankFileFormat.Bai2,
            SourceFile = file, LineNumber = line, TypeCode = typeCode, ValueDate = date ?? Day, FreeText = text, Extra = extra,
        };
    }

    private static BankTransaction Check(string lockbox, string batch, int item, long amountMinor, DateOnly? date = null, string file = "day.lockbox.txt") => new()
    {
        PaymentRef = $"{lockbox}-{batch}-{item:000}", Direction = Direction.Credit, AmountMinor = amountMinor, Currency = "USD", Format = BankFileFormat.Lockbox,
        SourceFile = file, LineNumber = 3 + item, TypeCode = "6", ValueDate = date ?? Day,
    };

    private static BankTransaction Camt(BankFileFormat format, string paymentRef, string entryServicerRef, long amountMinor, bool withoutDetails, string file, string bookingDate = "2026-11-20")
    {
        var extra = new Dictionary<string, string> { ["entry_account_servicer_ref"] = entryServicerRef, ["booking_date"] = bookingDate, ["statement_id"] = "S-1" };
        if (withoutDetails)
        {
            extra["without_details"] = "true";
        }

        return new BankTransaction
        {
            PaymentRef = paymentRef, Direction = Direction.Credit, AmountMinor = amountMinor, Currency = "EUR", Format = format,
            SourceFile = file, LineNumber = 10, ValueDate = Day, Extra = extra,
        };
    }

    [Fact]
    public void Reconcile_LockboxDepositEqualToItsChecks_IsReconciledWithTheWholeLockbox()
    {
        var deposit = Bai2("LBX0012345", 1_250_00, text: "LOCKBOX DEPOSIT");
        var result = DepositReconciliation.Reconcile([deposit, Check("0012345", "001", 1, 1_000_00), Check("0012345", "001", 2, 250_00)]);

        var match = Assert.Single(result.Deposits);
        Assert.Same(deposit, match.Deposit);
        Assert.Equal(DepositStatus.Reconciled, match.Status);
        Assert.Equal((DepositDetailKind.Lockbox, "0012345", 1_250_00L, 2, "day.lockbox.txt"), (match.Detail.Kind, match.Detail.Key, match.Detail.TotalMinor, match.Detail.Count, match.Detail.SourceFile));
        Assert.Equal((1, 0), (result.Reconciled, result.Differing));
        Assert.True(result.TryGet(deposit, out _));
        Assert.Contains("reconciled", match.Describe(), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("9876543", null, "LOCKBOX 12345 DEPOSIT")]
    [InlineData("9876543", "0012345", null)]
    [InlineData("12345-01", null, null)]
    public void Reconcile_LockboxNamedInTextOrCustomerRefOrWithoutZeros_IsFound(string bankRef, string? customerRef, string? text)
    {
        var result = DepositReconciliation.Reconcile([Bai2(bankRef, 500_00, text: text, customerRef: customerRef), Check("0012345", "001", 1, 500_00)]);

        Assert.Equal(DepositStatus.Reconciled, Assert.Single(result.Deposits).Status);
    }

    [Fact]
    public void Reconcile_LockboxChecksInTwoFilesOfAnyName_OneLockboxTiedByNumberDateAndTotal()
    {
        var deposit = Bai2("LBX0012345", 1_250_00, text: "LOCKBOX DEPOSIT");
        BankTransaction[] parts = [Check("0012345", "001", 1, 1_000_00, file: "zz-0715.dat"), Check("12345", "002", 2, 250_00, file: "A_TRANSMISSION.txt")];

        foreach (var order in new[] { parts, [.. parts.Reverse()] })
        {
            var match = Assert.Single(DepositReconciliation.Reconcile([deposit, .. order]).Deposits);
            Assert.Equal((DepositStatus.Reconciled, 1_250_00L, 2), (match.Status, match.Detail.TotalMinor, match.Detail.Count));
            Assert.Equal(["A_TRANSMISSION.txt", "zz-0715.dat"], match.Detail.Files);
            Assert.Equal(("A_TRANSMISSION.txt", 5L), (match.Detail.SourceFile, match.Detail.LineNumber));
            Assert.Contains("A_TRANSMISSION.txt, zz-0715.dat", match.Describe(), StringComparison.Ordinal);
        }
    }

    [Fact]
    public void Reconcile_TotalDiffers_IsDifferingAndNamesBothFilesAndTheDifference()
    {
        var deposit = Bai2("LBX0012345", 1_200_00);
        var result = DepositReconciliation.Reconcile([deposit, Check("0012345", "001", 1, 1_000_00), Check("0012345", "001", 2, 250_00)]);

        var match = Assert.Single(result.Deposits);
        Assert.Equal(DepositStatus.Differing, match.Status);
        Assert.Equal(-50_00, match.DifferenceMinor);
        Assert.Equal((0, 1), (result.Reconciled, result.Differing));
        var text = match.Describe();
        Assert.Contains("day.bai2 line 5", text, StringComparison.Ordinal);
        Assert.Contains("day.lockbox.txt", text, StringComparison.Ordinal);
        Assert.Contains("-50.00", text, StringComparison.Ordinal);
    }

    [Fact]
    public void Reconcile_NoDetailFile_LeavesTheDepositAPayment()
    {
        var deposit = Bai2("LBX0012345", 1_250_00);
        var result = DepositReconciliation.Reconcile([deposit, Bai2("ACH1", 10_00, typeCode: "165")]);

        Assert.Empty(result.Deposits);
        Assert.False(result.TryGet(deposit, out _));
    }

    [Theory]
    [InlineData("LBX7654321", "2026-11-20")] // another lockbox
    [InlineData("LBX0012345", "2026-11-19")] // another deposit date
    public void Reconcile_LockboxOrDateDisagree_IsNoDepositOfThatDetail(string bankRef, string date)
    {
        var result = DepositReconciliation.Reconcile([Bai2(bankRef, 1_250_00, date: DateOnly.Parse(date, System.Globalization.CultureInfo.InvariantCulture)), Check("0012345", "001", 1, 1_250_00)]);

        Assert.Empty(result.Deposits);
    }

    [Fact]
    public void Reconcile_NotALockboxDepositTypeCode_IsNeverADeposit()
    {
        var result = DepositReconciliation.Reconcile([Bai2("LBX0012345", 1_250_00, typeCode: "165"), Check("0012345", "001", 1, 1_250_00)]);

        Assert.Empty(result.Deposits);
    }

    [Fact]
    public void Reconcile_TwoLockboxesDepositedTheSameDay_EachMeetsItsOwn()
    {
        var first = Bai2("LBX0012345", 700_00, line: 5);
        var second = Bai2("LBX0012346", 700_00, line: 6);
        var result = DepositReconciliation.Reconcile([second, Check("0012346", "001", 1, 700_00), first, Check("0012345", "001", 1, 300_00), Check("0012345", "001", 2, 400_00)]);

        Assert.Equal(2, result.Reconciled);
        Assert.True(result.TryGet(first, out var a) && a.Detail.Key == "0012345");
        Assert.True(result.TryGet(second, out var b) && b.Detail.Key == "0012346");
    }

    [Fact]
    public void Reconcile_OneLockboxDepositedBatchByBatch_EachDepositMeetsItsBatch()
    {
        var first = Bai2("D1", 300_00, text: "LOCKBOX 0012345", line: 5);
        var second = Bai2("D2", 900_00, text: "LOCKBOX 0012345", line: 6);
        var result = DepositReconciliation.Reconcile([first, second, Check("0012345", "001", 1, 100_00), Check("0012345", "001", 2, 200_00), Check("0012345", "002", 1, 900_00)]);

        Assert.Equal((2, 0), (result.Reconciled, result.Differing));
        Assert.True(result.TryGet(first, out var a) && a.Detail is { Kind: DepositDetailKind.LockboxBatch, Batch: "001", TotalMinor: 300_00, Count: 2 });
        Assert.True(result.TryGet(second, out var b) && b.Detail is { Kind: DepositDetailKind.LockboxBatch, Batch: "002", TotalMinor: 900_00, Count: 1 });
    }

    [Fact]
    public void Reconcile_SecondDepositOfAReconciledLockbox_DiffersFromWhatIsLeft()
    {
        var whole = Bai2("D1", 300_00, text: "LOCKBOX 0012345");
        var extra = Bai2("D2", 50_00, text: "LOCKBOX 0012345");
        var result = DepositReconciliation.Reconcile([whole, extra, Check("0012345", "001", 1, 300_00)]);

        Assert.True(result.TryGet(whole, out var a) && a.Status == DepositStatus.Reconciled);
        Assert.True(result.TryGet(extra, out var b) && b.Status == DepositStatus.Differing && b.Detail.TotalMinor == 0 && b.DifferenceMinor == 50_00);
    }

    [Fact]
    public void Reconcile_DepositAndItsItemsBothReported_EachIsReconciledAndNoCheckTwiceByItems()
    {
        var deposit = Bai2("LBX0012345", 1_250_00, line: 5);
        var first = Bai2("I1", 250_00, typeCode: "116", text: "LOCKBOX 0012345 ITEM", line: 6);
        var second = Bai2("I2", 1_000_00, typeCode: "116", text: "LOCKBOX 0012345 ITEM", line: 7);
        var third = Bai2("I3", 250_00, typeCode: "116", text: "LOCKBOX 0012345 ITEM", line: 8);
        var result = DepositReconciliation.Reconcile([deposit, first, second, third, Check("0012345", "001", 1, 1_000_00), Check("0012345", "001", 2, 250_00)]);

        Assert.True(result.TryGet(deposit, out var lump) && lump is { Status: DepositStatus.Reconciled, Detail.Kind: DepositDetailKind.Lockbox });
        Assert.True(result.TryGet(first, out var a) && a is { Status: DepositStatus.Reconciled, Detail: { Kind: DepositDetailKind.LockboxCheck, TotalMinor: 250_00, Count: 1 } });
        Assert.True(result.TryGet(second, out var b) && b is { Status: DepositStatus.Reconciled, Detail.TotalMinor: 1_000_00 });
        Assert.True(result.TryGet(third, out var c) && c.Status == DepositStatus.Differing);
        Assert.Contains("matches no check of that amount", c.Describe(), StringComparison.Ordinal);
        Assert.Equal((3, 1), (result.Reconciled, result.Differing));
    }

    [Fact]
    public void Reconcile_Camt053EntryWithoutDetails_IsReconciledWithItsCamt054Entry()
    {
        var lump = Camt(BankFileFormat.Camt053, "E-7#1", "E-7", 1_500_00, withoutDetails: true, "day.camt053.xml");
        var result = DepositReconciliation.Reconcile(
        [
            lump,
            Camt(BankFileFormat.Camt054, "T1", "E-7", 1_000_00, withoutDetails: false, "day.camt054.xml"),
            Camt(BankFileFormat.Camt054, "T2", "E-7", 500_00, withoutDetails: false, "day.camt054.xml"),
        ]);

        var match = Assert.Single(result.Deposits);
        Assert.Same(lump, match.Deposit);
        Assert.Equal((DepositStatus.Reconciled, DepositDetailKind.Notification, "E-7", 2), (match.Status, match.Detail.Kind, match.Detail.Key, match.Detail.Count));
    }

    [Fact]
    public void Reconcile_Camt053EntryWithItsOwnDetails_IsNoDeposit()
    {
        var result = DepositReconciliation.Reconcile(
        [
            Camt(BankFileFormat.Camt053, "T1", "E-7", 1_500_00, withoutDetails: false, "day.camt053.xml"),
            Camt(BankFileFormat.Camt054, "T1", "E-7", 1_500_00, withoutDetails: false, "day.camt054.xml"),
        ]);

        Assert.Empty(result.Deposits);
    }

    [Fact]
    public void Reconcile_Camt054EntryOfAnotherDayOrTotal_DiffersOrIsNoDeposit()
    {
        var otherDay = DepositReconciliation.Reconcile(
        [
            Camt(BankFileFormat.Camt053, "E-7#1", "E-7", 1_500_00, withoutDetails: true, "day.camt053.xml"),
            Camt(BankFileFormat.Camt054, "T1", "E-7", 1_500_00, withoutDetails: false, "day.camt054.xml", bookingDate: "2026-11-19"),
        ]);
        var otherTotal = DepositReconciliation.Reconcile(
        [
            Camt(BankFileFormat.Camt053, "E-7#1", "E-7", 1_500_00, withoutDetails: true, "day.camt053.xml"),
            Camt(BankFileFormat.Camt054, "T1", "E-7", 1_400_00, withoutDetails: false, "day.camt054.xml"),
        ]);

        Assert.Empty(otherDay.Deposits);
        Assert.Equal(DepositStatus.Differing, Assert.Single(otherTotal.Deposits).Status);
    }

    [Fact]
    public void Reconcile_OnlyAPayersBatchIdInCommon_ReconcilesAnEqualTotalAndNeverFlagsAnotherOne()
    {
        static BankTransaction ByBatchId(BankTransaction t, string entryRef) => t with
        {
            Extra = new Dictionary<string, string> { ["entry_account_servicer_ref"] = entryRef, ["batch_payment_information_id"] = "PMT-1", ["booking_date"] = "2026-11-20", ["statement_id"] = "S-1" }
                .Concat(t.Extra.Where(e => e.Key == "without_details")).ToDictionary(),
        };
        BankTransaction[] Day(long notified) =>
        [
            ByBatchId(Camt(BankFileFormat.Camt053, "A#1", "A", 1_500_00, withoutDetails: true, "day.camt053.xml"), "A"),
            ByBatchId(Camt(BankFileFormat.Camt054, "T1", "B", notified, withoutDetails: false, "day.camt054.xml"), "B"),
        ];

        Assert.Equal(DepositStatus.Reconciled, Assert.Single(DepositReconciliation.Reconcile(Day(1_500_00)).Deposits).Status);
        Assert.Empty(DepositReconciliation.Reconcile(Day(1_400_00)).Deposits);
    }

    [Theory]
    [InlineData("0012345-001-003", "0012345", "001")]
    [InlineData("LB-12-001-003", "LB-12", "001")]
    [InlineData("nodash", null, null)]
    [InlineData("A-B", null, null)]
    public void SplitCheckRef_TakesBatchAndItemFromTheRight(string reference, string? lockbox, string? batch)
    {
        var split = DepositReconciliation.SplitCheckRef(reference);
        Assert.Equal(lockbox, split?.Lockbox);
        Assert.Equal(batch, split?.Batch);
    }

    /// <summary>
    /// Any number of lockboxes and deposits, in any order: the answer does not depend on the order, a reconciled
    /// deposit equals its detail's total, and no lockbox or batch is taken by two reconciled deposits.
    /// </summary>
    [Property(MaxTest = 200, Replay = "(17,29)")]
    public Property Reconcile_AnyOrder_SameAnswerAndEveryDetailTakenOnce() =>
        Prop.ForAll(ArbMap.Default.ArbFor<int>(), seed =>
        {
            var random = new Random(seed);
            var transactions = new List<BankTransaction>();
            var lockboxes = random.Next(1, 4);
            for (var l = 0; l < lockboxes; l++)
            {
                var number = (1_000_000 + l).ToString(System.Globalization.CultureInfo.InvariantCulture);
                var batches = random.Next(1, 3);
                long total = 0;
                var batchTotals = new List<long>();
                for (var b = 1; b <= batches; b++)
                {
                    long batchTotal = 0;
                    for (var i = 1; i <= random.Next(1, 4); i++)
                    {
                        var amount = random.Next(1, 5) * 100_00L;
                        batchTotal += amount;
                        transactions.Add(Check(number, b.ToString("000", System.Globalization.CultureInfo.InvariantCulture), i, amount));
                    }

                    batchTotals.Add(batchTotal);
                    total += batchTotal;
                }

                // A deposit of the whole, of each batch, of a wrong amount, or none at all.
                switch (random.Next(4))
                {
                    case 0:
                        transactions.Add(Bai2("W" + number, total, text: "LOCKBOX " + number, line: l));
                        break;
                    case 1:
                        transactions.AddRange(batchTotals.Select((t, i) => Bai2($"B{number}-{i}", t, text: "LBX " + number, line: 100 + (l * 10) + i)));
                        break;
                    case 2:
                        transactions.Add(Bai2("X" + number, total + random.Next(-3, 4), text: "LOCKBOX " + number, line: 200 + l));
                        break;
                    default:
                        break;
                }
            }

            var forward = DepositReconciliation.Reconcile(transactions);
            var shuffled = transactions.OrderBy(_ => random.Next()).ToList();
            var backward = DepositReconciliation.Reconcile(shuffled);

            static string Answer(DepositReconciliation r) => string.Join(";", r.Deposits
                .Select(d => $"{d.Deposit.PaymentRef}:{d.Status}:{d.Detail.Kind}:{d.Detail.Key}:{d.Detail.Batch}:{d.Detail.TotalMinor}")
                .Order(StringComparer.Ordinal));
            var reconciled = forward.Deposits.Where(d => d.Status == DepositStatus.Reconciled).ToList();
            var checks = transactions.Where(t => t.Format == BankFileFormat.Lockbox).GroupBy(t => t.PaymentRef[..7]).ToDictionary(g => g.Key, g => g.Sum(t => t.AmountMinor));
            var takenOnce = reconciled.GroupBy(d => d.Detail.Key).All(g => g.Sum(d => d.Detail.TotalMinor) <= checks[g.Key]);
            return Answer(forward) == Answer(backward)
                && reconciled.All(d => d.Deposit.AmountMinor == d.Detail.TotalMinor && d.Detail.Count > 0)
                && forward.Deposits.All(d => d.Status == DepositStatus.Reconciled || d.DifferenceMinor != 0)
                && takenOnce;
        });

    /// <summary>
    /// <see cref="DepositReconciliation.ReadsExtra"/>: a day of every kind of credit the reconciliation looks at or
    /// passes by (lockbox checks, BAI2 deposits and items whose lockbox is named only in the record's text or only in
    /// the customer reference, other BAI2 credits and debits naming a lockbox, camt.053 entries with and without
    /// details, camt.054 notifications of those entries and of others, of other dates and totals): reconciled with
    /// the Extra of every transaction it declines emptied, the answer is the same, and so is what
    /// <see cref="DepositReconciliation.IsDeposit"/> and <see cref="DepositReconciliation.DetailOf"/> say of each
    /// transaction.
    /// </summary>
    [Property(MaxTest = 300, Replay = "(20261206,5)")]
    public Property Reconcile_WithTheExtraItDoesNotReadEmptied_GivesTheSameAnswer() =>
        Prop.ForAll(ArbMap.Default.ArbFor<int>(), seed =>
        {
            var random = new Random(seed);
            var transactions = new List<BankTransaction>();
            var line = 0;
            var lockboxes = random.Next(1, 4);
            for (var l = 0; l < lockboxes; l++)
            {
                var number = (2_000_000 + l).ToString(System.Globalization.CultureInfo.InvariantCulture);
                long total = 0;
                var checks = random.Next(1, 4);
                for (var i = 1; i <= checks; i++)
                {
                    var amount = random.Next(1, 5) * 100_00L;
                    total += amount;
                    transactions.Add(Check(number, "001", i, amount));
                }

                // The lockbox named where only Extra has it: in the record's text (its free text says something else),
                // in the customer reference, or in both; by a deposit (115), an item (116), or a credit of another type.
                var typeCode = random.Next(3) switch { 0 => "115", 1 => "116", _ => "165" };
                var amountOf = typeCode == "116" ? transactions[^1].AmountMinor : total + (random.Next(4) == 0 ? 1 : 0);
                var extra = new Dictionary<string, string>();
                if (random.Next(3) != 0)
                {
                    extra["raw_text"] = "LOCKBOX " + number + " DEPOSIT";
                }

                if (random.Next(2) == 0 || extra.Count == 0)
                {
                    extra["customer_ref"] = "LBX" + number;
                }

                transactions.Add(new BankTransaction
                {
                    PaymentRef = "DEP" + (char)('A' + l), Direction = random.Next(6) == 0 ? Direction.Debit : Direction.Credit, AmountMinor = amountOf,
                    Currency = "USD", Format = BankFileFormat.Bai2, SourceFile = "day.bai2", LineNumber = ++line, TypeCode = typeCode, ValueDate = Day,
                    FreeText = "DEPOSIT", Extra = extra,
                });
            }

            var entries = random.Next(0, 4);
            for (var e = 0; e < entries; e++)
            {
                var servicer = "E" + e.ToString(System.Globalization.CultureInfo.InvariantCulture);
                var amount = random.Next(1, 9) * 50_00L;
                var withoutDetails = random.Next(3) != 0;
                transactions.Add(Camt(BankFileFormat.Camt053, "P" + servicer, servicer, amount, withoutDetails, "day.camt053.xml"));
                switch (random.Next(4))
                {
                    case 0:
                        break;
                    case 1:
                        transactions.Add(Camt(BankFileFormat.Camt054, "N" + servicer + "a", servicer, amount / 2, withoutDetails: false, "day.camt054.xml"));
                        transactions.Add(Camt(BankFileFormat.Camt054, "N" + servicer + "b", servicer, amount - (amount / 2), withoutDetails: false, "day.camt054.xml"));
                        break;
                    case 2:
                        transactions.Add(Camt(BankFileFormat.Camt054, "N" + servicer, servicer, amount + 1, withoutDetails: false, "day.camt054.xml"));
                        break;
                    default:
                        transactions.Add(Camt(BankFileFormat.Camt054, "N" + servicer, servicer, amount, withoutDetails: false, "day.camt054.xml", bookingDate: "2026-11-21"));
                        break;
                }
            }

            var trimmed = transactions.Select(t => DepositReconciliation.ReadsExtra(t) ? t : t with { Extra = new Dictionary<string, string>() }).ToList();
            static string Answer(DepositReconciliation r) => string.Join(";", r.Deposits
                .Select(d => $"{d.Deposit.PaymentRef}:{d.Status}:{d.Detail.Kind}:{d.Detail.Key}:{d.Detail.Batch}:{d.Detail.TotalMinor}:{d.Detail.Count}"));
            static string Each(BankTransaction t) => $"{DepositReconciliation.IsDeposit(t)}:{DepositReconciliation.DetailOf(t)}";
            var whole = DepositReconciliation.Reconcile(transactions);
            var declined = transactions.Count(t => !DepositReconciliation.ReadsExtra(t) && t.Extra.Count > 0);
            return (Answer(whole) == Answer(DepositReconciliation.Reconcile(trimmed))
                    && transactions.Select(Each).SequenceEqual(trimmed.Select(Each)))
                .Label($"{Answer(whole)} against {Answer(DepositReconciliation.Reconcile(trimmed))}")
                .Classify(whole.Deposits.Count > 0, "some deposit reconciled or differing")
                .Classify(declined > 0, "some Extra emptied");
        });
}
