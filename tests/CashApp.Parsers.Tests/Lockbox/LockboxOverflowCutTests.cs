using System.Text;
using CashApp.Parsers.Common;
using CashApp.Parsers.Lockbox;
using static CashApp.Parsers.Tests.Lockbox.LockboxTestSupport;

namespace CashApp.Parsers.Tests.Lockbox;

/// <summary>
/// A payer's remittance text that runs on through lockbox overflow records, cut where the record's width runs out
/// (issue 15): at every cut position, the words read are the words written. A cut inside a word or a number never
/// splits it, and a field that starts its own record after a value (<c>CHARGES:SHA</c>) is never glued to it.
/// </summary>
public sealed class LockboxOverflowCutTests
{
    /// <summary>Columns 12-80 of each overflow record: 69 characters of text, to the record's width.</summary>
    private const int Width = 69;

    private static readonly LockboxLayout TextLayout = LockboxLayout.Parse("""
        {
          "name": "overflow-text",
          "recordLength": 80,
          "records": {
            "4": { "fields": { "batch": [2, 3], "item": [5, 3], "sequence": [9, 2], "last": [11, 1], "remittance_text": [12, 69] } }
          }
        }
        """, "overflow-text");

    private static string[] Words(string? text) => (text ?? string.Empty).Split(' ', StringSplitOptions.RemoveEmptyEntries);

    [Fact]
    public async Task ReadAsync_OverflowTextCutAtTheRecordWidthAtEveryPosition_ReadsTheWordsWritten()
    {
        const string tail = "FACTUURNR 9004204786 CHARGES:SHA REF A-4521/2026";
        for (var shift = 0; shift <= tail.Length; shift++)
        {
            // Words of filler put the cut (at the record's width) at every position of the tail.
            var written = new string('X', Width - shift - 1) + " " + tail;
            var read = await ReadTextAsync([.. Chunks(written)]);
            Assert.True(Words(read).SequenceEqual(Words(written)), $"cut at {Width - shift}: '{read}'");
        }
    }

    [Fact]
    public async Task ReadAsync_KeyOnItsOwnRecordAfterAFullRecord_IsNotGluedToTheValueBefore()
    {
        var first = new string('X', Width - 21) + " FACTUURNR 9004204786";
        Assert.Equal(Width, first.Length);
        Assert.Equal(Words(first).Append("CHARGES:SHA"), Words(await ReadTextAsync([first, "CHARGES:SHA"])));
    }

    [Fact]
    public async Task ReadAsync_RecordsShorterThanTheWidth_AreJoinedWithASpace()
    {
        // A record the payer ended is a line: "INVOICE" and "9001313013" stay two words.
        Assert.Equal("INVOICE 1 INVOICE 9001313013", await ReadTextAsync(["INVOICE 1 INVOICE", "9001313013"]));
    }

    [Fact]
    public async Task ReadAsync_CheckWithoutOverflowText_HasNoText()
    {
        Assert.Null(await ReadTextAsync([]));
    }

    private static List<string> Chunks(string text)
    {
        var chunks = new List<string>();
        for (var at = 0; at < text.Length; at += Width)
        {
            chunks.Add(text[at..Math.Min(text.Length, at + Width)]);
        }

        return chunks;
    }

    /// <summary>Writes one check with <paramref name="pieces"/> as its overflow records' text, reads it back and returns its text.</summary>
    private static async Task<string?> ReadTextAsync(string[] pieces)
    {
        var lines = new List<string>
        {
            "101YOURCO    BANK      2501020700",
            "2YOURCO    BANK      LBX       400",
            "50100000012345250102",
            "601000100001000000910000191234567890    5001      ACME INDUSTRIAL LLC",
        };
        for (var i = 0; i < pieces.Length; i++)
        {
            // Trailing spaces trimmed, as senders do: the reader pads the line.
            lines.Add(string.Create(System.Globalization.CultureInfo.InvariantCulture, $"4010001 {i + 1:D2}{(i == pieces.Length - 1 ? '9' : ' ')}{pieces[i]}").TrimEnd());
        }

        lines.Add("701099900123452501020010000100000");
        lines.Add("8      001234525010200010000100000");
        lines.Add(string.Create(System.Globalization.CultureInfo.InvariantCulture, $"9{lines.Count + 1:D6}"));
        var warnings = new List<ParseWarning>();
        var check = Assert.Single(await ReadAsync(Encoding.ASCII.GetBytes(string.Join('\n', lines) + "\n"), "cut.lbx", TextLayout, warnings));
        Assert.Empty(warnings);
        Assert.Equal(("ACME INDUSTRIAL LLC", 1_000_00L), (check.PayerName, check.AmountMinor));
        return check.FreeText;
    }
}
