using System.Buffers.Binary;
using System.Runtime.CompilerServices;
using System.Text;

namespace CashApp.Parsers.Lockbox;

/// <summary>
/// Field bytes to strings. Lockbox files are ASCII in practice, so ASCII is widened directly, without an encoder;
/// anything else is decoded as UTF-8.
/// </summary>
internal static class LockboxText
{
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static string Decode(ReadOnlySpan<byte> bytes)
    {
        if (bytes.IsEmpty)
        {
            return string.Empty;
        }

        return Ascii.IsValid(bytes)
            ? string.Create(bytes.Length, bytes, static (chars, source) => Ascii.ToUtf16(source, chars, out _))
            : Encoding.UTF8.GetString(bytes);
    }

    /// <summary>
    /// Writes the text of <paramref name="bytes"/> at the start of <paramref name="chars"/>, which holds at least as many
    /// chars as there are bytes (UTF-8 never decodes to more); returns the chars written.
    /// </summary>
    public static int Decode(ReadOnlySpan<byte> bytes, Span<char> chars) =>
        Ascii.ToUtf16(bytes, chars, out var written) == System.Buffers.OperationStatus.Done ? written : Encoding.UTF8.GetChars(bytes, chars);

    /// <summary>
    /// Writes <c>first:second</c> (a MICR routing number and account, the form customers.csv lists payer accounts in) at
    /// the start of <paramref name="chars"/>, which holds at least their bytes and one more; returns the chars written.
    /// </summary>
    public static int Join(ReadOnlySpan<byte> first, ReadOnlySpan<byte> second, Span<char> chars)
    {
        var written = Decode(first, chars);
        chars[written++] = ':';
        return written + Decode(second, chars[written..]);
    }

    /// <summary>
    /// Writes a check's reference, <c>LOCKBOX-BATCH-ITEM</c> (CONTRACT.md), at the start of <paramref name="chars"/>, which
    /// holds at least the lockbox's chars, the batch's and item's bytes and two more; returns the chars written.
    /// </summary>
    public static int PaymentRef(string lockbox, ReadOnlySpan<byte> batch, ReadOnlySpan<byte> item, Span<char> chars)
    {
        lockbox.CopyTo(chars);
        var written = lockbox.Length;
        chars[written++] = '-';
        written += Decode(batch, chars[written..]);
        chars[written++] = '-';
        return written + Decode(item, chars[written..]);
    }
}

/// <summary>
/// The text of one value of a check as a row (<see cref="Common.BankRow"/>) holds it: chars reused check after check,
/// valid until the value is set again.
/// </summary>
internal sealed class LockboxRowText
{
    private char[] chars = new char[64];

    /// <summary>The value as it stands.</summary>
    public ReadOnlySpan<char> Value => chars.AsSpan(0, Length);

    /// <summary>How many chars the value holds.</summary>
    public int Length { get; private set; }

    /// <summary>Empties the value.</summary>
    public void Clear() => Length = 0;

    /// <summary>The value set to the text of <paramref name="bytes"/>.</summary>
    public void Set(ReadOnlySpan<byte> bytes) => Length = LockboxText.Decode(bytes, Room(bytes.Length, keep: false));

    /// <summary>The text of <paramref name="bytes"/> added at the end; returns where it starts.</summary>
    public int Append(ReadOnlySpan<byte> bytes)
    {
        var start = Length;
        Length += LockboxText.Decode(bytes, Room(start + bytes.Length, keep: true)[start..]);
        return start;
    }

    /// <summary>The value set to <c>first:second</c> (<see cref="LockboxText.Join"/>).</summary>
    public void SetJoined(ReadOnlySpan<byte> first, ReadOnlySpan<byte> second) =>
        Length = LockboxText.Join(first, second, Room(first.Length + 1 + second.Length, keep: false));

    /// <summary>The value set to a check's reference (<see cref="LockboxText.PaymentRef"/>).</summary>
    public void SetPaymentRef(string lockbox, ReadOnlySpan<byte> batch, ReadOnlySpan<byte> item) =>
        Length = LockboxText.PaymentRef(lockbox, batch, item, Room(lockbox.Length + batch.Length + item.Length + 2, keep: false));

    /// <summary>The value set to the text of <paramref name="text"/>.</summary>
    public void Set(System.Text.StringBuilder text)
    {
        var room = Room(text.Length, keep: false);
        text.CopyTo(0, room, text.Length);
        Length = text.Length;
    }

    private Span<char> Room(int length, bool keep)
    {
        if (chars.Length < length)
        {
            var larger = new char[Math.Max(length, chars.Length * 2)];
            if (keep)
            {
                chars.AsSpan(0, Length).CopyTo(larger);
            }

            chars = larger;
        }

        return chars;
    }
}

/// <summary>
/// A small direct-mapped cache of the strings of one column, like Sep's per-column string pool: the same payer's
/// name and account recur through a day's checks, and a hit costs a hash and a compare instead of an allocation.
/// A miss replaces the slot, so the pool never grows.
/// </summary>
internal sealed class LockboxStringPool
{
    private const int Size = 256;
    private const int MaxLength = 64;
    private readonly string?[] entries = new string?[Size];
    private char[] chars = new char[MaxLength];

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public string Get(ReadOnlySpan<byte> bytes)
    {
        if (bytes.Length > MaxLength)
        {
            return LockboxText.Decode(bytes);
        }

        ref var slot = ref entries[Hash(bytes) & (Size - 1)];
        if (slot is { } cached && cached.Length == bytes.Length && Ascii.Equals(bytes, cached))
        {
            return cached;
        }

        var created = LockboxText.Decode(bytes);
        slot = created;
        return created;
    }

    /// <summary>The string <c>first:second</c> (a MICR routing and account), pooled.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public string Get(ReadOnlySpan<byte> first, ReadOnlySpan<byte> second)
    {
        var length = first.Length + 1 + second.Length;
        if (length > MaxLength)
        {
            return Join(first, second);
        }

        ref var slot = ref entries[(Hash(first) ^ unchecked(Hash(second) * 31)) & (Size - 1)];
        if (slot is { } cached && cached.Length == length && cached[first.Length] == ':'
            && Ascii.Equals(first, cached.AsSpan(0, first.Length)) && Ascii.Equals(second, cached.AsSpan(first.Length + 1)))
        {
            return cached;
        }

        var created = Join(first, second);
        slot = created;
        return created;
    }

    private string Join(ReadOnlySpan<byte> first, ReadOnlySpan<byte> second)
    {
        if (first.Length + second.Length + 1 > chars.Length)
        {
            chars = new char[first.Length + second.Length + 1];
        }

        return new string(chars.AsSpan(0, LockboxText.Join(first, second, chars)));
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static uint Hash(ReadOnlySpan<byte> bytes)
    {
        // Eight bytes at a time, then the rest one by one: fields are short (names up to 30, accounts up to 14), and
        // an account that misses the pool (most do, on a day of many payers) pays for the hash for nothing.
        unchecked
        {
            var hash = (ulong)bytes.Length;
            while (bytes.Length >= 8)
            {
                hash = (hash ^ BinaryPrimitives.ReadUInt64LittleEndian(bytes)) * 0x9E3779B97F4A7C15;
                bytes = bytes[8..];
            }

            foreach (var b in bytes)
            {
                hash = (hash ^ b) * 0x100000001B3;
            }

            return (uint)(hash >> 32) ^ (uint)hash;
        }
    }
}
