using System.Globalization;
using CashApp.Engine.Ar;
using CashApp.Engine.Matching;
using CashApp.Engine.Model;
using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;

namespace CashApp.Engine.Tests.Ar;

/// <summary>
/// The block reader's shortcuts (session 16): dates read digit by digit, the row before's customer and currency
/// reused, each block's id order found on its own core. Each must read what the long way reads.
/// </summary>
public sealed class OpenItemsFastPathTests : IDisposable
{
    private const string Header = "item_id,doc_type,customer_id,customer_name,invoice_number,po_number,currency,open_amount,doc_date,due_date";
    private readonly string _dir = Directory.CreateTempSubdirectory("cashapp-ar-fast").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    /// <summary>
    /// The date reader as it was before session 16: each part by <c>int.TryParse</c>, no styles; except that a NUL is
    /// refused, as the row-by-row reader (<c>DateOnly.TryParseExact</c>) always refused it. <c>int.TryParse</c> lets a number
    /// end in NULs, so <c>2026-01-5\0</c> used to load as 5 January; the digit-by-digit reader refuses it (a change kept on
    /// purpose: the review of session 16 found it).
    /// </summary>
    private static DateOnly? OldDate(string text)
    {
        if (text.Length == 10 && !text.Contains('\0', StringComparison.Ordinal) && text[4] == '-' && text[7] == '-'
            && int.TryParse(text.AsSpan(0, 4), NumberStyles.None, CultureInfo.InvariantCulture, out var y)
            && int.TryParse(text.AsSpan(5, 2), NumberStyles.None, CultureInfo.InvariantCulture, out var m)
            && int.TryParse(text.AsSpan(8), NumberStyles.None, CultureInfo.InvariantCulture, out var d)
            && y >= 1 && m is >= 1 and <= 12 && d >= 1 && d <= DateTime.DaysInMonth(y, m))
        {
            return new DateOnly(y, m, d);
        }

        return null;
    }

    private static readonly char[] DateChars = "0123456789-- +\u0663\uFF11a\t.\0".ToCharArray();

    /// <summary>Texts near a date: real dates, dates with one character changed, and 8-12 characters of digits, dashes and odd characters.</summary>
    private static Arbitrary<string> DateTexts() =>
        Gen.OneOf(
            Gen.Choose(1, 3_652_058).Select(days => DateOnly.FromDayNumber(days - 1).ToString("yyyy-MM-dd", CultureInfo.InvariantCulture)),
            from day in Gen.Choose(0, 3_652_058)
            from at in Gen.Choose(0, 9)
            from c in Gen.Elements(DateChars)
            select Changed(DateOnly.FromDayNumber(day).ToString("yyyy-MM-dd", CultureInfo.InvariantCulture), at, c),
            Gen.Choose(8, 12).SelectMany(n => Gen.ArrayOf(Gen.Elements(DateChars), n)).Select(c => new string(c)))
        .ToArbitrary();

    [Property(MaxTest = 2000)]
    public Property Date_AnyText_ReadsAsEachPartByIntTryParse() =>
        Prop.ForAll(DateTexts(), text =>
        {
            var expected = OldDate(text);
            try
            {
                return ArFiles.Date(text, "f.csv", 7, "due_date") == expected;
            }
            catch (ArInputException e)
            {
                return expected is null && e.Message == ArInputException.BadValue("f.csv", 7, "due_date", text, "a date as YYYY-MM-DD").Message;
            }
        });

    [Theory]
    [InlineData("2026-01-5\0")]
    [InlineData("2026-1\0-05")]
    [InlineData("202\0-01-05")]
    public void Date_WithANulForADigit_IsRefusedNamingFileLineAndColumn(string text)
    {
        // int.TryParse read a number ending in NULs, so the reader before session 16 loaded these; the row-by-row reader
        // never did, and neither does this one.
        var error = Assert.Throws<ArInputException>(() => ArFiles.Date(text, "f.csv", 7, "doc_date"));
        Assert.Equal(ArInputException.BadValue("f.csv", 7, "doc_date", text, "a date as YYYY-MM-DD").Message, error.Message);
    }

    private static readonly string[] CustomerIds = ["C1", "C2", "C3", "C10", "C1 ", ""];
    private static readonly string[] CustomerNames = ["Acme", "Acme Corp", "Acme Inc.", "\"Acme, Inc\"", " Acme ", "", "\"Say \"\"hi\"\"\""];
    private static readonly string[] Currencies = ["USD", "EUR", "JPY", "usd", "XYZ", ""];
    private static readonly string[] Amounts = ["1.00", "250", "0.5", "12.345", "-3.00", "x"];
    private static readonly string[] Dates = ["2026-11-01", "2026-02-28", "2024-02-29", "2026-02-29", "2026-13-01", "26-11-01", ""];

