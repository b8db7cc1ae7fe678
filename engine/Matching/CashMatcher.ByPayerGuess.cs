using CashApp.Engine.Model;

namespace CashApp.Engine.Matching;

// The second stage's decisions guessed on another core, ahead of the matching thread (CashMatcher.DeferredPayers), and
// checked when the payment comes. A decision by payer reads the payment, its payers, static tables (the items' own
// records, the directory, the amount prior, the policy) and the open amounts of the items of its payers' families: the
// payer's own items, its family's, those of the other payers alike, of the payers an unknown payer may be. So it comes
// out the same as long as no amount of those families has moved between the guess and the decision, and the matching
// thread, which alone applies (Apply), counts each family's moves (by its root; in a cycle of parents, each customer's
// own count moves too, since a root's family may list a customer whose root is another).
public sealed partial class CashMatcher
{
    // How many amounts have been applied to each family's items (by the family's root, and by the customer too where it is
    // not its root), while decisions are guessed ahead; null otherwise. Written by the matching thread alone (Apply), after
    // the amount.
    private int[]? _familyMoves;

    /// <summary>
    /// A decision by payer made ahead, with the payers it was made for and the moves of each payer's family when it began
    /// (one entry a payer, in the payers' order).
    /// </summary>
    private sealed record ByPayerGuess(Decision Decision, List<PayerCandidate> Payers, int[] Families, int[] Moves);

    /// <summary>
    /// The decision <see cref="DecideByPayer"/> makes now for <paramref name="analysis"/> with <paramref name="payers"/>, with
    /// what <see cref="StillHolds(ByPayerGuess)"/> checks it by; null when the decision threw (an amount overflowed, or
    /// anything else): the matching thread then decides the payment itself, and meets the same error there, in its turn,
    /// as it would alone, where a throw on this thread would end the run or not by how the threads ran. Changes nothing:
    /// the analysis is read, never written.
    /// </summary>
    private ByPayerGuess? GuessByPayer(Analysis analysis, List<PayerCandidate> payers)
    {
        var moves = _familyMoves!;
        var families = new int[payers.Count];
        var before = new int[payers.Count];
        for (var p = 0; p < payers.Count; p++)
        {
            families[p] = _customers.Root(payers[p].Customer);
            before[p] = Volatile.Read(ref moves[families[p]]);
        }

        try
        {
            return new ByPayerGuess(DecideByPayer(analysis, payers), payers, families, before);
        }
        catch (Exception)
        {
            return null;
        }
    }

    /// <summary>Whether <paramref name="guess"/> is what <see cref="DecideByPayer"/> decides now: no amount of its payers' families has moved since it was made.</summary>
    private bool StillHolds(ByPayerGuess guess)
    {
        var moves = _familyMoves;
        if (moves is null)
        {
            return false;
        }

        for (var p = 0; p < guess.Families.Length; p++)
        {
            if (moves[guess.Families[p]] != guess.Moves[p])
            {
                return false;
            }
        }

        return true;
    }

    /// <summary>For the tests (<see cref="DecideAheadFirst"/>): every deferred payment's decision guessed at the stage's start.</summary>
    private ByPayerGuess?[] GuessAllByPayer(List<(Payment Payment, Analysis Analysis)> deferred)
    {
        var guesses = new ByPayerGuess?[deferred.Count];
        for (var at = 0; at < deferred.Count; at++)
        {
            var (payment, analysis) = deferred[at];
            guesses[at] = GuessByPayer(analysis, analysis.Payers ?? PayersOf(payment));
        }

        return guesses;
    }
}
