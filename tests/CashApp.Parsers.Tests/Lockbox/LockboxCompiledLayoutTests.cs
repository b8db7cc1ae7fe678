using CashApp.Parsers.Lockbox;
using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;

namespace CashApp.Parsers.Tests.Lockbox;

/// <summary>
/// The compiled layout, built with loops since session 19, against the LINQ compilation it replaced (kept here as the
/// reference): every slot, every extra field's key, in the same order, for the default layout, the fixture layouts
/// and random layouts with extra fields and record types of their own.
/// </summary>
public sealed class LockboxCompiledLayoutTests
{
    private static readonly HashSet<string> ReaderFields = new(StringComparer.Ordinal)
    {
        "batch", "item", "lockbox", "deposit_date", "amount", "routing", "account", "check_number", "remitter_name", "remittance_text",
        "overflow_type", "sequence", "last", "batch_count", "batch_amount", "lockbox_count", "lockbox_amount", "record_count",
    };

    public static TheoryData<string> FixtureLayouts => ["csv-remittance.json", "fundersclub-bai-lockbox.json", "wide-invoices.json"];

    [Fact]
    public void Compile_DefaultLayout_IsTheReferenceCompilation() =>
        Assert.Equal(Reference(LockboxLayout.Default), Render(LockboxLayout.Default.Compiled));

    [Theory]
    [MemberData(nameof(FixtureLayouts))]
    public void Compile_FixtureLayout_IsTheReferenceCompilation(string file)
    {
        var layout = LockboxLayout.Load(Path.Combine(LockboxTestSupport.Layouts, file));
        Assert.Equal(Reference(layout), Render(layout.Compiled));
    }

    [Property(MaxTest = 300)]
    public Property Compile_RandomLayout_IsTheReferenceCompilation() =>
        Prop.ForAll(Arb.From(Layouts), layout => Reference(layout) == Render(layout.Compiled));

    [Fact]
    public void Compile_LayoutWithExtrasAndItsOwnRecords_KeysThemInRecordOrder()
    {
        // Guards the property above against a generator that never makes extras or record types of a layout's own.
        var layout = LockboxLayout.Create("own", 80, new Dictionary<char, IReadOnlyList<LockboxField>>
        {
            ['X'] = [new("memo", 2, 10)],
            ['6'] = [new("batch", 2, 3), new("item", 5, 3), new("amount", 8, 10), new("note", 20, 5), new("check_number", 30, 5)],
            ['A'] = [new("tag", 2, 3), new("code", 6, 2)],
        });

        Assert.Equal(Reference(layout), Render(layout.Compiled));
        Assert.Equal(["check_number", "note", "memo", "tag", "code"], layout.Compiled.ExtraKeys);
    }

