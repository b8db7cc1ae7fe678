using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;
using CashApp.Parsers.Camt;
using CashApp.Parsers.Common;
using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;

namespace CashApp.Parsers.Tests.Camt;

/// <summary>
/// A large file is read with <see cref="CamtUtf8XmlReader"/> first, and again with the framework's reader wherever that
/// one is needed: the caller must see what the framework's reader gives, and the UTF-8 reader must read the plain XML
/// banks write on its own (else the first property would hold by always reading twice).
/// </summary>
public sealed partial class CamtUtf8XmlReaderTests
{
    [Property(MaxTest = 400, Replay = "(20261205,1717)")]
    public Property Read_Utf8ReaderFirst_GivesWhatTheFrameworksReaderGives(int seed, int where, byte what, byte how, byte style)
    {
        var bytes = Restyled(seed, style).ToList();
        // One kind more than the corruptions: a document left valid.
        if (how % (CamtCorruption.Kinds + 1) < CamtCorruption.Kinds)
        {
            CamtCorruption.Apply(bytes, where, what, how % (CamtCorruption.Kinds + 1));
        }

        var framework = Outcome([.. bytes], utf8: false);
        var utf8 = Outcome([.. bytes], utf8: true);

        Assert.Equal(framework.Transactions, utf8.Transactions);
        Assert.Equal(framework.Warnings, utf8.Warnings);
        Assert.Equal(framework.Error, utf8.Error);
        return true.ToProperty();
    }

    [Property(MaxTest = 300, Replay = "(20261205,2929)")]
    public Property Parser_Utf8Reader_ReadsAPlainDocumentAloneAsTheFrameworksReaderDoes(int seed, byte style)
    {
        var bytes = Restyled(seed, style);

        var framework = Entries(bytes, utf8: false);
        var utf8 = Entries(bytes, utf8: true);

        Assert.Equal(framework, utf8);
        return true.ToProperty();
    }

    /// <summary>
    /// The stream hands over at most a few bytes a read, so that every token (a tag, a text, a leaf's text and end tag)
    /// sometimes runs past the bytes held and the reader takes its slower way there.
    /// </summary>
    [Property(MaxTest = 200, Replay = "(20261219,1907)")]
    public Property Parser_Utf8Reader_ReadsAsTheFrameworksReaderDoesWhereverTheReadsEnd(int seed, byte style, byte chunk)
    {
        var bytes = Restyled(seed, style);

        var framework = Entries(bytes, utf8: false);
        var utf8 = Entries(new TrickleStream(bytes, 1 + chunk), utf8: true);

        Assert.Equal(framework, utf8);
        return true.ToProperty();
    }

    /// <summary>
    /// Leaf texts the UTF-8 reader reads with their end tag in one go when plain, and node by node otherwise: empty,
    /// whitespace only (left out, also where the text is kept as written), spaces around, an entity, non-ASCII, CR, an
    /// end tag with a space, a stray element, a text at or past the longest allowed.
    /// </summary>
    [Theory]
    [InlineData("", 0)]
    [InlineData("   ", 0)]
    [InlineData(" \t\n ", 0)]
    [InlineData("  ${t}  ", 0)]
    [InlineData("${t}", 0)]
    [InlineData("a &amp; b", 0)]
    [InlineData("Zürich", 0)]
    [InlineData("a\rb", 0)]
    [InlineData("a]b", 0)]
    [InlineData("${t}</${n} ><${n}>x", 0)]
    [InlineData("x<Stray>y</Stray>z", 0)]
    [InlineData("${t}", 7)]
    [InlineData("${t}", 8)]
    [InlineData("1234567", 7)]
    [InlineData("12345678", 7)]
    public void Read_ALeafTextWrittenOtherwise_GivesWhatTheFrameworksReaderGives(string replacement, int maxText)
    {
        var model = WithEntries(5);
        var many = model with { Entries = [.. Enumerable.Range(0, 30).Select(i => model.Entries[i % model.Entries.Count])] };
        var options = maxText > 0 ? new CamtReaderOptions { MaxElementTextLength = maxText } : new CamtReaderOptions();
        var changed = 0;
        foreach (var written in new[] { many with { Prefix = null }, many with { Prefix = "c" } })
        {
            var xml = Encoding.UTF8.GetString(CamtWriter.Write(written));
            var leaves = LeafText().Matches(xml);
            Assert.True(leaves.Count > 10);

            // A name, a free text and an end-to-end id, after others have been read the quick way.
            foreach (var leaf in new[] { leaves[^1], leaves[leaves.Count / 2], leaves[3] })
            {
                var text = replacement.Replace("${t}", leaf.Groups["t"].Value, StringComparison.Ordinal).Replace("${n}", leaf.Groups["n"].Value, StringComparison.Ordinal);
                xml = xml[..leaf.Groups["t"].Index] + text + xml[(leaf.Groups["t"].Index + leaf.Groups["t"].Length)..];
                changed++;
            }

            var bytes = Encoding.UTF8.GetBytes(xml);
            var framework = Outcome(bytes, utf8: false, options);
            var utf8 = Outcome(bytes, utf8: true, options);

            Assert.Equal(framework.Transactions, utf8.Transactions);
            Assert.Equal(framework.Warnings, utf8.Warnings);
            Assert.Equal(framework.Error, utf8.Error);
            if (maxText == 0)
            {
                Assert.Equal(Entries(bytes, utf8: false), Entries(bytes, utf8: true));
            }
        }

        Assert.Equal(6, changed);
    }

