using CashApp.Engine.Matching;
using CashApp.Engine.Model;
using CashApp.Parsers.Common;
using CashApp.Parsers.Currency;
using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;

namespace CashApp.Engine.Tests.Matching;

/// <summary>
/// The rules that outrank speed, as properties over random ledgers and payments: nothing lost, nothing
/// over-applied, credit memos only within their family and currency, and the same answer whatever the
/// order of the input.
/// </summary>
public sealed class CashMatcherProperties
{
    private static readonly string[] Words = ["ACME", "APEX", "BEACON", "CEDAR", "DELTA", "ECHO", "FALCON", "GRANITE"];

    /// <summary>A random but seeded ledger and day of payments, built to collide: few amounts, similar names, shared numbers.</summary>
    internal sealed record Day(List<Customer> Customers, List<OpenItem> Items, List<Payment> Payments);

    internal static Day MakeDay(int seed)
    {
        var random = new Random(seed);
        var customers = new List<Customer>();
        var items = new List<OpenItem>();
        var payments = new List<Payment>();
        var currencies = new[] { new CurrencyCode("USD"), new CurrencyCode("EUR") };
        var amounts = new long[] { 100_00, 250_00, 350_00, 1_000_00, 1_234_56, 99_99 };
        var customerCount = random.Next(1, 6);
        for (var c = 0; c < customerCount; c++)
        {
            var parent = c > 0 && random.Next(4) == 0 ? $"C{random.Next(c)}" : null;
            var name = $"{Words[random.Next(Words.Length)]} {Words[random.Next(Words.Length)]} INC";
            customers.Add(new Customer($"C{c}", name, parent, [], random.Next(3) == 0 ? [$"02100002{c}:{1000 + c}"] : []));
        }

        var number = 1000;
        foreach (var customer in customers)
        {
            var currency = currencies[random.Next(currencies.Length)];
            for (var i = random.Next(1, 8); i > 0; i--)
            {
                var memo = random.Next(6) == 0;
                var open = amounts[random.Next(amounts.Length)];
                items.Add(new OpenItem($"AR{items.Count}", memo ? DocType.CreditMemo : DocType.Invoice, customer.CustomerId, customer.Name,
                    $"{(memo ? "CM" : "INV")}-{number++}", random.Next(3) == 0 ? $"{number + 5}" : null, currency,
                    memo ? -open / 10 : open, new DateOnly(2026, 10, 1), new DateOnly(2026, 11, random.Next(1, 28))));
            }
        }

        for (var p = random.Next(1, 12); p > 0; p--)
        {
            var target = items[random.Next(items.Count)];
            var customer = customers.First(c => c.CustomerId == target.CustomerId);
            var amount = random.Next(5) switch
            {
                0 => Math.Abs(target.OpenMinor),
                1 => Math.Abs(target.OpenMinor) + amounts[random.Next(amounts.Length)],
                2 => Math.Max(1, Math.Abs(target.OpenMinor) - 500),
                3 => amounts[random.Next(amounts.Length)] * random.Next(1, 4),
                _ => random.Next(1, 500_000),
            };
            var text = random.Next(4) switch
            {
                0 => target.InvoiceNumber,
                1 => target.InvoiceNumber.Replace('1', 'I'),
                2 => $"{target.PoNumber} {items[random.Next(items.Count)].InvoiceNumber}",
                _ => null,
            };
            var lines = random.Next(4) == 0 ? new[] { new RemittanceLine(target.InvoiceNumber, amount) } : [];
            var payer = random.Next(3) == 0 ? "SOMEONE UNKNOWN" : customer.Name;
            var account = customer.BankAccounts.Count > 0 && random.Next(2) == 0 ? customer.BankAccounts[0] : null;
            payments.Add(new Payment($"P{p:D3}", new Money(amount, target.Currency), payer, account, lines, text, "day.bai2", p));
        }

        return new Day(customers, items, payments);
    }

    private static Arbitrary<int> Seeds => ArbMap.Default.ArbFor<int>();

