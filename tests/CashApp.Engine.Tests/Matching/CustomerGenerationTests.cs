using System.Globalization;
using CashApp.Engine.Ar;
using CashApp.Engine.Matching;
using CashApp.Engine.Model;
using CashApp.Parsers.Common;
using CashApp.Parsers.Currency;
using CashApp.Tests;
using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;
using static CashApp.Engine.Tests.Matching.CashMatcherGenerationTests;

namespace CashApp.Engine.Tests.Matching;

/// <summary>
/// A served ledger's next snapshot made from the last one and the customers an AR system upserted
/// (<see cref="CashMatcher.WithChangedCustomers"/>) decides every payment as a matcher built afresh from the changed ledger.
/// </summary>
public sealed class CustomerGenerationTests
{
    private static readonly Lazy<(List<OpenItem> Items, List<Customer> Customers, Payment[] Payments)> Demo = new(() =>
    {
        var items = ArFiles.ReadOpenItems(TestPaths.Demo("open_items.csv"));
        // Every customer on record: one known only from its items is numbered after them all, which a new one cannot be.
        var customers = ArFiles.ReadCustomers(TestPaths.Demo("customers.csv"));
        var payments = items.Where((_, n) => n % 9 == 0).Select((item, n) => new Payment(
            "P" + n.ToString("D4", CultureInfo.InvariantCulture),
            new Money(Math.Abs(item.OpenMinor), item.Currency),
            n % 5 == 4 ? "Nobody We Know Ltd" : item.CustomerName,
            null,
            n % 2 == 0 ? [] : [new RemittanceLine(item.InvoiceNumber, Math.Abs(item.OpenMinor))],
            null,
            "demo",
            n + 1)).ToArray();
        return (items, customers, payments);
    });

