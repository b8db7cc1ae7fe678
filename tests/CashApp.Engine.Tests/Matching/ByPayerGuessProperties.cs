using CashApp.Engine.Matching;
using CashApp.Engine.Model;
using CashApp.Parsers.Common;
using CashApp.Parsers.Currency;
using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;

namespace CashApp.Engine.Tests.Matching;

/// <summary>
/// The second stage's decisions by payer, guessed ahead of the matching thread and taken only when no amount of the
/// payers' families has moved since, decide as the matching thread deciding each in its turn would.
/// </summary>
public sealed class ByPayerGuessProperties
{
    private static readonly CurrencyCode Usd = new("USD");

    private static Arbitrary<int> Seeds => ArbMap.Default.ArbFor<int>();

    [Property(MaxTest = 200, Replay = "(4111,3)")]
    public Property Match_DecisionsGuessedAtTheStagesStart_SameAsDecidedInTurn() =>
        Prop.ForAll(Seeds, seed =>
        {
            // Every decision guessed before the first is made (as stale as a guess can be), on a day of a few customers, some
            // of them parents (of each other too: a cycle), paid again and again by name: an item's amount (twice, so the
            // second finds it closed), two items' sum, a part, an amount no item has, and payers nobody knows.
            var day = WithParents(CashMatcherProperties.MakeDay(seed), new Random(seed ^ 0x6E59));
            var payments = Payments(day, new Random(seed ^ 0x6E57));
            var guessed = new CashMatcher(day.Items, day.Customers, MatchPolicy.Default) { FindPayersAhead = false, DecideAheadFirst = true };
            var inTurn = new CashMatcher(day.Items, day.Customers, MatchPolicy.Default) { FindPayersAhead = false, DecideAhead = false };
            var expected = MatchRendering.Whole(inTurn.Match(payments));
            var actual = MatchRendering.Whole(guessed.Match(payments));
            return (actual == expected).Label($"seed {seed}, {guessed.GuessesTaken} guesses taken:\n{actual}\n== against ==\n{expected}");
        });

    [Theory]
    [InlineData(11)]
    [InlineData(12)]
    [InlineData(13)]
    public void Match_DecisionsGuessedOnTheOtherThread_SameAsWithoutGuesses(int seed)
    {
        // The helper thread guesses only once it has found every payer, so the decisions must outlast the lookups, and a
        // guess is taken only when no payment decided meanwhile paid the same family: 48 customers (every fourth a parent's
        // child) with two dozen open items each, paid by name 1,500 times by one item, by the sum of two or three (a
        // combination search each), by an amount no item or sum has, or by nobody known.
        var random = new Random(seed);
        string[] words = ["ACME", "APEX", "BEACON", "CEDAR", "DELTA", "ECHO", "FALCON", "GRANITE"];
        var customers = new List<Customer>();
        for (var c = 0; c < 48; c++)
        {
            customers.Add(new Customer($"C{c}", $"{words[c / 8]} {words[(c + 1 + (c / 8)) % 8]} {c} INC", c % 4 == 3 ? $"C{c - 1}" : null, [], []));
        }

        var items = new List<OpenItem>();
        foreach (var customer in customers)
        {
            for (var i = 0; i < 24; i++)
            {
                items.Add(new OpenItem($"AR{items.Count:D4}", DocType.Invoice, customer.CustomerId, customer.Name, $"INV-{5000 + items.Count}", null, Usd,
                    random.Next(100, 5_000) * 100L + random.Next(100), new DateOnly(2026, 10, 1), new DateOnly(2026, 11, 1 + random.Next(27))));
            }
        }

        var payments = new List<Payment>();
        for (var p = 0; p < 1_500; p++)
        {
            var customer = customers[random.Next(customers.Count)];
            var own = items.Where(i => i.CustomerId == customer.CustomerId).OrderBy(_ => random.Next()).Take(random.Next(1, 4)).ToList();
            var (amount, payer) = random.Next(5) switch
            {
                0 => (own[0].OpenMinor, customer.Name),
                1 or 2 => (own.Sum(i => i.OpenMinor), customer.Name),
                3 => (own.Sum(i => i.OpenMinor) + 1, customer.Name),
                _ => (own[0].OpenMinor, "SOMEONE UNKNOWN"),
            };
            payments.Add(new Payment($"T{p:D4}", new Money(amount, Usd), payer, null, [], null, "day.bai2", p));
        }

        var ahead = new CashMatcher(items, customers, MatchPolicy.Default);
        var without = new CashMatcher(items, customers, MatchPolicy.Default) { DecideAhead = false };
        Assert.Equal(MatchRendering.Whole(without.Match(payments)), MatchRendering.Whole(ahead.Match(payments)));
        Assert.True(ahead.GuessesTaken > 0, "the helper thread guessed no decision that was taken");
        Assert.Equal(0, without.GuessesTaken);
    }

