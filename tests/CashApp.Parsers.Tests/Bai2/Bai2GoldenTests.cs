using CashApp.Parsers.Bai2;
using CashApp.Parsers.Common;
using CashApp.Tests;

namespace CashApp.Parsers.Tests.Bai2;

/// <summary>
/// The project's own BAI2 files in fixtures/bai2, each with its expected transactions checked in beside it as
/// <c>NAME.expected.csv</c>, read whole and at every two-segment split. Set BAI2_UPDATE_GOLDEN=1 to rewrite the
/// expected files after a deliberate change, and review the diff.
/// </summary>
public sealed class Bai2GoldenTests
{
    public static TheoryData<string> Golden => new(Directory.GetFiles(Path.Combine(TestPaths.Fixtures, "bai2"), "*.bai2").Select(Path.GetFileName).Order(StringComparer.Ordinal)!);

    /// <summary>The valid external samples of ../shared, by their path under fixtures/external/bai2.</summary>
    public static TheoryData<string> ExternalValid => new(Bai2ExternalFixtureTests.Valid.Select(row => (string)row[0]));

    [Theory]
    [MemberData(nameof(Golden))]
    public async Task ReadAsync_GoldenFile_GivesTheCheckedInTransactions(string name)
    {
        var path = Path.Combine(TestPaths.Fixtures, "bai2", name);
        var warnings = new List<ParseWarning>();
        var transactions = await Bai2Harness.ReadTransactionsAsync(await File.ReadAllBytesAsync(path), new Bai2ReaderOptions(), warnings, name);
        var actual = Bai2Harness.Csv(transactions).ToList();
        var expectedPath = Path.ChangeExtension(path, ".expected.csv");
        if (Environment.GetEnvironmentVariable("BAI2_UPDATE_GOLDEN") == "1")
        {
            await File.WriteAllLinesAsync(expectedPath, actual);
        }

        Assert.Equal(await File.ReadAllLinesAsync(expectedPath), actual);
        Assert.Empty(warnings);
    }

    [Theory]
    [MemberData(nameof(Golden))]
    public void Read_EveryTwoSegmentSplit_GivesWhatTheWholeFileGives(string name) =>
        AssertEverySplitReadsAlike(File.ReadAllBytes(Path.Combine(TestPaths.Fixtures, "bai2", name)));

    [SkippableTheory]
    [MemberData(nameof(ExternalValid))]
    public void Read_ExternalSampleAtEveryTwoSegmentSplit_GivesWhatTheWholeFileGives(string file) =>
        AssertEverySplitReadsAlike(File.ReadAllBytes(TestPaths.ExternalFile("bai2", file)));

    private static void AssertEverySplitReadsAlike(byte[] bytes)
    {
        var whole = Bai2Harness.ReadAll(bytes, bytes.Length, incremental: false, new Bai2ReaderOptions());
        Assert.NotEmpty(whole);
        for (var split = 0; split <= bytes.Length; split++)
        {
            Assert.Equal(whole, Bai2Harness.ReadAll(bytes, split, incremental: false, new Bai2ReaderOptions()));
            Assert.Equal(whole, Bai2Harness.ReadAll(bytes, split, incremental: true, new Bai2ReaderOptions()));
        }
    }

    [SkippableFact]
    public void Read_Sample3InLenientModeAtEverySplit_GivesTheSameRecords()
    {
        var bytes = File.ReadAllBytes(TestPaths.ExternalFile("bai2", "moov-io__bai2", "sample3.txt"));
        var options = new Bai2ReaderOptions { Lenient = true };
        var whole = Bai2Harness.ReadAll(bytes, bytes.Length, incremental: false, options);
        Assert.Equal(26, whole.Count(l => l.StartsWith("16|", StringComparison.Ordinal)));
        for (var split = 0; split <= bytes.Length; split++)
        {
            Assert.Equal(whole, Bai2Harness.ReadAll(bytes, split, incremental: true, options));
        }
    }

    [Fact]
    public async Task ReadAsync_SpecFeatures_ReadsEveryFundsTypeAndCurrency()
    {
        var path = Path.Combine(TestPaths.Fixtures, "bai2", "spec_features.bai2");
        await using var stream = File.OpenRead(path);
        var records = new List<Bai2Record>();
        await foreach (var record in Bai2Reader.ReadRecordsAsync(stream, path, new Bai2ReaderOptions(), null))
        {
            records.Add(record);
        }

        var details = records.OfType<Bai2TransactionDetail>().ToList();
        Assert.Equal(
            [Bai2FundsType.Immediate, Bai2FundsType.OneDay, Bai2FundsType.TwoOrMoreDays, Bai2FundsType.Unknown, Bai2FundsType.NotGiven, Bai2FundsType.Distributed, Bai2FundsType.DistributedByDays, Bai2FundsType.ValueDated],
            details.Take(8).Select(d => d.Availability.FundsType));
        Assert.Equal(string.Empty, details[2].Text);
        Assert.Equal("INV 1/2, PO 7/8, A,B/C", details[3].Text);
        Assert.Equal("TEXT ONLY IN THE CONTINUATION", details[4].Text);
        Assert.Equal((new DateOnly(2026, 3, 13), new TimeOnly(15, 30)), (details[7].Availability.ValueDate!.Value, details[7].Availability.ValueTime!.Value));
        var jpy = details.Single(d => d.Currency == "JPY");
        Assert.Equal(1234567, jpy.Amount);
        var group = records.OfType<Bai2GroupHeader>().First();
        Assert.Equal((true, Bai2AsOfDateModifier.FinalPreviousDay), (group.AsOfEndOfDay, group.Modifier));
        var account = records.OfType<Bai2AccountIdentifier>().First();
        Assert.Equal(("USD", null), (account.Currency, account.CurrencyGiven));
        Assert.Equal([-50000L, 120000, 2500000, 75000, 300000], account.Summaries.Select(s => s.Amount!.Value));
    }
}