    /// <summary>
    /// Any sequence of upserts of customers (new ones named like known ones, sharing their accounts, under their
    /// parents or each other, or with a name and alias of their own; a known customer renamed, given an alias or an
    /// account or another parent, or its account taken away; a new id among the known ones) mixed with new items for them
    /// and changes to known items: after each, the matcher carried forward and a matcher built from the ledger as it now
    /// stands give the same applications and exceptions, to the letter, for payments naming the new and the changed
    /// customers by name (new and old), alias, account (new and dropped) or a misspelling. Only a new id among the known
    /// ones cannot be carried (every other step may bring one): then the carried matcher is rebuilt, as a server does.
    /// Every other step is carried, and some new customers and some changed known ones were.
    /// </summary>
    [Property(MaxTest = 10, Replay = "(20261203,41)")]
    public Property WithChangedCustomers_AnyUpserts_SameResultAsAFreshMatcher() =>
        Prop.ForAll(ArbMap.Default.ArbFor<int>(), seed =>
        {
            var (items, known, basePayments) = Demo.Value;
            var random = new Random(seed);
            var customers = known.ToDictionary(c => c.CustomerId, StringComparer.Ordinal);
            var ledger = items.ToDictionary(i => i.ItemId, i => (OpenItem?)i, StringComparer.Ordinal);
            var carried = new CashMatcher(items, known, MatchPolicy.Default);
            var added = new List<Customer>();
            var fresh = new List<OpenItem>();
            var carriedCustomers = 0;
            var carriedChanges = 0;
            var changedKnown = new List<(Customer Was, Customer Now)>();
            var sequence = 0;
            for (var step = 0; step < 5; step++)
            {
                var upserted = new List<Customer>();
                foreach (var _ in Enumerable.Range(0, random.Next(1, 5)))
                {
                    var customer = NewCustomer(random, known, added, ref sequence, amongKnown: step % 2 == 1);
                    upserted.Add(customer);
                    added.Add(customer);
                }

                var changedBefore = changedKnown.Count;
                foreach (var _ in Enumerable.Range(0, random.Next(0, 3)))
                {
                    // A known customer renamed (as another's name now and then), given an alias, an account (another's now
                    // and then) or another parent, or an account taken away.
                    var like = known[random.Next(known.Count)];
                    var was = customers[like.CustomerId];
                    var other = known[random.Next(known.Count)];
                    var now = random.Next(6) switch
                    {
                        0 => was with { Name = random.Next(2) == 0 ? was.Name + " West" : other.Name },
                        1 => was with { Aliases = [.. was.Aliases, random.Next(2) == 0 ? other.Name : "Bilby " + step.ToString(CultureInfo.InvariantCulture) + " Holdings Ltd"] },
                        2 => was with { BankAccounts = [.. was.BankAccounts, random.Next(2) == 0 && other.BankAccounts.Count > 0 ? other.BankAccounts[0] : "DE" + random.Next(10_000_000, 99_999_999).ToString(CultureInfo.InvariantCulture)] },
                        3 => was with { BankAccounts = was.BankAccounts.Skip(1).ToList() },
                        4 => was with { ParentId = random.Next(3) == 0 ? null : other.CustomerId },
                        _ => was with { Name = "Numbat " + step.ToString(CultureInfo.InvariantCulture) + " Freight Inc.", Aliases = [was.Name], BankAccounts = [.. was.BankAccounts.Skip(1), "NL" + random.Next(10_000_000, 99_999_999).ToString(CultureInfo.InvariantCulture) + "11"] },
                    };
                    upserted.Add(now);
                    changedKnown.Add((was, now));
                }

                if (random.Next(4) == 0)
                {
                    // Upserted again as it is: changes nothing.
                    upserted.Add(customers[known[random.Next(known.Count)].CustomerId]);
                }

                var customersBefore = new SortedSet<string>(customers.Keys, StringComparer.Ordinal);
                foreach (var customer in upserted)
                {
                    customers[customer.CustomerId] = customer;
                }

                var changes = new List<(string, OpenItem?)>();
                foreach (var item in Enumerable.Range(0, random.Next(0, 8)).Select(_ => items[random.Next(items.Count)]).DistinctBy(i => i.ItemId))
                {
                    var now = random.Next(3) == 0 ? null : item with { OpenMinor = item.OpenMinor - (item.OpenMinor / 100 * random.Next(0, 60)) };
                    ledger[item.ItemId] = now;
                    changes.Add((item.ItemId, now));
                }

                foreach (var customer in upserted.Where(c => c.CustomerId.StartsWith("C9", StringComparison.Ordinal) || random.Next(2) == 0))
                {
                    var like = items[random.Next(items.Count)];
                    sequence++;
                    var item = like with
                    {
                        ItemId = "AR9" + sequence.ToString("D5", CultureInfo.InvariantCulture),
                        CustomerId = customer.CustomerId,
                        CustomerName = customer.Name,
                        InvoiceNumber = random.Next(3) == 0 ? like.InvoiceNumber : "INV-" + random.Next(2_000_000, 2_999_999).ToString(CultureInfo.InvariantCulture),
                        OpenMinor = random.Next(3) == 0 ? Math.Abs(like.OpenMinor) : random.Next(1_00, 20_000_00),
                        DocType = DocType.Invoice,
                    };
                    ledger[item.ItemId] = item;
                    fresh.Add(item);
                    changes.Add((item.ItemId, item));
                }

                var currentItems = ledger.Values.OfType<OpenItem>().Where(i => i.OpenMinor != 0).ToList();
                var currentCustomers = customers.Values.ToList();
                var onRecord = customers.ContainsKey;
                var next = carried.WithChangedCustomers(upserted);
                var amongKnown = upserted.Exists(c => !customersBefore.Contains(c.CustomerId) && string.CompareOrdinal(c.CustomerId, customersBefore.Max) < 0);
                if (next is null && !amongKnown)
                {
                    return false.Label($"step {step}: refused, with no new id among the known ones");
                }

                carriedCustomers += next is not null && upserted.Exists(c => !known.Exists(k => k.CustomerId == c.CustomerId)) ? 1 : 0;
                carriedChanges += next is not null && changedKnown.Count > changedBefore ? 1 : 0;
                next = next?.WithChangedItems(changes, onRecord);
                carried = next ?? new CashMatcher(currentItems, currentCustomers, MatchPolicy.Default);

                var payments = basePayments.Concat(fresh.SelectMany((item, n) => PaymentsFor(item, customers[item.CustomerId], n)))
                    .Concat(changedKnown.SelectMany((change, n) => PaymentsForChanged(items.Find(i => i.CustomerId == change.Now.CustomerId), change.Was, customers[change.Now.CustomerId], n)))
                    .ToArray();
                var expected = Text(new CashMatcher(currentItems, currentCustomers, MatchPolicy.Default).Match(payments));
                var actual = Text(carried.Fork().Propose(payments));
                if (expected != actual)
                {
                    return false.Label($"step {step}: {FirstDifference(expected, actual)}");
                }
            }

            return (carriedCustomers > 0).Label("no new customer was carried forward")
                .And((carriedChanges > 0).Label("no known customer's change was carried forward"));
        });

