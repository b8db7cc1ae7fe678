using CashApp.Engine.Matching;
using CashApp.Engine.Model;
using CashApp.Parsers.Common;
using CashApp.Parsers.Currency;

namespace CashApp.Engine.Tests.Matching;

/// <summary>A small ledger and payments for matcher tests, with readable builders.</summary>
internal sealed class MatchingScenario
{
    private static readonly DateOnly Day = new(2026, 11, 1);
    private readonly List<OpenItem> _items = [];
    private readonly List<Customer> _customers = [];
    private readonly List<Payment> _payments = [];

    public static CurrencyCode Usd { get; } = new("USD");

    public MatchingScenario Customer(string id, string name, string? parent = null, string[]? aliases = null, string[]? accounts = null)
    {
        _customers.Add(new Customer(id, name, parent, aliases ?? [], accounts ?? []));
        return this;
    }

    public MatchingScenario Invoice(string itemId, string customerId, string number, long openMinor, string? po = null, string currency = "USD", int dueInDays = 30)
    {
        var name = _customers.FirstOrDefault(c => c.CustomerId == customerId)?.Name ?? customerId;
        _items.Add(new OpenItem(itemId, DocType.Invoice, customerId, name, number, po, new CurrencyCode(currency), openMinor, Day, Day.AddDays(dueInDays)));
        return this;
    }

    public MatchingScenario CreditMemo(string itemId, string customerId, string number, long openMinor)
    {
        var name = _customers.FirstOrDefault(c => c.CustomerId == customerId)?.Name ?? customerId;
        _items.Add(new OpenItem(itemId, DocType.CreditMemo, customerId, name, number, null, Usd, -Math.Abs(openMinor), Day, Day.AddDays(30)));
        return this;
    }

    public MatchingScenario Pay(string reference, long amountMinor, string? payer = null, string? account = null, string? text = null, params RemittanceLine[] lines)
    {
        _payments.Add(new Payment(reference, new Money(amountMinor, Usd), payer, account, lines, text, "test.bai2", _payments.Count + 1));
        return this;
    }

    /// <summary>A payment a payment factory or service makes on <paramref name="ultimate"/>'s behalf (camt <c>UltmtDbtr</c>).</summary>
    public MatchingScenario PayOnBehalf(string reference, long amountMinor, string payer, string ultimate, string? text = null)
    {
        _payments.Add(new Payment(reference, new Money(amountMinor, Usd), payer, null, [], text, "test.camt053.xml", _payments.Count + 1) { UltimatePayerName = ultimate });
        return this;
    }

    /// <summary>An invoice with payment terms (<c>2/10 NET 30</c>), dated <paramref name="docDate"/> (the scenario's day by default).</summary>
    public MatchingScenario TermsInvoice(string itemId, string customerId, string number, long openMinor, string terms, DateOnly? docDate = null, string? po = null)
    {
        var name = _customers.FirstOrDefault(c => c.CustomerId == customerId)?.Name ?? customerId;
        var doc = docDate ?? Day;
        Assert.True(PaymentTerms.TryParse(terms, out var parsed, out _), terms);
        _items.Add(new OpenItem(itemId, DocType.Invoice, customerId, name, number, po, Usd, openMinor, doc, doc.AddDays(30)) { Terms = parsed });
        return this;
    }

    /// <summary>A payment made on <paramref name="paidOn"/> (the bank's value or booking date); null for a file without a date.</summary>
    public MatchingScenario PayOn(string reference, long amountMinor, DateOnly? paidOn, string? payer = null, string? text = null, params RemittanceLine[] lines)
    {
        _payments.Add(new Payment(reference, new Money(amountMinor, Usd), payer, null, lines, text, "test.bai2", _payments.Count + 1) { PaidOn = paidOn });
        return this;
    }

    public IReadOnlyList<OpenItem> Items => _items;

    public IReadOnlyList<Customer> Customers => _customers;

    public IReadOnlyList<Payment> Payments => _payments;

    public MatchResult Run(MatchPolicy? policy = null) => Run(_items, _customers, _payments, policy);

    public static MatchResult Run(IReadOnlyList<OpenItem> items, IReadOnlyList<Customer> customers, IReadOnlyList<Payment> payments, MatchPolicy? policy = null)
    {
        var result = new CashMatcher(items, customers, policy ?? MatchPolicy.Default).Match(payments);
        BalanceCheck.Verify(payments, items, result.Applications, result.Exceptions);
        return result;
    }

    public static RemittanceLine Line(string reference, long? amountMinor = null, RemittanceKind kind = RemittanceKind.Unspecified) =>
        new(reference, amountMinor, kind);
}

internal static class MatchResultExtensions
{
    /// <summary>The applications of one payment as item id to amount, sorted.</summary>
    public static SortedDictionary<string, long> AppliedFor(this MatchResult result, string paymentRef)
    {
        var applied = new SortedDictionary<string, long>(StringComparer.Ordinal);
        foreach (var a in result.Applications.Where(a => a.PaymentRef == paymentRef))
        {
            applied[a.ItemId] = applied.GetValueOrDefault(a.ItemId) + a.Amount.Minor;
        }

        return applied;
    }

    public static ExceptionCase? ExceptionFor(this MatchResult result, string paymentRef) =>
        result.Exceptions.SingleOrDefault(e => e.PaymentRef == paymentRef);
}
