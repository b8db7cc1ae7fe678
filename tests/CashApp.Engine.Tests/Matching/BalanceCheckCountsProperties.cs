using CashApp.Engine.Matching;
using CashApp.Engine.Model;
using CashApp.Parsers.Currency;
using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;

namespace CashApp.Engine.Tests.Matching;

/// <summary>
/// A batch run's summary reads how many payment references were applied to, and how many payments in full, from the
/// balance check's own table of references. They must be what the run's outcome says, counted the plain way.
/// </summary>
public sealed class BalanceCheckCountsProperties
{
    private static readonly CurrencyCode Usd = new("USD");
    private static readonly DateOnly Day = new(2026, 3, 2);

    /// <summary>
    /// Random balanced books: references shared by several payments, payments applied in parts, in full, not at all,
    /// with a rest left unapplied, and exceptions with nothing unapplied (a suggestion kept for a payment applied in
    /// full), some of them under references no payment has.
    /// </summary>
    [Property(MaxTest = 300, Replay = "(41,17)")]
    public Property Counts_AreTheOutcomesCountedPlainly() =>
        Prop.ForAll(
            Gen.ListOf(
                    from reference in Gen.Choose(0, 24)
                    from amount in Gen.Choose(1, 90_000)
                    from parts in Gen.Choose(0, 3)
                    from leaveRest in Gen.Elements(false, false, true)
                    from noteWithNothingUnapplied in Gen.Elements(false, false, true)
                    select (reference, amount, parts, leaveRest, noteWithNothingUnapplied))
                .ToArbitrary(),
            Gen.Choose(0, 3).ToArbitrary(),
            (specs, strangers) =>
            {
                var payments = new List<Payment>();
                var items = new List<OpenItem>();
                var applications = new List<Application>();
                var exceptions = new List<ExceptionCase>();
                foreach (var (reference, amount, parts, leaveRest, note) in specs)
                {
                    var paymentRef = $"P{reference}";
                    payments.Add(new Payment(paymentRef, new Money(amount, Usd), "ACME", null, [], string.Empty, "test.bai2", payments.Count + 1));
                    long remaining = amount;
                    for (var part = 0; part < parts && remaining > 0; part++)
                    {
                        var last = part == parts - 1 && !leaveRest;
                        var applied = last ? remaining : Math.Max(1, remaining / (parts - part + 1));
                        var item = new OpenItem($"AR{items.Count}", DocType.Invoice, "C1", "Acme", $"INV-{items.Count}", null, Usd, applied, Day, Day.AddDays(30));
                        items.Add(item);
                        applications.Add(new Application(paymentRef, item.ItemId, new Money(applied, Usd), MatchMethod.ExactReference, new MatchScore(0.99), "test"));
                        remaining -= applied;
                    }

                    if (remaining > 0)
                    {
                        exceptions.Add(new ExceptionCase(paymentRef, new Money(remaining, Usd), ExceptionReason.Overpayment, "test", []));
                    }

                    if (note)
                    {
                        exceptions.Add(new ExceptionCase(paymentRef, new Money(0, Usd), ExceptionReason.Overpayment, "test", []));
                    }
                }

                for (var stranger = 0; stranger < strangers; stranger++)
                {
                    exceptions.Add(new ExceptionCase($"X{stranger}", new Money(stranger, Usd), ExceptionReason.NotAPayment, "test", []));
                }

                var counts = BalanceCheck.VerifyAndCount(payments, items, static _ => null, applications, exceptions);

                var appliedRefs = applications.Select(a => a.PaymentRef).ToHashSet(StringComparer.Ordinal);
                var unappliedRefs = exceptions.Where(e => e.Unapplied.Minor != 0).Select(e => e.PaymentRef).ToHashSet(StringComparer.Ordinal);
                var inFull = payments.Count(p => appliedRefs.Contains(p.PaymentRef) && !unappliedRefs.Contains(p.PaymentRef));
                return (counts.Applied == appliedRefs.Count && counts.InFull == inFull)
                    .Label($"counted {counts}, plainly applied {appliedRefs.Count}, in full {inFull}");
            });
}
