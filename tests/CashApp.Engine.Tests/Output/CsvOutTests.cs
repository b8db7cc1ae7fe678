using CashApp.Engine.Output;

namespace CashApp.Engine.Tests.Output;

public sealed class CsvOutTests
{
    [Fact]
    public void Write_RowsWithCommasQuotesAndNulls_WritesRfc4180()
    {
        using var writer = new StringWriter();
        CsvOut.Write(writer, ["payment_ref", "explanation", "note"], [["P1", "INV-1, INV-2 \"short\"", null], ["P2", "plain", "x"]]);
        Assert.Equal("payment_ref,explanation,note\nP1,\"INV-1, INV-2 \"\"short\"\"\",\nP2,plain,x\n", writer.ToString());
    }

    [Fact]
    public void Write_FieldStartingWithHash_IsQuotedSoNoReaderTakesItForAComment()
    {
        using var writer = new StringWriter();
        CsvOut.Write(writer, ["payment_ref", "free_text"], [["#12", "#1058241=7550.74"], ["P2", "a#b"]]);
        Assert.Equal("payment_ref,free_text\n\"#12\",\"#1058241=7550.74\"\nP2,a#b\n", writer.ToString());
    }

    [Fact]
    public void Write_RowsFarLongerThanTheWritersBuffer_AreWrittenWhole()
    {
        // What the output files hold is written whole, however long a row: an open_items.csv row may hold an id of some
        // 65,000 characters. Here one such field, and a row of three, one needing quotes.
        var id = new string('7', 65_000);
        var quoted = "x," + new string('y', 70_000);
        string?[][] rows = [[id, "short", null], [id, quoted, id]];

        using var text = new StringWriter();
        CsvOut.Write(text, ["item_id", "note", "other"], rows);

        Assert.Equal($"item_id,note,other\n{id},short,\n{id},\"{quoted}\",{id}\n", text.ToString());
    }
}
