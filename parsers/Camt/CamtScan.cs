namespace CashApp.Parsers.Camt;

/// <summary>
/// Where a camt document may be cut for reading in parts: a scan of its UTF-8 bytes for the runs of entries
/// (<c>Ntry</c> elements, one after another, children of a statement or notification), cut into parts of whole
/// entries, and the skeleton: the document with each run replaced by one empty <c>Ntry</c> and as many line breaks
/// as the run had, so that every line number after it stays the file's.
/// </summary>
/// <remarks>
/// The scan only finds where to cut; the XML readers of the skeleton and of the parts check every byte. A run is
/// taken from its <c>&lt;Ntry&gt;</c> to the first <c>&lt;/Ntry&gt;</c> after it, so a comment, CDATA section or
/// nested element that hides one makes a piece that is not well-formed, and the document is read again on one thread.
/// Documents the scan does not take at all: another encoding than UTF-8, a DOCTYPE, an entry tag with attributes
/// or in another prefix than its statement's, an end tag that does not match.
/// </remarks>
internal sealed class CamtScan
{
    private static ReadOnlySpan<byte> WhiteSpace => " \t\r\n"u8;

    private static readonly System.Buffers.SearchValues<byte> NameEnd = System.Buffers.SearchValues.Create(" \t\r\n/>"u8);

    private static readonly System.Buffers.SearchValues<byte> QuoteOrEnd = System.Buffers.SearchValues.Create("\"'>"u8);

    private readonly byte[] _bytes;
    private readonly int _partBytes;
    private readonly List<Frame> _frames = [];
    private readonly List<ReadOnlyMemory<byte>> _skeleton = [];
    private int _skeletonFrom;
    private long _line = 1;
    private int _lineOffset;

    private CamtScan(byte[] bytes, int partBytes)
    {
        _bytes = bytes;
        _partBytes = partBytes;
    }

    /// <summary>
    /// Whether the document may hold a reversal: an entry is one only by its <c>RvslInd</c>, and without any the
    /// payment references a mapper remembers for reversals are never asked for.
    /// </summary>
    public bool MayHoldReversals { get; private set; }

    /// <summary>The runs of entries, in file order.</summary>
    public List<Run> Runs { get; } = [];

    /// <summary>The parts, in file order; each run's parts one after another.</summary>
    public List<PartSpan> Parts { get; } = [];

    /// <summary>The skeleton's bytes, in order.</summary>
    public IReadOnlyList<ReadOnlyMemory<byte>> Skeleton => _skeleton;

    /// <summary>The layout of <paramref name="bytes"/> in parts of at least <paramref name="partBytes"/> bytes, or null when it is not cut.</summary>
    public static CamtScan? TryScan(byte[] bytes, int partBytes)
    {
        var scan = new CamtScan(bytes, Math.Max(1, partBytes));
        return scan.Scan() ? scan : null;
    }