    /// <summary>Rows of a few customers, names (quoted ones too), currencies, amounts and dates, mostly good, now and then bad.</summary>
    private static Arbitrary<string[]> Rows() =>
        (from customer in Gen.Choose(0, 20)
         from name in Gen.Choose(0, 20)
         from currency in Gen.Choose(0, 150)
         from amount in Gen.Choose(0, 150)
         from doc in Gen.Choose(0, 300)
         from due in Gen.Choose(0, 300)
         select (Customer: Pick(CustomerIds, customer), Name: Pick(CustomerNames, name), Currency: Pick(Currencies, currency),
             Amount: Pick(Amounts, amount), Doc: Pick(Dates, doc), Due: Pick(Dates, due)))
            .ListOf()
            .Select(rows => rows.Select((r, i) => $"AR{i},INV,{r.Customer},{r.Name},INV-{i},,{r.Currency},{r.Amount},{r.Doc},{r.Due}").ToArray())
            .ToArbitrary();

    // Mostly the first two (good) values of each list, so that files are often good and errors come late.
    private static string Pick(string[] values, int roll) => roll < values.Length ? values[roll] : values[roll % 2];

    private static string Changed(string text, int at, char c)
    {
        var chars = text.ToCharArray();
        chars[at] = c;
        return new string(chars);
    }

    [Property(MaxTest = 300)]
    public Property ReadOpenItems_AnyRows_ReadsWhatTheRowByRowReaderReads() =>
        Prop.ForAll(Rows(), rows =>
        {
            var path = Path.Combine(_dir, $"{Guid.NewGuid():N}.csv");
            File.WriteAllLines(path, [Header, .. rows]);
            var fast = Read(() => ArFiles.ReadOpenItems(path));
            var slow = Read(() => ArFiles.ReadOpenItemsSequential(path));
            File.Delete(path);
            return (fast == slow).Label($"fast: {fast}\nslow: {slow}");
        });

    private static string Read(Func<List<OpenItem>> read)
    {
        try
        {
            return string.Join("\n", read().Select(i => $"{i.ItemId}|{i.DocType}|{i.CustomerId}|{i.CustomerName}|{i.InvoiceNumber}|{i.PoNumber}|{i.Currency.Code}|{i.OpenMinor}|{i.DocDate:O}|{i.DueDate:O}"));
        }
        catch (ArInputException e)
        {
            return "error: " + e.Message;
        }
    }

    /// <summary>Ascending runs of ids as the duplicate check's own property builds them, with ties within and across runs.</summary>
    private static List<OpenItem> Items(NonNegativeInt[][] runs) =>
        runs.SelectMany(r => r.Select(n => $"AR{n.Get % 500}").Order(StringComparer.Ordinal))
            .Select(id => new OpenItem(id, DocType.Invoice, "C1", "Acme", "INV-1", null, default, 100, default, default))
            .ToList();

    [Property(MaxTest = 500)]
    public bool IdRuns_ScannedInAnyBlocks_FindWhatTheWholeListsScanFinds(NonNegativeInt[][] runs, PositiveInt[] blockSizes)
    {
        var items = Items(runs);
        var records = ItemRecords.Of([.. items], items.Count, items.Count);
        var whole = new ArFiles.IdRuns();
        whole.Scan(records, 1, 0);

        // As the reader does: each block scanned alone, then its items added to the read's and its runs appended, in file order.
        var inBlocks = new ArFiles.IdRuns();
        var read = ItemRecords.ForReading(1, 1);
        var at = 0;
        for (var b = 0; at < items.Count; b++)
        {
            var size = blockSizes.Length == 0 ? items.Count : Math.Min(items.Count - at, (blockSizes[b % blockSizes.Length].Get % 40) + 1);
            var blockItems = ItemRecords.Of([.. items.Skip(at).Take(size)], size, size);
            var block = new ArFiles.IdRuns();
            block.Scan(blockItems, 1, 0);
            read.AddAll(blockItems);
            inBlocks.Append(read, at, block);
            at += size;
        }

        var twins = items.GroupBy(i => i.ItemId, StringComparer.Ordinal).Where(g => g.Count() > 1).Select(g => g.Key).ToHashSet(StringComparer.Ordinal);
        var found = ArFiles.FindDuplicateItemId(read, inBlocks);
        Assert.Equal(items, read.ToList());
        var sameRuns = whole.Twin is not null || whole.Unordered || inBlocks.Twin is not null || inBlocks.Unordered
            || whole.Starts.SequenceEqual(inBlocks.Starts);
        return sameRuns && (found is null ? twins.Count == 0 : twins.Contains(found));
    }

    [Fact]
    public void FindDuplicateItemId_TwinsOnlyWhereTwoRunsOverlap_FindsThem()
    {
        // As on the 1M day: AR500..AR999, then AR1000..AR5507; the runs overlap on AR500..AR5507 only.
        var ids = Enumerable.Range(500, 500).Select(n => $"AR{n}").Concat(Enumerable.Range(1000, 4508).Select(n => $"AR{n}")).ToList();
        var items = ids.Select(id => new OpenItem(id, DocType.Invoice, "C1", "Acme", "INV-1", null, default, 100, default, default)).ToList();
        Assert.Null(ArFiles.FindDuplicateItemId(items));
        foreach (var twin in new[] { "AR500", "AR999", "AR1000", "AR5000", "AR5507" })
        {
            // The twin a run of its own at the end: its first occurrence is in one of the two runs before.
            Assert.Equal(twin, ArFiles.FindDuplicateItemId([.. items, new OpenItem(twin, DocType.Invoice, "C1", "Acme", "INV-1", null, default, 100, default, default)]));
        }
    }
}
