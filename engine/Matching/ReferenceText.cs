namespace CashApp.Engine.Matching;

/// <summary>
/// Turns document numbers, as AR prints them and as payers write them, into comparable keys.
/// A number has a <em>full key</em> (its letters and digits, upper case: <c>INV-1004567</c> is
/// <c>INV1004567</c>) and a <em>core key</em> (the full key without a leading letter prefix and
/// leading zeros: <c>1004567</c>), because payers quote <c>INV-1004567</c>, <c>inv 1004567</c>,
/// <c>#1004567</c> and <c>0001004567</c> alike.
/// </summary>
public static class ReferenceText
{
    private static readonly System.Buffers.SearchValues<char> SuffixSeparators = System.Buffers.SearchValues.Create("-/._");

    private static readonly System.Buffers.SearchValues<char> NumberSeparators = System.Buffers.SearchValues.Create(" -/._#:");

    private static readonly System.Buffers.SearchValues<char> AmountChars = System.Buffers.SearchValues.Create("0123456789.,");

    // The ASCII digits, searched as SearchValues (here and in NameWords): the generic ContainsAnyInRange('0', '9') and
    // IndexOfAnyInRange over chars boxed their bounds on every call of the ReadyToRun build until it was compiled again at
    // tier 1 (3 % of what the match stage of a 200k-payment day allocated in session 14; 264 bytes a NameWords.Spelling,
    // 53 MB of boxed chars in session 23).
    internal static readonly System.Buffers.SearchValues<char> Digits = System.Buffers.SearchValues.Create("0123456789");

    // The letters OcrDigits reads as digits.
    private static readonly System.Buffers.SearchValues<char> LookAlikes = System.Buffers.SearchValues.Create("OILSBZG");

    /// <summary>Shortest core key that is looked up at all: shorter numbers are too common to mean anything.</summary>
    public const int MinCoreLength = 4;

    /// <summary>Letters and digits of <paramref name="text"/>, upper case.</summary>
    public static string FullKey(ReadOnlySpan<char> text)
    {
        var buffer = text.Length <= 256 ? stackalloc char[text.Length] : new char[text.Length];
        return new string(buffer[..FullKey(text, buffer)]);
    }

    /// <summary>
    /// Writes the full key of <paramref name="text"/> into <paramref name="into"/> (at least as long as the text) and returns
    /// its length. <paramref name="into"/> may be the text itself: each character is written at or before where it was read.
    /// </summary>
    public static int FullKey(ReadOnlySpan<char> text, Span<char> into)
    {
        var n = 0;
        foreach (var c in text)
        {
            if (char.IsAsciiLetterOrDigit(c))
            {
                into[n++] = char.IsAsciiLetterLower(c) ? (char)(c - ('a' - 'A')) : c;
            }
        }

        return n;
    }

    /// <summary>
    /// The full key without a leading run of letters and without leading zeros, when what is left
    /// starts with a digit and is at least <see cref="MinCoreLength"/> long; otherwise null.
    /// </summary>
    public static string? CoreKey(string fullKey)
    {
        ArgumentNullException.ThrowIfNull(fullKey);
        var start = CoreStart(fullKey);
        return start < 0 ? null : start == 0 ? fullKey : fullKey[start..];
    }

    /// <summary>Where the core key starts in <paramref name="fullKey"/>, or -1 when it has none (see <see cref="CoreKey"/>).</summary>
    public static int CoreStart(ReadOnlySpan<char> fullKey)
    {
        var i = 0;
        while (i < fullKey.Length && char.IsAsciiLetter(fullKey[i]))
        {
            i++;
        }

        while (i < fullKey.Length && fullKey[i] == '0')
        {
            i++;
        }

        return fullKey.Length - i < MinCoreLength || !char.IsAsciiDigit(fullKey[i]) ? -1 : i;
    }

