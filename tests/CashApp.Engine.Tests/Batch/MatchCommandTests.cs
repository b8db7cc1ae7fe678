using CashApp.Engine.Batch;
using CashApp.Engine.Matching;
using CashApp.Tests;

namespace CashApp.Engine.Tests.Batch;

/// <summary>
/// The batch contract end to end on the bundled demo day: every credit accounted for, nothing
/// over-applied, and the applications agree with the day's true answer. Runs in process through the
/// real command line.
/// </summary>
[Collection("Console")]
public sealed class MatchCommandTests : IDisposable
{
    private readonly string _out = Directory.CreateTempSubdirectory("cashapp-match").FullName;

    public void Dispose() => Directory.Delete(_out, recursive: true);

    [Fact]
    public async Task Match_DemoDay_AccountsForEveryCreditAndAgreesWithTheTruth()
    {
        var stats = Path.Combine(_out, "..", Path.GetFileName(_out) + ".stats.json");
        var (code, error) = await CliRun.Run("match", "--open-items", TestPaths.Demo("open_items.csv"), "--customers", TestPaths.Demo("customers.csv"),
            "--bank", TestPaths.Demo("bank", "day.bai2"), "--bank", TestPaths.Demo("bank", "day.camt053.xml"), "--bank", TestPaths.Demo("bank", "day.lockbox.txt"), "--out", _out,
            "--stats", stats);
        Assert.True(code == 0, error);

        // The summary and the stats count the items the file holds (the matcher takes the loaded columns over and leaves
        // them empty: a count read after that said 0).
        var rows = File.ReadLines(TestPaths.Demo("open_items.csv")).Skip(1).Count(line => line.Length > 0);
        Assert.Contains($"open items {rows:N0}, customers ", error, StringComparison.Ordinal);
        using (var json = System.Text.Json.JsonDocument.Parse(File.ReadAllText(stats)))
        {
            File.Delete(stats);
            Assert.Equal(rows, json.RootElement.GetProperty("open_items").GetInt32());
            var index = json.RootElement.GetProperty("stages").EnumerateArray().Single(s => s.GetProperty("stage").GetString() == "index");
            Assert.Equal(rows, index.GetProperty("count").GetInt32());
        }

        var truth = Cashbench.Score(TestPaths.Demo(), _out);
        Assert.Equal(0, truth.Lost);
        Assert.Equal(0, truth.OverApplied);
        Assert.True(truth.HitRate >= 0.97, $"hit rate {truth.HitRate:F3}");
        Assert.True(truth.Precision >= 0.999, $"precision {truth.Precision:F4}");
        Assert.Contains("hit rate", error, StringComparison.Ordinal);

        // The closing line names every file the run wrote, and each is there.
        string[] written = ["applications.csv", "exceptions.csv", "deposits.csv"];
        Assert.Contains($"wrote {Path.Combine(_out, written[0])}, {Path.Combine(_out, written[1])} and {Path.Combine(_out, written[2])}", error, StringComparison.Ordinal);
        Assert.All(written, name => Assert.True(File.Exists(Path.Combine(_out, name)), name));
    }

