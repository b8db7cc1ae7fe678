namespace CashApp.Parsers.Camt;

/// <summary>
/// ISO 11649 structured creditor references: <c>RF</c>, two check digits, then 1 to 21 letters or digits
/// (printed in groups of four, so spaces are ignored). The check is ISO 7064 MOD 97-10, as for an IBAN.
/// </summary>
public static class CreditorReference
{
    /// <summary>Longest reference after <c>RFnn</c>.</summary>
    public const int MaxReferenceLength = 21;

    /// <summary>True when <paramref name="text"/> starts with <c>RF</c> (any case, after leading spaces): it claims to be ISO 11649.</summary>
    public static bool LooksLikeIso11649(ReadOnlySpan<char> text)
    {
        text = text.TrimStart(' ');
        return text.Length >= 2 && (text[0] | 0x20) == 'r' && (text[1] | 0x20) == 'f';
    }

    /// <summary>
    /// Validates an ISO 11649 reference and returns the part after <c>RFnn</c> (spaces removed, upper case).
    /// False when it does not start with <c>RF</c>, has characters other than letters, digits and spaces, a
    /// reference part of 0 or more than 21 characters, or wrong check digits.
    /// </summary>
    public static bool TryDecode(ReadOnlySpan<char> text, out string reference)
    {
        reference = string.Empty;
        Span<char> compact = stackalloc char[4 + MaxReferenceLength];
        var length = 0;
        foreach (var c in text)
        {
            if (c == ' ')
            {
                continue;
            }

            if (!char.IsAsciiLetterOrDigit(c) || length == compact.Length)
            {
                return false;
            }

            compact[length++] = char.ToUpperInvariant(c);
        }

        if (length < 5 || compact[0] != 'R' || compact[1] != 'F' || !char.IsAsciiDigit(compact[2]) || !char.IsAsciiDigit(compact[3]))
        {
            return false;
        }

        // ISO 7064 MOD 97-10: the reference, then RF and the check digits, letters as 10..35, must leave 1.
        var remainder = 0;
        for (var i = 0; i < length; i++)
        {
            var c = compact[(i + 4) % length];
            remainder = char.IsAsciiDigit(c)
                ? ((remainder * 10) + (c - '0')) % 97
                : ((remainder * 100) + (c - 'A' + 10)) % 97;
        }

        if (remainder != 1)
        {
            return false;
        }

        reference = new string(compact[4..length]);
        return true;
    }

    /// <summary>Makes an ISO 11649 reference from its reference part (letters and digits, 1 to 21): <c>RF</c>, check digits, reference.</summary>
    public static string Encode(string reference)
    {
        ArgumentException.ThrowIfNullOrEmpty(reference);
        if (reference.Length > MaxReferenceLength || !reference.All(char.IsAsciiLetterOrDigit))
        {
            throw new ArgumentException($"'{reference}' is not 1 to {MaxReferenceLength} letters or digits.", nameof(reference));
        }

        var upper = reference.ToUpperInvariant();
        var remainder = 0;
        foreach (var c in upper + "RF00")
        {
            remainder = char.IsAsciiDigit(c)
                ? ((remainder * 10) + (c - '0')) % 97
                : ((remainder * 100) + (c - 'A' + 10)) % 97;
        }

        var check = 98 - remainder;
        return $"RF{check:00}{upper}";
    }
}
