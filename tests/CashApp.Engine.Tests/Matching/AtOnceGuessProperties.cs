using CashApp.Engine.Matching;
using CashApp.Engine.Model;
using CashApp.Parsers.Common;
using CashApp.Parsers.Currency;
using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;

namespace CashApp.Engine.Tests.Matching;

/// <summary>
/// The at-once path's guess, made ahead of the matching thread and checked when the payment comes (its items' open
/// amounts unchanged), decides as the at-once path asked then would.
/// </summary>
public sealed class AtOnceGuessProperties
{
    private static Arbitrary<int> Seeds => ArbMap.Default.ArbFor<int>();

    [Property(MaxTest = 200, Replay = "(1707,5)")]
    public Property Match_AtOnceGuessedAtTheRunsStart_SameAsAskedWhenDecided() =>
        Prop.ForAll(Seeds, seed =>
        {
            // Every payment's guess made before the first is decided (as stale as a guess can be), on a day whose items are
            // quoted again and again: paid in full, in part by a line and then in full again, two at once, by a payer the
            // items' customer is not, credit memos with invoices.
            var day = CashMatcherProperties.MakeDay(seed);
            var payments = Payments(day, new Random(seed ^ 0x6E55));
            var guessed = new CashMatcher(day.Items, day.Customers, MatchPolicy.Default) { FindPayersAhead = false, GuessAtOnceFirst = true };
            var asked = new CashMatcher(day.Items, day.Customers, MatchPolicy.Default) { FindPayersAhead = false };
            var expected = MatchRendering.Whole(asked.Match(payments));
            var actual = MatchRendering.Whole(guessed.Match(payments));
            return (actual == expected).Label($"seed {seed}:\n{actual}\n== against ==\n{expected}");
        });

    [Property(MaxTest = 50, Replay = "(1707,7)")]
    public Property Match_AtOnceGuessedOnTheOtherThread_SameAsOnOneThread() =>
        Prop.ForAll(Seeds, seed =>
        {
            // The same days, large enough for the payer prefetch's thread, which guesses while the matching thread applies.
            var day = CashMatcherProperties.MakeDay(seed);
            var random = new Random(seed ^ 0x6E56);
            var payments = new List<Payment>();
            for (var round = 0; round < 4; round++)
            {
                payments.AddRange(Payments(day, random).Select(p => p with { PaymentRef = $"R{round}{p.PaymentRef}" }));
            }

            // Payments that quote nothing, by name and amount: the prefetch's thread runs only for a day with some.
            for (var p = 0; p < 80; p++)
            {
                var target = day.Items[random.Next(day.Items.Count)];
                var name = day.Customers.First(c => c.CustomerId == target.CustomerId).Name;
                payments.Add(new Payment($"N{p:D3}", new Money(Math.Abs(target.OpenMinor), target.Currency), name, null, [], null, "day.bai2", 1000 + p));
            }

            var ahead = new CashMatcher(day.Items, day.Customers, MatchPolicy.Default);
            var alone = new CashMatcher(day.Items, day.Customers, MatchPolicy.Default) { FindPayersAhead = false };
            return MatchRendering.Whole(ahead.Match(payments)) == MatchRendering.Whole(alone.Match(payments));
        });

    private static List<Payment> Payments(CashMatcherProperties.Day day, Random random)
    {
        var payments = new List<Payment>();
        for (var p = random.Next(60, 200); p > 0; p--)
        {
            var target = day.Items[random.Next(day.Items.Count)];
            var customer = day.Customers.First(c => c.CustomerId == target.CustomerId);
            var open = Math.Abs(target.OpenMinor);
            var sameCustomer = day.Items.Where(i => i.CustomerId == target.CustomerId && i != target).ToList();
            var other = sameCustomer.Count > 0 ? sameCustomer[random.Next(sameCustomer.Count)] : null;
            var stranger = day.Customers[random.Next(day.Customers.Count)].Name;
            var (amount, lines, text, payer) = random.Next(7) switch
            {
                0 => (open, Array.Empty<RemittanceLine>(), target.InvoiceNumber, customer.Name),
                1 => (open, [new RemittanceLine(target.InvoiceNumber, open)], null, random.Next(2) == 0 ? customer.Name : null),
                2 => (Math.Max(1, open / 3), [new RemittanceLine(target.InvoiceNumber, Math.Max(1, open / 3))], null, customer.Name),
                3 when other is not null => (open + Math.Abs(other.OpenMinor), Array.Empty<RemittanceLine>(), $"{target.InvoiceNumber} {other.InvoiceNumber}", customer.Name),
                4 => (open, Array.Empty<RemittanceLine>(), target.InvoiceNumber, stranger),
                5 => (open - (open / 3), Array.Empty<RemittanceLine>(), target.InvoiceNumber, customer.Name),
                _ => (open, Array.Empty<RemittanceLine>(), $"INV {target.InvoiceNumber[^4..]}", (string?)null),
            };
            payments.Add(new Payment($"G{p:D3}", new Money(Math.Max(1, amount), target.Currency), payer, null, lines, text, "day.bai2", p));
        }

        return payments;
    }
}
