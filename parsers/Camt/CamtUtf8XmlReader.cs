using System.Buffers;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Text;
using System.Text.Unicode;
using System.Xml;

namespace CashApp.Parsers.Camt;

/// <summary>
/// An <see cref="XmlReader"/> over UTF-8 bytes for the plain XML a bank writes: elements with namespaces and
/// attributes, text with the five entities and character references, comments outside the root element. It gives
/// the nodes <see cref="XmlReader.Create(Stream, XmlReaderSettings)"/> gives with the camt parser's settings (comments,
/// processing instructions and whitespace-only text left out) and the same line of every element, for the parser's
/// calls only. It does not report errors: anything it does not read as the framework would, valid or not (a DOCTYPE,
/// CDATA, another encoding, a comment or processing instruction inside the root, an entity in an attribute, a name
/// outside ASCII, a malformed document), throws <see cref="Unsupported"/>, and <see cref="CamtReadAhead"/> reads the
/// file again with the framework's reader, which says what is wrong exactly as before.
/// </summary>
/// <remarks>
/// The framework's reader decodes the whole file to UTF-16 and looks every name up in its name table by hash; this one
/// compares a name's bytes with the last names it met and widens only text. Line positions are not tracked: the parser
/// uses them in errors only, and errors are the framework reader's.
/// </remarks>
internal sealed class CamtUtf8XmlReader : XmlReader, IXmlLineInfo
{
    // A token (tag, text, comment) longer than this is read by the framework's reader, which streams it.
    private const int MaxTokenBytes = 8 << 20;

    // Bytes of text that need no more than widening: tab, LF, and printable ASCII except '&' and ']' ("]]>").
    private static readonly SearchValues<byte> PlainText = SearchValues.Create(
        [(byte)'\t', (byte)'\n', .. Enumerable.Range(0x20, 0x7F - 0x20 + 1).Where(b => b is not ('&' or ']')).Select(b => (byte)b)]);

    private static readonly SearchValues<byte> Space = SearchValues.Create(" \t\r\n"u8);

    // Per byte: 1 for a byte of a name without prefix after its first letter (ASCII letters, digits, '.', '-', '_').
    private static readonly byte[] NameClass = [.. Enumerable.Range(0, 256).Select(b => (byte)(char.IsAsciiLetterOrDigit((char)b) || b is '.' or '-' or '_' ? 1 : 0))];

    // Per byte of text: bit 1 set for a byte other than whitespace, bit 2 for one that needs decoding or checking.
    private static readonly byte[] TextClass = [.. Enumerable.Range(0, 256).Select(b => (byte)((b is ' ' or '\t' or '\n' or '\r' ? 0 : 1) | (b is '\t' or '\n' || (b >= 0x20 && b < 0x7F && b is not ('&' or ']')) || b == 0x7F ? 0 : 2)))];

    // Bytes of the names this reader reads: ASCII letters, digits, '.', '-', '_' and ':'.
    private static readonly SearchValues<byte> NameBytes = SearchValues.Create("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789.-_:"u8);

    private readonly Stream _stream;
    private readonly XmlNameTable _table;
    private readonly string _xmlns;
    private byte[] _buf = new byte[1 << 20];
    private int _pos;
    private int _end;
    private bool _eof;

    // Lines: _line is the line at byte _lineMark; the current node starts at _nodeStart. Lines are counted when asked
    // for (the parser asks at a few elements of each entry), from the last place counted.
    private long _line = 1;
    private int _lineMark;
    private int _nodeStart;

    // The current node.
    private XmlNodeType _type = XmlNodeType.None;
    private ReadState _state = ReadState.Initial;
    private int _depth;
    private bool _isEmpty;
    private QName? _name;
    private string _namespace = string.Empty;

    // Text of the current text node (or the attribute value being read), and how much ReadValueChunk has given.
    private char[] _chars = new char[1024];
    private int _charCount;
    private int _charsGiven;

    // Attributes of the current element: names and value ranges in _buf (valid until the next Read).
    private Attribute[] _attributes = new Attribute[8];
    private int _attributeCount;
    private int _attributeIndex = -1;

    // Open elements, and the namespace bindings in scope (prefix "" is the default namespace).
    private QName[] _open = new QName[16];
    private string[] _openNamespace = new string[16];
    private int[] _bindingsAt = new int[16];
    private int _openCount;
    private (string Prefix, string Uri)[] _bindings = new (string, string)[16];
    private int _bindingCount;
    private int _popEmptyBindingsTo = -1;

    // The bindings in scope change: _scope counts the changes, so that the last prefix resolved is known to stand.
    private long _scope;
    private long _resolvedScope = -1;
    private string? _resolvedPrefix;
    private string _resolvedUri = string.Empty;

    private bool _rootSeen;
    private bool _rootClosed;

    // Names met so far, by their bytes.
    // Names met so far, by a hash of their bytes: chains in 1,024 slots, at most 4,096 names kept.
    private readonly QName?[] _names = new QName?[1024];
    private int _nameCount;

    // The last element started at each depth under the element open above it (null before its first child): the
    // key of the name predicted next, with the parent.
    private QName?[] _lastChild = new QName?[17];
    private readonly List<(byte[] Bytes, string Value)> _uris = [];

    public CamtUtf8XmlReader(Stream stream, XmlNameTable table)
    {
        _stream = stream;
        _table = table;
        _xmlns = table.Add("xmlns");
    }

    /// <summary>The document holds something this reader leaves to the framework's reader.</summary>
    internal sealed class Unsupported(string what) : Exception(what);

    private readonly record struct Attribute(QName Name, int ValueStart, int ValueLength);

    private sealed class QName(byte[] bytes, string qualified, string prefix, string local)
    {
        /// <summary>The name of the element that came after this one last time under <see cref="NextParent"/>.</summary>
        public QName? Next { get; set; }

        public QName? NextParent { get; set; }

        /// <summary>
        /// The same under a second parent (an <c>AcctSvcrRef</c> is followed by <c>BkTxCd</c> in an entry and by
        /// <c>EndToEndId</c> in its details' references).
        /// </summary>
        public QName? OtherNext { get; set; }

        public QName? OtherParent { get; set; }

