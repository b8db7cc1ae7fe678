using System.Globalization;
using CashApp.Engine.Matching;
using CashApp.Engine.Model;
using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;

namespace CashApp.Engine.Tests.Matching;

/// <summary>
/// A customer directory carried forward across upserts (<see cref="CustomerDirectory.With"/>) finds every payer as a
/// directory built afresh from the customers as they now stand: the same customers by name (score, order and what was
/// met), by account, the same families, the same resemblance. Names come from a small vocabulary, so postings are long
/// and ties many, and the small limits of <see cref="NameLookupProperties"/> make every tie that form numbers decide
/// reachable: a renamed customer's forms are numbered after all others in a generation, where a build numbers them
/// among its neighbours'.
/// </summary>
public sealed class CustomerDirectoryGenerationProperties
{
    internal static readonly string[] Accounts =
        ["NL91ABNA0417164300", "DE89370400440532013000", "021000021:000123456789", "021000021:123456789", "026009593:0099887766", "GB29NWBK60161331926819", "011000015:5550001"];

    /// <summary>
    /// Any sequence of upserts (a known customer renamed, its aliases added or dropped, its accounts added or dropped,
    /// its parent changed; new customers after every known id, some the parent a known customer names), each carried
    /// forward, never refused, and each generation decides as a fresh build.
    /// </summary>
    [Property(MaxTest = 60, Replay = "(20261203,17)")]
    public Property With_KnownCustomersChanged_FindsAsAFreshDirectory() =>
        Prop.ForAll(ArbMap.Default.ArbFor<int>(), Gen.Choose(0, NameLookupProperties.Limits.Length - 1).ToArbitrary(), (seed, limitsAt) =>
        {
            var random = new Random(seed);
            var limits = NameLookupProperties.Limits[limitsAt];
            var customers = RandomCustomers(random);
            var count = customers.Count;

            var directory = new CustomerDirectory([.. customers.Values], [], limits);
            var everName = customers.Values.SelectMany(c => c.Aliases.Prepend(c.Name)).ToList();
            var sequence = 0;
            for (var step = 0; step < 4; step++)
            {
                var upserted = new List<Customer>();
                foreach (var _ in Enumerable.Range(0, random.Next(1, 4)))
                {
                    var ids = customers.Keys.ToList();
                    var now = customers[ids[random.Next(ids.Count)]];
                    now = random.Next(5) switch
                    {
                        0 => now with { Name = RandomName(random) },
                        1 => now with { Aliases = random.Next(2) == 0 ? [.. now.Aliases, RandomName(random)] : now.Aliases.Skip(1).ToList() },
                        2 => now with { BankAccounts = random.Next(2) == 0 ? [.. now.BankAccounts, Accounts[random.Next(Accounts.Length)]] : now.BankAccounts.Skip(1).ToList() },
                        3 => now with { ParentId = random.Next(3) == 0 ? null : ids[random.Next(ids.Count)] },
                        _ => now with { Name = RandomName(random), Aliases = RandomAliases(random), BankAccounts = RandomAccounts(random), ParentId = RandomParent(random, count) },
                    };
                    upserted.Add(now);
                }

                if (random.Next(2) == 0)
                {
                    // New customers after every known id; now and then the parent some known customer names ("C9...").
                    sequence++;
                    var id = "C9" + sequence.ToString("D3", CultureInfo.InvariantCulture);
                    upserted.Add(new Customer(id, RandomName(random), random.Next(4) == 0 ? customers.Keys.First() : null, RandomAliases(random), RandomAccounts(random)));
                }

                foreach (var customer in upserted)
                {
                    customers[customer.CustomerId] = customer;
                    everName.AddRange(customer.Aliases.Prepend(customer.Name));
                }

                var next = directory.With(upserted);
                if (next is null)
                {
                    return false.Label($"step {step}: refused");
                }

                directory = next;
                var fresh = new CustomerDirectory([.. customers.Values], [], limits);
                var payers = Enumerable.Range(0, 16).Select(_ => PayerName(random, everName)).ToList();
                var difference = FirstDifference(directory, fresh, payers);
                if (difference is not null)
                {
                    return false.Label($"step {step} (limits {limits}): {difference}");
                }
            }

            return true.Label("same");
        });