    /// <summary>
    /// Reads a number as it was probably meant when a person or OCR confused look-alike characters in a
    /// mostly numeric reference (O/0, I/1, L/1, S/5, B/8, Z/2, G/6). Null when nothing changes or the
    /// text is not mostly digits.
    /// </summary>
    public static string? OcrDigits(string key)
    {
        ArgumentNullException.ThrowIfNull(key);
        var digits = 0;
        foreach (var c in key)
        {
            if (char.IsAsciiDigit(c))
            {
                digits++;
            }
        }

        // Most keys are digits alone: no look-alike, nothing to copy.
        if (digits < MinCoreLength - 1 || digits * 2 < key.Length || !key.AsSpan().ContainsAny(LookAlikes))
        {
            return null;
        }

        var chars = key.ToCharArray();
        var changed = false;
        for (var i = 0; i < chars.Length; i++)
        {
            var mapped = chars[i] switch
            {
                'O' => '0',
                'I' or 'L' => '1',
                'S' => '5',
                'B' => '8',
                'Z' => '2',
                'G' => '6',
                _ => chars[i],
            };
            changed |= mapped != chars[i];
            chars[i] = mapped;
        }

        return changed ? new string(chars) : null;
    }

    /// <summary>
    /// Core keys a reference may have been meant as, reading look-alike letters as digits. The letter
    /// prefix is not known (<c>INVI019613</c> is <c>INV</c> and <c>I019613</c>), so every split of the
    /// leading letters is tried; only readings that become all digits are returned.
    /// </summary>
    public static IEnumerable<string> OcrReadings(string key)
    {
        ArgumentNullException.ThrowIfNull(key);
        var letters = 0;
        while (letters < key.Length && char.IsAsciiLetter(key[letters]))
        {
            letters++;
        }

        // The set only once there is a reading: most keys have none.
        HashSet<string>? seen = null;
        for (var split = 0; split <= letters; split++)
        {
            if (OcrDigits(key[split..]) is { } digits && digits.All(char.IsAsciiDigit))
            {
                var core = digits.TrimStart('0');
                if (core.Length >= MinCoreLength && (seen ??= new HashSet<string>(StringComparer.Ordinal)).Add(core))
                {
                    yield return core;
                }
            }
        }
    }

    /// <summary>
    /// The reference-like tokens of free text: runs of letters, digits, <c>-</c> and <c>_</c> between
    /// separators, each with at least one digit. Words such as <c>INVOICE</c> or <c>PAYMENT</c> are not
    /// returned, and a lone letter prefix separated by a space (<c>inv 1004567</c>) is dropped by the
    /// core key anyway.
    /// </summary>
    public static List<string> Tokens(string? text)
    {
        var tokens = new List<string>();
        var position = 0;
        while (NextToken(text, ref position, out var token))
        {
            tokens.Add(text![token]);
        }

        return tokens;
    }

    /// <summary>
    /// The next token of <see cref="Tokens"/> at or after <paramref name="position"/>, without allocating;
    /// false when there are no more.
    /// </summary>
    public static bool NextToken(string? text, ref int position, out Range token)
    {
        if (text is null)
        {
            token = default;
            return false;
        }

        var start = -1;
        var part = -1;
        for (var i = position; i <= text.Length; i++)
        {
            var inside = i < text.Length && (char.IsAsciiLetterOrDigit(text[i]) || text[i] is '-' or '_' or '.');
            if (inside)
            {
                if (start < 0)
                {
                    start = i;
                    part = i;
                }

                continue;
            }

            // A slash inside a yearly number (INV/2026/00421, 00421/2026, 9001234567/2026) keeps it one token;
            // any other slash separates two (126161/1026146).
            if (start >= 0 && i < text.Length && text[i] == '/' && YearJoins(text.AsSpan(part, i - part), PartAfter(text, i + 1)))
            {
                part = i + 1;
                continue;
            }

            if (start >= 0)
            {
                var run = text.AsSpan(start, i - start);
                var trimmed = run.Trim("-_.");
                if (trimmed.ContainsAny(Digits) && !LooksLikeAmount(trimmed))
                {
                    var from = start + (run.Length - run.TrimStart("-_.").Length);
                    token = from..(from + trimmed.Length);
                    position = i;
                    return true;
                }

                start = -1;
            }
        }

        position = text.Length + 1;
        token = default;
        return false;
    }

