using System.Collections.Concurrent;
using CashApp.Engine.Matching;
using CashApp.Engine.Model;
using CashApp.Parsers.Currency;

namespace CashApp.Engine.Tests.Matching;

/// <summary>
/// A payment's payers are looked up by one thread: the matching thread, or the helper finding them ahead of it, never both
/// (the two used to race for the payment the matching thread had caught up with, and both looked it up).
/// </summary>
public sealed class PayersFoundOnceTests
{
    private static readonly CurrencyCode Usd = new("USD");

    private static readonly string[] Words =
    [
        "ACME", "APEX", "BEACON", "CEDAR", "DELTA", "ECHO", "FALCON", "GRANITE", "HARBOR", "IRON", "JUNIPER", "KESTREL",
        "LANTERN", "MAPLE", "NORTH", "OAK", "PINE", "QUARRY", "RIVER", "SUMMIT", "TIMBER", "UNION", "VALLEY", "WILLOW",
    ];

    [SkippableTheory]
    [InlineData(11)]
    [InlineData(12)]
    [InlineData(13)]
    public void Match_HelpersFindingPayersAhead_LookEachPaymentUpOnce_AndDecideAsOneThread(int seed)
    {
        Skip.If(Environment.ProcessorCount < 2, "payers are found ahead only on a machine of two cores or more");

        var (customers, items, payments) = MakeDay(seed);

        var lookups = new ConcurrentDictionary<Payment, int>();
        var threads = new ConcurrentDictionary<int, int>();
        var ahead = new CashMatcher(items, customers, MatchPolicy.Default)
        {
            FindingPayers = payment =>
            {
                lookups.AddOrUpdate(payment, 1, (_, n) => n + 1);
                threads.AddOrUpdate(Environment.CurrentManagedThreadId, 1, (_, n) => n + 1);
            },
        };
        var alone = new CashMatcher(items, customers, MatchPolicy.Default) { FindPayersAhead = false };

        var result = ahead.Match(payments);

        // The helpers found some (so the race could happen), and no payment was looked up twice.
        Assert.True(threads.Count >= 2, $"payers were looked up on {threads.Count} thread(s)");
        Assert.True(lookups.Count > payments.Count / 2, $"{lookups.Count} payments' payers looked up");
        Assert.Empty(lookups.Where(l => l.Value > 1).Select(l => $"{l.Key.PaymentRef} x{l.Value}"));
        Assert.Equal(Render(alone.Match(payments)), Render(result));
    }

    /// <summary>
    /// Helpers slowed down (a millisecond a lookup) fall behind the matching thread, which then waits for the payers they
    /// are finding: while it waits it does their work for the payments after it, in both stages, and still no payment is
    /// looked up twice and the decisions are those of one thread.
    /// </summary>
    [SkippableFact]
    public void Match_MatchingThreadWaitingForAHelper_DoesTheHelpersWorkAhead_InBothStages()
    {
        Skip.If(Environment.ProcessorCount < 2, "payers are found ahead only on a machine of two cores or more");

        var (customers, items, payments) = MakeDay(23);
        var matchingThread = Environment.CurrentManagedThreadId;
        var lookups = new ConcurrentDictionary<Payment, int>();
        var helped = new ConcurrentBag<(int Stage, int Waiting, int Done)>();
        var matcher = new CashMatcher(items, customers, MatchPolicy.Default)
        {
            FindingPayers = payment =>
            {
                lookups.AddOrUpdate(payment, 1, (_, n) => n + 1);
                if (Environment.CurrentManagedThreadId != matchingThread)
                {
                    Thread.Sleep(1);
                }
            },
            HelpingAhead = (stage, waiting, done) =>
            {
                Assert.Equal(matchingThread, Environment.CurrentManagedThreadId);
                helped.Add((stage, waiting, done));
            },
        };
        var alone = new CashMatcher(items, customers, MatchPolicy.Default) { FindPayersAhead = false };

        var result = matcher.Match(payments);

        Assert.Contains(helped, h => h.Stage == 1);
        Assert.Contains(helped, h => h.Stage == 2);
        Assert.All(helped, h => Assert.InRange(h.Done, h.Waiting + 1, h.Waiting + 16));
        Assert.Empty(lookups.Where(l => l.Value > 1).Select(l => $"{l.Key.PaymentRef} x{l.Value}"));
        Assert.Equal(Render(alone.Match(payments)), Render(result));
    }

