using System.Globalization;
using System.Text;
using CashApp.Fixtures;
using CashApp.Parsers.Common;
using CashApp.Parsers.Lockbox;
using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;

namespace CashApp.Parsers.Tests.Lockbox;

/// <summary>A random valid layout, a random file model, and how the file is written.</summary>
public sealed class LockboxCase
{
    internal LockboxCase(LockboxLayout layout, IReadOnlyList<LockboxModel> lockboxes, bool crlf, bool trim)
    {
        Layout = layout;
        Lockboxes = lockboxes;
        Crlf = crlf;
        Trim = trim;
    }

    public LockboxLayout Layout { get; }

    internal IReadOnlyList<LockboxModel> Lockboxes { get; }

    public bool Crlf { get; }

    public bool Trim { get; }

    internal string Text => LockboxWriter.Write(Layout, Lockboxes, new LockboxWriterOptions { NewLine = Crlf ? "\r\n" : "\n", TrimLines = Trim });

    internal byte[] Bytes => Encoding.ASCII.GetBytes(Text);

    /// <summary>What the reader must give back: the model's checks as payments, rendered.</summary>
    internal string Expected
    {
        get
        {
            var payments = new List<BankTransaction>();
            var line = 2;
            foreach (var lockbox in Lockboxes)
            {
                foreach (var batch in lockbox.Batches)
                {
                    line++;
                    foreach (var check in batch.Checks)
                    {
                        line++;
                        payments.Add(new BankTransaction
                        {
                            PaymentRef = $"{lockbox.Number}-{batch.Batch}-{check.Item}",
                            Direction = Direction.Credit,
                            AmountMinor = check.AmountMinor,
                            Currency = "USD",
                            Format = BankFileFormat.Lockbox,
                            SourceFile = "case",
                            LineNumber = line,
                            PayerName = check.RemitterName.Length == 0 ? null : check.RemitterName,
                            PayerAccount = $"{check.Routing}:{check.Account}",
                            Remittance = [.. check.Invoices.Select(i => new RemittanceLine(i.Number, i.AmountMinor, RemittanceKind.Invoice))],
                            TypeCode = "6",
                            ValueDate = lockbox.DepositDate,
                            Extra = ExtraOf(batch, check),
                        });
                        line += Overflows(check.Invoices.Count);
                    }

                    line++;
                }

                line++;
            }

            return LockboxTestSupport.Render(payments);
        }
    }

    /// <summary>
    /// The extra data a check's payment must carry: the layout's extra fields of its 5 record, of its 6 record with the
    /// check number, and of its 4 records, each value joined with a space to the one before; a blank field is none.
    /// </summary>
    private Dictionary<string, string> ExtraOf(LockboxBatchModel batch, LockboxCheckModel check)
    {
        var extra = new Dictionary<string, string>();
        void Put(char record, IEnumerable<KeyValuePair<string, string>>? fields, int times)
        {
            foreach (var (name, value) in fields ?? [])
            {
                if (value.Length > 0 && times > 0 && Layout.FieldsOf(record).Any(f => f.Name == name))
                {
                    extra[name] = string.Join(' ', Enumerable.Repeat(value, times));
                }
            }
        }

        Put('5', batch.Fields, 1);
        Put('6', [.. check.Fields ?? new Dictionary<string, string>(), new("check_number", check.CheckNumber)], 1);
        Put('4', check.OverflowFields, Overflows(check.Invoices.Count));
        return extra;
    }

    private int Overflows(int invoices)
    {
        var inDetail = Layout.Compiled.DetailInvoices.Length;
        var perOverflow = Layout.Compiled.OverflowInvoices.Length;
        var rest = Math.Max(0, invoices - inDetail);
        return (rest + perOverflow - 1) / perOverflow;
    }

    public override string ToString() => Layout.ToJson() + "\n---\n" + Text;
}