    /// <summary>
    /// An element whose name starts as the name the reader predicts (or the one it predicts starts as it), after the
    /// predicted one has been met many times: the name's words are compared with its '&gt;' (names of 2 to 16 bytes).
    /// </summary>
    [Theory]
    [InlineData("Nm", "NmX")]
    [InlineData("Nm", "N")]
    [InlineData("Nm", "Nm345678")]
    [InlineData("Nm", "Nm3456789012345")]
    [InlineData("Nm", "Nm34567890123456")]
    [InlineData("EndToEndId", "EndToEndIdX")]
    [InlineData("EndToEndId", "EndToEndI")]
    [InlineData("Dt", "DtTm")]
    public void Parser_Utf8Reader_ReadsANameThatStartsAsThePredictedOne(string predicted, string written)
    {
        var model = WithEntries(5);
        var many = model with { Entries = [.. Enumerable.Range(0, 30).Select(i => model.Entries[i % model.Entries.Count])] };
        foreach (var styled in new[] { many with { Prefix = null }, many with { Prefix = "c" } })
        {
            var xml = Encoding.UTF8.GetString(CamtWriter.Write(styled));
            var p = styled.Prefix is null ? string.Empty : styled.Prefix + ":";

            // Every such element in the second half of the document renamed.
            var half = xml.Length / 2;
            var renamed = xml[half..].Replace($"<{p}{predicted}>", $"<{p}{written}>", StringComparison.Ordinal)
                .Replace($"</{p}{predicted}>", $"</{p}{written}>", StringComparison.Ordinal);
            Assert.NotEqual(xml[half..], renamed);
            var bytes = Encoding.UTF8.GetBytes(xml[..half] + renamed);

            Assert.Equal(Entries(bytes, utf8: false), Entries(bytes, utf8: true));
        }
    }

    [Theory]
    [InlineData("<!DOCTYPE Document>")]
    [InlineData("<?pi x?>")]
    [InlineData("<![CDATA[x]]>")]
    [InlineData("<!-- inside -->")]
    [InlineData("&#32;")]
    [InlineData("&nbsp;")]
    public void Parser_Utf8Reader_LeavesWhatItDoesNotReadToTheFrameworksReader(string inserted)
    {
        var xml = Encoding.UTF8.GetString(CamtWriter.Write(WithEntries(3)));
        var at = inserted.StartsWith("<!DOCTYPE", StringComparison.Ordinal) ? xml.IndexOf('<', xml.IndexOf("?>", StringComparison.Ordinal)) : NameStart().Match(xml).Index + NameStart().Match(xml).Length;
        var bytes = Encoding.UTF8.GetBytes(xml.Insert(at, inserted));

        Assert.Throws<CamtUtf8XmlReader.Unsupported>(() => Entries(bytes, utf8: true));
    }

