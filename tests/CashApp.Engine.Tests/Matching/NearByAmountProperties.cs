using CashApp.Engine.Matching;
using CashApp.Engine.Model;
using CashApp.Parsers.Common;
using CashApp.Parsers.Currency;
using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;

namespace CashApp.Engine.Tests.Matching;

/// <summary>
/// The exact-fit search reads a quote's near items of one amount, found by amount and asked one by one whether their
/// numbers are near (session 16), not listed in full by probing the fuzzy index: the two must decide alike.
/// </summary>
public sealed class NearByAmountProperties
{
    private static Arbitrary<int> Seeds => ArbMap.Default.ArbFor<int>();

    [Property(MaxTest = 300, Replay = "(1606,21)")]
    public Property Meeting_IsWhatTheIndexFindsForThatKey() =>
        Prop.ForAll(Seeds, seed =>
        {
            // Dense numbers of one length, some a digit longer or shorter, with letters at times: the index's candidates
            // for a query are exactly the keys that meet it one by one, at the same distance.
            var random = new Random(seed);
            var length = random.Next(3, 9);
            var keys = Enumerable.Range(0, random.Next(1, 120)).Select(_ => Number(random, length + random.Next(-1, 2))).ToList();
            var index = DeleteNeighbourhoodIndex.Build(keys.Select((k, i) => (k, i)).ToList());
            var failures = new List<string>();
            for (var q = 0; q < 20; q++)
            {
                var query = random.Next(2) == 0 ? Mistyped(random, keys[random.Next(keys.Count)]) : Number(random, length + random.Next(-1, 2));
                var found = new List<Neighbour>();
                index.Candidates(query, found);
                var expected = keys.Select((k, i) => new Neighbour(i, DeleteNeighbourhoodIndex.Meeting(query, k))).Where(n => n.Edits >= 0).ToList();
                if (!found.SequenceEqual(expected))
                {
                    failures.Add($"{query}: [{string.Join(", ", found)}] against [{string.Join(", ", expected)}]");
                }
            }

            return (failures.Count == 0).Label(string.Join("\n", failures));
        });

    [Property(MaxTest = 200, Replay = "(1606,23)")]
    public Property Match_NearItemsFoundByAmount_SameAsListedInFull() =>
        Prop.ForAll(Seeds, seed =>
        {
            var (customers, items, payments) = DenseDay(seed);
            var byAmount = new CashMatcher(items, customers, MatchPolicy.Default) { NearByAmountFrom = 0 };
            var listed = new CashMatcher(items, customers, MatchPolicy.Default) { NearByAmountFrom = int.MaxValue };
            var expected = MatchRendering.Whole(listed.Match(payments));
            var actual = MatchRendering.Whole(byAmount.Match(payments));
            return (actual == expected).Label($"seed {seed}:\n{actual}\n== against ==\n{expected}");
        });

    [Property(MaxTest = 200, Replay = "(2020,7)")]
    public Property Match_NearOptionsRememberedWithinASearch_SameAsAskedEachTime() =>
        Prop.ForAll(Seeds, seed =>
        {
            // The exact-fit search keeps each quote's near options at each amount it asked for. Payments of
            // one to four quotes, mistyped and exact, so that two quotes lack one amount, found by amount and listed.
            var (customers, items, payments) = DenseDay(seed, quotes: 4);
            var failures = new List<string>();
            foreach (var from in (int[])[0, int.MaxValue])
            {
                var remembered = new CashMatcher(items, customers, MatchPolicy.Default) { NearByAmountFrom = from };
                var asked = new CashMatcher(items, customers, MatchPolicy.Default) { NearByAmountFrom = from, RememberNearOfLack = false };
                var expected = MatchRendering.Whole(asked.Match(payments));
                var actual = MatchRendering.Whole(remembered.Match(payments));
                if (actual != expected)
                {
                    failures.Add($"from {from}:\n{actual}\n== against ==\n{expected}");
                }
            }

            return (failures.Count == 0).Label($"seed {seed}: {string.Join("\n", failures)}");
        });

    [Property(MaxTest = 100, Replay = "(1706,3)")]
    public Property Match_RoundAmountsOfManyItems_SameAsListedInFull() =>
        Prop.ForAll(Seeds, seed =>
        {
            // Dozens of items at each of three round amounts, more than the table walks for one amount, asked again and
            // again by later payments: the amount's bucket is marked the first time and listed every time after.
            var (customers, items, payments) = DenseDay(seed, crowded: true);
            var byAmount = new CashMatcher(items, customers, MatchPolicy.Default) { NearByAmountFrom = 0 };
            var listed = new CashMatcher(items, customers, MatchPolicy.Default) { NearByAmountFrom = int.MaxValue };
            var expected = MatchRendering.Whole(listed.Match(payments));
            var actual = MatchRendering.Whole(byAmount.Match(payments));
            return (actual == expected).Label($"seed {seed}:\n{actual}\n== against ==\n{expected}");
        });

