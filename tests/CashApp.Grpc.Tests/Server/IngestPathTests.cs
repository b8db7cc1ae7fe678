using System.Text;
using CashApp.Engine.Batch;
using CashApp.Parsers.Common;
using CashApp.Store;
using Google.Rpc;
using Grpc.Core;
using V1 = CashApp.Grpc.V1;

namespace CashApp.Grpc.Tests.Server;

/// <summary>
/// One ingest path: <c>BankFiles.Ingest</c> takes a file in as <c>cashapp match</c> does (detection that knows the
/// lockbox layout, reading, currency check). A CSV remittance file, which only a layout with a CSV mapping makes a
/// bank file, is ingested when the first chunk carries that layout, and refused with the file and line without it.
/// </summary>
public sealed class IngestPathTests : IAsyncLifetime
{
    // A layout with a CSV column mapping (LOCKBOX.md); the fixed-width records keep the default layout.
    private const string CsvLayout = """
        {
          "name": "csv-remittance",
          "csv": {
            "delimiter": ",",
            "amounts": "decimal",
            "dateFormat": "MM/dd/yyyy",
            "columns": {
              "lockbox": "Lockbox", "batch": "Batch", "item": "Item", "amount": "Check Amount",
              "routing": "Routing", "account": "Account", "check_number": "Check No", "remitter_name": "Remitter",
              "deposit_date": "Deposit Date", "invoice_number": "Invoice", "invoice_amount": "Invoice Amount"
            }
          }
        }
        """;

    // Three checks: one for two invoices over two rows, one for one invoice, one that quotes nothing.
    private const string Remittance = """
        Lockbox,Batch,Item,Check Amount,Routing,Account,Check No,Remitter,Deposit Date,Invoice,Invoice Amount
        0077001,001,001,1500.00,121000358,12345678,1001,"ACME SUPPLY, INC.",11/20/2026,INV-880101,1000.00
        0077001,001,001,1500.00,121000358,12345678,1001,"ACME SUPPLY, INC.",11/20/2026,INV-880102,500.00
        0077001,001,002,250.00,026009593,777,1003,GAMMA,11/20/2026,INV-880301,
        0077001,001,003,99.95,026009593,555,1002,BETA LLC,11/20/2026,,

        """;

    private readonly ServerFixture _server = new();

    public Task InitializeAsync() => _server.InitializeAsync();

    public Task DisposeAsync() => _server.DisposeAsync();

    [Fact]
    public async Task Ingest_CsvRemittanceFileWithItsLayout_IsReadAsCashappMatchReadsIt()
    {
        await _server.OpenItems().UpsertAsync([
            MatchingTests.Invoice("CSV-I1", "CSV-ACME", "INV-880101", 1_000_00),
            MatchingTests.Invoice("CSV-I2", "CSV-ACME", "INV-880102", 500_00),
            MatchingTests.Invoice("CSV-I3", "CSV-GAMMA", "INV-880301", 250_00),
        ]);
        var content = Encoding.UTF8.GetBytes(Remittance);
        var local = Path.Combine(Path.GetTempPath(), $"cashapp-remittance-{Guid.NewGuid():N}.csv");
        await File.WriteAllBytesAsync(local, content);
        BankFileReadResult read;
        try
        {
            read = await BankFileReading.ReadFileAsync(local, new BankFileReadOptions { LockboxLayout = CashApp.Parsers.Lockbox.LockboxLayout.Parse(CsvLayout, "layout") });
        }
        finally
        {
            File.Delete(local);
        }

        var report = await _server.BankFiles().IngestAsync("remittance.csv", content, chunkSize: 64, layout: CsvLayout);

        Assert.Equal((V1.BankFileFormat.LockboxCsv, 3, 3, 3), (report.Format, report.Credits, report.NewCredits, report.Applied));
        Assert.Equal(BankFileFormat.LockboxCsv, read.Format);
        var payments = await _server.Store.ListPaymentsAsync(long.Parse(report.FileId, System.Globalization.CultureInfo.InvariantCulture));
        Assert.Equal(read.Transactions.Select(t => (t.PaymentRef, t.AmountMinor)), payments.Select(p => (p.PaymentRef, p.Amount.Minor)));
        Assert.Equal(0, (await _server.Store.GetOpenItemAsync("CSV-I1"))!.RemainingMinor);
        Assert.Equal(0, (await _server.Store.GetOpenItemAsync("CSV-I3"))!.RemainingMinor);
    }

    [Fact]
    public async Task Ingest_CsvRemittanceFileWithoutALayout_IsRefusedNamingFileAndLineAndStoresNothing()
    {
        var ex = await Assert.ThrowsAsync<RpcException>(() => _server.BankFiles().IngestAsync("remittance.csv", Encoding.UTF8.GetBytes(Remittance)));

        Assert.Equal(StatusCode.InvalidArgument, ex.StatusCode);
        var info = ex.GetRpcStatus()!.GetDetail<ErrorInfo>();
        Assert.Equal(("UNKNOWN_FORMAT", "remittance.csv", "1"), (info.Reason, info.Metadata["file_name"], info.Metadata["line"]));
        Assert.DoesNotContain(await _server.Store.ListBankFilesAsync(1000), f => f.Status == BankFileStatus.Ingested);
    }
}
