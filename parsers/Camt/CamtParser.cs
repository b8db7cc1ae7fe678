using System.Diagnostics.CodeAnalysis;
using System.Globalization;
using System.Runtime.CompilerServices;
using System.Text;
using System.Xml;
using CashApp.Parsers.Common;
using CashApp.Parsers.Currency;

namespace CashApp.Parsers.Camt;

/// <summary>
/// The pull parser under <see cref="CamtReader"/>: walks one camt.053 or camt.054 document with an
/// <see cref="XmlReader"/> (no DOM) and hands out one <see cref="CamtEntry"/> at a time, so that memory is
/// bounded by the largest entry, not the file. Element names are atomised in the reader's name table and
/// compared by reference. Not thread-safe; one document per instance.
/// </summary>
internal sealed partial class CamtParser : IDisposable
{
    private const string NamespacePrefix = "urn:iso:std:iso:20022:tech:xsd:camt.";

    private readonly XmlReader _r;

    // The same reader when it is the UTF-8 one: its calls are then direct (the hot ones go through the properties below).
    private readonly CamtUtf8XmlReader? _utf8;
    private readonly IXmlLineInfo? _lineInfo;
    private readonly CamtNames _n;
    private readonly string _fileName;
    private readonly CamtReaderOptions _options;
    private readonly ICollection<ParseWarning>? _warnings;

    // The path of open elements, for error messages: names are the table's atoms, numbers 1-based (0: none).
    private readonly string[] _pathNames;
    private readonly int[] _pathNumbers;
    private int _pathCount;

    // Text of the element being read; grows up to MaxElementTextLength + 1.
    private char[] _text = new char[256];

    private readonly Dictionary<string, string> _pool = new(StringComparer.Ordinal);
    private readonly Dictionary<string, string>.AlternateLookup<ReadOnlySpan<char>> _poolLookup;
    private readonly string?[] _recentPooled = new string?[32];

    // The Ccy attribute of the amount being read, and the currency last looked up.
    private readonly char[] _currencyText = new char[16];
    private CurrencyCode _lastCurrency;

    private State _state = State.Document;
    private string _namespace = string.Empty;
    private string _messageName = string.Empty;
    private string? _version;
    private CamtMessageKind _kind;
    private string? _messageId;
    private int _messageDepth;
    private int _statementDepth;
    private int _statementsInMessage;
    private int _statementCount;
    private bool _sawMessage;
    private CamtStatement? _statement;
    private StatementTotals _totals;
    private int _entryCount;

    // True once an entry of _statement has been handed out: a header element after it goes into a copy.
    private bool _statementHandedOut;

    /// <param name="utf8">
    /// Read with <see cref="CamtUtf8XmlReader"/> instead of the framework's reader: faster, and it throws
    /// <see cref="CamtUtf8XmlReader.Unsupported"/> (or gives a <see cref="CamtFormatException"/> whose position may be
    /// wrong) where the framework's reader is needed to say what is wrong. Only <see cref="CamtReadAhead"/>, which then
    /// reads the file again, sets it.
    /// </param>
    public CamtParser(Stream stream, string fileName, CamtReaderOptions options, ICollection<ParseWarning>? warnings, bool utf8 = false)
    {
        ArgumentNullException.ThrowIfNull(stream);
        ArgumentNullException.ThrowIfNull(options);
        _fileName = fileName;
        _options = options;
        _warnings = warnings;
        _n = new CamtNames(new NameTable());
        _pathNames = new string[options.MaxDepth + 2];
        _pathNumbers = new int[options.MaxDepth + 2];
        _poolLookup = _pool.GetAlternateLookup<ReadOnlySpan<char>>();
        var settings = new XmlReaderSettings
        {
            // Safe XML: no DTD (so no entity expansion, the classic XML bomb), nothing fetched from outside.
            DtdProcessing = DtdProcessing.Prohibit,
            XmlResolver = null,
            MaxCharactersFromEntities = 1024,
            MaxCharactersInDocument = options.MaxDocumentCharacters,
            IgnoreComments = true,
            IgnoreProcessingInstructions = true,
            IgnoreWhitespace = true,
            NameTable = _n.Table,
            CloseInput = false,
        };
        _utf8 = utf8 ? new CamtUtf8XmlReader(stream, _n.Table) : null;
        _r = _utf8 ?? XmlReader.Create(stream, settings);
        _lineInfo = _r as IXmlLineInfo;
    }

    private enum State
    {
        Document,
        Message,
        Statement,
        Done,
    }