    [Property(MaxTest = 200, Replay = "(1606,27)")]
    public Property NearOption_AskedOneByOne_AsTheListHoldsIt() =>
        Prop.ForAll(Seeds, seed =>
        {
            // Whether a quote's near options hold an item (which decides whether an applied item counts as quoted) is
            // answered without listing them: for every quote of every payment, and every item, as the list answers.
            var (customers, items, payments) = DenseDay(seed);
            var matcher = new CashMatcher(items, customers, MatchPolicy.Default);
            var every = Enumerable.Range(0, items.Count).ToList();
            var wrong = payments.Where(p => matcher.NearOptionHeld(p, every).Any(a => a.Asked != a.Listed)).Select(p => p.PaymentRef).ToList();
            return (wrong.Count == 0).Label($"seed {seed}: {string.Join(", ", wrong)}");
        });

    [Property(MaxTest = 100, Replay = "(1606,25)")]
    public Property Match_CollidingDays_SameWhicheverWayTheNearItemsAreFound() =>
        Prop.ForAll(Seeds, seed =>
        {
            var day = CashMatcherProperties.MakeDay(seed);
            var byAmount = new CashMatcher(day.Items, day.Customers, MatchPolicy.Default) { NearByAmountFrom = 0 };
            var listed = new CashMatcher(day.Items, day.Customers, MatchPolicy.Default) { NearByAmountFrom = int.MaxValue };
            return MatchRendering.Whole(byAmount.Match(day.Payments)) == MatchRendering.Whole(listed.Match(day.Payments));
        });

    [Fact]
    public void Match_AmountsWhoseSumsPassTheRangeOfALong_DecidedAsTheSearchAlwaysDid()
    {
        // 5e16 EUR: a credit memo quoted exactly and an invoice quoted one digit off, for the same amount. The others' sum
        // (the memo, -5e18 minor units) is so far from the payment that the amount they lack is past the range of a long:
        // the near options are then read one by one with the checked sum, as before session 16, which finds the invoice
        // (the memo and the invoice cancel out) instead of failing on the lacking amount.
        const long big = 5_000_000_000_000_000_000;
        var eur = new CurrencyCode("EUR");
        var customers = new List<Customer> { new("K1", "Amberline Bearings SAS", null, [], []) };
        OpenItem Item(string id, DocType type, string number, long amount) =>
            new(id, type, "K1", "Amberline Bearings SAS", number, null, eur, amount, new DateOnly(2026, 10, 1), new DateOnly(2026, 11, 28));
        var items = new List<OpenItem> { Item("AR1", DocType.CreditMemo, "CM-1234567", -big), Item("AR2", DocType.Invoice, "INV-7000003", big) };
        var payment = new Payment("P1", new Money(big, eur), "AMBERLINE BEARINGS SAS", null, [], "CM 1234567 INVOICE 7000002", "day.camt053.xml", 1);

        foreach (var from in new[] { 0, int.MaxValue })
        {
            var result = new CashMatcher(items, customers, MatchPolicy.Default) { NearByAmountFrom = from }.Match([payment]);
            Assert.Contains(result.Applications, a => a.ItemId == "AR2");
        }

    }