/// <summary>FsCheck generators of lockbox layouts and files.</summary>
public static class LockboxGenerators
{
    private const string Upper = "ABCDEFGHIJKLMNOPQRSTUVWXYZ";
    private const string Digits = "0123456789";

    public static Arbitrary<LockboxCase> Case() => Arb.From(CaseGen);

    private static Gen<LockboxCase> CaseGen =>
        from layout in LayoutGen
        from lockboxes in Gen.Choose(1, 3).SelectMany(n => Gen.ListOf(LockboxGen(layout), n))
        where lockboxes.Select(l => l.Number).Distinct().Count() == lockboxes.Count
        from crlf in Gen.Elements(true, false)
        from trim in Gen.Elements(true, false)
        select new LockboxCase(layout, lockboxes, crlf, trim);

    /// <summary>
    /// Records 5, 6, 4 and 7 with their fields in a random order, random gaps between them, and a random record length.
    /// Extra data: the 6 record has the check number mostly, and none, one or two extra fields (<see cref="ExtraFields"/>);
    /// the 5 record (a region) and the 4 record (a memo, one a record) have one sometimes.
    /// </summary>
    private static Gen<LockboxLayout> LayoutGen =>
        from inDetail in Gen.Choose(0, 2)
        from perOverflow in Gen.Choose(1, 3)
        from extras in Gen.Choose(0, ExtraFields.Length)
        from checkNumber in Gen.Frequency((1, Gen.Constant(false)), (4, Gen.Constant(true)))
        from region in Gen.Elements(false, true)
        from memo in Gen.Elements(false, true)
        from header in Place([("batch", 3), ("item", 3), ("lockbox", 7), ("deposit_date", 6), .. region ? [("region", 4)] : Array.Empty<(string, int)>()])
        from detail in Place([
            ("batch", 3), ("item", 3), ("amount", 10), ("routing", 9), ("account", 14), ("remitter_name", 30),
            .. checkNumber ? [("check_number", 10)] : Array.Empty<(string, int)>(), .. Invoices(inDetail), .. ExtraFields[..extras]])
        from overflow in Place([
            ("batch", 3), ("item", 3), ("overflow_type", 1), ("sequence", 2), ("last", 1), .. Invoices(perOverflow),
            .. memo ? [("memo", 8)] : Array.Empty<(string, int)>()])
        from total in Place([("batch", 3), ("item", 3), ("lockbox", 7), ("deposit_date", 6), ("batch_count", 3), ("batch_amount", 10)])
        from slack in Gen.Choose(0, 12)
        select LockboxLayout.Create(
            "random",
            new[] { header, detail, overflow, total }.SelectMany(r => r).Max(f => f.End) is var end && end < 40 ? 40 + slack : end + slack,
            new Dictionary<char, IReadOnlyList<LockboxField>> { ['5'] = header, ['6'] = detail, ['4'] = overflow, ['7'] = total });

    /// <summary>Extra data a layout may add to the 6 record: a check date and a payee, written as each check's <see cref="LockboxCheckModel.Fields"/>.</summary>
    private static readonly (string Name, int Length)[] ExtraFields = [("check_date", 6), ("payee", 12)];

    private static (string, int)[] Invoices(int count) =>
    [
        .. Enumerable.Range(1, count).SelectMany(n => new[] { (LockboxLayout.InvoiceName("invoice_number", n), 20), (LockboxLayout.InvoiceName("invoice_amount", n), 10) }),
    ];

    private static Gen<LockboxField[]> Place((string Name, int Length)[] fields) =>
        from order in Gen.Shuffle(fields)
        from gaps in Gen.ArrayOf(Gen.Choose(0, 3), fields.Length)
        select Positions(order, gaps);

    private static LockboxField[] Positions((string Name, int Length)[] order, int[] gaps)
    {
        var column = 2;
        var placed = new LockboxField[order.Length];
        for (var i = 0; i < order.Length; i++)
        {
            column += gaps[i];
            placed[i] = new LockboxField(order[i].Name, column, order[i].Length);
            column += order[i].Length;
        }

        return placed;
    }

