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
            // of them parents, paid again and again by name: an item's amount (twice, so the second finds it closed), two
            // items' sum, a part, an amount no item has, and payers nobody knows.
            var day = CashMatcherProperties.MakeDay(seed);
            var payments = Payments(day, new Random(seed ^ 0x6E57));
            var guessed = new CashMatcher(day.Items, day.Customers, MatchPolicy.Default) { FindPayersAhead = false, DecideAheadFirst = true };
            var inTurn = new CashMatcher(day.Items, day.Customers, MatchPolicy.Default) { FindPayersAhead = false, DecideAhead = false };
            var expected = MatchRendering.Whole(inTurn.Match(payments));
            var actual = MatchRendering.Whole(guessed.Match(payments));
            return (actual == expected).Label($"seed {seed}, {guessed.GuessesTaken} guesses taken:\n{actual}\n== against ==\n{expected}");
        });

    [Property(MaxTest = 30, Replay = "(4111,5)")]
    public Property Match_DecisionsGuessedOnTheOtherThread_SameAsWithoutGuesses() =>
        Prop.ForAll(Seeds, seed =>
        {
            // Days large enough for the second stage's helper thread, which guesses while the matching thread applies.
            var day = CashMatcherProperties.MakeDay(seed);
            var random = new Random(seed ^ 0x6E58);
            var payments = new List<Payment>();
            for (var round = 0; round < 6; round++)
            {
                payments.AddRange(Payments(day, random).Select(p => p with { PaymentRef = $"R{round}{p.PaymentRef}" }));
            }

            var ahead = new CashMatcher(day.Items, day.Customers, MatchPolicy.Default);
            var without = new CashMatcher(day.Items, day.Customers, MatchPolicy.Default) { DecideAhead = false };
            return MatchRendering.Whole(ahead.Match(payments)) == MatchRendering.Whole(without.Match(payments));
        });

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
