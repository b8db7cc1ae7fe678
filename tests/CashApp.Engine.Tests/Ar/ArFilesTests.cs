using CashApp.Engine.Ar;
using CashApp.Engine.Model;
using FsCheck;
using FsCheck.Xunit;

namespace CashApp.Engine.Tests.Ar;

public sealed class ArFilesTests : IDisposable
{
    private const string Header = "item_id,doc_type,customer_id,customer_name,invoice_number,po_number,currency,open_amount,doc_date,due_date";
    private readonly string _dir = Directory.CreateTempSubdirectory("cashapp-ar").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private string Write(params string[] lines)
    {
        var path = Path.Combine(_dir, "open_items.csv");
        File.WriteAllLines(path, lines);
        return path;
    }

    private static string Row(int n, string amount = "100.00", string currency = "USD", string type = "INV", string? id = null) =>
        $"{id ?? $"AR{n}"},{type},C1,Acme Corp,INV-{n},PO-{n},{currency},{amount},2026-11-01,2026-12-01";

    [Fact]
    public void HasControl_EveryCharacter_AsCharIsControlSays()
    {
        // Alone, and after 36 plain characters, where a vectorised search reads the text in blocks.
        var wrong = new List<string>();
        Span<char> text = stackalloc char[37];
        "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789".CopyTo(text);
        for (var c = 0; c <= char.MaxValue; c++)
        {
            text[^1] = (char)c;
            if (ArInputException.HasControl(text[^1..]) != char.IsControl((char)c) || ArInputException.HasControl(text) != char.IsControl((char)c))
            {
                wrong.Add($"U+{c:X4}");
            }
        }

        Assert.Empty(wrong);
        Assert.False(ArInputException.HasControl(""));
    }

    [Fact]
    public void ReadOpenItems_ValidFile_ReadsEveryRowInMinorUnits()
    {
        var path = Write(Header, Row(1, "1234.50"), Row(2, "-20.00", type: "CM"), Row(3, "500", currency: "JPY"));
        var items = ArFiles.ReadOpenItems(path);
        Assert.Equal(3, items.Count);
        Assert.Equal(123450, items[0].OpenMinor);
        Assert.Equal(DocType.CreditMemo, items[1].DocType);
        Assert.Equal(-2000, items[1].OpenMinor);
        Assert.Equal(500, items[2].OpenMinor);
        Assert.Equal("PO-1", items[0].PoNumber);
    }