        /// <summary>The name of this element's first child last time.</summary>
        public QName? FirstChild { get; set; }

        /// <summary>
        /// The attribute this element's start tag held, the last time such a tag was read the long way, when it held one
        /// only, without a prefix and not a namespace declaration (an amount's <c>Ccy</c>): <see cref="QuickAttribute"/>
        /// tries it first, and checks every byte, so a guess that is out of date costs only the try.
        /// </summary>
        public QName? Attribute { get; set; }

        /// <summary>The next name in this one's slot of the table of names.</summary>
        public QName? Chained { get; set; }

        public byte[] Bytes { get; } = bytes;

        /// <summary>
        /// The name's bytes and then '&gt;', as two little-endian words with the masks of their bytes (a name of 15 bytes
        /// or fewer; else <see cref="Long"/>): a tag's bytes are compared with them in two loads (<see cref="NameThenGt"/>).
        /// </summary>
        public ulong Key0 { get; } = KeyWord(bytes, 0);

        public ulong Key1 { get; } = KeyWord(bytes, 8);

        public ulong Mask0 { get; } = MaskWord(bytes.Length + 1, 0);

        public ulong Mask1 { get; } = MaskWord(bytes.Length + 1, 8);

        public bool Long { get; } = bytes.Length + 1 > 16;

        public string Qualified { get; } = qualified;

        public string Prefix { get; } = prefix;

        public string Local { get; } = local;

        private static ulong KeyWord(byte[] bytes, int from)
        {
            Span<byte> key = stackalloc byte[16];
            key.Clear();
            if (bytes.Length + 1 <= key.Length)
            {
                bytes.CopyTo(key);
                key[bytes.Length] = (byte)'>';
            }

            return System.Buffers.Binary.BinaryPrimitives.ReadUInt64LittleEndian(key[from..]);
        }

        private static ulong MaskWord(int length, int from) =>
            length >= from + 8 ? ulong.MaxValue : length <= from ? 0UL : (1UL << ((length - from) * 8)) - 1;
    }

    /// <summary>
    /// True when the bytes held from <paramref name="at"/> are <paramref name="name"/>'s and then '&gt;': two loads and
    /// compares with the name's words where 16 bytes are held from there, else byte by byte.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static bool NameThenGt(byte[] buf, int at, int end, QName name)
    {
        if (BitConverter.IsLittleEndian && !name.Long && at + 16 <= end)
        {
            ref var first = ref Unsafe.Add(ref MemoryMarshal.GetArrayDataReference(buf), at);
            var word0 = Unsafe.ReadUnaligned<ulong>(ref first);
            var word1 = Unsafe.ReadUnaligned<ulong>(ref Unsafe.Add(ref first, 8));
            return (((word0 & name.Mask0) ^ name.Key0) | ((word1 & name.Mask1) ^ name.Key1)) == 0;
        }

        var gt = at + name.Bytes.Length;
        return gt < end && buf[gt] == (byte)'>' && buf.AsSpan(at, name.Bytes.Length).SequenceEqual(name.Bytes);
    }

    public override XmlNodeType NodeType => _attributeIndex >= 0 ? XmlNodeType.Attribute : _type;

    public override string LocalName => _attributeIndex >= 0 ? _attributes[_attributeIndex].Name.Local : _name?.Local ?? string.Empty;

    public override string NamespaceURI => _attributeIndex >= 0 ? string.Empty : _type is XmlNodeType.Element or XmlNodeType.EndElement ? _namespace : string.Empty;

    public override string Name => _attributeIndex >= 0 ? _attributes[_attributeIndex].Name.Qualified : _name?.Qualified ?? string.Empty;

    public override string Prefix => _attributeIndex >= 0 ? _attributes[_attributeIndex].Name.Prefix : _name?.Prefix ?? string.Empty;

    public override string Value => _type == XmlNodeType.Text && _attributeIndex < 0 ? new string(_chars, 0, _charCount) : _attributeIndex >= 0 ? AttributeValue(_attributeIndex) : string.Empty;

    public override int Depth => _attributeIndex >= 0 ? _depth + 1 : _depth;

    public override string BaseURI => string.Empty;

    public override bool IsEmptyElement => _attributeIndex < 0 && _type == XmlNodeType.Element && _isEmpty;

    public override int AttributeCount => _type == XmlNodeType.Element ? _attributeCount : 0;

    public override bool EOF => _state == ReadState.EndOfFile;

    public override ReadState ReadState => _state;

    public override XmlNameTable NameTable => _table;

    public int LineNumber
    {
        get
        {
            CountLines(_nodeStart);
            return (int)Math.Min(_line, int.MaxValue);
        }
    }

    public int LinePosition => 0;

    public bool HasLineInfo() => true;

    public override string GetAttribute(int i) => i >= 0 && i < AttributeCount ? AttributeValue(i) : throw new ArgumentOutOfRangeException(nameof(i));

    public override string? GetAttribute(string name)
    {
        var i = FindAttribute(name);
        return i < 0 ? null : AttributeValue(i);
    }

    public override string? GetAttribute(string name, string? namespaceURI) => string.IsNullOrEmpty(namespaceURI) ? GetAttribute(name) : throw new Unsupported("a namespaced attribute asked for");

    public override bool MoveToAttribute(string name)
    {
        var i = FindAttribute(name);
        if (i < 0)
        {
            return false;
        }

        _attributeIndex = i;
        StartAttributeValue(i);
        return true;
    }

    public override bool MoveToAttribute(string name, string? ns) => string.IsNullOrEmpty(ns) ? MoveToAttribute(name) : throw new Unsupported("a namespaced attribute asked for");

    public override bool MoveToElement()
    {
        if (_attributeIndex < 0)
        {
            return false;
        }

        _attributeIndex = -1;
        return true;
    }

    public override bool MoveToFirstAttribute() => throw new Unsupported("attributes walked");

    public override bool MoveToNextAttribute() => throw new Unsupported("attributes walked");

    public override bool ReadAttributeValue() => throw new Unsupported("attribute values walked");

    public override void ResolveEntity() => throw new Unsupported("entities resolved");

    public override string? LookupNamespace(string prefix) => throw new Unsupported("namespaces looked up");

