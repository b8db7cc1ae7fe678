using CashApp.Parsers.Common;

namespace CashApp.Store;

/// <summary>
/// The order one run decides a file's credits in (<see cref="Engine.Matching.CashMatcher"/>: payment reference, then
/// amount, then line; the file's own order for full ties), as each credit's rank: what lets an ingest cut a file into
/// batches that decide as one run does, without holding the file's transactions. Built on the file's first read
/// from the sort keys alone, which are then dropped: two ints per credit are kept.
/// </summary>
internal sealed class MatchOrder
{
    // _order[rank] is the ordinal (in file order among the credits) of the credit of that rank; _rank is its inverse.
    private readonly int[] _order;
    private readonly int[] _rank;

    private MatchOrder(int[] order)
    {
        _order = order;
        _rank = new int[order.Length];
        for (var rank = 0; rank < order.Length; rank++)
        {
            _rank[order[rank]] = rank;
        }
    }

    /// <summary>How many credits the file has.</summary>
    public int Count => _order.Length;

    /// <summary>The rank of the credit of <paramref name="ordinal"/> (0-based, in file order).</summary>
    public int RankOf(int ordinal) => _rank[ordinal];

    /// <summary>The ordinal of the credit of <paramref name="rank"/>.</summary>
    public int OrdinalAt(int rank) => _order[rank];

    /// <summary>The last credit in file order among ranks <paramref name="from"/> to <paramref name="to"/> (both included).</summary>
    public int LastOrdinal(int from, int to)
    {
        var last = -1;
        for (var rank = from; rank <= to; rank++)
        {
            last = Math.Max(last, _order[rank]);
        }

        return last;
    }

    /// <summary>Collects the sort keys of a file's credits in file order.</summary>
    public sealed class Builder
    {
        private readonly List<(string PaymentRef, long AmountMinor, string SourceFile, long LineNumber)> _keys = [];

        /// <summary>Adds the next credit of the file.</summary>
        public void Add(BankTransaction credit)
        {
            ArgumentNullException.ThrowIfNull(credit);
            _keys.Add((credit.PaymentRef, credit.AmountMinor, credit.SourceFile, credit.LineNumber));
        }

        /// <summary>Sorts the credits as one run does; the keys are not kept.</summary>
        public MatchOrder Build()
        {
            var keys = _keys;
            var order = new int[keys.Count];
            for (var i = 0; i < order.Length; i++)
            {
                order[i] = i;
            }

            // CashMatcher's payment order, with the ordinal last so that full ties keep the file's order as its stable sort does.
            Array.Sort(order, (a, b) =>
            {
                var (x, y) = (keys[a], keys[b]);
                var c = string.CompareOrdinal(x.PaymentRef, y.PaymentRef);
                if (c == 0)
                {
                    c = x.AmountMinor.CompareTo(y.AmountMinor);
                }

                if (c == 0)
                {
                    c = string.CompareOrdinal(x.SourceFile, y.SourceFile);
                }

                if (c == 0)
                {
                    c = x.LineNumber.CompareTo(y.LineNumber);
                }

                return c != 0 ? c : a.CompareTo(b);
            });
            _keys.Clear();
            _keys.TrimExcess();
            return new MatchOrder(order);
        }
    }
}