    /// <summary>The letters and digits right after <paramref name="from"/>.</summary>
    private static ReadOnlySpan<char> PartAfter(string text, int from)
    {
        var end = from;
        while (end < text.Length && char.IsAsciiLetterOrDigit(text[end]))
        {
            end++;
        }

        return text.AsSpan(from, end - from);
    }

    /// <summary>
    /// Whether a slash between <paramref name="left"/> and <paramref name="right"/> is inside one yearly number:
    /// one side is a year, the other a series' letters (INV/2026) or a number of at least <see cref="MinCoreLength"/>
    /// characters (2026/00421, 9001234567/2026). A date (12/2026, 2026/12) is not.
    /// </summary>
    private static bool YearJoins(ReadOnlySpan<char> left, ReadOnlySpan<char> right)
    {
        left = left.Trim("-_.");
        return (IsYear(left) && Numberlike(right)) || (IsYear(right) && Numberlike(left));

        static bool Numberlike(ReadOnlySpan<char> part) =>
            part.Length > 0 && !part.ContainsAnyExcept(AlphaNumerics) && (!part.ContainsAny(Digits) || part.Length >= MinCoreLength);
    }

    /// <summary>Whether <paramref name="part"/> is a year as numbers carry them: four digits, 19xx or 20xx.</summary>
    public static bool IsYear(ReadOnlySpan<char> part) =>
        part.Length == 4 && part[0] is '1' or '2' && part[1] is '9' or '0' && (part[0] == '1') == (part[1] == '9') && char.IsAsciiDigit(part[2]) && char.IsAsciiDigit(part[3]);

    private static readonly System.Buffers.SearchValues<char> AlphaNumerics =
        System.Buffers.SearchValues.Create("0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz");

    // "24181.85" in remittance text is an amount, not a document number.
    private static bool LooksLikeAmount(ReadOnlySpan<char> token)
    {
        var point = token.IndexOf('.');
        return point > 0 && point == token.Length - 3 && !token.ContainsAnyExcept(AmountChars);
    }

    /// <summary>
    /// Keys to look a quoted reference up by, strongest first: its full key, its core key, and for a
    /// number with a short line suffix (<c>1004567-01</c>) the number without it.
    /// </summary>
    public static IReadOnlyList<string> LookupKeys(string reference)
    {
        ArgumentNullException.ThrowIfNull(reference);
        // On the stack for a reference of a usual length: every quote of every payment is read so.
        var buffer = reference.Length <= 64 ? stackalloc char[KeyBufferFactor * 64] : new char[KeyBufferFactor * reference.Length];
        Span<Range> keys = stackalloc Range[MaxLookupKeys];
        var count = LookupKeys(reference, buffer, keys);
        var result = new string[count];
        for (var k = 0; k < count; k++)
        {
            result[k] = new string(buffer[keys[k]]);
        }

        return result;
    }

    /// <summary>The most keys <see cref="LookupKeys(ReadOnlySpan{char}, Span{char}, Span{Range})"/> gives.</summary>
    public const int MaxLookupKeys = 6;

    /// <summary>How many times a reference's length the buffer of <see cref="LookupKeys(ReadOnlySpan{char}, Span{char}, Span{Range})"/> must hold.</summary>
    public const int KeyBufferFactor = 5;