    /// <summary>The text of the text node the reader is on (valid until the next text node).</summary>
    public ReadOnlySpan<char> Text => _type == XmlNodeType.Text && _attributeIndex < 0 ? _chars.AsSpan(0, _charCount) : [];

    public override bool CanReadValueChunk => true;

    public override int ReadValueChunk(char[] buffer, int index, int count)
    {
        if (_type != XmlNodeType.Text && _attributeIndex < 0)
        {
            return 0;
        }

        var n = Math.Min(count, _charCount - _charsGiven);
        _chars.AsSpan(_charsGiven, n).CopyTo(buffer.AsSpan(index, n));
        _charsGiven += n;
        return n;
    }

    public override bool Read()
    {
        _attributeIndex = -1;
        _attributeCount = 0;
        if (_state == ReadState.Initial)
        {
            _state = ReadState.Interactive;
            Start();
        }
        else if (_state != ReadState.Interactive)
        {
            return false;
        }

        if (_popEmptyBindingsTo >= 0)
        {
            if (_bindingCount != _popEmptyBindingsTo)
            {
                _bindingCount = _popEmptyBindingsTo;
                _scope++;
            }

            _popEmptyBindingsTo = -1;
        }

        while (true)
        {
            if (_pos >= _end && !Fill())
            {
                return End();
            }

            if (_buf[_pos] == (byte)'<')
            {
                if (QuickTag() || Markup())
                {
                    return true;
                }
            }
            else
            {
                var quick = QuickText();
                if (quick > 0 || (quick < 0 && TextNode()))
                {
                    return true;
                }
            }
        }
    }

    // ---- Tokens -----------------------------------------------------------------------------------------

    /// <summary>
    /// The common tags, read byte by byte without searching: a start tag with a plain name and no attributes or only the
    /// one its element held last time (<see cref="QuickAttribute"/>), and the end tag of the open element without
    /// spaces. False for every other tag and for a tag that runs past the bytes held (a name may have been added to the
    /// table of names, nothing else changed); <see cref="Markup"/> then reads it.
    /// </summary>
    private bool QuickTag()
    {
        var buf = _buf;
        var end = _end;
        var p = _pos + 1;
        if (p >= end)
        {
            return false;
        }

        var b = buf[p];
        if (b == (byte)'/')
        {
            if (_openCount == 0)
            {
                return false;
            }

            var open = _open[_openCount - 1];
            var gt = p + 1 + open.Bytes.Length;
            if (!NameThenGt(buf, p + 1, end, open))
            {
                return false;
            }

            Close(_pos);
            _pos = gt + 1;
            return true;
        }

        if (!char.IsAsciiLetter((char)b) || _rootClosed || (_openCount == 0 && _rootSeen))
        {
            return false;
        }

        var predicted = Predicted();
        if (predicted is not null)
        {
            // The name that came after the last one last time, followed by '>' or "/>": no scan, no look-up.
            if (NameThenGt(buf, p, end, predicted) && !ReferenceEquals(predicted.Local, _xmlns))
            {
                Open(predicted, false, _bindingCount);
                _pos = p + predicted.Bytes.Length + 1;
                return true;
            }

            var bytes = predicted.Bytes;
            var after = p + bytes.Length;
            if (after + 1 < end && buf[p] == bytes[0] && buf.AsSpan(p, bytes.Length).SequenceEqual(bytes)
                && !ReferenceEquals(predicted.Local, _xmlns))
            {
                if (buf[after] == (byte)'>' || (buf[after] == (byte)'/' && buf[after + 1] == (byte)'>'))
                {
                    var isEmpty = buf[after] == (byte)'/';
                    Open(predicted, isEmpty, _bindingCount);
                    _pos = after + (isEmpty ? 2 : 1);
                    return true;
                }

                if (buf[after] == (byte)' ' && predicted.Attribute is not null)
                {
                    return QuickAttribute(predicted, after);
                }
            }
        }

        var nameStart = p;
        var classes = NameClass;
        while (p < end && classes[buf[p]] != 0)
        {
            p++;
        }

        if (p + 1 >= end)
        {
            return false;
        }

        bool empty;
        if (buf[p] == (byte)'>')
        {
            empty = false;
        }
        else if (buf[p] == (byte)'/' && buf[p + 1] == (byte)'>')
        {
            empty = true;
        }
        else if (buf[p] == (byte)' ' && p > nameStart)
        {
            // A name the prediction missed, and one attribute perhaps.
            var known = LookUpElement(buf.AsSpan(nameStart, p - nameStart));
            return known.Attribute is not null && !ReferenceEquals(known.Local, _xmlns) && QuickAttribute(known, p);
        }
        else
        {
            return false;
        }

        var name = LookUpElement(buf.AsSpan(nameStart, p - nameStart));
        if (ReferenceEquals(name.Local, _xmlns))
        {
            return false;
        }

        _attributeCount = 0;
        Open(name, empty, _bindingCount);
        _pos = p + (empty ? 2 : 1);
        return true;
    }

    /// <summary>
    /// The start tag at _pos of <paramref name="name"/> (not "xmlns"), a space at <paramref name="space"/>,
    /// then the one attribute it held last time with a value of ASCII letters and digits in double quotes, then '>' or
    /// "/>": <c>&lt;Amt Ccy="EUR"&gt;</c>, read byte by byte as <see cref="StartTag"/> reads it after a search. False, with
    /// nothing changed, for anything else (another attribute, more than one, other spacing or quotes, a value that needs
    /// a look, a tag past the bytes held).
    /// </summary>
    private bool QuickAttribute(QName name, int space)
    {
        var buf = _buf;
        var end = _end;
        var attribute = name.Attribute!;
        var attributeBytes = attribute.Bytes;
        var equals = space + 1 + attributeBytes.Length;
        if (equals + 1 >= end || buf[equals] != (byte)'=' || buf[equals + 1] != (byte)'"'
            || !buf.AsSpan(space + 1, attributeBytes.Length).SequenceEqual(attributeBytes))
        {
            return false;
        }

        var valueStart = equals + 2;
        var p = valueStart;
        while (p < end && char.IsAsciiLetterOrDigit((char)buf[p]))
        {
            p++;
        }

        if (p + 2 >= end || buf[p] != (byte)'"')
        {
            return false;
        }

        bool empty;
        if (buf[p + 1] == (byte)'>')
        {
            empty = false;
        }
        else if (buf[p + 1] == (byte)'/' && buf[p + 2] == (byte)'>')
        {
            empty = true;
        }
        else
        {
            return false;
        }

        _attributeCount = 0;
        AddAttribute(attribute, valueStart, p - valueStart, buf.AsSpan(valueStart, p - valueStart));
        Open(name, empty, _bindingCount);
        _pos = p + (empty ? 3 : 2);
        return true;
    }

