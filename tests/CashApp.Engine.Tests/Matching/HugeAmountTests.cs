using CashApp.Engine.Matching;
using CashApp.Engine.Model;
using CashApp.Parsers.Common;
using CashApp.Parsers.Currency;

namespace CashApp.Engine.Tests.Matching;

/// <summary>
/// Amounts whose sums leave the range of a long: each fits (the files allow 18 digits), two together do not. The matcher's
/// sums are checked, and a payment whose deciding overflows goes to exceptions whole while the run goes on. A day large
/// enough that payers are found on a second core, whose guess of the at-once path makes the same sums.
/// </summary>
public sealed class HugeAmountTests
{
    private static readonly CurrencyCode Usd = new("USD");

    // Two of these add up past long.MaxValue (9,223,372,036,854,775,807).
    private const long Huge = 5_000_000_000_000_000_000;

    [Fact]
    public void Match_DayWherePaymentsQuoteInvoicesPastALongTogether_ThoseGoToExceptionsWholeAndTheRestAreDecided()
    {
        var customers = new List<Customer>();
        var items = new List<OpenItem>();
        var payments = new List<Payment>();
        for (var c = 0; c < 300; c++)
        {
            var name = $"{Words[c % Words.Length]} {Words[c / Words.Length % Words.Length]} {c} HOLDINGS";
            customers.Add(new Customer($"C{c}", name, null, [], []));
            if (c < 200)
            {
                // Quotes two invoices whose open amounts add up past a long, for an amount that fits.
                items.Add(Invoice($"AR{c}A", $"C{c}", name, $"INV-{100000 + 2 * c}", Huge));
                items.Add(Invoice($"AR{c}B", $"C{c}", name, $"INV-{100001 + 2 * c}", Huge));
                payments.Add(new Payment($"H{c:D3}", new Money(long.MaxValue, Usd), name, null, [],
                    $"INV-{100000 + 2 * c} INV-{100001 + 2 * c}", "day.bai2", c + 1));
            }
            else
            {
                // Quotes nothing: the payer's one open invoice, of an amount no other item has, paid to the cent.
                items.Add(Invoice($"AR{c}", $"C{c}", name, $"INV-{900000 + c}", 123_456_78 + 1_013 * c));
                payments.Add(new Payment($"A{c:D3}", new Money(123_456_78 + 1_013 * c, Usd), name, null, [], null, "day.bai2", c + 1));
            }
        }

        var result = new CashMatcher(items, customers, MatchPolicy.Default).Match(payments);

        BalanceCheck.Verify(payments, items, result.Applications, result.Exceptions);
        var huge = result.Exceptions.Where(e => e.PaymentRef.StartsWith('H')).ToList();
        Assert.Equal(200, huge.Count);
        Assert.All(huge, e =>
        {
            Assert.Equal(long.MaxValue, e.Unapplied.Minor);
            Assert.Equal(ExceptionReason.NoMatch, e.Reason);
            Assert.Contains("too large to add up", e.Detail, StringComparison.Ordinal);
        });
        Assert.DoesNotContain(result.Applications, a => a.PaymentRef.StartsWith('H'));
        Assert.Equal(payments.Where(p => p.PaymentRef.StartsWith('A')).Select(p => p.PaymentRef).Order(), result.Applications.Select(a => a.PaymentRef).Order());
    }

    /// <summary>
    /// The at-once path's guess, which the payer prefetch makes on a thread of its own (where a thrown overflow would end
    /// the run): quotes whose open amounts add up past a long are no payment's amount, and leave the payment to the
    /// general path; quotes that add up to it still decide.
    /// </summary>
    [Fact]
    public void AtOnceGuess_QuotesAddingUpPastALong_LeavesThePaymentToTheGeneralPath()
    {
        var customers = new List<Customer> { new("C1", "ECHO PACKAGING INC", null, [], []) };
        List<OpenItem> items =
        [
            Invoice("AR1", "C1", "ECHO PACKAGING INC", "INV-100001", Huge),
            Invoice("AR2", "C1", "ECHO PACKAGING INC", "INV-100002", Huge),
            Invoice("AR3", "C1", "ECHO PACKAGING INC", "INV-100003", long.MaxValue - Huge),
        ];
        var matcher = new CashMatcher(items, customers, MatchPolicy.Default);

        Assert.Null(matcher.AtOnceGuess(new Payment("P1", new Money(long.MaxValue, Usd), "ECHO PACKAGING INC", null, [], "INV-100001 INV-100002", "day.bai2", 1)));
        Assert.NotNull(matcher.AtOnceGuess(new Payment("P2", new Money(long.MaxValue, Usd), "ECHO PACKAGING INC", null, [], "INV-100001 INV-100003", "day.bai2", 2)));
    }

    /// <summary>
    /// A quote without its prefix asks the chance of its item's amount, whose checked arithmetic overflows near
    /// long.MaxValue. The guess, made on the prefetch's thread, gives none (a throw there ended the run, or not, by how the
    /// threads ran); the run sends the payment to exceptions as one thread does.
    /// </summary>
    [Fact]
    public void AtOnceGuess_StrippedQuoteOfAnItemNearALongsEnd_GivesNoGuessAndTheRunDecidesAsOneThread()
    {
        const long open = 9_000_000_000_000_000_000;
        var customers = new List<Customer> { new("C1", "ECHO PACKAGING INC", null, [], []) };
        List<OpenItem> items = [Invoice("AR1", "C1", "ECHO PACKAGING INC", "INV-777777", open)];
        var payment = new Payment("P1", new Money(open, Usd), null, null, [], "777777", "day.bai2", 1);
        var matcher = new CashMatcher(items, customers, MatchPolicy.Default);

        Assert.Null(matcher.AtOnceGuess(payment));
        var result = new CashMatcher(items, customers, MatchPolicy.Default).Match([payment]);
        var exception = Assert.Single(result.Exceptions);
        Assert.Empty(result.Applications);
        Assert.Equal(open, exception.Unapplied.Minor);
        Assert.Contains("too large to add up", exception.Detail, StringComparison.Ordinal);
    }

    private static readonly string[] Words = ["ACME", "APEX", "BEACON", "CEDAR", "DELTA", "ECHO", "FALCON", "GRANITE", "HARBOR", "IRONWOOD", "JUNIPER", "KESTREL"];

    private static OpenItem Invoice(string id, string customer, string name, string number, long open) =>
        new(id, DocType.Invoice, customer, name, number, null, Usd, open, new DateOnly(2026, 10, 1), new DateOnly(2026, 11, 1));
}
