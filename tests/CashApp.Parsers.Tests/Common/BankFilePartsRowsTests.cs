using System.Globalization;
using System.Text;
using CashApp.Parsers.Common;
using CashApp.Parsers.Tests.Bai2;
using CashApp.Parsers.Tests.Lockbox;
using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;

namespace CashApp.Parsers.Tests.Common;

/// <summary>
/// <see cref="BankFileParts.ReadRowsAsync"/> makes a strict BAI2 file's rows straight from each record's text: every
/// row must be the row of the transaction the one-thread reader builds (<see cref="BankRow.Of"/>), value by value, in
/// the same order, with the same warnings or the same first error, on valid and corrupted files whose texts carry the
/// labels the scan reads (payer names, ids, DABA and DACT accounts, remittance, EDI), references and texts that need
/// quotes, start with '#' or are not ASCII.
/// </summary>
public sealed class BankFilePartsRowsTests : IDisposable
{
    private static readonly string[] Words =
    [
        "ORIG CO NAME:", "ORIG ID:", "ORIG:", "ID:", "DABA:", "DACT:", "B/O:", "OBI:", "ADDENDA:", "REMI:", "DETAILS:", "ENTRY DESCR:",
        "CO NAME:", "SEC:", "TRN:", "INV", "1022069", "ACME CO", "ÉLAN SA", "株式会社", "\"Q\"", "#7", "A;B", "RMR*IV*123*PI*10.00\\",
        "RMR*IV*9*PI*1\\", "NTE*ZZZ*HI\\", "NAME=", "REF:", "/ROC/", "😀", "PAYMENT",
    ];

    private static readonly string[] Separators = [" ", ",", "  ", "", "-"];

    private static readonly string[] References = [string.Empty, string.Empty, "REF1", "#12", "Q\"1", "Ü9", "A B", "株1"];

    /// <summary>Random files of <see cref="Bai2PropertyTests.Files"/> with each detail's text and references drawn again from the richer sets above.</summary>
    private static readonly Gen<(byte[] Bytes, int Seed)> Files =
        from file in Bai2PropertyTests.Files
        from seed in Gen.Choose(0, int.MaxValue)
        select (Bai2TestWriter.Render(Richer(file.File, seed), file.Width, file.NewLine, file.FinalNewLine), seed);

    private readonly string _dir = Directory.CreateTempSubdirectory("cashapp-rows").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    [Property(MaxTest = 200, Replay = "(20261205,1)")]
    public Property ReadRows_RandomBai2File_GivesTheRowsOfTheOneThreadRead() =>
        Prop.ForAll(Arb.From(Files.Zip(Gen.Choose(1, 400)).Zip(Gen.Choose(1, 3))), input =>
        {
            var (((bytes, _), partBytes), workers) = input;
            return Compare(bytes, BankFileFormat.Bai2, new BankFileReadOptions(), partBytes, workers);
        });

    [Property(MaxTest = 200, Replay = "(20261205,3)")]
    public Property ReadRows_CorruptedBai2File_GivesTheRowsOrTheFirstErrorOfTheOneThreadRead() =>
        Prop.ForAll(Arb.From(Files.Zip(Gen.Choose(0, 6)).Zip(Gen.Elements(",/\n8-0 1Z9A\r".ToCharArray())).Zip(Gen.Choose(1, 200))), input =>
        {
            var ((((bytes, seed), kind), insert), partBytes) = input;
            return Compare(Bai2PropertyTests.Corrupt(bytes, seed, kind, (byte)insert), BankFileFormat.Bai2, new BankFileReadOptions(), partBytes, workers: 2);
        });

    [Property(MaxTest = 100, Arbitrary = [typeof(LockboxGenerators)])]
    public Property ReadRows_RandomLockboxFile_GivesTheRowsOfTheOneThreadRead(LockboxCase c, PositiveInt partBytes, PositiveInt workers) =>
        Compare(c.Bytes, BankFileFormat.Lockbox, new BankFileReadOptions { LockboxLayout = c.Layout }, 1 + (partBytes.Get % 300), 1 + (workers.Get % 3));

    [Property(MaxTest = 200, Arbitrary = [typeof(LockboxGenerators)])]
    public Property ReadRows_LockboxFileWithOneByteChanged_GivesTheRowsOrTheFirstErrorOfTheOneThreadRead(LockboxCase c, PositiveInt position, byte value, PositiveInt partBytes)
    {
        var bytes = c.Bytes;
        bytes[position.Get % bytes.Length] = value;
        return Compare(bytes, BankFileFormat.Lockbox, new BankFileReadOptions { LockboxLayout = c.Layout }, 1 + (partBytes.Get % 200), workers: 2);
    }