    /// <summary>
    /// Text read byte by byte up to the next '&lt;': 1 for a text node of plain ASCII (or decoded), 0 when left out
    /// (whitespace only), -1 with nothing changed when the text runs past the bytes held or lies outside the root
    /// element (<see cref="TextNode"/> then reads it).
    /// </summary>
    private int QuickText()
    {
        var buf = _buf;
        var end = _end;
        var start = _pos;
        var p = start;
        var classes = TextClass;
        var all = 0;
        while (p < end)
        {
            var b = buf[p];
            if (b == (byte)'<')
            {
                break;
            }

            var c = classes[b];
            all |= c;
            p++;
        }

        if (p >= end)
        {
            return -1;
        }

        // Bit 1: a byte other than whitespace; bit 2: a byte that needs decoding (non-ASCII, '&', CR, ']', a control).
        if ((all & 1) == 0)
        {
            _pos = p;
            return 0;
        }

        if (_openCount == 0)
        {
            return -1;
        }

        var length = p - start;
        if (_chars.Length < length)
        {
            _chars = new char[Math.Max(length, _chars.Length * 2)];
        }

        if ((all & 2) == 0)
        {
            var chars = _chars;
            for (var i = 0; i < length; i++)
            {
                chars[i] = (char)buf[start + i];
            }

            _charCount = length;
        }
        else
        {
            _charCount = DecodeText(buf.AsSpan(start, length));
        }

        SetNodeLine(start);
        _charsGiven = 0;
        _pos = p;
        _depth = _openCount;
        _type = XmlNodeType.Text;
        _name = null;
        return 1;
    }

    /// <summary>The end of the bytes: only after the root element has closed.</summary>
    private bool End()
    {
        if (!_rootClosed)
        {
            throw new Unsupported("the document ends inside or before its root element");
        }

        _type = XmlNodeType.None;
        _name = null;
        _depth = 0;
        _state = ReadState.EndOfFile;
        return false;
    }

    /// <summary>Reads the text up to the next '&lt;'; false when it is left out (whitespace only, between elements).</summary>
    private bool TextNode()
    {
        var length = Find((byte)'<', 0);
        var bytes = _buf.AsSpan(_pos, length < 0 ? _end - _pos : length);

        if (bytes.IndexOfAnyExcept(Space) < 0)
        {
            // Whitespace only: the framework's reader, set to ignore whitespace, leaves it out.
            _pos += bytes.Length;
            return false;
        }

        if (_openCount == 0)
        {
            throw new Unsupported("text outside the root element");
        }

        SetNodeLine(_pos);
        if (_chars.Length < bytes.Length)
        {
            _chars = new char[Math.Max(bytes.Length, _chars.Length * 2)];
        }

        if (bytes.IndexOfAnyExcept(PlainText) < 0)
        {
            _charCount = Encoding.Latin1.GetChars(bytes, _chars);
        }
        else
        {
            _charCount = DecodeText(bytes);
        }

        _charsGiven = 0;
        _pos += bytes.Length;
        _depth = _openCount;
        _type = XmlNodeType.Text;
        _name = null;
        return true;
    }

    /// <summary>Text with entities, CR, non-ASCII or ']' : decoded as the framework's reader does, or refused.</summary>
    private int DecodeText(ReadOnlySpan<byte> bytes)
    {
        var status = Utf8.ToUtf16(bytes, _chars, out var read, out var written, replaceInvalidSequences: false);
        if (status != OperationStatus.Done || read != bytes.Length)
        {
            throw new Unsupported("text that is not UTF-8");
        }

        var chars = _chars.AsSpan(0, written);
        var count = 0;
        for (var i = 0; i < chars.Length; i++)
        {
            var c = chars[i];
            if (c == '&')
            {
                var semicolon = chars[i..].IndexOf(';');
                if (semicolon < 0)
                {
                    throw new Unsupported("an entity without its ';'");
                }

                var entity = chars.Slice(i + 1, semicolon - 1);
                c = entity switch
                {
                    "amp" => '&',
                    "lt" => '<',
                    "gt" => '>',
                    "quot" => '"',
                    "apos" => '\'',
                    _ => CharacterReference(entity),
                };
                i += semicolon;
            }
            else if (c == '\r')
            {
                // Line ends are LF in XML: CR LF and a lone CR both become LF.
                if (i + 1 < chars.Length && chars[i + 1] == '\n')
                {
                    i++;
                }

                c = '\n';
            }
            else if (c < 0x20 ? c is not ('\t' or '\n') : c is ']' ? chars[i..].StartsWith("]]>") : c is '\uFFFE' or '\uFFFF' || char.IsSurrogate(c) && !PairAt(chars, i))
            {
                throw new Unsupported("a character XML does not allow in text");
            }
            else if (char.IsHighSurrogate(c))
            {
                chars[count++] = c;
                c = chars[++i];
            }

            chars[count++] = c;
        }

        return count;
    }

    private static bool PairAt(ReadOnlySpan<char> chars, int i) =>
        char.IsHighSurrogate(chars[i]) && i + 1 < chars.Length && char.IsLowSurrogate(chars[i + 1]);