    [Fact]
    public async Task Match_PolicyFile_HoldsBackWhatIsBelowItsConfidenceAndLosesNothing()
    {
        string[] day = ["--open-items", TestPaths.Demo("open_items.csv"), "--customers", TestPaths.Demo("customers.csv"),
            "--bank", TestPaths.Demo("bank", "day.bai2"), "--bank", TestPaths.Demo("bank", "day.camt053.xml"), "--bank", TestPaths.Demo("bank", "day.lockbox.txt")];
        var strict = Path.Combine(_out, "strict");
        var (code, error) = await CliRun.Run(["match", .. day, "--out", strict, "--policy", Path.Combine(TestPaths.Fixtures, "policy", "cautious.json")]);
        Assert.True(code == 0, error);
        var (defaultCode, defaultError) = await CliRun.Run(["match", .. day, "--out", Path.Combine(_out, "default")]);
        Assert.True(defaultCode == 0, defaultError);

        var held = Cashbench.Score(TestPaths.Demo(), strict);
        var applied = Cashbench.Score(TestPaths.Demo(), Path.Combine(_out, "default"));
        Assert.Equal(0, held.Lost);
        Assert.Equal(0, held.OverApplied);
        Assert.True(held.HitRate < applied.HitRate, $"{held.HitRate:F3} vs {applied.HitRate:F3}");
        Assert.True(held.Precision >= 0.999, $"precision {held.Precision:F4}");
        Assert.Contains("below the 0.999 applied without review", File.ReadAllText(Path.Combine(strict, "exceptions.csv")), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Match_BadPolicyFile_FailsNamingFileLineAndSettingAndWritesNothing()
    {
        var policy = Path.Combine(_out, "policy.json");
        File.WriteAllText(policy, "{\n  \"minNameScore\": 90,\n  \"maxBankFee\": 2500\n}\n");
        var target = Path.Combine(_out, "run");

        var (code, error) = await CliRun.Run("match", "--open-items", TestPaths.Demo("open_items.csv"), "--bank", TestPaths.Demo("bank", "day.bai2"), "--out", target, "--policy", policy);

        Assert.NotEqual(0, code);
        Assert.Contains($"{policy}:3: setting 'maxBankFee': unknown setting; expected one of", error, StringComparison.Ordinal);
        Assert.Contains("maxBankFeeMinor", error, StringComparison.Ordinal);
        Assert.False(Directory.Exists(target));
    }

    [Fact]
    public async Task Match_BadAmountOnLine7_FailsNamingFileLineColumnAndValueAndWritesNothing()
    {
        var lines = File.ReadLines(TestPaths.Demo("open_items.csv")).Take(9).ToArray();
        var fields = lines[6].Split(',');
        fields[7] = "12.3.4";
        lines[6] = string.Join(',', fields);
        var bad = Path.Combine(_out, "open_items.csv");
        File.WriteAllLines(bad, lines);
        var target = Path.Combine(_out, "run");

        var (code, error) = await CliRun.Run("match", "--open-items", bad, "--bank", TestPaths.Demo("bank", "day.bai2"), "--out", target);

        Assert.NotEqual(0, code);
        Assert.Contains($"{bad}:7:", error, StringComparison.Ordinal);
        Assert.Contains("open_amount", error, StringComparison.Ordinal);
        Assert.Contains("'12.3.4'", error, StringComparison.Ordinal);
        Assert.False(File.Exists(Path.Combine(target, "applications.csv")));
    }

    /// <summary>
    /// A ledger past what one run holds (its items' texts, or the fuzzy index's items: some 67 million items of the
    /// 1M-payment day's kind, lowered here so the demo day reaches them): the run fails saying which limit, how much
    /// was asked and how much is held, and writes nothing. It once ended in the runtime's unhandled-exception report.
    /// </summary>
    [Theory]
    [InlineData(10_000, 67_108_864, "bytes, and one ledger holds at most 10,000.")]
    [InlineData(2_147_483_591, 1_000, "has an invoice number to index, and one ledger indexes those of its first 1,000 items at most.")]
    public async Task Match_LedgerPastWhatOneRunHolds_FailsSayingWhichLimitAndWritesNothing(int textBytes, int fuzzyItems, string says)
    {
        var target = Path.Combine(_out, "run");
        int code;
        string error;
        using (MatcherCapacity.Lowered(textBytes, fuzzyItems))
        {
            (code, error) = await CliRun.Run("match", "--open-items", TestPaths.Demo("open_items.csv"), "--customers", TestPaths.Demo("customers.csv"),
                "--bank", TestPaths.Demo("bank", "day.bai2"), "--out", target, "--quiet");
        }

        Assert.Equal(1, code);
        Assert.Contains($"cashapp match: {TestPaths.Demo("open_items.csv")}: The open items", error, StringComparison.Ordinal);
        Assert.Contains(says, error, StringComparison.Ordinal);
        Assert.EndsWith("cashapp match: nothing was written." + Environment.NewLine, error, StringComparison.Ordinal);
        Assert.DoesNotContain("   at ", error, StringComparison.Ordinal);
        Assert.False(Directory.Exists(target), "the output folder was made");
    }

    /// <summary>
    /// A customers file with a quoted name never closed: the run fails naming the file, the line and the column, and
    /// writes nothing (it once ended with the CSV reader's own exception and a stack trace, naming neither).
    /// </summary>
    [Fact]
    public async Task Match_CustomersRowThatIsNotCsv_FailsNamingFileLineAndColumnAndWritesNothing()
    {
        var lines = File.ReadLines(TestPaths.Demo("customers.csv")).Take(6).ToArray();
        var fields = lines[4].Split(',');
        fields[1] = "\"" + fields[1];
        lines[4] = string.Join(',', fields);
        var bad = Path.Combine(_out, "customers.csv");
        File.WriteAllLines(bad, lines);
        var target = Path.Combine(_out, "run");

        var (code, error) = await CliRun.Run("match", "--open-items", TestPaths.Demo("open_items.csv"), "--customers", bad, "--bank", TestPaths.Demo("bank", "day.bai2"), "--out", target);

        Assert.Equal(1, code);
        Assert.Contains($"{bad}:5: column 'name': the row is not valid CSV", error, StringComparison.Ordinal);
        Assert.Contains("nothing was written", error, StringComparison.Ordinal);
        Assert.DoesNotContain("   at ", error, StringComparison.Ordinal);
        Assert.False(Directory.Exists(target) && Directory.EnumerateFileSystemEntries(target).Any());
    }

    [Fact]
    public async Task Match_InputThatIsAFolder_FailsSayingSoBeforeReadingAnything()
    {
        var folder = Directory.CreateDirectory(Path.Combine(_out, "day.bai2")).FullName;

        var (code, error) = await CliRun.Run("match", "--open-items", TestPaths.Demo("open_items.csv"), "--bank", folder, "--out", Path.Combine(_out, "run"));

        Assert.Equal(2, code);
        Assert.Contains($"{folder}: a folder, not a file.", error, StringComparison.Ordinal);
        var (missingCode, missing) = await CliRun.Run("match", "--open-items", TestPaths.Demo("open_items.csv"), "--bank", Path.Combine(_out, "none.bai2"), "--out", Path.Combine(_out, "run"));
        Assert.Equal((2, true), (missingCode, missing.Contains($"{Path.Combine(_out, "none.bai2")}: no such file.", StringComparison.Ordinal)));

        // Every file option alike: a folder given as payer rules once ended in an unhandled access error, and one given
        // as a lockbox layout in "access denied".
        foreach (var option in new[] { "--payer-rules", "--lockbox-layout", "--policy", "--customers" })
        {
            var (optionCode, optionError) = await CliRun.Run("match", "--open-items", TestPaths.Demo("open_items.csv"), "--bank", TestPaths.Demo("bank", "day.bai2"), option, folder, "--out", Path.Combine(_out, "run"));
            Assert.True(optionCode == 2 && optionError.Contains($"{folder}: a folder, not a file.", StringComparison.Ordinal), $"{option}: {optionCode} {optionError}");
            Assert.DoesNotContain("   at ", optionError, StringComparison.Ordinal);
        }

        var (parseCode, parseError) = await CliRun.Run("parse", TestPaths.Demo("bank", "day.lockbox.txt"), "--lockbox-layout", folder);
        Assert.Equal((2, true), (parseCode, parseError.Contains($"cashapp parse: {folder}: a folder, not a file.", StringComparison.Ordinal)));
    }

    [Fact]
    public async Task Parse_LockboxLayoutThatIsNotJson_FailsNamingTheLayoutsFileAndLine()
    {
        var layout = Path.Combine(_out, "layout.json");
        File.WriteAllText(layout, "{\n  \"name\": ");

        var (code, error) = await CliRun.Run("parse", TestPaths.Demo("bank", "day.lockbox.txt"), "--lockbox-layout", layout);

        // It once ended the command with the layout's exception unhandled and a stack trace.
        Assert.Equal(1, code);
        Assert.StartsWith($"cashapp parse: lockbox layout {layout}:2: cannot read the layout: not valid JSON", error, StringComparison.Ordinal);
        Assert.DoesNotContain("   at ", error, StringComparison.Ordinal);
    }

    /// <summary>
    /// Amounts a BAI2 file and an open-items file both read (18 digits), whose sums leave the range of a long: the run
    /// completes (it once ended in an unhandled OverflowException), and the payment is listed in exceptions whole, saying why.
    /// </summary>
    [Fact]
    public async Task Match_AmountsWhoseSumsPassALong_CompletesWithThePaymentInExceptionsWhole()
    {
        var customers = Path.Combine(_out, "customers.csv");
        File.WriteAllText(customers, "customer_id,name,parent_id,aliases,bank_accounts\nC1,Echo Packaging Inc,,,\n");
        var items = Path.Combine(_out, "open_items.csv");
        File.WriteAllText(items, """
            item_id,doc_type,customer_id,customer_name,invoice_number,po_number,currency,open_amount,doc_date,due_date
            A1,INV,C1,Echo Packaging Inc,INV-1001,,USD,50000000000000000.00,2026-07-17,2026-08-31
            A2,INV,C1,Echo Packaging Inc,INV-1002,,USD,50000000000000000.00,2026-07-17,2026-08-31
            A3,INV,C1,Echo Packaging Inc,INV-1003,,USD,60000000000000000.00,2026-07-17,2026-08-31
            A4,CM,C1,Echo Packaging Inc,CM-1004,,USD,-70000000000000000.00,2026-07-17,2026-08-31

            """);
        var bank = Path.Combine(_out, "day.bai2");
        File.WriteAllText(bank, """
            01,ACMEBANK,YOURCO,261120,0600,1,,,2/
            02,YOURCO,ACMEBANK,1,261120,0600,USD,2/
            03,1000123456,USD,010,0,,,015,0,,,100,0,0,/
            16,165,100000000000000000,Z,26112000000003,,ORIG CO NAME:ECHO PACKAGING INC
            49,100000000000000000,3/
            98,100000000000000000,1,5/
            99,100000000000000000,1,7/

            """);
        var target = Path.Combine(_out, "run");

        var (code, error) = await CliRun.Run("match", "--open-items", items, "--customers", customers, "--bank", bank, "--out", target);

        Assert.True(code == 0, error);
        Assert.Equal(["payment_ref,item_id,amount,currency,method,confidence,explanation,deduction,deduction_reason"], File.ReadAllLines(Path.Combine(target, "applications.csv")));
        var exceptions = File.ReadAllLines(Path.Combine(target, "exceptions.csv"));
        Assert.Equal(2, exceptions.Length);
        Assert.True(exceptions[1].StartsWith("26112000000003,1000000000000000.00,USD,1000000000000000.00,no_match,the amounts to compare are too large to add up", StringComparison.Ordinal), exceptions[1]);
    }

    /// <summary>
    /// A camt.053 file of two statements whose credits, each within its statement's limits, add up past a long: the run
    /// completes and the summary's credit total is the file's (it once ended in an OverflowException).
    /// </summary>
    [Fact]
    public async Task Match_FileWhoseCreditsAddUpPastALong_CompletesWithItsTotal()
    {
        static string Statement(int s) => $"<Stmt><Id>S{s}</Id><CreDtTm>2026-11-20T17:00:00</CreDtTm><Acct><Id><IBAN>DE89370400440532013000</IBAN></Id></Acct>"
            + string.Concat(Enumerable.Range(0, 6).Select(i => $"""
                <Ntry><NtryRef>R{s}{i}</NtryRef><Amt Ccy="USD">9999999999999999.{90 + i}</Amt><CdtDbtInd>CRDT</CdtDbtInd><Sts>BOOK</Sts><BookgDt><Dt>2026-11-20</Dt></BookgDt>
                <NtryDtls><TxDtls><Refs><EndToEndId>E{s}{i}</EndToEndId></Refs><RltdPties><Dbtr><Nm>ROYAL FOODS</Nm></Dbtr></RltdPties><RmtInf><Ustrd>PAY {i}</Ustrd></RmtInf></TxDtls></NtryDtls></Ntry>

                """)) + "</Stmt>";
        var bank = Path.Combine(_out, "day.camt053.xml");
        File.WriteAllText(bank, $"""
            <?xml version="1.0" encoding="UTF-8"?>
            <Document xmlns="urn:iso:std:iso:20022:tech:xsd:camt.053.001.02"><BkToCstmrStmt><GrpHdr><MsgId>M1</MsgId><CreDtTm>2026-11-20T17:00:00</CreDtTm></GrpHdr>
            {Statement(1)}{Statement(2)}</BkToCstmrStmt></Document>

            """);
        var target = Path.Combine(_out, "run");

        var (code, error) = await CliRun.Run("match", "--open-items", TestPaths.Demo("open_items.csv"), "--bank", bank, "--out", target);

        Assert.True(code == 0, error);
        Assert.Contains("USD 119999999999999999.10", error, StringComparison.Ordinal);
        Assert.Equal(13, File.ReadAllLines(Path.Combine(target, "exceptions.csv")).Length);
    }

    [Fact]
    public async Task Match_TruncatedBankFile_FailsNamingTheFileAndWritesNothing()
    {
        var truncated = Path.Combine(_out, "day.bai2");
        var text = File.ReadAllText(TestPaths.Demo("bank", "day.bai2"));
        File.WriteAllText(truncated, text[..(text.Length / 2)]);
        var target = Path.Combine(_out, "run");

        var (code, error) = await CliRun.Run("match", "--open-items", TestPaths.Demo("open_items.csv"), "--bank", truncated, "--out", target);

        Assert.NotEqual(0, code);
        Assert.Contains(truncated, error, StringComparison.Ordinal);
        Assert.False(Directory.Exists(target) && File.Exists(Path.Combine(target, "exceptions.csv")));
    }

    [Fact]
    public async Task Match_OutIsAFile_FailsBeforeReadingAnythingAndLeavesTheFile()
    {
        var file = Path.Combine(_out, "report");
        File.WriteAllText(file, "kept\n");
        var under = Path.Combine(file, "day1");

        var (code, error) = await CliRun.Run("match", "--open-items", TestPaths.Demo("open_items.csv"), "--bank", TestPaths.Demo("bank", "day.bai2"), "--out", file, "--quiet");
        var (underCode, underError) = await CliRun.Run("match", "--open-items", TestPaths.Demo("open_items.csv"), "--bank", TestPaths.Demo("bank", "day.bai2"), "--out", under, "--quiet");

        Assert.Equal(2, code);
        Assert.Contains($"--out {file}: is a file; expected a folder", error, StringComparison.Ordinal);
        Assert.Equal(2, underCode);
        Assert.Contains($"--out {under}: {file} is a file, so no folder can be made under it.", underError, StringComparison.Ordinal);
        Assert.Equal("kept\n", File.ReadAllText(file));
    }

    [Fact]
    public async Task Match_AnOutputNameTakenByAFolder_FailsNamingItAndReplacesNothing()
    {
        var target = Path.Combine(_out, "run");
        Directory.CreateDirectory(Path.Combine(target, "applications.csv"));
        File.WriteAllText(Path.Combine(target, "exceptions.csv"), "an earlier run's\n");

        var (code, error) = await CliRun.Run("match", "--open-items", TestPaths.Demo("open_items.csv"), "--customers", TestPaths.Demo("customers.csv"),
            "--bank", TestPaths.Demo("bank", "day.bai2"), "--out", target, "--quiet");

        Assert.Equal(1, code);
        Assert.Contains($"{Path.Combine(target, "applications.csv")}: is a folder; expected a file", error, StringComparison.Ordinal);
        Assert.Contains("nothing was written", error, StringComparison.Ordinal);
        Assert.Equal("an earlier run's\n", File.ReadAllText(Path.Combine(target, "exceptions.csv")));
        Assert.False(File.Exists(Path.Combine(target, "deposits.csv")));
        Assert.Equal(["applications.csv", "exceptions.csv"], Directory.EnumerateFileSystemEntries(target).Select(Path.GetFileName).Order(StringComparer.Ordinal));
    }

    [Fact]
    public async Task Match_StatsFileCannotBeWritten_FailsSayingTheOutputsWereWritten()
    {
        var target = Path.Combine(_out, "run");
        var stats = Path.Combine(_out, "stats.json");
        Directory.CreateDirectory(stats);

        var (code, error) = await CliRun.Run("match", "--open-items", TestPaths.Demo("open_items.csv"), "--customers", TestPaths.Demo("customers.csv"),
            "--bank", TestPaths.Demo("bank", "day.bai2"), "--out", target, "--stats", stats, "--quiet");

        Assert.Equal(1, code);
        Assert.Contains($"cashapp match: --stats: ", error, StringComparison.Ordinal);
        Assert.Contains(stats, error, StringComparison.Ordinal);
        Assert.Contains($"were written to {target}; the figures were not.", error, StringComparison.Ordinal);
        Assert.DoesNotContain("nothing was written", error, StringComparison.Ordinal);
        Assert.True(File.Exists(Path.Combine(target, "applications.csv")));
    }

    [Fact]
    public async Task Match_IntoAFolderOfAnEarlierRun_ReplacesItsFilesWholeAndLeavesNoPartFiles()
    {
        var target = Path.Combine(_out, "run");
        Directory.CreateDirectory(target);
        File.WriteAllText(Path.Combine(target, "applications.csv"), "an earlier run's, longer than nothing at all\n");
        string[] day = ["match", "--open-items", TestPaths.Demo("open_items.csv"), "--customers", TestPaths.Demo("customers.csv"), "--bank", TestPaths.Demo("bank", "day.bai2"), "--quiet"];

        var (code, error) = await CliRun.Run([.. day, "--out", target]);
        var (freshCode, freshError) = await CliRun.Run([.. day, "--out", Path.Combine(_out, "fresh")]);

        Assert.True(code == 0, error);
        Assert.True(freshCode == 0, freshError);
        foreach (var name in new[] { "applications.csv", "exceptions.csv", "deposits.csv" })
        {
            Assert.Equal(File.ReadAllBytes(Path.Combine(_out, "fresh", name)), File.ReadAllBytes(Path.Combine(target, name)));
        }

        Assert.Equal(["applications.csv", "deposits.csv", "exceptions.csv"], Directory.EnumerateFileSystemEntries(target).Select(Path.GetFileName).Order(StringComparer.Ordinal));
    }
}

[CollectionDefinition("Console", DisableParallelization = true)]
public sealed class ConsoleTests;
