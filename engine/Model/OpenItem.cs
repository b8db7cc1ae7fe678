using CashApp.Parsers.Currency;

namespace CashApp.Engine.Model;

/// <summary>The kind of an open AR document.</summary>
public enum DocType
{
    /// <summary>An invoice (<c>INV</c>): the customer owes it.</summary>
    Invoice,

    /// <summary>A credit memo (<c>CM</c>): the customer is owed it; its open amount is negative.</summary>
    CreditMemo,

    /// <summary>A debit memo (<c>DM</c>): an extra charge, owed like an invoice.</summary>
    DebitMemo,
}

/// <summary>
/// An open AR item as the AR system holds it. <see cref="OpenMinor"/> is the open balance in minor units,
/// negative for a credit memo.
/// </summary>
public sealed record OpenItem(
    string ItemId,
    DocType DocType,
    string CustomerId,
    string CustomerName,
    string InvoiceNumber,
    string? PoNumber,
    CurrencyCode Currency,
    long OpenMinor,
    DateOnly DocDate,
    DateOnly DueDate)
{
    /// <summary>The open balance as money.</summary>
    public Money Open => new(OpenMinor, Currency);

    /// <summary>The payment terms (<c>payment_terms</c>), when AR gave them; null when unknown.</summary>
    public PaymentTerms? Terms { get; init; }
}

/// <summary>A customer: who is billed, under which names it pays, who pays for it and from which accounts.</summary>
public sealed record Customer(
    string CustomerId,
    string Name,
    string? ParentId,
    IReadOnlyList<string> Aliases,
    IReadOnlyList<string> BankAccounts);