    /// <summary>A decimal or hexadecimal character reference to a character of the basic plane that XML allows.</summary>
    private static char CharacterReference(ReadOnlySpan<char> entity)
    {
        var value = 0;
        if (entity.Length >= 2 && entity.Length <= 5 && entity[0] == '#' && entity[1] == 'x')
        {
            foreach (var c in entity[2..])
            {
                value = (value * 16) + (char.IsAsciiDigit(c) ? c - '0' : c is >= 'a' and <= 'f' ? c - 'a' + 10 : c is >= 'A' and <= 'F' ? c - 'A' + 10 : throw new Unsupported("a character reference"));
            }
        }
        else if (entity.Length >= 2 && entity.Length <= 6 && entity[0] == '#')
        {
            foreach (var c in entity[1..])
            {
                value = (value * 10) + (char.IsAsciiDigit(c) ? c - '0' : throw new Unsupported("a character reference"));
            }
        }
        else
        {
            throw new Unsupported("an entity other than the five XML defines");
        }

        // Whitespace from a reference could make a node the framework's reader treats otherwise: refused with the rest.
        if (value < 0x21 || value is >= 0xD800 and <= 0xDFFF || value > 0xFFFD)
        {
            throw new Unsupported("a character reference to whitespace, a control or a character outside the basic plane");
        }

        return (char)value;
    }

    /// <summary>A tag, or a comment outside the root element; false for what is left out (comments, the declaration).</summary>
    private bool Markup()
    {
        if (_pos + 1 >= _end && !Fill())
        {
            throw new Unsupported("the document ends in a tag");
        }

        var next = _buf[_pos + 1];
        if (next == (byte)'!')
        {
            Comment();
            return false;
        }

        if (next == (byte)'?')
        {
            throw new Unsupported("a processing instruction");
        }

        var gt = Find((byte)'>', 1);
        if (gt < 0)
        {
            throw new Unsupported("a tag without its '>'");
        }

        if (next == (byte)'/')
        {
            EndTag(gt);
        }
        else
        {
            StartTag(gt);
        }

        _pos += gt + 1;
        return true;
    }

    private void Comment()
    {
        if (_openCount > 0)
        {
            throw new Unsupported("a comment inside the root element");
        }

        var close = FindSequence("-->"u8, 2);
        if (close < 4 || !_buf.AsSpan(_pos, _end - _pos).StartsWith("<!--"u8))
        {
            throw new Unsupported("a DOCTYPE, or a comment without its end");
        }

        var body = _buf.AsSpan(_pos + 4, close - 4);
        if (body.IndexOf("--"u8) >= 0 || (body.Length > 0 && body[^1] == (byte)'-') || body.IndexOfAnyExcept(PlainText) >= 0 && ContainsOddByte(body))
        {
            throw new Unsupported("a comment the framework's reader may refuse");
        }

        _pos += close + 3;
    }

    private static bool ContainsOddByte(ReadOnlySpan<byte> bytes)
    {
        foreach (var b in bytes)
        {
            if (b >= 0x80 || (b < 0x20 && b is not ((byte)'\t' or (byte)'\n' or (byte)'\r')))
            {
                return true;
            }
        }

        return false;
    }

    private void EndTag(int gt)
    {
        if (_openCount == 0)
        {
            throw new Unsupported("an end tag without its start");
        }

        var open = _open[_openCount - 1];
        var tag = _buf.AsSpan(_pos + 2, gt - 2);
        if (!tag.StartsWith(open.Bytes) || tag[open.Bytes.Length..].IndexOfAnyExcept(Space) >= 0)
        {
            throw new Unsupported("an end tag that does not match its start");
        }

        Close(_pos);
    }

    /// <summary>
    /// Makes the end tag at <paramref name="lt"/> of the open element, checked against its start, the current node: the
    /// element's namespace is the one its start tag had (the bindings in scope then are the ones in scope now).
    /// </summary>
    private void Close(int lt)
    {
        SetNodeLine(lt);
        var count = _openCount - 1;
        _openCount = count;
        _depth = count;
        _name = _open[count];
        var ns = _openNamespace[count];
        if (!ReferenceEquals(_namespace, ns))
        {
            _namespace = ns;
        }

        if (_bindingCount != _bindingsAt[count])
        {
            _bindingCount = _bindingsAt[count];
            _scope++;
        }

        _type = XmlNodeType.EndElement;
        _isEmpty = false;
        if (count == 0)
        {
            _rootClosed = true;
        }
    }

    /// <summary>
    /// The text of the element the reader is on, when it is a start tag (not empty, not the root) followed in the bytes
    /// held by plain ASCII text (no '&amp;', CR, ']' or control; or whitespace only, or nothing) and the element's own end
    /// tag without spaces: widened into <paramref name="text"/> from its start (grown as needed, whitespace-only text
    /// giving 0 characters, as the framework's reader leaves it out) and the reader moved on to the node after the end
    /// tag, as <see cref="Read"/> three times would (the text node, the end tag, the next node). -1, with nothing
    /// changed, for anything else and for text longer than <paramref name="max"/>: the caller then reads node by node.
    /// </summary>
    internal int ReadLeafText(ref char[] text, int max)
    {
        if (_type != XmlNodeType.Element || _isEmpty || _attributeIndex >= 0 || _openCount < 2)
        {
            return -1;
        }

        var buf = _buf;
        var end = _end;
        var start = _pos;
        var p = start;
        var classes = TextClass;
        var all = 0;
        while (p < end)
        {
            var b = buf[p];
            if (b == (byte)'<')
            {
                break;
            }

            all |= classes[b];
            p++;
        }

        // Bit 2: a byte that needs decoding or a look (non-ASCII, '&', CR, ']', a control).
        var open = _open[_openCount - 1];
        if ((all & 2) != 0 || p + 1 >= end || buf[p + 1] != (byte)'/' || !NameThenGt(buf, p + 2, end, open))
        {
            return -1;
        }

        var gt = p + 2 + open.Bytes.Length;

        // Bit 1: a byte other than whitespace; whitespace only is no text node.
        var length = (all & 1) == 0 ? 0 : p - start;
        if (length > max)
        {
            return -1;
        }

        if (length > 0)
        {
            if (text.Length < length)
            {
                Array.Resize(ref text, Math.Max(length, text.Length * 2));
            }

            Ascii.ToUtf16(buf.AsSpan(start, length), text, out _);
        }

        Close(p);
        _pos = gt + 1;
        Read();
        return length;
    }

