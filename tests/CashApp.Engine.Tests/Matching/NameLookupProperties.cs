using CashApp.Engine.Matching;
using CashApp.Engine.Model;
using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;
using FuzzySharp;

namespace CashApp.Engine.Tests.Matching;

/// <summary>
/// The name lookup finds, for any payer name, exactly the customers and scores a brute-force reading of its rules
/// finds by looking at every name form of every customer: the forms a rare enough key (a word, or the start of the
/// name up to a slip) brings in, the best of them by the weight of every key they share, the forms that start with
/// the longest start of the name any form has, each scored with FuzzySharp's own ratio, best per customer, best
/// first and then by customer id. Names are drawn from a small vocabulary so that postings grow long, with
/// near-duplicates (truncations, slips, short forms), legal forms of several kinds and non-ASCII letters; small
/// limits make every limit of the lookup reached by a directory of a few dozen customers.
/// </summary>
public sealed class NameLookupProperties
{
    internal static readonly string[] Words =
    [
        "North", "Northwind", "Pacific", "Pacifica", "Alder", "Dallas", "Logistics", "Log", "Services", "Svcs", "Intl",
        "International", "Mfg", "Acme", "Müller", "Ørsted", "Газпром", "São", "Zürich", "Tech", "Technologies", "A", "B2",
        "Larch", "Larchmont", "Industries", "Ind", "Holdings", "Hldgs", "&", "Co", "The", "Smith-Jones", "O'Neil",
    ];

    internal static readonly string[] Forms =
        ["", "", "Inc.", "Incorporated", "LLC", "Corp", "Corporation", "Corpora", "Ltd", "Limited", "GmbH", "GmbH & Co. KG", "S.A.", "B.V.", "Co.", "Group"];

    private static readonly Gen<string> Name =
        Gen.Choose(1, 4).SelectMany(n => Gen.ArrayOf(Gen.Elements(Words), n))
            .Zip(Gen.Elements(Forms).Zip(Gen.Elements(string.Empty, string.Empty, string.Empty, " DBA Larch Tech")))
            .Select(t => string.Join(' ', t.Item1) + (t.Item2.Item1.Length > 0 ? " " + t.Item2.Item1 : string.Empty) + t.Item2.Item2);

    // A payer name as a bank prints one: a customer's name cut, upper-cased, with a slip, its legal form
    // changed, or another name altogether.
    private static Gen<string> PayerName(IReadOnlyList<string> names) =>
        Gen.Elements(names.ToArray()).Zip(Gen.Choose(0, 6).Zip(Gen.Choose(0, 200).Zip(Gen.Elements('A', 'E', 'X', 'É', ' ', '.'))))
            .SelectMany(t =>
            {
                var (name, (how, (place, letter))) = t;
                var at = name.Length == 0 ? 0 : place % name.Length;
                return how switch
                {
                    0 => Gen.Constant(name),
                    1 => Gen.Constant(name.ToUpperInvariant()[..Math.Max(1, Math.Min(name.Length, 3 + (place % 22)))]),
                    2 => Gen.Constant(name.Remove(at, name.Length > 1 ? 1 : 0)),
                    3 => Gen.Constant(name.Insert(at, letter.ToString())),
                    4 => Gen.Constant(name.Length == 0 ? name : name.Remove(at, 1).Insert(at, letter.ToString())),
                    5 => Gen.Elements(Forms).Select(form => name.Split(' ')[0] + " " + form),
                    _ => Name,
                };
            });

    internal static readonly NameLookupLimits[] Limits =
    [
        new(MaxScored: 4, MaxPostings: 24, MaxBringingIn: 6, MaxWholePrefixForms: 6, MaxPartPrefixForms: 3, MinBitsPostings: 5),
        new(MaxScored: 2, MaxPostings: 10, MaxBringingIn: 3, MaxWholePrefixForms: 2, MaxPartPrefixForms: 1, MinBitsPostings: 2),
        new(MaxScored: 12, MaxPostings: 60, MaxBringingIn: 20, MaxWholePrefixForms: 20, MaxPartPrefixForms: 8, MinBitsPostings: 30),
        NameLookupLimits.Default,
    ];

