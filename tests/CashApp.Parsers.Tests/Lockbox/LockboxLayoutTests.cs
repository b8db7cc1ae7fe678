using CashApp.Parsers.Lockbox;
using static CashApp.Parsers.Tests.Lockbox.LockboxTestSupport;

namespace CashApp.Parsers.Tests.Lockbox;

public sealed class LockboxLayoutTests
{
    [Fact]
    public void Default_HasTheColumnsOfLockboxMd()
    {
        var layout = LockboxLayout.Default;

        Assert.Equal(80, layout.RecordLength);
        Assert.Equal("USD", layout.Currency);
        Assert.Equal(new LockboxField("amount", 8, 10), layout.FieldsOf('6').Single(f => f.Name == "amount"));
        Assert.Equal(new LockboxField("remitter_name", 51, 30), layout.FieldsOf('6').Single(f => f.Name == "remitter_name"));
        Assert.Equal(new LockboxField("last", 11, 1), layout.FieldsOf('4').Single(f => f.Name == "last"));
        Assert.Equal(new LockboxField("lockbox_amount", 25, 10), layout.FieldsOf('8').Single(f => f.Name == "lockbox_amount"));
        Assert.Equal([new LockboxField("record_count", 2, 6)], layout.FieldsOf('9'));
        Assert.Equal(["1", "2", "4", "5", "6", "7", "8", "9"], layout.Records.Keys.Select(k => k.ToString()).Order());
    }

    [Theory]
    [InlineData("fundersclub-bai-lockbox.json")]
    [InlineData("wide-invoices.json")]
    public void Load_ShippedLayout_Validates(string file)
    {
        var layout = LockboxLayout.Load(Path.Combine(Layouts, file));

        Assert.Equal(Path.GetFileNameWithoutExtension(file), layout.Name);
        Assert.Equal(Path.Combine(Layouts, file), layout.SourceFile);
    }

    [Fact]
    public void Parse_LayoutNamingSomeRecords_TakesTheDefaultForTheOthers()
    {
        var layout = LockboxLayout.Parse("""{ "records": { "6": { "fields": { "batch": [2, 3], "item": [5, 3], "amount": [8, 10] } } } }""", "partial");

        Assert.Equal("partial", layout.Name);
        Assert.Equal(3, layout.FieldsOf('6').Count);
        Assert.Equal(LockboxLayout.Default.FieldsOf('4'), layout.FieldsOf('4'));
        Assert.Equal(80, layout.RecordLength);
    }

    [Fact]
    public void ToJson_ParsedBack_GivesTheSameLayout()
    {
        var layout = LockboxLayout.Load(Path.Combine(Layouts, "wide-invoices.json"));

        var again = LockboxLayout.Parse(layout.ToJson(), "again");

        Assert.Equal(layout.RecordLength, again.RecordLength);
        Assert.Equal(layout.Records.Keys.Order(), again.Records.Keys.Order());
        Assert.All(layout.Records, r => Assert.Equal(r.Value, again.FieldsOf(r.Key)));
    }

    [Fact]
    public void Load_MissingFile_ThrowsNamingTheFile()
    {
        var path = Path.Combine(Layouts, "no-such-layout.json");

        var error = Assert.Throws<LockboxLayoutException>(() => LockboxLayout.Load(path));

        Assert.Equal(LockboxErrors.LayoutUnreadableCode, error.ErrorCode);
        Assert.Equal(path, error.FileName);
        Assert.Contains(path, error.Message, StringComparison.Ordinal);
    }