    private void StartTag(int gt)
    {
        if (_rootClosed || (_openCount == 0 && _rootSeen))
        {
            throw new Unsupported("a second root element");
        }

        var tag = _buf.AsSpan(_pos + 1, gt - 1);
        var empty = tag.Length > 0 && tag[^1] == (byte)'/';
        if (empty)
        {
            tag = tag[..^1];
        }

        var nameLength = NameLength(tag);
        var name = LookUpElement(tag[..nameLength]);
        if (name.Prefix == "xmlns" || (name.Prefix.Length == 0 && name.Local == "xmlns"))
        {
            throw new Unsupported("an element named like a namespace declaration");
        }

        var bindingsBefore = _bindingCount;
        _attributeCount = 0;
        var rest = tag[nameLength..];
        var at = _pos + 1 + nameLength;
        while (rest.Length > 0)
        {
            var skip = rest.IndexOfAnyExcept(Space);
            if (skip < 0)
            {
                break;
            }

            if (skip == 0)
            {
                throw new Unsupported("an attribute not set apart by whitespace");
            }

            rest = rest[skip..];
            at += skip;
            var length = NameLength(rest);
            var attributeName = LookUpSlow(rest[..length]);
            var i = length;
            i += SpaceLength(rest[i..]);
            if (i >= rest.Length || rest[i] != (byte)'=')
            {
                throw new Unsupported("an attribute without '='");
            }

            i++;
            i += SpaceLength(rest[i..]);
            if (i >= rest.Length || rest[i] is not ((byte)'"' or (byte)'\''))
            {
                throw new Unsupported("an attribute value without quotes");
            }

            var quote = rest[i];
            var close = rest[(i + 1)..].IndexOf(quote);
            if (close < 0)
            {
                throw new Unsupported("an attribute value that holds '>', or has no end");
            }

            var value = rest.Slice(i + 1, close);
            if (value.IndexOfAnyExcept(PlainText) >= 0 || value.IndexOfAny("<\t\n"u8) >= 0)
            {
                throw new Unsupported("an attribute value with entities, line breaks or non-ASCII characters");
            }

            AddAttribute(attributeName, at + i + 1, close, value);
            rest = rest[(i + close + 2)..];
            at += i + close + 2;
        }

        CheckAttributes();

        // One plain attribute (not a namespace declaration, no prefix): tried first by QuickAttribute next time.
        name.Attribute = _attributeCount == 1 && bindingsBefore == _bindingCount && _attributes[0].Name.Prefix.Length == 0
            && !ReferenceEquals(_attributes[0].Name.Local, _xmlns) ? _attributes[0].Name : null;
        Open(name, empty, bindingsBefore);
    }

    /// <summary>Makes the start tag at _pos, of <paramref name="name"/>, the current node.</summary>
    private void Open(QName name, bool empty, int bindingsBefore)
    {
        Learn(name);
        SetNodeLine(_pos);
        _rootSeen = true;
        _name = name;
        var ns = Resolve(name.Prefix);
        if (!ReferenceEquals(_namespace, ns))
        {
            // Nearly always the same: no write barrier.
            _namespace = ns;
        }

        _type = XmlNodeType.Element;
        _isEmpty = empty;
        _depth = _openCount;
        if (empty)
        {
            _popEmptyBindingsTo = bindingsBefore;
            if (_openCount == 0)
            {
                _rootClosed = true;
            }
        }
        else
        {
            if (_openCount == _open.Length)
            {
                Array.Resize(ref _open, _openCount * 2);
                Array.Resize(ref _openNamespace, _openCount * 2);
                Array.Resize(ref _bindingsAt, _openCount * 2);
                Array.Resize(ref _lastChild, (_openCount * 2) + 1);
            }

            _open[_openCount] = name;
            if (!ReferenceEquals(_openNamespace[_openCount], ns))
            {
                _openNamespace[_openCount] = ns;
            }

            _bindingsAt[_openCount] = bindingsBefore;
            _openCount++;
            _lastChild[_openCount] = null;
        }
    }

    private void AddAttribute(QName name, int valueStart, int valueLength, ReadOnlySpan<byte> value)
    {
        if (name.Prefix.Length == 0 && name.Local == "xmlns")
        {
            Bind(string.Empty, value);
        }
        else if (name.Prefix == "xmlns")
        {
            if (value.IsEmpty || name.Local.StartsWith("xml", StringComparison.OrdinalIgnoreCase))
            {
                throw new Unsupported("a prefix bound to no namespace, or an xml prefix");
            }

            Bind(name.Local, value);
        }

        if (_attributeCount == _attributes.Length)
        {
            Array.Resize(ref _attributes, _attributeCount * 2);
        }

        _attributes[_attributeCount++] = new Attribute(name, valueStart, valueLength);
    }

    /// <summary>No attribute twice (by name or by namespace and local name), and every prefix bound.</summary>
    private void CheckAttributes()
    {
        for (var i = 0; i < _attributeCount; i++)
        {
            var name = _attributes[i].Name;
            var prefixed = name.Prefix.Length > 0 && name.Prefix != "xmlns";
            var uri = prefixed ? Resolve(name.Prefix) : null;
            for (var j = 0; j < i; j++)
            {
                var other = _attributes[j].Name;
                if (ReferenceEquals(other, name)
                    || (prefixed && other.Prefix.Length > 0 && other.Prefix != "xmlns" && other.Local == name.Local && Resolve(other.Prefix) == uri))
                {
                    throw new Unsupported("an attribute given twice");
                }
            }
        }
    }

    private void Bind(string prefix, ReadOnlySpan<byte> uri)
    {
        if (_bindingCount == _bindings.Length)
        {
            Array.Resize(ref _bindings, _bindingCount * 2);
        }

        _bindings[_bindingCount++] = (prefix, Uri(uri));
        _scope++;
    }

    private string Uri(ReadOnlySpan<byte> bytes)
    {
        foreach (var (known, value) in _uris)
        {
            if (bytes.SequenceEqual(known))
            {
                return value;
            }
        }

        var uri = _table.Add(Encoding.ASCII.GetString(bytes));
        if (uri is "http://www.w3.org/XML/1998/namespace" or "http://www.w3.org/2000/xmlns/")
        {
            throw new Unsupported("a reserved namespace bound");
        }

        if (_uris.Count < 64)
        {
            _uris.Add((bytes.ToArray(), uri));
        }

        return uri;
    }