    [Property(MaxTest = 300, Replay = "(20261123,1)")]
    public Property Match_AnyDay_NothingLostNothingOverApplied() =>
        Prop.ForAll(Seeds, seed =>
        {
            var day = MakeDay(seed);
            var result = new CashMatcher(day.Items, day.Customers, MatchPolicy.Default).Match(day.Payments);

            // Throws, naming the payment or item, on any violation.
            BalanceCheck.Verify(day.Payments, day.Items, result.Applications, result.Exceptions);
            var accounted = day.Payments.All(p =>
                result.Applications.Where(a => a.PaymentRef == p.PaymentRef).Sum(a => a.Amount.Minor)
                + result.Exceptions.Where(e => e.PaymentRef == p.PaymentRef).Sum(e => e.Unapplied.Minor) == p.Amount.Minor);
            return accounted;
        });

    /// <summary>
    /// The same days with every amount made huge: each still fits a long, but the sums the rules make (a payment's items,
    /// a credit memo against an invoice, subsets) leave its range. Such a day is no ledger anyone keeps, but its files
    /// read (18-digit amounts), and one payment's numbers must not stop the run: the payment whose deciding overflows
    /// goes to exceptions whole, the others are decided as always, and the books still balance.
    /// </summary>
    [Property(MaxTest = 200, Replay = "(20261205,1)")]
    public Property Match_DayOfHugeAmounts_EndsWithTheBooksBalanced() =>
        Prop.ForAll(Seeds, seed =>
        {
            var day = Huge(MakeDay(seed));
            var result = new CashMatcher(day.Items, day.Customers, MatchPolicy.Default).Match(day.Payments);

            BalanceCheck.Verify(day.Payments, day.Items, result.Applications, result.Exceptions);
            return day.Payments.All(p =>
                result.Applications.Where(a => a.PaymentRef == p.PaymentRef).Aggregate(Int128.Zero, (sum, a) => sum + a.Amount.Minor)
                + result.Exceptions.Where(e => e.PaymentRef == p.PaymentRef).Aggregate(Int128.Zero, (sum, e) => sum + e.Unapplied.Minor) == p.Amount.Minor);
        });

    /// <summary>
    /// Every amount of the day times one factor, so that the largest item (1,234.56) is past a quarter of a long's
    /// range, and two of them add up past it; a payment amount above 2,500.00 is cut to that, so that each still fits.
    /// </summary>
    internal static Day Huge(Day day)
    {
        const long most = 250_000, factor = long.MaxValue / most;
        static long Scaled(long minor) => checked(Math.Clamp(minor, -most, most) * factor);
        return day with
        {
            Items = [.. day.Items.Select(i => i with { OpenMinor = Scaled(i.OpenMinor) })],
            Payments = [.. day.Payments.Select(p => p with
            {
                Amount = new Money(Scaled(p.Amount.Minor), p.Amount.Currency),
                Remittance = [.. p.Remittance.Select(l => l with { AmountMinor = l.AmountMinor is { } a ? Scaled(a) : null })],
            })],
        };
    }

    [Property(MaxTest = 300, Replay = "(42,3)")]
    public Property Match_AnyDay_CreditMemosOnlyWithinFamilyAndCurrency() =>
        Prop.ForAll(Seeds, seed =>
        {
            var day = MakeDay(seed);
            var result = new CashMatcher(day.Items, day.Customers, MatchPolicy.Default).Match(day.Payments);
            var items = day.Items.ToDictionary(i => i.ItemId);
            var parents = day.Customers.ToDictionary(c => c.CustomerId, c => c.ParentId);
            string Root(string id)
            {
                var seen = new HashSet<string>();
                while (parents.GetValueOrDefault(id) is { } parent && parents.ContainsKey(parent) && seen.Add(id))
                {
                    id = parent;
                }

                return id;
            }

            return result.Applications.GroupBy(a => a.PaymentRef).All(group =>
            {
                var applied = group.Select(a => items[a.ItemId]).ToList();
                var payment = day.Payments.Single(p => p.PaymentRef == group.Key);
                return applied.All(i => i.Currency == payment.Amount.Currency)
                    && (!applied.Any(i => i.DocType == DocType.CreditMemo) || applied.Select(i => Root(i.CustomerId)).Distinct().Count() == 1);
            });
        });

