using CashApp.Engine.Model;

namespace CashApp.Engine.Matching;

/// <summary>
/// The books must balance before anything is written: for every payment, applied plus unapplied equals
/// the payment; no item is applied (with its deductions) past its open amount or against its sign; every application names a
/// known payment and item in the same currency. A violation is a bug, and stops the run.
/// </summary>
public static class BalanceCheck
{
    /// <summary>Throws <see cref="InvalidOperationException"/> naming the first violation found.</summary>
    public static void Verify(IReadOnlyList<Payment> payments, IReadOnlyList<OpenItem> items, IReadOnlyList<Application> applications, IReadOnlyList<ExceptionCase> exceptions)
    {
        ArgumentNullException.ThrowIfNull(payments);
        ArgumentNullException.ThrowIfNull(items);
        ArgumentNullException.ThrowIfNull(applications);
        ArgumentNullException.ThrowIfNull(exceptions);
        var byRef = new Dictionary<string, long>(StringComparer.Ordinal);
        var currencyByRef = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var payment in payments)
        {
            byRef[payment.PaymentRef] = checked(byRef.GetValueOrDefault(payment.PaymentRef) + payment.Amount.Minor);
            currencyByRef[payment.PaymentRef] = payment.Amount.Currency.Code;
        }

        var itemById = items.ToDictionary(i => i.ItemId, StringComparer.Ordinal);
        var accounted = new Dictionary<string, long>(StringComparer.Ordinal);
        var appliedToItem = new Dictionary<string, long>(StringComparer.Ordinal);
        foreach (var application in applications)
        {
            if (!byRef.ContainsKey(application.PaymentRef))
            {
                throw new InvalidOperationException($"Application to unknown payment {application.PaymentRef}.");
            }

            if (!itemById.TryGetValue(application.ItemId, out var item))
            {
                throw new InvalidOperationException($"Payment {application.PaymentRef} applied to unknown item {application.ItemId}.");
            }

            if (item.Currency.Code != application.Amount.Currency.Code || currencyByRef[application.PaymentRef] != item.Currency.Code)
            {
                throw new InvalidOperationException($"Payment {application.PaymentRef} applied across currencies to {application.ItemId}.");
            }

            accounted[application.PaymentRef] = checked(accounted.GetValueOrDefault(application.PaymentRef) + application.Amount.Minor);
            if (application.DeductionMinor < 0 || (application.DeductionMinor > 0 && item.OpenMinor <= 0))
            {
                throw new InvalidOperationException($"Payment {application.PaymentRef} deducts {application.DeductionMinor} from {application.ItemId}: a deduction is positive, and only on an invoice or debit memo.");
            }

            // What closes the item is what was paid plus any deduction (a discount taken within terms).
            appliedToItem[item.ItemId] = checked(appliedToItem.GetValueOrDefault(item.ItemId) + application.Amount.Minor + application.DeductionMinor);
        }

        foreach (var exception in exceptions)
        {
            if (byRef.ContainsKey(exception.PaymentRef))
            {
                accounted[exception.PaymentRef] = checked(accounted.GetValueOrDefault(exception.PaymentRef) + exception.Unapplied.Minor);
            }
        }

        foreach (var (reference, amount) in byRef)
        {
            var got = accounted.GetValueOrDefault(reference);
            if (got != amount)
            {
                throw new InvalidOperationException($"Payment {reference}: applied plus unapplied is {got}, not the payment's {amount} (minor units).");
            }
        }

        foreach (var (itemId, applied) in appliedToItem)
        {
            var open = itemById[itemId].OpenMinor;
            var over = open >= 0 ? applied > open || applied < 0 : applied < open || applied > 0;
            if (over)
            {
                throw new InvalidOperationException($"Item {itemId} applied {applied} against an open amount of {open} (minor units).");
            }
        }
    }
}