    /// <summary>
    /// A helper's lookup that throws leaves the payment's slot taken: the matching thread, which may be waiting for those
    /// payers, finds them itself instead of waiting for ever, and the helper's error comes out of the match.
    /// </summary>
    [SkippableFact]
    public void Match_AHelpersLookupThrows_TheMatchingThreadDoesNotWaitForIt_AndTheErrorComesOut()
    {
        Skip.If(Environment.ProcessorCount < 2, "payers are found ahead only on a machine of two cores or more");

        var (customers, items, payments) = MakeDay(17);
        var matchingThread = -1;
        var thrown = 0;
        var matcher = new CashMatcher(items, customers, MatchPolicy.Default)
        {
            FindingPayers = _ =>
            {
                if (Environment.CurrentManagedThreadId != Volatile.Read(ref matchingThread) && Interlocked.Exchange(ref thrown, 1) == 0)
                {
                    throw new InvalidOperationException("a helper's lookup failed");
                }
            },
        };

        var run = Task.Run(() =>
        {
            Volatile.Write(ref matchingThread, Environment.CurrentManagedThreadId);
            return matcher.Match(payments);
        });

        // Not a measure of speed: the run takes a second or two, and only a matching thread waiting for ever misses this.
        Assert.True(run.ContinueWith(_ => { }, TaskScheduler.Default).Wait(TimeSpan.FromMinutes(2)), "the match never ended: the matching thread waits for payers a failed lookup never found");
        Assert.Equal(1, thrown);
        Assert.NotNull(run.Exception);
        Assert.Contains(run.Exception.Flatten().InnerExceptions, e => e is InvalidOperationException { Message: "a helper's lookup failed" });
    }

    /// <summary>
    /// 1,500 customers of three-word names, two invoices each; 3,000 payments by a customer's name: a third quote an
    /// invoice at an amount off it (decided in the first stage, where the rules read the payers), a third quote nothing
    /// (decided by payer in the second stage), a third quote a number one digit off.
    /// </summary>
    private static (List<Customer> Customers, List<OpenItem> Items, List<Payment> Payments) MakeDay(int seed)
    {
        var random = new Random(seed);
        var customers = new List<Customer>();
        var items = new List<OpenItem>();
        for (var c = 0; c < 1_500; c++)
        {
            var name = $"{Words[random.Next(Words.Length)]} {Words[random.Next(Words.Length)]} {Words[random.Next(Words.Length)]} {c % 7} LLC";
            customers.Add(new Customer($"C{c}", name, null, [], []));
            for (var i = 0; i < 2; i++)
            {
                items.Add(new OpenItem($"AR{items.Count}", DocType.Invoice, $"C{c}", name, $"INV-{100_000 + items.Count}", null, Usd,
                    random.Next(100_00, 90_000_00), new DateOnly(2026, 10, 1), new DateOnly(2026, 11, random.Next(1, 28))));
            }
        }

        var payments = new List<Payment>();
        for (var p = 0; p < 3_000; p++)
        {
            var item = items[random.Next(items.Count)];
            var (amount, text) = (p % 3) switch
            {
                0 => (item.OpenMinor + 100, item.InvoiceNumber),
                1 => (item.OpenMinor, null),
                _ => (item.OpenMinor, item.InvoiceNumber.Replace('0', '8')),
            };
            payments.Add(new Payment($"P{p:D4}", new Money(amount, Usd), item.CustomerName, null, [], text, "day.bai2", p + 1));
        }

        return (customers, items, payments);
    }

    private static string Render(MatchResult result) =>
        string.Join('\n', result.Applications.Select(a => $"{a.PaymentRef} {a.ItemId} {a.Amount} {a.Method} {a.Confidence.Value} {a.Explanation}"))
        + "\n--\n"
        + string.Join('\n', result.Exceptions.Select(e => $"{e.PaymentRef} {e.Unapplied} {e.Reason} {e.Detail}"));
}