    /// <summary>A payer account of a DABA routing number and a DACT account, and a row referenced by its customer reference, as the transaction has them.</summary>
    [Fact]
    public void ReadRows_PayerAccountOfRoutingAndAccount_IsJoinedAsTheTransactionJoinsIt()
    {
        var file = new TestFile("S", "R", new DateOnly(2026, 12, 5), [new TestGroup("B1", new DateOnly(2026, 12, 5), "USD", [new TestAccount("123", null, [], [
            new TestDetail(165, 100, string.Empty, string.Empty, string.Empty, "ORIG:ACME CO DABA:021000021 DACT:55501 OBI:INV 1,INV 2"),
            new TestDetail(165, 200, string.Empty, string.Empty, "#C1", "ORIG CO NAME:\"Q\" ORIG ID:77 ADDENDA:RMR*IV*123*PI*10.00\\"),
        ])])]);
        var path = Path.Combine(_dir, "routing.bai2");
        File.WriteAllBytes(path, Bai2TestWriter.Render(file, 60));
        var rows = Rows(path, BankFileFormat.Bai2, new BankFileReadOptions(), 1, 1, parts: true);
        Assert.Contains("|021000021:55501|", rows, StringComparison.Ordinal);
        Assert.Contains("#C1|", rows, StringComparison.Ordinal);
        Assert.Equal(Rows(path, BankFileFormat.Bai2, new BankFileReadOptions(), 1, 1, parts: false), rows);
    }

    /// <summary>
    /// A lockbox layout with remittance text on the check and its overflow records: a check's row joins the pieces as the
    /// payment's text does, and carries its UTF-8 name, its account with and without a routing number, and invoices with
    /// and without amounts (one starting with '#'), as the payment has them; so does a zero check's, and one whose item is
    /// not ASCII, whose routing number has no account, and whose nine invoices and text outgrow the row's first buffers.
    /// </summary>
    [Theory]
    [InlineData(1)]
    [InlineData(4096)]
    public void ReadRows_LockboxChecksWithTextNamesAndAccounts_GivesThePaymentsValues(int partBytes)
    {
        var layout = CashApp.Parsers.Lockbox.LockboxLayout.Parse("""
            {
              "name": "rows-text",
              "recordLength": 120,
              "records": {
                "6": { "fields": { "batch": [2, 3], "item": [5, 3], "amount": [8, 10], "routing": [18, 9], "account": [27, 14],
                                   "check_number": [41, 10], "remitter_name": [51, 30], "remittance_text": [81, 40] } },
                "4": { "fields": { "batch": [2, 3], "item": [5, 3], "sequence": [9, 2], "last": [11, 1], "invoice_number": [12, 20],
                                   "invoice_amount": [32, 10], "remittance_text": [42, 40] } }
              }
            }
            """, "rows-text");
        byte[][] records =
        [
            Record((1, "101YOURCO    BANK      2501020700")),
            Record((1, "2YOURCO    BANK      LBX       400")),
            Record((1, "5010000"), (8, "0012345"), (15, "250102")),
            Record((1, "6010001"), (8, "0000100000"), (27, "5001"), (41, "0000000180"), (51, "ÉLAN SA \"Q\", INC"), (81, "INVOICES 77,78 SEE ATTACHED")),
            Record((1, "4010001"), (9, "01"), (12, "#INV-1"), (32, "0000050000"), (42, "CHARGES:SHA")),
            Record((1, "4010001"), (9, "02"), (11, "9"), (12, "INV 2"), (42, "ÜBER")),
            Record((1, "6010002"), (8, "0000000000"), (18, "021000021"), (27, "0000555")),
            Record((1, "6010Ü1"), (8, "0000000500"), (18, "021000021"), (51, "PAYER"), (81, "NINE INVOICES FOLLOW")),
            .. Enumerable.Range(1, 9).Select(n => Record((1, "4010Ü1"), (9, $"0{n}"), (11, n == 9 ? "9" : " "), (12, $"INVOICE-NUMBER-0000{n}"), (32, "0000000001"), (42, $"PIECE{n} OF A LONGER TEXT"))),
            Record((1, "7010999"), (8, "0012345"), (15, "250102"), (21, "003"), (24, "0000100500")),
            Record((1, "8"), (8, "0012345"), (15, "250102"), (21, "0003"), (25, "0000100500")),
            Record((1, "9000020")),
        ];
        var path = Path.Combine(_dir, "text.lockbox");
        File.WriteAllBytes(path, [.. records.SelectMany(r => r.Append((byte)'\n'))]);
        var options = new BankFileReadOptions { LockboxLayout = layout };

        var serial = Rows(path, BankFileFormat.Lockbox, options, partBytes, 2, parts: false);
        Assert.Equal(serial, Rows(path, BankFileFormat.Lockbox, options, partBytes, 2, parts: true));
        Assert.Contains("0012345-010-001|Credit|100000|USD|Lockbox|4|True|6|2025-01-02|ÉLAN SA \"Q\", INC|5001||INVOICES 77,78 SEE ATTACHED CHARGES:SHA ÜBER\n", serial, StringComparison.Ordinal);
        Assert.Contains("  #INV-1|50000|Invoice\n  INV 2||Invoice\n", serial, StringComparison.Ordinal);
        Assert.Contains("0012345-010-002|Credit|0|USD|Lockbox|7|False|6|2025-01-02||021000021:0000555||\n", serial, StringComparison.Ordinal);
        Assert.Contains("0012345-010-Ü1|Credit|500|USD|Lockbox|8|True|6|2025-01-02|PAYER|||NINE INVOICES FOLLOW PIECE1 OF A LONGER TEXT PIECE2", serial, StringComparison.Ordinal);
        Assert.Contains("PIECE9 OF A LONGER TEXT\n  INVOICE-NUMBER-00001|1|Invoice\n", serial, StringComparison.Ordinal);
        Assert.Contains("  INVOICE-NUMBER-00008|1|Invoice\n  INVOICE-NUMBER-00009|1|Invoice\n", serial, StringComparison.Ordinal);
    }

