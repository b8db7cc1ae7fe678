using System.Text;

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
        var builder = new StringBuilder(text.Length);
        foreach (var c in text)
        {
            if (char.IsAsciiLetterOrDigit(c))
            {
                builder.Append(char.ToUpperInvariant(c));
            }
        }

        return builder.ToString();
    }

    /// <summary>
    /// The full key without a leading run of letters and without leading zeros, when what is left
    /// starts with a digit and is at least <see cref="MinCoreLength"/> long; otherwise null.
    /// </summary>
    public static string? CoreKey(string fullKey)
    {
        ArgumentNullException.ThrowIfNull(fullKey);
        var i = 0;
        while (i < fullKey.Length && char.IsAsciiLetter(fullKey[i]))
        {
            i++;
        }

        while (i < fullKey.Length && fullKey[i] == '0')
        {
            i++;
        }

        if (fullKey.Length - i < MinCoreLength || !char.IsAsciiDigit(fullKey[i]))
        {
            return null;
        }

        return i == 0 ? fullKey : fullKey[i..];
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
        if (string.IsNullOrEmpty(text))
        {
            return tokens;
        }

        var start = -1;
        for (var i = 0; i <= text.Length; i++)
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
                var token = text.AsSpan(start, i - start).Trim("-_.");
                if (token.ContainsAnyInRange('0', '9') && !LooksLikeAmount(token))
                {
                    tokens.Add(token.ToString());
                }

                start = -1;
            }
        }

        return tokens;
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
    public static IEnumerable<string> LookupKeys(string reference)
    {
        ArgumentNullException.ThrowIfNull(reference);
        var full = FullKey(reference);
        if (full.Length == 0)
        {
            yield break;
        }

        yield return full;
        var core = CoreKey(full);
        if (core is not null && core != full)
        {
            yield return core;
        }

        // A line or page suffix after the last separator: "1004567-01", "INV 1004567/2".
        var cut = reference.AsSpan().LastIndexOfAny(SuffixSeparators);
        if (cut > 0 && reference.Length - cut - 1 is > 0 and <= 3)
        {
            var stem = FullKey(reference.AsSpan(0, cut));
            var stemCore = CoreKey(stem);
            if (stemCore is not null)
            {
                yield return stemCore;
            }
        }
    }
}