    [Property(MaxTest = 300, Replay = "(41,43)")]
    public Property ByName_FindsWhatABruteForceScanOfEveryCustomerFinds() =>
        Prop.ForAll(
            Gen.Choose(5, 60).SelectMany(n => Gen.ArrayOf(Name, n))
                .SelectMany(names => Gen.ArrayOf(PayerName(names), 12).Select(payers => (Names: names, Payers: payers))).ToArbitrary(),
            Gen.Choose(0, Limits.Length - 1).ToArbitrary(),
            (day, limitsAt) =>
            {
                var (names, payers) = day;
                // Every third customer also goes by another name; ids are in shuffled order, so that order by id is not order of adding.
                var customers = names.Select((name, i) => new Customer(
                    $"C{(i * 7919) % 1000:D4}-{i}", name, null, i % 3 == 0 ? [names[(i + 1) % names.Length] + " Alias"] : [], [])).ToList();
                var limits = Limits[limitsAt];
                var directory = new CustomerDirectory(customers, [], limits);
                var reference = new BruteForce(customers, limits);
                foreach (var payer in payers.Append(string.Empty).Append("AB"))
                {
                    var found = directory.ByName(payer).Select(c => (directory.Id(c.Customer), c.Score, c.What, c.NameOnFile, c.AliasOf)).ToList();
                    var expected = reference.ByName(payer).Select(c => (c.Id, c.Score, payer, (string?)c.Compared, c.Compared == c.Name ? null : c.Name)).ToList();
                    if (!found.SequenceEqual(expected))
                    {
                        return false.Label($"'{payer}' (limits {limits}): found [{string.Join("; ", found.Select(f => $"{f.Item1} {f.Score}"))}], a scan of every customer [{string.Join("; ", expected.Select(e => $"{e.Item1} {e.Score}"))}]");
                    }
                }

                return true.Label("same");
            });

    // Words and their abbreviations (the whole-word rule reads them printed and spelled out, and keeps each name form's
    // printed words once read): names made of them, and two aliases a customer, so that the words kept are each form's own.
    private static readonly Gen<string> AbbreviatedName =
        Gen.Elements(
            "Pioneer", "Tennessee", "Supply", "Supplies", "Solutions", "Sol", "Gen", "Gent", "General", "Intl", "International", "Mfg",
            "Univ", "Universal", "Log", "Logistics", "Hldgs", "Holdings", "Natl", "National", "Svcs", "Services", "North", "West")
            .ArrayOf().Where(words => words.Length is >= 2 and <= 3).Select(words => string.Join(' ', words));

    [Property(MaxTest = 300, Replay = "(20,13)")]
    public Property ByName_AliasesOfAbbreviatedWords_FindsWhatABruteForceScanFinds() =>
        Prop.ForAll(
            Gen.Choose(3, 12).SelectMany(n => Gen.ArrayOf(AbbreviatedName, 3 * n))
                .SelectMany(names => Gen.ArrayOf(AbbreviatedName, 8).Select(strangers => (Names: names, Strangers: strangers))).ToArbitrary(),
            day =>
            {
                var n = day.Names.Length / 3;
                var customers = Enumerable.Range(0, n)
                    .Select(i => new Customer($"C{i:D3}", day.Names[i], null, [day.Names[n + i], day.Names[(2 * n) + i]], [])).ToList();
                return FoundAsByAScan(customers, NameLookupLimits.Default, customers.SelectMany(c => c.Aliases.Append(c.Name)).Concat(day.Strangers.Select(s => s.ToUpperInvariant())));
            });

    // Names of one customer that differ by a word of four letters or a slip in the last: against a payer's name of the
    // same pattern its forms often score alike, some with a word replaced (EAST for WEST) and some with a slip (BEST for
    // WEST, SUPPLZ for SUPPLY), so that a customer's forms often tie, and retrieval and the payer's start bring in the same
    // forms. Which of its forms a customer is found by (its best, then its first) must be the scan's, however the lookup
    // orders or skips its scoring.
    private static readonly Gen<string> AlikeName =
        Gen.Elements("Acme", "Pioneer", "Larch").Zip(Gen.Elements("West", "East", "Best", "Most", "Vest", "Rest", "Nest"))
            .Zip(Gen.Elements("Supply", "Supplz", "Tools", "Toolz")).Select(t => $"{t.Item1.Item1} {t.Item1.Item2} {t.Item2}");

