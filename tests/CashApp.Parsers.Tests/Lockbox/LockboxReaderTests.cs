using System.Buffers;
using System.Diagnostics;
using System.Globalization;
using System.Text;
using CashApp.Parsers.Common;
using CashApp.Parsers.Lockbox;
using CashApp.Tests;
using static CashApp.Parsers.Tests.Lockbox.LockboxTestSupport;

namespace CashApp.Parsers.Tests.Lockbox;

public sealed class LockboxReaderTests
{
    // ---- external fixtures (EXPECTED.md, FundersClub/bai-lockbox) ---------------------------------------

    [SkippableFact]
    public async Task ReadAsync_FundersClubLockboxWithShippedLayout_ReproducesExpectedFacts()
    {
        var payments = await ReadFileAsync(FundersClub("test_lockbox.bai"), FundersClubLayout);

        var check = Assert.Single(payments);
        Assert.Equal("0022222-001-001", check.PaymentRef);
        Assert.Equal(700000, check.AmountMinor);
        Assert.Equal("USD", check.Currency);
        Assert.Equal(Direction.Credit, check.Direction);
        Assert.True(check.IsPayment);
        Assert.Equal(BankFileFormat.Lockbox, check.Format);
        Assert.Equal(4, check.LineNumber);
        Assert.Equal("BOB E SMITH", check.PayerName);
        Assert.Equal("055002707:0012345555", check.PayerAccount);
        Assert.Equal(new DateOnly(2016, 5, 23), check.ValueDate);
        Assert.Equal("180", check.Extra["check_number"]);
        Assert.Equal("051616", check.Extra["check_date"]);
        Assert.Equal("MY BUSINESS COMPANY", check.Extra["payee_name"]);
        var memo = Assert.Single(check.Remittance);
        Assert.Equal(new RemittanceLine("CE554", null, RemittanceKind.Invoice), memo);
    }

    [SkippableFact]
    public async Task ReadAsync_FundersClubEmptyLockbox_ReadsNoChecks()
    {
        var payments = await ReadFileAsync(FundersClub("test_empty_lockbox.bai"), FundersClubLayout);

        Assert.Empty(payments);
    }

    [SkippableFact]
    public async Task ReadAsync_FundersClubLockboxWithDefaultLayout_FailsOnTheWideDetail()
    {
        var error = await Assert.ThrowsAsync<LockboxFormatException>(() => ReadFileAsync(FundersClub("test_lockbox.bai"), LockboxLayout.Default));

        Assert.Equal(LockboxErrors.LineTooLongCode, error.ErrorCode);
        Assert.Equal(4, error.LineNumber);
        Assert.Contains(Describe(LockboxErrors.LineTooLong, 101, 80, "default"), error.Message, StringComparison.Ordinal);
    }

    // ---- cashbench files, default layout ----------------------------------------------------------------

    [Fact]
    public async Task ReadAsync_DemoCashbenchLockbox_YieldsEveryCheckOfTheTruth()
    {
        var demo = TestPaths.Demo();

        var payments = await ReadFileAsync(Path.Combine(demo, "bank", "day.lockbox.txt"), LockboxLayout.Default);

        Assert.Equal(TruthChecks(Path.Combine(demo, "truth", "payments.csv")), payments.Select(p => (p.PaymentRef, p.AmountMinor)).Order().ToList());
        Assert.All(payments, p => Assert.Matches("^[0-9]{9}:[0-9]+$", p.PayerAccount));
    }

    [SkippableFact]
    public async Task ReadAsync_FreshCashbenchDay_YieldsEveryCheckOfTheTruth()
    {
        var gen = TestPaths.SharedFile("cashbench", "gen.py");
        var day = Path.Combine(Path.GetTempPath(), "cashapp-lockbox-" + Guid.NewGuid().ToString("N"));
        try
        {
            using (var python = Process.Start(new ProcessStartInfo("python3", ["gen.py", "--out", day, "--seed", "1"]) { WorkingDirectory = Path.GetDirectoryName(gen)!, RedirectStandardOutput = true }))
            {
                Assert.NotNull(python);
                await python.WaitForExitAsync();
                Assert.Equal(0, python.ExitCode);
            }

            var payments = await ReadFileAsync(Path.Combine(day, "bank", "day.lockbox.txt"), LockboxLayout.Default);

            var truth = TruthChecks(Path.Combine(day, "truth", "payments.csv"));
            Assert.Equal(truth.Count, payments.Count);
            Assert.Equal(truth, payments.Select(p => (p.PaymentRef, p.AmountMinor)).Order().ToList());
        }
        finally
        {
            if (Directory.Exists(day))
            {
                Directory.Delete(day, recursive: true);
            }
        }
    }