    [Fact]
    public void Create_InvoiceNumberingWithGapsInTwoPlaces_NamesTheFirstGap()
    {
        var error = Assert.Throws<LockboxLayoutException>(() => LockboxLayout.Create("gaps", 120, new Dictionary<char, IReadOnlyList<LockboxField>>
        {
            ['4'] =
            [
                new("batch", 2, 3), new("item", 5, 3), new("sequence", 9, 2), new("last", 11, 1),
                new("invoice_number_5", 12, 5), new("invoice_number", 20, 5), new("invoice_number_3", 30, 5), new("invoice_amount_3", 40, 5),
            ],
        }));

        Assert.Contains("invoice_number_3", error.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("invoice_number_5", error.Message, StringComparison.Ordinal);
    }

    private static Gen<LockboxLayout> Layouts =>
        from detailExtras in Gen.Choose(0, 3)
        from overflowExtras in Gen.Choose(0, 2)
        from headerExtras in Gen.Choose(0, 2)
        from invoices in Gen.Choose(0, 3)
        from own in Gen.SubListOf("AXZ3b".ToCharArray())
        from ownFields in Gen.Choose(1, 3)
        from order in Gen.Shuffle(new[] { '5', '6', '4' }.Concat(own).ToArray())
        select Create(detailExtras, overflowExtras, headerExtras, invoices, own, ownFields, order);

    private static LockboxLayout Create(int detailExtras, int overflowExtras, int headerExtras, int invoices, IEnumerable<char> own, int ownFields, char[] order)
    {
        var records = new Dictionary<char, LockboxField[]>
        {
            ['5'] = Place([("batch", 3), ("item", 3), ("lockbox", 7), ("deposit_date", 6), .. Extras("h", headerExtras)]),
            ['6'] = Place([("batch", 3), ("item", 3), ("amount", 10), ("check_number", 10), .. Extras("d", detailExtras), .. Invoices(invoices)]),
            ['4'] = Place([("batch", 3), ("item", 3), ("sequence", 2), ("last", 1), .. Extras("o", overflowExtras), .. Invoices(Math.Max(1, invoices))]),
        };
        foreach (var type in own)
        {
            records[type] = Place([.. Extras("own" + type, ownFields)]);
        }

        var given = new Dictionary<char, IReadOnlyList<LockboxField>>();
        foreach (var type in order)
        {
            given[type] = records[type];
        }

        return LockboxLayout.Create("random", 400, given);
    }

    private static IEnumerable<(string, int)> Extras(string stem, int count) => Enumerable.Range(1, count).Select(n => ($"{stem}_x{n}", 4));

    private static IEnumerable<(string, int)> Invoices(int count) =>
        Enumerable.Range(1, count).SelectMany(n => new[] { (LockboxLayout.InvoiceName("invoice_number", n), 10), (LockboxLayout.InvoiceName("invoice_amount", n), 8) });

    private static LockboxField[] Place((string Name, int Length)[] fields)
    {
        var column = 2;
        var placed = new LockboxField[fields.Length];
        for (var i = 0; i < fields.Length; i++)
        {
            placed[i] = new LockboxField(fields[i].Name, column, fields[i].Length);
            column += fields[i].Length + 1;
        }

        return placed;
    }

    private static string Render(LockboxCompiledLayout c) =>
        Render(
            c.RecordLength, [c.HeaderLockbox, c.HeaderDepositDate], c.HeaderExtras,
            [c.DetailBatch, c.DetailItem, c.DetailAmount, c.DetailRouting, c.DetailAccount, c.DetailCheckNumber, c.DetailRemitterName, c.DetailRemittanceText],
            c.DetailInvoices, c.DetailExtras,
            [c.OverflowBatch, c.OverflowItem, c.OverflowSequence, c.OverflowLast, c.OverflowRemittanceText],
            c.OverflowInvoices, c.OverflowExtras,
            [c.BatchCount, c.BatchAmount, c.LockboxLockbox, c.LockboxCount, c.LockboxAmount, c.RecordCount],
            c.CustomRecords, c.ExtraKeys, c.CheckNumberKey);

    private static string Render(
        int recordLength, Slot[] header, ExtraSlot[] headerExtras, Slot[] detail, InvoiceSlot[] detailInvoices, ExtraSlot[] detailExtras,
        Slot[] overflow, InvoiceSlot[] overflowInvoices, ExtraSlot[] overflowExtras, Slot[] totals, ExtraSlot[]?[] custom, string[] keys, int checkNumberKey)
    {
        static string Extras(ExtraSlot[] extras) => string.Join(" ", extras.Select(e => $"{e.Slot}@{e.Key}"));
        static string Invoices(InvoiceSlot[] invoices) => string.Join(" ", invoices.Select(i => $"{i.NumberName}{i.Number}/{i.AmountName}{i.Amount}"));
        static string Slots(Slot[] slots) => string.Join(" ", slots);
        var own = string.Join(" ", Enumerable.Range(0, custom.Length).Where(t => custom[t] is not null).Select(t => $"{(char)t}:[{Extras(custom[t]!)}]"));
        return string.Join(
            "\n",
            recordLength, Slots(header), Extras(headerExtras), Slots(detail), Invoices(detailInvoices), Extras(detailExtras),
            Slots(overflow), Invoices(overflowInvoices), Extras(overflowExtras), Slots(totals), own, string.Join(" ", keys), checkNumberKey);
    }

    /// <summary>The compilation as it was written before session 19, with LINQ.</summary>
    private static string Reference(LockboxLayout layout)
    {
        var keys = new List<string>();
        int Key(string name)
        {
            var index = keys.IndexOf(name);
            if (index < 0)
            {
                keys.Add(name);
                index = keys.Count - 1;
            }

            return index;
        }

        var checkNumberKey = layout.FieldsOf('6').Any(f => f.Name == "check_number") ? Key("check_number") : -1;
        Slot S(char record, string name) =>
            layout.FieldsOf(record).FirstOrDefault(f => f.Name == name) is { Name: not null } f ? new Slot(f.Start - 1, f.Length) : default;
        ExtraSlot[] Extras(char record) =>
        [
            .. layout.FieldsOf(record)
                .Where(f => !ReaderFields.Contains(f.Name) && LockboxLayout.InvoiceIndex(f.Name, out _) == 0)
                .Select(f => new ExtraSlot(new Slot(f.Start - 1, f.Length), Key(f.Name))),
        ];
        InvoiceSlot[] Invoices(char record)
        {
            var list = new List<InvoiceSlot>();
            for (var n = 1; ; n++)
            {
                var number = LockboxLayout.InvoiceName("invoice_number", n);
                var amount = LockboxLayout.InvoiceName("invoice_amount", n);
                var numberSlot = S(record, number);
                if (!numberSlot.IsPresent)
                {
                    return [.. list];
                }

                list.Add(new InvoiceSlot(number, numberSlot, amount, S(record, amount)));
            }
        }

        var headerExtras = Extras('5');
        var detailExtras = Extras('6');
        var overflowExtras = Extras('4');
        var custom = new ExtraSlot[]?[128];
        foreach (var type in layout.Records.Keys.Where(t => t is not ('1' or '2' or '5' or '6' or '4' or '7' or '8' or '9')))
        {
            custom[type] = Extras(type);
        }

        return Render(
            layout.RecordLength, [S('5', "lockbox"), S('5', "deposit_date")], headerExtras,
            [S('6', "batch"), S('6', "item"), S('6', "amount"), S('6', "routing"), S('6', "account"), S('6', "check_number"), S('6', "remitter_name"), S('6', "remittance_text")],
            Invoices('6'), detailExtras,
            [S('4', "batch"), S('4', "item"), S('4', "sequence"), S('4', "last"), S('4', "remittance_text")],
            Invoices('4'), overflowExtras,
            [S('7', "batch_count"), S('7', "batch_amount"), S('8', "lockbox"), S('8', "lockbox_count"), S('8', "lockbox_amount"), S('9', "record_count")],
            custom, [.. keys], checkNumberKey);
    }
}
