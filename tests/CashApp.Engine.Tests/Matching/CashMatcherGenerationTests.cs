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

namespace CashApp.Engine.Tests.Matching;

/// <summary>
/// A served ledger's next snapshot made from the last one and the items a write changed
/// (<see cref="CashMatcher.WithChangedItems"/>) decides every payment as a matcher built afresh from the changed ledger.
/// </summary>
public sealed class CashMatcherGenerationTests
{
    private static readonly Lazy<(List<OpenItem> Items, List<Customer> Customers, Payment[] Payments)> Demo = new(() =>
    {
        var items = ArFiles.ReadOpenItems(Path.Combine(TestPaths.Fixtures, "demo", "open_items.csv"));
        // Every seventh customer without a record: known only from its items, by the name on them.
        var customers = ArFiles.ReadCustomers(Path.Combine(TestPaths.Fixtures, "demo", "customers.csv")).Where((_, n) => n % 7 != 3).ToList();
        var payments = items.Where((_, n) => n % 4 == 0).Select((item, n) => new Payment(
            "P" + n.ToString("D4", CultureInfo.InvariantCulture),
            new Money(Math.Abs(item.OpenMinor) - (n % 5 == 1 ? 1_00 : 0), item.Currency),
            n % 6 == 5 ? "Nobody We Know Ltd" : item.CustomerName,
            null,
            n % 3 == 0 ? [] : [new RemittanceLine(item.InvoiceNumber, Math.Abs(item.OpenMinor))],
            n % 3 == 0 && n % 2 == 0 ? "INV " + item.InvoiceNumber : null,
            "demo",
            n + 1)).ToArray();
        return (items, customers, payments);
    });

    /// <summary>
    /// Any sequence of writes (items closed, paid in part, reopened): after each, the matcher carried forward and a
    /// matcher built from the ledger as it now stands give the same applications and exceptions, to the letter.
    /// Where the change is more than open amounts the carried matcher is rebuilt, as a server does.
    /// </summary>
    [Property(MaxTest = 12, Replay = "(20261203,17)")]
    public Property WithChangedItems_AnyWrites_SameResultAsAFreshMatcher() =>
        Prop.ForAll(ArbMap.Default.ArbFor<int>(), seed =>
        {
            var (items, customers, payments) = Demo.Value;
            var random = new Random(seed);
            var now = items.ToDictionary(i => i.ItemId, i => i.OpenMinor, StringComparer.Ordinal);
            var carried = new CashMatcher(items, customers, MatchPolicy.Default);
            var onRecord = customers.Select(c => c.CustomerId).ToHashSet(StringComparer.Ordinal).Contains;
            var incremental = 0;
            for (var step = 0; step < 4; step++)
            {
                var changes = new List<(string, OpenItem?)>();
                foreach (var item in Enumerable.Range(0, random.Next(1, 40)).Select(_ => items[random.Next(items.Count)]).DistinctBy(i => i.ItemId))
                {
                    var amount = random.Next(5) switch
                    {
                        0 or 1 => 0,
                        2 or 3 => item.OpenMinor - (item.OpenMinor / 100 * random.Next(1, 100)),
                        _ => item.OpenMinor,
                    };
                    now[item.ItemId] = amount;
                    changes.Add((item.ItemId, amount == 0 ? null : item with { OpenMinor = amount }));
                }

                var ledger = items.Where(i => now[i.ItemId] != 0).Select(i => i with { OpenMinor = now[i.ItemId] }).ToList();
                var next = carried.WithChangedItems(changes, onRecord);
                incremental += next is null ? 0 : 1;
                carried = next ?? new CashMatcher(ledger, customers, MatchPolicy.Default);

                var expected = Text(new CashMatcher(ledger, customers, MatchPolicy.Default).Match(payments));
                var actual = Text(carried.Fork().Propose(payments));
                if (expected != actual)
                {
                    return false.Label($"step {step}: {FirstDifference(expected, actual)}");
                }
            }

            return (incremental > 0).Label("no write was carried forward");
        });

    [Fact]
    public void WithChangedItems_ANewItemOrAnotherNumber_NeedsANewMatcher()
    {
        var (items, customers, _) = Demo.Value;
        var matcher = new CashMatcher(items, customers, MatchPolicy.Default);
        var onRecord = customers.Select(c => c.CustomerId).ToHashSet(StringComparer.Ordinal).Contains;
        var item = items[10];

        Assert.Null(matcher.WithChangedItems([("NEW-1", item with { ItemId = "NEW-1" })], onRecord));
        Assert.Null(matcher.WithChangedItems([(item.ItemId, item with { InvoiceNumber = item.InvoiceNumber + "9" })], onRecord));
        Assert.NotNull(matcher.WithChangedItems([(item.ItemId, item with { OpenMinor = item.OpenMinor / 2 })], onRecord));
    }

    [Fact]
    public void WithChangedItems_ClosingTheLastItemOfASeries_NeedsANewMatcher()
    {
        var usd = new CurrencyCode("USD");
        List<OpenItem> items =
        [
            new("A1", DocType.Invoice, "C1", "ACME INC", "INV-1001", null, usd, 100_00, new DateOnly(2026, 11, 1), new DateOnly(2026, 12, 1)),
            new("A2", DocType.Invoice, "C1", "ACME INC", "INV-1002", null, usd, 200_00, new DateOnly(2026, 11, 1), new DateOnly(2026, 12, 1)),
            new("A3", DocType.Invoice, "C1", "ACME INC", "XQ-5003", null, usd, 300_00, new DateOnly(2026, 11, 1), new DateOnly(2026, 12, 1)),
        ];
        var matcher = new CashMatcher(items, [new Customer("C1", "ACME INC", null, [], [])], MatchPolicy.Default);

        Assert.NotNull(matcher.WithChangedItems([("A1", null)], _ => true));
        Assert.Null(matcher.WithChangedItems([("A3", null)], _ => true));
    }

    private static string Text(MatchResult result) => string.Join('\n', result.Applications.Select(a => a.ToString()).Concat(result.Exceptions.Select(e =>
        $"{e.PaymentRef} {e.Unapplied} {e.Reason} {e.Detail} | {string.Join(" | ", e.Suggestions.Select(s => $"{string.Join(',', s.ItemIds)} {s.Score} {s.Why}"))}")));

    private static string FirstDifference(string expected, string actual)
    {
        var e = expected.Split('\n');
        var a = actual.Split('\n');
        for (var i = 0; i < Math.Max(e.Length, a.Length); i++)
        {
            if (i >= e.Length || i >= a.Length || e[i] != a[i])
            {
                return $"line {i}: expected {(i < e.Length ? e[i] : "(none)")}, got {(i < a.Length ? a[i] : "(none)")}";
            }
        }

        return "same";
    }
}
