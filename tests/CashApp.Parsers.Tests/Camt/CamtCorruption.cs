using System.Text;

namespace CashApp.Parsers.Tests.Camt;

/// <summary>The ways the camt property tests spoil a document: each a kind of damage a bank file or its transfer can do.</summary>
internal static class CamtCorruption
{
    /// <summary>The number of kinds <see cref="Apply"/> knows.</summary>
    public const int Kinds = 5;

    /// <summary>Spoils <paramref name="bytes"/> in place at a place chosen by <paramref name="where"/>, in the way <paramref name="kind"/> (0 to <see cref="Kinds"/> - 1) names.</summary>
    public static void Apply(List<byte> bytes, int where, byte what, int kind)
    {
        var at = (int)((uint)where % (uint)bytes.Count);
        switch (kind)
        {
            case 0:
                // Cut short.
                bytes.RemoveRange(at, bytes.Count - at);
                break;
            case 1:
                bytes[at] = what;
                break;
            case 2:
                bytes.RemoveRange(at, Math.Min(bytes.Count - at, 1 + (what % 40)));
                break;
            case 3:
                bytes.InsertRange(at, Encoding.UTF8.GetBytes(new[] { "<", ">", "&", "</Ntry>", "<Ntry>", "<Amt Ccy=\"EUR\">1..2</Amt>", "<!DOCTYPE x>", "\u0001" }[what % 8]));
                break;
            default:
                // Swap a digit for a letter inside an amount or a date.
                var digit = bytes.FindIndex(at, b => b is >= (byte)'0' and <= (byte)'9');
                if (digit >= 0)
                {
                    bytes[digit] = (byte)'x';
                }

                break;
        }
    }
}