    private static List<(string, long)> TruthChecks(string payments) =>
    [
        .. File.ReadLines(payments).Skip(1).Select(l => l.Split(','))
            .Where(f => f[1] == "check")
            .Select(f => (f[0], long.Parse(f[4].Replace(".", string.Empty, StringComparison.Ordinal), CultureInfo.InvariantCulture)))
            .Order(),
    ];

    // ---- golden files, whole and at every split ---------------------------------------------------------

    public static TheoryData<string> GoldenCases => ["fundersclub-lockbox", "fundersclub-empty", "multi-lockbox-crlf", "wide-invoices", "demo-day"];

    private static (string Path, LockboxLayout Layout) Case(string name) => name switch
    {
        "fundersclub-lockbox" => (FundersClub("test_lockbox.bai"), FundersClubLayout),
        "fundersclub-empty" => (FundersClub("test_empty_lockbox.bai"), FundersClubLayout),
        "multi-lockbox-crlf" => (Path.Combine(Files, "multi-lockbox-crlf.txt"), LockboxLayout.Default),
        "wide-invoices" => (Path.Combine(Files, "wide-invoices.txt"), LockboxLayout.Load(Path.Combine(Layouts, "wide-invoices.json"))),
        "demo-day" => (TestPaths.Demo("bank", "day.lockbox.txt"), LockboxLayout.Default),
        _ => throw new ArgumentOutOfRangeException(nameof(name)),
    };

    [SkippableTheory]
    [MemberData(nameof(GoldenCases))]
    public async Task ReadAsync_Fixture_MatchesGoldenFile(string name)
    {
        var (path, layout) = Case(name);
        var warnings = new List<ParseWarning>();

        var actual = Render(await ReadFileAsync(path, layout, warnings), warnings);

        var golden = Path.Combine(Golden, name + ".golden.txt");
        if (Environment.GetEnvironmentVariable("UPDATE_GOLDEN") == "1")
        {
            Directory.CreateDirectory(Golden);
            await File.WriteAllTextAsync(golden, actual);
        }

        Assert.Equal(await File.ReadAllTextAsync(golden), actual);
    }

    [SkippableTheory]
    [MemberData(nameof(GoldenCases))]
    public async Task ReadAsync_FixtureInTwoReadsAtEverySplit_MatchesWholeRead(string name)
    {
        var (path, layout) = Case(name);
        var content = await File.ReadAllBytesAsync(path);
        var whole = Render(await ReadAsync(content, "f", layout));

        // The small fixtures at every split; the large demo file at 400 evenly spread splits, to keep the run short.
        var step = Math.Max(1, content.Length / 400);
        for (var split = 0; split <= content.Length; split += step)
        {
            var parts = Render(await ReadAsync(new TwoReadStream(content, split), "f", layout));
            Assert.True(whole == parts, $"split at byte {split} differs");
        }
    }

    [SkippableTheory]
    [MemberData(nameof(GoldenCases))]
    public async Task Frame_TwoSegmentsAtEverySplit_ConsumesEveryByteAndMatchesWholeRead(string name)
    {
        var (path, layout) = Case(name);
        var content = await File.ReadAllBytesAsync(path);
        var whole = Render(await ReadAsync(content, "f", layout));
        var step = Math.Max(1, content.Length / 400);

        for (var split = 0; split <= content.Length; split += step)
        {
            var sequence = TwoSegments(content, split);
            var decoder = new LockboxDecoder("f", layout, null);
            var consumed = decoder.Frame(sequence, isFinal: true);
            decoder.End();

            Assert.Equal(sequence.End, consumed);
            Assert.True(whole == Render(decoder.Output), $"split at byte {split} differs");
        }
    }

    [Fact]
    public void Frame_IncompleteLastLine_LeavesItUnconsumed()
    {
        var content = Encoding.ASCII.GetBytes("101YOURCO\n2YOURCO\n5001000123");
        var decoder = new LockboxDecoder("f", LockboxLayout.Default, null);

        var consumed = decoder.Frame(new ReadOnlySequence<byte>(content), isFinal: false);

        Assert.Equal(18, new ReadOnlySequence<byte>(content).Slice(0, consumed).Length);
        Assert.Equal(2, decoder.LineNumber);
    }

    internal static ReadOnlySequence<byte> TwoSegments(byte[] content, int split)
    {
        var first = new Segment(content.AsMemory(0, split));
        var last = first.Append(content.AsMemory(split));
        return new ReadOnlySequence<byte>(first, 0, last, last.Memory.Length);
    }