    /// <summary>
    /// Amount tags the UTF-8 reader reads byte by byte when they look as they did before (<c>&lt;Amt Ccy="EUR"&gt;</c>),
    /// and leaves to its slower path or to the framework otherwise: the third and the last amount tag changed, after
    /// the ones before have taught the reader what to expect.
    /// </summary>
    [Theory]
    [InlineData("<${p}Amt Ccy=\"${c}\"/>")]
    [InlineData("<${p}Amt Ccy=\"${c}\" Ccy=\"${c}\">")]
    [InlineData("<${p}Amt Ccy=\"${c}\" Cd=\"x\">")]
    [InlineData("<${p}Amt Ccy=\"${c}\"  >")]
    [InlineData("<${p}Amt  Ccy=\"${c}\">")]
    [InlineData("<${p}Amt Ccy='${c}'>")]
    [InlineData("<${p}Amt Ccy=\"\">")]
    [InlineData("<${p}Amt Ccy=\"E.R\">")]
    [InlineData("<${p}Amt Ccy=\"${c} \">")]
    [InlineData("<${p}Amt Ccy=\"&#69;UR\">")]
    [InlineData("<${p}Amt Ccyx=\"${c}\">")]
    [InlineData("<${p}Amt Cc=\"${c}\">")]
    [InlineData("<${p}Amt xmlns=\"urn:other\">")]
    [InlineData("<${p}Amt xmlns=\"urn:other\" Ccy=\"${c}\">")]
    [InlineData("<${p}Amt\tCcy=\"${c}\">")]
    [InlineData("<${p}AmtX Ccy=\"${c}\">")]
    [InlineData("<${p}Amt Ccy=\"${c}\" />")]
    public void Read_AnAmountTagWrittenOtherwise_GivesWhatTheFrameworksReaderGives(string replacement)
    {
        var model = WithEntries(11);
        var many = model with { Entries = [.. Enumerable.Range(0, 40).Select(i => model.Entries[i % model.Entries.Count])] };

        // With and without a namespace prefix.
        foreach (var written in new[] { many with { Prefix = null }, many with { Prefix = "c" } })
        {
            var xml = Encoding.UTF8.GetString(CamtWriter.Write(written));
            var tags = AmountTag().Matches(xml);
            Assert.True(tags.Count > 10);
            foreach (var tag in new[] { tags[^1], tags[2] })
            {
                xml = xml[..tag.Index] + tag.Result(replacement) + xml[(tag.Index + tag.Length)..];
            }

            var bytes = Encoding.UTF8.GetBytes(xml);
            var framework = Outcome(bytes, utf8: false);
            var utf8 = Outcome(bytes, utf8: true);

            Assert.Equal(framework.Transactions, utf8.Transactions);
            Assert.Equal(framework.Warnings, utf8.Warnings);
            Assert.Equal(framework.Error, utf8.Error);
        }
    }

    [Fact]
    public void Read_Utf8ReaderFailingLate_GivesEveryTransactionAndWarningOnceBeforeTheFrameworksError()
    {
        var model = WithEntries(7);
        var many = model with { Entries = [.. Enumerable.Range(0, 2000).Select(i => model.Entries[i % model.Entries.Count])] };
        var xml = Encoding.UTF8.GetString(CamtWriter.Write(many));
        var last = xml.LastIndexOf("Ntry>", StringComparison.Ordinal);
        var bytes = Encoding.UTF8.GetBytes(xml.Insert(last, "<"));

        var framework = Outcome(bytes, utf8: false);
        var utf8 = Outcome(bytes, utf8: true);

        Assert.NotNull(framework.Error);
        Assert.True(framework.Transactions.Count > 1000);
        Assert.Equal(framework.Transactions, utf8.Transactions);
        Assert.Equal(framework.Warnings, utf8.Warnings);
        Assert.Equal(framework.Error, utf8.Error);
    }

    private static StatementModel WithEntries(int seed)
    {
        var model = CamtWriter.Random(seed);
        while (model.Entries.Count == 0)
        {
            model = CamtWriter.Random(++seed);
        }

        return model;
    }

    /// <summary>
    /// A random statement written in one of the ways banks write XML: CR LF or CR line ends, a byte order mark, another
    /// declaration, comments around the root, spaces in end tags, single quotes, spaces and entities around names.
    /// </summary>
    private static byte[] Restyled(int seed, byte style)
    {
        var model = CamtWriter.Random(seed);
        if (style % 5 == 0 && model.Entries.Count > 0)
        {
            model = model with { Entries = [.. Enumerable.Range(0, 150 + style).Select(i => model.Entries[i % model.Entries.Count])] };
        }

        var xml = Encoding.UTF8.GetString(CamtWriter.Write(model));
        if ((style & 1) != 0)
        {
            xml = xml.Replace("\n", "\r\n", StringComparison.Ordinal);
        }
        else if ((style & 2) != 0)
        {
            xml = xml.Replace("\n", "\r", StringComparison.Ordinal);
        }

        if ((style & 4) != 0)
        {
            var root = xml.IndexOf('<', xml.IndexOf("?>", StringComparison.Ordinal));
            xml = xml.Insert(root, "<!-- exported - by the bank -->\n") + "\n<!-- end -->\n";
        }

        if ((style & 8) != 0)
        {
            xml = EndTag().Replace(xml, "</$1 >", 3);
            xml = xml.Replace("Ccy=\"", "Ccy = '", StringComparison.Ordinal);
            xml = CurrencyEnd().Replace(xml, "Ccy = '$1'");
        }

        if ((style & 16) != 0)
        {
            xml = NameStart().Replace(xml, "$0 \n &amp; &#65;&#x42;&lt;&gt;&quot;&apos; Zürich € 𝄞 ");
        }

        if ((style & 32) != 0)
        {
            xml = xml.Replace("<?xml version=\"1.0\" encoding=\"utf-8\"?>", "<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>", StringComparison.Ordinal);
        }

        var bytes = Encoding.UTF8.GetBytes(xml);
        return (style & 64) != 0 ? [0xEF, 0xBB, 0xBF, .. bytes] : bytes;
    }