    private bool Scan()
    {
        var bytes = _bytes.AsSpan();
        var pos = bytes.StartsWith((ReadOnlySpan<byte>)[0xEF, 0xBB, 0xBF]) ? 3 : 0;

        // UTF-8 only: a document in UTF-16 (with or without a byte order mark) starts otherwise.
        var first = bytes[pos..].IndexOfAnyExcept(WhiteSpace);
        if (first < 0 || bytes[pos + first] != (byte)'<' || pos + first + 1 >= bytes.Length || bytes[pos + first + 1] == 0)
        {
            return false;
        }

        var sawElement = false;
        while (true)
        {
            var next = bytes[pos..].IndexOf((byte)'<');
            if (next < 0)
            {
                break;
            }

            var i = pos + next;
            if (i + 1 >= bytes.Length)
            {
                return false;
            }

            switch (bytes[i + 1])
            {
                case (byte)'?':
                    {
                        var end = IndexOf(bytes, "?>"u8, i + 2);
                        if (end < 0 || (!sawElement && !DeclaresUtf8(bytes[i..(end + 2)])))
                        {
                            return false;
                        }

                        pos = end + 2;
                        break;
                    }

                case (byte)'!':
                    {
                        int end;
                        if (bytes[i..].StartsWith("<!--"u8))
                        {
                            end = IndexOf(bytes, "-->"u8, i + 4);
                        }
                        else if (bytes[i..].StartsWith("<![CDATA["u8))
                        {
                            end = IndexOf(bytes, "]]>"u8, i + 9);
                        }
                        else
                        {
                            // A DOCTYPE (and any entity it declares): one thread, which rejects it.
                            return false;
                        }

                        if (end < 0)
                        {
                            return false;
                        }

                        pos = end + 3;
                        break;
                    }

                case (byte)'/':
                    {
                        var end = bytes[i..].IndexOf((byte)'>');
                        if (end < 0 || _frames.Count == 0)
                        {
                            return false;
                        }

                        var name = bytes[(i + 2)..(i + end)].TrimEnd(WhiteSpace);
                        var top = _frames[^1];
                        if (!name.SequenceEqual(bytes.Slice(top.NameStart, top.NameLength)))
                        {
                            return false;
                        }

                        _frames.RemoveAt(_frames.Count - 1);
                        pos = i + end + 1;
                        break;
                    }

                default:
                    {
                        sawElement = true;
                        var nameLength = bytes[(i + 1)..].IndexOfAny(NameEnd);
                        if (nameLength <= 0)
                        {
                            return false;
                        }

                        var nameEnd = i + 1 + nameLength;
                        var tagEnd = TagEnd(bytes, nameEnd);
                        if (tagEnd < 0)
                        {
                            return false;
                        }

                        var empty = bytes[tagEnd - 1] == (byte)'/';
                        var hasAttributes = bytes[nameEnd..(empty ? tagEnd - 1 : tagEnd)].IndexOfAnyExcept(WhiteSpace) >= 0;
                        var frame = new Frame(i, tagEnd + 1, i + 1, nameLength);
                        if (frame.Local(bytes).SequenceEqual("Ntry"u8) && InStatement(bytes))
                        {
                            if (hasAttributes || empty || !frame.Prefix(bytes).SequenceEqual(_frames[^1].Prefix(bytes)))
                            {
                                return false;
                            }

                            pos = ReadRun(bytes, frame);
                            if (pos < 0)
                            {
                                return false;
                            }

                            break;
                        }

                        if (!empty)
                        {
                            _frames.Add(frame);
                            if (_frames.Count > 256)
                            {
                                return false;
                            }
                        }

                        pos = tagEnd + 1;
                        break;
                    }
            }
        }

        if (_frames.Count != 0 || !sawElement)
        {
            return false;
        }

        _skeleton.Add(_bytes.AsMemory(_skeletonFrom));
        MayHoldReversals = bytes.IndexOf("RvslInd"u8) >= 0;
        return true;
    }

    /// <summary>Is the innermost open element a statement of a message (<c>BkToCstmrStmt/Stmt</c>, <c>BkToCstmrDbtCdtNtfctn/Ntfctn</c>)?</summary>
    private bool InStatement(ReadOnlySpan<byte> bytes)
    {
        if (_frames.Count < 2)
        {
            return false;
        }

        var parent = _frames[^1].Local(bytes);
        var message = _frames[^2].Local(bytes);
        return (parent.SequenceEqual("Stmt"u8) && message.SequenceEqual("BkToCstmrStmt"u8))
            || (parent.SequenceEqual("Ntfctn"u8) && message.SequenceEqual("BkToCstmrDbtCdtNtfctn"u8));
    }

