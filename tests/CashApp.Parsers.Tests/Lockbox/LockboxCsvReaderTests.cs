using System.Text;
using CashApp.Parsers.Common;
using CashApp.Parsers.Lockbox;
using static CashApp.Parsers.Tests.Lockbox.LockboxTestSupport;

namespace CashApp.Parsers.Tests.Lockbox;

public sealed class LockboxCsvReaderTests
{
    private static LockboxLayout CsvLayout => LockboxLayout.Load(Path.Combine(Layouts, "csv-remittance.json"));

    private static async Task<List<BankTransaction>> ReadCsvAsync(string csv, LockboxLayout? layout = null, List<ParseWarning>? warnings = null)
    {
        var list = new List<BankTransaction>();
        await foreach (var t in LockboxCsvReader.ReadAsync(new MemoryStream(Encoding.UTF8.GetBytes(csv)), "r.csv", layout ?? CsvLayout, warnings))
        {
            list.Add(t);
        }

        return list;
    }

    [Fact]
    public async Task ReadAsync_RowsOfOneCheck_GroupIntoOnePayment()
    {
        var payments = await ReadCsvAsync(await File.ReadAllTextAsync(Path.Combine(Files, "remittance.csv")));

        Assert.Equal(["0012345-001-001", "0012345-001-002", "0012345-001-003"], payments.Select(p => p.PaymentRef));
        var acme = payments[0];
        Assert.Equal(150000, acme.AmountMinor);
        Assert.Equal(BankFileFormat.LockboxCsv, acme.Format);
        Assert.Equal(2, acme.LineNumber);
        Assert.Equal("ACME SUPPLY, INC.", acme.PayerName);
        Assert.Equal("121000358:12345678", acme.PayerAccount);
        Assert.Equal(new DateOnly(2024, 3, 15), acme.ValueDate);
        Assert.Equal("1001", acme.Extra["check_number"]);
        Assert.Equal("thanks", acme.Extra["memo"]);
        Assert.Equal([new("INV-1001", 100000, RemittanceKind.Invoice), new("INV-1002", 50000, RemittanceKind.Invoice)], acme.Remittance);
        Assert.Empty(payments[1].Remittance);
        Assert.Equal(9995, payments[1].AmountMinor);
        Assert.Equal([new RemittanceLine("INV-3001", null, RemittanceKind.Invoice)], payments[2].Remittance);
    }

    [Fact]
    public async Task ReadAllAsync_CsvWithCsvLayout_IsDetectedAsLockboxCsv()
    {
        var result = await BankFiles.ReadAllAsync(Path.Combine(Files, "remittance.csv"), new BankFileReadOptions { LockboxLayout = CsvLayout });

        Assert.Equal(BankFileFormat.LockboxCsv, result.Format);
        Assert.Equal(3, result.Transactions.Count);
    }

    [Fact]
    public async Task ReadAllAsync_FixedWidthFileWithCsvLayout_IsStillReadAsFixedWidth()
    {
        var result = await BankFiles.ReadAllAsync(Path.Combine(Files, "multi-lockbox-crlf.txt"), new BankFileReadOptions { LockboxLayout = CsvLayout });

        Assert.Equal(BankFileFormat.Lockbox, result.Format);
        Assert.Equal(5, result.Transactions.Count);
    }

    [Theory]
    [InlineData("Lockbox,Batch,Item,Check Amount\n", BankFileFormat.LockboxCsv)]
    [InlineData("1Lockbox,Batch,Item,Check Amount\n", BankFileFormat.LockboxCsv)]
    [InlineData("101YOURCO    BANK      2403150600\n", BankFileFormat.Lockbox)]
    [InlineData("01,SENDER,RECEIVER,240315,0600,1,80,1,2/\n", BankFileFormat.Bai2)]
    [InlineData("<?xml version=\"1.0\"?><Document xmlns=\"urn:iso:std:iso:20022:tech:xsd:camt.053.001.08\">", BankFileFormat.Camt053)]
    public void Detect_WithCsvLayout_ChoosesCsvOnlyForWhatIsNoOtherFormat(string head, BankFileFormat expected)
    {
        Assert.Equal(expected, BankFiles.Detect(Encoding.UTF8.GetBytes(head), CsvLayout));
    }

