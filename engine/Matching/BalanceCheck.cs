using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using CashApp.Engine.Model;
using CashApp.Parsers.Currency;

namespace CashApp.Engine.Matching;

/// <summary>
/// The books must balance before any file is kept (a run's files are written under hidden names until then): for every payment, applied plus unapplied equals
/// the payment; no item is applied (with its deductions) past its open amount or against its sign; every application names a
/// known payment and item in the same currency. A violation is a bug, and stops the run.
/// </summary>
/// <remarks>
/// The check has two sides that need nothing of each other: the payments' (every application and unapplied amount
/// against its payment) and the items' (every application against its item). On a large day two cores check them at
/// once, each with its own table (on the 1M day each side hashes a million strings or more, and looks each application
/// up once). Each side stops at its first violation, and the one reported is the one a single walk through the
/// applications would have met first, so the message does not depend on which side finished first.
/// </remarks>
public static class BalanceCheck
{
    // Applications from which the items' side is checked on a core of its own: below it (a served call) the hop to
    // another thread would cost more than it saves.
    private const int ApartFrom = 1 << 14;

    /// <summary>Throws <see cref="InvalidOperationException"/> naming the first violation found.</summary>
    public static void Verify(IReadOnlyList<Payment> payments, IReadOnlyList<OpenItem> items, IReadOnlyList<Application> applications, IReadOnlyList<ExceptionCase> exceptions) =>
        Verify(payments, items, static _ => null, applications, exceptions);

    /// <summary>
    /// As <see cref="Verify(IReadOnlyList{Payment}, IReadOnlyList{OpenItem}, IReadOnlyList{Application}, IReadOnlyList{ExceptionCase})"/>,
    /// where <paramref name="items"/> need only be the items likely applied to: an item applied to and not among them is
    /// asked of <paramref name="findItem"/> (null when there is no such item). A served call passes the items it touched.
    /// </summary>
    internal static void Verify(IReadOnlyList<Payment> payments, IReadOnlyList<OpenItem> items, Func<string, OpenItem?> findItem, IReadOnlyList<Application> applications, IReadOnlyList<ExceptionCase> exceptions) =>
        VerifyAndCount(payments, items, findItem, applications, exceptions);

    /// <summary>
    /// As <see cref="Verify(IReadOnlyList{Payment}, IReadOnlyList{OpenItem}, Func{string, OpenItem}, IReadOnlyList{Application}, IReadOnlyList{ExceptionCase})"/>,
    /// and, once the books balance, how many payment references have an application (<see cref="PaymentCounts.Applied"/>)
    /// and how many payments are applied in full: their reference has an application and no exception with an unapplied
    /// amount (<see cref="PaymentCounts.InFull"/>). The payments' side holds every reference once already, so a run's
    /// summary reads its counts from it instead of hashing every reference again.
    /// </summary>
    internal static PaymentCounts VerifyAndCount(IReadOnlyList<Payment> payments, IReadOnlyList<OpenItem> items, Func<string, OpenItem?> findItem, IReadOnlyList<Application> applications, IReadOnlyList<ExceptionCase> exceptions) =>
        VerifyAndCount(payments, items, findItem, applications, exceptions, ApartFrom);

    /// <summary>As above, the items' side on a core of its own from <paramref name="apartFrom"/> applications (the tests' lever: 0 always, int.MaxValue never).</summary>
    internal static PaymentCounts VerifyAndCount(IReadOnlyList<Payment> payments, IReadOnlyList<OpenItem> items, Func<string, OpenItem?> findItem, IReadOnlyList<Application> applications, IReadOnlyList<ExceptionCase> exceptions, int apartFrom)
    {
        ArgumentNullException.ThrowIfNull(items);
        ArgumentNullException.ThrowIfNull(findItem);
        return VerifyAndCount(payments, new ListedItems(items, findItem), [.. Enumerable.Range(0, items.Count)], applications, exceptions, apartFrom);
    }

