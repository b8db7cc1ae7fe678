using CashApp.Engine.Model;
using CashApp.Parsers.Common;
using CashApp.Parsers.Currency;

namespace CashApp.Store.Tests;

/// <summary>A clock the test moves by hand.</summary>
internal sealed class ManualClock(DateTimeOffset start) : TimeProvider
{
    private DateTimeOffset _now = start;

    public static DateTimeOffset Start { get; } = new(2026, 11, 23, 9, 0, 0, TimeSpan.Zero);

    public ManualClock()
        : this(Start)
    {
    }

    public override DateTimeOffset GetUtcNow() => _now;

    public void Advance(TimeSpan by) => _now += by;
}

/// <summary>Builders for the records the store tests need: items, customers, credits and matching output.</summary>
internal static class Ledger
{
    public static readonly CurrencyCode Usd = new("USD");
    public static readonly CurrencyCode Eur = new("EUR");

    public static OpenItem Invoice(string itemId, long openMinor, string currency = "USD", string customerId = "C1", DocType docType = DocType.Invoice) =>
        new(itemId, docType, customerId, "Cedar Builders Inc", "INV-" + itemId, "PO-" + itemId, new CurrencyCode(currency), openMinor, new DateOnly(2026, 10, 1), new DateOnly(2026, 10, 31));

    public static OpenItem CreditMemo(string itemId, long openMinor, string customerId = "C1") =>
        Invoice(itemId, -Math.Abs(openMinor), customerId: customerId, docType: DocType.CreditMemo);

    public static Customer Customer(string id, string name = "Cedar Builders Inc") =>
        new(id, name, null, ["Cedar Bldrs"], ["021000021:123456789"]);

    public static BankTransaction Credit(string paymentRef, long amountMinor, string currency = "USD", string? reference = null, string file = "day.bai2", long line = 1) => new()
    {
        PaymentRef = paymentRef,
        Direction = Direction.Credit,
        AmountMinor = amountMinor,
        Currency = currency,
        Format = BankFileFormat.Bai2,
        SourceFile = file,
        LineNumber = line,
        PayerName = "CEDAR BUILDERS",
        PayerAccount = "021000021:123456789",
        Remittance = reference is null ? [] : [new RemittanceLine(reference, amountMinor, RemittanceKind.Invoice)],
        FreeText = reference is null ? null : "INV " + reference,
        ValueDate = new DateOnly(2026, 11, 23),
        TypeCode = "165",

        // As the BAI2 reader gives them: the bank's reference is the payment's, so each credit is a payment of its own.
        Account = "123456789",
        BankReference = paymentRef,
        BookingDate = new DateOnly(2026, 11, 23),
    };

    public static BankTransaction Debit(string paymentRef, long amountMinor) => Credit(paymentRef, amountMinor) with { Direction = Direction.Debit };

    public static Application Apply(string paymentRef, string itemId, long amountMinor, string currency = "USD", MatchMethod method = MatchMethod.ExactReference) =>
        new(paymentRef, itemId, new Money(amountMinor, new CurrencyCode(currency)), method, new MatchScore(0.99), "test application");

    public static ExceptionCase Unapplied(string paymentRef, long amountMinor, string currency = "USD", ExceptionReason reason = ExceptionReason.NoMatch, params string[] suggestedItems) =>
        new(paymentRef, new Money(amountMinor, new CurrencyCode(currency)), reason, "test exception", suggestedItems.Length == 0 ? [] : [new Suggestion(suggestedItems, new MatchScore(0.5), "same amount")]);

    public static CashApp.Store.IngestBatch Batch(
        string hash,
        IReadOnlyList<BankTransaction> credits,
        IReadOnlyList<Application>? applications = null,
        IReadOnlyList<ExceptionCase>? exceptions = null,
        CashApp.Store.StaleItemPolicy onStale = CashApp.Store.StaleItemPolicy.Rollback) => new()
        {
            FileName = hash + ".bai2",
            ContentHash = hash,
            Format = BankFileFormat.Bai2,
            Actor = "ingest-test",
            Credits = credits,
            Applications = applications ?? [],
            Exceptions = exceptions ?? [],
            OnStaleItem = onStale,
        };
}
