using CashApp.Engine.Model;

namespace CashApp.Engine.Matching;

public sealed partial class CashMatcher
{
    /// <summary>
    /// A payment whose deciding overflowed: a sum of its amount and open amounts left the range of a long (about
    /// ±9.2e18 minor units, 92 million billion dollars). No ledger comes near that, but the inputs allow each amount
    /// up to 18 digits, and the matcher's sums are checked rather than wrapped: such a payment goes to exceptions
    /// whole, nothing of it applied, and the run goes on with the next.
    /// </summary>
    private static readonly Decision TooLargeToAdd = new(
        [], MatchMethod.Manual, 0,
        "the amounts to compare are too large to add up: a sum of this payment's and the open items' amounts is past ±9223372036854775807 minor units",
        ExceptionReason.NoMatch, []);

    /// <summary>What a decision leaves of the payment unapplied; throws <see cref="OverflowException"/> before anything is applied.</summary>
    private static long Unapplied(Payment payment, Decision decision)
    {
        long applied = 0;
        foreach (var (_, amount) in decision.Lines)
        {
            applied = checked(applied + amount);
        }

        return checked(payment.Amount.Minor - applied);
    }

    /// <summary><paramref name="a"/> plus <paramref name="b"/>, or false when the sum leaves the range of a long.</summary>
    private static bool TryAdd(long a, long b, out long sum)
    {
        sum = unchecked(a + b);

        // Overflow only when both have one sign and the sum the other.
        return ((a ^ sum) & (b ^ sum)) >= 0;
    }
}
