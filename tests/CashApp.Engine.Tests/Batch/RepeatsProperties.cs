using CashApp.Engine.Batch;
using CashApp.Parsers.Common;
using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;

namespace CashApp.Engine.Tests.Batch;

/// <summary>
/// <see cref="Repeats.Find"/> gives keys only to the credits of a format family two files hold; it must find exactly
/// the repeats that giving every credit of every file its key finds (the way it was written before).
/// </summary>
public sealed class RepeatsProperties
{
    private static readonly BankFileFormat[] Formats =
        [BankFileFormat.Bai2, BankFileFormat.Camt053, BankFileFormat.Camt054, BankFileFormat.Lockbox, BankFileFormat.LockboxCsv, BankFileFormat.Unknown];

    /// <summary>A credit or debit from a few values of each field, so that equal keys, within and across files, are common.</summary>
    private static Gen<BankTransaction> TransactionOf(BankFileFormat fileFormat) =>
        from mixed in Gen.Choose(0, 9)
        from other in Gen.Elements(Formats)
        from debit in Gen.Choose(0, 5)
        from account in Gen.Elements("A1", "A2", "A|3")
        from reference in Gen.Elements<string?>(null, "R1", "R2", "R#3")
        from amount in Gen.Choose(1, 3)
        from day in Gen.Choose(1, 2)
        from pays in Gen.Choose(0, 6)
        from typeCode in Gen.Elements<string?>(null, "165", "175")
        from customerRef in Gen.Elements<string?>(null, null, "C1", "C2")
        select new BankTransaction
        {
            PaymentRef = "P" + amount,
            Direction = debit == 0 ? Direction.Debit : Direction.Credit,
            AmountMinor = amount * 100,
            Currency = "USD",
            // Now and then a credit of another format than its file's.
            Format = mixed == 0 ? other : fileFormat,
            SourceFile = "f",
            LineNumber = 1,
            IsPayment = pays != 0,
            Account = account,
            BankReference = reference,
            TypeCode = typeCode,
            BookingDate = new DateOnly(2026, 11, day),

            // A BAI2 credit without a bank reference is keyed by its customer reference, which only Extra holds.
            Extra = customerRef is null ? new Dictionary<string, string>() : new Dictionary<string, string> { ["customer_ref"] = customerRef, ["raw_text"] = "TEXT" },
        };

    private static Gen<BankFileReadResult> File =>
        from format in Gen.Elements(Formats)
        from transactions in Gen.Choose(0, 12).SelectMany(n => TransactionOf(format).ListOf(n))
        select new BankFileReadResult("f", format, transactions.ToList(), []);

    /// <summary>A BAI2 file: its credits without a bank reference are keyed by their customer references.</summary>
    private static Gen<BankFileReadResult> Bai2File =>
        from transactions in Gen.Choose(0, 12).SelectMany(n => TransactionOf(BankFileFormat.Bai2).ListOf(n))
        select new BankFileReadResult("f", BankFileFormat.Bai2, transactions.ToList(), []);

    /// <summary>Every credit of every file keyed, the files in order: what <see cref="Repeats.Find"/> did before.</summary>
    private static List<(BankTransaction Credit, BankTransaction First)> EveryKey(List<BankFileReadResult> files)
    {
        var found = new List<(BankTransaction, BankTransaction)>();
        if (files.Count < 2)
        {
            return found;
        }

        var first = new Dictionary<string, BankTransaction>(StringComparer.Ordinal);
        foreach (var file in files)
        {
            var credits = file.Transactions.Where(t => t.Direction == Direction.Credit).ToList();
            var keys = PaymentIdentity.Keys(credits);
            for (var i = 0; i < credits.Count; i++)
            {
                if (first.TryGetValue(keys[i], out var earlier))
                {
                    found.Add((credits[i], earlier));
                }
            }

            for (var i = 0; i < credits.Count; i++)
            {
                first.TryAdd(keys[i], credits[i]);
            }
        }

        return found;
    }

