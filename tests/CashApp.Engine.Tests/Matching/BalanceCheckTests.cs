using CashApp.Engine.Matching;
using CashApp.Engine.Model;
using CashApp.Parsers.Common;
using CashApp.Parsers.Currency;

namespace CashApp.Engine.Tests.Matching;

/// <summary>The last guard before anything is written: each way books can fail to balance stops the run, naming the row.</summary>
public sealed class BalanceCheckTests
{
    private static readonly CurrencyCode Usd = new("USD");
    private static readonly CurrencyCode Eur = new("EUR");
    private static readonly DateOnly Day = new(2026, 3, 2);

    private static readonly OpenItem Invoice = new("AR1", DocType.Invoice, "C1", "Acme", "INV-1", null, Usd, 10_000, Day, Day.AddDays(30));
    private static readonly OpenItem Second = new("AR2", DocType.Invoice, "C1", "Acme", "INV-2", null, Usd, 5_000, Day, Day.AddDays(30));
    private static readonly OpenItem Memo = new("AR3", DocType.CreditMemo, "C1", "Acme", "CM-3", null, Usd, -2_000, Day, Day.AddDays(30));
    private static readonly OpenItem EuroInvoice = new("AR4", DocType.Invoice, "C2", "Beta", "INV-4", null, Eur, 7_000, Day, Day.AddDays(30));

    private static Payment Paid(string reference, long minor, CurrencyCode? currency = null) =>
        new(reference, new Money(minor, currency ?? Usd), "ACME", null, [], string.Empty, "test.bai2", 1);

    private static Application Applied(string reference, OpenItem item, long minor, long deduction = 0) =>
        new(reference, item.ItemId, new Money(minor, item.Currency), MatchMethod.ExactReference, new MatchScore(0.99), "test") { DeductionMinor = deduction };

    private static ExceptionCase Unapplied(string reference, long minor) =>
        new(reference, new Money(minor, Usd), ExceptionReason.Overpayment, "test", []);

    private static Exception? Check(Payment[] payments, Application[] applications, ExceptionCase[] exceptions) =>
        Record.Exception(() => BalanceCheck.Verify(payments, [Invoice, Second, Memo, EuroInvoice], applications, exceptions));

    [Fact]
    public void BalancedBooks_Pass()
    {
        // Two payments of one reference (the totals add), an item closed by two applications, a netted memo, a rest on account.
        var payments = new[] { Paid("P1", 8_000), Paid("P1", 1_000), Paid("P2", 6_000) };
        var applications = new[] { Applied("P1", Invoice, 6_000), Applied("P1", Memo, -2_000), Applied("P1", Invoice, 4_000), Applied("P2", Second, 4_900, deduction: 100) };
        Assert.Null(Check(payments, applications, [Unapplied("P1", 1_000), Unapplied("P2", 1_100)]));
    }

    /// <summary>
    /// Totals of one reference past a long (payments of one reference in several files, each up to 18 digits): the books
    /// still balance, and a violation is still found, with its figures. Once the check ended the run in an overflow.
    /// </summary>
    [Fact]
    public void TotalsPastALong_BalanceOrStopWithTheirFigures()
    {
        const long huge = 5_000_000_000_000_000_000;
        var payments = new[] { Paid("P1", huge), Paid("P1", huge), Paid("P1", huge) };
        Assert.Null(Check(payments, [], [Unapplied("P1", huge), Unapplied("P1", huge), Unapplied("P1", huge)]));

        var error = Check(payments, [], [Unapplied("P1", huge), Unapplied("P1", huge)]);
        Assert.Equal("Payment P1: applied plus unapplied is 10000000000000000000, not the payment's 15000000000000000000 (minor units).", Assert.IsType<InvalidOperationException>(error).Message);
    }

    [Fact]
    public void ApplicationToAnUnknownPayment_Stops()
    {
        var error = Check([Paid("P1", 10_000)], [Applied("P9", Invoice, 10_000)], []);
        Assert.Equal("Application to unknown payment P9.", Assert.IsType<InvalidOperationException>(error).Message);
    }

    [Fact]
    public void ApplicationToAnUnknownItem_Stops()
    {
        var stranger = Invoice with { ItemId = "AR9" };
        var error = Check([Paid("P1", 10_000)], [Applied("P1", stranger, 10_000)], []);
        Assert.Equal("Payment P1 applied to unknown item AR9.", Assert.IsType<InvalidOperationException>(error).Message);
    }

