using CashApp.Engine.Model;

namespace CashApp.Engine.Matching;

// Proposals for the match API (issue 8): one matcher serves many independent calls against one snapshot.
public sealed partial class CashMatcher
{
    private readonly Lock _proposalGate = new();

    /// <summary>While proposing, what each application took, to be given back.</summary>
    private List<(int Item, long Amount)>? _taken;

    /// <summary>
    /// Matches a batch as <see cref="Match"/> does, then gives back every open amount the batch consumed,
    /// so the matcher is left as it was: each call is a run of its own against the same open items.
    /// Calls are serialised, so one instance may serve many threads. Amounts are given back even when matching throws.
    /// </summary>
    public MatchResult Propose(IReadOnlyList<Payment> payments)
    {
        lock (_proposalGate)
        {
            _taken = [];
            try
            {
                return Match(payments);
            }
            finally
            {
                // Commit is the only place open amounts are consumed, and it notes each amount taken.
                foreach (var (item, amount) in _taken)
                {
                    _remaining[item] = checked(_remaining[item] + amount);
                }

                _taken = null;
            }
        }
    }

    private int IndexOfItem(string itemId)
    {
        int lo = 0, hi = _items.Length - 1;
        while (lo <= hi)
        {
            var mid = (lo + hi) >>> 1;
            var order = string.CompareOrdinal(_items[mid].ItemId, itemId);
            if (order == 0)
            {
                return mid;
            }

            (lo, hi) = order < 0 ? (mid + 1, hi) : (lo, mid - 1);
        }

        throw new KeyNotFoundException(itemId);
    }
}
