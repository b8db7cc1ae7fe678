using System.Globalization;
using System.Text;
using CashApp.Engine.Batch;
using CashApp.Fixtures;
using CashApp.Parsers.Bai2;
using CashApp.Parsers.Common;
using CashApp.Parsers.Lockbox;
using CashApp.Parsers.Tests.Bai2;

namespace CashApp.Engine.Tests.Batch;

/// <summary>
/// The match run's read of a bank file (<see cref="BankFileReading.ReadFileAsync(string, BankFileReadOptions, CancellationToken)"/>)
/// reads strict BAI2 and lockbox files in parts; it gives what the one-thread streaming read gives: the same
/// transactions in order and the same warnings, or the same first error, an unknown currency included, wherever it
/// lies against a format error and whatever the part size.
/// </summary>
public sealed class BankFileReadingPartsTests : IDisposable
{
    private static readonly DateOnly Day = new(2026, 12, 3);
    private readonly string _dir = Directory.CreateTempSubdirectory("cashapp-reading-parts").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    /// <summary>A BAI2 day of three accounts of 300 details each; <paramref name="currencies"/> gives each account's currency.</summary>
    private static byte[] Bai2(params string[] currencies)
    {
        var accounts = currencies.Select((currency, a) => new TestAccount(
            $"10000{a}", currency, [], [.. Enumerable.Range(0, 300).Select(i => new TestDetail(
                165, 1_000 + (i * 7) + a, "Z", $"REF{a}{i:D5}", string.Empty, $"PAYMENT FROM PAYER {i % 13} INV-{a}{i:D5}"))])).ToList();
        return Bai2TestWriter.Render(new TestFile("BANK", "CUST", Day, [new TestGroup("BANK", Day, "USD", accounts)]));
    }

    private static byte[] Lockbox()
    {
        var batches = Enumerable.Range(0, 40).Select(b => new LockboxBatchModel(
            $"{b + 1:D3}",
            [.. Enumerable.Range(0, 12).Select(c => new LockboxCheckModel(
                $"{c + 1:D3}", 10_00 + (b * 100) + c, "021000021", $"{b:D4}{c:D5}", $"{b:D3}{c:D3}", $"PAYER {b} {c}", [($"INV-{b:D3}{c:D3}", 10_00 + (b * 100) + c)]))])).ToList();
        return Encoding.ASCII.GetBytes(LockboxWriter.Write(LockboxLayout.Default, [new LockboxModel("0012345", Day, batches)], new LockboxWriterOptions { NewLine = "\n" }));
    }

    public static TheoryData<string, int> Bai2Cases => new()
    {
        { "USD USD USD", 512 },
        { "USD XYZ EUR", 512 },
        { "USD USD XYZ", 4096 },
        { "XYZ USD USD", 1 },
    };

    [Theory]
    [MemberData(nameof(Bai2Cases))]
    public async Task ReadFile_Bai2InParts_GivesTheOneThreadRead(string currencies, int partBytes)
    {
        var bytes = Bai2(currencies.Split(' '));
        await AssertSameAsync(bytes, new BankFileReadOptions(), partBytes);
    }