    private sealed class Segment : ReadOnlySequenceSegment<byte>
    {
        public Segment(ReadOnlyMemory<byte> memory) => Memory = memory;

        public Segment Append(ReadOnlyMemory<byte> memory)
        {
            var next = new Segment(memory) { RunningIndex = RunningIndex + Memory.Length };
            Next = next;
            return next;
        }
    }

    // ---- record shapes ----------------------------------------------------------------------------------

    [Fact]
    public async Task ReadAsync_LfAndCrlfAndTrimmedLines_ReadTheSame()
    {
        var crlf = await File.ReadAllTextAsync(Path.Combine(Files, "multi-lockbox-crlf.txt"));
        var lf = crlf.Replace("\r\n", "\n", StringComparison.Ordinal);
        var padded = string.Concat(lf.Split('\n').Select(l => l.Length == 0 ? string.Empty : l.PadRight(80) + "\n"));

        var expected = Render(await ReadAsync(Encoding.ASCII.GetBytes(crlf), "f", LockboxLayout.Default));

        Assert.Equal(expected, Render(await ReadAsync(Encoding.ASCII.GetBytes(lf), "f", LockboxLayout.Default)));
        Assert.Equal(expected, Render(await ReadAsync(Encoding.ASCII.GetBytes(padded), "f", LockboxLayout.Default)));
        Assert.Equal(expected, Render(await ReadAsync(Encoding.ASCII.GetBytes(lf.TrimEnd('\n')), "f", LockboxLayout.Default)));
    }

    [Fact]
    public async Task ReadAsync_BlankAndZeroInvoiceAmounts_AreNotStated()
    {
        var payments = await ReadFileAsync(Path.Combine(Files, "multi-lockbox-crlf.txt"), LockboxLayout.Default);

        var beta = payments.Single(p => p.PaymentRef == "1234567-001-002");
        Assert.Equal(
            [new("INV-2001", 10000, RemittanceKind.Invoice), new("INV-2002", null, RemittanceKind.Invoice), new("INV-2003", null, RemittanceKind.Invoice)],
            beta.Remittance);
    }

    [Fact]
    public async Task ReadAsync_InvoiceAmountWithoutNumber_SkipsTheLineWithAWarning()
    {
        var warnings = new List<ParseWarning>();

        var payments = await ReadFileAsync(Path.Combine(Files, "multi-lockbox-crlf.txt"), LockboxLayout.Default, warnings);

        Assert.Empty(payments.Single(p => p.PaymentRef == "1234567-002-001").Remittance);
        var warning = Assert.Single(warnings);
        Assert.Equal(LockboxErrors.InvoiceAmountWithoutNumberCode, warning.Code);
        Assert.Equal(14, warning.LineNumber);
    }

    [Fact]
    public async Task ReadAsync_SeveralLockboxes_TakeEachLockboxAndDepositDate()
    {
        var payments = await ReadFileAsync(Path.Combine(Files, "multi-lockbox-crlf.txt"), LockboxLayout.Default);

        Assert.Equal(["1234567-001-001", "1234567-001-002", "1234567-001-003", "1234567-002-001", "7654321-001-001"], payments.Select(p => p.PaymentRef));
        Assert.Equal(new DateOnly(2024, 3, 18), payments[^1].ValueDate);
        Assert.Equal("0", payments[^1].Extra["check_number"]);
        Assert.Null(payments[2].PayerAccount);
        Assert.Null(payments[2].PayerName);
    }

    [Fact]
    public async Task ReadAsync_InvoicesInDetailAndOverflowAndCustomRecord_KeepsThemInOrder()
    {
        var payments = await ReadFileAsync(Path.Combine(Files, "wide-invoices.txt"), LockboxLayout.Load(Path.Combine(Layouts, "wide-invoices.json")));

        var first = payments[0];
        Assert.Equal(["A-100", "A-101", "A-102", "A-103"], first.Remittance.Select(r => r.Reference));
        Assert.Equal([50000L, 75000L, 100000L, 25075L], first.Remittance.Select(r => r.AmountMinor!.Value));
        Assert.Equal("PAID PER STATEMENT DEC", first.Extra["memo"]);
        Assert.Equal("123124", first.Extra["check_date"]);
        Assert.False(payments[1].Extra.ContainsKey("memo"));
    }