    [Property(MaxTest = 500)]
    public Property Find_AnyFiles_FindsWhatKeyingEveryCreditFinds() =>
        Prop.ForAll(Gen.Choose(0, 4).SelectMany(n => File.ListOf(n)).ToArbitrary(), files =>
        {
            var list = files.ToList();
            var expected = EveryKey(list);
            var repeats = Repeats.Find(list);
            Assert.Equal(expected.Count, repeats.Credits.Count);
            for (var i = 0; i < expected.Count; i++)
            {
                Assert.Same(expected[i].Credit, repeats.Credits[i].Credit);
                Assert.Same(expected[i].First, repeats.Credits[i].First);
            }

            foreach (var t in list.SelectMany(f => f.Transactions))
            {
                Assert.Equal(expected.Any(r => ReferenceEquals(r.Credit, t)), repeats.Contains(t));
            }
        });

    /// <summary>
    /// <see cref="PaymentIdentity.ReadsExtra"/>: with the Extra of every credit it declines emptied, as the match run
    /// reads its files, the same credits are repeats of the same earlier ones.
    /// </summary>
    [Property(MaxTest = 500)]
    public Property Find_WithTheExtraKeysDoNotReadEmptied_FindsTheSameRepeats() =>
        Prop.ForAll(Gen.Choose(1, 4).SelectMany(n => Gen.Frequency((1, File), (2, Bai2File)).ListOf(n)).ToArbitrary(), files =>
        {
            var list = files.ToList();
            var trimmed = list.Select(f => f with
            {
                Transactions = f.Transactions.Select(t => PaymentIdentity.ReadsExtra(t) ? t : t with { Extra = new Dictionary<string, string>() }).ToList(),
            }).ToList();
            static List<string> Found(List<BankFileReadResult> files)
            {
                var positions = new Dictionary<BankTransaction, string>(ReferenceEqualityComparer.Instance);
                for (var f = 0; f < files.Count; f++)
                {
                    for (var i = 0; i < files[f].Transactions.Count; i++)
                    {
                        positions[files[f].Transactions[i]] = $"{f}.{i}";
                    }
                }

                return [.. Repeats.Find(files).Credits.Select(r => $"{positions[r.Credit]}<{positions[r.First]}")];
            }

            var whole = Found(list);
            return whole.SequenceEqual(Found(trimmed)).Label(string.Join(" ", whole))
                .Classify(list.SelectMany(f => f.Transactions).Any(t => !PaymentIdentity.ReadsExtra(t) && t.Extra.Count > 0), "some Extra emptied");
        });

    [Fact]
    public void Find_ABai2AndItsResentCopyBesideACamtFile_FindsTheBai2Repeats()
    {
        BankTransaction Credit(BankFileFormat format, string reference) => new()
        {
            PaymentRef = reference,
            Direction = Direction.Credit,
            AmountMinor = 100,
            Currency = "USD",
            Format = format,
            SourceFile = "f",
            LineNumber = 1,
            Account = "A1",
            BankReference = reference,
        };

        var day = new BankFileReadResult("day.bai2", BankFileFormat.Bai2, [Credit(BankFileFormat.Bai2, "R1"), Credit(BankFileFormat.Bai2, "R2")], []);
        var camt = new BankFileReadResult("day.xml", BankFileFormat.Camt053, [Credit(BankFileFormat.Camt053, "R1")], []);
        var resent = new BankFileReadResult("resent.bai2", BankFileFormat.Bai2, [Credit(BankFileFormat.Bai2, "R2")], []);

        var repeats = Repeats.Find([day, camt, resent]);

        var (credit, first) = Assert.Single(repeats.Credits);
        Assert.Same(resent.Transactions[0], credit);
        Assert.Same(day.Transactions[1], first);
        Assert.Empty(Repeats.Find([day, camt]).Credits);
    }
}
