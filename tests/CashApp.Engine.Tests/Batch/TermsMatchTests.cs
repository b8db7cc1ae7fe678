using CashApp.Grpc.Cli;
using CashApp.Parsers.Tests.Bai2;
using Sylvan.Data.Csv;

namespace CashApp.Engine.Tests.Batch;

/// <summary>
/// <c>cashapp match</c> with <c>payment_terms</c> in open_items.csv (issue 15): a discount taken within its days is
/// applied with its deduction in applications.csv, a late one goes to exceptions, a blanket PO pays the one set of its
/// invoices of the amount; the same day without the column takes no discount. The BAI2 file is written by the
/// parsers' test writer.
/// </summary>
[Collection("Console")]
public sealed class TermsMatchTests : IDisposable
{
    private static readonly DateOnly Day = new(2026, 11, 20);
    private readonly string _dir = Directory.CreateTempSubdirectory("cashapp-terms").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private string PathOf(string name) => Path.Combine(_dir, name);

    private string WriteOpenItems(bool withTerms)
    {
        // AR1's discount days run to 2026-11-22, AR2's ran out on 2026-11-11; AR4-AR6 share a PO.
        string[] rows =
        [
            "AR1,INV,C1,Acme Corporation,INV-1001,,USD,1000.00,2026-11-12,2026-12-12,2/10 NET 30",
            "AR2,INV,C2,Bolt Industries,INV-1002,,USD,500.00,2026-11-01,2026-12-01,2/10 NET 30",
            "AR3,INV,C3,Cobalt Trading,INV-1003,,USD,250.00,2026-11-01,2026-12-01,NET 30",
            "AR4,INV,C4,Delta Freight,INV-2001,4500012345,USD,100.13,2026-10-01,2026-10-31,",
            "AR5,INV,C4,Delta Freight,INV-2002,4500012345,USD,250.41,2026-10-02,2026-11-01,",
            "AR6,INV,C4,Delta Freight,INV-2003,4500012345,USD,400.77,2026-10-03,2026-11-02,",
        ];
        var header = "item_id,doc_type,customer_id,customer_name,invoice_number,po_number,currency,open_amount,doc_date,due_date";
        var path = PathOf(withTerms ? "open_items.csv" : "open_items_no_terms.csv");
        File.WriteAllLines(path, withTerms ? [header + ",payment_terms", .. rows] : [header, .. rows.Select(r => r[..r.LastIndexOf(',')])]);
        return path;
    }

    private string WriteBai2()
    {
        TestDetail[] details =
        [
            new(165, 980_00, "Z", "ACH000101", string.Empty, "ORIG CO NAME:ACME CORPORATION ENTRY DESCR:PAYMENT ADDENDA:INV-1001"),
            new(165, 490_00, "Z", "ACH000102", string.Empty, "ORIG CO NAME:BOLT INDUSTRIES ENTRY DESCR:PAYMENT ADDENDA:INV-1002"),
            new(165, 250_00, "Z", "ACH000103", string.Empty, "ORIG CO NAME:COBALT TRADING ENTRY DESCR:PAYMENT ADDENDA:INV-1003"),
            new(165, 651_18, "Z", "ACH000104", string.Empty, "ORIG CO NAME:DELTA FREIGHT ENTRY DESCR:PAYMENT ADDENDA:PO 4500012345"),
        ];
        var file = new TestFile("BANK", "ACME", Day, [new TestGroup("BANK", Day, "USD", [new TestAccount("123456789", "USD", [], details)])]);
        var path = PathOf("day.bai2");
        File.WriteAllBytes(path, Bai2TestWriter.Render(file));
        return path;
    }

    private async Task<string> Match(bool withTerms)
    {
        var output = PathOf(withTerms ? "run" : "run-no-terms");
        var saved = Console.Error;
        using var error = new StringWriter();
        Console.SetError(error);
        try
        {
            var code = await CashAppCommand.InvokeAsync(["match", "--open-items", WriteOpenItems(withTerms), "--bank", WriteBai2(), "--out", output]);
            Assert.True(code == 0, error.ToString());
        }
        finally
        {
            Console.SetError(saved);
        }

        return output;
    }

    /// <summary>The columns that matter here, one line per row: payment, item, amount, deduction, reason.</summary>
    private static string Golden(string path, params string[] columns)
    {
        using var reader = CsvDataReader.Create(path);
        var lines = new List<string>();
        while (reader.Read())
        {
            lines.Add(string.Join(',', columns.Select(c => reader.GetString(reader.GetOrdinal(c)))));
        }

        return string.Join('\n', lines.Order(StringComparer.Ordinal));
    }

    [Fact]
    public async Task Match_WithPaymentTerms_WritesTheDiscountAsADeductionAndHoldsTheLateOne()
    {
        var run = await Match(withTerms: true);

        Assert.Equal(
            """
            ACH000101,AR1,980.00,20.00,discount taken
            ACH000103,AR3,250.00,,
            ACH000104,AR5,250.41,,
            ACH000104,AR6,400.77,,
            """.ReplaceLineEndings("\n"),
            Golden(Path.Combine(run, "applications.csv"), "payment_ref", "item_id", "amount", "deduction", "deduction_reason"));
        Assert.Equal("ACH000102,490.00", Golden(Path.Combine(run, "exceptions.csv"), "payment_ref", "unapplied_amount"));
        Assert.Contains("after the discount days", File.ReadAllText(Path.Combine(run, "exceptions.csv")), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Match_WithoutPaymentTerms_TakesNoDiscount()
    {
        var run = await Match(withTerms: false);

        var applications = Golden(Path.Combine(run, "applications.csv"), "payment_ref", "item_id", "amount", "deduction");
        Assert.DoesNotContain("20.00", applications, StringComparison.Ordinal);
        Assert.DoesNotContain("discount taken", File.ReadAllText(Path.Combine(run, "applications.csv")), StringComparison.Ordinal);
        Assert.Contains("ACH000104,AR5,250.41,", applications, StringComparison.Ordinal);
    }
}