    [Fact]
    public async Task ReadAsync_BlockFillAndBlankLinesAfterTrailer_AreIgnored()
    {
        var content = await File.ReadAllTextAsync(Path.Combine(Files, "multi-lockbox-crlf.txt"));

        var payments = await ReadAsync(Encoding.ASCII.GetBytes(content + new string('9', 80) + "\r\n\r\n"), "f", LockboxLayout.Default);

        Assert.Equal(5, payments.Count);
    }

    // ---- errors -----------------------------------------------------------------------------------------

    /// <summary>
    /// Each corruption of multi-lockbox-crlf.txt (line number -> replacement; null deletes the line) and the error
    /// it must give: code, line, and the template's text.
    /// </summary>
    public static TheoryData<string, int, string?, string, int, string> Corruptions => new()
    {
        { "batch count", 11, "700199912345672403150020000043499", LockboxErrors.BatchCountMismatchCode, 11, Describe(LockboxErrors.BatchCountMismatch, 2, 3) },
        { "batch amount", 11, "700199912345672403150030000043498", LockboxErrors.BatchAmountMismatchCode, 11, Describe(LockboxErrors.BatchAmountMismatch, 43498, 43499) },
        { "lockbox count", 16, "8      123456724031500050000143499", LockboxErrors.LockboxCountMismatchCode, 16, Describe(LockboxErrors.LockboxCountMismatch, 5, 4) },
        { "lockbox amount", 16, "8      123456724031500040000143490", LockboxErrors.LockboxAmountMismatchCode, 16, Describe(LockboxErrors.LockboxAmountMismatch, 143490, 143499) },
        { "record count", 21, "9000022", LockboxErrors.RecordCountMismatchCode, 21, Describe(LockboxErrors.RecordCountMismatch, 22, 21) },
        { "detail outside a batch", 12, null, LockboxErrors.DetailOutsideBatchCode, 12, LockboxErrors.DetailOutsideBatch },
        { "overflow without check", 4, null, LockboxErrors.OverflowWithoutCheckCode, 4, LockboxErrors.OverflowWithoutCheck },
        { "overflow of another item", 7, "40010036010INV-2001            0000010000", LockboxErrors.OverflowCheckMismatchCode, 7, Describe(LockboxErrors.OverflowCheckMismatch, "item", "003", "002", 6) },
        { "overflow sequence", 8, "40010026030INV-2002", LockboxErrors.OverflowSequenceCode, 8, Describe(LockboxErrors.OverflowSequence, 3, 2) },
        { "overflow after last", 8, "40010026029INV-2002", LockboxErrors.OverflowAfterLastCode, 9, Describe(LockboxErrors.OverflowAfterLast, 8) },
        { "batch not closed", 11, null, LockboxErrors.BatchNotClosedCode, 11, Describe(LockboxErrors.BatchNotClosed, 3) },
        { "lockbox not closed", 16, null, LockboxErrors.LockboxNotClosedCode, 16, Describe(LockboxErrors.LockboxNotClosed, "1234567", 2) },
        { "bad amount", 4, "6001001000001X50012100035812345678901   0000001001ACME SUPPLY CO", LockboxErrors.BadNumberCode, 4, Describe(LockboxErrors.BadNumber, "amount", "000001X500") },
        { "blank item", 4, "6001   000001250012100035812345678901   0000001001ACME SUPPLY CO", LockboxErrors.BlankFieldCode, 4, Describe(LockboxErrors.BlankField, "item") },
        { "bad deposit date", 3, "50010001234567241315", LockboxErrors.BadDateCode, 3, Describe(LockboxErrors.BadDate, "deposit_date", "241315") },
        { "unknown record type", 10, "X001003000000999", LockboxErrors.UnknownRecordTypeCode, 10, Describe(LockboxErrors.UnknownRecordType, "X", "default") },
        { "duplicate header", 2, "101YOURCO    BANK      2403150600", LockboxErrors.DuplicateHeaderCode, 2, Describe(LockboxErrors.DuplicateHeader, 1) },
        { "missing header", 1, null, LockboxErrors.MissingHeaderCode, 1, Describe(LockboxErrors.MissingHeader, "2") },
        { "line too long", 10, "60010030000000999" + new string(' ', 70) + "X", LockboxErrors.LineTooLongCode, 10, Describe(LockboxErrors.LineTooLong, 88, 80, "default") },
        { "missing trailer", 21, null, LockboxErrors.MissingTrailerCode, 20, Describe(LockboxErrors.MissingTrailer, 20) },
    };