    /// <summary>
    /// Payments for a changed known customer's item (when it has one), as a payer names it: by its name now and as it was,
    /// its last alias, its last account and the account it had first.
    /// </summary>
    private static IEnumerable<Payment> PaymentsForChanged(OpenItem? item, Customer was, Customer now, int n)
    {
        if (item is null)
        {
            yield break;
        }

        var reference = "K" + n.ToString("D4", CultureInfo.InvariantCulture);
        var amount = new Money(Math.Abs(item.OpenMinor), item.Currency);
        yield return new Payment(reference + "N", amount, now.Name.ToUpperInvariant(), null, [], null, "known", (5 * n) + 1);
        yield return new Payment(reference + "O", amount, was.Name, null, [], null, "known", (5 * n) + 2);
        if (now.Aliases.Count > 0)
        {
            yield return new Payment(reference + "A", amount, now.Aliases[^1], null, [], null, "known", (5 * n) + 3);
        }

        if (now.BankAccounts.Count > 0)
        {
            yield return new Payment(reference + "B", amount, null, now.BankAccounts[^1], [], null, "known", (5 * n) + 4);
        }

        if (was.BankAccounts.Count > 0)
        {
            yield return new Payment(reference + "D", amount, null, was.BankAccounts[0], [], null, "known", (5 * n) + 5);
        }
    }

    /// <summary>
    /// A new customer like a known one: its name, the name with a word more, a name of its own, or a known name as its
    /// alias; sharing a known account now and then; under a known parent, a new customer or an unknown one. Its id sorts
    /// after every known id, but now and then (<paramref name="amongKnown"/>) among them, which must be refused.
    /// </summary>
    private static Customer NewCustomer(Random random, List<Customer> known, List<Customer> added, ref int sequence, bool amongKnown)
    {
        var like = random.Next(4) == 0 && added.Count > 0 ? added[random.Next(added.Count)] : known[random.Next(known.Count)];
        sequence++;
        var id = amongKnown && random.Next(4) == 0 ? like.CustomerId + "5" : "C9" + sequence.ToString("D5", CultureInfo.InvariantCulture);
        var name = random.Next(4) switch
        {
            0 => like.Name,
            1 => like.Name.Split(' ')[0] + " Harbour " + like.Name.Split(' ')[^1],
            2 => "Quokka " + sequence.ToString(CultureInfo.InvariantCulture) + " Traders LLC",
            _ => like.Name.Split(' ')[0] + " Northfield Supply Inc.",
        };
        IReadOnlyList<string> aliases = random.Next(3) == 0 ? [known[random.Next(known.Count)].Name] : random.Next(3) == 0 ? ["Wombat " + sequence.ToString(CultureInfo.InvariantCulture) + " GmbH"] : [];
        IReadOnlyList<string> accounts = random.Next(4) switch
        {
            0 when like.BankAccounts.Count > 0 => [like.BankAccounts[0]],
            1 => ["NL" + random.Next(10_000_000, 99_999_999).ToString(CultureInfo.InvariantCulture) + "00"],
            _ => [],
        };
        var parent = random.Next(12) switch
        {
            0 or 1 or 2 => known[random.Next(known.Count)].CustomerId,
            3 or 4 when added.Count > 0 => added[random.Next(added.Count)].CustomerId,
            5 => "C9" + (sequence + 1).ToString("D5", CultureInfo.InvariantCulture),
            _ => null,
        };
        return new Customer(id, name, parent, aliases, accounts);
    }

