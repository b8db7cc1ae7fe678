using System.Runtime.CompilerServices;
using CashApp.Parsers.Currency;

namespace CashApp.Parsers.Bai2;

/// <content>
/// Decoding: the fields of one logical record. Fields are separated by ',' and a record ends at '/'; the fields
/// of a record go on in its 88 continuations. The text of a 16 record is the rest of its physical line and the
/// whole of each 88 that follows, joined verbatim.
/// </content>
public sealed partial class Bai2RecordReader
{
    private List<Bai2AccountSummary> summaries = [];
    private List<int> textPieces = [];
    private int textLength;
    private (int Start, int Length) bankReference;
    private (int Start, int Length) customerReference;

    // The field cursor over the current record: the current physical line is [cur, lineEnd).
    private int cur;
    private int lineEnd;
    private int nextLine;
    private int lineIndex;
    private int fieldIndex;
    private int fieldLine;
    private bool lineDone;
    private int unmarkedContinuations;
    private int[] lineBreaks = new int[16];
    private int lineBreakCount;
    private int textStart;

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private void StartCursor()
    {
        unmarkedContinuations = 0;
        cur = 3;
        lineIndex = 0;
        fieldIndex = 0;
        fieldLine = 0;
        lineDone = false;
        textLength = 0;
        SetLine(0, 0);
        if (cur > lineEnd)
        {
            cur = lineEnd;
        }
    }

    /// <summary>Sets the end of physical line <paramref name="index"/> of the record ('\r' and '\n' left out), from the framer's line breaks.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private void SetLine(int start, int index)
    {
        int end;
        if (index < lineBreakCount)
        {
            end = lineBreaks[index];
            nextLine = end + 1;
        }
        else
        {
            end = recordLength;
            nextLine = recordLength;
        }

        if (end > start && record[end - 1] == (byte)'\r')
        {
            end--;
        }

        lineEnd = end;
    }

    /// <summary>Moves to the next 88 continuation line; false when the record has no more.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private bool NextContinuation()
    {
        if (nextLine >= recordLength)
        {
            return false;
        }

        var start = nextLine;
        lineIndex++;
        SetLine(start, lineIndex);
        lineDone = false;
        cur = Math.Min(start + 3, lineEnd);
        if (lineEnd - start < 2 || record[start] != (byte)'8' || record[start + 1] != (byte)'8')
        {
            // Lenient only (the framer joins such a line to a 16 in lenient mode alone): text with no 88 before it.
            // It is no record of its own, so the trailers' record counts leave it out.
            cur = start;
            unmarkedContinuations++;
            var location = new Bai2Location(fileName, LineNumber + lineIndex, ByteOffset, code, -1);
            Deviation(location, Bai2ErrorCodes.MalformedContinuation, Bai2ErrorMessages.Format(Bai2ErrorMessages.MalformedContinuation, Bai2ErrorMessages.Show(record.AsSpan(start, Math.Min(lineEnd - start, 8)))));
        }
        else if (lineEnd - start < 3 || record[start + 2] != (byte)',')
        {
            // "88:EREF: ..." (moov-io sample5): taken as a continuation, the separator skipped.
            var location = new Bai2Location(fileName, LineNumber + lineIndex, ByteOffset, "88", -1);
            Deviation(location, Bai2ErrorCodes.MalformedContinuation, Bai2ErrorMessages.Format(Bai2ErrorMessages.MalformedContinuation, Bai2ErrorMessages.Show(record.AsSpan(start, Math.Min(lineEnd - start, 8)))));
        }

        return true;
    }

