using CashApp.Engine.Matching;
using CashApp.Engine.Model;
using CashApp.Parsers.Currency;

namespace CashApp.Engine.Tests.Matching;

/// <summary>
/// A directory large enough that its names are read on every core (thousands of customers): each name, trading name
/// and alias still belongs to its own customer, customers keep the order given, and each item's customer is the one
/// its id names, whether on record or known only from the item.
/// </summary>
public sealed class DirectoryBuildTests
{
    private static readonly string[] Words =
    [
        "ALDER", "BIRCH", "CEDAR", "DOGWOOD", "ELM", "FIR", "GINKGO", "HAZEL", "IRONWOOD", "JUNIPER",
        "KAPOK", "LARCH", "MAPLE", "NUTMEG", "OAK", "POPLAR", "QUINCE", "REDWOOD", "SPRUCE", "TEAK",
    ];

    private const int Count = 6_000;

    private static string NameOf(int c) =>
        $"{Words[c % 20]} {Words[c / 20 % 20]} {Words[c / 400 % 20]} {Words[(c / 8_000) + 1]} HOLDINGS";

    private static (List<Customer> Customers, List<OpenItem> Items) Ledger()
    {
        var customers = new List<Customer>();
        for (var c = 0; c < Count; c++)
        {
            var name = c % 7 == 0 ? $"{NameOf(c)} DBA {Words[c % 20]} {Words[c / 20 % 20]} STORES" : NameOf(c);
            var aliases = c % 5 == 0 ? new[] { $"{Words[c / 400 % 20]} {Words[c / 20 % 20]} {Words[c % 20]} PARTNERS" } : [];
            customers.Add(new Customer($"C{c:D5}", name, null, aliases, []));
        }

        // The same id again: only its alias is added, to the customer already on record.
        customers.Add(new Customer("C00003", "SOMETHING ELSE ENTIRELY", null, ["THIRD CUSTOMER AGAIN"], []));

        var usd = new CurrencyCode("USD");
        var items = new List<OpenItem>();
        foreach (var (customerId, name) in new[] { ("C00042", NameOf(42)), ("X1", "UNLISTED ONE TRADING"), ("C05999", NameOf(5_999)), ("X1", "UNLISTED ONE TRADING"), ("X2", "UNLISTED TWO TRADING") })
        {
            items.Add(new OpenItem($"AR{items.Count}", DocType.Invoice, customerId, name, $"INV-{items.Count}", null, usd, 100_00,
                new DateOnly(2026, 10, 1), new DateOnly(2026, 11, 1)));
        }

        return (customers, items);
    }

    [Fact]
    public void Build_ThousandsOfCustomers_EachNameFindsItsOwnCustomer()
    {
        var (customers, items) = Ledger();
        var customerOf = new int[items.Count];
        var directory = new CustomerDirectory(customers, items, NameLookupLimits.Default, customerOf);

        Assert.Equal(Count + 2, directory.Count);
        for (var c = 0; c < Count; c += 37)
        {
            Assert.Equal(c, directory.IndexOf($"C{c:D5}"));
            Assert.Equal(customers[c].Name, directory.Name(c));
            AssertFinds(directory, NameOf(c), c);
            if (c % 7 == 0)
            {
                AssertFinds(directory, $"{Words[c % 20]} {Words[c / 20 % 20]} STORES", c);
            }

            if (c % 5 == 0)
            {
                AssertFinds(directory, customers[c].Aliases[0], c);
            }
        }

        AssertFinds(directory, "THIRD CUSTOMER AGAIN", 3);
        Assert.DoesNotContain(directory.ByName("SOMETHING ELSE ENTIRELY"), p => p.Score == 100);
        Assert.Equal([42, Count, 5_999, Count, Count + 1], customerOf);
        AssertFinds(directory, "UNLISTED TWO TRADING", Count + 1);
    }