    private static (List<string> Transactions, List<ParseWarning> Warnings, string? Error) Outcome(byte[] bytes, bool utf8, CamtReaderOptions? options = null)
    {
        options ??= new CamtReaderOptions();
        var transactions = new List<string>();
        var warnings = new List<ParseWarning>();
        string? error = null;
        try
        {
            foreach (var transaction in CamtReader.Read(new MemoryStream(bytes), "c.xml", options with { ReadAheadMinBytes = 1, Utf8Reader = utf8 }, warnings))
            {
                transactions.Add(JsonSerializer.Serialize(transaction));
            }
        }
        catch (CamtFormatException ex)
        {
            error = $"{ex.ErrorCode}|{ex.LineNumber}|{ex.LinePosition}|{ex.ElementPath}|{ex.Value}|{ex.Message}";
        }

        return (transactions, warnings, error);
    }

    /// <summary>Every entry's lines and transactions, and the warnings, read by the parser alone (no second reading).</summary>
    private static List<string> Entries(byte[] bytes, bool utf8) => Entries(new MemoryStream(bytes), utf8);

    private static List<string> Entries(Stream stream, bool utf8)
    {
        var warnings = new List<ParseWarning>();
        var seen = new List<string>();
        using var parser = new CamtParser(stream, "c.xml", new CamtReaderOptions(), warnings, utf8);
        var mapper = new CamtTransactionMapper("c.xml", warnings);
        var batch = new List<BankTransaction>();
        while (parser.TryReadEntry(out var entry))
        {
            seen.Add($"entry {entry.Number} line {entry.LineNumber} statement line {entry.Statement.LineNumber}");
            batch.Clear();
            mapper.Map(entry, batch);
            seen.AddRange(batch.Select(t => JsonSerializer.Serialize(t)));
        }

        seen.AddRange(warnings.Select(w => w.ToString()));
        return seen;
    }

    [GeneratedRegex(@"<(?<n>(\w+:)?(Nm|Ustrd|EndToEndId))>(?<t>[^<]*)</\k<n>>")]
    private static partial Regex LeafText();

    [GeneratedRegex(@"<(?<p>(\w+:)?)Amt Ccy=""(?<c>\w+)"">")]
    private static partial Regex AmountTag();

    [GeneratedRegex(@"</((\w+:)?\w+)>")]
    private static partial Regex EndTag();

    [GeneratedRegex(@"Ccy = '(\w+)""")]
    private static partial Regex CurrencyEnd();

    [GeneratedRegex(@"<((\w+:)?(Nm|Ustrd))>")]
    private static partial Regex NameStart();

    /// <summary>A read-only stream of <c>bytes</c> that hands over at most <c>most</c> of them a read.</summary>
    private sealed class TrickleStream(byte[] bytes, int most) : Stream
    {
        private int position;

        public override bool CanRead => true;

        public override bool CanSeek => false;

        public override bool CanWrite => false;

        public override long Length => bytes.Length;

        public override long Position { get => position; set => throw new NotSupportedException(); }

        public override int Read(byte[] buffer, int offset, int count) => Read(buffer.AsSpan(offset, count));

        public override int Read(Span<byte> buffer)
        {
            var n = Math.Min(Math.Min(buffer.Length, most), bytes.Length - position);
            bytes.AsSpan(position, n).CopyTo(buffer);
            position += n;
            return n;
        }

        public override void Flush()
        {
        }

        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

        public override void SetLength(long value) => throw new NotSupportedException();

        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
    }
}