    /// <summary>The namespace of <paramref name="prefix"/> in scope ("" for no prefix and no default namespace).</summary>
    private string Resolve(string prefix)
    {
        if (_resolvedScope == _scope && ReferenceEquals(prefix, _resolvedPrefix))
        {
            return _resolvedUri;
        }

        _resolvedUri = ResolveInScope(prefix);
        _resolvedPrefix = prefix;
        _resolvedScope = _scope;
        return _resolvedUri;
    }

    private string ResolveInScope(string prefix)
    {
        for (var i = _bindingCount - 1; i >= 0; i--)
        {
            if (ReferenceEquals(_bindings[i].Prefix, prefix) || _bindings[i].Prefix == prefix)
            {
                return _bindings[i].Uri;
            }
        }

        return prefix.Length == 0 ? string.Empty : throw new Unsupported("a prefix bound to no namespace");
    }

    /// <summary>The length of the ASCII name at the start of <paramref name="tag"/>: [A-Za-z_][A-Za-z0-9._-]*, one ':' inside.</summary>
    private static int NameLength(ReadOnlySpan<byte> tag)
    {
        var end = tag.IndexOfAnyExcept(NameBytes);
        var length = end < 0 ? tag.Length : end;
        if (length > 0 && char.IsAsciiLetter((char)tag[0]) && tag[..length].IndexOf((byte)':') < 0
            && (end < 0 || tag[end] is (byte)' ' or (byte)'\t' or (byte)'\r' or (byte)'\n' or (byte)'='))
        {
            // The common case: a name without prefix starting with a letter.
            return length;
        }

        var colon = -1;
        var i = 0;
        for (; i < tag.Length; i++)
        {
            var b = tag[i];
            if (char.IsAsciiLetter((char)b) || b == (byte)'_' || (i > colon + 1 && (char.IsAsciiDigit((char)b) || b is (byte)'.' or (byte)'-')))
            {
                continue;
            }

            if (b == (byte)':' && colon < 0 && i > 0)
            {
                colon = i;
                continue;
            }

            break;
        }

        if (i == 0 || i == colon + 1 || (i < tag.Length && tag[i] is not ((byte)' ' or (byte)'\t' or (byte)'\r' or (byte)'\n' or (byte)'=')))
        {
            throw new Unsupported("a name outside ASCII letters, digits, '.', '-' and '_'");
        }

        return i;
    }

    private static int SpaceLength(ReadOnlySpan<byte> bytes)
    {
        var i = bytes.IndexOfAnyExcept(Space);
        return i < 0 ? bytes.Length : i;
    }

    /// <summary>
    /// The name of these bytes: the predicted one (<see cref="Predicted"/>), else from the table of names met so far.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private QName LookUpElement(ReadOnlySpan<byte> bytes)
    {
        var predicted = Predicted();
        return predicted is not null && bytes.SequenceEqual(predicted.Bytes) ? predicted : LookUpSlow(bytes);
    }

    /// <summary>
    /// The name the next start tag most likely has: the one that followed the previous sibling under the same parent
    /// last time, or the parent's first child last time. The elements of a statement come in the same order entry after
    /// entry, so this is right for 98 in 100 start tags of the 1M day's file (the name that followed the last start tag's
    /// name, whatever its parent, for 70). Null when nothing is known; a guess is always checked against the bytes.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private QName? Predicted()
    {
        var depth = _openCount;
        if (depth == 0)
        {
            return null;
        }

        var parent = _open[depth - 1];
        var previous = _lastChild[depth];
        if (previous is null)
        {
            return parent.FirstChild;
        }

        return ReferenceEquals(previous.NextParent, parent) ? previous.Next
            : ReferenceEquals(previous.OtherParent, parent) ? previous.OtherNext
            : null;
    }

    /// <summary>Remembers that <paramref name="name"/> starts at the current depth, for <see cref="Predicted"/>.</summary>
    private void Learn(QName name)
    {
        var depth = _openCount;
        if (depth > 0)
        {
            var parent = _open[depth - 1];
            var previous = _lastChild[depth];
            if (previous is null)
            {
                if (!ReferenceEquals(parent.FirstChild, name))
                {
                    parent.FirstChild = name;
                }
            }
            else if (ReferenceEquals(previous.NextParent, parent))
            {
                if (!ReferenceEquals(previous.Next, name))
                {
                    previous.Next = name;
                }
            }
            else if (ReferenceEquals(previous.OtherParent, parent))
            {
                if (!ReferenceEquals(previous.OtherNext, name))
                {
                    previous.OtherNext = name;
                }
            }
            else
            {
                // A parent not seen before with this name: the older of the two goes.
                previous.OtherNext = previous.Next;
                previous.OtherParent = previous.NextParent;
                previous.Next = name;
                previous.NextParent = parent;
            }
        }

        _lastChild[depth] = name;
    }

    private QName LookUpSlow(ReadOnlySpan<byte> bytes)
    {
        var slot = unchecked((bytes.Length * 131) + (bytes[0] * 7) + (bytes[^1] * 31) + bytes[bytes.Length / 2]) & (_names.Length - 1);
        for (var known = _names[slot]; known is not null; known = known.Chained)
        {
            if (bytes.SequenceEqual(known.Bytes))
            {
                return known;
            }
        }

        var qualified = Encoding.ASCII.GetString(bytes);
        var colon = qualified.IndexOf(':', StringComparison.Ordinal);
        var prefix = colon < 0 ? string.Empty : _table.Add(qualified[..colon]);
        var local = _table.Add(colon < 0 ? qualified : qualified[(colon + 1)..]);
        if (prefix is "xml" || (prefix.Length == 0 && local == "xml"))
        {
            throw new Unsupported("an xml-prefixed name");
        }

        var name = new QName(bytes.ToArray(), _table.Add(qualified), prefix, local);
        if (_nameCount < 4096)
        {
            name.Chained = _names[slot];
            _names[slot] = name;
            _nameCount++;
        }

        return name;
    }