    [Fact]
    public void ApplicationAcrossCurrencies_Stops()
    {
        var error = Check([Paid("P1", 7_000)], [Applied("P1", EuroInvoice, 7_000)], []);
        Assert.Equal("Payment P1 applied across currencies to AR4.", Assert.IsType<InvalidOperationException>(error).Message);
    }

    [Fact]
    public void DeductionOnACreditMemo_Stops()
    {
        var error = Check([Paid("P1", -2_100)], [Applied("P1", Memo, -2_100, deduction: 100)], []);
        Assert.StartsWith("Payment P1 deducts 100 from AR3", Assert.IsType<InvalidOperationException>(error).Message, StringComparison.Ordinal);
    }

    [Fact]
    public void PaymentNotAccountedInFull_Stops()
    {
        var error = Check([Paid("P1", 10_000), Paid("P2", 5_000)], [Applied("P1", Invoice, 10_000), Applied("P2", Second, 4_000)], [Unapplied("P2", 500)]);
        Assert.Equal("Payment P2: applied plus unapplied is 4500, not the payment's 5000 (minor units).", Assert.IsType<InvalidOperationException>(error).Message);
    }

    [Fact]
    public void PaymentAccountedPastItsAmount_Stops()
    {
        // More applied and left unapplied than was paid: the balance passes zero the other way.
        var error = Check([Paid("P1", 5_000)], [Applied("P1", Second, 5_000)], [Unapplied("P1", 500)]);
        Assert.Equal("Payment P1: applied plus unapplied is 5500, not the payment's 5000 (minor units).", Assert.IsType<InvalidOperationException>(error).Message);
    }

    [Fact]
    public void PaymentReferencesDifferingInCaseOnly_AreTwoPayments()
    {
        // References are compared ordinally: p1's payment is not P1's, and the message names P1's amount alone.
        var error = Check([Paid("P1", 5_000), Paid("p1", 700)], [Applied("P1", Second, 4_000), Applied("p1", Invoice, 700)], []);
        Assert.Equal("Payment P1: applied plus unapplied is 4000, not the payment's 5000 (minor units).", Assert.IsType<InvalidOperationException>(error).Message);
    }

    [Fact]
    public void ItemAppliedPastItsOpenAmount_Stops()
    {
        // Each application fits; together (with the deduction) they close more than is open.
        var error = Check([Paid("P1", 3_000), Paid("P2", 1_950)], [Applied("P1", Second, 3_000), Applied("P2", Second, 1_950, deduction: 100)], []);
        Assert.Equal("Item AR2 applied 5050 against an open amount of 5000 (minor units).", Assert.IsType<InvalidOperationException>(error).Message);
    }

    [Fact]
    public void TheFirstItemAppliedOverIsTheOneNamed()
    {
        // Two items over: the one the applications reach first is reported, whatever the items' order.
        var error = Check([Paid("P1", 17_000)], [Applied("P1", Second, 6_000), Applied("P1", Invoice, 11_000)], []);
        Assert.Equal("Item AR2 applied 6000 against an open amount of 5000 (minor units).", Assert.IsType<InvalidOperationException>(error).Message);
    }

