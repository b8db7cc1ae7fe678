using System.Globalization;
using System.Text;
using CashApp.Parsers.Bai2;
using CashApp.Parsers.Common;
using CashApp.Parsers.Lockbox;
using CashApp.Parsers.Tests.Bai2;
using CashApp.Parsers.Tests.Lockbox;
using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;

namespace CashApp.Parsers.Tests.Common;

/// <summary>
/// A file read in parts on several threads (<see cref="BankFileParts"/>) gives what the one-thread reader gives: the
/// same transactions in the same order, the same warnings, or the same first error, whatever the part size (down to
/// a part per record) and the number of workers, and wherever a file is corrupted.
/// </summary>
public sealed class BankFilePartsTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("cashapp-parts").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    [Property(MaxTest = 150, Replay = "(20261203,1)")]
    public Property ReadInParts_RandomBai2File_GivesTheOneThreadRead() =>
        Prop.ForAll(Arb.From(Bai2PropertyTests.Files.Zip(Gen.Choose(1, 400)).Zip(Gen.Choose(1, 3))), input =>
        {
            var ((file, partBytes), workers) = input;
            var bytes = Bai2TestWriter.Render(file.File, file.Width, file.NewLine, file.FinalNewLine);
            return Compare(bytes, BankFileFormat.Bai2, new BankFileReadOptions(), partBytes, workers);
        });

    [Property(MaxTest = 100, Replay = "(20261203,5)")]
    public Property ReadInParts_WithoutExtra_GivesTheOneThreadReadWithEveryExtraEmpty() =>
        Prop.ForAll(Arb.From(Bai2PropertyTests.Files.Zip(Gen.Choose(1, 400))), input =>
        {
            var (file, partBytes) = input;
            var bytes = Bai2TestWriter.Render(file.File, file.Width, file.NewLine, file.FinalNewLine);
            return Compare(bytes, BankFileFormat.Bai2, new BankFileReadOptions(), partBytes, workers: 2, withoutExtra: true);
        });

    [Property(MaxTest = 300, Replay = "(20261203,3)")]
    public Property ReadInParts_CorruptedBai2File_GivesTheOneThreadReadOrItsFirstError() =>
        Prop.ForAll(Arb.From(Bai2PropertyTests.Files.Zip(Gen.Choose(0, int.MaxValue)).Zip(Gen.Choose(0, 6)).Zip(Gen.Elements(",/\n8-0 1Z9A\r".ToCharArray())).Zip(Gen.Choose(1, 200))), input =>
        {
            var ((((file, seed), kind), insert), partBytes) = input;
            var valid = Bai2TestWriter.Render(file.File, file.Width, file.NewLine, file.FinalNewLine);
            var corrupt = Bai2PropertyTests.Corrupt(valid, seed, kind, (byte)insert);
            return Compare(corrupt, BankFileFormat.Bai2, new BankFileReadOptions(), partBytes, workers: 2);
        });

    [Property(MaxTest = 100, Arbitrary = [typeof(LockboxGenerators)])]
    public Property ReadInParts_RandomLockboxFile_GivesTheOneThreadRead(LockboxCase c, PositiveInt partBytes, PositiveInt workers) =>
        Compare(c.Bytes, BankFileFormat.Lockbox, new BankFileReadOptions { LockboxLayout = c.Layout }, 1 + (partBytes.Get % 300), 1 + (workers.Get % 3));

    [Property(MaxTest = 300, Arbitrary = [typeof(LockboxGenerators)])]
    public Property ReadInParts_LockboxFileWithOneByteChanged_GivesTheOneThreadReadOrItsFirstError(LockboxCase c, PositiveInt position, byte value, PositiveInt partBytes)
    {
        var bytes = c.Bytes;
        bytes[position.Get % bytes.Length] = value;
        return Compare(bytes, BankFileFormat.Lockbox, new BankFileReadOptions { LockboxLayout = c.Layout }, 1 + (partBytes.Get % 200), workers: 2);
    }

    /// <summary>
    /// The overload <c>cashapp parse</c> writes its rows through: each part is made with its own index, in the place of
    /// the result that index names, and <c>checkedWhole</c> comes once, with every warning already given, exactly when
    /// the file reads without error (a file the checking reader rejects never calls it).
    /// </summary>
    [Property(MaxTest = 200, Arbitrary = [typeof(LockboxGenerators)])]
    public Property ReadInParts_CheckedWhole_ComesOnceWithEveryWarningWhenTheFileReads(LockboxCase c, PositiveInt position, byte value, bool corrupt, PositiveInt partBytes)
    {
        var bytes = c.Bytes;
        if (corrupt)
        {
            bytes[position.Get % bytes.Length] = value;
        }

        var path = Path.Combine(_dir, Guid.NewGuid().ToString("N"));
        File.WriteAllBytes(path, bytes);
        var warnings = new List<ParseWarning>();
        var warningsWhenChecked = new List<int>();
        IReadOnlyList<(int Index, List<BankTransaction> Transactions)>? parts = null;
        try
        {
            parts = BankFileParts.ReadAsync(
                    path,
                    BankFileFormat.Lockbox,
                    new BankFileReadOptions { LockboxLayout = c.Layout },
                    warnings,
                    index => (Index: index, Transactions: new List<BankTransaction>()),
                    (part, t) => part.Transactions.Add(t),
                    complete: null,
                    checkedWhole: () => warningsWhenChecked.Add(warnings.Count),
                    partBytes: 1 + (partBytes.Get % 200),
                    workers: 2)
                .GetAwaiter().GetResult();
        }
        catch (BankFileFormatException)
        {
        }

        File.Delete(path);
        return parts is null
            ? (warningsWhenChecked.Count == 0).Label("checked whole, then failed")
            : (warningsWhenChecked.SequenceEqual([warnings.Count]) && parts.Select(p => p.Index).SequenceEqual(Enumerable.Range(0, parts.Count)))
                .Label($"checked whole {warningsWhenChecked.Count} times; part indices {string.Join(',', parts.Select(p => p.Index))}");
    }

    [Fact]
    public async Task ReadInParts_ManyBai2PartsWithAnErrorInTheLast_ThrowsThatErrorAndNoOther()
    {
        // Enough details for a hundred parts, then a control total that does not add up at the very end.
        var path = Path.Combine(_dir, "late-error.bai2");
        await File.WriteAllTextAsync(path, Bai2WithDetails(2000, totalsOff: 1));

        var serial = await Assert.ThrowsAsync<Bai2FormatException>(() => BankFiles.ReadAllAsync(path, new BankFileReadOptions()));
        var parts = await Assert.ThrowsAsync<Bai2FormatException>(() => BankFileParts.ReadAsync(
            path, BankFileFormat.Bai2, new BankFileReadOptions(), null, () => new List<BankTransaction>(), (l, t) => l.Add(t), partBytes: 1024, workers: 2));

        Assert.Equal(2004, parts.LineNumber);
        Assert.Equal(serial.Message, parts.Message);
    }

    /// <summary>
    /// A file appended to once the checking reader has passed it (an upload still being written) is read as it was when
    /// opened: no part reads bytes the checking reader never saw. One worker is held in the first part until the append
    /// is made, so the last part is read after it; before, that part read to the file's new end and failed at the
    /// appended record, after <c>cashapp parse</c> had written every earlier part.
    /// </summary>
    [Fact]
    public async Task ReadInParts_FileAppendedToOnceChecked_ReadsTheFileAsOpened()
    {
        var path = Path.Combine(_dir, "appended.bai2");
        await File.WriteAllTextAsync(path, Bai2WithDetails(2000));
        var expected = await BankFiles.ReadAllAsync(path, new BankFileReadOptions());

        using var appended = new ManualResetEventSlim();
        var parts = await BankFileParts.ReadAsync(
            path,
            BankFileFormat.Bai2,
            new BankFileReadOptions(),
            null,
            _ => new List<BankTransaction>(),
            (part, t) =>
            {
                Assert.True(appended.Wait(TimeSpan.FromSeconds(30)), "the checking reader never passed the file");
                part.Add(t);
            },
            complete: null,
            checkedWhole: () =>
            {
                File.AppendAllText(path, "16,165,1,0,LATE,,/\n");
                appended.Set();
            },
            partBytes: 1024,
            workers: 1);

        Assert.True(parts.Count > 2);
        Assert.Equal(expected.Transactions.Select(t => t.BankReference), parts.SelectMany(p => p).Select(t => t.BankReference));
    }

    /// <summary>
    /// A strict BAI2 file of one account with <paramref name="details"/> credits, its 49, 98 and 99 totals off by
    /// <paramref name="totalsOff"/> (0: a valid file; else the 49 record, at line details + 4, fails).
    /// </summary>
    private static string Bai2WithDetails(int details, long totalsOff = 0)
    {
        var text = new StringBuilder("01,BANK,CUST,261203,0600,1,,,2/\n02,CUST,BANK,1,261203,0600,USD,2/\n03,1000123456,USD,010,0,,/\n");
        for (var i = 0; i < details; i++)
        {
            text.Append(CultureInfo.InvariantCulture, $"16,165,{1000 + i},0,REF{i:D6},,PAYMENT FROM PAYER {i % 17} INV {i:D6}/\n");
        }

        var total = Enumerable.Range(0, details).Sum(i => 1000L + i) + totalsOff;
        text.Append(CultureInfo.InvariantCulture, $"49,{total},{details + 2}/\n98,{total},1,{details + 4}/\n99,{total},1,{details + 6}/\n");
        return text.ToString();
    }

    [Fact]
    public void CanRead_LenientBai2OrCamt_IsFalse()
    {
        Assert.True(BankFileParts.CanRead(BankFileFormat.Bai2, new BankFileReadOptions()));
        Assert.True(BankFileParts.CanRead(BankFileFormat.Lockbox, new BankFileReadOptions()));
        Assert.False(BankFileParts.CanRead(BankFileFormat.Bai2, new BankFileReadOptions { Lenient = true }));
        Assert.False(BankFileParts.CanRead(BankFileFormat.Camt053, new BankFileReadOptions()));
        Assert.False(BankFileParts.CanRead(BankFileFormat.LockboxCsv, new BankFileReadOptions()));
    }

    [Property(MaxTest = 100, Arbitrary = [typeof(LockboxGenerators)])]
    public Property ReadInParts_LockboxWithoutExtra_GivesTheOneThreadReadWithEveryExtraEmpty(LockboxCase c, PositiveInt partBytes, PositiveInt workers) =>
        Compare(c.Bytes, BankFileFormat.Lockbox, new BankFileReadOptions { LockboxLayout = c.Layout }, 1 + (partBytes.Get % 300), 1 + (workers.Get % 3), withoutExtra: true);

    /// <summary>
    /// Compares the one-thread read with the read in parts; <paramref name="withoutExtra"/> reads the parts with
    /// <see cref="BankFileReadOptions.WithoutExtra"/> and compares all but <see cref="BankTransaction.Extra"/>, which must be empty.
    /// </summary>
    private Property Compare(byte[] bytes, BankFileFormat format, BankFileReadOptions options, int partBytes, int workers, bool withoutExtra = false)
    {
        var path = Path.Combine(_dir, Guid.NewGuid().ToString("N"));
        File.WriteAllBytes(path, bytes);
        var serial = Outcome(() =>
        {
            var warnings = new List<ParseWarning>();
            using var stream = File.OpenRead(path);
            var list = new List<BankTransaction>();
            foreach (var t in BankFiles.ReadAsync(stream, path, format, options, warnings).ToBlockingEnumerable())
            {
                list.Add(t);
            }

            return (list, warnings);
        }, withExtra: !withoutExtra);
        var extras = 0;
        var parts = Outcome(() =>
        {
            var warnings = new List<ParseWarning>();
            var read = BankFileParts.ReadAsync(path, format, options with { WithoutExtra = withoutExtra }, warnings, () => new List<BankTransaction>(), (l, t) => l.Add(t), partBytes: partBytes, workers: workers)
                .GetAwaiter().GetResult();
            var transactions = read.SelectMany(p => p).ToList();
            extras = transactions.Sum(t => t.Extra.Count);
            return (transactions, warnings);
        }, withExtra: !withoutExtra);
        File.Delete(path);
        return (serial == parts && (!withoutExtra || extras == 0)).Label($"{extras} extra fields in parts; one thread:\n{Shorten(serial)}\nin parts of {partBytes} bytes on {workers} workers:\n{Shorten(parts)}");
    }

    private static string Shorten(string text) => text.Length > 3000 ? text[..3000] + "..." : text;

    /// <summary>Everything a reader gives, as text: every property of every transaction, the warnings, or the error.</summary>
    private static string Outcome(Func<(List<BankTransaction> Transactions, List<ParseWarning> Warnings)> read, bool withExtra = true)
    {
        try
        {
            var (transactions, warnings) = read();
            var text = new StringBuilder();
            foreach (var t in transactions)
            {
                text.Append(CultureInfo.InvariantCulture, $"{t.PaymentRef}|{t.Direction}|{t.AmountMinor}|{t.Currency}|{t.Format}|{t.LineNumber}|{t.IsPayment}|{t.NotPaymentReason}|{t.TypeCode}|");
                text.Append(CultureInfo.InvariantCulture, $"{t.ValueDate:O}|{t.BookingDate:O}|{t.PayerName}|{t.PayerAccount}|{t.PayerId}|{t.Account}|{t.BankReference}|{t.FreeText}|{t.SourceFile}\n");
                foreach (var line in t.Remittance)
                {
                    text.Append(CultureInfo.InvariantCulture, $"  {line}\n");
                }

                foreach (var (key, value) in t.Extra.Where(_ => withExtra).OrderBy(p => p.Key, StringComparer.Ordinal))
                {
                    text.Append(CultureInfo.InvariantCulture, $"  {key}={value}\n");
                }
            }

            foreach (var warning in warnings)
            {
                text.Append(CultureInfo.InvariantCulture, $"warning {warning}\n");
            }

            return text.ToString();
        }
        catch (BankFileFormatException ex)
        {
            return $"{ex.GetType().Name} line {ex.LineNumber}: {ex.Message}";
        }
    }
}