    /// <summary>
    /// A day of dense numbering (every number near dozens), a third of the items at a few round amounts (many items of
    /// each: their near items are listed in full) and the rest at amounts of their own, payments quoting numbers
    /// exactly, mistyped or read with look-alike letters, paying in full, short (so that items are left open at new
    /// amounts, then paid by later payments' mistyped numbers) or more. A <paramref name="crowded"/> day has more items,
    /// three in four at three round amounts (dozens each), and more payments.
    /// </summary>
    private static (List<Customer> Customers, List<OpenItem> Items, List<Payment> Payments) DenseDay(int seed, bool crowded = false, int quotes = 2)
    {
        var random = new Random(seed);
        var usd = new CurrencyCode("USD");
        var eur = new CurrencyCode("EUR");
        var customers = Enumerable.Range(0, random.Next(2, 7))
            .Select(c => new Customer($"C{c}", $"{(char)('A' + c)}{(char)('K' + c)} TRADING {c} INC", null, [], [$"02100002{c}:{5000 + c}"]))
            .ToList();
        var amounts = new long[] { 100_00, 250_00, 1_000_00, 1_234_56, 77_70, 5_000_00 };
        var digits = random.Next(5, 8);
        var first = (long)Math.Pow(10, digits - 1) + random.Next(0, 500);
        var items = new List<OpenItem>();
        var numbers = new List<string>();
        for (var i = crowded ? random.Next(80, 240) : random.Next(20, 160); i > 0; i--)
        {
            var customer = customers[random.Next(customers.Count)];
            var number = (first + items.Count + (random.Next(5) == 0 ? random.Next(1, 4) : 0)).ToString(System.Globalization.CultureInfo.InvariantCulture);
            var memo = random.Next(12) == 0;
            var open = crowded
                ? (random.Next(4) == 0 ? random.Next(1_00, 9_000_00) : amounts[random.Next(3)])
                : (random.Next(3) != 0 ? random.Next(1_00, 9_000_00) : amounts[random.Next(amounts.Length)]);
            numbers.Add(number);
            items.Add(new OpenItem($"AR{items.Count}", memo ? DocType.CreditMemo : DocType.Invoice, customer.CustomerId, customer.Name,
                $"{(memo ? "CM" : "INV")}-{number}", null, random.Next(10) == 0 ? eur : usd, memo ? -open / 10 : open,
                new DateOnly(2026, 10, 1), new DateOnly(2026, 11, random.Next(1, 28))));
        }

        var payments = new List<Payment>();
        for (var p = 0; p < (crowded ? random.Next(60, 140) : random.Next(10, 70)); p++)
        {
            var quoted = Enumerable.Range(0, quotes <= 2 ? (random.Next(4) == 0 ? 2 : 1) : random.Next(1, quotes + 1)).Select(_ => random.Next(items.Count)).ToList();
            var target = items[quoted[0]];
            var customer = customers.First(c => c.CustomerId == target.CustomerId);
            var sum = quoted.Distinct().Sum(q => Math.Abs(items[q].OpenMinor));
            var amount = random.Next(6) switch
            {
                0 or 1 => sum,
                2 => Math.Max(1, sum - (sum / 3)),
                3 => amounts[random.Next(crowded ? 3 : amounts.Length)],
                4 => sum + 100_00,
                _ => Math.Max(1, sum / 2),
            };
            var references = quoted.Select(q => random.Next(4) switch
            {
                0 => items[q].InvoiceNumber,
                1 => Mistyped(random, numbers[q]),
                2 => numbers[q].Replace('1', 'I').Replace('0', 'O'),
                _ => $"INV {Mistyped(random, numbers[q])}",
            }).ToList();
            var structured = random.Next(3) == 0;
            var lines = structured ? references.Select(r => new RemittanceLine(r, random.Next(2) == 0 ? amount : null)).ToArray() : [];
            var text = structured ? null : string.Join(" ", references);
            var payer = random.Next(3) == 0 ? "SOMEONE UNKNOWN" : customer.Name;
            var account = random.Next(3) == 0 ? customer.BankAccounts[0] : null;
            payments.Add(new Payment($"P{p:D3}", new Money(amount, target.Currency), payer, account, lines, text, "day.bai2", p));
        }

        // Items paid in part by a line that states its amount, then the rest by a mistyped number (the later payment
        // by reference order): the near item is then open at an amount it was not open at when the run began.
        for (var p = 0; p < random.Next(0, 12); p++)
        {
            var q = random.Next(items.Count);
            var item = items[q];
            var customer = customers.First(c => c.CustomerId == item.CustomerId);
            var part = Math.Max(1, Math.Abs(item.OpenMinor) * random.Next(1, 4) / 4);
            payments.Add(new Payment($"Q{p:D3}a", new Money(part, item.Currency), customer.Name, null, [new RemittanceLine(item.InvoiceNumber, part)], null, "day.bai2", 100 + p));
            payments.Add(new Payment($"Q{p:D3}b", new Money(Math.Abs(item.OpenMinor) - part, item.Currency), random.Next(4) == 0 ? "SOMEONE UNKNOWN" : customer.Name, null, [],
                $"INV {Mistyped(random, numbers[q])}", "day.bai2", 200 + p));
        }

        return (customers, items, payments);
    }

    private static string Number(Random random, int length) =>
        string.Concat(Enumerable.Range(0, Math.Max(1, length)).Select(i => (char)((i == 0 && random.Next(8) == 0 ? 'A' : '0') + random.Next(i == 0 ? 3 : 10))));

    /// <summary>The number with one or two slips: a digit changed, two swapped, one dropped or one added.</summary>
    private static string Mistyped(Random random, string number)
    {
        var text = number;
        for (var slips = random.Next(1, 3); slips > 0 && text.Length > 1; slips--)
        {
            var at = random.Next(text.Length - 1);
            text = random.Next(4) switch
            {
                0 => text[..at] + (char)('0' + random.Next(10)) + text[(at + 1)..],
                1 => text[..at] + text[at + 1] + text[at] + text[(at + 2)..],
                2 => text[..at] + text[(at + 1)..],
                _ => text[..at] + (char)('0' + random.Next(10)) + text[at..],
            };
        }

        return text;
    }
}
