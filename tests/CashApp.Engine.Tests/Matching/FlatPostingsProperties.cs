using System.Globalization;
using CashApp.Engine.Matching;
using CashApp.Engine.Model;
using CashApp.Parsers.Currency;
using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;

namespace CashApp.Engine.Tests.Matching;

/// <summary>
/// The customer directory's postings held flat (<see cref="FlatPostings"/>: a slot per key, every key's postings side by
/// side in one array) answer as the lists they replace: a key's values as a sorted list made by inserting each add once,
/// and a directory's name forms, retrieval keys' postings, account lookups, families and name lookups as a scan of every
/// customer as it now stands finds them, in a build and in every generation after it.
/// </summary>
public sealed class FlatPostingsProperties
{
    /// <summary>
    /// Any adds, in ascending order of value or not, with values repeated, by string and by span: each key's postings are
    /// what inserting each value once into a sorted list per key gives (the lists the directory kept before).
    /// </summary>
    [Property(MaxTest = 400, Replay = "(2105,1221)")]
    public Property Postings_AreThoseOfASortedListPerKey() =>
        Prop.ForAll(
            Gen.Choose(0, 1_500).SelectMany(n => Gen.ListOf(Gen.Choose(0, KeyRange).Zip(Gen.Choose(0, 40)), n)).ToArbitrary(),
            Gen.Elements(true, false).ToArbitrary(),
            (adds, ascending) =>
            {
                // A build adds in ascending order (forms, customers); a customer given twice adds to an earlier one.
                var ordered = ascending ? [.. adds.OrderBy(a => a.Item2)] : adds;
                // The least room there is, so that the table, the keys' characters, the slots and the adds all grow.
                var flat = new FlatPostings(adds: 1, keys: 1, keyChars: 1);
                var lists = new Dictionary<string, List<int>>(StringComparer.Ordinal);
                foreach (var (k, value) in ordered)
                {
                    var key = KeyText(k);
                    if (k % 2 == 0)
                    {
                        flat.Add(key, value);
                    }
                    else
                    {
                        flat.Add(key.AsSpan(), value);
                    }

                    if (!lists.TryGetValue(key, out var list))
                    {
                        lists[key] = list = [];
                    }

                    var at = list.BinarySearch(value);
                    if (at < 0)
                    {
                        list.Insert(~at, value);
                    }
                }

                flat.Freeze();
                if (flat.Count != lists.Count)
                {
                    return false.Label($"{flat.Count} keys against {lists.Count}");
                }

                for (var k = 0; k <= KeyRange + 1; k++)
                {
                    var key = KeyText(k);
                    var expected = lists.TryGetValue(key, out var list) ? list : [];
                    var bySpan = flat.TryGetSlot(key.AsSpan(), out var slot) ? flat.Of(slot).Span.ToArray() : [];
                    if (!flat.Of(key).SequenceEqual(expected.ToArray()) || !bySpan.SequenceEqual(expected))
                    {
                        return false.Label($"{key}: [{string.Join(',', flat.Of(key).ToArray())}] against [{string.Join(',', expected)}]");
                    }
                }

                return true.Label("same");
            });

    private const int KeyRange = 300;

    /// <summary>
    /// Key <paramref name="k"/>'s text: keys that differ only in case (K7, k7), non-ASCII keys of many lengths (their
    /// characters past the map's first kilobyte), and the empty key.
    /// </summary>
    private static string KeyText(int k)
    {
        var n = (k / 4).ToString(CultureInfo.InvariantCulture);
        return (k % 4) switch
        {
            0 => "K" + n,
            1 => "k" + n,
            2 => "\u00DC" + n + new string('x', k % 23),
            _ => k == 3 ? "" : "K" + n + "\u00E9",
        };
    }