    [Theory]
    [MemberData(nameof(Corruptions))]
    public async Task ReadAsync_CorruptedFile_FailsNamingLineAndBothValues(string what, int line, string? replacement, string code, int errorLine, string message)
    {
        var lines = (await File.ReadAllTextAsync(Path.Combine(Files, "multi-lockbox-crlf.txt"))).Split("\r\n").ToList();
        if (replacement is null)
        {
            lines.RemoveAt(line - 1);
        }
        else
        {
            lines[line - 1] = replacement;
        }

        var error = await Assert.ThrowsAsync<LockboxFormatException>(() => ReadAsync(Encoding.ASCII.GetBytes(string.Join("\r\n", lines)), "bad.txt", LockboxLayout.Default));

        Assert.True(code == error.ErrorCode, $"{what}: {error.Message}");
        Assert.Equal(errorLine, error.LineNumber);
        Assert.StartsWith($"bad.txt:{errorLine}:", error.Message, StringComparison.Ordinal);
        Assert.Contains(message, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ReadAsync_RecordAfterTrailer_Fails()
    {
        var content = await File.ReadAllTextAsync(Path.Combine(Files, "multi-lockbox-crlf.txt"));

        var error = await Assert.ThrowsAsync<LockboxFormatException>(() => ReadAsync(Encoding.ASCII.GetBytes(content + "50010001234567240315\r\n"), "f", LockboxLayout.Default));

        Assert.Equal(LockboxErrors.RecordAfterTrailerCode, error.ErrorCode);
        Assert.Equal(22, error.LineNumber);
    }

    [Fact]
    public async Task ReadAsync_EmptyFile_Fails()
    {
        var error = await Assert.ThrowsAsync<LockboxFormatException>(() => ReadAsync("\n\n"u8.ToArray(), "f", LockboxLayout.Default));

        Assert.Equal(LockboxErrors.EmptyFileCode, error.ErrorCode);
    }

    [Fact]
    public async Task ReadAsync_NoLineFeedForEver_FailsInsteadOfBufferingTheFile()
    {
        var content = Encoding.ASCII.GetBytes("101YOURCO" + new string('x', 200_000));

        var error = await Assert.ThrowsAsync<LockboxFormatException>(() => ReadAsync(new TwoReadStream(content, 100_000), "f", LockboxLayout.Default));

        Assert.Equal(LockboxErrors.LineTooLongCode, error.ErrorCode);
    }

    [Fact]
    public async Task ReadAsync_OverflowsWithoutLastIndicator_WarnsOnce()
    {
        var content = (await File.ReadAllTextAsync(Path.Combine(Files, "multi-lockbox-crlf.txt"))).Replace("40010026039INV-2003", "40010026030INV-2003", StringComparison.Ordinal);
        var warnings = new List<ParseWarning>();

        await ReadAsync(Encoding.ASCII.GetBytes(content), "f", LockboxLayout.Default, warnings);

        Assert.Contains(warnings, w => w.Code == LockboxErrors.OverflowNoLastCode && w.LineNumber == 6);
    }

    [Fact]
    public async Task ValidateAsync_MultiLockboxFile_CountsEveryRecord()
    {
        await using var stream = File.OpenRead(Path.Combine(Files, "multi-lockbox-crlf.txt"));

        var summary = await LockboxReader.ValidateAsync(stream, "f", LockboxLayout.Default);

        Assert.Equal(new LockboxSummary(Lockboxes: 2, Batches: 3, Checks: 5, AmountMinor: 144000, Records: 21), summary);
    }

    [Theory]
    [MemberData(nameof(Corruptions))]
    public async Task ValidateAsync_CorruptedFile_FailsLikeTheReader(string what, int line, string? replacement, string code, int errorLine, string message)
    {
        var lines = (await File.ReadAllTextAsync(Path.Combine(Files, "multi-lockbox-crlf.txt"))).Split("\r\n").ToList();
        if (replacement is null)
        {
            lines.RemoveAt(line - 1);
        }
        else
        {
            lines[line - 1] = replacement;
        }

        var content = Encoding.ASCII.GetBytes(string.Join("\r\n", lines));
        var error = await Assert.ThrowsAsync<LockboxFormatException>(() => LockboxReader.ValidateAsync(new MemoryStream(content), "bad.txt", LockboxLayout.Default));

        Assert.True(code == error.ErrorCode, $"{what}: {error.Message}");
        Assert.Equal(errorLine, error.LineNumber);
        Assert.Contains(message, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Read_Span_MatchesStreamingReader()
    {
        var content = File.ReadAllBytes(Path.Combine(Files, "multi-lockbox-crlf.txt"));

        var payments = LockboxReader.Read(content, "f", LockboxLayout.Default);

        Assert.Equal(Render(await ReadAsync(content, "f", LockboxLayout.Default)), Render(payments));
    }
}
