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
/// keys a directory posts by the lookup properties. And the words a directory keeps for its name forms, read into its
/// table of words (<see cref="NameText.WordTable"/>), are the name's words, one string a word.
/// </summary>
public sealed class NameReadProperties
{
    // Words of every kind the reader treats apart: abbreviations it spells out, short forms, legal forms written out, in short
    // and cut by a bank's width, "THE" and "AND", joining marks, letters past ASCII, and care-of and trading markers.
    private static readonly string[] Pool =
    [
        "Acme", "Northwind", "Intl", "International", "Mfg", "Hldgs", "Holdings", "Grp", "Group", "Gen", "Tech", "Technologies",
        "Inc", "Inc.", "Incorporated", "Corp", "Corpora", "Co.", "Company", "LLC", "Ltd", "Limited", "GmbH", "&", "+", "KG",
        "S.A.", "B.V.", "AB", "The", "the", "and", "O'Neil", "Müller", "ØRSTED", "Straße", "ГАЗПРОМ", "Ærø", "c/o", "C/O",
        "DBA", "d/b/a", "ATTN", "-", ",", "(", "42", "A", "Co", "Svcs", "Services", "Comms"];

    private static readonly Gen<string> Word = Gen.Elements(Pool);

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

    [Property(MaxTest = 500)]
    public Property Tokens_ReadIntoAWordTable_AreTheNamesWords_EachWordOneString() =>
        Prop.ForAll(Names.ArrayOf().Where(names => names.Length is >= 1 and <= 30).ToArbitrary(), names =>
        {
            var table = new NameText.WordTable();
            var read = names.Select(name => NameText.Tokens(name, table)).ToList();
            var made = new List<string>();
            for (var n = 0; n < names.Length; n++)
            {
                var plain = NameText.Tokens(names[n]);
                Assert.Equal(plain, read[n]);

                // A word spelled out or a legal form is the reader's own string either way; the others are the table's.
                made.AddRange(read[n].Where((word, w) => !ReferenceEquals(word, plain[w])));
            }

            // However many names have a word, it is one string, the one the table gives for its letters.
            foreach (var sameWord in made.GroupBy(word => word, StringComparer.Ordinal))
            {
                Assert.Single(sameWord.Distinct(ReferenceEqualityComparer.Instance));
                Assert.Same(sameWord.First(), table.Of(sameWord.Key.AsSpan()));
            }

            Assert.Equal(made.Distinct(StringComparer.Ordinal).Count(), table.Count);
        });

    [Fact]
    public void WordTable_ReadIntoOnManyThreadsAtOnce_KeepsEachWordOnce()
    {
        var random = new Random(45);
        var names = Enumerable.Range(0, 1_000).Select(_ => string.Join(' ', Enumerable.Range(0, random.Next(1, 7)).Select(_ => Pool[random.Next(Pool.Length)]))).ToArray();
        var table = new NameText.WordTable();
        var read = new string[8][][];
        Parallel.For(0, read.Length, new ParallelOptions { MaxDegreeOfParallelism = 8 }, t =>
            read[t] = [.. names.Select(name => NameText.Tokens(name, table))]);

        // The words the table made: not the reader's own strings (a word spelled out, a legal form).
        var own = names.SelectMany(name => NameText.Tokens(name)).ToHashSet(ReferenceEqualityComparer.Instance);
        var words = read.SelectMany(thread => thread).SelectMany(name => name).Where(word => !own.Contains(word)).ToList();
        Assert.NotEmpty(words);
        foreach (var sameWord in words.GroupBy(word => word, StringComparer.Ordinal))
        {
            Assert.Single(sameWord.Distinct(ReferenceEqualityComparer.Instance));
        }

        for (var t = 1; t < read.Length; t++)
        {
            Assert.Equal(read[0], read[t]);
        }
    }

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