    /// <summary>The next field, trimmed of spaces; false when the record has no more fields.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private bool NextField(out int start, out int length)
    {
        while (lineDone)
        {
            if (!NextContinuation())
            {
                start = 0;
                length = 0;
                fieldIndex++;
                return false;
            }
        }

        fieldIndex++;
        fieldLine = lineIndex;
        var line = record.AsSpan(cur, lineEnd - cur);
        var at = line.IndexOfAny((byte)',', (byte)'/');
        if (at < 0)
        {
            // A record whose last field has no '/' after it (common in the wild and harmless).
            start = cur;
            length = line.Length;
            cur = lineEnd;
            lineDone = true;
        }
        else if (line[at] == (byte)',')
        {
            start = cur;
            length = at;
            cur += at + 1;
        }
        else if (!AfterDelimiter(cur + at + 1))
        {
            start = cur;
            length = at;
            cur = lineEnd;
            lineDone = true;
        }
        else
        {
            // Lenient: a '/' inside a field ("AB/GS/RPFILE", moov-io sample5) is data; the field ends at the next ','.
            start = cur;
            var comma = line.IndexOf((byte)',');
            length = comma < 0 ? line.Length : comma;
            cur = comma < 0 ? lineEnd : cur + comma + 1;
            lineDone = comma < 0;
        }

        Trim(ref start, ref length);
        return true;
    }