    /// <summary>Reads the run of entries starting with <paramref name="entry"/>'s start tag; returns where it ends, or -1.</summary>
    private int ReadRun(ReadOnlySpan<byte> bytes, Frame entry)
    {
        var name = bytes.Slice(entry.NameStart, entry.NameLength);
        var startTag = new byte[name.Length + 2];
        startTag[0] = (byte)'<';
        name.CopyTo(startTag.AsSpan(1));
        startTag[^1] = (byte)'>';
        var endTag = new byte[name.Length + 3];
        endTag[0] = (byte)'<';
        endTag[1] = (byte)'/';
        name.CopyTo(endTag.AsSpan(2));
        endTag[^1] = (byte)'>';

        var run = Runs.Count;
        var firstPart = Parts.Count;
        var entries = 0;
        var partStart = entry.TagStart;
        var partEntriesBefore = 0;
        var start = entry.TagStart;
        int end;
        while (true)
        {
            // "Ntry>" ends only the tags of an entry: its letters are rarer than a tag's '<', which makes the search fast.
            var close = IndexOf(bytes, "Ntry>"u8, start + startTag.Length);
            if (close < 0 || close < endTag.Length - 3 || !bytes[..(close + 5)].EndsWith(endTag))
            {
                // A nested entry, or an element whose name ends in Ntry: one thread.
                return -1;
            }

            end = close + 5;
            entries++;
            var gap = bytes[end..].IndexOfAnyExcept(WhiteSpace);
            if (gap < 0)
            {
                return -1;
            }

            var following = end + gap;
            if (!bytes[following..].StartsWith(startTag))
            {
                break;
            }

            if (following - partStart >= _partBytes)
            {
                Parts.Add(new PartSpan(run, partStart, end, LineAt(partStart), partEntriesBefore, entries - partEntriesBefore));
                partStart = following;
                partEntriesBefore = entries;
            }

            start = following;
        }

        Parts.Add(new PartSpan(run, partStart, end, LineAt(partStart), partEntriesBefore, entries - partEntriesBefore));
        Runs.Add(new Run(firstPart, Parts.Count - firstPart, entries, Prologue(bytes), Suffix(bytes), _frames.Count));

        // The skeleton: everything before the run, an empty entry in its place, and the run's line breaks.
        _skeleton.Add(_bytes.AsMemory(_skeletonFrom, entry.TagStart - _skeletonFrom));
        var marker = new byte[name.Length + 3];
        marker[0] = (byte)'<';
        name.CopyTo(marker.AsSpan(1));
        marker[^2] = (byte)'/';
        marker[^1] = (byte)'>';
        _skeleton.Add(marker);
        var breaks = LineBreaks(bytes, entry.TagStart, end);
        if (breaks > 0)
        {
            var padding = new byte[breaks];
            padding.AsSpan().Fill((byte)'\n');
            _skeleton.Add(padding);
        }

        _skeletonFrom = end;
        return end;
    }

    /// <summary>The start tags of the open elements, on one line: line breaks inside a tag become the space XML makes of them.</summary>
    private byte[] Prologue(ReadOnlySpan<byte> bytes)
    {
        var output = new List<byte>();
        foreach (var frame in _frames)
        {
            var tag = bytes[frame.TagStart..frame.TagEnd];
            for (var i = 0; i < tag.Length; i++)
            {
                var b = tag[i];
                if (b == (byte)'\r')
                {
                    output.Add((byte)' ');
                    if (i + 1 < tag.Length && tag[i + 1] == (byte)'\n')
                    {
                        i++;
                    }
                }
                else
                {
                    output.Add(b == (byte)'\n' ? (byte)' ' : b);
                }
            }
        }

        return [.. output];
    }

    /// <summary>The end tags of the open elements, innermost first.</summary>
    private byte[] Suffix(ReadOnlySpan<byte> bytes)
    {
        var output = new List<byte>();
        for (var i = _frames.Count - 1; i >= 0; i--)
        {
            output.Add((byte)'<');
            output.Add((byte)'/');
            output.AddRange(bytes.Slice(_frames[i].NameStart, _frames[i].NameLength));
            output.Add((byte)'>');
        }

        return [.. output];
    }

    /// <summary>The line number of the byte at <paramref name="offset"/> (later than any asked before), as the XML reader counts lines.</summary>
    private long LineAt(int offset)
    {
        _line += LineBreaks(_bytes, _lineOffset, offset);
        _lineOffset = offset;
        return _line;
    }