    /// <summary>
    /// As above, with the items where their owner keeps them (<paramref name="book"/>, by number): what a batch run passes,
    /// so that the items the matcher keeps by column are checked in place, with no id string or record made for any of
    /// them. <paramref name="likely"/> are the numbers of the items likely applied to (as the items given to the overloads
    /// above: for a batch run, the items whose amount moved); an item applied to and not among them is asked of
    /// <see cref="IItemBook.Find"/>.
    /// </summary>
    internal static PaymentCounts VerifyAndCount<TBook>(IReadOnlyList<Payment> payments, TBook book, int[] likely, IReadOnlyList<Application> applications, IReadOnlyList<ExceptionCase> exceptions)
        where TBook : IItemBook =>
        VerifyAndCount(payments, book, likely, applications, exceptions, ApartFrom);

    /// <summary>As above, the items' side on a core of its own from <paramref name="apartFrom"/> applications (the tests' lever).</summary>
    internal static PaymentCounts VerifyAndCount<TBook>(IReadOnlyList<Payment> payments, TBook book, int[] likely, IReadOnlyList<Application> applications, IReadOnlyList<ExceptionCase> exceptions, int apartFrom)
        where TBook : IItemBook
    {
        ArgumentNullException.ThrowIfNull(payments);
        ArgumentNullException.ThrowIfNull(book);
        ArgumentNullException.ThrowIfNull(likely);
        ArgumentNullException.ThrowIfNull(applications);
        ArgumentNullException.ThrowIfNull(exceptions);

        var itemSide = applications.Count >= apartFrom ? Task.Run(() => CheckItems(book, likely, applications)) : null;
        var paymentViolation = CheckPayments(payments, applications, exceptions, out var counts);
        var itemViolation = itemSide is null ? CheckItems(book, likely, applications) : itemSide.GetAwaiter().GetResult();
        var first = Violation.First(paymentViolation, itemViolation);
        if (first is not null)
        {
            throw new InvalidOperationException(first.Value.Message);
        }

        return counts;
    }

    /// <summary>What a balanced run's payments came to: references applied to, and payments applied in full.</summary>
    internal readonly record struct PaymentCounts(int Applied, int InFull);

    /// <summary>
    /// The open items as the check reads them, by a number their owner gives each: the id, the currency and the open
    /// amount as the ledger gave it. The check's table holds numbers, and finds an application's item by comparing its
    /// id with the item's where the owner keeps it.
    /// </summary>
    internal interface IItemBook
    {
        /// <summary>The item's id.</summary>
        ItemText IdOf(int item);

        /// <summary>The item's currency.</summary>
        CurrencyCode CurrencyOf(int item);

        /// <summary>The item's open amount as the ledger gave it.</summary>
        long OpenMinorOf(int item);

        /// <summary>The number of the item with this id, or -1 when there is none.</summary>
        int Find(string itemId);
    }

    /// <summary>Items given as a list (numbered by place), then those <c>find</c> gives, numbered after them.</summary>
    private sealed class ListedItems(IReadOnlyList<OpenItem> items, Func<string, OpenItem?> find) : IItemBook
    {
        private readonly List<OpenItem> _found = [];

        private OpenItem this[int item] => item < items.Count ? items[item] : _found[item - items.Count];

        public ItemText IdOf(int item) => new(this[item].ItemId);

        public CurrencyCode CurrencyOf(int item) => this[item].Currency;

        public long OpenMinorOf(int item) => this[item].OpenMinor;

        public int Find(string itemId)
        {
            if (find(itemId) is not { } found)
            {
                return -1;
            }

            _found.Add(found);
            return items.Count + _found.Count - 1;
        }
    }

    /// <summary>
    /// Item numbers equal when their ids are (two numbers with one id are one item: a list that gives an id twice is
    /// refused, as a table by id refused it), hashed by id; and an application's item id, a string, looked up among
    /// them without a string made for any item.
    /// </summary>
    private sealed class ById<TBook>(TBook book) : IEqualityComparer<int>, IAlternateEqualityComparer<string, int>
        where TBook : IItemBook
    {
        public bool Equals(int x, int y) => x == y || book.IdOf(x).SequenceEqual(book.IdOf(y));

        public int GetHashCode(int obj) => book.IdOf(obj).OrdinalHashCode();

        public bool Equals(string alternate, int other) => book.IdOf(other).SequenceEqual(alternate);

        public int GetHashCode(string alternate)
        {
            // An application always names its item: a null id is a caller's bug, refused as a table by id refused it.
            ArgumentNullException.ThrowIfNull(alternate);
            return string.GetHashCode(alternate.AsSpan());
        }

        /// <summary>Never called: an item is added by its number, which the book gives (<see cref="IItemBook.Find"/>).</summary>
        public int Create(string alternate) => throw new NotSupportedException("Items are added to the check by number.");
    }

