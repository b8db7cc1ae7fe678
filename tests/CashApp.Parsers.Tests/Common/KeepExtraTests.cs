using System.Text.Json;
using CashApp.Fixtures;
using CashApp.Parsers.Common;
using CashApp.Parsers.Lockbox;
using CashApp.Parsers.Tests.Bai2;
using CashApp.Parsers.Tests.Camt;
using CashApp.Parsers.Tests.Lockbox;
using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;

namespace CashApp.Parsers.Tests.Common;

/// <summary>
/// <see cref="BankFileReadOptions.KeepExtra"/>: a read with it gives what the read without it gives, transaction for
/// transaction, but for the <see cref="BankTransaction.Extra"/> of each transaction it declines, which is empty. It is
/// asked once per transaction, with that transaction's whole Extra, on one thread and in parts. The choice below
/// reads the Extra's text, so a BAI2 transaction's text lent to it must be that record's, and a kept one's must stay
/// its own after the records that follow.
/// </summary>
public sealed class KeepExtraTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("cashapp-keep-extra").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    [Property(MaxTest = 150, Replay = "(20261206,1)")]
    public Property Bai2_OnOneThreadAndInParts_DeclinedExtraEmptyAndEverythingElseTheSame() =>
        Prop.ForAll(Arb.From(Bai2PropertyTests.Files.Zip(Gen.Choose(1, 400)).Zip(Gen.Choose(0, 2)).Zip(Gen.Elements(false, false, true))), input =>
        {
            // Lenient files are read on one thread only (no parts), by the same transaction maker.
            var (((file, partBytes), which), lenient) = input;
            var bytes = Bai2TestWriter.Render(file.File, file.Width, file.NewLine, file.FinalNewLine);
            return Compare(bytes, BankFileFormat.Bai2, new BankFileReadOptions { Lenient = lenient }, partBytes, which);
        });

    [Theory]
    [InlineData("bai2")]
    [InlineData("lockbox")]
    [InlineData("camt")]
    public void WithWithoutExtra_WhatWithoutExtraKeepsIsKeptAndEveryDeclinedExtraIsEmpty(string kind)
    {
        var (bytes, format) = kind switch
        {
            "bai2" => (File.ReadAllBytes(Path.Combine(CashApp.Tests.TestPaths.Fixtures, "bai2", "spec_features.bai2")), BankFileFormat.Bai2),
            "lockbox" => (File.ReadAllBytes(Path.Combine(LockboxTestSupport.Files, "multi-lockbox-crlf.txt")), BankFileFormat.Lockbox),
            _ => (CamtWriter.Write(CamtWriter.Random(7)), BankFileFormat.Camt053),
        };
        var path = Path.Combine(_dir, kind);
        File.WriteAllBytes(path, bytes);
        var (alone, _) = OneThread(path, format, new BankFileReadOptions { WithoutExtra = true });
        var (kept, _) = OneThread(path, format, new BankFileReadOptions { WithoutExtra = true, KeepExtra = _ => true });
        var (declined, _) = OneThread(path, format, new BankFileReadOptions { WithoutExtra = true, KeepExtra = _ => false });

        Assert.NotEmpty(alone);
        Assert.Equal(alone.Select(Json), kept.Select(Json));
        Assert.Equal(alone.Select(t => Json(t with { Extra = new Dictionary<string, string>() })), declined.Select(Json));
    }

    [Property(MaxTest = 100, Arbitrary = [typeof(LockboxGenerators)])]
    public Property Lockbox_OnOneThreadAndInParts_DeclinedExtraEmptyAndEverythingElseTheSame(LockboxCase c, PositiveInt partBytes, PositiveInt which) =>
        Compare(c.Bytes, BankFileFormat.Lockbox, new BankFileReadOptions { LockboxLayout = c.Layout }, 1 + (partBytes.Get % 300), which.Get % 3);

    [Property(MaxTest = 150, Replay = "(20261206,3)")]
    public Property Camt_DeclinedExtraEmptyAndEverythingElseTheSame(int seed, byte which)
    {
        var bytes = CamtWriter.Write(CamtWriter.Random(seed));
        return Compare(bytes, BankFileFormat.Camt053, new BankFileReadOptions(), partBytes: 0, which % 3);
    }

    [Fact]
    public void Bai2_KeptTextsAreEachTheirOwnRecords()
    {
        // Records of different text lengths, the longest last: a kept transaction's text that still pointed into the
        // buffer lent for the question would read a later record's bytes.
        var text = string.Join("\n", Enumerable.Range(1, 40).Select(i => $"16,165,{i}00,Z,REF{i},,PAYMENT {new string((char)('A' + (i % 26)), i)} INV-{i}"));
        var bytes = System.Text.Encoding.ASCII.GetBytes(
            "01,BANK,ACME,261206,0800,1,,,2/\n02,ACME,BANK,1,261206,0800,USD,2/\n03,123,USD,,,,/\n" + text
            + "\n49,82000,42/\n98,82000,1,44/\n99,82000,1,46/\n");
        var path = Path.Combine(_dir, "texts.bai2");
        File.WriteAllBytes(path, bytes);
        var asked = 0;
        var lent = new List<IReadOnlyDictionary<string, string>>();
        using var stream = File.OpenRead(path);
        var read = BankFiles.ReadAsync(stream, path, BankFileFormat.Bai2, new BankFileReadOptions { KeepExtra = t => { lent.Add(t.Extra); return ++asked % 2 == 0; } }, warnings: null)
            .ToBlockingEnumerable().ToList();

        Assert.Equal(40, read.Count);
        Assert.Equal(40, asked);

        // An Extra kept past the call against the rule: a declined one reads no text at all, never a later record's.
        for (var i = 0; i < lent.Count; i += 2)
        {
            Assert.False(lent[i].ContainsKey("raw_text"));
            Assert.DoesNotContain(lent[i], pair => pair.Value.Contains("PAYMENT", StringComparison.Ordinal));
        }

        for (var i = 0; i < read.Count; i++)
        {
            if (i % 2 == 1)
            {
                Assert.StartsWith($"PAYMENT {new string((char)('A' + ((i + 1) % 26)), i + 1)} INV-{i + 1}", read[i].Extra["raw_text"], StringComparison.Ordinal);
            }
            else
            {
                Assert.Empty(read[i].Extra);
            }
        }
    }

    [Theory]
    [InlineData(0)]
    [InlineData(1)]
    public async Task Lockbox_KeptExtrasAreEachTheirOwnChecksAndALentOneEndsEmpty(int partBytes)
    {
        // A check's values are assembled in one array reused check after check and lent for the question: a kept payment
        // whose Extra still read that array would show a later check's date and payee. Three keys, so the values keep
        // their array; 60 checks in batches of 3, so that parts of 1 byte (a part per batch) run on two threads.
        var layout = LockboxLayout.Create("extras", 100, new Dictionary<char, IReadOnlyList<LockboxField>>
        {
            ['6'] = [.. LockboxLayout.Default.FieldsOf('6'), new("check_date", 81, 6), new("payee", 87, 12)],
        });
        var batches = Enumerable.Range(0, 20).Select(b => new LockboxBatchModel(
            (b + 1).ToString("000", System.Globalization.CultureInfo.InvariantCulture),
            [.. Enumerable.Range(0, 3).Select(i => (b * 3) + i + 1).Select(n => new LockboxCheckModel(
                (n % 3 + 1).ToString("000", System.Globalization.CultureInfo.InvariantCulture), 1000 + n, "011000015", $"{n}", $"{n}", $"PAYER {n}", [($"INV-{n}", null)],
                new Dictionary<string, string> { ["check_date"] = $"{120100 + n}", ["payee"] = n % 5 == 0 ? string.Empty : $"PAYEE {n}" }))]));
        var bytes = System.Text.Encoding.ASCII.GetBytes(LockboxWriter.Write(layout, [new LockboxModel("0012345", new DateOnly(2026, 12, 1), [.. batches])], new LockboxWriterOptions()));
        var path = Path.Combine(_dir, $"extras-{partBytes}.txt");
        File.WriteAllBytes(path, bytes);
        var options = new BankFileReadOptions { LockboxLayout = layout };
        var lent = new System.Collections.Concurrent.ConcurrentBag<IReadOnlyDictionary<string, string>>();
        var keep = options with
        {
            KeepExtra = t =>
            {
                lent.Add(t.Extra);
                return int.Parse(t.Extra["check_number"], System.Globalization.CultureInfo.InvariantCulture) % 2 == 0;
            },
        };

        var read = partBytes == 0
            ? OneThread(path, BankFileFormat.Lockbox, keep).Item1
            : [.. (await BankFileParts.ReadAsync(path, BankFileFormat.Lockbox, keep, null, () => new List<BankTransaction>(), (l, t) => l.Add(t), partBytes: partBytes, workers: 2)).SelectMany(p => p)];

        Assert.Equal(60, read.Count);
        Assert.Equal(60, lent.Count);
        foreach (var payment in read)
        {
            var n = int.Parse(payment.PayerAccount!.Split(':')[1], System.Globalization.CultureInfo.InvariantCulture);
            if (n % 2 == 0)
            {
                var expected = new SortedDictionary<string, string>(StringComparer.Ordinal) { ["check_number"] = $"{n}", ["check_date"] = $"{120100 + n}" };
                if (n % 5 != 0)
                {
                    expected["payee"] = $"PAYEE {n}";
                }

                Assert.Equal(expected, new SortedDictionary<string, string>(payment.Extra.ToDictionary(), StringComparer.Ordinal));
            }
            else
            {
                Assert.Empty(payment.Extra);
            }
        }

        // Kept past its question against the rule, a lent Extra reads nothing once the read is over, never the last
        // check's values.
        Assert.Contains(lent, extra => extra is not Dictionary<string, string> && extra.Count == 0 && !extra.ContainsKey("check_number"));
        Assert.All(lent.Where(extra => !read.Any(p => ReferenceEquals(p.Extra, extra))), extra => Assert.Empty(extra));
    }

    [Fact]
    public async Task Lockbox_LayoutWithoutExtraData_EveryPaymentIsAskedOnce()
    {
        // No check number and no extra field: no payment has extra data to lend, and each is still asked, once.
        var layout = LockboxLayout.Create("bare", 80, new Dictionary<char, IReadOnlyList<LockboxField>>
        {
            ['6'] = [.. LockboxLayout.Default.FieldsOf('6').Where(f => f.Name != "check_number")],
        });
        var batches = Enumerable.Range(0, 10).Select(b => new LockboxBatchModel(
            (b + 1).ToString("000", System.Globalization.CultureInfo.InvariantCulture),
            [.. Enumerable.Range(1, 3).Select(i => new LockboxCheckModel(i.ToString("000", System.Globalization.CultureInfo.InvariantCulture), 100 * i, "011000015", $"{b}{i}", $"{i}", $"PAYER {i}", []))]));
        var path = Path.Combine(_dir, "bare.txt");
        await File.WriteAllTextAsync(path, LockboxWriter.Write(layout, [new LockboxModel("0012345", new DateOnly(2026, 12, 1), [.. batches])], new LockboxWriterOptions()));
        var asked = 0;
        var keep = new BankFileReadOptions { LockboxLayout = layout, KeepExtra = t => Interlocked.Increment(ref asked) % 2 == 0 };

        var (serial, _) = OneThread(path, BankFileFormat.Lockbox, keep);
        var serialAsked = asked;
        asked = 0;
        var parts = await BankFileParts.ReadAsync(path, BankFileFormat.Lockbox, keep, null, () => new List<BankTransaction>(), (l, t) => l.Add(t), partBytes: 1, workers: 2);

        Assert.Equal(30, serial.Count);
        Assert.Equal(30, serialAsked);
        Assert.Equal(30, parts.Sum(p => p.Count));
        Assert.Equal(30, asked);
        Assert.All(serial.Concat(parts.SelectMany(p => p)), payment => Assert.Empty(payment.Extra));
    }

    /// <summary>
    /// Reads the file without the option and with it, on one thread and (for a format read in parts) in parts; the
    /// transactions with it must be those without it, each with its Extra emptied where the choice declines it.
    /// </summary>
    private Property Compare(byte[] bytes, BankFileFormat format, BankFileReadOptions options, int partBytes, int which)
    {
        var path = Path.Combine(_dir, Guid.NewGuid().ToString("N"));
        File.WriteAllBytes(path, bytes);
        var all = Outcome(() => OneThread(path, format, options));
        if (all.Error is not null)
        {
            // A file the reader rejects is rejected alike with the option: the same error.
            var rejected = Outcome(() => OneThread(path, format, options with { KeepExtra = _ => true }));
            return (rejected.Error == all.Error).Label($"error {all.Error} against {rejected.Error}");
        }

        var expected = all.Transactions.Select(t => Choose(t, which) ? Json(t) : Json(t with { Extra = new Dictionary<string, string>() })).ToList();
        var asked = 0;
        var keep = options with { KeepExtra = t => { Interlocked.Increment(ref asked); return Choose(t, which); } };
        var serial = Outcome(() => OneThread(path, format, keep));
        var serialAsked = asked;
        var ok = serial.Transactions.Select(Json).SequenceEqual(expected) && serial.Warnings.SequenceEqual(all.Warnings) && serialAsked == expected.Count;
        var label = $"one thread: asked {serialAsked} times for {expected.Count} transactions";
        if (BankFileParts.CanRead(format, options))
        {
            asked = 0;
            var parts = Outcome(() =>
            {
                var warnings = new List<ParseWarning>();
                var read = BankFileParts.ReadAsync(path, format, keep, warnings, () => new List<BankTransaction>(), (l, t) => l.Add(t), partBytes: partBytes, workers: 2)
                    .GetAwaiter().GetResult();
                return (read.SelectMany(p => p).ToList(), warnings);
            });
            ok &= parts.Transactions.Select(Json).SequenceEqual(expected) && parts.Warnings.SequenceEqual(all.Warnings) && asked == expected.Count;
            label += $"; in parts of {partBytes} bytes: asked {asked} times";
        }

        File.Delete(path);
        var kept = all.Transactions.Count(t => Choose(t, which));
        return ok.Label(label).Classify(kept > 0 && kept < all.Transactions.Count, "some kept, some not");
    }

    /// <summary>A choice that reads the Extra, its text above all: keep all, keep none, or keep by what the Extra holds.</summary>
    private static bool Choose(BankTransaction t, int which) => which switch
    {
        0 => false,
        1 => t.Extra.Count % 2 == 0,
        _ => (t.Extra.GetValueOrDefault("raw_text")?.Length ?? t.Extra.Count) % 3 != 1,
    };

    private static (List<BankTransaction>, List<ParseWarning>) OneThread(string path, BankFileFormat format, BankFileReadOptions options)
    {
        var warnings = new List<ParseWarning>();
        using var stream = File.OpenRead(path);
        return (BankFiles.ReadAsync(stream, path, format, options, warnings).ToBlockingEnumerable().ToList(), warnings);
    }

    private static (List<BankTransaction> Transactions, List<ParseWarning> Warnings, string? Error) Outcome(Func<(List<BankTransaction>, List<ParseWarning>)> read)
    {
        try
        {
            var (transactions, warnings) = read();
            return (transactions, warnings, null);
        }
        catch (BankFileFormatException ex)
        {
            return ([], [], $"{ex.GetType().Name} line {ex.LineNumber}: {ex.Message}");
        }
    }

    /// <summary>Every property of the transaction, its Extra's pairs in key order.</summary>
    private static string Json(BankTransaction t) =>
        JsonSerializer.Serialize(t with { Extra = new SortedDictionary<string, string>(t.Extra.ToDictionary(), StringComparer.Ordinal) });
}