    /// <summary>How many statements or notifications have been started so far.</summary>
    public int StatementCount => _statementCount;

    public void Dispose() => _r.Dispose();

    /// <summary>Reads up to the next entry; false at the end of the document. Throws <see cref="CamtFormatException"/>.</summary>
    public bool TryReadEntry([NotNullWhen(true)] out CamtEntry? entry)
    {
        try
        {
            return TryReadEntryCore(out entry);
        }
        catch (XmlException ex)
        {
            throw FromXmlException(ex);
        }
        catch (OverflowException ex)
        {
            // Amounts are at most 18 digits each, yet their sums in a statement can pass the range of a long.
            throw CamtFormatException.Create(_fileName, Line, Position, CamtErrorCodes.BadAmount, PathWith(string.Empty), null, CamtErrorMessages.AmountOverflow, ex);
        }
    }

    private bool TryReadEntryCore([NotNullWhen(true)] out CamtEntry? entry)
    {
        entry = null;
        while (true)
        {
            switch (_state)
            {
                case State.Document:
                    if (!FindMessage())
                    {
                        _state = State.Done;
                        if (!_sawMessage)
                        {
                            // At the end of the document: the line and position of its last character.
                            Fail(CamtErrorCodes.NoMessage, Math.Max(1, Line), Position, string.Empty, null, CamtErrorMessages.NoMessage);
                        }

                        return false;
                    }

                    break;

                case State.Message:
                    if (!NextChild(_messageDepth))
                    {
                        if (_statementsInMessage == 0)
                        {
                            Fail(CamtErrorCodes.NoStatement, Line, Position, string.Empty, null, Format(CamtErrorMessages.NoStatement, _messageName));
                        }

                        Leave();
                        _state = State.Document;
                        break;
                    }

                    ReadMessageChild();
                    break;

                case State.Statement:
                    if (!NextChild(_statementDepth))
                    {
                        FinishStatement();
                        Leave();
                        _state = State.Message;
                        break;
                    }

                    if (Is(LocalName, _n.Ntry))
                    {
                        entry = ReadEntry();
                        CountEntry(entry);
                        _statementHandedOut = true;
                        return true;
                    }

                    ReadStatementChild();
                    break;

                default:
                    return false;
            }
        }
    }

    /// <summary>
    /// Walks down to the next <c>BkToCstmrStmt</c> or <c>BkToCstmrDbtCdtNtfctn</c>. Every other element on the
    /// way (<c>Document</c>, an envelope, an application header) is passed through, not interpreted.
    /// </summary>
    private bool FindMessage()
    {
        while (Advance())
        {
            switch (NodeType)
            {
                case XmlNodeType.Element:
                    var name = LocalName;
                    if (Is(name, _n.BkToCstmrStmt) || Is(name, _n.BkToCstmrDbtCdtNtfctn))
                    {
                        StartMessage(name);
                        return true;
                    }

                    if (!IsEmptyElement)
                    {
                        CheckDepth();
                        Push(name, 0);
                    }

                    break;

                case XmlNodeType.EndElement:
                    if (_pathCount > 0)
                    {
                        _pathCount--;
                    }

                    break;

                default:
                    break;
            }
        }

        return false;
    }

    private void StartMessage(string name)
    {
        _sawMessage = true;
        _messageName = name;
        _kind = Is(name, _n.BkToCstmrStmt) ? CamtMessageKind.Statement : CamtMessageKind.Notification;
        _namespace = NamespaceURI;
        _version = null;
        if (_namespace.Length > 0)
        {
            // urn:iso:std:iso:20022:tech:xsd:camt.053.001.08: the message number must fit the element.
            var expected = _kind == CamtMessageKind.Statement ? "053.001." : "054.001.";
            var ns = _namespace.AsSpan();
            if (!ns.StartsWith(NamespacePrefix, StringComparison.Ordinal)
                || !ns[NamespacePrefix.Length..].StartsWith(expected, StringComparison.Ordinal)
                || ns.Length != NamespacePrefix.Length + expected.Length + 2
                || !int.TryParse(ns[^2..], NumberStyles.None, CultureInfo.InvariantCulture, out var version))
            {
                Fail(CamtErrorCodes.UnsupportedNamespace, Line, Position, name, _namespace, Format(CamtErrorMessages.UnsupportedNamespace, _namespace, name));
                return;
            }

            _version = _namespace[^6..];
            if (version is < 2 or > 13)
            {
                Warn(Line, CamtErrorCodes.UnknownVersion, Format(CamtErrorMessages.UnknownVersion, _namespace));
            }
        }

        _messageId = null;
        _statementsInMessage = 0;
        _messageDepth = Enter();
        _state = State.Message;
    }