    private static Gen<LockboxModel> LockboxGen(LockboxLayout layout) =>
        from number in Text(Digits, 7, 7)
        from days in Gen.Choose(0, 3650)
        from batchCount in Gen.Choose(1, 3)
        from batches in Gen.ArrayOf(ChecksGen(layout), batchCount)
        from regions in Gen.ArrayOf(Gen.Frequency((1, Gen.Constant(string.Empty)), (3, Text(Upper, 1, 4))), batchCount)
        select new LockboxModel(
            number,
            new DateOnly(2020, 1, 1).AddDays(days),
            [.. batches.Select((checks, i) => new LockboxBatchModel((i + 1).ToString("000", CultureInfo.InvariantCulture), checks, new Dictionary<string, string> { ["region"] = regions[i] }))]);

    private static Gen<LockboxCheckModel[]> ChecksGen(LockboxLayout layout) =>
        Gen.Choose(0, 5).SelectMany(n => Gen.ArrayOf(CheckGen, n))
            .Select(checks => checks.Select((c, i) => c with { Item = (i + 1).ToString("000", CultureInfo.InvariantCulture) }).ToArray());

    private static Gen<LockboxCheckModel> CheckGen =>
        from amount in Gen.Choose(1, 99_999_999)
        from routing in Text(Digits, 9, 9)
        from account in Text(Digits, 1, 14)
        from checkNumber in Gen.Frequency((1, Gen.Constant(string.Empty)), (6, Gen.Choose(1, int.MaxValue).Select(n => n.ToString(CultureInfo.InvariantCulture))))
        from name in Name
        from invoices in Gen.Choose(0, 6).SelectMany(n => Gen.ArrayOf(InvoiceGen, n))
        from date in Gen.Frequency((1, Gen.Constant(string.Empty)), (3, Text(Digits, 6, 6)))
        from payee in Gen.Frequency((1, Gen.Constant(string.Empty)), (3, Text(Upper + Digits, 1, 12)))
        from memo in Gen.Frequency((1, Gen.Constant(string.Empty)), (3, Text(Upper + Digits, 1, 8)))
        select new LockboxCheckModel("000", amount, routing, account, checkNumber, name, invoices,
            new Dictionary<string, string> { ["check_date"] = date, ["payee"] = payee },
            new Dictionary<string, string> { ["memo"] = memo });

    private static Gen<(string, long?)> InvoiceGen =>
        from number in Text(Upper + Digits + "-/", 1, 20)
        from amount in Gen.Frequency((1, Gen.Constant<long?>(null)), (4, Gen.Choose(1, int.MaxValue).Select(a => (long?)a)))
        select (number, amount);

    // Upper-case words with single spaces between them, at most 30 characters; empty sometimes.
    private static Gen<string> Name =>
        Gen.Choose(0, 4).SelectMany(n => Gen.ArrayOf(Text(Upper + Digits + "&.,", 1, 8), n))
            .Select(words => string.Join(' ', words) is var s && s.Length > 30 ? s[..30].TrimEnd() : s);

    private static Gen<string> Text(string alphabet, int min, int max) =>
        Gen.Choose(min, max).SelectMany(n => Gen.ArrayOf(Gen.Elements(alphabet.ToCharArray()), n)).Select(chars => new string(chars));
}

public sealed class LockboxProperties
{
    [Property(MaxTest = 200, Arbitrary = [typeof(LockboxGenerators)])]
    public void ReadAsync_FileWrittenThroughRandomLayout_ReadsBackTheModel(LockboxCase c)
    {
        var actual = LockboxTestSupport.Render(LockboxReader.Read(c.Bytes, "case", c.Layout));

        Assert.Equal(c.Expected, actual);
    }