    [Property(MaxTest = 300)]
    public Property ByName_FormsOfOneCustomerScoringAlike_FindsWhatABruteForceScanFinds() =>
        Prop.ForAll(
            Gen.Choose(2, 10).SelectMany(n => Gen.ArrayOf(AlikeName, 3 * n))
                .SelectMany(names => Gen.ArrayOf(AlikeName, 8).Select(payers => (Names: names, Payers: payers))).ToArbitrary(),
            Gen.Choose(0, Limits.Length - 1).ToArbitrary(),
            (day, limitsAt) =>
            {
                var n = day.Names.Length / 3;
                var customers = Enumerable.Range(0, n)
                    .Select(i => new Customer($"C{i:D3}", day.Names[i], null, [day.Names[n + i], day.Names[(2 * n) + i]], [])).ToList();
                return FoundAsByAScan(customers, Limits[limitsAt], day.Payers.Select(p => p.ToUpperInvariant()).Concat(day.Names));
            });

    /// <summary>Each payer looked up in a directory of <paramref name="customers"/> finds what the brute-force scan finds: the same customers, scores and names compared, in order.</summary>
    private static Property FoundAsByAScan(List<Customer> customers, NameLookupLimits limits, IEnumerable<string> payers)
    {
        var directory = new CustomerDirectory(customers, [], limits);
        var reference = new BruteForce(customers, limits);
        foreach (var payer in payers)
        {
            var found = directory.ByName(payer).Select(c => (directory.Id(c.Customer), c.Score, c.What, c.NameOnFile, c.AliasOf)).ToList();
            var expected = reference.ByName(payer).Select(c => (c.Id, c.Score, payer, (string?)c.Compared, c.Compared == c.Name ? null : c.Name)).ToList();
            if (!found.SequenceEqual(expected))
            {
                return false.Label($"'{payer}' (limits {limits}): found [{string.Join("; ", found.Select(f => $"{f.Item1} {f.Score} {f.NameOnFile}"))}], a scan of every customer [{string.Join("; ", expected.Select(e => $"{e.Item1} {e.Score} {e.Item4}"))}]");
            }
        }

        return true.Label("same");
    }

    /// <summary>The lookup's rules applied by looking at every name form of every customer, scored with FuzzySharp.</summary>
    internal sealed class BruteForce
    {
        private readonly List<(int Customer, string Compact, string? LegalForm, HashSet<string> Keys, string Name)> _forms = [];
        private readonly List<Customer> _customers;
        private readonly NameLookupLimits _limits;

        public BruteForce(List<Customer> customers, NameLookupLimits limits)
        {
            _customers = customers;
            _limits = limits;
            for (var c = 0; c < customers.Count; c++)
            {
                AddName(c, customers[c].Name);
                if (NameText.TradingName(customers[c].Name) is { } trading)
                {
                    AddName(c, trading);
                }

                foreach (var alias in customers[c].Aliases)
                {
                    AddName(c, alias);
                }
            }
        }

        /// <summary>Each customer found, best first, with the name it was compared by: the first of its names of the best score.</summary>
        public List<(string Id, int Score, string Name, string Compared)> ByName(string payer)
        {
            var (tokens, legalForm) = NameText.TokensAndForm(payer);
            var compact = string.Concat(tokens);
            if (tokens.Length == 0 || compact.Length < 3)
            {
                return [];
            }

            // The payer's keys that some form has, each once, rarest first.
            var keys = KeysOf(tokens, compact)
                .Select(key => (Key: key, Prefix: key.StartsWith("P:", StringComparison.Ordinal), Forms: Enumerable.Range(0, _forms.Count).Where(f => _forms[f].Keys.Contains(key)).ToList()))
                .Where(k => k.Forms.Count > 0)
                .OrderBy(k => k.Forms.Count).ThenBy(k => k.Prefix ? 0 : 1).ThenBy(k => k.Forms[0])
                .ToList();
            var brought = new HashSet<int>();
            if (keys.Count > 0 && keys[0].Forms.Count <= _limits.MaxPostings)
            {
                brought.UnionWith(keys[0].Forms);
                foreach (var key in keys.Skip(1).Where(k => k.Forms.Count <= _limits.MaxBringingIn))
                {
                    brought.UnionWith(key.Forms);
                }
            }

            int Weight(int form) => keys.Where(k => _forms[form].Keys.Contains(k.Key)).Sum(k => k.Prefix ? 2 : 1);
            var scored = brought.OrderByDescending(Weight).ThenBy(f => f).Take(_limits.MaxScored).ToHashSet();

            var longest = _forms.Max(f => compact.AsSpan().CommonPrefixLength(f.Compact));
            if (compact.Length >= 8 && longest >= 8)
            {
                var starting = Enumerable.Range(0, _forms.Count).Where(f => _forms[f].Compact.StartsWith(compact[..longest], StringComparison.Ordinal)).ToList();
                if (starting.Count <= (longest == compact.Length ? _limits.MaxWholePrefixForms : _limits.MaxPartPrefixForms))
                {
                    scored.UnionWith(starting);
                }
            }

            return [.. scored.GroupBy(f => _forms[f].Customer)
                .Select(g => g.Select(f => (Form: f, Score: Score(payer, compact, legalForm, _forms[f].Name, _forms[f].Compact, _forms[f].LegalForm))).OrderByDescending(f => f.Score).ThenBy(f => f.Form).First())
                .OrderByDescending(c => c.Score).ThenBy(c => _customers[_forms[c.Form].Customer].CustomerId, StringComparer.Ordinal)
                .Select(c => (_customers[_forms[c.Form].Customer].CustomerId, c.Score, _customers[_forms[c.Form].Customer].Name, _forms[c.Form].Name))];
        }