    private void ReadMessageChild()
    {
        var name = LocalName;
        if (Is(name, _n.GrpHdr))
        {
            var depth = Enter();
            while (NextChild(depth))
            {
                if (Is(LocalName, _n.MsgId))
                {
                    _messageId = ReadString();
                }
                else
                {
                    SkipElement();
                }
            }

            Leave();
        }
        else if (Is(name, _kind == CamtMessageKind.Statement ? _n.Stmt : _n.Ntfctn))
        {
            _statementsInMessage++;
            _statementCount++;
            _statement = new CamtStatement(_kind, _version, _statementCount, Line) { MessageId = _messageId };
            _statementHandedOut = false;
            _totals = new StatementTotals();
            _bookedByCurrency.Clear();
            _entryCount = 0;
            _statementDepth = Enter(_statementsInMessage);
            _state = State.Statement;
        }
        else
        {
            SkipElement();
        }
    }

    // ---- Navigation -------------------------------------------------------------------------------------

    private string LocalName => _utf8 is { } u ? u.LocalName : _r.LocalName;

    private XmlNodeType NodeType => _utf8 is { } u ? u.NodeType : _r.NodeType;

    private bool IsEmptyElement => _utf8 is { } u ? u.IsEmptyElement : _r.IsEmptyElement;

    private int Depth => _utf8 is { } u ? u.Depth : _r.Depth;

    private string NamespaceURI => _utf8 is { } u ? u.NamespaceURI : _r.NamespaceURI;

    private bool Advance() => _utf8 is { } u ? u.Read() : _r.Read();

    /// <summary>
    /// Enters the element the reader is on: pushes it on the path and moves to its first child node.
    /// Returns the depth to give <see cref="NextChild"/>, or -1 for an empty element. Always pair with <see cref="Leave"/>.
    /// </summary>
    private int Enter(int number = 0)
    {
        CheckDepth();
        Push(LocalName, number);
        if (IsEmptyElement)
        {
            return -1;
        }

        var depth = Depth;
        Advance();
        return depth;
    }

    /// <summary>
    /// Moves to the next child element of the element entered at <paramref name="depth"/>, skipping text and
    /// elements of other namespaces. False at the parent's end tag, which <see cref="Leave"/> then consumes.
    /// </summary>
    private bool NextChild(int depth)
    {
        if (depth < 0)
        {
            return false;
        }

        while (true)
        {
            switch (NodeType)
            {
                case XmlNodeType.Element:
                    var ns = NamespaceURI;
                    if (ReferenceEquals(ns, _namespace) || string.Equals(ns, _namespace, StringComparison.Ordinal))
                    {
                        return true;
                    }

                    // A bank's extension in its own namespace: not ours to read.
                    SkipElement();
                    break;

                case XmlNodeType.EndElement:
                    return false;

                default:
                    if (!Advance())
                    {
                        UnexpectedEnd();
                    }

                    break;
            }
        }
    }

    /// <summary>Consumes the end tag (or the empty element) entered last and pops it from the path.</summary>
    private void Leave()
    {
        _pathCount--;
        Advance();
    }

    /// <summary>Skips the element the reader is on with everything inside it, enforcing the depth limit.</summary>
    private void SkipElement()
    {
        if (IsEmptyElement)
        {
            Advance();
            return;
        }

        var depth = Depth;
        while (Advance())
        {
            var type = NodeType;
            if (type == XmlNodeType.EndElement)
            {
                if (Depth == depth)
                {
                    Advance();
                    return;
                }
            }
            else if (type == XmlNodeType.Element && Depth >= _options.MaxDepth)
            {
                Fail(CamtErrorCodes.TooDeep, Line, Position, LocalName, null, Format(CamtErrorMessages.TooDeep, _options.MaxDepth));
            }
        }

        UnexpectedEnd();
    }