    /// <summary>Payments for a new customer's item: by the customer's name alone, by its first alias, by its account, by its name misspelt.</summary>
    private static IEnumerable<Payment> PaymentsFor(OpenItem item, Customer customer, int n)
    {
        var reference = "Q" + n.ToString("D4", CultureInfo.InvariantCulture);
        var amount = new Money(item.OpenMinor, item.Currency);
        yield return new Payment(reference + "N", amount, customer.Name, null, [], null, "new", (4 * n) + 1);
        if (customer.Aliases.Count > 0)
        {
            yield return new Payment(reference + "A", amount, customer.Aliases[0], null, [], null, "new", (4 * n) + 2);
        }

        if (customer.BankAccounts.Count > 0)
        {
            yield return new Payment(reference + "B", amount, null, customer.BankAccounts[0], [], null, "new", (4 * n) + 3);
        }

        var name = customer.Name.ToUpperInvariant();
        var typo = name.Length > 6 ? name[..3] + name[4] + name[3] + name[5..] : name;
        yield return new Payment(reference + "T", amount, typo, null, [], null, "new", (4 * n) + 4);
    }

    [Fact]
    public void WithChangedCustomers_ANewCustomerNamedOnly_IsFoundByName()
    {
        var (items, customers, _) = Demo.Value;
        var matcher = new CashMatcher(items, customers, MatchPolicy.Default);
        var customer = new Customer("C900001", "Quokka Harbour Traders LLC", null, ["Quokka Trading"], ["NL11223344556677"]);
        var item = items[0] with { ItemId = "AR900001", CustomerId = customer.CustomerId, CustomerName = customer.Name, InvoiceNumber = "INV-7770001", OpenMinor = 4_321_09 };
        Payment[] payments = [new("PN", new Money(item.OpenMinor, item.Currency), "QUOKKA HARBOUR TRADERS", null, [], null, "t", 1)];

        var carried = matcher.WithChangedCustomers([customer])?.WithChangedItems([(item.ItemId, item)], id => id == customer.CustomerId || customers.Exists(c => c.CustomerId == id));

        Assert.NotNull(carried);
        var application = Assert.Single(carried.Propose(payments).Applications);
        Assert.Equal(item.ItemId, application.ItemId);
        Assert.Empty(matcher.Propose(payments).Applications);
    }

    [Fact]
    public void WithChangedCustomers_ANewIdAmongTheKnown_NeedsANewMatcher()
    {
        var (items, customers, _) = Demo.Value;
        var matcher = new CashMatcher(items, customers, MatchPolicy.Default);
        var known = customers[10];

        Assert.Null(matcher.WithChangedCustomers([known with { CustomerId = known.CustomerId + "5" }]));
        Assert.NotNull(matcher.WithChangedCustomers([known]));
        Assert.NotNull(matcher.WithChangedCustomers([known with { CustomerId = "C900001" }]));
        Assert.NotNull(matcher.WithChangedCustomers([known with { Name = known.Name + " West" }]));
        Assert.NotNull(matcher.WithChangedCustomers([known with { Aliases = ["Other Name Inc"], ParentId = customers[0].CustomerId }]));

        // A customer known only from its items is numbered after every customer on record: a new one cannot be added after
        // it, nor can it be put on record; a customer on record still changes in place.
        var withoutRecord = new CashMatcher(items, customers.Where(c => c.CustomerId != "C100005").ToList(), MatchPolicy.Default);
        var fromItems = customers.Single(c => c.CustomerId == "C100005");
        Assert.Null(withoutRecord.WithChangedCustomers([known with { CustomerId = "C900001" }]));
        Assert.Null(withoutRecord.WithChangedCustomers([fromItems]));
        Assert.NotNull(withoutRecord.WithChangedCustomers([known with { BankAccounts = ["NL91ABNA0417164300"] }]));
    }

