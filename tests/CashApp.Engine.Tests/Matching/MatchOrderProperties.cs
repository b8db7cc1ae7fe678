using CashApp.Engine.Matching;
using CashApp.Engine.Model;
using CashApp.Parsers.Currency;
using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;

namespace CashApp.Engine.Tests.Matching;

/// <summary>Payments are matched in the order a stable sort by reference, amount, file and line gives, ties in the order given.</summary>
public sealed class MatchOrderProperties
{
    // Few values of each key, so that ties on one key, on several and on all four come up, and so do runs already in order;
    // references that differ only past their twelfth character, end in NUL characters (which a missing one is read as),
    // or hold characters past the ASCII range, for the sort's first twelve characters read as numbers.
    private static readonly Gen<Payment> Payments =
        from reference in Gen.Elements(
            "P1", "P10", "P2", "p1", string.Empty, "P1\0", "P1\0\0\0\0\0", "\uFFFFA", "\u00E91", "\uD83D\uDE00",
            "261120002708830", "261120002708831", "26112000270883", "261120002708", "261120002708\0", "2611200027089", "26112000642195", "EU2611200671964")
        from amount in Gen.Choose(-2, 2)
        from file in Gen.Elements("a.bai2", "b.xml", "A.bai2")
        from line in Gen.Choose(1, 3)
        select new Payment(reference, new Money(amount, new CurrencyCode("USD")), null, null, [], null, file, line);

    [Property(MaxTest = 500, Replay = "(7,13)")]
    public Property InMatchOrder_IsTheStableOrderByOfTheFourKeys() =>
        Prop.ForAll(
            Gen.ListOf(Payments).ToArbitrary(),
            payments =>
            {
                var expected = payments
                    .OrderBy(p => p.PaymentRef, StringComparer.Ordinal)
                    .ThenBy(p => p.Amount.Minor)
                    .ThenBy(p => p.SourceFile, StringComparer.Ordinal)
                    .ThenBy(p => p.LineNumber)
                    .ToList();

                // Records equal in every field are told apart by reference, so the order of ties is checked too; the
                // sort on one core, and in two parts on two (from any size, so that short lists and odd halves are met).
                var actual = CashMatcher.InMatchOrder(payments);
                var inParts = CashMatcher.InMatchOrder(payments, inPartsFrom: 2);
                return Same(actual, expected) && Same(inParts, expected);
            });

    private static bool Same(IReadOnlyList<Payment> actual, List<Payment> expected) =>
        actual.Count == expected.Count && actual.Zip(expected).All(pair => ReferenceEquals(pair.First, pair.Second));
}
