using CashApp.Engine.Matching;
using CashApp.Engine.Model;
using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;

namespace CashApp.Engine.Tests.Matching;

/// <summary>
/// A lookup's retrieval keys, written out and hashed together and then looked up (their table entries asked for
/// ahead), have the postings each key looked up alone has: every distinct key of the name that any form has, once,
/// with whether it is a prefix key, rarest first, prefix keys first among equals, then by first form.
/// </summary>
public sealed class RetrievalKeyProperties
{
    // Few words, so that keys are shared by many forms, and names cut and slipped, so that prefix keys meet.
    private static readonly Gen<string> Name =
        Gen.Elements("North", "Northwind", "Pacific", "Alder", "Logistics", "Log", "Intl", "Acme", "Müller", "Tech", "A", "Larch", "Inc", "The")
            .ArrayOf().Where(words => words.Length is >= 1 and <= 4).Select(words => string.Join(' ', words));

    private static Gen<string> PayerName(string[] names) =>
        Gen.Elements(names).Zip(Gen.Choose(0, 3).Zip(Gen.Choose(0, 40))).Select(t =>
        {
            var (name, (how, place)) = t;
            var at = place % name.Length;
            return how switch
            {
                0 => name,
                1 => name.ToUpperInvariant()[..Math.Max(1, Math.Min(name.Length, 2 + place))],
                2 => name.Remove(at, 1),
                _ => name.Insert(at, "X"),
            };
        });

    // A word longer than any key's hash might read in one go.
    private const string LongWord = "Northwindpacificalderlogisticsinternationalacmetechnologies";

    // Past the lookup's buffer of 32 keys and 512 characters, part-way through the name's prefix keys: known words first,
    // then words no form has, then the prefix keys of a name the directory knows.
    private static readonly string PastTheBuffer =
        "Northwind Pacific Alder " + string.Join(' ', Enumerable.Range(0, 22).Select(i => new string((char)('B' + (i % 24)), 20 + (i % 3))));

    [Property(MaxTest = 300, Replay = "(61,67)")]
    public Property RetrievalPostings_LookedUpTogether_AreEachKeyLookedUpAlone() =>
        Prop.ForAll(
            Gen.Choose(3, 80).SelectMany(n => Gen.ArrayOf(Name, n))
                .SelectMany(names => Gen.ArrayOf(PayerName(names), 10).Select(payers => (Names: names, Payers: payers))).ToArbitrary(),
            day =>
            {
                var (names, payers) = day;
                var customers = names.Select((name, i) => new Customer($"C{i:D3}", name, null, i % 4 == 0 ? [names[(i + 1) % names.Length] + " Tech"] : [], [])).ToList();
                customers.Add(new Customer("C999", $"{LongWord} Northwind", null, [], []));
                var directory = new CustomerDirectory(customers, [], NameLookupProperties.Limits[0]);
                foreach (var payer in payers.Append("Northwind Pacific Alder Logistics Intl Acme Tech Larch The Inc A").Append(PastTheBuffer).Append($"{LongWord} Northwind"))
                {
                    var actual = directory.RetrievalPostingsOf(payer);

                    // Each distinct key alone, in the order the generator gives them; a key no form has is left out (a name of no
                    // words, none: the lookup asks for no keys).
                    var (tokens, _) = NameText.TokensAndForm(payer);
                    var seen = new HashSet<string>(StringComparer.Ordinal);
                    var expected = new List<(bool Prefix, int[] Postings)>();
                    CustomerDirectory.ForEachRetrievalKey(tokens, string.Concat(tokens), new char[CustomerDirectory.RetrievalKeyLength], (key, prefix) =>
                    {
                        if (tokens.Length > 0 && seen.Add(key.ToString()) && directory.PostingsOf(key.ToString()) is { Length: > 0 } postings)
                        {
                            expected.Add((prefix, postings));
                        }
                    });

                    // The same keys, and in the lookup's order (keys equal in every part of it may come either way, as before).
                    static string Text((bool Prefix, int[] Postings) key) => $"{key.Postings.Length:D6} {(key.Prefix ? 0 : 1)} {key.Postings[0]:D6} {string.Join(',', key.Postings)}";
                    var inOrder = actual.Zip(actual.Skip(1)).All(pair =>
                        (pair.First.Postings.Length, pair.First.Prefix ? 0 : 1, pair.First.Postings[0]).CompareTo((pair.Second.Postings.Length, pair.Second.Prefix ? 0 : 1, pair.Second.Postings[0])) <= 0);
                    if (!inOrder || !actual.Select(Text).Order(StringComparer.Ordinal).SequenceEqual(expected.Select(Text).Order(StringComparer.Ordinal)))
                    {
                        return false.Label($"'{payer}': [{string.Join("; ", actual.Select(Text))}] against each alone [{string.Join("; ", expected.Select(Text))}]");
                    }
                }

                return true.Label("same");
            });
}