    /// <summary>
    /// Two keys whose hashes give the same check bits and the same first entry of a 64-entry table: each keeps its own
    /// postings (the check bits alone would take the second for the first).
    /// </summary>
    [Fact]
    public void KeysWithTheSameCheckBits_KeepTheirOwnPostings()
    {
        const string first = "K1881544", second = "K8275900";
        Assert.Equal(unchecked((uint)KeyIndex.HashOf(first)), unchecked((uint)KeyIndex.HashOf(second)));
        Assert.Equal(KeyIndex.HashOf(first) >> 58, KeyIndex.HashOf(second) >> 58);

        var flat = new FlatPostings();
        flat.Add(first, 1);
        flat.Add(second, 2);
        flat.Add(first, 3);
        flat.Freeze();

        Assert.Equal(2, flat.Count);
        Assert.Equal(new[] { 1, 3 }, flat.Of(first).ToArray());
        Assert.Equal(new[] { 2 }, flat.Of(second).ToArray());
    }

    /// <summary>
    /// A directory built from any customers (names from a small vocabulary, shared accounts, parents in chains and
    /// cycles; now and then an id given twice and customers known only from their items), then carried through any
    /// upserts: its name forms, each retrieval key's postings, the customers of each account, each family and each
    /// name lookup are what a scan of every customer as it now stands finds.
    /// </summary>
    [Property(MaxTest = 60, Replay = "(20261205,21)")]
    public Property Directory_FormsPostingsAccountsFamiliesAndNames_AreThoseOfAScan() =>
        Prop.ForAll(ArbMap.Default.ArbFor<int>(), Gen.Choose(0, NameLookupProperties.Limits.Length - 1).ToArbitrary(), (seed, limitsAt) =>
        {
            var random = new Random(seed);
            var limits = NameLookupProperties.Limits[limitsAt];
            var customers = CustomerDirectoryGenerationProperties.RandomCustomers(random);
            var count = customers.Count;

            var everName = customers.Values.SelectMany(c => c.Aliases.Prepend(c.Name)).ToList();
            if (random.Next(3) == 0)
            {
                // An id given twice (its aliases and accounts go to the customer on record, after every other's) and
                // customers known only from items: a build only (a generation refuses to add after them).
                var again = customers.Values.ElementAt(random.Next(customers.Count));
                var twice = new Customer(again.CustomerId, "ANOTHER NAME", null, [CustomerDirectoryGenerationProperties.RandomName(random)], CustomerDirectoryGenerationProperties.RandomAccounts(random));
                var usd = new CurrencyCode("USD");
                var items = new[] { "X1", again.CustomerId, "X2", "X1" }
                    .Select((id, n) => new OpenItem($"AR{n}", DocType.Invoice, id, id + " UNLISTED " + CustomerDirectoryGenerationProperties.RandomName(random), $"INV-{n}", null, usd, 100_00,
                        new DateOnly(2026, 10, 1), new DateOnly(2026, 11, 1)))
                    .ToList();
                var built = new CustomerDirectory([.. customers.Values, twice], items, limits);
                var onRecord = customers.Values.Select(c => c.CustomerId == again.CustomerId ? (c, (Customer?)twice) : (c, null)).ToList();
                var fromItems = items.Where(i => !customers.ContainsKey(i.CustomerId)).Select(i => (i.CustomerId, i.CustomerName)).DistinctBy(i => i.CustomerId);
                var all = onRecord.Concat(fromItems.Select(i => (new Customer(i.CustomerId, i.CustomerName, null, [], []), (Customer?)null))).ToList();
                var inBuild = Difference(built, all, everName, limits: null);
                return (inBuild is null).Label($"a build with {again.CustomerId} given twice: {inBuild}");
            }

            var directory = new CustomerDirectory([.. customers.Values], [], limits);
            var difference = Difference(directory, Current(customers), everName, limits);
            var sequence = 0;
            for (var step = 0; step < 4 && difference is null; step++)
            {
                var upserted = new List<Customer>();
                foreach (var _ in Enumerable.Range(0, random.Next(1, 4)))
                {
                    var ids = customers.Keys.ToList();
                    var now = customers[ids[random.Next(ids.Count)]];
                    now = random.Next(4) switch
                    {
                        0 => now with { Name = CustomerDirectoryGenerationProperties.RandomName(random) },
                        1 => now with { BankAccounts = [.. now.BankAccounts, CustomerDirectoryGenerationProperties.Accounts[random.Next(CustomerDirectoryGenerationProperties.Accounts.Length)]] },
                        2 => now with { ParentId = random.Next(3) == 0 ? null : ids[random.Next(ids.Count)] },
                        _ => now with { Name = CustomerDirectoryGenerationProperties.RandomName(random), Aliases = CustomerDirectoryGenerationProperties.RandomAliases(random), BankAccounts = CustomerDirectoryGenerationProperties.RandomAccounts(random) },
                    };
                    upserted.Add(now);
                }

                if (random.Next(2) == 0)
                {
                    // New customers after every known id, now and then the parent of a known one or a child of one.
                    sequence++;
                    var id = "C9" + sequence.ToString("D3", CultureInfo.InvariantCulture);
                    var parent = random.Next(3) == 0 ? customers.Keys.ElementAt(random.Next(customers.Count)) : null;
                    upserted.Add(new Customer(id, CustomerDirectoryGenerationProperties.RandomName(random), parent, CustomerDirectoryGenerationProperties.RandomAliases(random), CustomerDirectoryGenerationProperties.RandomAccounts(random)));
                }

                foreach (var customer in upserted)
                {
                    customers[customer.CustomerId] = customer;
                    everName.AddRange(customer.Aliases.Prepend(customer.Name));
                }

                if (directory.With(upserted) is not { } next)
                {
                    return false.Label($"step {step}: refused");
                }

                directory = next;
                difference = Difference(directory, Current(customers), everName, limits);
                difference = difference is null ? null : $"step {step}: {difference}";
            }

            return (difference is null).Label($"limits {limits}: {difference}");
        });

