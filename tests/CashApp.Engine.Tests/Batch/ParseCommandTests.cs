using System.Globalization;
using System.Text;
using CashApp.Grpc.Cli;
using CashApp.Parsers.Common;
using CashApp.Parsers.Lockbox;
using CashApp.Tests;
using Sylvan.Data.Csv;

namespace CashApp.Engine.Tests.Batch;

/// <summary>
/// <c>cashapp parse</c>: one row per transaction, in file order, as the readers read them; and an invalid file prints
/// nothing on standard output however many rows it would have made before its error.
/// </summary>
public sealed class ParseCommandTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("cashapp-parse").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    [Theory]
    [InlineData("day.bai2")]
    [InlineData("day.camt053.xml")]
    [InlineData("day.lockbox.txt")]
    public async Task Parse_DemoFile_WritesEveryTransactionInFileOrder(string name)
    {
        var path = TestPaths.Demo("bank", name);
        var options = new BankFileReadOptions();
        var expected = (await BankFiles.ReadAllAsync(path, options)).Transactions;
        using var output = new MemoryStream();
        using var error = new StringWriter();

        var code = await ParseCommand.RunAsync(path, options, output, error, CancellationToken.None);

        Assert.True(code == 0, error.ToString());
        using var csv = CsvDataReader.Create(new StringReader(Encoding.UTF8.GetString(output.ToArray())));
        var rows = 0;
        while (csv.Read())
        {
            var t = expected[rows++];
            Assert.Equal(t.PaymentRef, csv.GetString(csv.GetOrdinal("payment_ref")));
            Assert.Equal(t.LineNumber.ToString(CultureInfo.InvariantCulture), csv.GetString(csv.GetOrdinal("line")));
            Assert.Equal(t.PayerName ?? string.Empty, csv.GetString(csv.GetOrdinal("payer_name")));
            Assert.Equal(t.FreeText ?? string.Empty, csv.GetString(csv.GetOrdinal("text")));
            Assert.Equal(t.ValueDate?.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture) ?? string.Empty, csv.GetString(csv.GetOrdinal("value_date")));
            Assert.Equal(string.Join(" | ", t.Remittance.Select(r => r.AmountMinor is null ? r.Reference : r.Reference + "=")), Strip(csv.GetString(csv.GetOrdinal("remittance"))));
        }

        Assert.Equal(expected.Count, rows);
        Assert.True(rows > 0);
    }

    /// <summary>
    /// The whole output, byte for byte, against files written by <c>cashapp parse</c> before its rows were written
    /// as UTF-8 directly: quoting, non-ASCII text, amounts in 0, 2 and 3 decimals, dates, every format.
    /// </summary>
    [Theory]
    [InlineData("demo/bank/day.bai2", null, "demo-day.bai2")]
    [InlineData("demo/bank/day.camt053.xml", null, "demo-day.camt053")]
    [InlineData("demo/bank/day.lockbox.txt", null, "demo-day.lockbox")]
    [InlineData("bai2/cashbench_seed11.bai2", null, "bai2-cashbench_seed11")]
    [InlineData("bai2/crlf_trailing_spaces_no_final_newline.bai2", null, "bai2-crlf_trailing_spaces_no_final_newline")]
    [InlineData("bai2/spec_features.bai2", null, "bai2-spec_features")]
    [InlineData("camt/camt053-v02.xml", null, "camt-camt053-v02")]
    [InlineData("camt/camt053-v08-prefixed.xml", null, "camt-camt053-v08-prefixed")]
    [InlineData("camt/camt054-v04.xml", null, "camt-camt054-v04")]
    [InlineData("lockbox/files/multi-lockbox-crlf.txt", null, "lockbox-multi-lockbox-crlf")]
    [InlineData("lockbox/files/remittance.csv", "lockbox/layouts/csv-remittance.json", "lockbox-remittance")]
    [InlineData("lockbox/files/wide-invoices.txt", "lockbox/layouts/wide-invoices.json", "lockbox-wide-invoices")]
    public async Task Parse_Fixture_WritesTheGoldenBytes(string file, string? layout, string golden)
    {
        var path = Path.Combine(TestPaths.Fixtures, file);
        var options = new BankFileReadOptions { LockboxLayout = layout is null ? null : LockboxLayout.Load(Path.Combine(TestPaths.Fixtures, layout)) };
        using var output = new MemoryStream();
        using var error = new StringWriter();

        var code = await ParseCommand.RunAsync(path, options, output, error, CancellationToken.None);

        Assert.True(code == 0, error.ToString());
        var expected = await File.ReadAllBytesAsync(Path.Combine(TestPaths.Fixtures, "parse-golden", golden + ".csv"));
        Assert.Equal(Encoding.UTF8.GetString(expected), Encoding.UTF8.GetString(output.ToArray()));
        Assert.Equal(expected, output.ToArray());
    }

    /// <summary>
    /// The same golden bytes when the file is read in parts on several threads, down to a part per few records: the
    /// rows of each part written on its worker and joined in file order after the header.
    /// </summary>
    [Theory]
    [InlineData("demo/bank/day.bai2", "demo-day.bai2", 64)]
    [InlineData("demo/bank/day.bai2", "demo-day.bai2", 4096)]
    [InlineData("demo/bank/day.lockbox.txt", "demo-day.lockbox", 64)]
    [InlineData("demo/bank/day.lockbox.txt", "demo-day.lockbox", 2048)]
    [InlineData("bai2/cashbench_seed11.bai2", "bai2-cashbench_seed11", 100)]
    [InlineData("bai2/crlf_trailing_spaces_no_final_newline.bai2", "bai2-crlf_trailing_spaces_no_final_newline", 1)]
    [InlineData("bai2/spec_features.bai2", "bai2-spec_features", 1)]
    [InlineData("lockbox/files/multi-lockbox-crlf.txt", "lockbox-multi-lockbox-crlf", 1)]
    public async Task Parse_FixtureInParts_WritesTheGoldenBytes(string file, string golden, int partBytes)
    {
        var path = Path.Combine(TestPaths.Fixtures, file);
        using var output = new MemoryStream();
        using var error = new StringWriter();

        var code = await ParseCommand.RunAsync(path, new BankFileReadOptions(), output, error, CancellationToken.None, partBytes);

        Assert.True(code == 0, error.ToString());
        var expected = await File.ReadAllBytesAsync(Path.Combine(TestPaths.Fixtures, "parse-golden", golden + ".csv"));
        Assert.Equal(Encoding.UTF8.GetString(expected), Encoding.UTF8.GetString(output.ToArray()));
    }

    [Fact]
    public async Task Parse_APipe_IsReadAsABigFileIsAndFailsInOneLine()
    {
        // A pipe has no length to tell a small file by. Reading it is not supported (its start is read to tell the format,
        // and gone), but it fails as any unreadable file does: one line, exit code 1, never an unhandled exception.
        var bytes = await File.ReadAllBytesAsync(TestPaths.Demo("bank", "day.bai2"));
        System.Runtime.InteropServices.SafeHandle readEnd;
        string path;
        using (var pipe = new System.IO.Pipes.AnonymousPipeServerStream(System.IO.Pipes.PipeDirection.Out))
        {
            // Less than the pipe holds, so that the write does not wait for a reader; the write end is closed after it.
            await pipe.WriteAsync(bytes.AsMemory(0, Math.Min(bytes.Length, 32_000)));
            readEnd = pipe.ClientSafePipeHandle;
            path = "/proc/self/fd/" + readEnd.DangerousGetHandle().ToInt64().ToString(CultureInfo.InvariantCulture);
        }

        using (readEnd)
        {
            using var output = new MemoryStream();
            using var error = new StringWriter();
            var code = await ParseCommand.RunAsync(path, new BankFileReadOptions(), output, error, CancellationToken.None);
            Assert.Equal(1, code);
            Assert.Single(error.ToString().TrimEnd('\n').Split('\n'));
            Assert.Contains(path, error.ToString(), StringComparison.Ordinal);
            Assert.DoesNotContain("Exception", error.ToString(), StringComparison.Ordinal);
        }
    }

    /// <summary>
    /// A file smaller than <see cref="ParseCommand.SmallFileBytes"/> is read and written on one thread (session 19), a larger
    /// one with its rows written on a second: the same standard output, standard error and exit code either way, for
    /// every format, lenient warnings, and files that fail early, late or after many rows.
    /// </summary>
    [Theory]
    [InlineData("demo/bank/day.bai2", false, null)]
    [InlineData("demo/bank/day.camt053.xml", false, null)]
    [InlineData("demo/bank/day.lockbox.txt", false, null)]
    [InlineData("camt/camt053-v08-prefixed.xml", false, null)]
    [InlineData("camt/camt054-v04.xml", false, null)]
    [InlineData("bai2/spec_features.bai2", true, null)]
    [InlineData("lockbox/files/remittance.csv", false, "lockbox/layouts/csv-remittance.json")]
    [InlineData("demo/bank/day.camt053.xml", false, "cut")]
    [InlineData("demo/bank/day.bai2", false, "cut")]
    [InlineData("demo/bank/day.lockbox.txt", false, "cut")]
    [InlineData("demo/bank/day.bai2", false, "late")]
    public async Task Parse_SmallFileOnOneThread_WritesWhatTwoThreadsWrite(string file, bool lenient, string? change)
    {
        var path = Path.Combine(TestPaths.Fixtures, file);
        LockboxLayout? layout = null;
        if (change == "cut" || change == "late")
        {
            var bytes = await File.ReadAllBytesAsync(path);
            var copy = Path.Combine(_dir, Path.GetFileName(file));
            if (change == "cut")
            {
                bytes = bytes[..(bytes.Length * 2 / 3)];
            }
            else
            {
                // A letter in the amount of the file's last transaction record (16): every row but the last is read first.
                var text = Encoding.ASCII.GetString(bytes);
                var at = text.LastIndexOf("\n16,", StringComparison.Ordinal) + 8;
                bytes[at] = (byte)'X';
            }

            await File.WriteAllBytesAsync(copy, bytes);
            path = copy;
        }
        else if (change is not null)
        {
            layout = LockboxLayout.Load(Path.Combine(TestPaths.Fixtures, change));
        }

        var options = new BankFileReadOptions { Lenient = lenient, LockboxLayout = layout };
        var results = new List<(int Code, string Output, string Error)>();
        foreach (var smallFileBytes in new[] { 0, int.MaxValue })
        {
            using var output = new MemoryStream();
            using var error = new StringWriter();
            var code = await ParseCommand.RunAsync(path, options, output, error, CancellationToken.None, smallFileBytes: smallFileBytes);
            results.Add((code, Encoding.UTF8.GetString(output.ToArray()), error.ToString()));
        }

        Assert.Equal(results[0], results[1]);
        Assert.Equal(change is "cut" or "late" ? 1 : 0, results[0].Code);
        Assert.True(change is "cut" or "late" ? results[0].Output.Length == 0 : results[0].Output.Length > 200);
    }

    /// <summary>
    /// A file read in parts whose rows go out once the checking reader has passed it: its warnings (an invoice amount
    /// without a number, early and late) come on standard error once each, in file order, and standard output holds
    /// the bytes the one-thread parse writes, whatever the parts.
    /// </summary>
    [Theory]
    [InlineData(1)]
    [InlineData(64)]
    [InlineData(2048)]
    public async Task Parse_LockboxWithWarningsInParts_WritesTheOneThreadOutput(int partBytes)
    {
        var lines = await File.ReadAllLinesAsync(TestPaths.Demo("bank", "day.lockbox.txt"));
        var blanked = 0;
        foreach (var i in new[] { 10, lines.Length - 10 })
        {
            var line = Enumerable.Range(0, i).Select(back => i - back).First(n => lines[n].StartsWith('4') && lines[n][11..].StartsWith("INV-", StringComparison.Ordinal));
            var end = lines[line].IndexOf(' ', 11);
            lines[line] = lines[line][..11] + new string(' ', end - 11) + lines[line][end..];
            blanked++;
        }

        var path = Path.Combine(_dir, "warnings.lockbox.txt");
        await File.WriteAllLinesAsync(path, lines);
        using var oneThreadOutput = new MemoryStream();
        using var oneThreadError = new StringWriter();
        using var output = new MemoryStream();
        using var error = new StringWriter();

        var oneThreadCode = await ParseCommand.RunAsync(path, new BankFileReadOptions(), oneThreadOutput, oneThreadError, CancellationToken.None);
        var code = await ParseCommand.RunAsync(path, new BankFileReadOptions(), output, error, CancellationToken.None, partBytes);

        Assert.Equal(0, oneThreadCode);
        Assert.Equal(0, code);
        Assert.Equal(blanked, error.ToString().Split('\n').Count(line => line.Contains("LBX_INVOICE_AMOUNT_WITHOUT_NUMBER", StringComparison.Ordinal)));
        Assert.Equal(oneThreadError.ToString(), error.ToString());
        Assert.Equal(oneThreadOutput.ToArray(), output.ToArray());
    }

    [Fact]
    public async Task Parse_FileCutShortReadInParts_WritesNothingAndNamesTheLine()
    {
        // Many parts of rows, all read before the checking reader finds the file cut short: none of them is written.
        var path = Path.Combine(_dir, "cut-parts.bai2");
        await File.WriteAllTextAsync(path, Bai2WithDetails(5000, trailers: false));
        using var output = new MemoryStream();
        using var error = new StringWriter();

        var code = await ParseCommand.RunAsync(path, new BankFileReadOptions(), output, error, CancellationToken.None, partBytes: 1024);

        Assert.Equal(1, code);
        Assert.Equal(0, output.Length);
        Assert.Contains($"{path}:5003: the file ends before the 49 trailer", error.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Parse_BadFileWhoseNameHoldsControlCharacters_NamesItEscaped()
    {
        // A terminal escape in a file's name (one colouring the rest of the line) is shown, not obeyed.
        var path = Path.Combine(_dir, "cut\u001b[31m\tday.bai2");
        await File.WriteAllTextAsync(path, Bai2WithDetails(3, trailers: false));
        using var output = new MemoryStream();
        using var error = new StringWriter();

        var code = await ParseCommand.RunAsync(path, new BankFileReadOptions(), output, error, CancellationToken.None);

        Assert.Equal(1, code);
        Assert.Equal(0, output.Length);
        var shown = Path.Combine(_dir, "cut\\u001B[31m\\tday.bai2");
        Assert.StartsWith($"cashapp parse: {shown}:6: the file ends before the 49 trailer", error.ToString(), StringComparison.Ordinal);
        Assert.DoesNotContain(error.ToString(), c => char.IsControl(c) && c != '\n' && c != '\r');
    }

    /// <summary>
    /// The rows are written on a second thread in blocks of transactions: many blocks and a last one part full come out
    /// whole and in file order, the bytes one writer on the reading thread writes for the same transactions.
    /// </summary>
    [Theory]
    [InlineData(1)]
    [InlineData(512)]
    [InlineData(513)]
    [InlineData(2345)]
    public async Task Parse_ManyBlocksOfRows_WritesTheRowsOfOneThreadInFileOrder(int transactions)
    {
        var path = Path.Combine(_dir, "many.bai2");
        await File.WriteAllTextAsync(path, Bai2WithDetails(transactions, trailers: true));
        var options = new BankFileReadOptions();
        using var expected = new MemoryStream();
        var writer = new ParseRowWriter(expected);
        writer.WriteHeader(ParseCommand.Columns);
        foreach (var transaction in (await BankFiles.ReadAllAsync(path, options)).Transactions)
        {
            writer.Write(transaction);
        }

        writer.Flush();
        using var output = new MemoryStream();
        using var error = new StringWriter();

        var code = await ParseCommand.RunAsync(path, options, output, error, CancellationToken.None);

        Assert.True(code == 0, error.ToString());
        Assert.Equal(transactions + 1, Encoding.UTF8.GetString(output.ToArray()).Count(c => c == '\n'));
        Assert.Equal(expected.ToArray(), output.ToArray());
    }

    [Fact]
    public async Task Parse_FileCutShortAfterManyRows_WritesNothingAndNamesTheLine()
    {
        // Thousands of transactions before the file ends without its trailers: far more rows than any writer buffers,
        // so a parse that wrote as it read would have written some of them.
        var path = Path.Combine(_dir, "cut.bai2");
        await File.WriteAllTextAsync(path, Bai2WithDetails(5000, trailers: false));
        using var output = new MemoryStream();
        using var error = new StringWriter();

        var code = await ParseCommand.RunAsync(path, new BankFileReadOptions(), output, error, CancellationToken.None);

        Assert.Equal(1, code);
        Assert.Equal(0, output.Length);
        Assert.Contains($"{path}:5003: the file ends before the 49 trailer", error.ToString(), StringComparison.Ordinal);
    }

    // A BAI2 file of one account with `count` credits of 10.00 and up, each with a bank reference and a payer; with its
    // 49, 98 and 99 trailers (totals and counts that reconcile), or cut short after the last detail.
    private static string Bai2WithDetails(int count, bool trailers)
    {
        var text = new StringBuilder("01,ACMEBANK,YOURCO,261120,0600,1,,,2/\n02,YOURCO,ACMEBANK,1,261120,0600,USD,2/\n03,1000123456,USD,010,0,,/\n");
        long total = 0;
        for (var i = 0; i < count; i++)
        {
            text.Append(CultureInfo.InvariantCulture, $"16,165,{1000 + i},0,2611200{i:D7},,ORIG CO NAME:ECHO PACKAGING ORIG ID:6953697809 ENTRY DESCR:PAYMENTS SEC:CCD\n");
            total += 1000 + i;
        }

        if (trailers)
        {
            text.Append(CultureInfo.InvariantCulture, $"49,{total},{count + 2}/\n98,{total},1,{count + 4}/\n99,{total},1,{count + 6}/\n");
        }

        return text.ToString();
    }

    // "INV-1=12.50 | INV-2" to "INV-1= | INV-2": the amounts' format is MinorUnits', tested with it.
    private static string Strip(string remittance) =>
        string.Join(" | ", remittance.Split(" | ").Select(part => part.Contains('=', StringComparison.Ordinal) ? part[..(part.IndexOf('=', StringComparison.Ordinal) + 1)] : part));
}
