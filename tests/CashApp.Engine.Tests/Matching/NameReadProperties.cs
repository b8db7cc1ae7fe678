using CashApp.Engine.Matching;
using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;

namespace CashApp.Engine.Tests.Matching;

/// <summary>
/// A directory reads each customer's name as its compact text and its words' lengths (<see cref="NameText.CompactAndForm"/>),
/// with no string a word, where a lookup reads a payer's name into words (<see cref="NameText.TokensAndForm(string?)"/>). Both
/// must make the same forms and the same retrieval keys, or a payer would no longer meet the customer it names. These check
/// that the two agree; what the words themselves are is held by <c>NameTextTests</c> and <c>LegalFormTests</c>, and the
/// keys a directory posts by the lookup properties.
/// </summary>
public sealed class NameReadProperties
{
    // Words of every kind the reader treats apart: abbreviations it spells out, short forms, legal forms written out, in short
    // and cut by a bank's width, "THE" and "AND", joining marks, letters past ASCII, and care-of and trading markers.
    private static readonly Gen<string> Word = Gen.Elements(
        "Acme", "Northwind", "Intl", "International", "Mfg", "Hldgs", "Holdings", "Grp", "Group", "Gen", "Tech", "Technologies",
        "Inc", "Inc.", "Incorporated", "Corp", "Corpora", "Co.", "Company", "LLC", "Ltd", "Limited", "GmbH", "&", "+", "KG",
        "S.A.", "B.V.", "AB", "The", "the", "and", "O'Neil", "Müller", "ØRSTED", "Straße", "ГАЗПРОМ", "Ærø", "c/o", "C/O",
        "DBA", "d/b/a", "ATTN", "-", ",", "(", "42", "A", "Co", "Svcs", "Services", "Comms");

    // A word past the 255 letters one packed length holds, and one past the 64 letters a word key takes.
    private static readonly string LongWord = new('Q', 300);

    private static readonly Gen<string> Names = Gen.OneOf(
        Word.ArrayOf().Where(words => words.Length <= 14).Select(words => string.Join(' ', words)),
        Word.ArrayOf().Where(words => words.Length <= 4).Select(words => string.Join(' ', words) + " " + LongWord + " Inc"),
        Word.ArrayOf().Where(words => words.Length <= 4).Select(words => string.Concat(words)),
        Gen.Elements(string.Empty, " ", "\t", ".", "&", "The", "Inc", "THE INC", new string('W', 70) + " Northwind"));

    [Property(MaxTest = 2_000)]
    public Property CompactAndForm_IsTheWordsSideBySide_WithTheirLengthsAndLegalForm() =>
        Prop.ForAll(Names.ToArbitrary(), name =>
        {
            var (tokens, legalForm) = NameText.TokensAndForm(name);
            var (compact, words, form) = NameText.CompactAndForm(name);
            Assert.Equal(string.Concat(tokens), compact);
            Assert.Equal(tokens.Select(t => t.Length), Enumerable.Range(0, words.Count).Select(w => words[w]));
            Assert.Equal(legalForm, form);
            Assert.Equal(NameText.ShortCompact(tokens, string.Concat(tokens)), NameText.ShortCompact(compact, words));
        });

    [Property(MaxTest = 2_000)]
    public Property RetrievalKeys_OfTheWordsLengths_AreThoseOfTheWords() =>
        Prop.ForAll(Names.ToArbitrary(), name =>
        {
            var (tokens, _) = NameText.TokensAndForm(name);
            var (compact, words, _) = NameText.CompactAndForm(name);

            // The name's own form and its short form: a short form's prefix keys are its own, its word keys the name's words'.
            foreach (var form in new[] { compact, NameText.ShortCompact(compact, words) })
            {
                var ofTokens = new KeysSeen([]);
                CustomerDirectory.ForEachRetrievalKey(tokens, form, new char[CustomerDirectory.RetrievalKeyLength], ref ofTokens);
                var ofLengths = new KeysSeen([]);
                CustomerDirectory.ForEachRetrievalKey(compact, words, form, new char[CustomerDirectory.RetrievalKeyLength], ref ofLengths);
                Assert.Equal(ofTokens.Keys, ofLengths.Keys);
            }
        });

    [Fact]
    public void CompactAndForm_OfANameOfManyWordsOrALongWord_KeepsEveryLength()
    {
        // Nine words: one more than a packed length holds.
        var (compact, words, form) = NameText.CompactAndForm("Alder Birch Cedar Dogwood Elm Fir Gum Hazel Ivy Holdings Inc");
        Assert.Equal("ALDERBIRCHCEDARDOGWOODELMFIRGUMHAZELIVYHOLDINGS", compact);
        Assert.Equal([5, 5, 5, 7, 3, 3, 3, 5, 3, 8], Enumerable.Range(0, words.Count).Select(w => words[w]));
        Assert.Equal("INC", form);
        Assert.Equal("ALDERBIRCHCEDARDOGWOODELMFIRGUMHAZELIVYHLDGS", NameText.ShortCompact(compact, words));

        var (longCompact, longWords, _) = NameText.CompactAndForm("Acme " + LongWord);
        Assert.Equal("ACME" + LongWord, longCompact);
        Assert.Equal([4, 300], Enumerable.Range(0, longWords.Count).Select(w => longWords[w]));
    }

    // Each key visited, with whether it is a prefix key, in order.
    private readonly struct KeysSeen(List<(string Key, bool Prefix)> keys) : CustomerDirectory.IRetrievalKeyVisit
    {
        public List<(string Key, bool Prefix)> Keys => keys;

        public void Visit(ReadOnlySpan<char> key, bool prefix) => keys.Add((key.ToString(), prefix));
    }
}
