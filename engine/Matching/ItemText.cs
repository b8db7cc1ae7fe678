using System.Buffers;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Text;

namespace CashApp.Engine.Matching;

/// <summary>
/// A text of an open item (its id, invoice number or PO number) where <see cref="ItemRecords"/> keeps it: one byte a
/// character when every character is Latin-1 (U+0000 to U+00FF), else UTF-16. Compared, ordered and hashed as the
/// string it stands for, whichever way it is kept: ordinally, character by character, and hashed as
/// <see cref="string.GetHashCode(ReadOnlySpan{char})"/> hashes its characters.
/// </summary>
/// <remarks>
/// Ids and reference numbers are nearly always ASCII: kept as bytes, the 1M day's texts take 145 MB where UTF-16 took
/// 289 for the whole run (PERFORMANCE.md, "Session 42"). A byte widened is the character of the same number, so two
/// texts kept as bytes compare as their bytes do.
/// </remarks>
internal readonly ref struct ItemText
{
    // Texts up to this long are widened on the stack to be hashed.
    private const int OnStack = 256;

    private readonly ReadOnlySpan<byte> _narrow;
    private readonly ReadOnlySpan<char> _wide;
    private readonly bool _isWide;

    /// <summary>A text of characters, as given.</summary>
    public ItemText(ReadOnlySpan<char> characters)
    {
        _wide = characters;
        _isWide = true;
    }

    private ItemText(ReadOnlySpan<byte> latin1) => _narrow = latin1;

    /// <summary>A text kept one byte a character, each byte the Latin-1 character of its number.</summary>
    public static ItemText OfLatin1(ReadOnlySpan<byte> latin1) => new(latin1);

    /// <summary>How many characters the text has.</summary>
    public int Length => _isWide ? _wide.Length : _narrow.Length;

    // Latin-1's characters, searched as SearchValues (as ReferenceText's digits are): the generic
    // ContainsAnyExceptInRange('\0', '\u00FF') boxed its two bounds on every call until it was compiled again at tier 1,
    // and the loads read many of a day's items before that (34-43 MB of boxed chars in the 200k day's loads, all garbage
    // the run held to its first collection; PERFORMANCE.md, "Session 46").
    private static readonly SearchValues<char> Latin1 = SearchValues.Create(Latin1Characters());

    /// <summary>Whether <paramref name="characters"/> can be kept one byte a character.</summary>
    public static bool FitsLatin1(ReadOnlySpan<char> characters) => !characters.ContainsAnyExcept(Latin1);

    /// <summary>Writes the text's characters to <paramref name="destination"/>, at least <see cref="Length"/> long.</summary>
    public void CopyTo(Span<char> destination)
    {
        if (_isWide)
        {
            _wide.CopyTo(destination);
        }
        else
        {
            Encoding.Latin1.GetChars(_narrow, destination);
        }
    }

    /// <summary>The text as a string of its own.</summary>
    public override string ToString() => _isWide ? new string(_wide) : Encoding.Latin1.GetString(_narrow);

    /// <summary>Whether the text is <paramref name="other"/>, character by character.</summary>
    public bool SequenceEqual(ReadOnlySpan<char> other)
    {
        if (_isWide)
        {
            return _wide.SequenceEqual(other);
        }

        if (other.Length != _narrow.Length)
        {
            return false;
        }

        for (var i = 0; i < other.Length; i++)
        {
            if (other[i] != _narrow[i])
            {
                return false;
            }
        }

        return true;
    }

    /// <summary>Whether the two texts have the same characters.</summary>
    public bool SequenceEqual(ItemText other) =>
        !_isWide && !other._isWide ? _narrow.SequenceEqual(other._narrow)
        : other._isWide ? SequenceEqual(other._wide)
        : other.SequenceEqual(_wide);

    /// <summary>
    /// The text's order against <paramref name="other"/>, ordinally (as <see cref="MemoryExtensions.SequenceCompareTo{T}(ReadOnlySpan{T}, ReadOnlySpan{T})"/>
    /// orders characters): below zero when the text comes first, zero when equal, above zero when after. Only the sign
    /// is meant.
    /// </summary>
    public int SequenceCompareTo(ReadOnlySpan<char> other)
    {
        if (_isWide)
        {
            return _wide.SequenceCompareTo(other);
        }

        var length = Math.Min(_narrow.Length, other.Length);
        for (var i = 0; i < length; i++)
        {
            if (_narrow[i] != other[i])
            {
                return _narrow[i] - other[i];
            }
        }

        return _narrow.Length - other.Length;
    }

    /// <summary>The text's order against <paramref name="other"/>, as <see cref="SequenceCompareTo(ReadOnlySpan{char})"/>.</summary>
    public int SequenceCompareTo(ItemText other) =>
        !_isWide && !other._isWide ? _narrow.SequenceCompareTo(other._narrow)
        : other._isWide ? SequenceCompareTo(other._wide)
        : -other.SequenceCompareTo(_wide);

    /// <summary>The text's hash: the one <see cref="string.GetHashCode(ReadOnlySpan{char})"/> gives its characters.</summary>
    [SkipLocalsInit]
    public int OrdinalHashCode()
    {
        if (_isWide)
        {
            return string.GetHashCode(_wide);
        }

        // Widened where it is hashed: the check hashes some 1.3M ids on the 1M day, so the stack is not cleared first.
        char[]? rented = null;
        var characters = _narrow.Length <= OnStack ? stackalloc char[_narrow.Length] : (rented = ArrayPool<char>.Shared.Rent(_narrow.Length));
        CopyTo(characters);
        var hash = string.GetHashCode(characters[.._narrow.Length]);
        if (rented is not null)
        {
            ArrayPool<char>.Shared.Return(rented);
        }

        return hash;
    }

    /// <summary>The text's characters where they are kept as UTF-16 bytes (<see cref="MemoryMarshal.Cast{TFrom, TTo}(ReadOnlySpan{TFrom})"/>).</summary>
    internal static ItemText OfUtf16(ReadOnlySpan<byte> utf16) => new(MemoryMarshal.Cast<byte, char>(utf16));

    private static string Latin1Characters() => string.Create(256, 0, static (characters, _) =>
    {
        for (var c = 0; c < characters.Length; c++)
        {
            characters[c] = (char)c;
        }
    });
}
