using System.Numerics;
using FuzzySharp;

namespace CashApp.Engine.Matching;

/// <summary>
/// FuzzySharp's <c>Fuzz.Ratio</c> for one payer name against many candidates, without allocating.
/// <c>Fuzz.Ratio</c> is <c>round(100 * (m + n - d) / (m + n))</c> with <c>d</c> the insert/delete edit
/// distance, which is <c>m + n - 2 * LCS</c>; the longest common subsequence of a name of up to 64
/// ASCII characters is computed bit-parallel (Allison and Dix; Hyyrö), one machine word per candidate
/// character, from a table of the payer's character positions built once. Longer or non-ASCII names
/// go to FuzzySharp itself, and a property test holds the two to the same scores.
/// </summary>
internal sealed class NameRatio
{
    private readonly ulong[] _positions = new ulong[128];
    private string _payer = string.Empty;
    private bool _fast;

    // Each thread's ratio, set to one payer after another (see OfThread).
    [ThreadStatic]
    private static NameRatio? _ofThread;

    public NameRatio(string payer) => Set(payer);

    private NameRatio()
    {
    }

    /// <summary>
    /// This thread's ratio, set to <paramref name="payer"/>: a name lookup scores thousands of payers, and a table
    /// each would be a kilobyte of garbage. Valid until the thread asks for it again, so a caller uses it and lets go
    /// before anything it calls may score a name.
    /// </summary>
    public static NameRatio OfThread(string payer)
    {
        var ratio = _ofThread ??= new NameRatio();
        ratio.Set(payer);
        return ratio;
    }

    private void Set(string payer)
    {
        // Only the previous payer's characters have bits set: clearing those empties the table.
        if (_fast)
        {
            foreach (var c in _payer)
            {
                _positions[c] = 0;
            }
        }

        _payer = payer;
        _fast = payer.Length <= 64 && System.Text.Ascii.IsValid(payer);
        if (_fast)
        {
            for (var i = 0; i < payer.Length; i++)
            {
                _positions[payer[i]] |= 1UL << i;
            }
        }
    }

    /// <summary>Fuzz.Ratio(payer, candidate[..length]), 0-100.</summary>
    public int Ratio(string candidate, int length)
    {
        var text = candidate.AsSpan(0, length);
        if (!_fast || !System.Text.Ascii.IsValid(text))
        {
            return Fuzz.Ratio(_payer, length == candidate.Length ? candidate : candidate[..length]);
        }

        var lengths = _payer.Length + text.Length;
        if (lengths == 0)
        {
            return 0; // as Fuzz.Ratio scores two empty strings
        }

        // Bits of `rows` still set mark payer positions not yet in the common subsequence.
        var rows = ulong.MaxValue;
        foreach (var c in text)
        {
            var matches = _positions[c];
            var u = rows & matches;
            rows = unchecked((rows + u) | (rows - u));
        }

        var mask = _payer.Length == 64 ? ulong.MaxValue : (1UL << _payer.Length) - 1;
        var common = BitOperations.PopCount(~rows & mask);
        var distance = lengths - (2 * common);
        return (int)Math.Round(100 * ((lengths - distance) / (double)lengths));
    }
}