    [Fact]
    public void Detect_WithoutCsvMapping_LeavesCsvUnknown()
    {
        Assert.Equal(BankFileFormat.Unknown, BankFiles.Detect("Lockbox,Batch\n"u8, LockboxLayout.Default));
    }

    [Fact]
    public async Task ReadAsync_MissingMappedColumn_FailsNamingIt()
    {
        var error = await Assert.ThrowsAsync<LockboxFormatException>(() => ReadCsvAsync("Lockbox,Batch,Item\n1,2,3\n"));

        Assert.Equal(LockboxErrors.CsvMissingColumnCode, error.ErrorCode);
        Assert.Equal(1, error.LineNumber);
        Assert.Contains(Describe(LockboxErrors.CsvMissingColumn, "amount", "Check Amount"), error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ReadAsync_RowsOfOneCheckDisagreeOnAmount_Fails()
    {
        var csv = (await File.ReadAllTextAsync(Path.Combine(Files, "remittance.csv"))).Replace("1500.00,121000358,12345678,1001,\"ACME SUPPLY, INC.\",03/15/2024,INV-1002", "1500.01,121000358,12345678,1001,\"ACME SUPPLY, INC.\",03/15/2024,INV-1002", StringComparison.Ordinal);

        var error = await Assert.ThrowsAsync<LockboxFormatException>(() => ReadCsvAsync(csv));

        Assert.Equal(LockboxErrors.CsvCheckMismatchCode, error.ErrorCode);
        Assert.Equal(3, error.LineNumber);
        Assert.Contains(Describe(LockboxErrors.CsvCheckMismatch, "0012345-001-001", "Check Amount", "1500.01", 2, "1500.00"), error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ReadAsync_RowsOfOneCheckNotAdjacent_Fails()
    {
        var lines = (await File.ReadAllTextAsync(Path.Combine(Files, "remittance.csv"))).TrimEnd().Split('\n');
        var csv = string.Join('\n', lines[0], lines[1], lines[3], lines[2]) + "\n";

        var error = await Assert.ThrowsAsync<LockboxFormatException>(() => ReadCsvAsync(csv));

        Assert.Equal(LockboxErrors.CsvCheckNotAdjacentCode, error.ErrorCode);
        Assert.Equal(4, error.LineNumber);
    }

    [Fact]
    public async Task ReadAsync_BadAmount_FailsNamingColumnAndText()
    {
        var csv = "Lockbox,Batch,Item,Check Amount,Routing,Account,Check No,Remitter,Deposit Date,Invoice,Invoice Amount,Memo\n1,1,1,12.3.4,,,,,,,,\n";

        var error = await Assert.ThrowsAsync<LockboxFormatException>(() => ReadCsvAsync(csv));

        Assert.Equal(LockboxErrors.CsvBadAmountCode, error.ErrorCode);
        Assert.Equal(2, error.LineNumber);
        Assert.Contains(Describe(LockboxErrors.CsvBadAmount, "Check Amount", "12.3.4", "USD"), error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ReadAsync_CentsAndPaymentRefColumn_ReadsReferenceAsGiven()
    {
        var layout = LockboxLayout.Parse("""{ "csv": { "amounts": "cents", "delimiter": ";", "columns": { "payment_ref": "ref", "amount": "cents", "invoice_number": "inv" } } }""", "x");

        var payments = await ReadCsvAsync("ref;cents;inv\nLBX-9;12345;A\nLBX-9;12345;B\n", layout);

        var payment = Assert.Single(payments);
        Assert.Equal("LBX-9", payment.PaymentRef);
        Assert.Equal(12345, payment.AmountMinor);
        Assert.Equal(["A", "B"], payment.Remittance.Select(r => r.Reference));
    }
}