    /// <summary>
    /// The words a directory keeps for its name forms (read at a lookup's first need of them) are one string a word,
    /// however many forms have it: on the 1M-payment day 458k forms read held 1.8M word strings of 304 words.
    /// </summary>
    [Fact]
    public void WordsOfForms_AWordManyFormsHave_IsOneString()
    {
        var customers = new List<Customer>
        {
            new("C1", "Northwind Traders", null, [], []),
            new("C2", "Northwind Foods", null, [], []),
            new("C3", "Pacific Traders Intl", null, [], []),
        };
        var directory = new CustomerDirectory(customers, []);

        var words = Enumerable.Range(0, 3).Select(directory.WordsOfForm).ToList();
        Assert.Equal(["NORTHWIND", "TRADERS"], words[0]);
        Assert.Equal(["NORTHWIND", "FOODS"], words[1]);
        Assert.Equal(["PACIFIC", "TRADERS", "INTERNATIONAL"], words[2]);
        Assert.Same(words[0][0], words[1][0]);
        Assert.Same(words[0][1], words[2][1]);

        // A word spelled out is the reader's own string, as the lookup's words are: "Intl" is its INTERNATIONAL.
        Assert.Same(NameText.Tokens("Acme Intl")[1], words[2][2]);
        Assert.Same(words[0], directory.WordsOfForm(0));
    }

    [Fact]
    public void Build_OverItemsByColumn_EachItemsCustomerAsOverTheRecords()
    {
        // Items by column keep each pair of customer id and name once, and the directory looks a pair up once: the
        // customers known only from their items must still be added in the items' order, under the name of the first
        // item that names them, and every item must get its own customer, however the pairs repeat.
        var (customers, _) = Ledger();
        var usd = new CurrencyCode("USD");
        (string Id, string Name)[] named =
        [
            ("X9", "LATER NAME"), ("C00007", "NOT THE NAME ON RECORD"), ("X9", "LATER NAME"), ("X5", "FIRST NAME"),
            ("X5", "SECOND NAME"), ("C00007", NameOf(7)), ("X5", "FIRST NAME"), ("X9", "OTHER NAME"), ("C00008", NameOf(8)),
        ];
        var items = named.Select((n, i) => new OpenItem($"AR{i}", DocType.Invoice, n.Id, n.Name, $"INV-{i}", null, usd, 100_00,
            new DateOnly(2026, 10, 1), new DateOnly(2026, 11, 1))).ToList();

        var overRecords = new int[items.Count];
        var fromRecords = new CustomerDirectory(customers, items, NameLookupLimits.Default, overRecords);
        // Read in the reverse order, then moved into the items' order: the pairs are numbered in the order read, so the
        // first of them is the last item's.
        var columns = ItemRecords.ForReading(1, 1);
        ItemRecordsProperties.AddAll(columns, Enumerable.Reverse(items));
        columns = columns.MovedInOrder([.. Enumerable.Range(0, items.Count).Reverse()], items.Count);
        var byColumn = new int[items.Count];
        var fromColumns = new CustomerDirectory(customers, columns, items.Count, NameLookupLimits.Default, byColumn);

        Assert.Equal(7, columns.PartyCount);
        Assert.Equal([Count, 7, Count, Count + 1, Count + 1, 7, Count + 1, Count, 8], byColumn);
        Assert.Equal(overRecords, byColumn);
        Assert.Equal(Count + 2, fromColumns.Count);
        Assert.Equal(fromRecords.Count, fromColumns.Count);
        Assert.Equal(("X9", "LATER NAME"), (fromColumns.Id(Count), fromColumns.Name(Count)));
        Assert.Equal(("X5", "FIRST NAME"), (fromColumns.Id(Count + 1), fromColumns.Name(Count + 1)));
        Assert.Equal(customers[7].Name, fromColumns.Name(7));
    }

    private static void AssertFinds(CustomerDirectory directory, string name, int customer)
    {
        var found = directory.ByName(name);
        Assert.Contains(found, p => p.Customer == customer && p.Score == 100);
    }
}