    private static List<(Customer Record, Customer? Again)> Current(SortedDictionary<string, Customer> customers) =>
        [.. customers.Values.Select(c => (c, (Customer?)null))];

    /// <summary>
    /// What the directory answers otherwise than a scan of <paramref name="customers"/> (in the directory's numbering, each
    /// with the record given again for its id, if any), or null. Names are compared with the name lookup's brute force
    /// when <paramref name="limits"/> are given.
    /// </summary>
    private static string? Difference(CustomerDirectory directory, List<(Customer Record, Customer? Again)> customers, List<string> everName, NameLookupLimits? limits)
    {
        if (directory.Count != customers.Count)
        {
            return $"{directory.Count} customers against {customers.Count}";
        }

        // Each customer's forms: its name's, its trading name's and its aliases' (then those of its id given again), in that order.
        var live = new SortedSet<int>();
        for (var c = 0; c < customers.Count; c++)
        {
            var (record, again) = customers[c];
            var names = new List<string> { record.Name };
            names.AddRange(NameText.TradingName(record.Name) is { } trading ? [trading] : []);
            names.AddRange(record.Aliases);
            names.AddRange(again?.Aliases ?? []);
            var expected = names.SelectMany(FormsOfName).ToList();
            var forms = directory.FormsOf(c).ToArray();
            var found = forms.Select(f => directory.Form(f)).Select(f => (f.Compact, f.Name)).ToList();
            if (!found.SequenceEqual(expected) || forms.Any(f => directory.Form(f).Customer != c) || !forms.SequenceEqual(forms.Order()))
            {
                return $"forms of {record.CustomerId}: [{string.Join("; ", found)}] against [{string.Join("; ", expected)}]";
            }

            live.UnionWith(forms);
        }

        // Each key any name ever had: the live forms that have it, ascending.
        var keysOfForm = live.ToDictionary(f => f, f => KeysOf(directory.Form(f).Name, directory.Form(f).Compact));
        foreach (var key in everName.Concat(customers.Select(c => c.Record.Name)).SelectMany(name => KeysOf(name, null)).Distinct())
        {
            var expected = live.Where(f => keysOfForm[f].Contains(key)).ToArray();
            var found = directory.PostingsOf(key);
            if (!found.SequenceEqual(expected))
            {
                return $"postings of {key}: [{string.Join(',', found)}] against [{string.Join(',', expected)}]";
            }
        }

        // Accounts: every customer that has the account, or the one customer alone with its number.
        var accounts = customers.Select(c => c.Record.BankAccounts.Concat(c.Again?.BankAccounts ?? []).ToList()).ToList();
        foreach (var account in CustomerDirectoryGenerationProperties.Accounts.Concat(CustomerDirectoryGenerationProperties.Accounts.Select(a => a.Replace(":", ":00", StringComparison.Ordinal))).Append("BE00123456789"))
        {
            var key = CustomerDirectory.NormalizeAccount(account);
            var expected = Enumerable.Range(0, customers.Count).Where(c => accounts[c].Any(a => CustomerDirectory.NormalizeAccount(a) == key)).ToArray();
            if (expected.Length == 0 && NumberOf(account) is { } number
                && Enumerable.Range(0, customers.Count).Where(c => accounts[c].Any(a => NumberOf(a) == number)).ToArray() is { Length: 1 } alone)
            {
                expected = alone;
            }

            var found = directory.CustomersByAccount(account).ToArray();
            if (!found.SequenceEqual(expected))
            {
                return $"account {account}: [{string.Join(',', found)}] against [{string.Join(',', expected)}]";
            }
        }

        // Families: each customer's root by its parents followed up (to an unknown parent or a cycle); a customer's family
        // is itself, then every other customer whose root it is, ascending.
        var index = Enumerable.Range(0, customers.Count).ToDictionary(c => customers[c].Record.CustomerId, StringComparer.Ordinal);
        var root = new int[customers.Count];
        for (var c = 0; c < customers.Count; c++)
        {
            var (at, seen) = (c, new HashSet<int> { c });
            while (customers[at].Record.ParentId is { } parent && index.TryGetValue(parent, out var p) && seen.Add(p))
            {
                at = p;
            }

            root[c] = at;
        }

        for (var c = 0; c < customers.Count; c++)
        {
            var expected = Enumerable.Range(0, customers.Count).Where(x => x != c && root[x] == c).Prepend(c).ToArray();
            var found = directory.Family(c).ToArray();
            if (directory.Root(c) != root[c] || !found.SequenceEqual(expected))
            {
                return $"family of {customers[c].Record.CustomerId}: root {directory.Root(c)}, [{string.Join(',', found)}] against root {root[c]}, [{string.Join(',', expected)}]";
            }
        }

        if (limits is not null)
        {
            var scan = new NameLookupProperties.BruteForce([.. customers.Select(c => c.Record)], limits);
            foreach (var payer in everName.Concat(everName.Select(n => n.ToUpperInvariant()[..Math.Min(n.Length, 11)])))
            {
                var found = directory.ByName(payer).Select(c => (directory.Id(c.Customer), c.Score, c.NameOnFile, c.AliasOf)).ToList();
                var expected = scan.ByName(payer).Select(c => (c.Id, c.Score, (string?)c.Compared, c.Compared == c.Name ? null : c.Name)).ToList();
                if (!found.SequenceEqual(expected))
                {
                    return $"'{payer}': [{string.Join("; ", found)}] against [{string.Join("; ", expected)}]";
                }
            }
        }

        return null;
    }