    /// <summary>
    /// An unknown currency in the second account and a broken file total at the end: the error is the account's, on
    /// its line, as the one-thread read gives it.
    /// </summary>
    [Fact]
    public async Task ReadFile_UnknownCurrencyBeforeABrokenTotal_ThrowsTheCurrency()
    {
        var text = Encoding.ASCII.GetString(Bai2("USD", "XYZ", "USD"));
        var broken = text[..text.LastIndexOf("\n98,", StringComparison.Ordinal)] + "\n98,1,1,1/\n99,1,1,1/\n";
        var path = Write(Encoding.ASCII.GetBytes(broken));

        var parts = await Assert.ThrowsAsync<Bai2FormatException>(() => BankFileReading.ReadFileAsync(path, new BankFileReadOptions(), partBytes: 512, CancellationToken.None));
        var serial = await Assert.ThrowsAsync<Bai2FormatException>(() => ReadOneThreadAsync(path, new BankFileReadOptions()));
        Assert.Equal(serial.Message, parts.Message);
        Assert.Equal(305, parts.LineNumber);
        Assert.Contains("'XYZ'", parts.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ReadFile_CorruptedBai2InParts_GivesTheOneThreadReadOrItsFirstError()
    {
        var valid = Bai2("USD", "EUR", "USD");
        var random = new Random(20261203);
        for (var i = 0; i < 60; i++)
        {
            var bytes = (byte[])valid.Clone();
            bytes[random.Next(bytes.Length)] = (byte)",/\n8 0Z9A"[random.Next(9)];
            await AssertSameAsync(bytes, new BankFileReadOptions(), 1 + random.Next(2048));
        }
    }

    [Fact]
    public async Task ReadFile_LockboxInParts_GivesTheOneThreadRead()
    {
        var outcome = await AssertSameAsync(Lockbox(), new BankFileReadOptions(), 700);
        Assert.Contains("0012345", outcome, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ReadFile_CorruptedLockboxInParts_GivesTheOneThreadReadOrItsFirstError()
    {
        var valid = Lockbox();
        var random = new Random(20261204);
        for (var i = 0; i < 60; i++)
        {
            var bytes = (byte[])valid.Clone();
            bytes[random.Next(bytes.Length)] = (byte)"0 9A\n6X"[random.Next(7)];
            await AssertSameAsync(bytes, new BankFileReadOptions(), 1 + random.Next(2048));
        }
    }

    private string Write(byte[] bytes)
    {
        var path = Path.Combine(_dir, Guid.NewGuid().ToString("N"));
        File.WriteAllBytes(path, bytes);
        return path;
    }

    private static async Task<BankFileReadResult> ReadOneThreadAsync(string path, BankFileReadOptions options)
    {
        await using var stream = File.OpenRead(path);
        var format = await BankFileReading.DetectAsync(stream, options.LockboxLayout);
        var warnings = new List<ParseWarning>();
        var transactions = await BankFileReading.ReadAsync(stream, path, format, options, warnings);
        return new BankFileReadResult(path, format, transactions, warnings);
    }

    private async Task<string> AssertSameAsync(byte[] bytes, BankFileReadOptions options, int partBytes)
    {
        var path = Write(bytes);
        var serial = await OutcomeAsync(() => ReadOneThreadAsync(path, options));
        var parts = await OutcomeAsync(() => BankFileReading.ReadFileAsync(path, options, partBytes, CancellationToken.None));
        Assert.Equal(serial, parts);
        File.Delete(path);
        return serial;
    }

    /// <summary>Everything a read gives, as text: the format, every transaction's fields, the warnings, or the error.</summary>
    private static async Task<string> OutcomeAsync(Func<Task<BankFileReadResult>> read)
    {
        try
        {
            var result = await read();
            var text = new StringBuilder();
            text.Append(CultureInfo.InvariantCulture, $"{result.Format} {result.Transactions.Count}\n");
            foreach (var t in result.Transactions)
            {
                text.Append(CultureInfo.InvariantCulture, $"{t.PaymentRef}|{t.Direction}|{t.AmountMinor}|{t.Currency}|{t.LineNumber}|{t.IsPayment}|{t.TypeCode}|{t.ValueDate:O}|{t.PayerName}|{t.PayerAccount}|{t.Account}|{t.BankReference}|{t.FreeText}|{string.Join(';', t.Remittance)}\n");
            }

            foreach (var warning in result.Warnings)
            {
                text.Append(CultureInfo.InvariantCulture, $"warning {warning}\n");
            }

            return text.ToString();
        }
        catch (BankFileFormatException ex)
        {
            return $"{ex.GetType().Name} {ex.LineNumber} {ex.Message}";
        }
    }
}