    [Property(MaxTest = 200, Replay = "(7,5)")]
    public Property Match_ShuffledInput_GivesTheSameResult() =>
        Prop.ForAll(Seeds, seed =>
        {
            var day = MakeDay(seed);
            var shuffle = new Random(seed ^ 0x5EED);
            var first = Render(new CashMatcher(day.Items, day.Customers, MatchPolicy.Default).Match(day.Payments));
            var second = Render(new CashMatcher(
                [.. day.Items.OrderBy(_ => shuffle.Next())],
                [.. day.Customers.OrderBy(_ => shuffle.Next())],
                MatchPolicy.Default).Match([.. day.Payments.OrderBy(_ => shuffle.Next())]));
            return first == second;
        });

    [Property(MaxTest = 300, Replay = "(11,13)")]
    public Property Match_DecidedAtOnce_SameAsTheGeneralPath() =>
        Prop.ForAll(Seeds, seed =>
        {
            var day = MakeDay(seed);
            var random = new Random(seed ^ 0xFA57);
            var payments = new List<Payment>(day.Payments);

            // Payments that quote one to three numbers in the spellings payers use, often paying exactly them.
            string[] spellings = ["{0}", "#{0}", "inv {0}", "INVOICE NO. {0}", "{0}-01", "{0} ref {0}"];
            for (var p = random.Next(1, 10); p > 0; p--)
            {
                var quoted = Enumerable.Range(0, random.Next(1, 4)).Select(_ => day.Items[random.Next(day.Items.Count)]).ToList();
                var amount = quoted.Sum(i => i.OpenMinor) + (random.Next(4) == 0 ? 1 : 0);
                var texts = quoted.Select(i => string.Format(System.Globalization.CultureInfo.InvariantCulture, spellings[random.Next(spellings.Length)], i.InvoiceNumber)).ToList();
                var structured = random.Next(2) == 0;
                var lines = structured ? texts.Select(t => new RemittanceLine(t, null)).ToArray() : [];
                var text = structured ? (random.Next(2) == 0 ? texts[0] : null) : string.Join(" / ", texts) + (random.Next(2) == 0 ? " 12345 PAYMENT" : string.Empty);
                payments.Add(new Payment($"Q{p:D3}", new Money(amount, quoted[0].Currency), quoted[0].CustomerName, null, lines, text, "day.bai2", 100 + p));
            }

            var atOnce = new CashMatcher(day.Items, day.Customers, MatchPolicy.Default);
            var general = new CashMatcher(day.Items, day.Customers, MatchPolicy.Default) { DecideAtOnceEnabled = false };
            return (RenderFully(atOnce.Match(payments)) == RenderFully(general.Match(payments))).Label(seed.ToString(System.Globalization.CultureInfo.InvariantCulture));
        });

    [Property(MaxTest = 20, Replay = "(31,37)")]
    public Property Match_PayersFoundAheadOnOtherThreads_SameAsOnOneThread() =>
        Prop.ForAll(Seeds, seed =>
        {
            // A day big enough for the second thread: hundreds of payments by name and amount, some quoting a near number,
            // and some quoting the number itself, at its amount (the at-once path's, which the second thread skips) or off
            // it (the general path's, which reads the payers while the matching thread is among the quoting payments).
            var day = MakeDay(seed);
            var random = new Random(seed ^ 0x7A11);
            var payments = new List<Payment>();
            for (var p = 0; p < 700; p++)
            {
                var target = day.Items[random.Next(day.Items.Count)];
                var name = random.Next(5) == 0 ? "SOMEONE UNKNOWN" : target.CustomerName.ToUpperInvariant()[..Math.Min(16, target.CustomerName.Length)];
                var quoting = random.Next(4);
                var text = quoting switch
                {
                    0 => target.InvoiceNumber.Replace('1', '7'),
                    1 => target.InvoiceNumber,
                    _ => null,
                };
                var amount = Math.Abs(target.OpenMinor) + (quoting == 1 && random.Next(3) == 0 ? 100 : 0);
                payments.Add(new Payment($"A{p:D4}", new Money(amount, target.Currency), name, null, [], text, "day.bai2", p));
            }

            var ahead = new CashMatcher(day.Items, day.Customers, MatchPolicy.Default);
            var alone = new CashMatcher(day.Items, day.Customers, MatchPolicy.Default) { FindPayersAhead = false };
            return RenderFully(ahead.Match(payments)) == RenderFully(alone.Match(payments));
        });