    private static IEnumerable<(string Compact, string Name)> FormsOfName(string name)
    {
        var (tokens, _) = NameText.TokensAndForm(name);
        if (tokens.Length == 0)
        {
            yield break;
        }

        var compact = string.Concat(tokens);
        yield return (compact, name);
        if (NameText.ShortCompact(tokens) is var shortCompact && shortCompact != compact)
        {
            yield return (shortCompact, name);
        }
    }

    /// <summary>The retrieval keys of a name (as a form of <paramref name="compact"/>, or of its own compact text).</summary>
    private static HashSet<string> KeysOf(string name, string? compact)
    {
        var keys = new HashSet<string>(StringComparer.Ordinal);
        var tokens = NameText.Tokens(name);
        if (tokens.Length > 0)
        {
            CustomerDirectory.ForEachRetrievalKey(tokens, compact ?? string.Concat(tokens), new char[CustomerDirectory.RetrievalKeyLength], (key, _) => keys.Add(key.ToString()));
        }

        return keys;
    }

    /// <summary>An account's number without its bank, as the directory reads one: six digits or more, leading zeros dropped.</summary>
    private static string? NumberOf(string account)
    {
        var colon = account.IndexOf(':', StringComparison.Ordinal);
        var number = (colon < 0 ? account : account[(colon + 1)..]).Trim().TrimStart('0');
        return number.Length >= 6 && number.All(char.IsAsciiDigit) ? number : null;
    }
}