    [Fact]
    public void ManyApplications_TheViolationASingleWalkMeetsFirstIsNamed()
    {
        // Enough applications for the payments' and the items' sides to be checked on two cores: a balanced day passes,
        // and of violations found on both sides, the one named is the one a walk through the applications meets first.
        var items = Enumerable.Range(0, 20_000).Select(i => Invoice with { ItemId = $"AR{i:D5}", OpenMinor = 1_000 + i }).ToList();
        var payments = items.Select(i => Paid("P" + i.ItemId, i.OpenMinor)).ToList();
        var applications = items.Select(i => Applied("P" + i.ItemId, i, i.OpenMinor)).ToList();
        Exception? Checked(List<Application> rows) => Record.Exception(() => BalanceCheck.Verify(payments, items, rows, []));
        Assert.Null(Checked(applications));

        var over = applications.ToList();
        over[12_345] = over[12_345] with { Amount = new Money(13_346, Usd) };
        payments[12_345] = Paid("PAR12345", 13_346);
        Assert.Equal("Item AR12345 applied 13346 against an open amount of 13345 (minor units).", Assert.IsType<InvalidOperationException>(Checked(over)).Message);
        payments[12_345] = Paid("PAR12345", 13_345);

        // An unknown item early and an unknown payment late, then the other way round.
        var both = applications.ToList();
        both[100] = both[100] with { ItemId = "AR-NONE" };
        both[19_000] = both[19_000] with { PaymentRef = "P-NONE" };
        Assert.Equal("Payment PAR00100 applied to unknown item AR-NONE.", Assert.IsType<InvalidOperationException>(Checked(both)).Message);
        both = applications.ToList();
        both[100] = both[100] with { PaymentRef = "P-NONE" };
        both[19_000] = both[19_000] with { ItemId = "AR-NONE" };
        Assert.Equal("Application to unknown payment P-NONE.", Assert.IsType<InvalidOperationException>(Checked(both)).Message);

        // In one row: an unknown item comes before a payment in another currency, as in a single walk.
        both = applications.ToList();
        both[500] = both[500] with { ItemId = "AR-NONE", Amount = new Money(1_500, Eur) };
        Assert.Equal("Payment PAR00500 applied to unknown item AR-NONE.", Assert.IsType<InvalidOperationException>(Checked(both)).Message);

        // In one row: a payment in another currency (the payments' side) comes before a bad deduction (the items' side).
        both = applications.ToList();
        both[700] = both[700] with { DeductionMinor = -5 };
        payments[700] = Paid("PAR00700", 1_700, Eur);
        Assert.Equal("Payment PAR00700 applied across currencies to AR00700.", Assert.IsType<InvalidOperationException>(Checked(both)).Message);
        payments[700] = Paid("PAR00700", 1_700);

        // After the walk, a payment that does not add up is named before an item applied past its open amount, though
        // the item comes earlier in the applications.
        both = applications.ToList();
        both[50] = both[50] with { Amount = new Money(1_051, Usd) };
        payments[50] = Paid("PAR00050", 1_051);
        payments[19_000] = Paid("PAR19000", 20_001);
        Assert.Equal("Payment PAR19000: applied plus unapplied is 20000, not the payment's 20001 (minor units).", Assert.IsType<InvalidOperationException>(Checked(both)).Message);
    }

    [Fact]
    public void ItemsOver_TheFirstAppliedToIsNamed_NotTheLastApplied()
    {
        // Two items applied past their open amounts: the one the applications reach first is named, though its last
        // application comes after the other's and the items are given the other way round, whether the books are checked
        // in one walk or with the sides at once.
        var first = Invoice with { OpenMinor = 999 };
        var second = Second with { OpenMinor = 499 };
        var payments = new[] { Paid("P1", 600), Paid("P2", 500), Paid("P3", 400) };
        var applications = new[] { Applied("P1", first, 600), Applied("P2", second, 500), Applied("P3", first, 400) };
        foreach (var apartFrom in new[] { int.MaxValue, 0 })
        {
            var error = Record.Exception(() => BalanceCheck.VerifyAndCount(payments, [second, first], static _ => null, applications, [], apartFrom));
            Assert.Equal("Item AR1 applied 1000 against an open amount of 999 (minor units).", Assert.IsType<InvalidOperationException>(error).Message);
        }
    }

    [Fact]
    public void AnItemAppliedToAndNotAmongThoseGiven_IsLookedUp()
    {
        // A batch run gives the items whose amount moved, and finds any other by id: what it finds is held to the same rules.
        OpenItem? Find(string id) => new[] { Invoice, Second, Memo, EuroInvoice }.FirstOrDefault(i => i.ItemId == id);
        Exception? CheckFinding(Payment[] payments, Application[] applications) =>
            Record.Exception(() => BalanceCheck.Verify(payments, [Invoice], Find, applications, []));

        Assert.Null(CheckFinding([Paid("P1", 10_000), Paid("P2", 5_000)], [Applied("P1", Invoice, 10_000), Applied("P2", Second, 5_000)]));
        var over = CheckFinding([Paid("P1", 6_000)], [Applied("P1", Second, 6_000)]);
        Assert.Equal("Item AR2 applied 6000 against an open amount of 5000 (minor units).", Assert.IsType<InvalidOperationException>(over).Message);
        var unknown = CheckFinding([Paid("P1", 10_000)], [Applied("P1", Invoice with { ItemId = "AR9" }, 10_000)]);
        Assert.Equal("Payment P1 applied to unknown item AR9.", Assert.IsType<InvalidOperationException>(unknown).Message);
    }
}
