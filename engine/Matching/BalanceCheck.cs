using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using CashApp.Engine.Model;

namespace CashApp.Engine.Matching;

/// <summary>
/// The books must balance before anything is written: for every payment, applied plus unapplied equals
/// the payment; no item is applied (with its deductions) past its open amount or against its sign; every application names a
/// known payment and item in the same currency. A violation is a bug, and stops the run.
/// </summary>
public static class BalanceCheck
{
    // Items from which the item table is built on a core of its own.
    private const int BuildApartFrom = 1 << 14;

    /// <summary>Throws <see cref="InvalidOperationException"/> naming the first violation found.</summary>
    public static void Verify(IReadOnlyList<Payment> payments, IReadOnlyList<OpenItem> items, IReadOnlyList<Application> applications, IReadOnlyList<ExceptionCase> exceptions)
    {
        ArgumentNullException.ThrowIfNull(payments);
        ArgumentNullException.ThrowIfNull(items);
        ArgumentNullException.ThrowIfNull(applications);
        ArgumentNullException.ThrowIfNull(exceptions);

        // One entry per payment reference and one per item, each looked up once per row and updated in place:
        // a run of a million payments checks with two tables instead of five. The two tables need nothing of each
        // other, so two cores build them (on the 1M day each is a million or more strings hashed); the payments' is
        // built here, so that a payment table that cannot be built still stops the check first. A small check (a
        // served call's) builds both here: a hop to another thread would cost it more than it saves.
        var building = items.Count >= BuildApartFrom ? Task.Run(() => ItemTable(items)) : null;
        var byRef = PaymentTable(payments);
        var itemById = building is null ? ItemTable(items) : building.GetAwaiter().GetResult();

        var appliedOrder = new List<string>();
        foreach (var application in applications)
        {
            ref var payment = ref CollectionsMarshal.GetValueRefOrNullRef(byRef, application.PaymentRef);
            if (Unsafe.IsNullRef(ref payment))
            {
                throw new InvalidOperationException($"Application to unknown payment {application.PaymentRef}.");
            }

            ref var applied = ref CollectionsMarshal.GetValueRefOrNullRef(itemById, application.ItemId);
            if (Unsafe.IsNullRef(ref applied))
            {
                throw new InvalidOperationException($"Payment {application.PaymentRef} applied to unknown item {application.ItemId}.");
            }

            var item = applied.Item;
            if (item.Currency.Code != application.Amount.Currency.Code || payment.Currency != item.Currency.Code)
            {
                throw new InvalidOperationException($"Payment {application.PaymentRef} applied across currencies to {application.ItemId}.");
            }

            payment.Accounted = checked(payment.Accounted + application.Amount.Minor);
            if (application.DeductionMinor < 0 || (application.DeductionMinor > 0 && item.OpenMinor <= 0))
            {
                throw new InvalidOperationException($"Payment {application.PaymentRef} deducts {application.DeductionMinor} from {application.ItemId}: a deduction is positive, and only on an invoice or debit memo.");
            }

            // What closes the item is what was paid plus any deduction (a discount taken within terms).
            if (!applied.Touched)
            {
                applied.Touched = true;
                appliedOrder.Add(item.ItemId);
            }

            applied.Applied = checked(applied.Applied + application.Amount.Minor + application.DeductionMinor);
        }

        foreach (var exception in exceptions)
        {
            ref var payment = ref CollectionsMarshal.GetValueRefOrNullRef(byRef, exception.PaymentRef);
            if (!Unsafe.IsNullRef(ref payment))
            {
                payment.Accounted = checked(payment.Accounted + exception.Unapplied.Minor);
            }
        }

        foreach (var (reference, totals) in byRef)
        {
            if (totals.Accounted != totals.Amount)
            {
                throw new InvalidOperationException($"Payment {reference}: applied plus unapplied is {totals.Accounted}, not the payment's {totals.Amount} (minor units).");
            }
        }

        foreach (var itemId in appliedOrder)
        {
            var (item, applied, _) = itemById[itemId];
            var open = item.OpenMinor;
            var over = open >= 0 ? applied > open || applied < 0 : applied < open || applied > 0;
            if (over)
            {
                throw new InvalidOperationException($"Item {itemId} applied {applied} against an open amount of {open} (minor units).");
            }
        }
    }

    private static Dictionary<string, PaymentTotals> PaymentTable(IReadOnlyList<Payment> payments)
    {
        var byRef = new Dictionary<string, PaymentTotals>(payments.Count, StringComparer.Ordinal);
        foreach (var payment in payments)
        {
            ref var totals = ref CollectionsMarshal.GetValueRefOrAddDefault(byRef, payment.PaymentRef, out _);
            totals.Amount = checked(totals.Amount + payment.Amount.Minor);
            totals.Currency = payment.Amount.Currency.Code;
        }

        return byRef;
    }

    private static Dictionary<string, ItemTotals> ItemTable(IReadOnlyList<OpenItem> items)
    {
        var itemById = new Dictionary<string, ItemTotals>(items.Count, StringComparer.Ordinal);
        foreach (var item in items)
        {
            itemById.Add(item.ItemId, new ItemTotals(item, 0, false));
        }

        return itemById;
    }

    private record struct PaymentTotals(long Amount, string? Currency, long Accounted);

    private record struct ItemTotals(OpenItem Item, long Applied, bool Touched);
}