    /// <summary>Line breaks in [<paramref name="from"/>, <paramref name="to"/>): LF, CR LF and a lone CR, each one.</summary>
    private static long LineBreaks(ReadOnlySpan<byte> bytes, int from, int to)
    {
        var span = bytes[from..to];
        long count = span.Count((byte)'\n');
        var cr = span.IndexOf((byte)'\r');
        while (cr >= 0)
        {
            var at = from + cr;
            if (at + 1 >= bytes.Length || bytes[at + 1] != (byte)'\n')
            {
                count++;
            }

            var more = span[(cr + 1)..].IndexOf((byte)'\r');
            cr = more < 0 ? -1 : cr + 1 + more;
        }

        return count;
    }

    /// <summary>The index of the tag's closing <c>&gt;</c>, skipping quoted attribute values; -1 when there is none.</summary>
    private static int TagEnd(ReadOnlySpan<byte> bytes, int from)
    {
        var i = from;
        while (true)
        {
            var next = bytes[i..].IndexOfAny(QuoteOrEnd);
            if (next < 0)
            {
                return -1;
            }

            i += next;
            if (bytes[i] == (byte)'>')
            {
                return i;
            }

            var close = bytes[(i + 1)..].IndexOf(bytes[i]);
            if (close < 0)
            {
                return -1;
            }

            i += close + 2;
        }
    }

    private static int IndexOf(ReadOnlySpan<byte> bytes, ReadOnlySpan<byte> value, int from)
    {
        var at = bytes[from..].IndexOf(value);
        return at < 0 ? -1 : from + at;
    }

    /// <summary>An XML declaration names no encoding, or UTF-8; any other processing instruction first is left to the reader.</summary>
    private static bool DeclaresUtf8(ReadOnlySpan<byte> instruction)
    {
        if (!instruction.StartsWith("<?xml"u8) || instruction.Length < 6 || WhiteSpace.IndexOf(instruction[5]) < 0)
        {
            return true;
        }

        var at = instruction.IndexOf("encoding"u8);
        if (at < 0)
        {
            return true;
        }

        var rest = instruction[(at + 8)..].TrimStart(WhiteSpace);
        if (rest.IsEmpty || rest[0] != (byte)'=')
        {
            return false;
        }

        rest = rest[1..].TrimStart(WhiteSpace);
        if (rest.IsEmpty || (rest[0] != (byte)'"' && rest[0] != (byte)'\''))
        {
            return false;
        }

        var close = rest[1..].IndexOf(rest[0]);
        return close >= 0 && System.Text.Ascii.EqualsIgnoreCase(rest.Slice(1, close), "UTF-8"u8);
    }

    /// <summary>An open element: its start tag [<paramref name="TagStart"/>, <paramref name="TagEnd"/>) and its name.</summary>
    private readonly record struct Frame(int TagStart, int TagEnd, int NameStart, int NameLength)
    {
        public ReadOnlySpan<byte> Local(ReadOnlySpan<byte> bytes)
        {
            var name = bytes.Slice(NameStart, NameLength);
            return name[(name.IndexOf((byte)':') + 1)..];
        }

        public ReadOnlySpan<byte> Prefix(ReadOnlySpan<byte> bytes)
        {
            var name = bytes.Slice(NameStart, NameLength);
            var colon = name.IndexOf((byte)':');
            return colon < 0 ? [] : name[..colon];
        }
    }

    /// <summary>
    /// A run of entries: its parts, its entries, and what goes around each part so that a reader sees the entries
    /// where they are: the start tags of the <paramref name="Ancestors"/> elements around them and their end tags.
    /// </summary>
    internal sealed record Run(int FirstPart, int PartCount, int Entries, byte[] Prologue, byte[] Suffix, int Ancestors);

    /// <summary>
    /// Whole entries of a run, [<paramref name="Start"/>, <paramref name="End"/>), starting on line <paramref name="FirstLine"/>,
    /// after <paramref name="EntriesBefore"/> entries of the run.
    /// </summary>
    internal readonly record struct PartSpan(int Run, int Start, int End, long FirstLine, int EntriesBefore, int Entries);
}