    /// <summary>A fixed-width record: each value's UTF-8 bytes from its 1-based column, spaces between.</summary>
    private static byte[] Record(params (int Column, string Value)[] values)
    {
        var bytes = values.Select(v => (v.Column, Bytes: Encoding.UTF8.GetBytes(v.Value))).ToArray();
        var record = Enumerable.Repeat((byte)' ', bytes.Max(v => v.Column - 1 + v.Bytes.Length)).ToArray();
        foreach (var (column, value) in bytes)
        {
            value.CopyTo(record, column - 1);
        }

        return record;
    }

    private static TestFile Richer(TestFile file, int seed)
    {
        var random = new Random(seed);
        return file with
        {
            Groups = [.. file.Groups.Select(g => g with
            {
                Accounts = [.. g.Accounts.Select(a => a with
                {
                    Details = [.. a.Details.Select(d => d with
                    {
                        BankRef = References[random.Next(References.Length)],
                        CustomerRef = References[random.Next(References.Length)],
                        Text = Text(random),
                    })],
                })],
            })],
        };
    }

    private static string Text(Random random)
    {
        var text = new StringBuilder();
        for (var n = random.Next(13); n > 0; n--)
        {
            text.Append(Words[random.Next(Words.Length)]).Append(Separators[random.Next(Separators.Length)]);
        }

        return text.ToString().TrimEnd(' ', '/', ',', '-');
    }

    private Property Compare(byte[] bytes, BankFileFormat format, BankFileReadOptions options, int partBytes, int workers)
    {
        var path = Path.Combine(_dir, Guid.NewGuid().ToString("N"));
        File.WriteAllBytes(path, bytes);
        var serial = Rows(path, format, options, partBytes, workers, parts: false);
        var parts = Rows(path, format, options, partBytes, workers, parts: true);
        File.Delete(path);
        return (serial == parts).Label($"one thread:\n{Shorten(serial)}\nrows in parts of {partBytes} bytes on {workers} workers:\n{Shorten(parts)}");
    }

    private static string Shorten(string text) => text.Length > 3000 ? text[..3000] + "..." : text;

    /// <summary>Every value of every row, the warnings, or the error: of the one-thread read, or of the rows read in parts.</summary>
    private static string Rows(string path, BankFileFormat format, BankFileReadOptions options, int partBytes, int workers, bool parts)
    {
        var warnings = new List<ParseWarning>();
        var text = new StringBuilder();
        try
        {
            if (parts)
            {
                var read = BankFileParts.ReadRowsAsync(path, format, options, warnings, _ => new StringBuilder(), (StringBuilder part, in BankRow row) => Append(part, row), null, null, partBytes, workers)
                    .GetAwaiter().GetResult();
                foreach (var part in read)
                {
                    text.Append(part);
                }
            }
            else
            {
                using var stream = File.OpenRead(path);
                foreach (var t in BankFiles.ReadAsync(stream, path, format, options, warnings).ToBlockingEnumerable())
                {
                    Append(text, BankRow.Of(t));
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

    private static void Append(StringBuilder text, in BankRow row)
    {
        text.Append(CultureInfo.InvariantCulture, $"{row.PaymentRef}|{row.Direction}|{row.AmountMinor}|{row.Currency}|{row.Format}|{row.LineNumber}|{row.IsPayment}|{row.TypeCode}|");
        text.Append(CultureInfo.InvariantCulture, $"{row.ValueDate:O}|{row.PayerName}|{row.PayerAccount}|{row.PayerId}|{row.FreeText}\n");
        var documents = row.Remittance;
        for (var i = 0; i < documents.Count; i++)
        {
            text.Append(CultureInfo.InvariantCulture, $"  {documents.Reference(i)}|{documents.AmountMinor(i)}|{documents.Kind(i)}\n");
        }
    }
}
