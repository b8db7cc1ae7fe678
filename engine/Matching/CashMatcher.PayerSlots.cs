using CashApp.Engine.Model;

namespace CashApp.Engine.Matching;

// A payment's payers found by one thread only, when a helper finds them ahead of the matching thread (PayerPrefetch in the
// first stage, DeferredPayers in the second). Each payment has a slot the two threads claim with one compare-and-swap.
public sealed partial class CashMatcher
{
    /// <summary>
    /// A payment's slot for its payers, between the matching thread and a helper finding them ahead of it: empty (null),
    /// claimed while a thread finds them (<see cref="Working"/>), holding them, or taken (<see cref="Taken"/>: by the
    /// matching thread, with the payers or with the claim to find them itself; or left so by a claim that found none).
    /// An empty slot is claimed once, by the helper or by the matching thread doing the helper's work while it waits for
    /// another payment's payers; only the claimer writes the slot until it is done; only the matching thread takes.
    /// </summary>
    /// <remarks>
    /// Before, the helper wrote a slot when it had found the payers, and the matching thread, reaching a payment whose
    /// slot was still empty, found them itself: when the helper was finding the same payment's payers that moment, both
    /// did the lookup. On the 200k day that was 7,175 of 128,192 lookups (PERFORMANCE.md, "Session 46"), on both cores,
    /// in a stage both cores spend mostly finding payers. Now the matching thread waits for a lookup under way (it has
    /// started already, so it ends sooner than one started now), and does the helper's work for the payments after it
    /// meanwhile, so that its core is not idle either (PERFORMANCE.md, "Session 48").
    /// </remarks>
    private static class PayerSlots
    {
        /// <summary>What a slot holds once the matching thread has taken it.</summary>
        public static readonly List<PayerCandidate> Taken = [];

        /// <summary>What a slot holds while a thread (the helper, or the matching thread helping) does the helper's work for it.</summary>
        public static readonly List<PayerCandidate> Working = [];

        /// <summary>The payers a slot holds, found and not yet taken; null for an empty, taken or claimed slot.</summary>
        public static List<PayerCandidate>? Waiting(List<PayerCandidate>? slot) =>
            slot is null || ReferenceEquals(slot, Taken) || ReferenceEquals(slot, Working) ? null : slot;

        /// <summary>
        /// Claims an empty slot for <paramref name="helper"/>'s work on payment <paramref name="at"/> and does it, on
        /// whichever thread calls (the helper's own, or the matching thread helping while it waits); leaves a slot some
        /// thread has started on, or taken, alone. The slot then holds the payers found; when the work found none, or threw,
        /// it is marked taken, so that no thread claims it again and the matching thread, which never waits for it, finds
        /// the payers itself if it needs them. True when this call did the work.
        /// </summary>
        public static bool Claim<THelper>(ref List<PayerCandidate>? slot, THelper helper, int at)
            where THelper : IPayerHelper
        {
            if (Interlocked.CompareExchange(ref slot, Working, null) is not null)
            {
                return false;
            }

            List<PayerCandidate>? found = null;
            try
            {
                found = helper.Find(at);
            }
            finally
            {
                Volatile.Write(ref slot, found ?? Taken);
            }

            return true;
        }

        /// <summary>
        /// On the matching thread, which needs payment <paramref name="at"/>'s payers now: those the slot holds, taken; or
        /// null when no thread has started on them, and the slot is taken so that none will (the caller finds them).
        /// While another thread is finding them, this waits, doing the helper's work for the payments after
        /// <paramref name="at"/> meanwhile (<see cref="IPayerHelper.HelpAhead"/>) rather than nothing.
        /// </summary>
        public static List<PayerCandidate>? TakeOrClaim<THelper>(ref List<PayerCandidate>? slot, THelper helper, int at)
            where THelper : IPayerHelper
        {
            var wait = new SpinWait();
            while (true)
            {
                var held = Interlocked.CompareExchange(ref slot, Taken, null);
                if (held is null || ReferenceEquals(held, Taken))
                {
                    return null;
                }

                if (!ReferenceEquals(held, Working))
                {
                    Volatile.Write(ref slot, Taken);
                    return held;
                }

                // A lookup takes some tens of microseconds: another payment's work, or a spin, then a yield, but never a
                // millisecond's sleep.
                if (!helper.HelpAhead(at))
                {
                    wait.SpinOnce(sleep1Threshold: -1);
                }
            }
        }

        /// <summary>
        /// On the matching thread, waiting for payment <paramref name="at"/>'s payers: <paramref name="helper"/>'s work for
        /// one of the next <see cref="HelpReach"/> of the stage's <paramref name="payments"/> that no thread has started on,
        /// claimed and done; false when there is none.
        /// </summary>
        public static bool HelpAhead<THelper>(THelper helper, int at, int payments, int stage, CashMatcher matcher)
            where THelper : IPayerHelper
        {
            for (var next = at + 1; next < payments && next <= at + HelpReach; next++)
            {
                bool done;
                try
                {
                    done = helper.Step(next);
                }
                catch (Exception)
                {
                    // Not this payment's error: its slot is left taken, and the payment's own turn does the work again and
                    // meets the error there.
                    return true;
                }

                if (done)
                {
                    matcher.HelpingAhead?.Invoke(stage, at, next);
                    return true;
                }
            }

            return false;
        }
    }

    /// <summary>A thread finding payers ahead of the matching thread, as <see cref="PayerSlots"/> sees it.</summary>
    private interface IPayerHelper
    {
        /// <summary>The work for payment <paramref name="at"/> on a slot claimed for it: its payers, or null when none were found.</summary>
        List<PayerCandidate>? Find(int at);

        /// <summary>The work for payment <paramref name="at"/>, its slot claimed first, unless another thread has started on it or it is not this stage's; true when this call did it.</summary>
        bool Step(int at);

        /// <summary>
        /// On the matching thread, waiting for payment <paramref name="at"/>'s payers: the work for one of the payments
        /// after it that no thread has started on, claimed and done; false when there is none.
        /// </summary>
        bool HelpAhead(int at);
    }
}