    /// <summary>Broken layouts: the JSON, the error code, the field named and the template's text.</summary>
    public static TheoryData<string, string, string?, string> Broken => new()
    {
        {
            """{ "records": { "6": { "fields": { "batch": [2, 3], "item": [4, 3], "amount": [8, 10] } } } }""",
            LockboxErrors.LayoutOverlapCode, "item", Describe(LockboxErrors.LayoutOverlap, "6", "item", "batch", "4-6", "2-4")
        },
        {
            """{ "records": { "6": { "fields": { "batch": [2, 3], "item": [5, 3], "amount": [75, 10] } } } }""",
            LockboxErrors.LayoutFieldOutOfRecordCode, "amount", Describe(LockboxErrors.LayoutFieldOutOfRecord, "6", "amount", "75-84", 80)
        },
        {
            """{ "records": { "6": { "fields": { "batch": [1, 3], "item": [5, 3], "amount": [8, 10] } } } }""",
            LockboxErrors.LayoutFieldOutOfRecordCode, "batch", Describe(LockboxErrors.LayoutFieldOutOfRecord, "6", "batch", "1-3", 80)
        },
        {
            """{ "recordLength": 60 }""",
            LockboxErrors.LayoutFieldOutOfRecordCode, "remitter_name", Describe(LockboxErrors.LayoutFieldOutOfRecord, "6 (from the default layout)", "remitter_name", "51-80", 60)
        },
        {
            """{ "records": { "6": { "fields": { "batch": [2, 3], "item": [5, 3] } } } }""",
            LockboxErrors.LayoutMissingFieldCode, "amount", Describe(LockboxErrors.LayoutMissingField, '6', "amount", "the check amount")
        },
        {
            """{ "records": { "5": { "fields": { "batch": [2, 3] } } } }""",
            LockboxErrors.LayoutMissingFieldCode, "lockbox", Describe(LockboxErrors.LayoutMissingField, '5', "lockbox", "the payment reference LOCKBOX-BATCH-ITEM")
        },
        {
            """{ "records": { "X": { "fields": { "amount": [2, 10] } } } }""",
            LockboxErrors.LayoutMisplacedFieldCode, "amount", Describe(LockboxErrors.LayoutMisplacedField, "X", "amount", "record 6")
        },
        {
            """{ "records": { "4": { "fields": { "invoice_number": [12, 20], "invoice_number_3": [42, 20] } } } }""",
            LockboxErrors.LayoutInvoiceNumberingCode, "invoice_number_3", Describe(LockboxErrors.LayoutInvoiceNumbering, "4", "invoice_number_3", "invoice_number_2 is missing; invoice lines are numbered without gaps")
        },
        {
            """{ "records": { "4": { "fields": { "invoice_number": [12, 20], "invoice_amount_2": [42, 10] } } } }""",
            LockboxErrors.LayoutInvoiceNumberingCode, "invoice_amount_2", Describe(LockboxErrors.LayoutInvoiceNumbering, "4", "invoice_amount_2", "there is no invoice_number_2 for it")
        },
        {
            """{ "records": { "66": { "fields": { } } } }""",
            LockboxErrors.LayoutBadValueCode, "records.66", Describe(LockboxErrors.LayoutBadValue, "records.66", "a record type is one character")
        },
        {
            """{ "record": { } }""",
            LockboxErrors.LayoutBadValueCode, "record", "record: unknown property"
        },
        {
            """{ "records": { "6": { "fields": { "batch": [2, 3], "batch": [5, 3] } } } }""",
            LockboxErrors.LayoutBadValueCode, "records.6.fields.batch", Describe(LockboxErrors.LayoutBadValue, "records.6.fields.batch", "the property is given twice")
        },
        {
            """{ "records": { "6": { "fields": { "batch": "2-4" } } } }""",
            LockboxErrors.LayoutBadValueCode, "records.6.fields.batch", Describe(LockboxErrors.LayoutBadValue, "records.6.fields.batch", "must be [start column (1-based), length]")
        },
        {
            """{ "currency": "XXY" }""",
            LockboxErrors.LayoutBadValueCode, "currency", Describe(LockboxErrors.LayoutBadValue, "currency", "'XXY' is not an ISO 4217 currency code")
        },
        {
            """{ "csv": { "columns": { "payment_ref": "Ref" } } }""",
            LockboxErrors.LayoutCsvMappingCode, "amount", Describe(LockboxErrors.LayoutCsvMapping, "columns has no \"amount\"; the reader needs the check amount")
        },
        {
            """{ "name": "x", """,
            LockboxErrors.LayoutUnreadableCode, null, "not valid JSON"
        },
    };

    [Theory]
    [MemberData(nameof(Broken))]
    public void Parse_BrokenLayout_ThrowsNamingTheLayoutAndTheField(string json, string code, string? field, string message)
    {
        var error = Assert.Throws<LockboxLayoutException>(() => LockboxLayout.Parse(json, "bank-x.json"));

        Assert.True(code == error.ErrorCode, error.Message);
        Assert.Equal(field, error.FieldName);
        Assert.Equal("bank-x.json", error.FileName);
        Assert.StartsWith("lockbox layout bank-x.json", error.Message, StringComparison.Ordinal);
        Assert.Contains(message, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Load_BrokenLayoutFile_NamesTheFile()
    {
        var path = Path.Combine(Path.GetTempPath(), "cashapp-broken-" + Guid.NewGuid().ToString("N") + ".json");
        File.WriteAllText(path, """{ "records": { "7": { "fields": { "batch_count": [21, 3] } } } }""");
        try
        {
            var error = Assert.Throws<LockboxLayoutException>(() => LockboxLayout.Load(path));

            Assert.Equal(LockboxErrors.LayoutMissingFieldCode, error.ErrorCode);
            Assert.Equal("batch_amount", error.FieldName);
            Assert.StartsWith("lockbox layout " + path + ": ", error.Message, StringComparison.Ordinal);
        }
        finally
        {
            File.Delete(path);
        }
    }
}