    /// <summary>Every application and unapplied amount against its payment: known, in its currency, and adding up to it.</summary>
    private static Violation? CheckPayments(IReadOnlyList<Payment> payments, IReadOnlyList<Application> applications, IReadOnlyList<ExceptionCase> exceptions, out PaymentCounts counts)
    {
        counts = default;

        // One entry per payment reference, looked up once per row and updated in place. Its balance starts at minus the
        // reference's payments and must come back to zero.
        var byRef = new Dictionary<string, PaymentTotals>(payments.Count, StringComparer.Ordinal);
        foreach (var payment in payments)
        {
            ref var totals = ref CollectionsMarshal.GetValueRefOrAddDefault(byRef, payment.PaymentRef, out _);
            totals.Balance -= payment.Amount.Minor;
            totals.Currency = payment.Amount.Currency.Code;
            totals.Payments++;
        }

        for (var row = 0; row < applications.Count; row++)
        {
            var application = applications[row];
            ref var payment = ref CollectionsMarshal.GetValueRefOrNullRef(byRef, application.PaymentRef);
            if (Unsafe.IsNullRef(ref payment))
            {
                return new Violation(row, Step.UnknownPayment, $"Application to unknown payment {application.PaymentRef}.");
            }

            if (payment.Currency != application.Amount.Currency.Code)
            {
                return Violation.AcrossCurrencies(row, application);
            }

            payment.Balance += application.Amount.Minor;
            payment.Applied = true;
        }

        foreach (var exception in exceptions)
        {
            ref var payment = ref CollectionsMarshal.GetValueRefOrNullRef(byRef, exception.PaymentRef);
            if (!Unsafe.IsNullRef(ref payment))
            {
                payment.Balance += exception.Unapplied.Minor;
                payment.Unapplied |= exception.Unapplied.Minor != 0;
            }
        }

        int applied = 0, inFull = 0;
        foreach (var (reference, totals) in byRef)
        {
            if (totals.Balance != 0)
            {
                // The payment's amount is added up again only to say what it is: the table keeps the difference alone.
                Int128 amount = 0;
                foreach (var payment in payments)
                {
                    amount += payment.PaymentRef == reference ? payment.Amount.Minor : 0;
                }

                return new Violation(applications.Count, Step.PaymentTotal, $"Payment {reference}: applied plus unapplied is {amount + totals.Balance}, not the payment's {amount} (minor units).");
            }

            applied += totals.Applied ? 1 : 0;
            inFull += totals.Applied && !totals.Unapplied ? totals.Payments : 0;
        }

        counts = new PaymentCounts(applied, inFull);
        return null;
    }