    /// <summary>
    /// A batch run's build keeps no customer's record (only what lookups read of it): it decides every payment as a
    /// build that keeps them, the records do not live as long as it does, and a change to a customer it knows, which it
    /// can no longer tell from the record, is left to a build anew. A new customer is still carried.
    /// </summary>
    [Fact]
    public void WithChangedCustomers_BuildWithoutCustomerRecords_DecidesAlikeKeepsNoRecordAndLeavesKnownOnesToANewBuild()
    {
        var (items, customers, payments) = Demo.Value;
        var (without, recordOfWithout) = BuiltOverColumns(items, customers, keepCustomerRecords: false);
        var (with, recordOfWith) = BuiltOverColumns(items, customers, keepCustomerRecords: true);
        GC.Collect();
        GC.WaitForPendingFinalizers();
        GC.Collect();
        Assert.False(recordOfWithout.IsAlive);
        Assert.True(recordOfWith.IsAlive);

        Assert.Equal(Text(with.Fork().Propose(payments)), Text(without.Fork().Propose(payments)));
        var known = customers[10];
        Assert.NotNull(with.WithChangedCustomers([known with { Name = known.Name + " West" }]));
        Assert.Null(without.WithChangedCustomers([known with { Name = known.Name + " West" }]));
        Assert.Null(without.WithChangedCustomers([known]));
        var quill = known with { CustomerId = "C900001", Name = "Quillfeather Ropeworks" };
        var added = without.WithChangedCustomers([quill]);
        Assert.NotNull(added);
        Assert.Equal(Text(with.WithChangedCustomers([quill])!.Fork().Propose(payments)), Text(added.Fork().Propose(payments)));

        // The generation keeps the record of the customer it added: a later change to that one is carried; to one of the
        // build's, still not.
        Assert.NotNull(added.WithChangedCustomers([quill with { Name = "Quillfeather Rope Works" }]));
        Assert.Null(added.WithChangedCustomers([known with { Name = known.Name + " West" }]));
    }

    // A build over the items by column, of copies of the customers that only it is given, and a weak reference to one
    // of those records: alive after a collection only if the build kept it.
    [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.NoInlining)]
    private static (CashMatcher Matcher, WeakReference Record) BuiltOverColumns(List<OpenItem> items, List<Customer> customers, bool keepCustomerRecords)
    {
        var copies = customers.ConvertAll(c => c with { });
        var matcher = new CashMatcher(ItemRecords.Of([.. items], items.Count, items.Count), copies, MatchPolicy.Default, keepCustomerRecords);
        return (matcher, new WeakReference(copies[10]));
    }

    [Fact]
    public void WithChangedCustomers_AKnownCustomerRenamedAndGivenAnAccount_IsFoundByTheNewNameAndAccount()
    {
        var (items, customers, _) = Demo.Value;
        var matcher = new CashMatcher(items, customers, MatchPolicy.Default);
        var item = items.First(i => i.OpenMinor > 0 && items.Count(o => o.CustomerId == i.CustomerId) == 1);
        var was = customers.Single(c => c.CustomerId == item.CustomerId);
        var now = was with { Name = "Quokka Harbour Traders LLC", BankAccounts = [.. was.BankAccounts, "NL11223344556677"] };
        Payment[] payments =
        [
            new("PN", new Money(item.OpenMinor, item.Currency), "QUOKKA HARBOUR TRADERS", null, [], null, "t", 1),
            new("PB", new Money(item.OpenMinor, item.Currency), null, "NL11223344556677", [], null, "t", 2),
        ];
        var ledger = customers.Select(c => c.CustomerId == was.CustomerId ? now : c).ToList();

        var carried = matcher.WithChangedCustomers([now]);

        Assert.NotNull(carried);
        Assert.Equal(Text(new CashMatcher(items, ledger, MatchPolicy.Default).Propose(payments)), Text(carried.Fork().Propose(payments)));
        Assert.Equal(item.ItemId, Assert.Single(carried.Fork().Propose([payments[0]]).Applications).ItemId);
        Assert.Equal(item.ItemId, Assert.Single(carried.Fork().Propose([payments[1]]).Applications).ItemId);
        Assert.Empty(matcher.Propose(payments).Applications);
    }
}
