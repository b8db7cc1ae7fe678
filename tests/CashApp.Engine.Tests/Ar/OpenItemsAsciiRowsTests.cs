using System.Text;
using CashApp.Engine.Ar;
using CashApp.Engine.Model;
using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;

namespace CashApp.Engine.Tests.Ar;

/// <summary>
/// The block reader's rows read from their bytes (session 21): a row of ASCII without quotes is split and read
/// without a UTF-16 copy of the block. It must read every file as the rows decoded to text first read it: the same
/// items, or the same error (file, line, column, value).
/// </summary>
public sealed class OpenItemsAsciiRowsTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("cashapp-ar-ascii").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    // The first two of each list are good and common, so that most files read whole and errors come late; then
    // ASCII oddities (white space of every kind, control characters, case, signs, padding), then values that send
    // the row to the text reader (quotes, text past ASCII) so that the two kinds of row alternate within a block.
    private static readonly string[] Ids = ["AR{0}", "X-{0}", " ", "\t", "", "\v\f", "AR\u001F{0}", "\"AR{0}\"", "ÄR{0}"];
    private static readonly string[] Types = ["INV", "INV", "CM", "DM", "inv", "INVX", "", " INV", "\"CM\""];
    private static readonly string[] Customers = ["C1", "C2", "C10", "C1 ", " ", "\t\r", "", "C\u001C", "Ç1", "\"C1\"", "C\u00A0"];
    private static readonly string[] Names = ["Acme", "Acme Corp", "Acme Inc.", "\"Acme, Inc\"", " Acme ", "", "Zoë AG", "\"Say \"\"hi\"\"\"", "\t", new('N', 200)];
    private static readonly string[] Pos = ["", "PO-{0}", " ", "\f", "\u00A0", "\u2003", "\"PO-{0}\"", "{0}"];
    private static readonly string[] Currencies = ["USD", "EUR", "JPY", "usd", "XYZ", "", " USD", "US", "\"USD\"", "ÜSD"];
    private static readonly string[] Amounts = ["1.00", "250", " 12.50 ", "-3.00", "+7", "x", "0.5", "12.345", "1.", ".5", "99999999999999999999", new('1', 150), "\"1.00\"", "١٢"];
    private static readonly string[] Dates = ["2026-11-01", "2026-02-28", "2024-02-29", "2026-02-29", "2026-13-01", "2026-1-01", " 2026-11-01", "", "2026-11-0\u0001", "２０２６-11-01"];
    private static readonly string[] Terms = ["", "NET 30", "2/10 NET 30", "N30", "EOM", "2/x", " ", "\"NET 30\"", new('T', 140)];
    private static readonly string[] Ends = ["\n", "\n", "\r\n"];

    private sealed record File(bool Bom, bool WithTerms, string[] Rows);

    private static Arbitrary<File> Files() =>
        (from bom in Gen.Elements(false, false, true)
         from withTerms in Gen.Elements(false, true)
         from rows in Row(withTerms).ListOf()
         select new File(bom, withTerms, [.. rows]))
        .ToArbitrary();

    private static Gen<string> Row(bool withTerms) =>
        from id in Gen.Choose(0, 300)
        from type in Gen.Choose(0, 300)
        from customer in Gen.Choose(0, 40)
        from name in Gen.Choose(0, 40)
        from po in Gen.Choose(0, 30)
        from currency in Gen.Choose(0, 300)
        from amount in Gen.Choose(0, 300)
        from doc in Gen.Choose(0, 300)
        from due in Gen.Choose(0, 300)
        from terms in Gen.Choose(0, 40)
        from fields in Gen.Choose(0, 60)
        from end in Gen.Elements(Ends)
        from n in Gen.Choose(0, 1_000_000)
        let values = new[]
        {
            Pick(Ids, id), Pick(Types, type), Pick(Customers, customer), Pick(Names, name), $"INV-{n}", Pick(Pos, po),
            Pick(Currencies, currency), Pick(Amounts, amount), Pick(Dates, doc), Pick(Dates, due),
        }
        let all = withTerms ? [.. values, Pick(Terms, terms)] : values
        // Now and then a row with fields missing, one too many, or a blank line.
        let cut = fields switch { 0 => all[..^3], 1 => [.. all, "extra"], 2 => [], _ => all }
        select string.Format(System.Globalization.CultureInfo.InvariantCulture, string.Join(",", cut), n) + end;

    private static string Pick(string[] values, int roll) => roll < values.Length ? values[roll] : values[roll % 2];

    private string WriteFile(File file)
    {
        var path = Path.Combine(_dir, $"{Guid.NewGuid():N}.csv");
        var header = "item_id,doc_type,customer_id,customer_name,invoice_number,po_number,currency,open_amount,doc_date,due_date"
            + (file.WithTerms ? ",payment_terms" : string.Empty);
        var text = new StringBuilder(header).Append('\n');
        foreach (var row in file.Rows)
        {
            text.Append(row);
        }

        var bytes = Encoding.UTF8.GetBytes(text.ToString());
        System.IO.File.WriteAllBytes(path, file.Bom ? [0xEF, 0xBB, 0xBF, .. bytes] : bytes);
        return path;
    }

    [Property(MaxTest = 400)]
    public Property ReadOpenItems_AnyFile_ReadsWhatTheRowsDecodedToTextRead() =>
        Prop.ForAll(Files(), file =>
        {
            var path = WriteFile(file);
            var fromBytes = Read(() => ArFiles.ReadOpenItems(path));
            var fromText = Read(() => ArFiles.ReadOpenItems(path, null, textRowsOnly: true));
            System.IO.File.Delete(path);
            return (fromBytes == fromText).Label($"bytes: {fromBytes}\ntext: {fromText}");
        });

    [Fact]
    public void ReadOpenItems_AsciiRowsBetweenQuotedAndAccentedOnes_KeepsTheRowBeforesValues()
    {
        // The row before's customer, name and currency carry from a text row to an ASCII row and back.
        var path = WriteFile(new File(false, false,
        [
            "AR1,INV,C1,\"Acme, Inc\",INV-1,,USD,1.00,2026-11-01,2026-12-01\n",
            "AR2,INV,C1,\"Acme, Inc\",INV-2,,USD,2.00,2026-11-01,2026-12-01\n",
            "AR3,INV,C1,Acme,INV-3,PO-3,USD,3.00,2026-11-01,2026-12-01\r\n",
            "AR4,INV,C2,Zoë AG,INV-4,,EUR,4.00,2026-11-01,2026-12-01\n",
            "AR5,CM,C2,Zoë AG,INV-5,,EUR,-5.00,2026-11-01,2026-12-01\n",
            "AR6,DM,C1,Acme,INV-6,,USD,6,2026-11-01,2026-12-01",
        ]));
        var items = ArFiles.ReadOpenItems(path);
        Assert.Equal(Read(() => ArFiles.ReadOpenItems(path, null, textRowsOnly: true)), Read(() => items));
        Assert.Equal(["Acme, Inc", "Acme, Inc", "Acme", "Zoë AG", "Zoë AG", "Acme"], items.Select(i => i.CustomerName));
        Assert.Equal([100L, 200, 300, 400, -500, 600], items.Select(i => i.OpenMinor));
        Assert.Same(items[3].CustomerName, items[4].CustomerName);
    }

    [Fact]
    public void IsAsciiWhiteSpace_EveryAsciiByte_IsWhatCharIsWhiteSpaceSays()
    {
        for (var b = 0; b < 128; b++)
        {
            Assert.Equal(char.IsWhiteSpace((char)b), ArFiles.IsAsciiWhiteSpace([(byte)b]));
        }

        Assert.True(ArFiles.IsAsciiWhiteSpace([]));
        Assert.False(ArFiles.IsAsciiWhiteSpace(" \tx"u8));
    }

    [Property(MaxTest = 1000)]
    public bool SplitFields_AnyRowAndRangeCount_SplitsAsTheTextSplitDoes(byte[] row, byte count)
    {
        // Commas made common, the rest ASCII.
        var ascii = row.Select(b => b % 3 == 0 ? (byte)',' : (byte)(b & 0x7F)).ToArray();
        var text = Encoding.ASCII.GetString(ascii);
        var n = count % 14;
        var expected = new Range[n];
        var actual = new Range[n];
        var expectedCount = text.AsSpan().Split(expected, ',');
        var actualCount = ArFiles.SplitFields(ascii, actual);
        return expectedCount == actualCount && expected.AsSpan(0, expectedCount).SequenceEqual(actual.AsSpan(0, actualCount));
    }

    private static string Read(Func<List<OpenItem>> read)
    {
        try
        {
            return string.Join("\n", read().Select(i => $"{i.ItemId}|{i.DocType}|{i.CustomerId}|{i.CustomerName}|{i.InvoiceNumber}|{i.PoNumber ?? "<none>"}|{i.Currency.Code}|{i.OpenMinor}|{i.DocDate:O}|{i.DueDate:O}|{i.Terms}"));
        }
        catch (ArInputException e)
        {
            return "error: " + e.Message;
        }
    }
}