    /// <summary>Every application against its item: known, in its currency, any deduction on an invoice or debit memo, and never past its open amount.</summary>
    private static Violation? CheckItems<TBook>(TBook book, int[] likely, IReadOnlyList<Application> applications)
        where TBook : IItemBook
    {
        var byItem = new Dictionary<int, ItemTotals>(likely.Length, new ById<TBook>(book));
        foreach (var item in likely)
        {
            if (!byItem.TryAdd(item, new ItemTotals(0, item, -1)))
            {
                throw new ArgumentException($"The items checked give the id {book.IdOf(item).ToString()} twice.", nameof(likely));
            }
        }

        var byId = byItem.GetAlternateLookup<string>();
        for (var row = 0; row < applications.Count; row++)
        {
            var application = applications[row];
            ref var applied = ref CollectionsMarshal.GetValueRefOrNullRef(byId, application.ItemId);
            if (Unsafe.IsNullRef(ref applied))
            {
                var found = book.Find(application.ItemId);
                if (found < 0 || !book.IdOf(found).SequenceEqual(application.ItemId))
                {
                    return new Violation(row, Step.UnknownItem, $"Payment {application.PaymentRef} applied to unknown item {application.ItemId}.");
                }

                applied = ref CollectionsMarshal.GetValueRefOrAddDefault(byItem, found, out _);
                applied = new ItemTotals(0, found, -1);
            }

            if (book.CurrencyOf(applied.Item).Code != application.Amount.Currency.Code)
            {
                return Violation.AcrossCurrencies(row, application);
            }

            if (application.DeductionMinor < 0 || (application.DeductionMinor > 0 && book.OpenMinorOf(applied.Item) <= 0))
            {
                return new Violation(row, Step.Deduction, $"Payment {application.PaymentRef} deducts {application.DeductionMinor} from {application.ItemId}: a deduction is positive, and only on an invoice or debit memo.");
            }

            applied.FirstRow = applied.FirstRow < 0 ? row : applied.FirstRow;

            // What closes the item is what was paid plus any deduction (a discount taken within terms).
            applied.Applied += (Int128)application.Amount.Minor + application.DeductionMinor;
        }

        // Of the items applied past their open amount, the one the applications reach first is named: read off the table
        // in one pass, by the row each was first applied at, not looked up again in that order (1.4M look-ups on the 1M
        // day, most of them cache misses). An item never applied to is never over.
        ItemTotals? over = null;
        foreach (var (_, totals) in byItem)
        {
            var (applied, item, firstRow) = totals;
            if (firstRow < 0)
            {
                continue;
            }

            var open = book.OpenMinorOf(item);
            if ((open >= 0 ? applied > open || applied < 0 : applied < open || applied > 0) && (over is null || firstRow < over.Value.FirstRow))
            {
                over = totals;
            }
        }

        return over is { } first
            ? new Violation(applications.Count, Step.ItemOver, $"Item {book.IdOf(first.Item).ToString()} applied {first.Applied} against an open amount of {book.OpenMinorOf(first.Item)} (minor units).")
            : null;
    }

    /// <summary>
    /// Where a single walk would meet each violation: at an application (its row), in the order the checks of one row
    /// run, and after the walk, the payments' totals and then the items'.
    /// </summary>
    private enum Step
    {
        UnknownPayment,
        UnknownItem,
        AcrossCurrencies,
        Deduction,
        PaymentTotal,
        ItemOver,
    }

    /// <summary>A violation, with where a single walk through the applications would have met it.</summary>
    private readonly record struct Violation(int Row, Step Step, string Message)
    {
        /// <summary>
        /// An application in another currency than its payment or its item (the same words from either side: the
        /// payment's and the item's currency differ exactly when one of them differs from the application's).
        /// </summary>
        public static Violation AcrossCurrencies(int row, Application application) =>
            new(row, Step.AcrossCurrencies, $"Payment {application.PaymentRef} applied across currencies to {application.ItemId}.");

        /// <summary>The one a single walk would have met first.</summary>
        public static Violation? First(Violation? a, Violation? b) =>
            a is null ? b : b is null ? a : (a.Value.Row, a.Value.Step).CompareTo((b.Value.Row, b.Value.Step)) <= 0 ? a : b;
    }

    /// <summary>
    /// A payment reference's balance (applied and unapplied less its payments: zero when the books balance), its currency,
    /// how many payments it has, and whether anything was applied or left unapplied. It holds a reference, so the runtime
    /// lays it out (a packing would not apply): 32 bytes, 48 with the table's key and links, where the amount and the
    /// applied total kept apart made 48 and 64.
    /// </summary>
    private struct PaymentTotals
    {
        public string? Currency;
        public Int128 Balance;
        public int Payments;
        public bool Applied;
        public bool Unapplied;
    }

    /// <summary>
    /// What an item has had applied (with deductions), its number, and the row it was first applied at. Packed to 4
    /// bytes: 24 bytes, 36 with the table's key and links, where its 16-byte alignment made them 32 and 48.
    /// </summary>
    [StructLayout(LayoutKind.Sequential, Pack = 4)]
    private record struct ItemTotals(Int128 Applied, int Item, int FirstRow);
}