    /// <summary>
    /// What follows the '/' that ends a record must be spaces. True when it is data that lenient mode takes as
    /// part of the field (a warning); strict mode fails.
    /// </summary>
    private bool AfterDelimiter(int from)
    {
        var rest = record.AsSpan(from, lineEnd - from);
        var other = rest.IndexOfAnyExcept(" \t"u8);
        if (other < 0)
        {
            return false;
        }

        var location = new Bai2Location(fileName, LineNumber + lineIndex, ByteOffset, code, fieldIndex);
        if (StartsRecord(rest[other..]))
        {
            // Lenient reading splits the line where a space or more come between the '/' and the further record.
            var detail = Bai2ErrorMessages.Format(Bai2ErrorMessages.SeveralRecordsOnLine, Bai2ErrorMessages.Show(rest[other..]));
            Bai2Throw.Format(location, Bai2ErrorCodes.SeveralRecordsOnLine, other > 0 ? detail + Bai2ErrorMessages.AcceptedWhenLenient : detail);
        }

        Deviation(location, Bai2ErrorCodes.DataAfterDelimiter, Bai2ErrorMessages.Format(Bai2ErrorMessages.DataAfterDelimiter, Bai2ErrorMessages.Show(rest[other..])));
        return true;
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private void Trim(ref int start, ref int length)
    {
        while (length > 0 && record[start] == (byte)' ')
        {
            start++;
            length--;
        }

        while (length > 0 && record[start + length - 1] == (byte)' ')
        {
            length--;
        }
    }

    /// <summary>The next field, empty when missing.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private ReadOnlySpan<byte> Next()
    {
        NextField(out var start, out var length);
        return record.AsSpan(start, length);
    }

    /// <summary>Fails unless the record has no further non-empty field.</summary>
    private void NoMoreFields(int fieldCount)
    {
        while (NextField(out var start, out var length))
        {
            if (length > 0)
            {
                Fail(Bai2ErrorCodes.TooManyFields, null, Bai2ErrorMessages.Format(Bai2ErrorMessages.TooManyFields, fieldCount, Bai2ErrorMessages.Show(record.AsSpan(start, length))));
            }
        }
    }

    /// <summary>
    /// Reads the text: the rest of the physical line and every 88 continuation after it. The pieces are joined in
    /// place, each moved back in the record's buffer to follow the one before (over the line break and "88," already
    /// read), so the text is copied once, by the framer, and never again.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private void ReadText()
    {
        textPieces.Clear();
        fieldIndex++;
        fieldLine = lineIndex;
        textStart = cur;
        textLength = 0;
        if (!lineDone)
        {
            textLength = TextPiece(record.AsSpan(cur, lineEnd - cur)).Length;
            lineDone = true;
        }

        if (checkOnly)
        {
            // Nothing reads the text of a reader that only checks: each piece is checked as a piece is, not joined.
            while (NextContinuation())
            {
                TextPiece(record.AsSpan(cur, lineEnd - cur));
                lineDone = true;
            }

            return;
        }

        while (NextContinuation())
        {
            textPieces.Add(textLength);
            var piece = TextPiece(record.AsSpan(cur, lineEnd - cur));
            piece.CopyTo(record.AsSpan(textStart + textLength));
            textLength += piece.Length;
            lineDone = true;
        }

        // Padding after the text is not text.
        textLength = record.AsSpan(textStart, textLength).TrimEnd(" \t"u8).Length;
    }

    /// <summary>
    /// One physical piece of text. Many banks end the text, or each piece of it, with the record delimiter '/':
    /// it is not text. A text that is only '/' is empty. A '/' inside the text is text (dates, references).
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private ReadOnlySpan<byte> TextPiece(ReadOnlySpan<byte> piece)
    {
        var trimmed = piece.TrimEnd(" \t"u8);
        if (!trimmed.IsEmpty && trimmed[^1] == (byte)'/')
        {
            piece = trimmed[..^1];
        }

        if (!lenient && piece.Contains((byte)'/'))
        {
            CheckNoFurtherRecord(piece);
        }

        return piece;
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    private void CheckNoFurtherRecord(ReadOnlySpan<byte> piece)
    {
        if (FindFurtherRecord(piece, out var next) >= 0)
        {
            var location = new Bai2Location(fileName, LineNumber + lineIndex, ByteOffset, code, fieldIndex, "text");
            Bai2Throw.Format(location, Bai2ErrorCodes.SeveralRecordsOnLine, Bai2ErrorMessages.Format(Bai2ErrorMessages.SeveralRecordsOnLine, Bai2ErrorMessages.Show(piece[next..])) + Bai2ErrorMessages.AcceptedWhenLenient);
        }
    }

    private Bai2Location Here(string? fieldName) => new(fileName, LineNumber + fieldLine, ByteOffset, code, fieldIndex, fieldName);

    private void Fail(string errorCode, string? fieldName, string detail) => Bai2Throw.Format(Here(fieldName), errorCode, detail);

    private ReadOnlySpan<byte> Required(string fieldName, string what)
    {
        var value = Next();
        if (value.IsEmpty)
        {
            Fail(Bai2ErrorCodes.FieldRequired, fieldName, Bai2ErrorMessages.Format(Bai2ErrorMessages.FieldRequired, what));
        }

        return value;
    }

    private string RequiredText(string fieldName) => Decode(Required(fieldName, "the " + fieldName));

    private string? OptionalText()
    {
        var value = Next();
        return value.IsEmpty ? null : Decode(value);
    }

    private long ParseAmount(ReadOnlySpan<byte> value, bool signed, string fieldName)
    {
        if (!TryParseAmount(value, signed, out var amount))
        {
            Fail(Bai2ErrorCodes.BadNumber, fieldName, Bai2ErrorMessages.Format(Bai2ErrorMessages.BadNumber, signed ? "an amount: digits with an optional sign, at most 18 significant" : "an unsigned amount: digits only, at most 18 significant (the type code gives the direction)", Bai2ErrorMessages.Show(value)));
        }

        return amount;
    }

    private long? OptionalAmount(string fieldName, bool signed = true)
    {
        var value = Next();
        return value.IsEmpty ? null : ParseAmount(value, signed, fieldName);
    }

    private int ParseCount(ReadOnlySpan<byte> value, string fieldName)
    {
        if (!TryParseCount(value, out var count))
        {
            Fail(Bai2ErrorCodes.BadNumber, fieldName, Bai2ErrorMessages.Format(Bai2ErrorMessages.BadNumber, "a count: digits only", Bai2ErrorMessages.Show(value)));
        }

        return count;
    }

    private int? OptionalCount(string fieldName)
    {
        var value = Next();
        return value.IsEmpty ? null : ParseCount(value, fieldName);
    }

    private int RequiredCount(string fieldName) => ParseCount(Required(fieldName, "the " + fieldName), fieldName);

    private DateOnly RequiredDate(string fieldName)
    {
        var value = Required(fieldName, "the " + fieldName + " (YYMMDD)");
        if (!TryParseDate(value, out var date))
        {
            Fail(Bai2ErrorCodes.BadDate, fieldName, Bai2ErrorMessages.Format(Bai2ErrorMessages.BadDate, Bai2ErrorMessages.Show(value)));
        }

        return date;
    }

    private TimeOnly? OptionalTime(string fieldName, bool allowSeconds, out bool endOfDay)
    {
        var value = Next();
        endOfDay = false;
        if (value.IsEmpty)
        {
            return null;
        }

        if (!TryParseTime(value, allowSeconds, out var time, out endOfDay))
        {
            Fail(Bai2ErrorCodes.BadTime, fieldName, Bai2ErrorMessages.Format(Bai2ErrorMessages.BadTime, Bai2ErrorMessages.Show(value)));
        }

        return time;
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private Bai2TypeCode ParseTypeCode(ReadOnlySpan<byte> value, string fieldName)
    {
        if (value.Length != 3 || !IsDigit(value[0]) || !IsDigit(value[1]) || !IsDigit(value[2]) || value.SequenceEqual("000"u8))
        {
            Fail(Bai2ErrorCodes.BadTypeCode, fieldName, Bai2ErrorMessages.Format(Bai2ErrorMessages.BadTypeCode, "a type code of three digits, 001 to 999", Bai2ErrorMessages.Show(value)));
        }

        return Bai2TypeCodes.GetValid(unchecked(((value[0] - '0') * 100) + ((value[1] - '0') * 10) + (value[2] - '0')));
    }

    private CurrencyCode? OptionalCurrency(string fieldName)
    {
        var value = Next();
        if (value.IsEmpty)
        {
            return null;
        }

        Span<char> chars = stackalloc char[3];
        if (value.Length != 3 || !IsUpper(value[0]) || !IsUpper(value[1]) || !IsUpper(value[2]))
        {
            Fail(Bai2ErrorCodes.BadCurrency, fieldName, Bai2ErrorMessages.Format(Bai2ErrorMessages.BadCurrency, Bai2ErrorMessages.Show(value)));
        }

        chars[0] = (char)value[0];
        chars[1] = (char)value[1];
        chars[2] = (char)value[2];
        if (!CurrencyCode.TryParse(chars, out var currency))
        {
            Fail(Bai2ErrorCodes.BadCurrency, fieldName, Bai2ErrorMessages.Format(Bai2ErrorMessages.BadCurrency, Bai2ErrorMessages.Show(value)));
        }

        return currency;

        static bool IsUpper(byte b) => b is >= (byte)'A' and <= (byte)'Z';
    }

    /// <summary>Reads a funds type field and the fields it brings (V: date and time; S: three amounts; D: pairs).</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private Bai2Availability ReadAvailability()
    {
        var value = Next();
        if (value.IsEmpty)
        {
            return default;
        }

        if (value.Length == 1)
        {
            switch (value[0])
            {
                case (byte)'0':
                    return new Bai2Availability { FundsType = Bai2FundsType.Immediate };
                case (byte)'1':
                    return new Bai2Availability { FundsType = Bai2FundsType.OneDay };
                case (byte)'2':
                    return new Bai2Availability { FundsType = Bai2FundsType.TwoOrMoreDays };
                case (byte)'Z':
                    return new Bai2Availability { FundsType = Bai2FundsType.Unknown };
                case (byte)'V':
                    var date = RequiredDate("value date");
                    var time = OptionalTime("value time", allowSeconds: false, out var endOfDay);
                    return new Bai2Availability { FundsType = Bai2FundsType.ValueDated, ValueDate = date, ValueTime = endOfDay ? TimeOnly.MaxValue : time };
                case (byte)'S':
                    var immediate = OptionalAmount("immediate availability amount");
                    var oneDay = OptionalAmount("one-day availability amount");
                    var twoDays = OptionalAmount("two-or-more-day availability amount");
                    return new Bai2Availability { FundsType = Bai2FundsType.Distributed, Immediate = immediate, OneDay = oneDay, TwoOrMoreDays = twoDays };
                case (byte)'D':
                    var count = RequiredCount("number of distributions");
                    if (count > 100)
                    {
                        Fail(Bai2ErrorCodes.BadFundsType, "number of distributions", Bai2ErrorMessages.Format(Bai2ErrorMessages.BadNumber, "at most 100 distributions", count));
                    }

                    var pairs = new Bai2Distribution[count];
                    for (var i = 0; i < count; i++)
                    {
                        var days = RequiredCount("availability in days");
                        var amount = ParseAmount(Required("distributed amount", "the distributed amount"), signed: true, "distributed amount");
                        pairs[i] = new Bai2Distribution(days, amount);
                    }

                    return new Bai2Availability { FundsType = Bai2FundsType.DistributedByDays, Distributions = pairs };
            }
        }

        Fail(Bai2ErrorCodes.BadFundsType, "funds type", Bai2ErrorMessages.Format(Bai2ErrorMessages.BadFundsType, Bai2ErrorMessages.Show(value)));
        return default;
    }

    private void DecodeFileHeader()
    {
        var sender = RequiredText("sender identification");
        var receiver = RequiredText("receiver identification");
        var date = RequiredDate("file creation date");

        // Some banks write the creation time with colons and seconds (NatWest "14:59:35"); nothing hangs on it.
        var time = OptionalTime("file creation time", allowSeconds: true, out _);
        var fileId = RequiredText("file identification number");
        var recordLengthField = OptionalCount("physical record length");
        var blockSize = OptionalCount("block size");
        var version = Required("version number", "the version number 2");
        if (!version.SequenceEqual("2"u8))
        {
            Fail(Bai2ErrorCodes.BadValue, "version number", Bai2ErrorMessages.Format(Bai2ErrorMessages.BadValue, "version 2", Bai2ErrorMessages.Show(version)));
        }

        NoMoreFields(8);
        FileHeader = new Bai2FileHeader(sender, receiver, date, time, fileId, recordLengthField, blockSize, 2) { LineNumber = LineNumber };
    }

    private void DecodeGroupHeader()
    {
        var receiver = OptionalText();
        var originator = RequiredText("originator identification");
        var statusField = Required("group status", "a group status 1 to 4");
        if (statusField.Length != 1 || statusField[0] is < (byte)'1' or > (byte)'4')
        {
            Fail(Bai2ErrorCodes.BadValue, "group status", Bai2ErrorMessages.Format(Bai2ErrorMessages.BadValue, "a group status 1 (update), 2 (deletion), 3 (correction) or 4 (test only)", Bai2ErrorMessages.Show(statusField)));
        }

        var status = (Bai2GroupStatus)(statusField[0] - '0');
        var date = RequiredDate("as-of date");
        var time = OptionalTime("as-of time", allowSeconds: false, out var endOfDay);
        var currency = OptionalCurrency("currency code");
        var modifierField = Next();
        var modifier = Bai2AsOfDateModifier.NotGiven;
        if (!modifierField.IsEmpty)
        {
            if (modifierField.Length != 1 || modifierField[0] is < (byte)'1' or > (byte)'4')
            {
                Fail(Bai2ErrorCodes.BadValue, "as-of-date modifier", Bai2ErrorMessages.Format(Bai2ErrorMessages.BadValue, "an as-of-date modifier 1 to 4 or blank", Bai2ErrorMessages.Show(modifierField)));
            }

            modifier = (Bai2AsOfDateModifier)(modifierField[0] - '0');
        }

        NoMoreFields(7);
        GroupHeader = new Bai2GroupHeader(receiver, originator, status, date, time, endOfDay, currency?.Code, modifier) { LineNumber = LineNumber };
    }

    private void DecodeAccount()
    {
        AccountNumber = RequiredText("customer account number");
        var given = OptionalCurrency("currency code");
        accountCurrencyGiven = given?.Code;
        Currency = given ?? groupCurrency ?? defaultCurrency;
        summaries.Clear();
        while (NextField(out var start, out var length))
        {
            var typeField = record.AsSpan(start, length);
            if (typeField.IsEmpty && lineDone)
            {
                // An empty last field before the '/' ("015,35217175,,,/", SVB): padding, not a summary.
                continue;
            }

            var amountField = Next();
            var count = OptionalCount("item count");
            var availability = ReadAvailability();
            if (typeField.IsEmpty)
            {
                if (!amountField.IsEmpty || count is not null || availability.FundsType != Bai2FundsType.NotGiven)
                {
                    Fail(Bai2ErrorCodes.FieldRequired, "summary type code", Bai2ErrorMessages.Format(Bai2ErrorMessages.FieldRequired, "the type code of a summary that has an amount"));
                }

                summaries.Add(new Bai2AccountSummary(null, null, null, default));
                continue;
            }

            var type = ParseTypeCode(typeField, "summary type code");
            long? amount = amountField.IsEmpty ? null : ParseAmount(amountField, signed: true, "summary amount");
            summaries.Add(new Bai2AccountSummary(type, amount, count, availability));
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private void DecodeDetail()
    {
        var typeField = Required("type code", "the type code");
        TypeCode = ParseTypeCode(typeField, "type code");
        if (TypeCode.Direction is null && TypeCode.Code != 890)
        {
            // A transaction must be a credit or a debit; lenient mode reads the record and yields no transaction.
            Deviation(Here("type code"), Bai2ErrorCodes.BadTypeCode, Bai2ErrorMessages.Format(Bai2ErrorMessages.BadTypeCode, "a transaction type code 100-699 (credit or debit), a loan code with a direction, or 890", Bai2ErrorMessages.Show(typeField)));
        }

        Amount = ParseAmount(Required("amount", "the amount"), signed: false, "amount");
        Availability = ReadAvailability();
        NextField(out var start, out var length);
        bankReference = (start, length);
        NextField(out start, out length);
        customerReference = (start, length);
        ReadText();
    }

    private void DecodeAccountTrailer()
    {
        // A blank account control total is taken as zero (ministryofjustice/bai2 example; its accounts are empty).
        Amount = OptionalAmount("account control total") ?? 0;
        TrailerRecordCount = RequiredCount("number of records");
        TrailerItemCount = null;
        NoMoreFields(2);
    }

    private void DecodeGroupTrailer()
    {
        Amount = OptionalAmount("group control total") ?? 0;
        var second = RequiredCount("number of accounts");
        var third = Next();
        if (third.IsEmpty)
        {
            // A 98 with two fields: total and record count (zeptofs/bai2 fixture).
            Deviation(Here("number of records"), Bai2ErrorCodes.GroupTrailerTwoFields, Bai2ErrorMessages.GroupTrailerTwoFields);
            TrailerItemCount = null;
            TrailerRecordCount = second;
        }
        else
        {
            TrailerItemCount = second;
            TrailerRecordCount = ParseCount(third, "number of records");
        }

        NoMoreFields(3);
    }

    private void DecodeFileTrailer()
    {
        Amount = OptionalAmount("file control total") ?? 0;
        TrailerItemCount = RequiredCount("number of groups");
        TrailerRecordCount = RequiredCount("number of records");
        NoMoreFields(3);
    }

    /// <summary>Parses <c>[+-]digits</c>; at most 18 significant digits, so it always fits a long.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    internal static bool TryParseAmount(ReadOnlySpan<byte> value, bool signed, out long amount)
    {
        amount = 0;
        var negative = false;
        if (!value.IsEmpty && value[0] is (byte)'+' or (byte)'-')
        {
            if (!signed)
            {
                return false;
            }

            negative = value[0] == (byte)'-';
            value = value[1..];
        }

        if (value.IsEmpty)
        {
            return false;
        }

        // One pass: digits only, at most 18 significant (so the value cannot overflow a long).
        long result = 0;
        var significant = 0;
        foreach (var b in value)
        {
            var digit = unchecked((uint)(b - '0'));
            if (digit > 9)
            {
                return false;
            }

            result = unchecked((result * 10) + digit);
            if (result != 0 && ++significant > 18)
            {
                return false;
            }
        }

        amount = negative ? -result : result;
        return true;
    }

    /// <summary>Parses an unsigned count of at most nine significant digits.</summary>
    internal static bool TryParseCount(ReadOnlySpan<byte> value, out int count)
    {
        count = 0;
        if (value.IsEmpty || value.IndexOfAnyExceptInRange((byte)'0', (byte)'9') >= 0)
        {
            return false;
        }

        var significant = value.IndexOfAnyExcept((byte)'0');
        if (significant < 0)
        {
            return true;
        }

        value = value[significant..];
        if (value.Length > 9)
        {
            return false;
        }

        foreach (var b in value)
        {
            // At most 9 digits: cannot overflow.
            count = unchecked((count * 10) + (b - '0'));
        }

        return true;
    }

    /// <summary>Parses YYMMDD; years 70-99 are 19YY, 00-69 are 20YY.</summary>
    internal static bool TryParseDate(ReadOnlySpan<byte> value, out DateOnly date)
    {
        date = default;
        if (value.Length != 6 || value.IndexOfAnyExceptInRange((byte)'0', (byte)'9') >= 0)
        {
            return false;
        }

        var yy = ((value[0] - '0') * 10) + (value[1] - '0');
        var month = ((value[2] - '0') * 10) + (value[3] - '0');
        var day = ((value[4] - '0') * 10) + (value[5] - '0');
        var year = yy >= 70 ? 1900 + yy : 2000 + yy;
        if (month is < 1 or > 12 || day < 1 || day > DateTime.DaysInMonth(year, month))
        {
            return false;
        }

        date = new DateOnly(year, month, day);
        return true;
    }

    /// <summary>Parses HHMM (2400 and 9999 mean end of day); with <paramref name="allowSeconds"/> also HHMMSS and HH:MM[:SS].</summary>
    internal static bool TryParseTime(ReadOnlySpan<byte> value, bool allowSeconds, out TimeOnly? time, out bool endOfDay)
    {
        time = null;
        endOfDay = false;
        Span<byte> digits = stackalloc byte[6];
        var n = 0;
        foreach (var b in value)
        {
            if (b == (byte)':' && allowSeconds)
            {
                continue;
            }

            if (!IsDigit(b) || n == 6)
            {
                return false;
            }

            digits[n++] = b;
        }

        if (n != 4 && !(allowSeconds && n == 6))
        {
            return false;
        }

        var hours = ((digits[0] - '0') * 10) + (digits[1] - '0');
        var minutes = ((digits[2] - '0') * 10) + (digits[3] - '0');
        var seconds = n == 6 ? ((digits[4] - '0') * 10) + (digits[5] - '0') : 0;
        if ((hours == 24 && minutes == 0 && seconds == 0) || (hours == 99 && minutes == 99 && n == 4))
        {
            endOfDay = true;
            return true;
        }

        if (hours > 23 || minutes > 59 || seconds > 59)
        {
            return false;
        }

        time = new TimeOnly(hours, minutes, seconds);
        return true;
    }
}
