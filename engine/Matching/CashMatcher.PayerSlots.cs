using CashApp.Engine.Model;

namespace CashApp.Engine.Matching;

// A payment's payers found by one thread only, when a helper finds them ahead of the matching thread (PayerPrefetch in the
// first stage, DeferredPayers in the second). Each payment has a slot the two threads claim with one compare-and-swap.
public sealed partial class CashMatcher
{
    /// <summary>
    /// A payment's slot for its payers, between the matching thread and a helper finding them ahead of it: empty (null),
    /// claimed by the helper while it finds them (<see cref="Working"/>), holding them, or taken (<see cref="Taken"/>: by
    /// the matching thread, with the payers or with the claim to find them itself). Only the helper claims an empty slot
    /// to find its payers, and then only it writes the slot until it holds them; only the matching thread takes.
    /// </summary>
    /// <remarks>
    /// Before, the helper wrote a slot when it had found the payers, and the matching thread, reaching a payment whose
    /// slot was still empty, found them itself: when the helper was finding the same payment's payers that moment, both
    /// did the lookup. On the 200k day that was 7,175 of 128,192 lookups (PERFORMANCE.md, "Session 46"), on both cores,
    /// in a stage both cores spend mostly finding payers. Now the matching thread waits for a lookup under way: it has
    /// started already, so it ends sooner than one started now.
    /// </remarks>
    private static class PayerSlots
    {
        /// <summary>What a slot holds once the matching thread has taken it.</summary>
        public static readonly List<PayerCandidate> Taken = [];

        /// <summary>What a slot holds while the helper finds its payers.</summary>
        public static readonly List<PayerCandidate> Working = [];

        /// <summary>The payers a slot holds, found and not yet taken; null for an empty, taken or claimed slot.</summary>
        public static List<PayerCandidate>? Waiting(List<PayerCandidate>? slot) =>
            slot is null || ReferenceEquals(slot, Taken) || ReferenceEquals(slot, Working) ? null : slot;

        /// <summary>
        /// On the helper: finds <paramref name="payment"/>'s payers into an empty slot, claimed first; leaves a slot the
        /// matching thread has taken, or that already holds payers, alone. A lookup that throws empties the slot again,
        /// so that the matching thread never waits for it.
        /// </summary>
        public static void FindUnlessClaimed(ref List<PayerCandidate>? slot, CashMatcher matcher, Payment payment)
        {
            if (Interlocked.CompareExchange(ref slot, Working, null) is not null)
            {
                return;
            }

            List<PayerCandidate>? found = null;
            try
            {
                found = matcher.PayersOf(payment);
            }
            finally
            {
                Volatile.Write(ref slot, found);
            }
        }

        /// <summary>
        /// On the matching thread, which needs the payers now: those the slot holds, taken; or null when the helper has
        /// not started on them, and the slot is taken so that it never will (the caller finds them). While the helper is
        /// finding them, this waits for them.
        /// </summary>
        public static List<PayerCandidate>? TakeOrClaim(ref List<PayerCandidate>? slot)
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

                // A lookup takes some tens of microseconds: spin, then yield, but never sleep a millisecond for it.
                wait.SpinOnce(sleep1Threshold: -1);
            }
        }
    }
}
