using CashApp.Engine.Matching;
using CashApp.Engine.Model;
using CashApp.Parsers.Currency;

namespace CashApp.Engine.Tests.Matching;

/// <summary>
/// What the second stage (the payments decided by payer, once every payment's references were read) keeps while it runs:
/// the list of deferred payments lives to the stage's end, and must not keep each decided payment's payers with it.
/// </summary>
public sealed class SecondStagePayersTests
{
    private static readonly CurrencyCode Usd = new("USD");

    [Fact]
    public void Match_ASecondStagePaymentDecided_NothingHoldsItsPayers()
    {
        // 60 customers of distinct names, one open item each, each paid once by its name with no reference: every payment
        // goes to the second stage, every third for an amount no item has (an exception, whose payers were found too).
        // Payers are found on the matching thread alone, and a batch this small remembers no name's payers, so that only
        // the stage's own lists could hold them.
        string[] words = ["ACME", "APEX", "BEACON", "CEDAR", "DELTA", "ECHO", "FALCON", "GRANITE"];
        var customers = new List<Customer>();
        var items = new List<OpenItem>();
        var payments = new List<Payment>();
        for (var c = 0; c < 60; c++)
        {
            var name = $"{words[c % 8]} {words[c / 8]} SUPPLY INC";
            customers.Add(new Customer($"C{c}", name, null, [], []));
            var open = 1_000_00L + (c * 137L);
            items.Add(new OpenItem($"AR{c:D4}", DocType.Invoice, $"C{c}", name, $"INV-{7000 + c}", null, Usd, open, new DateOnly(2026, 10, 1), new DateOnly(2026, 11, 1)));
            payments.Add(new Payment($"P{c:D4}", new Money(c % 3 == 2 ? open + 1 : open, Usd), name, null, [], null, "day.bai2", c + 1));
        }

        var matcher = new CashMatcher(items, customers, MatchPolicy.Default) { FindPayersAhead = false };
        var letGo = new List<(string Payment, WeakReference Payers)>();
        List<string>? stillHeld = null;
        matcher.LettingPayersGo = (payment, payers) =>
        {
            Assert.NotNull(payers);
            letGo.Add((payment.PaymentRef, new WeakReference(payers)));
            if (letGo.Count == payments.Count)
            {
                // The last payment: every one decided before it has let its payers go, and the stage still runs.
                GC.Collect();
                GC.WaitForPendingFinalizers();
                GC.Collect();
                stillHeld = [.. letGo.SkipLast(1).Where(l => l.Payers.IsAlive).Select(l => l.Payment)];
            }
        };

        var result = matcher.Match(payments);

        Assert.Equal(payments.Count, letGo.Count);
        Assert.NotNull(stillHeld);
        Assert.Empty(stillHeld);
        Assert.Equal(40, result.Applications.Count);
        Assert.All(result.Applications, a => Assert.Equal(MatchMethod.NameAmount, a.Method));
        Assert.Equal(20, result.Exceptions.Count);
    }
}