    private void CheckDepth()
    {
        if (_pathCount >= _options.MaxDepth || Depth >= _options.MaxDepth)
        {
            Fail(CamtErrorCodes.TooDeep, Line, Position, LocalName, null, Format(CamtErrorMessages.TooDeep, _options.MaxDepth));
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private void Push(string name, int number)
    {
        _pathNames[_pathCount] = name;
        _pathNumbers[_pathCount] = number;
        _pathCount++;
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static bool Is(string name, string atom) => ReferenceEquals(name, atom);

    // ---- Text -------------------------------------------------------------------------------------------

    /// <summary>
    /// Reads the text of the leaf element the reader is on and moves past its end tag. The span lives in a
    /// buffer the next read overwrites. Text longer than the limit fails without ever being held whole.
    /// </summary>
    private ReadOnlySpan<char> ReadText(bool trim = true)
    {
        if (IsEmptyElement)
        {
            Advance();
            return [];
        }

        if (_utf8 is not null)
        {
            // Plain text and the end tag read in one go, straight into the buffer; else node by node below.
            var quick = _utf8.ReadLeafText(ref _text, _options.MaxElementTextLength);
            if (quick >= 0)
            {
                return trim ? _text.AsSpan(0, quick).Trim() : _text.AsSpan(0, quick);
            }
        }

        Push(LocalName, 0);
        Advance();
        var length = 0;
        while (true)
        {
            switch (NodeType)
            {
                case XmlNodeType.Text:
                case XmlNodeType.CDATA:
                case XmlNodeType.SignificantWhitespace:
                case XmlNodeType.Whitespace:
                    length = AppendValue(length);
                    Advance();
                    break;

                case XmlNodeType.EndElement:
                    _pathCount--;
                    Advance();
                    return trim ? _text.AsSpan(0, length).Trim() : _text.AsSpan(0, length);

                case XmlNodeType.Element:
                    // Mixed content where the schema has plain text: ignore the stray element.
                    SkipElement();
                    break;

                default:
                    if (!Advance())
                    {
                        UnexpectedEnd();
                    }

                    break;
            }
        }
    }

    /// <summary>Appends the value of the text node the reader is on to <see cref="_text"/> from <paramref name="length"/>.</summary>
    private int AppendValue(int length)
    {
        var max = _options.MaxElementTextLength;
        if (_utf8 is not null)
        {
            // The whole text node is in the UTF-8 reader's buffer: one copy.
            var chars = _utf8.Text;
            if ((long)length + chars.Length > max)
            {
                Fail(CamtErrorCodes.TextTooLong, Line, Position, string.Empty, null, Format(CamtErrorMessages.TextTooLong, max));
            }

            if (length + chars.Length > _text.Length)
            {
                Array.Resize(ref _text, Math.Max(length + chars.Length, _text.Length * 2));
            }

            chars.CopyTo(_text.AsSpan(length));
            return length + chars.Length;
        }

        while (true)
        {
            if (length == _text.Length)
            {
                if (length > max)
                {
                    Fail(CamtErrorCodes.TextTooLong, Line, Position, string.Empty, null, Format(CamtErrorMessages.TextTooLong, max));
                }

                Array.Resize(ref _text, (int)Math.Min((long)length * 2, (long)max + 1));
            }

            var read = _r.ReadValueChunk(_text, length, _text.Length - length);
            if (read == 0)
            {
                break;
            }

            length += read;
        }

        if (length > max)
        {
            Fail(CamtErrorCodes.TextTooLong, Line, Position, string.Empty, null, Format(CamtErrorMessages.TextTooLong, max));
        }

        return length;
    }

    /// <summary>The element's text as a new string; null when empty.</summary>
    private string? ReadString(bool trim = true)
    {
        var text = ReadText(trim);
        return text.IsEmpty ? null : new string(text);
    }

    /// <summary>The element's text as a shared string, for codes that repeat (status, transaction codes).</summary>
    private string? ReadCode()
    {
        var text = ReadText();
        return text.IsEmpty ? null : Intern(text);
    }

    private string Intern(ReadOnlySpan<char> text)
    {
        // The code last interned in this code's slot, compared before the pool's hash of the text.
        var slot = text.IsEmpty ? 0 : ((text.Length * 7) + text[0] + (text[^1] * 3)) & (_recentPooled.Length - 1);
        var recent = _recentPooled[slot];
        if (recent is not null && text.SequenceEqual(recent))
        {
            return recent;
        }

        if (_poolLookup.TryGetValue(text, out var pooled))
        {
            _recentPooled[slot] = pooled;
            return pooled;
        }

        var value = new string(text);
        if (_pool.Count < 4096 && text.Length <= 64)
        {
            _pool[value] = value;
        }

        return value;
    }

    /// <summary>Reads an amount element (<c>&lt;Amt Ccy="EUR"&gt;12.50&lt;/Amt&gt;</c>).</summary>
    private Money ReadAmount(bool allowNegative = false)
    {
        long line = FailLine;
        int position = Position;
        var name = LocalName;
        var currency = ReadCurrency(line, position, name);
        var text = ReadText();
        if (!MinorUnits.TryParse(text, currency.MinorDigits, out var minor) || (!allowNegative && text.Length > 0 && text[0] == '-'))
        {
            var value = new string(text);
            Fail(CamtErrorCodes.BadAmount, line, position, name, value, Format(CamtErrorMessages.BadAmount, CamtFormatException.Shorten(value), currency.Code, currency.MinorDigits));
        }

        return new Money(minor, currency);
    }

    /// <summary>
    /// The <c>Ccy</c> attribute of the amount element the reader is on. Read into a small buffer, not with
    /// <c>GetAttribute</c>: a statement has an amount every few lines, and each would allocate its "EUR".
    /// </summary>
    private CurrencyCode ReadCurrency(long line, int position, string name)
    {
        int length;
        if (_utf8 is not null)
        {
            // The same characters, without moving to the attribute and back.
            length = _utf8.CopyAttributeValue(_n.Ccy, _currencyText);
            if (length < 0)
            {
                Fail(CamtErrorCodes.MissingElement, line, position, name + "/@Ccy", null, Format(CamtErrorMessages.MissingElement, "attribute Ccy"));
            }
        }
        else
        {
            if (!_r.MoveToAttribute(_n.Ccy))
            {
                Fail(CamtErrorCodes.MissingElement, line, position, name + "/@Ccy", null, Format(CamtErrorMessages.MissingElement, "attribute Ccy"));
            }

            length = _r.ReadValueChunk(_currencyText, 0, _currencyText.Length);
            _r.MoveToElement();
        }

        var code = _currencyText.AsSpan(0, length);

        // A statement states the same currency on nearly every amount: reuse the last one looked up.
        var currency = _lastCurrency;
        if (currency.Code is not null && code.SequenceEqual(currency.Code))
        {
            return currency;
        }

        // A value that fills the buffer may go on beyond it: never judge it by its start.
        if (length < _currencyText.Length && CurrencyCode.TryParse(code.Trim(), out currency))
        {
            if (code.SequenceEqual(currency.Code))
            {
                _lastCurrency = currency;
            }

            return currency;
        }

        // Off the hot path: the whole value as written, for the message.
        var written = _r.GetAttribute(_n.Ccy);
        if (CurrencyCode.TryParse(written.AsSpan().Trim(), out currency))
        {
            return currency;
        }

        Fail(CamtErrorCodes.UnknownCurrency, line, position, name + "/@Ccy", written, Format(CamtErrorMessages.UnknownCurrency, written));
        return default;
    }

    private Direction ReadDirection()
    {
        long line = FailLine;
        int position = Position;
        var name = LocalName;
        var text = ReadText();
        if (text.SequenceEqual("CRDT"))
        {
            return Direction.Credit;
        }

        if (text.SequenceEqual("DBIT"))
        {
            return Direction.Debit;
        }

        var value = new string(text);
        Fail(CamtErrorCodes.BadCode, line, position, name, value, Format(CamtErrorMessages.BadCode, CamtFormatException.Shorten(value), "CRDT, DBIT"));
        return default;
    }

    private bool ReadBoolean()
    {
        long line = FailLine;
        int position = Position;
        var name = LocalName;
        var text = ReadText();
        if (text.SequenceEqual("true") || text.SequenceEqual("1"))
        {
            return true;
        }

        if (text.SequenceEqual("false") || text.SequenceEqual("0"))
        {
            return false;
        }

        var value = new string(text);
        Fail(CamtErrorCodes.BadCode, line, position, name, value, Format(CamtErrorMessages.BadCode, CamtFormatException.Shorten(value), "true, false"));
        return default;
    }

    /// <summary>Reads a <c>Dt</c> (<c>2024-03-07</c>, possibly with a zone) or <c>DtTm</c> element and returns its date.</summary>
    private DateOnly ReadDate()
    {
        long line = FailLine;
        int position = Position;
        var name = LocalName;
        var text = ReadText();
        if (text.Length >= 10 && (text.Length == 10 || text[10] is 'T' or 'Z' or '+' or '-') && TryParseIsoDate(text, out var date))
        {
            return date;
        }

        var value = new string(text);
        Fail(CamtErrorCodes.BadDate, line, position, name, value, Format(CamtErrorMessages.BadDate, CamtFormatException.Shorten(value)));
        return default;
    }

    /// <summary><c>YYYY-MM-DD</c> at the start of <paramref name="text"/>, without the cost of a format-string parse.</summary>
    private static bool TryParseIsoDate(ReadOnlySpan<char> text, out DateOnly date)
    {
        date = default;
        if (text[4] != '-' || text[7] != '-'
            || !TryDigits(text[..4], out var year) || !TryDigits(text.Slice(5, 2), out var month) || !TryDigits(text.Slice(8, 2), out var day)
            || year < 1 || month is < 1 or > 12 || day < 1 || day > DateTime.DaysInMonth(year, month))
        {
            return false;
        }

        date = new DateOnly(year, month, day);
        return true;
    }

    private static bool TryDigits(ReadOnlySpan<char> digits, out int value)
    {
        value = 0;
        foreach (var c in digits)
        {
            if (!char.IsAsciiDigit(c))
            {
                return false;
            }

            value = (value * 10) + (c - '0');
        }

        return true;
    }

    /// <summary>Reads a date choice (<c>BookgDt</c>, <c>ValDt</c>, <c>Bal/Dt</c>): <c>Dt</c> or <c>DtTm</c> inside.</summary>
    private DateOnly? ReadDateChoice()
    {
        DateOnly? date = null;
        var depth = Enter();
        while (NextChild(depth))
        {
            var name = LocalName;
            if (Is(name, _n.Dt) || Is(name, _n.DtTm))
            {
                date = ReadDate();
            }
            else
            {
                SkipElement();
            }
        }

        Leave();
        return date;
    }

    // ---- Errors -----------------------------------------------------------------------------------------

    private long Line => _utf8 is { } u ? u.LineNumber : _lineInfo?.LineNumber ?? 0;

    /// <summary>
    /// The line for an error raised later about the element the reader is on: 0 with the UTF-8 reader, whose errors
    /// nobody sees (<see cref="CamtReadAhead"/> reads the file again with the framework's reader, which says where),
    /// so that reading a value does not count lines.
    /// </summary>
    private long FailLine => _utf8 is null ? Line : 0;

    private int Position => _lineInfo?.LinePosition ?? 0;

    private static string Format(string template, params object?[] args) => string.Format(CultureInfo.InvariantCulture, template, args);

    /// <summary>The path of open elements, then <paramref name="suffix"/>: <c>/Document/BkToCstmrStmt/Stmt[1]/Ntry[3]/Amt</c>.</summary>
    private string PathWith(string suffix)
    {
        var builder = new StringBuilder();
        for (var i = 0; i < _pathCount; i++)
        {
            builder.Append('/').Append(_pathNames[i]);
            if (_pathNumbers[i] > 0)
            {
                builder.Append('[').Append(_pathNumbers[i].ToString(CultureInfo.InvariantCulture)).Append(']');
            }
        }

        if (suffix.Length > 0)
        {
            builder.Append('/').Append(suffix);
        }

        return builder.ToString();
    }

    [DoesNotReturn]
    private void Fail(string code, long line, int position, string suffix, string? value, string detail) =>
        CamtThrow.Error(_fileName, line, position, code, PathWith(suffix), value, detail);

    [DoesNotReturn]
    private void UnexpectedEnd() =>
        Fail(CamtErrorCodes.MalformedXml, Line, Position, string.Empty, null, Format(CamtErrorMessages.MalformedXml, "unexpected end of the document."));

    private void Warn(long line, string code, string message) => _warnings?.Add(new ParseWarning(_fileName, line, code, message));

    private CamtFormatException FromXmlException(XmlException ex)
    {
        var path = PathWith(string.Empty);
        var code = CamtErrorCodes.MalformedXml;
        var detail = Format(CamtErrorMessages.MalformedXml, ex.Message);
        if (ex.Message.Contains("DTD", StringComparison.Ordinal))
        {
            code = CamtErrorCodes.DtdProhibited;
            detail = CamtErrorMessages.DtdProhibited;
        }
        else if (_options.MaxDocumentCharacters > 0 && ex.Message.Contains(nameof(XmlReaderSettings.MaxCharactersInDocument), StringComparison.Ordinal))
        {
            code = CamtErrorCodes.DocumentTooLarge;
            detail = Format(CamtErrorMessages.DocumentTooLarge, _options.MaxDocumentCharacters);
        }

        return CamtFormatException.Create(_fileName, ex.LineNumber, ex.LinePosition, code, path, null, detail, ex);
    }
}
