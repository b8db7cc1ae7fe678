using CashApp.Engine.Output;

namespace CashApp.Engine.Tests.Output;

/// <summary>What the output files hold is written whole, however long a row: an AR file may give ids and numbers of tens of thousands of characters.</summary>
public sealed class CsvOutTests
{
    [Fact]
    public void Write_RowsFarLongerThanTheWritersBuffer_AreWrittenWhole()
    {
        // An item id as long as an open_items.csv row may make one, and a row of three such fields, one needing quotes.
        var id = new string('7', 65_000);
        var quoted = "x," + new string('y', 70_000);
        string?[][] rows = [[id, "short", null], [id, quoted, id]];

        using var text = new StringWriter();
        CsvOut.Write(text, ["item_id", "note", "other"], rows);

        Assert.Equal($"item_id,note,other\n{id},short,\n{id},\"{quoted}\",{id}\n", text.ToString());
    }
}