    [Property(MaxTest = 100, Arbitrary = [typeof(LockboxGenerators)])]
    public void ReadAsync_FileInTwoReadsAtRandomSplit_ReadsBackTheModel(LockboxCase c, PositiveInt seed)
    {
        var bytes = c.Bytes;
        var split = seed.Get % (bytes.Length + 1);

        var actual = LockboxTestSupport.Render(LockboxTestSupport.ReadAsync(new TwoReadStream(bytes, split), "case", c.Layout).GetAwaiter().GetResult());

        Assert.Equal(c.Expected, actual);
    }

    [Property(MaxTest = 200, Arbitrary = [typeof(LockboxGenerators)])]
    public void ReadAsync_OneByteChanged_ReadsTheSameOrThrowsTheFormatException(LockboxCase c, PositiveInt position, byte value)
    {
        var bytes = c.Bytes;
        bytes[position.Get % bytes.Length] = value;

        // The validating scan must agree with the reader: the same error, or the same counts.
        LockboxFormatException? readError = null;
        LockboxFormatException? validateError = null;
        IReadOnlyList<BankTransaction> payments = [];
        var summary = default(LockboxSummary);
        try
        {
            payments = LockboxReader.Read(bytes, "case", c.Layout);
        }
        catch (LockboxFormatException ex)
        {
            readError = ex;
            Assert.StartsWith("case:", ex.Message, StringComparison.Ordinal);
            Assert.StartsWith("LBX_", ex.ErrorCode, StringComparison.Ordinal);
        }

        try
        {
            summary = LockboxReader.Validate(bytes, "case", c.Layout);
        }
        catch (LockboxFormatException ex)
        {
            validateError = ex;
        }

        Assert.Equal(readError?.Message, validateError?.Message);
        if (readError is null)
        {
            Assert.Equal(payments.Count, summary.Checks);
            Assert.Equal(payments.Sum(p => p.AmountMinor), summary.AmountMinor);
        }
    }

    [Property(MaxTest = 100, Arbitrary = [typeof(LockboxGenerators)])]
    public void Validate_FileWrittenThroughRandomLayout_CountsTheModel(LockboxCase c)
    {
        var summary = LockboxReader.Validate(c.Bytes, "case", c.Layout);

        Assert.Equal(c.Lockboxes.Count, summary.Lockboxes);
        Assert.Equal(c.Lockboxes.Sum(l => l.Batches.Count), summary.Batches);
        Assert.Equal(c.Lockboxes.Sum(l => l.Batches.Sum(b => b.Checks.Count)), summary.Checks);
        Assert.Equal(c.Lockboxes.Sum(l => l.Batches.Sum(b => b.Checks.Sum(k => k.AmountMinor))), summary.AmountMinor);
    }

    [Property(MaxTest = 200, Arbitrary = [typeof(LockboxGenerators)])]
    public void ReadAsync_FileCutShort_ThrowsTheFormatException(LockboxCase c, PositiveInt cut)
    {
        // Cut anywhere before the trailer's last character: the file is truncated.
        var text = c.Text.TrimEnd('\r', '\n', ' ');
        var bytes = Encoding.ASCII.GetBytes(text[..(cut.Get % text.Length)]);

        var error = Assert.Throws<LockboxFormatException>(() => LockboxReader.Read(bytes, "case", c.Layout));

        Assert.StartsWith("LBX_", error.ErrorCode, StringComparison.Ordinal);
    }

    [Property(MaxTest = 100, Arbitrary = [typeof(LockboxGenerators)])]
    public void Parse_RandomLayoutAsJson_GivesTheSameLayout(LockboxCase c)
    {
        var again = LockboxLayout.Parse(c.Layout.ToJson(), "again");

        Assert.Equal(c.Layout.RecordLength, again.RecordLength);
        Assert.All(c.Layout.Records, r => Assert.Equal(r.Value, again.FieldsOf(r.Key)));
    }
}