    /// <summary>What the two directories find differently, or null.</summary>
    internal static string? FirstDifference(CustomerDirectory carried, CustomerDirectory fresh, IEnumerable<string> payers)
    {
        if (carried.Count != fresh.Count)
        {
            return $"{carried.Count} customers against {fresh.Count}";
        }

        foreach (var payer in payers)
        {
            var found = Found(carried, carried.ByName(payer));
            var expected = Found(fresh, fresh.ByName(payer));
            if (found != expected)
            {
                return $"'{payer}': carried [{found}], fresh [{expected}]";
            }

            for (var c = 0; c < fresh.Count; c++)
            {
                var at = carried.IndexOf(fresh.Id(c));
                if (carried.NameResembles(payer, at, 80) != fresh.NameResembles(payer, c, 80))
                {
                    return $"'{payer}' resembles {fresh.Id(c)}: carried {carried.NameResembles(payer, at, 80)}";
                }
            }
        }

        foreach (var account in Accounts.Concat(Accounts.Select(a => a.Replace(":", ":00", StringComparison.Ordinal))).Append("BE00123456789"))
        {
            var found = Found(carried, carried.ByAccount(account));
            var expected = Found(fresh, fresh.ByAccount(account));
            if (found != expected)
            {
                return $"account {account}: carried [{found}], fresh [{expected}]";
            }
        }

        for (var c = 0; c < fresh.Count; c++)
        {
            var at = carried.IndexOf(fresh.Id(c));
            var family = string.Join(",", carried.Family(carried.Root(at)).ToArray().Select(carried.Id));
            var expected = string.Join(",", fresh.Family(fresh.Root(c)).ToArray().Select(fresh.Id));
            if (family != expected)
            {
                return $"family of {fresh.Id(c)}: carried [{family}], fresh [{expected}]";
            }
        }

        return null;
    }

    private static string Found(CustomerDirectory directory, List<PayerCandidate> candidates) =>
        string.Join("; ", candidates.Select(c => $"{directory.Id(c.Customer)} {c.Score} {c.How}"));

    /// <summary>8 to 49 customers, ids C0000, C0010, ... (room between them for ids added later), by id.</summary>
    internal static SortedDictionary<string, Customer> RandomCustomers(Random random)
    {
        var customers = new SortedDictionary<string, Customer>(StringComparer.Ordinal);
        var count = random.Next(8, 50);
        for (var i = 0; i < count; i++)
        {
            var id = "C" + (i * 10).ToString("D4", CultureInfo.InvariantCulture);
            customers[id] = new Customer(id, RandomName(random), RandomParent(random, count), RandomAliases(random), RandomAccounts(random));
        }

        return customers;
    }

    internal static string RandomName(Random random)
    {
        var words = Enumerable.Range(0, random.Next(1, 5)).Select(_ => NameLookupProperties.Words[random.Next(NameLookupProperties.Words.Length)]);
        var form = NameLookupProperties.Forms[random.Next(NameLookupProperties.Forms.Length)];
        return string.Join(' ', words) + (form.Length > 0 ? " " + form : string.Empty) + (random.Next(8) == 0 ? " DBA Larch Tech" : string.Empty);
    }

    internal static List<string> RandomAliases(Random random) => random.Next(3) == 0 ? [RandomName(random)] : [];

    internal static List<string> RandomAccounts(Random random) =>
        [.. Enumerable.Range(0, random.Next(0, 3)).Select(_ => Accounts[random.Next(Accounts.Length)])];

    internal static string? RandomParent(Random random, int count) => random.Next(6) switch
    {
        0 => "C" + (random.Next(count) * 10).ToString("D4", CultureInfo.InvariantCulture),
        1 => "C9001",
        _ => null,
    };

    // A payer name as a bank prints one: a name (old or new) as it is, cut, upper-cased, with a slip, or another name.
    internal static string PayerName(Random random, List<string> names)
    {
        var name = names[random.Next(names.Count)];
        var at = name.Length == 0 ? 0 : random.Next(name.Length);
        return random.Next(6) switch
        {
            0 => name,
            1 => name.ToUpperInvariant()[..Math.Max(1, Math.Min(name.Length, 3 + random.Next(22)))],
            2 => name.Length > 1 ? name.Remove(at, 1) : name,
            3 => name.Insert(at, "E"),
            4 => name.Split(' ')[0] + " " + NameLookupProperties.Forms[random.Next(NameLookupProperties.Forms.Length)],
            _ => RandomName(random),
        };
    }
}