    /// <summary>
    /// The first characters of the value of the current element's attribute <paramref name="name"/> (a name of the
    /// table), as many as <paramref name="destination"/> holds, and their count; -1 without that attribute. What
    /// <see cref="MoveToAttribute(string)"/>, <see cref="ReadValueChunk"/> into <paramref name="destination"/> and
    /// <see cref="MoveToElement"/> give, without moving.
    /// </summary>
    internal int CopyAttributeValue(string name, Span<char> destination)
    {
        var i = FindAttribute(name);
        if (i < 0)
        {
            return -1;
        }

        var attribute = _attributes[i];
        var length = Math.Min(attribute.ValueLength, destination.Length);
        Encoding.Latin1.GetChars(_buf.AsSpan(attribute.ValueStart, length), destination);
        return length;
    }

    private int FindAttribute(string name)
    {
        if (_type != XmlNodeType.Element)
        {
            return -1;
        }

        for (var i = 0; i < _attributeCount; i++)
        {
            if (ReferenceEquals(_attributes[i].Name.Qualified, name) || _attributes[i].Name.Qualified == name)
            {
                return i;
            }
        }

        return -1;
    }

    private string AttributeValue(int i) => Encoding.ASCII.GetString(_buf, _attributes[i].ValueStart, _attributes[i].ValueLength);

    private void StartAttributeValue(int i)
    {
        var attribute = _attributes[i];
        if (_chars.Length < attribute.ValueLength)
        {
            _chars = new char[attribute.ValueLength];
        }

        _charCount = Encoding.Latin1.GetChars(_buf.AsSpan(attribute.ValueStart, attribute.ValueLength), _chars);
        _charsGiven = 0;
    }

    // ---- Bytes and lines --------------------------------------------------------------------------------

    /// <summary>The start of the document: a byte order mark and an XML declaration that says UTF-8, or neither.</summary>
    private void Start()
    {
        while (_end < 64 && Fill())
        {
        }

        var head = _buf.AsSpan(0, _end);
        if (head.StartsWith("\uFEFF"u8))
        {
            _pos = 3;
            _lineMark = 3;
            _nodeStart = 3;
        }
        else if (head.Length >= 2 && (head[0] is 0xFE or 0xFF || head[0] == 0 || head[1] == 0))
        {
            throw new Unsupported("a document in UTF-16 or UTF-32");
        }

        if (!_buf.AsSpan(_pos, _end - _pos).StartsWith("<?"u8))
        {
            return;
        }

        var close = FindSequence("?>"u8, 0);
        if (close < 0)
        {
            throw new Unsupported("an XML declaration without its end");
        }

        var declaration = Encoding.ASCII.GetString(_buf, _pos, close + 2);
        if (declaration is not ("<?xml version=\"1.0\" encoding=\"UTF-8\"?>" or "<?xml version=\"1.0\" encoding=\"utf-8\"?>"
            or "<?xml version=\"1.0\"?>" or "<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>"
            or "<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"no\"?>" or "<?xml version='1.0' encoding='UTF-8'?>"
            or "<?xml version=\"1.0\" encoding=\"utf-8\" standalone=\"yes\"?>" or "<?xml version=\"1.0\" encoding=\"utf-8\" standalone=\"no\"?>"))
        {
            throw new Unsupported("an XML declaration other than version 1.0 in UTF-8");
        }

        _pos += close + 2;
    }

    /// <summary>The offset from _pos of <paramref name="value"/>, searching from <paramref name="from"/>, reading more as needed; -1 at the end.</summary>
    private int Find(byte value, int from)
    {
        while (true)
        {
            var i = _buf.AsSpan(_pos + from, _end - _pos - from).IndexOf(value);
            if (i >= 0)
            {
                return from + i;
            }

            from = Math.Max(from, _end - _pos);
            if (!Fill())
            {
                return -1;
            }
        }
    }

    private int FindSequence(ReadOnlySpan<byte> value, int from)
    {
        while (true)
        {
            var i = _buf.AsSpan(_pos + from, _end - _pos - from).IndexOf(value);
            if (i >= 0)
            {
                return from + i;
            }

            from = Math.Max(from, _end - _pos - value.Length + 1);
            if (!Fill())
            {
                return -1;
            }
        }
    }

    /// <summary>
    /// Reads more of the stream after what is held, keeping the bytes from the last node whose line is known (so
    /// that lines are counted from there); false at the end of the stream.
    /// </summary>
    private bool Fill()
    {
        if (_eof)
        {
            return false;
        }

        // Lines are counted on to the current node's start (the bytes before it go), whose first byte is kept.
        CountLines(_nodeStart);
        var keep = Math.Min(_lineMark, _pos);
        if (keep > 0)
        {
            _nodeStart -= keep;
            Buffer.BlockCopy(_buf, keep, _buf, 0, _end - keep);
            _end -= keep;
            _pos -= keep;
            _lineMark -= keep;
            for (var i = 0; i < _attributeCount; i++)
            {
                _attributes[i] = _attributes[i] with { ValueStart = _attributes[i].ValueStart - keep };
            }
        }

        if (_end == _buf.Length)
        {
            if (_buf.Length >= MaxTokenBytes)
            {
                throw new Unsupported("a token longer than a token may be");
            }

            Array.Resize(ref _buf, _buf.Length * 2);
        }

        var read = _stream.Read(_buf, _end, _buf.Length - _end);
        if (read == 0)
        {
            _eof = true;
            return false;
        }

        _end += read;
        return true;
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private void SetNodeLine(int offset) => _nodeStart = offset;

    /// <summary>Counts the lines on to <paramref name="offset"/>, a node's start.</summary>
    private void CountLines(int offset)
    {
        if (offset == _lineMark)
        {
            return;
        }

        var span = _buf.AsSpan(_lineMark, offset - _lineMark);
        var lines = span.Count((byte)'\n');
        if (span.Contains((byte)'\r'))
        {
            // A CR not followed by LF ends a line too; the byte after the span is the node's first, never LF.
            for (var i = 0; i < span.Length; i++)
            {
                if (span[i] == (byte)'\r' && (i + 1 == span.Length || span[i + 1] != (byte)'\n'))
                {
                    lines++;
                }
            }
        }

        _line += lines;
        _lineMark = offset;
    }
}
