using CashApp.Engine.Matching;
using CashApp.Engine.Model;
using CashApp.Parsers.Currency;
using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;

namespace CashApp.Engine.Tests.Matching;

/// <summary>
/// The balance check on a large day runs its two sides at once, the items' on a core of its own. Whatever the books, it
/// must say what one walk through them says: the same violation named (the first a single walk meets), or none, and the
/// same counts.
/// </summary>
public sealed class BalanceCheckSidesProperties
{
    private static readonly CurrencyCode Usd = new("USD");
    private static readonly CurrencyCode Eur = new("EUR");
    private static readonly DateOnly Day = new(2026, 3, 2);

    private enum Break
    {
        UnknownPayment,
        UnknownItem,
        PaymentInEuros,
        NegativeDeduction,
        PaymentTotal,
        ItemOver,
        ItemInEuros,
    }

    /// <summary>
    /// Balanced books of payments sharing references and applied in parts, then none to six of seven kinds of violation at
    /// random places: every kind of each side, several at once, two in one row, several payments and items over. The
    /// items checked where a matcher keeps them (by number: what a batch run checks), as records and by column (their ids
    /// kept a byte a character, or in UTF-16 where one is past Latin-1), must say the same again, whichever of them are
    /// given as likely applied to and whichever are looked up by id.
    /// </summary>
    [Property(MaxTest = 400, Replay = "(53,19)")]
    public Property SidesAtOnce_NameWhatOneWalkNames() =>
        Prop.ForAll(
            Gen.Elements(12, 40).SelectMany(references => Gen.ListOf(Gen.Choose(0, references).Zip(Gen.Choose(1, 90_000)).Zip(Gen.Choose(0, 3)))).ToArbitrary(),
            Gen.ListOf(Gen.Elements(Enum.GetValues<Break>()).Zip(Gen.Choose(0, 1_000))).Select(b => b.Take(6).ToList()).ToArbitrary(),
            (specs, breaks) =>
            {
                var payments = new List<Payment>();
                var items = new List<OpenItem>();
                var applications = new List<Application>();
                var exceptions = new List<ExceptionCase>();
                foreach (var ((reference, amount), parts) in specs)
                {
                    var paymentRef = $"PAY-{reference:D6}";
                    payments.Add(new Payment(paymentRef, new Money(amount, Usd), "ACME", null, [], string.Empty, "test.bai2", payments.Count + 1));
                    long remaining = amount;
                    for (var part = 0; part < parts && remaining > 0; part++)
                    {
                        var applied = part == parts - 1 ? remaining : Math.Max(1, remaining / 2);

                        // A third of the applications go to an item applied to before (its open amount raised to hold both),
                        // so that items are reached again after other items.
                        var shared = items.Count > 0 && (amount + part) % 3 == 0 ? ((amount * 7) + part) % items.Count : -1;
                        var item = shared >= 0
                            ? items[shared] with { OpenMinor = items[shared].OpenMinor + applied }
                            : new OpenItem(IdOf(items.Count), DocType.Invoice, "C1", "Acme", $"INV-{items.Count}", null, Usd, applied, Day, Day.AddDays(30));
                        if (shared >= 0)
                        {
                            items[shared] = item;
                        }
                        else
                        {
                            items.Add(item);
                        }

                        applications.Add(new Application(paymentRef, item.ItemId, new Money(applied, Usd), MatchMethod.ExactReference, new MatchScore(0.99), "test"));
                        remaining -= applied;
                    }

                    if (remaining > 0)
                    {
                        exceptions.Add(new ExceptionCase(paymentRef, new Money(remaining, Usd), ExceptionReason.Overpayment, "test", []));
                    }
                }

                foreach (var (kind, place) in breaks)
                {
                    if (applications.Count == 0 || payments.Count == 0)
                    {
                        break;
                    }

                    var row = place % applications.Count;
                    var at = place % payments.Count;
                    switch (kind)
                    {
                        case Break.UnknownPayment:
                            applications[row] = applications[row] with { PaymentRef = $"PAY-NONE-{place}" };
                            break;
                        case Break.UnknownItem:
                            applications[row] = applications[row] with { ItemId = $"AR-NONE-{place}" };
                            break;
                        case Break.PaymentInEuros:
                            payments[at] = payments[at] with { Amount = new Money(payments[at].Amount.Minor, Eur) };
                            break;
                        case Break.NegativeDeduction:
                            applications[row] = applications[row] with { DeductionMinor = -1 };
                            break;
                        case Break.PaymentTotal:
                            payments[at] = payments[at] with { Amount = new Money(payments[at].Amount.Minor + 1, payments[at].Amount.Currency) };
                            break;
                        case Break.ItemOver:
                            var item = items.FindIndex(i => i.ItemId == applications[row].ItemId);
                            if (item >= 0)
                            {
                                items[item] = items[item] with { OpenMinor = items[item].OpenMinor - 1 };
                            }

                            break;
                        case Break.ItemInEuros:
                            var inEuros = items.FindIndex(i => i.ItemId == applications[row].ItemId);
                            if (inEuros >= 0)
                            {
                                items[inEuros] = items[inEuros] with { Currency = Eur };
                            }

                            break;
                    }
                }

                // The items in another order than first applied to, as the matcher gives them (by its own order).
                items.Reverse();
                var (walk, walkCounts) = Checked(int.MaxValue);
                var (atOnce, atOnceCounts) = Checked(0);

                // Every other item of the matcher's order given as likely applied to, the rest found by id; the matchers
                // keep their items in id order, so the numbers are the same in both.
                var matcher = new CashMatcher(items, [], MatchPolicy.Default);
                var columns = ItemRecords.ForReading(items.Count + 1, 16);
                ItemRecordsProperties.AddAll(columns, items);
                var byColumn = new CashMatcher(columns, [], MatchPolicy.Default);
                var likely = Enumerable.Range(0, items.Count).Where(i => i % 2 == (specs.Count % 2)).ToArray();
                var (inPlace, inPlaceCounts) = Run(() => BalanceCheck.VerifyAndCount(payments, matcher.Book, likely, applications, exceptions, int.MaxValue));
                var (inPlaceAtOnce, inPlaceAtOnceCounts) = Run(() => BalanceCheck.VerifyAndCount(payments, matcher.Book, likely, applications, exceptions, 0));
                var (inColumns, inColumnsCounts) = Run(() => BalanceCheck.VerifyAndCount(payments, byColumn.Book, likely, applications, exceptions, int.MaxValue));
                return (walk == atOnce && walkCounts == atOnceCounts && walk == inPlace && walkCounts == inPlaceCounts && walk == inPlaceAtOnce && walkCounts == inPlaceAtOnceCounts
                        && walk == inColumns && walkCounts == inColumnsCounts)
                    .Label($"one walk: {walk ?? "balanced"} {walkCounts}; sides at once: {atOnce ?? "balanced"} {atOnceCounts}; in the matcher: {inPlace ?? "balanced"} {inPlaceCounts}, at once {inPlaceAtOnce ?? "balanced"} {inPlaceAtOnceCounts}; by column {inColumns ?? "balanced"} {inColumnsCounts}");

                (string? Message, BalanceCheck.PaymentCounts Counts) Checked(int apartFrom) =>
                    Run(() => BalanceCheck.VerifyAndCount(payments, items, static _ => null, applications, exceptions, apartFrom));

                // Most ids ASCII, some with a character of Latin-1 past ASCII, some with one past Latin-1.
                static string IdOf(int n) => (n % 5) switch { 3 => $"AR{n}\u00E9", 4 => $"AR{n}\u0141", _ => $"AR{n}" };

                static (string? Message, BalanceCheck.PaymentCounts Counts) Run(Func<BalanceCheck.PaymentCounts> check)
                {
                    try
                    {
                        return (null, check());
                    }
                    catch (InvalidOperationException e)
                    {
                        return (e.Message, default);
                    }
                }
            });
}
