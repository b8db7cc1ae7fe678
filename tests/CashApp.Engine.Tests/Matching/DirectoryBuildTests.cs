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

    private static void AssertFinds(CustomerDirectory directory, string name, int customer)
    {
        var found = directory.ByName(name);
        Assert.Contains(found, p => p.Customer == customer && p.Score == 100);
    }
}