    [Property(MaxTest = 150, Replay = "(53,59)")]
    public Property Match_PayersCutAtTheRulesLowestBar_SameAsEveryPayerKept() =>
        Prop.ForAll(Seeds, seed =>
        {
            // Payer names that resemble a customer's to every degree (cut short, a word swapped, a word of another's),
            // under policies whose bars sit high, at the defaults, and low, so that payers of every score are read.
            var day = MakeDay(seed);
            var random = new Random(seed ^ 0xF100);
            var payments = new List<Payment>(day.Payments);
            for (var p = 0; p < 40; p++)
            {
                var target = day.Items[random.Next(day.Items.Count)];
                var words = target.CustomerName.Split(' ');
                var name = random.Next(4) switch
                {
                    0 => target.CustomerName.ToUpperInvariant()[..Math.Min(random.Next(4, 17), target.CustomerName.Length)],
                    1 => $"{words[0]} {Words[random.Next(Words.Length)]}",
                    2 => $"{Words[random.Next(Words.Length)]} {words[^1]}",
                    _ => string.Join(' ', words.Reverse()),
                };
                var text = random.Next(3) == 0 ? target.InvoiceNumber.Replace('1', '7') : null;
                var amount = random.Next(3) == 0 ? Math.Abs(target.OpenMinor) + 1 : Math.Abs(target.OpenMinor);
                payments.Add(new Payment($"N{p:D3}", new Money(amount, target.Currency), name, null, [], text, "day.bai2", 200 + p));
            }

            MatchPolicy[] policies =
            [
                MatchPolicy.Default,
                MatchPolicy.Default with { MinNameScore = 40, MinCorroborationScore = 30 },
                MatchPolicy.Default with { MinNameScore = 75, MinCorroborationScore = 95 },
            ];
            var policy = policies[random.Next(policies.Length)];
            var cut = new CashMatcher(day.Items, day.Customers, policy);
            var whole = new CashMatcher(day.Items, day.Customers, policy) { KeepEveryPayerScored = true };
            return (RenderFully(cut.Match(payments)) == RenderFully(whole.Match(payments)))
                .Label($"seed {seed}, bars {policy.MinNameScore}/{policy.MinCorroborationScore}");
        });

    private static string RenderFully(MatchResult result) =>
        string.Join('\n', result.Applications.Select(a => $"{a.PaymentRef} {a.ItemId} {a.Amount} {a.Method} {a.Confidence.Value} {a.Explanation}"))
        + "\n--\n"
        + string.Join('\n', result.Exceptions.Select(e => $"{e.PaymentRef} {e.Unapplied} {e.Reason} {e.Detail} {string.Join(';', e.Suggestions.Select(s => string.Join('+', s.ItemIds) + s.Why))}"));

    private static string Render(MatchResult result) =>
        string.Join('\n', result.Applications.Select(a => $"{a.PaymentRef} {a.ItemId} {a.Amount.Minor} {a.Method}").Order(StringComparer.Ordinal))
        + "\n--\n"
        + string.Join('\n', result.Exceptions.Select(e => $"{e.PaymentRef} {e.Unapplied.Minor} {e.Reason}").Order(StringComparer.Ordinal));
}
