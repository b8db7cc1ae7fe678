using System.Buffers.Binary;
using System.Runtime.CompilerServices;

namespace CashApp.Parsers.Lockbox;

/// <summary>Zero-filled decimal fields to numbers, eight digits at a time (SWAR), with no culture and no sign.</summary>
internal static class LockboxDigits
{
    private const ulong Zeros = 0x3030303030303030;
    private const ulong HighNibbles = 0xF0F0F0F0F0F0F0F0;
    private const ulong Sixes = 0x0606060606060606;

    /// <summary>Parses 1 to 18 ASCII digits; false for anything else (empty included).</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static bool TryParse(ReadOnlySpan<byte> text, out long value)
    {
        value = 0;
        if (text.IsEmpty || text.Length > 18)
        {
            return false;
        }

        ulong result = 0;
        while (text.Length >= 8)
        {
            if (!TryEight(BinaryPrimitives.ReadUInt64LittleEndian(text), out var eight))
            {
                return false;
            }

            result = unchecked((result * 100_000_000) + eight);
            text = text[8..];
        }

        foreach (var b in text)
        {
            var digit = unchecked((uint)(b - '0'));
            if (digit > 9)
            {
                return false;
            }

            result = unchecked((result * 10) + digit);
        }

        value = (long)result;
        return true;
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static bool TryEight(ulong chunk, out ulong value)
    {
        unchecked
        {
            // Every byte 0x30..0x39: high nibble 3, and adding 6 does not carry into the high nibble.
            if ((chunk & HighNibbles) != Zeros || ((chunk + Sixes) & HighNibbles) != Zeros)
            {
                value = 0;
                return false;
            }

            // The first digit is the lowest byte: combine neighbours into pairs, quads, then eight.
            chunk -= Zeros;
            chunk = ((chunk * 10) + (chunk >> 8)) & 0x00FF00FF00FF00FF;
            chunk = ((chunk * 100) + (chunk >> 16)) & 0x0000FFFF0000FFFF;
            chunk = ((chunk * 10000) + (chunk >> 32)) & 0x00000000FFFFFFFF;
            value = chunk;
            return true;
        }
    }
}