    [Fact]
    public void Match_AGuessOfAFamilyInACycleOfParents_SeesItsMembersMoves()
    {
        // ACME's parent is BEACON and BEACON's is ACME: the walk up from ACME stops at BEACON, whose own walk stops at ACME.
        // CEDAR is ACME's child. The first payment closes BEACON's 100.00; the second, ACME's, searches its family (BEACON,
        // and those whose walk stops there: ACME, CEDAR) and, decided in its turn, finds CEDAR's 100.00 alone. Its guess,
        // made while BEACON's was open too, found two and must not be taken.
        Customer[] customers = [new("C1", "ACME TOOLS INC", "C2", [], []), new("C2", "BEACON FOODS INC", "C1", [], []), new("C3", "CEDAR WORKS INC", "C1", [], [])];
        OpenItem[] items =
        [
            new("AR1", DocType.Invoice, "C2", "BEACON FOODS INC", "INV-1001", null, Usd, 100_00, new DateOnly(2026, 10, 1), new DateOnly(2026, 11, 1)),
            new("AR2", DocType.Invoice, "C3", "CEDAR WORKS INC", "INV-1002", null, Usd, 100_00, new DateOnly(2026, 10, 1), new DateOnly(2026, 11, 2)),
        ];
        Payment[] payments =
        [
            new("P1", new Money(100_00, Usd), "BEACON FOODS INC", null, [], null, "day.bai2", 1),
            new("P2", new Money(100_00, Usd), "ACME TOOLS INC", null, [], null, "day.bai2", 2),
        ];

        var guessed = new CashMatcher(items, customers, MatchPolicy.Default) { FindPayersAhead = false, DecideAheadFirst = true };
        var inTurn = new CashMatcher(items, customers, MatchPolicy.Default) { FindPayersAhead = false, DecideAhead = false };
        var expected = inTurn.Match(payments);
        var result = guessed.Match(payments);

        Assert.Equal(["P1 AR1", "P2 AR2"], expected.Applications.Select(a => $"{a.PaymentRef} {a.ItemId}"));
        Assert.Equal(MatchRendering.Whole(expected), MatchRendering.Whole(result));
        Assert.Equal(1, guessed.GuessesTaken);
    }

    [Fact]
    public void Match_AGuessOfAFamilyPaidSince_IsNotTaken_AndOneOfAnotherFamilyIs()
    {
        // ACME's 100.00 is paid by the first payment; the second, guessed when the item was still open, finds it closed
        // when its turn comes, and must not apply it again. BEACON's own 100.00 is no one else's: its guess holds.
        Customer[] customers = [new("C1", "ACME TOOLS INC", null, [], []), new("C2", "BEACON FOODS INC", null, [], [])];
        OpenItem[] items =
        [
            new("AR1", DocType.Invoice, "C1", "ACME TOOLS INC", "INV-1001", null, Usd, 100_00, new DateOnly(2026, 10, 1), new DateOnly(2026, 11, 1)),
            new("AR2", DocType.Invoice, "C1", "ACME TOOLS INC", "INV-1002", null, Usd, 250_00, new DateOnly(2026, 10, 1), new DateOnly(2026, 11, 2)),
            new("AR3", DocType.Invoice, "C2", "BEACON FOODS INC", "INV-1003", null, Usd, 100_00, new DateOnly(2026, 10, 1), new DateOnly(2026, 11, 3)),
        ];
        Payment[] payments =
        [
            new("P1", new Money(100_00, Usd), "ACME TOOLS INC", null, [], null, "day.bai2", 1),
            new("P2", new Money(100_00, Usd), "ACME TOOLS INC", null, [], null, "day.bai2", 2),
            new("P3", new Money(100_00, Usd), "BEACON FOODS INC", null, [], null, "day.bai2", 3),
        ];

        var guessed = new CashMatcher(items, customers, MatchPolicy.Default) { FindPayersAhead = false, DecideAheadFirst = true };
        var inTurn = new CashMatcher(items, customers, MatchPolicy.Default) { FindPayersAhead = false, DecideAhead = false };
        var result = guessed.Match(payments);

        Assert.Equal(MatchRendering.Whole(inTurn.Match(payments)), MatchRendering.Whole(result));
        Assert.Equal(["P1 AR1", "P3 AR3"], result.Applications.Select(a => $"{a.PaymentRef} {a.ItemId}"));
        Assert.Equal("P2", Assert.Single(result.Exceptions).PaymentRef);
        Assert.Equal(2, guessed.GuessesTaken);
    }

    /// <summary>The day with each customer's parent drawn again: none, or any customer, itself excepted (cycles included).</summary>
    private static CashMatcherProperties.Day WithParents(CashMatcherProperties.Day day, Random random)
    {
        var customers = day.Customers.Select(c => random.Next(3) == 0 && day.Customers.Count > 1
            ? c with { ParentId = day.Customers.Where(o => o != c).ElementAt(random.Next(day.Customers.Count - 1)).CustomerId }
            : c with { ParentId = null }).ToList();
        return day with { Customers = customers };
    }

    private static List<Payment> Payments(CashMatcherProperties.Day day, Random random)
    {
        var payments = new List<Payment>();
        for (var p = random.Next(40, 120); p > 0; p--)
        {
            var target = day.Items[random.Next(day.Items.Count)];
            var open = Math.Abs(target.OpenMinor);
            var name = target.CustomerName.ToUpperInvariant()[..Math.Min(16, target.CustomerName.Length)];
            var sameCustomer = day.Items.Where(i => i.CustomerId == target.CustomerId && i != target).ToList();
            var other = sameCustomer.Count > 0 ? sameCustomer[random.Next(sameCustomer.Count)] : null;
            var (amount, payer) = random.Next(6) switch
            {
                0 or 1 => (open, name),
                2 when other is not null => (open + Math.Abs(other.OpenMinor), name),
                3 => (Math.Max(1, open / 2), name),
                4 => (open + 1, name),
                _ => (open, "SOMEONE UNKNOWN"),
            };
            payments.Add(new Payment($"B{p:D3}", new Money(amount, target.Currency), payer, null, [], null, "day.bai2", p));
        }

        return payments;
    }
}