        private static int Score(string payerName, string payer, string? payerForm, string customerName, string customer, string? customerForm)
        {
            int score;
            if (payer == customer)
            {
                score = 100;
            }
            else if (payer.Length >= 8 && customer.StartsWith(payer, StringComparison.Ordinal))
            {
                score = 96;
            }
            else if (payer.Length >= 5 && customer.StartsWith(payer, StringComparison.Ordinal))
            {
                score = 86;
            }
            else
            {
                score = Fuzz.Ratio(payer, customer);
                if (payer.Length >= 8 && payer.Length < customer.Length)
                {
                    score = Math.Max(score, Fuzz.Ratio(payer, customer[..payer.Length]) - 3);
                }
            }

            if (payerForm is not null && customerForm is not null && payerForm != customerForm)
            {
                score = Math.Min(score, CustomerDirectory.LegalFormConflictScore);
            }

            return score > CustomerDirectory.WordReplacedScore && !customer.StartsWith(payer, StringComparison.Ordinal) && NameWords.WordReplaced(payerName, customerName)
                ? CustomerDirectory.WordReplacedScore
                : score;
        }

        private void AddName(int customer, string name)
        {
            var (tokens, legalForm) = NameText.TokensAndForm(name);
            if (tokens.Length == 0)
            {
                return;
            }

            var compact = string.Concat(tokens);
            _forms.Add((customer, compact, legalForm, KeysOf(tokens, compact), name));
            var shortCompact = NameText.ShortCompact(tokens);
            if (shortCompact != compact)
            {
                _forms.Add((customer, shortCompact, legalForm, KeysOf(tokens, shortCompact), name));
            }
        }

        private static HashSet<string> KeysOf(string[] tokens, string compact)
        {
            var keys = new HashSet<string>(StringComparer.Ordinal);
            CustomerDirectory.ForEachRetrievalKey(tokens, compact, new char[CustomerDirectory.RetrievalKeyLength], (key, _) => keys.Add(key.ToString()));
            return keys;
        }
    }

    /// <summary>The lookup from a score keeps exactly what the whole lookup finds at that score or above, in its order.</summary>
    [Property(MaxTest = 200, Replay = "(43,47)")]
    public Property ByName_FromAScore_IsTheWholeLookupCutThere() =>
        Prop.ForAll(
            Gen.Choose(5, 60).SelectMany(n => Gen.ArrayOf(Gen.Elements(Words), n)
                .SelectMany(words => Gen.ArrayOf(Gen.Elements(words), 12).Select(payers => (Words: words, Payers: payers)))).ToArbitrary(),
            Gen.Choose(0, Limits.Length - 1).ToArbitrary(),
            Gen.Choose(0, 101).ToArbitrary(),
            (day, limitsAt, minScore) =>
            {
                // Names of two words from a small vocabulary, so that many customers share words and scores spread.
                var (words, payers) = day;
                var customers = words.Select((word, i) => new Customer($"C{i:D3}", word + " " + words[(i * 7) % words.Length], null, [], [])).ToList();
                var directory = new CustomerDirectory(customers, [], Limits[limitsAt]);
                foreach (var payer in payers.Select((p, i) => p + " " + payers[(i + 1) % payers.Length]).Append(string.Empty))
                {
                    var whole = directory.ByName(payer).Where(c => c.Score >= minScore).ToList();
                    var cut = directory.ByName(payer, minScore);
                    if (!whole.SequenceEqual(cut))
                    {
                        return false.Label($"'{payer}' from {minScore}: [{string.Join("; ", cut.Select(c => $"{c.Customer} {c.Score}"))}], the whole lookup cut [{string.Join("; ", whole.Select(c => $"{c.Customer} {c.Score}"))}]");
                    }
                }

                return true.Label("same");
            });
}
