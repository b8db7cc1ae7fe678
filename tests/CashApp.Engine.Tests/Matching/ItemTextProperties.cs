using System.Text;
using CashApp.Engine.Matching;
using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;

namespace CashApp.Engine.Tests.Matching;

/// <summary>
/// An item's text kept a byte a character (Latin-1) or as characters is compared, ordered, hashed and read back as the
/// string it stands for, whichever way each side is kept.
/// </summary>
public sealed class ItemTextProperties
{
    // Characters from ASCII, from Latin-1 past ASCII, and past Latin-1 (where a byte would not do), so that texts of
    // one kind often share a head with texts of the other.
    private static readonly Gen<string> Texts =
        Gen.ArrayOf(Gen.Elements('A', 'B', 'z', '0', '-', '\u0080', '\u00E9', '\u00FF', '\u0100', '\u0141', '\uFFFF'))
            .Select(characters => new string(characters.Take(12).ToArray()));

    [Property(MaxTest = 1_000, Replay = "(42,7)")]
    public Property EveryWayKept_ComparesAsItsString() =>
        Prop.ForAll(
            Texts.ToArbitrary(),
            Texts.ToArbitrary(),
            (a, b) =>
            {
                var expectedOrder = Math.Sign(string.CompareOrdinal(a, b));
                var failures = new List<string>();
                foreach (var (aKept, aBytes) in Kept(a))
                {
                    foreach (var (bKept, bBytes) in Kept(b))
                    {
                        var left = View(a, aKept, aBytes);
                        var right = View(b, bKept, bBytes);
                        if (Math.Sign(left.SequenceCompareTo(right)) != expectedOrder || Math.Sign(left.SequenceCompareTo(b)) != expectedOrder
                            || left.SequenceEqual(right) != (a == b) || left.SequenceEqual(b) != (a == b))
                        {
                            failures.Add($"{aKept} against {bKept}");
                        }
                    }
                }

                return (failures.Count == 0).Label($"'{a}' against '{b}': {string.Join("; ", failures)}");
            });

    [Property(MaxTest = 500, Replay = "(43,9)")]
    public Property EveryWayKept_ReadsBackAndHashesAsItsString() =>
        Prop.ForAll(
            Gen.OneOf(Texts, Gen.Choose(250, 300).Select(n => new string('\u00E9', n))).ToArbitrary(),
            text =>
            {
                foreach (var (kept, bytes) in Kept(text))
                {
                    var view = View(text, kept, bytes);
                    var characters = new char[view.Length];
                    view.CopyTo(characters);
                    if (view.Length != text.Length || view.ToString() != text || new string(characters) != text
                        || view.OrdinalHashCode() != string.GetHashCode(text.AsSpan()))
                    {
                        return false.Label($"'{text}' kept as {kept}");
                    }
                }

                return true.ToProperty();
            });

    [Theory]
    [InlineData("INV-1", true)]
    [InlineData("Zoë\u00FF", true)]
    [InlineData("\0\u00FF\0", true)]
    [InlineData("\u0100", false)]
    [InlineData("AB\u0100CD", false)]
    [InlineData("ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789\uFFFF", false)]
    [InlineData("Zbł-9", false)]
    [InlineData("", true)]
    public void FitsLatin1_OnlyCharactersUpToU00FF(string text, bool fits) => Assert.Equal(fits, ItemText.FitsLatin1(text));

    /// <summary>The ways a text can be kept: as characters always, as Latin-1 bytes and as UTF-16 bytes when those hold it.</summary>
    private static IEnumerable<(string Kept, byte[] Bytes)> Kept(string text)
    {
        yield return ("characters", []);
        yield return ("UTF-16 bytes", MemoryMarshalBytes(text));
        if (ItemText.FitsLatin1(text))
        {
            yield return ("Latin-1 bytes", Encoding.Latin1.GetBytes(text));
        }
    }

    private static byte[] MemoryMarshalBytes(string text) => System.Runtime.InteropServices.MemoryMarshal.AsBytes(text.AsSpan()).ToArray();

    private static ItemText View(string text, string kept, byte[] bytes) => kept switch
    {
        "characters" => new ItemText(text),
        "UTF-16 bytes" => ItemText.OfUtf16(bytes),
        _ => ItemText.OfLatin1(bytes),
    };
}