    [Fact]
    public void ReadOpenItems_WithoutPaymentTerms_ItemsHaveNoTerms()
    {
        var items = ArFiles.ReadOpenItems(Write(Header, Row(1)));
        Assert.Null(Assert.Single(items).Terms);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void ReadOpenItems_PaymentTermsColumn_IsReadWhereverItIs(bool quotedLineBreak)
    {
        // The column is found by the header, in any position; a quoted line break sends the file to the row-by-row reader.
        var name = quotedLineBreak ? "\"Acme\nCorp\"" : "Acme Corp";
        var path = Write(
            "payment_terms,item_id,doc_type,customer_id,customer_name,invoice_number,po_number,currency,open_amount,doc_date,due_date",
            $"2/10 NET 30,AR1,INV,C1,{name},INV-1,,USD,100.00,2026-11-01,2026-12-01",
            "NET 45,AR2,INV,C1,Acme Corp,INV-2,,USD,100.00,2026-11-01,2026-12-16",
            ",AR3,INV,C1,Acme Corp,INV-3,,USD,100.00,2026-11-01,2026-12-01");
        var items = ArFiles.ReadOpenItems(path);
        Assert.Equal((200, 10), (items[0].Terms!.DiscountBasisPoints, items[0].Terms!.DiscountDays));
        Assert.Equal(("NET 45", 0), (items[1].Terms!.Text, items[1].Terms!.DiscountBasisPoints));
        Assert.Null(items[2].Terms);
    }

    [Fact]
    public void ReadOpenItems_UnreadableDiscountTerms_NamesLineAndColumn()
    {
        var path = Write(Header + ",payment_terms", Row(1) + ",NET 30", Row(2) + ",2/X NET 30");
        var ex = Assert.Throws<ArInputException>(() => ArFiles.ReadOpenItems(path));
        Assert.Equal((3L, "payment_terms", "2/X NET 30"), (ex.LineNumber, ex.Column, ex.Value));
    }

    [Fact]
    public void ReadOpenItems_BadAmountOnLine7_NamesFileLineColumnAndValue()
    {
        var path = Write(Header, Row(1), Row(2), Row(3), Row(4), Row(5), Row(6, "12x.50"), Row(7));
        var ex = Assert.Throws<ArInputException>(() => ArFiles.ReadOpenItems(path));
        Assert.Equal(7, ex.LineNumber);
        Assert.Equal("open_amount", ex.Column);
        Assert.Equal("12x.50", ex.Value);
        Assert.Contains(path + ":7:", ex.Message, StringComparison.Ordinal);
        Assert.Contains("open_amount", ex.Message, StringComparison.Ordinal);
        Assert.Contains("'12x.50'", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void ReadOpenItems_DuplicateItemId_NamesBothLines()
    {
        var path = Write(Header, Row(1), Row(2, id: "AR1"));
        var ex = Assert.Throws<ArInputException>(() => ArFiles.ReadOpenItems(path));
        Assert.Equal(3, ex.LineNumber);
        Assert.Equal("item_id", ex.Column);
        Assert.Contains("line 2", ex.Message, StringComparison.Ordinal);
    }

    /// <summary>
    /// Blank lines are skipped and lines are numbered as an editor numbers them, whichever reader has the file: the
    /// parallel one, or the row-by-row one it hands a file with a quoted line break (and a duplicate, for the message
    /// naming both lines). Once the row-by-row reader stopped at the first blank line, and counted rows, not lines.
    /// </summary>
    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void ReadOpenItems_BlankLinesAndADuplicate_NamesTheDuplicatesLinesAsInTheFile(bool quotedLineBreak)
    {
        var first = quotedLineBreak ? Row(1).Replace("Acme Corp", "\"Acme\nCorp\"", StringComparison.Ordinal) : Row(1);
        var path = Write(Header, first, "", Row(2), "", Row(3, id: "AR1"), "");
        var lineOfTwin = quotedLineBreak ? 7 : 6;

        var ex = Assert.Throws<ArInputException>(() => ArFiles.ReadOpenItems(path));

        Assert.Equal(lineOfTwin, ex.LineNumber);
        Assert.Equal("item_id", ex.Column);
        Assert.Contains("line 2 already has it", ex.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void ReadOpenItems_BlankLines_AreSkippedByEitherReader(bool quotedLineBreak)
    {
        var first = quotedLineBreak ? Row(1).Replace("Acme Corp", "\"Acme\nCorp\"", StringComparison.Ordinal) : Row(1);
        var path = Write(Header, first, "", Row(2), "", "");

        var items = ArFiles.ReadOpenItems(path);

        Assert.Equal(["AR1", "AR2"], items.Select(i => i.ItemId));
        Assert.Equal(quotedLineBreak ? "Acme\nCorp" : "Acme Corp", items[0].CustomerName);
    }

    [Fact]
    public void ReadCustomers_BlankLinesAndADuplicate_SkipsTheBlankLinesAndNamesTheLines()
    {
        var path = Path.Combine(_dir, "customers.csv");
        File.WriteAllLines(path, ["customer_id,name,parent_id,aliases,bank_accounts", "C1,\"Acme\nCorp\",,,", "", "C2,Beacon,,,", "", "C1,Acme,,,"]);

        var ex = Assert.Throws<ArInputException>(() => ArFiles.ReadCustomers(path));

        Assert.Equal(7, ex.LineNumber);
        Assert.Contains("line 2 already has it", ex.Message, StringComparison.Ordinal);
        File.WriteAllLines(path, ["customer_id,name,parent_id,aliases,bank_accounts", "C1,Acme,,,", "", "C2,Beacon,,,", ""]);
        Assert.Equal(["C1", "C2"], ArFiles.ReadCustomers(path).Select(c => c.CustomerId));
    }

    /// <summary>
    /// A key of spaces is no key, as the served API says ("required"): once both readers took "   " as an item,
    /// or as the customer of an item or of the directory, and matched payments to it.
    /// </summary>
    [Theory]
    [InlineData(false, "item_id")]
    [InlineData(true, "item_id")]
    [InlineData(false, "customer_id")]
    [InlineData(true, "customer_id")]
    public void ReadOpenItems_KeyOfSpaces_IsRefusedByEitherReader(bool quotedLineBreak, string column)
    {
        var first = quotedLineBreak ? Row(1).Replace("Acme Corp", "\"Acme\nCorp\"", StringComparison.Ordinal) : Row(1);
        var blank = column == "item_id" ? Row(2, id: "   ") : Row(2).Replace(",C1,", ",   ,", StringComparison.Ordinal);
        var path = Write(Header, first, blank);

        var ex = Assert.Throws<ArInputException>(() => ArFiles.ReadOpenItems(path));

        Assert.Equal((quotedLineBreak ? 4 : 3, column, "   "), (ex.LineNumber, ex.Column, ex.Value));
        Assert.Contains("non-blank", ex.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void ReadOpenItems_AmountPastALong_NamesTheLimit(bool quotedLineBreak)
    {
        var first = quotedLineBreak ? Row(1).Replace("Acme Corp", "\"Acme\nCorp\"", StringComparison.Ordinal) : Row(1);
        var path = Write(Header, first, Row(2, "123456789012345678901.00"));

        var ex = Assert.Throws<ArInputException>(() => ArFiles.ReadOpenItems(path));

        Assert.Equal((quotedLineBreak ? 4 : 3, "open_amount"), (ex.LineNumber, ex.Column));
        Assert.Contains("no more than 92233720368547758.07 either side of zero", ex.Message, StringComparison.Ordinal);

        // The limit named is the one kept: the largest amount is taken, one minor unit more is not.
        File.WriteAllLines(path, [Header, Row(1, "92233720368547758.07")]);
        Assert.Equal(long.MaxValue, Assert.Single(ArFiles.ReadOpenItems(path)).OpenMinor);
        File.WriteAllLines(path, [Header, Row(1, "92233720368547758.08")]);
        Assert.Contains("'92233720368547758.08'", Assert.Throws<ArInputException>(() => ArFiles.ReadOpenItems(path)).Message, StringComparison.Ordinal);
    }

    /// <summary>An optional reference of spaces is none, as the served API takes it, in either reader.</summary>
    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void ReadOpenItems_PoNumberOfSpaces_IsNone(bool quotedLineBreak)
    {
        var first = quotedLineBreak ? Row(1).Replace("Acme Corp", "\"Acme\nCorp\"", StringComparison.Ordinal) : Row(1);
        var path = Write(Header, first, Row(2).Replace(",PO-2,", ",   ,", StringComparison.Ordinal));

        var items = ArFiles.ReadOpenItems(path);

        Assert.Equal(["PO-1", null], items.Select(i => i.PoNumber));
    }

    [Fact]
    public void ReadCustomers_ParentOfSpaces_IsNone()
    {
        var path = Path.Combine(_dir, "customers.csv");
        File.WriteAllLines(path, ["customer_id,name,parent_id,aliases,bank_accounts", "C1,Acme,   ,,", "C2,Beacon,C1,,"]);

        Assert.Equal([null, "C1"], ArFiles.ReadCustomers(path).Select(c => c.ParentId));
    }

    [Fact]
    public void ReadCustomers_ParentWithAControlCharacter_IsRefusedOnItsLine()
    {
        // A parent is a customer key, held to the same rule: a control character is a damaged file, not a key.
        var path = Path.Combine(_dir, "customers.csv");
        File.WriteAllLines(path, ["customer_id,name,parent_id,aliases,bank_accounts", "C1,Acme,,,", "C2,Beacon,C\u00071,,"]);

        var refused = Assert.Throws<ArInputException>(() => ArFiles.ReadCustomers(path));

        Assert.Equal((3L, "parent_id"), (refused.LineNumber, refused.Column));
        Assert.Contains("expected blank, or a customer key without control characters", refused.Message, StringComparison.Ordinal);
        Assert.DoesNotContain('\u0007', refused.Message);
    }

    /// <summary>
    /// A row that is not CSV (a quoted field never closed, a quote inside one not doubled, a row past the reader's
    /// buffer) is refused naming the file, the line the row starts on and the field, where once Sylvan's own exception
    /// ended the run with a stack trace and no line. A quoted line break before it keeps the lines counted as an editor
    /// counts them.
    /// </summary>
    [Theory]
    [InlineData("C2,\"Beacon \"B\" Ltd\",,,", 3, "name")]
    [InlineData("C2,\"Beacon Ltd,,,", 3, "name")]
    [InlineData("C2,Beacon,,,\"111:222", 3, "bank_accounts")]
    public void ReadCustomers_RowThatIsNotCsv_NamesFileLineAndColumn(string badRow, int line, string column)
    {
        var path = Path.Combine(_dir, "customers.csv");
        foreach (var (rows, at, ending) in new[]
        {
            (new[] { "C1,Acme,,,", badRow }, line, "\n"),
            (new[] { "C0,\"Zenith\nWest\",,,", "C1,Acme,,,", badRow, "C3,Cobalt,,," }, line + 2, "\n"),
            (new[] { "C0,\"Zenith\r\nWest\",,,", "", "C1,Acme,,,", badRow }, line + 3, "\r\n"),
        })
        {
            File.WriteAllText(path, string.Join(ending, ["customer_id,name,parent_id,aliases,bank_accounts", .. rows]) + ending);

            var ex = Assert.Throws<ArInputException>(() => ArFiles.ReadCustomers(path));

            Assert.Equal((path, (long)at, column), (ex.FileName, ex.LineNumber, ex.Column));
            Assert.StartsWith($"{path}:{at}: column '{column}': the row is not valid CSV (", ex.Message, StringComparison.Ordinal);
            Assert.Contains("expected each quoted field closed by a quote", ex.Message, StringComparison.Ordinal);
        }
    }

    [Fact]
    public void ReadCustomersAndOpenItems_HeaderOrFirstRowNotCsvOrTooLong_NamesItsLine()
    {
        var path = Path.Combine(_dir, "customers.csv");
        File.WriteAllLines(path, ["customer_id,\"name,parent_id,aliases,bank_accounts", "C1,Acme,,,"]);
        Assert.StartsWith($"{path}:1: the row is not valid CSV (a quoted field", Assert.Throws<ArInputException>(() => ArFiles.ReadCustomers(path)).Message, StringComparison.Ordinal);

        // A row past the reader's 64K buffer, first and later in the file.
        var aliases = new string('A', 70_000);
        File.WriteAllLines(path, ["customer_id,name,parent_id,aliases,bank_accounts", $"C1,Acme,,{aliases},"]);
        var first = Assert.Throws<ArInputException>(() => ArFiles.ReadCustomers(path));
        Assert.Equal($"{path}:2: the row is not valid CSV (a row longer than 65,536 characters, line end included, or a quoted field never closed): expected rows of at most 65,536 characters, line end included, and each quoted field closed by a quote.", first.Message);
        File.WriteAllLines(path, ["customer_id,name,parent_id,aliases,bank_accounts", "C1,Acme,,,", "C2,Beacon,,,", $"C3,Cobalt,,{aliases},"]);
        var later = Assert.Throws<ArInputException>(() => ArFiles.ReadCustomers(path));
        Assert.Equal((4L, string.Empty), (later.LineNumber, later.Column));

        // Open items with a quoted line break are read by the same reader, row by row: an unclosed quote after it is refused alike.
        var items = Write(Header, Row(1).Replace("Acme Corp", "\"Acme\nCorp\"", StringComparison.Ordinal), Row(2), Row(3).Replace("Acme Corp", "\"Acme Corp", StringComparison.Ordinal));
        var ex = Assert.Throws<ArInputException>(() => ArFiles.ReadOpenItems(items));
        Assert.Equal((5L, "customer_name"), (ex.LineNumber, ex.Column));
    }

    /// <summary>
    /// A header that names a column twice is refused naming both places, by the customers reader and by either open-items
    /// reader (Sylvan's look-up once threw its own exception on it, unhandled, and the parallel reader read the first).
    /// Names are read trimmed by all three.
    /// </summary>
    [Fact]
    public void ReadCustomersAndOpenItems_HeaderNamingAColumnTwice_IsRefusedNamingBoth()
    {
        var customers = Path.Combine(_dir, "customers.csv");
        File.WriteAllLines(customers, ["customer_id,name,parent_id,aliases,bank_accounts, name", "C1,Acme,,,,Other"]);
        var ex = Assert.Throws<ArInputException>(() => ArFiles.ReadCustomers(customers));
        Assert.Equal($"{customers}:1: column 'name': the header row names it twice (columns 2 and 6): expected each column once.", ex.Message);

        foreach (var quotedLineBreak in new[] { false, true })
        {
            var first = Row(1).Replace("Acme Corp", quotedLineBreak ? "\"Acme\nCorp\"" : "Acme Corp", StringComparison.Ordinal);
            var items = Write(Header + ",item_id", first + ",AR9", Row(2) + ",AR8");
            var refused = Assert.Throws<ArInputException>(() => ArFiles.ReadOpenItems(items));
            Assert.Equal(((long)1, "item_id"), (refused.LineNumber, refused.Column));
            Assert.Contains("(columns 1 and 11)", refused.Message, StringComparison.Ordinal);
        }

        File.WriteAllLines(customers, ["customer_id , name ,parent_id,aliases,bank_accounts", "C1,Acme,,,"]);
        Assert.Equal("Acme", Assert.Single(ArFiles.ReadCustomers(customers)).Name);
    }

    [Fact]
    public void ReadCustomers_OldMacLineEndsOrAnEmptyFile_NamesTheLinesAnEditorShows()
    {
        // Lines ended by a lone '\r' (Sylvan reads them): the duplicate is on line 4, its first on line 2.
        var path = Path.Combine(_dir, "customers.csv");
        File.WriteAllText(path, "customer_id,name,parent_id,aliases,bank_accounts\rC1,Acme,,,\rC2,Beacon,,,\rC1,Again,,,\r");
        var duplicate = Assert.Throws<ArInputException>(() => ArFiles.ReadCustomers(path));
        Assert.Equal((4L, "line 2 already has it"), (duplicate.LineNumber, duplicate.Message[^22..^1]));

        File.WriteAllText(path, string.Empty);
        Assert.Equal($"{path}:1: the file is empty: expected a header row naming the columns, then a row per record.", Assert.Throws<ArInputException>(() => ArFiles.ReadCustomers(path)).Message);

        // Customers and open items say so alike, whichever reader meets it: empty, a byte order mark alone, or line ends
        // alone (Sylvan reads those as a header of one nameless column).
        foreach (var bytes in new byte[][] { [], [0xEF, 0xBB, 0xBF], "\r\n\n"u8.ToArray(), "\n"u8.ToArray(), [0xEF, 0xBB, 0xBF, (byte)'\r', (byte)'\r'] })
        {
            var items = Path.Combine(_dir, "open_items.csv");
            File.WriteAllBytes(items, bytes);
            Assert.Equal($"{items}:1: the file is empty: expected a header row naming the columns, then a row per record.", Assert.Throws<ArInputException>(() => ArFiles.ReadOpenItems(items)).Message);
            File.WriteAllBytes(path, bytes);
            Assert.Equal($"{path}:1: the file is empty: expected a header row naming the columns, then a row per record.", Assert.Throws<ArInputException>(() => ArFiles.ReadCustomers(path)).Message);
        }

        // A blank first line before the rows is not an empty file: the header is what is missing.
        File.WriteAllText(path, "\nC1,Acme,,,\n");
        Assert.Equal($"{path}:1: column 'customer_id': the header row has no such column.", Assert.Throws<ArInputException>(() => ArFiles.ReadCustomers(path)).Message);
    }

    [Theory]
    [InlineData("\n")]
    [InlineData("\r\n")]
    [InlineData("\r")]
    public void ReadOpenItems_AnyLineEnds_ReadTheSameItemsAndNameTheSameLine(string lineEnd)
    {
        // Old Mac line ends (a lone '\r') are not cut at '\n': such a file is read row by row, as Sylvan reads customers.
        var path = Path.Combine(_dir, "open_items.csv");
        File.WriteAllText(path, string.Join(lineEnd, Header, Row(1), Row(2, "-5.00", type: "CM"), Row(3)) + lineEnd);
        var items = ArFiles.ReadOpenItems(path);
        Assert.Equal(["AR1", "AR2", "AR3"], items.Select(i => i.ItemId));
        Assert.Equal([10000L, -500L, 10000L], items.Select(i => i.OpenMinor));
        Assert.Equal("PO-3", items[2].PoNumber);

        File.WriteAllText(path, string.Join(lineEnd, Header, Row(1), "", Row(2, "12x"), Row(3)) + lineEnd);
        var ex = Assert.Throws<ArInputException>(() => ArFiles.ReadOpenItems(path));
        Assert.Equal((4L, "open_amount", "12x"), (ex.LineNumber, ex.Column, ex.Value));
    }

    [Theory]
    [InlineData("\n", false)]
    [InlineData("\n", true)]
    [InlineData("\r\n", false)]
    [InlineData("\r", false)]
    public void ReadOpenItemsAndCustomers_HeaderWithAQuotedLineBreak_ReadsTheRowsAndNamesLinesAsInTheFile(string lineEnd, bool rowLineBreak)
    {
        // A column the reader does not use, named over two lines: the header is lines 1-2, so the rows start on line 3.
        // Cut at its first '\n', the header's tail was taken for a row, and a valid file refused with a wrong line.
        var path = Path.Combine(_dir, "open_items.csv");
        var first = rowLineBreak ? Row(1).Replace("Acme Corp", $"\"Acme{lineEnd}Corp\"", StringComparison.Ordinal) : Row(1);
        var shift = rowLineBreak ? 1 : 0;
        File.WriteAllText(path, string.Join(lineEnd, $"{Header},\"notes{lineEnd}kept\"", first + ",a", Row(2) + ",") + lineEnd);
        var items = ArFiles.ReadOpenItems(path);
        Assert.Equal(["AR1", "AR2"], items.Select(i => i.ItemId));
        Assert.Equal([10000L, 10000L], items.Select(i => i.OpenMinor));

        File.WriteAllText(path, string.Join(lineEnd, $"{Header},\"notes{lineEnd}kept\"", first + ",a", "", Row(2, "12x") + ",") + lineEnd);
        var ex = Assert.Throws<ArInputException>(() => ArFiles.ReadOpenItems(path));
        Assert.Equal((5L + shift, "open_amount"), (ex.LineNumber, ex.Column));

        var customers = Path.Combine(_dir, "customers.csv");
        var name = rowLineBreak ? $"\"Acme{lineEnd}Corp\"" : "Acme";
        File.WriteAllText(customers, string.Join(lineEnd, $"customer_id,name,parent_id,aliases,bank_accounts,\"notes{lineEnd}kept\"", $"C1,{name},,,,", "C2,Beacon,,,,", "C1,Again,,,,") + lineEnd);
        var duplicate = Assert.Throws<ArInputException>(() => ArFiles.ReadCustomers(customers));
        Assert.Equal(5L + shift, duplicate.LineNumber);
        Assert.Contains($"line 3 already has it", duplicate.Message, StringComparison.Ordinal);
    }

    /// <summary>
    /// A row is read, or refused, alike by either open-items reader, wherever it is and whatever the rest of the file
    /// holds: the parallel reader once read a quote inside a quoted field, text after a closing quote and a row past 64K
    /// characters leniently, while the row-by-row reader (the one for files with a quoted line break) refused them.
    /// </summary>
    [Theory]
    [InlineData("\"Acme \"X\" Corp\"", "customer_name")]
    [InlineData("\"Acme\" Corp", "customer_name")]
    [InlineData("\"Acme Corp\"x", "customer_name")]
    [InlineData("LONG", "")]
    public void ReadOpenItems_RowThatIsNotCsv_IsRefusedByEitherReaderNamingItsLine(string name, string column)
    {
        var bad = Row(2).Replace("Acme Corp", name == "LONG" ? new string('A', 70_000) : name, StringComparison.Ordinal);
        foreach (var (first, line) in new[] { (Row(1), 3L), (Row(1).Replace("Acme Corp", "\"Acme\nCorp\"", StringComparison.Ordinal), 4L) })
        {
            var ex = Assert.Throws<ArInputException>(() => ArFiles.ReadOpenItems(Write(Header, first, bad, Row(3))));
            Assert.Equal((line, column), (ex.LineNumber, ex.Column));
            Assert.Contains(": the row is not valid CSV (", ex.Message, StringComparison.Ordinal);
        }
    }

    /// <summary>
    /// The same rows, read as written and with a first row that sends the file to the row-by-row reader (a quoted line
    /// break, two lines): both readers give the same items, or refuse the same row, at the same line and column.
    /// </summary>
    private (string Plain, string RowByRow) ReadBothWays(string header, string lineEnd, params string[] rows)
    {
        var plain = Path.Combine(_dir, "plain.csv");
        var forced = Path.Combine(_dir, "forced.csv");
        File.WriteAllText(plain, string.Join(lineEnd, [header, .. rows]) + lineEnd);
        var force = $"FORCE,INV,C9,\"Force{lineEnd}Row\",INV-F,,USD,1.00,2026-11-01,2026-12-01" + new string(',', header.Count(c => c == ',') - 9);
        File.WriteAllText(forced, string.Join(lineEnd, [header, force, .. rows]) + lineEnd);
        return (Outcome(plain, 0), Outcome(forced, 2));

        static string Outcome(string path, long shift)
        {
            try
            {
                return string.Join(",", ArFiles.ReadOpenItems(path).Select(i => i.ItemId).Where(id => id != "FORCE"));
            }
            catch (ArInputException ex)
            {
                Assert.DoesNotContain('\r', ex.Message);
                return $"line {(ex.LineNumber > 1 ? ex.LineNumber - shift : ex.LineNumber)}, column '{ex.Column}'";
            }
        }
    }

    [Theory]
    [InlineData(65_533, "\r\n")]
    [InlineData(65_534, "\n")]
    [InlineData(65_534, "\r\n")]
    [InlineData(65_535, "\n")]
    [InlineData(65_535, "\r\n")]
    [InlineData(65_536, "\n")]
    public void ReadOpenItems_RowNearTheRowByRowReadersLimit_ReadOrRefusedAlikeByBoth(int length, string lineEnd)
    {
        // The row-by-row reader holds a row of at most 65,536 characters with its line end; the parallel one leaves rows
        // near that to it, so that a row is not read by one and refused by the other.
        var row = Row(1).Replace("Acme Corp", new string('A', length - Row(1).Length + "Acme Corp".Length), StringComparison.Ordinal);
        Assert.Equal(length, row.Length);

        var (plain, rowByRow) = ReadBothWays(Header, lineEnd, row, Row(2));

        Assert.Equal(length + lineEnd.Length <= 65_536 ? "AR1,AR2" : "line 2, column ''", plain);
        Assert.Equal(plain, rowByRow);
    }

    [Fact]
    public void ReadOpenItems_CarriageReturnsThatEndNoLine_ReadAlikeByBothAndNamedByTheLineGrepShows()
    {
        // A '\r' in a quoted field of a file of '\n' lines is data, and no line end: the bad row after it is on line 4.
        var (plain, rowByRow) = ReadBothWays(Header, "\n", Row(1).Replace("Acme Corp", "\"Acme\rCorp\"", StringComparison.Ordinal), Row(2), Row(3, type: "XX"));
        Assert.Equal(("line 4, column 'doc_type'", plain), (plain, rowByRow));

        // Lines ended by "\r\r\n" (a "\r\n" file's line ends converted again): the header's own line end has a '\r' that
        // ends no line, refused as such on line 1, where the parallel reader once refused a due date that looked right
        // ('2026-12-01' and a hidden '\r') and the row-by-row one read ids that began with the '\n'.
        var doubled = Path.Combine(_dir, "doubled.csv");
        File.WriteAllText(doubled, string.Join("\r\r\n", Header, Row(1), Row(2)) + "\r\r\n");
        var refused = Assert.Throws<ArInputException>(() => ArFiles.ReadOpenItems(doubled));
        Assert.Equal($"{doubled}:1: the row is not valid CSV (a carriage return that ends no line): expected lines ended by \\n or \\r\\n throughout, and a \\r only as the start of one or inside a quoted field.", refused.Message);

        // A value with a '\r' in it is shown escaped, so that a terminal does not hide what follows it.
        var path = Write(Header, Row(1).Replace(",INV,", ",\"IN\rV\",", StringComparison.Ordinal));
        var ex = Assert.Throws<ArInputException>(() => ArFiles.ReadOpenItems(path));
        Assert.Equal(("IN\rV", $"{path}:2: column 'doc_type': value 'IN\\rV' is not valid: expected INV, CM or DM."), (ex.Value, ex.Message));
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void ReadOpenItems_CarriageReturnOutsideQuotes_RefusedAlikeByBothWhereverItIs(bool last)
    {
        // Sylvan takes such a '\r' for a line end near the end of its buffer and for data elsewhere: it is refused wherever
        // it lies, with its line and column, by both readers.
        var stray = Row(2).Replace("Acme Corp", "Ac\rme", StringComparison.Ordinal);
        var (plain, rowByRow) = last ? ReadBothWays(Header, "\r\n", Row(1), stray) : ReadBothWays(Header, "\r\n", Row(1), stray, Row(3));
        Assert.Equal(("line 3, column 'customer_name'", plain), (plain, rowByRow));

        // A '\r' that ends the file with no '\n' after it ends no line either.
        (plain, rowByRow) = ReadBothWays(Header, "\n", Row(1), Row(2) + "\r");
        Assert.Equal(plain, rowByRow);
        var path = Path.Combine(_dir, "open_items.csv");
        File.WriteAllText(path, string.Join("\r\n", Header, Row(1), Row(2)) + "\r");
        Assert.Equal((3L, "due_date"), Assert.Throws<ArInputException>(() => ArFiles.ReadOpenItems(path)) is var ex ? (ex.LineNumber, ex.Column) : default);
    }

    [Fact]
    public void ReadOpenItems_CarriageReturnOutsideQuotesAtAnyPlaceOfTheRowByRowReadersBuffer_RefusedAtItsLine()
    {
        // Rows of 101 characters and a line end, a quoted line break first (so the file is read row by row), and one row with
        // a '\r' outside quotes put at each place around the end of the reader's first 64K buffer.
        var path = Path.Combine(_dir, "open_items.csv");
        var filler = Row(1).Replace("Acme Corp", "Acme Corporation Limited Partnership International Group Inc.", StringComparison.Ordinal);
        for (var at = 630; at < 660; at++)
        {
            var rows = Enumerable.Range(0, 700).Select(i => filler.Replace("AR1,", $"AR{i},", StringComparison.Ordinal).Replace("INV-1,", $"INV-{i},", StringComparison.Ordinal)).ToArray();
            rows[0] = rows[0].Replace("Acme Corporation", "\"Acme\nCorporation", StringComparison.Ordinal).Replace(" Inc.,", " Inc.\",", StringComparison.Ordinal);
            rows[at] = rows[at].Replace("International", "Intern\rational", StringComparison.Ordinal);
            File.WriteAllText(path, string.Join("\n", [Header, .. rows]) + "\n");
            var ex = Assert.Throws<ArInputException>(() => ArFiles.ReadOpenItems(path));
            Assert.Equal((at + 3L, "customer_name"), (ex.LineNumber, ex.Column));
        }
    }

    [Fact]
    public void ReadOpenItems_OldMacLinesWithAQuotedCarriageReturnInTheHeader_NamesTheLinesAnEditorShows()
    {
        // Lone '\r' line ends: the header's quoted '\r' is a line break too, so the rows start on line 3.
        var path = Path.Combine(_dir, "open_items.csv");
        File.WriteAllText(path, string.Join("\r", $"{Header},\"x\ry\"", Row(1) + ",", Row(2, "12x") + ","));
        var ex = Assert.Throws<ArInputException>(() => ArFiles.ReadOpenItems(path));
        Assert.Equal((4L, "open_amount"), (ex.LineNumber, ex.Column));

        // The first row bad, with no line end after it: the header's lines are counted before any row's end is seen.
        File.WriteAllText(path, $"{Header},\"x\ry\"\r{Row(1, "12x")},");
        ex = Assert.Throws<ArInputException>(() => ArFiles.ReadOpenItems(path));
        Assert.Equal((3L, "open_amount"), (ex.LineNumber, ex.Column));
    }

    [Fact]
    public void ReadOpenItemsAndCustomers_ControlCharacters_RefusedInKeysAndShownEscaped()
    {
        // C0, DEL and C1 (NEL, CSI) in a key are refused by both readers; every message shows them escaped.
        foreach (var (key, shown) in new[] { ("AR\u0001", "AR\\u0001"), ("AR\u007F", "AR\\u007F"), ("AR\u0085 1", "AR\\u0085 1"), ("A\tR", "A\\tR") })
        {
            var (plain, rowByRow) = ReadBothWays(Header, "\n", Row(1), Row(2, id: key));
            Assert.Equal(("line 3, column 'item_id'", plain), (plain, rowByRow));
            var ex = Assert.Throws<ArInputException>(() => ArFiles.ReadOpenItems(Write(Header, Row(1, id: key))));
            Assert.Equal((key, $"value '{shown}' is not valid: expected a non-blank item key without control characters."), (ex.Value, ex.Message[(ex.Message.IndexOf("value '", StringComparison.Ordinal))..]));
        }

        // A file whose name holds an escape: the message shows it escaped too, and FileName keeps it.
        var odd = Path.Combine(_dir, "open\u001B[2Jitems.csv");
        File.WriteAllLines(odd, [Header, Row(1, "12x")]);
        var named = Assert.Throws<ArInputException>(() => ArFiles.ReadOpenItems(odd));
        Assert.Equal(odd, named.FileName);
        Assert.StartsWith($"{_dir}/open\\u001B[2Jitems.csv:2: column 'open_amount'", named.Message, StringComparison.Ordinal);

        // A header's name with an escape in it, in a row that is not CSV.
        var customers = Path.Combine(_dir, "customers.csv");
        File.WriteAllText(customers, "customer_id,name,parent_id,aliases,bank_accounts,\"note\u001B[2J\"\nC1,Acme,,,,\"a\"b\n");
        var malformed = Assert.Throws<ArInputException>(() => ArFiles.ReadCustomers(customers));
        Assert.Equal("note\u001B[2J", malformed.Column);
        Assert.StartsWith($"{customers}:2: column 'note\\u001B[2J': the row is not valid CSV (", malformed.Message, StringComparison.Ordinal);
    }

    /// <summary>
    /// <paramref name="header"/>, filler rows, one row padded and <paramref name="target"/>, each ended by
    /// <paramref name="lineEnd"/>, with the one <paramref name="mark"/> of the target at character <paramref name="offset"/>
    /// of the file: to put a character at each place around the end of the row-by-row reader's 64K buffer, where Sylvan
    /// reads line ends otherwise than elsewhere. Returns the path and the target's line.
    /// </summary>
    private (string Path, long Line) Placed(string name, string header, string lineEnd, Func<int, string, string> row, string target, char mark, int offset)
    {
        var text = new System.Text.StringBuilder(header).Append(lineEnd);
        var rows = 0;
        while (text.Length < offset - 400)
        {
            text.Append(row(rows++, "Filler")).Append(lineEnd);
        }

        var pad = offset - text.Length - row(rows, string.Empty).Length - lineEnd.Length - target.IndexOf(mark, StringComparison.Ordinal);
        text.Append(row(rows++, new string('A', pad))).Append(lineEnd);
        Assert.Equal(offset, text.Length + target.IndexOf(mark, StringComparison.Ordinal));
        text.Append(target).Append(lineEnd).Append(row(rows + 1, "After")).Append(lineEnd);
        var path = Path.Combine(_dir, name);
        File.WriteAllText(path, text.ToString());
        return (path, rows + 2L);
    }

    [Fact]
    public void ReadOpenItemsAndCustomers_StrayLineEndsAroundTheEndOfTheRowByRowReadersBuffer_RefusedAtTheirLineAndColumn()
    {
        string Item(int n, string name) => $"AR{n},INV,C1,{name},INV-{n},PO-{n},USD,1.00,2026-11-01,2026-12-01";
        string Customer(int n, string name) => $"C{n},{name},,,";
        for (var offset = 65_500; offset <= 65_540; offset++)
        {
            // A quote inside an unquoted field is text: it opens no quoted section that would hide the '\r' after it.
            var (items, line) = Placed("open_items.csv", Header, "\n", Item, "AR-T,INV,C1,Lakeside \"Dynamic Outfitters,INV-T\rX,,USD,1.00,2026-11-01,2026-12-01", '\r', offset);
            var ex = Assert.Throws<ArInputException>(() => ArFiles.ReadOpenItems(items));
            Assert.Equal((offset, line, "invoice_number"), (offset, ex.LineNumber, ex.Column));

            (var customers, line) = Placed("customers.csv", "customer_id,name,parent_id,aliases,bank_accounts", "\r\n", Customer, "C-T,Acme 12\" Pipes,,ACME\rPIPES,", '\r', offset);
            ex = Assert.Throws<ArInputException>(() => ArFiles.ReadCustomers(customers));
            Assert.Equal((offset, line, "aliases"), (offset, ex.LineNumber, ex.Column));

            // In a file of lone-'\r' lines a '\n' outside quotes, a "\r\n" line end among them, is refused the same way.
            (items, line) = Placed("open_items.csv", Header, "\r", Item, "AR-T,INV,C1,Acme,INV-T\nX,,USD,1.00,2026-11-01,2026-12-01", '\n', offset);
            ex = Assert.Throws<ArInputException>(() => ArFiles.ReadOpenItems(items));
            Assert.Equal((offset, line, "invoice_number"), (offset, ex.LineNumber, ex.Column));
        }
    }

    [Fact]
    public void ReadOpenItems_QuotesInsideUnquotedFields_NeitherHideAStrayCarriageReturnNorShiftItsColumn()
    {
        // A header name and fields with a quote inside: the file's lines are still '\n' lines, and the '\r' is in po_number.
        var (plain, rowByRow) = ReadBothWays($"{Header},x\"y", "\n", Row(1) + ",", "AR2,INV,C1,x\"a,INV\"2,P\rQ,USD,1.00,2026-11-01,2026-12-01,", Row(3) + ",");
        Assert.Equal(("line 3, column 'po_number'", plain), (plain, rowByRow));

        // And lone-'\r' lines with such a header are read as lone-'\r' lines.
        var path = Path.Combine(_dir, "open_items.csv");
        File.WriteAllText(path, string.Join("\r", $"{Header},x\"y", Row(1) + ",", Row(2) + ",") + "\r");
        Assert.Equal(["AR1", "AR2"], ArFiles.ReadOpenItems(path).Select(i => i.ItemId));
    }

    [Fact]
    public void ReadOpenItems_ADuplicateBeforeABadValue_TheFirstBadRowIsNamedByBoth()
    {
        // The blocks find duplicates only once all are read, and check a row's amount before its id is known twice: the
        // first bad row of the file is still the one named, as the row-by-row reader names it.
        var (plain, rowByRow) = ReadBothWays(Header, "\n", Row(1), Row(2), Row(3, id: "AR1"), Row(4, "x1"));
        Assert.Equal(("line 4, column 'item_id'", plain), (plain, rowByRow));

        (plain, rowByRow) = ReadBothWays(Header, "\r\n", Row(1), Row(2), Row(3, "x1", id: "AR1"));
        Assert.Equal(("line 4, column 'item_id'", plain), (plain, rowByRow));
    }

    [Fact]
    public void ReadOpenItems_HeaderPastTheRowByRowReadersLimit_RefusedAlikeByBoth()
    {
        var (plain, rowByRow) = ReadBothWays($"{Header},{new string('n', 70_000)}", "\n", Row(1) + ",");
        Assert.Equal(("line 1, column ''", plain), (plain, rowByRow));
    }

    [Theory]
    [InlineData("Acme \"X\" Corp", "Acme \"X\" Corp")]
    [InlineData("\"Acme \"\"X\"\" Corp\"", "Acme \"X\" Corp")]
    [InlineData("\"Acme, Corp\"", "Acme, Corp")]
    public void ReadOpenItems_QuotesThatAreCsv_AreReadAlikeByEitherReader(string name, string read)
    {
        // A quote inside a field that is not quoted is text, to both readers; a quoted one's doubled quotes are one quote.
        foreach (var first in new[] { Row(1), Row(1).Replace("Acme Corp", "\"Acme\nCorp\"", StringComparison.Ordinal) })
        {
            var items = ArFiles.ReadOpenItems(Write(Header, first, Row(2).Replace("Acme Corp", name, StringComparison.Ordinal), Row(3)));
            Assert.Equal(["AR1", "AR2", "AR3"], items.Select(i => i.ItemId));
            Assert.Equal((read, "INV-2", 10000L), (items[1].CustomerName, items[1].InvoiceNumber, items[1].OpenMinor));
        }
    }

    [Fact]
    public void ReadCustomers_KeyOfSpaces_IsRefused()
    {
        var path = Path.Combine(_dir, "customers.csv");
        File.WriteAllLines(path, ["customer_id,name,parent_id,aliases,bank_accounts", "C1,Acme,,,", "  ,Blank Corp,,,"]);

        var ex = Assert.Throws<ArInputException>(() => ArFiles.ReadCustomers(path));

        Assert.Equal((3, "customer_id", "  "), (ex.LineNumber, ex.Column, ex.Value));
    }

    [Theory]
    [InlineData("ABC", "currency")]
    [InlineData("USD", "open_amount", "1.005")]
    public void ReadOpenItems_BadValue_IsRejected(string currency, string column, string amount = "1.00")
    {
        var path = Write(Header, Row(1, amount, currency));
        var ex = Assert.Throws<ArInputException>(() => ArFiles.ReadOpenItems(path));
        Assert.Equal(column, ex.Column);
        Assert.Equal(2, ex.LineNumber);
    }

    [Fact]
    public void ReadOpenItems_MissingColumn_IsNamed()
    {
        var path = Write("item_id,doc_type", "AR1,INV");
        var ex = Assert.Throws<ArInputException>(() => ArFiles.ReadOpenItems(path));
        Assert.Equal("customer_id", ex.Column);
    }

    [Fact]
    public void ReadCustomers_SplitsAliasesAndAccounts()
    {
        var path = Path.Combine(_dir, "customers.csv");
        File.WriteAllLines(path, ["customer_id,name,parent_id,aliases,bank_accounts", "C1,Acme Corp,C0,ACME|Acme Co,021000021:12345|DE89370400440532013000"]);
        var customer = Assert.Single(ArFiles.ReadCustomers(path));
        Assert.Equal("C0", customer.ParentId);
        Assert.Equal(["ACME", "Acme Co"], customer.Aliases);
        Assert.Equal(2, customer.BankAccounts.Count);
    }

    [Theory]
    [InlineData("")]
    [InlineData("|")]
    [InlineData(" ACME | |Acme Co|")]
    [InlineData("  ")]
    [InlineData("021000021:12345")]
    [InlineData("||a||b c ||\t d\t")]
    public void SplitList_AsStringSplitRemovingEmptyAndTrimming(string value)
    {
        Assert.Equal(value.Split('|', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries), ArFiles.SplitList(value));
    }

    [Property]
    public bool SplitList_AnyEntries_AsStringSplit(NonNull<string>[] entries)
    {
        // Joined, so that separators, empty entries and entries of white space all occur.
        var value = string.Join('|', entries.Select(e => e.Get));
        return value.Split('|', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).SequenceEqual(ArFiles.SplitList(value));
    }
}

public sealed class ArFilesLargeTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("cashapp-ar-large").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private string WriteRows(int rows, Func<int, string>? row = null)
    {
        var path = Path.Combine(_dir, "open_items.csv");
        using var w = new StreamWriter(path);
        w.Write("item_id,doc_type,customer_id,customer_name,invoice_number,po_number,currency,open_amount,doc_date,due_date\r\n");
        for (var i = 0; i < rows; i++)
        {
            w.Write(row?.Invoke(i) ?? $"AR{i},INV,C{i / 10},\"Customer {i / 10}, Inc.\",INV-{i},,USD,{i}.25,2026-11-01,2026-12-01");
            w.Write("\r\n");
        }

        return path;
    }

    [Fact]
    public void ReadOpenItems_ManyBlocks_ReadsEveryRowInOrderAndSharesCustomerStrings()
    {
        var path = WriteRows(150_000);
        var items = ArFiles.ReadOpenItems(path);
        Assert.Equal(150_000, items.Count);
        Assert.Equal(Enumerable.Range(0, 150_000).Select(i => $"AR{i}"), items.Select(i => i.ItemId));
        Assert.Equal(12_345_625, items[123_456].OpenMinor);
        Assert.Equal("Customer 12345, Inc.", items[123_456].CustomerName);
        Assert.Same(items[123_450].CustomerName, items[123_459].CustomerName);
    }

    [Fact]
    public void ReadOpenItems_BadRowInALaterBlock_NamesItsLine()
    {
        var path = WriteRows(150_000, i => i == 140_000 ? $"AR{i},INV,C1,Acme,INV-{i},,USD,1.2.3,2026-11-01,2026-12-01" : null!);
        var ex = Assert.Throws<ArInputException>(() => ArFiles.ReadOpenItems(path));
        Assert.Equal(140_002, ex.LineNumber);
        Assert.Equal("open_amount", ex.Column);
    }

    [Fact]
    public void ReadOpenItems_RowThatIsNotCsvInALaterBlock_NamesItsLine()
    {
        // Found by a later block's worker, the row sends the whole file to the row-by-row reader, which names it.
        var path = WriteRows(150_000, i => i == 140_000 ? $"AR{i},INV,C1,\"Acme \"X\" Co\",INV-{i},,USD,1.00,2026-11-01,2026-12-01" : null!);
        var ex = Assert.Throws<ArInputException>(() => ArFiles.ReadOpenItems(path));
        Assert.Equal((140_002L, "customer_name"), (ex.LineNumber, ex.Column));
    }

    [Fact]
    public void ReadOpenItems_DuplicateAcrossBlocks_NamesBothLines()
    {
        var path = WriteRows(150_000, i => i == 149_000 ? "AR5,INV,C1,Acme,INV-X,,USD,1.00,2026-11-01,2026-12-01" : null!);
        var ex = Assert.Throws<ArInputException>(() => ArFiles.ReadOpenItems(path));
        Assert.Equal(149_002, ex.LineNumber);
        Assert.Contains("line 7", ex.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void ReadOpenItems_DuplicateFarApartInAnyOrder_NamesBothLines(bool shuffled)
    {
        // In id order the check sorts and compares neighbours; shuffled it hashes: the first and the last row collide either way.
        const int rows = 150_000;
        var ids = Enumerable.Range(0, rows).Select(i => $"AR{i:D6}").ToArray();
        if (shuffled)
        {
            new Random(20).Shuffle(ids);
        }

        ids[^1] = ids[0];
        var path = WriteRows(rows, i => $"{ids[i]},INV,C1,Acme,INV-{i},,USD,1.00,2026-11-01,2026-12-01");
        var ex = Assert.Throws<ArInputException>(() => ArFiles.ReadOpenItems(path));
        Assert.Equal(rows + 1, ex.LineNumber);
        Assert.Equal("item_id", ex.Column);
        Assert.Equal(ids[0], ex.Value);
        Assert.Contains("line 2", ex.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void ReadOpenItems_RowsLongerAfterTheFirstBlock_ReadsEveryRowInOrder(bool longer)
    {
        // The list is sized from the first block's rows per byte: later rows longer or shorter than those only
        // leave it short (it grows) or long; every row is there, in file order, either way.
        const int rows = 300_000;
        var path = WriteRows(rows, i => $"AR{i},INV,C{i / 10},Acme,INV-{i},{(i > 100_000 == longer ? "PO-LONG-REFERENCE-" + i : string.Empty)},USD,1.00,2026-11-01,2026-12-01");
        var items = ArFiles.ReadOpenItems(path);
        Assert.Equal(Enumerable.Range(0, rows).Select(i => $"AR{i}"), items.Select(i => i.ItemId));
        Assert.Equal($"INV-{rows - 1}", items[^1].InvoiceNumber);
    }

    [Fact]
    public void ReadOpenItems_TwoAscendingRunsWithATwin_NamesBothLines()
    {
        // AR99999 sorts after AR100000: two runs, merged; the twin of an early id late in the second run is found.
        const int rows = 150_000;
        var path = WriteRows(rows, i => $"AR{(i == rows - 1 ? 99_990 : i + 50_000)},INV,C1,Acme,INV-{i},,USD,1.00,2026-11-01,2026-12-01");
        var ex = Assert.Throws<ArInputException>(() => ArFiles.ReadOpenItems(path));
        Assert.Equal(rows + 1, ex.LineNumber);
        Assert.Equal("AR99990", ex.Value);
        Assert.Contains($"line {49_990 + 2}", ex.Message, StringComparison.Ordinal);
    }

    [Property(MaxTest = 300)]
    public bool FindDuplicateItemId_AnyRunsOfIds_FindsATwinExactlyWhenThereIsOne(NonNegativeInt[][] runs, bool shuffle, int seed)
    {
        // Each run ascending (sorted numbers, written so that some sort out of numeric order), with ties, across
        // runs and within them; shuffled, the runs are too many and the check hashes.
        var ids = runs.SelectMany(r => r.Select(n => $"AR{n.Get % 500}").Order(StringComparer.Ordinal)).ToList();
        if (shuffle)
        {
            new Random(seed).Shuffle(System.Runtime.InteropServices.CollectionsMarshal.AsSpan(ids));
        }

        var items = ids.Select(id => new OpenItem(id, DocType.Invoice, "C1", "Acme", "INV-1", null, default, 100, default, default)).ToList();
        var found = ArFiles.FindDuplicateItemId(items);
        var twins = ids.GroupBy(id => id, StringComparer.Ordinal).Where(g => g.Count() > 1).Select(g => g.Key).ToHashSet(StringComparer.Ordinal);
        return found is null ? twins.Count == 0 : twins.Contains(found);
    }

    [Theory]
    [InlineData(0, 0, 0L, 0)]
    [InlineData(100, 1_000, 10_000L, 2_044)]
    [InlineData(5, 10, 1L << 40, int.MaxValue)]
    public void EstimateRows_FirstBlocksRowsPerByteTwoPercentOver(int rows, int bytes, long dataBytes, int expected)
    {
        Assert.Equal(Math.Min(expected, Array.MaxLength), ArFiles.EstimateRows(rows, bytes, dataBytes));
    }

    [Fact]
    public void ReadOpenItems_QuotedLineBreak_ReadsRowByRow()
    {
        var path = WriteRows(3, i => i == 1 ? "AR1,INV,C1,\"Acme\nNorth\",INV-1,,USD,1.00,2026-11-01,2026-12-01" : $"AR{i},INV,C1,Acme,INV-{i},,USD,1.00,2026-11-01,2026-12-01");
        var items = ArFiles.ReadOpenItems(path);
        Assert.Equal(3, items.Count);
        Assert.Equal("Acme\nNorth", items[1].CustomerName);
    }
}