    /// <summary>
    /// The lookup keys of <paramref name="reference"/> without allocating: they are written into
    /// <paramref name="buffer"/> (at least <see cref="KeyBufferFactor"/> times the reference's length) and
    /// their places into <paramref name="keys"/>; returns how many. The first is always the full key.
    /// </summary>
    public static int LookupKeys(ReadOnlySpan<char> reference, Span<char> buffer, Span<Range> keys)
    {
        var full = FullKey(reference, buffer);
        if (full == 0)
        {
            return 0;
        }

        var count = 0;
        keys[count++] = ..full;
        var core = CoreStart(buffer[..full]);
        if (core > 0)
        {
            keys[count++] = core..full;
        }

        var next = full;

        // A line or page suffix after the last separator: "1004567-01", "INV 1004567/2".
        var cut = reference.LastIndexOfAny(SuffixSeparators);
        if (cut > 0 && reference.Length - cut - 1 is > 0 and <= 3)
        {
            var stem = FullKey(reference[..cut], buffer[next..]);
            var stemCore = CoreStart(buffer.Slice(next, stem));
            if (stemCore >= 0)
            {
                keys[count++] = (next + stemCore)..(next + stem);
                next += stem;
            }
        }

        // A fiscal year after the number ("9001234567/2026", "00421 2026"): the number without it, and a
        // short number with the year in front, as a yearly series prints it (2026-00421, INV/2026/00421).
        var trimmed = reference.TrimEnd();
        var yearCut = trimmed.LastIndexOfAny('/', ' ');
        if (yearCut > 0 && IsYear(trimmed[(yearCut + 1)..]))
        {
            var before = trimmed[..yearCut];
            var number = FullKey(before, buffer[next..]);
            var numberCore = CoreStart(buffer.Slice(next, number));
            if (numberCore >= 0)
            {
                keys[count++] = (next + numberCore)..(next + number);
                next += number;
            }

            var last = before[(before.LastIndexOfAny(NumberSeparators) + 1)..];
            if (last.Length is >= MinYearlyDigits and <= MaxYearlyDigits && !last.ContainsAnyExcept(Digits))
            {
                trimmed[(yearCut + 1)..].CopyTo(buffer[next..]);
                last.CopyTo(buffer[(next + 4)..]);
                keys[count++] = next..(next + 4 + last.Length);
                next += 4 + last.Length;
            }
        }

        // Lead words before a number with a prefix of its own ("INV CM-293", "RE: INV-4521"): the number is
        // what follows them, not the words glued to it. A number of digits after lead words ("INV 1004567")
        // is already found by its core.
        var lead = LeadEnd(reference);
        if (lead > 0)
        {
            var after = FullKey(reference[lead..], buffer[next..]);
            if (after > 0 && char.IsAsciiLetter(buffer[next]) && buffer.Slice(next, after).ContainsAny(Digits))
            {
                keys[count++] = next..(next + after);
            }
        }

        return count;
    }

    /// <summary>The fewest digits of a number in a yearly series (00421 of INV/2026/00421): fewer are a month or a day.</summary>
    private const int MinYearlyDigits = 3;

    /// <summary>The most digits of a number in a yearly series: more are a number of their own, the year only its fiscal year.</summary>
    private const int MaxYearlyDigits = 7;

    /// <summary>
    /// Where the number starts after lead words: the words before it that have no digit ("INV", "RE:",
    /// "RECHNUNG NR."), each followed by white space; 0 when there are none. The last word is never a lead word.
    /// </summary>
    public static int LeadEnd(ReadOnlySpan<char> reference)
    {
        var lead = 0;
        var at = 0;
        while (true)
        {
            while (at < reference.Length && char.IsWhiteSpace(reference[at]))
            {
                at++;
            }

            var start = at;
            while (at < reference.Length && !char.IsWhiteSpace(reference[at]))
            {
                at++;
            }

            if (start == at || at >= reference.Length || reference[start..at].ContainsAny(Digits))
            {
                return lead;
            }

            lead = at;
        }
    }

    /// <summary>
    /// The letters the number after the lead words of <paramref name="reference"/> starts with, upper case, written
    /// into <paramref name="into"/> (at least as long as the reference); returns how many. CM of "INV CM-293", none of
    /// "INV 1004567"; -1 when the reference has no lead words.
    /// </summary>
    public static int SeriesAfterLead(ReadOnlySpan<char> reference, Span<char> into)
    {
        var lead = LeadEnd(reference);
        if (lead == 0)
        {
            return -1;
        }

        var n = 0;
        foreach (var c in reference[lead..])
        {
            if (char.IsAsciiDigit(c))
            {
                break;
            }

            if (char.IsAsciiLetter(c))
            {
                into[n++] = char.ToUpperInvariant(c);
            }
        }

        return n;
    }
}
