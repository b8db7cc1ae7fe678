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

    private static readonly System.Buffers.SearchValues<char> AmountChars = System.Buffers.SearchValues.Create("0123456789.,");

    /// <summary>Shortest core key that is looked up at all: shorter numbers are too common to mean anything.</summary>
    public const int MinCoreLength = 4;

    /// <summary>Letters and digits of <paramref name="text"/>, upper case.</summary>
    public static string FullKey(ReadOnlySpan<char> text)
    {
        var buffer = text.Length <= 256 ? stackalloc char[text.Length] : new char[text.Length];
        return new string(buffer[..FullKey(text, buffer)]);
    }

    /// <summary>Writes the full key of <paramref name="text"/> into <paramref name="into"/> (at least as long as the text) and returns its length.</summary>
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

        if (digits < MinCoreLength - 1 || digits * 2 < key.Length)
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

        var seen = new HashSet<string>(StringComparer.Ordinal);
        for (var split = 0; split <= letters; split++)
        {
            if (OcrDigits(key[split..]) is { } digits && digits.All(char.IsAsciiDigit))
            {
                var core = digits.TrimStart('0');
                if (core.Length >= MinCoreLength && seen.Add(core))
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
        for (var i = position; i <= text.Length; i++)
        {
            var inside = i < text.Length && (char.IsAsciiLetterOrDigit(text[i]) || text[i] is '-' or '_' or '.');
            if (inside)
            {
                if (start < 0)
                {
                    start = i;
                }

                continue;
            }

            if (start >= 0)
            {
                var run = text.AsSpan(start, i - start);
                var trimmed = run.Trim("-_.");
                if (trimmed.ContainsAnyInRange('0', '9') && !LooksLikeAmount(trimmed))
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
        var buffer = new char[2 * reference.Length];
        Span<Range> keys = stackalloc Range[MaxLookupKeys];
        var count = LookupKeys(reference, buffer, keys);
        var result = new string[count];
        for (var k = 0; k < count; k++)
        {
            result[k] = new string(buffer.AsSpan(keys[k]));
        }

        return result;
    }

    /// <summary>The most keys <see cref="LookupKeys(ReadOnlySpan{char}, Span{char}, Span{Range})"/> gives.</summary>
    public const int MaxLookupKeys = 3;

    /// <summary>
    /// The lookup keys of <paramref name="reference"/> without allocating: they are written into
    /// <paramref name="buffer"/> (at least twice the reference's length) and their places into
    /// <paramref name="keys"/>; returns how many.
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

        // A line or page suffix after the last separator: "1004567-01", "INV 1004567/2".
        var cut = reference.LastIndexOfAny(SuffixSeparators);
        if (cut > 0 && reference.Length - cut - 1 is > 0 and <= 3)
        {
            var stem = FullKey(reference[..cut], buffer[full..]);
            var stemCore = CoreStart(buffer.Slice(full, stem));
            if (stemCore >= 0)
            {
                keys[count++] = (full + stemCore)..(full + stem);
            }
        }

        return count;
    }
}
