using CashApp.Parsers.Remittance;
using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;

namespace CashApp.Parsers.Tests.Remittance;

/// <summary>
/// The label scan's searches, each against the plainer search it replaced: the colons found a block at a time and the
/// candidates tried by their first and last four characters, and the value test before the key search.
/// </summary>
public sealed class PaymentTextScanPropertyTests
{
    // Labels, parts of labels and their look-alikes (lower case, a letter short, no space before), so that most colons
    // have candidates and many candidates fail late.
    private static readonly string[] Pieces =
    [
        .. PaymentTextParser.Labels.Select(l => l.Text),
        "ORIG CO NAM:", "RIG CO NAME:", "orig id:", "XID:", "CO  NAME:", "SENDER IE:", "ORDERING CUSTOMEr:", "BNF NAMEE:",
        "ACME CORP", "4881961592", " ", "  ", ":", "::", "=", "/", "/ROC/", "REF:", "NAME=", "RMR*IV*1*PI*1.00\\", "Ü", "é:",
    ];

    // The pieces of names and ids with keys of layouts not known to the scan, most of them without a ':' or '='.
    private static readonly string[] ValuePieces = ["ACME", "GMBH", " ", " ", ",", ";", "/", "/ROC/", "/RFB/", "/DE89370400440532013000", "REF", "NAME", "=", ":", "BANK", "123"];

    // A label with one character changed, so that a candidate matches at both ends and fails in the middle.
    private static readonly Gen<string> NearLabel =
        from label in Gen.Elements(PaymentTextParser.Labels.Select(l => l.Text).ToArray())
        from at in Gen.Choose(0, label.Length - 2)
        from c in Gen.Elements('X', ' ', 'o', ':')
        select label[..at] + c + label[(at + 1)..];

    private static readonly Gen<string> Text = Gen.OneOf(
        Gen.Choose(0, 40).SelectMany(n => Gen.ArrayOf(Gen.OneOf(Gen.Elements(Pieces), Gen.Elements(Pieces), NearLabel), n)).Select(string.Concat),
        Gen.Choose(0, 12).SelectMany(n => Gen.ArrayOf(Gen.Elements(ValuePieces), n)).Select(string.Concat));

    private static readonly Gen<(string Text, int[] PieceStarts)> TextWithPieces =
        from text in Text
        from count in Gen.Choose(0, 4)
        from picked in Gen.ArrayOf(Gen.Choose(1, Math.Max(1, text.Length)), count)
        select (text, picked.Where(p => p < text.Length).Distinct().Order().ToArray());

    // A value follows its label, so it never starts the text (the search looks at the character before a key).
    private static readonly Gen<(string Text, int A, int B, bool IsName)> ValueInText =
        from text in Text
        from a in Gen.Choose(Math.Min(1, text.Length), text.Length)
        from b in Gen.Choose(Math.Min(1, text.Length), text.Length)
        from isName in Gen.Elements(true, false)
        select (text, a, b, isName);

    [Property(MaxTest = 2000, Replay = "(20261205,1)")]
    public Property Read_AnyText_FindsTheLabelsTheColonByColonSearchFinds() =>
        Prop.ForAll(TextWithPieces.ToArbitrary(), input =>
        {
            var scan = new PaymentTextScan();
            scan.Read(input.Text, 2, input.PieceStarts);
            var found = scan.Labels.ToArray().Select(l => (l.Label, l.Start)).ToArray();
            return found.SequenceEqual(ColonByColon(input.Text, input.PieceStarts)).Label($"found {string.Join(' ', found)}");
        });

    [Property(MaxTest = 3000, Replay = "(20261205,5)")]
    public Property BeforeInnerKey_AnyTrimmedValue_IsTheWholeSearch() =>
        Prop.ForAll(ValueInText.ToArbitrary(), input =>
        {
            var (text, a, b, isName) = input;
            var start = Math.Min(a, b);
            var end = Math.Max(a, b);
            while (start < end && char.IsWhiteSpace(text[start]))
            {
                start++;
            }

            while (end > start && char.IsWhiteSpace(text[end - 1]))
            {
                end--;
            }

            var value = new TextRange(start, end - start);
            var fast = PaymentTextScan.BeforeInnerKey(text, value, isName, out var fastReference);
            var whole = PaymentTextScan.BeforeInnerKeySearched(text, value, isName, out var wholeReference);
            return (fast == whole && fastReference == wholeReference).Label($"{fast} {fastReference} against {whole} {wholeReference}");
        });

    /// <summary>The search as it was before the colons were found a block at a time: each colon in turn, each candidate compared whole.</summary>
    private static List<(int Label, int Start)> ColonByColon(string text, int[] pieceStarts)
    {
        var byEnding = PaymentTextScan.IndexByEnding();
        var found = new List<(int, int)>();
        var inRemittance = false;
        var from = 0;
        for (var colon = text.IndexOf(':'); colon >= 0; colon = text.IndexOf(':', colon + 1))
        {
            if (colon < 2 || byEnding[PaymentTextScan.Ending(text[colon - 2], text[colon - 1])] is not { } candidates)
            {
                continue;
            }

            foreach (var candidate in candidates)
            {
                var start = colon + 1 - candidate.Text.Length;
                if (start >= from && (!inRemittance || !candidate.Weak) && text.AsSpan(start, colon - start).SequenceEqual(candidate.Text.AsSpan(0, candidate.Text.Length - 1))
                    && (start == 0 || text[start - 1] == ' ' || pieceStarts.Contains(start)))
                {
                    found.Add((candidate.Index, start));
                    inRemittance = candidate.Remittance;
                    from = colon + 1;
                    break;
                }
            }
        }

        return found;
    }
}
