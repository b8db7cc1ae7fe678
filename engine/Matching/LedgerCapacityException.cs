using System.Globalization;

namespace CashApp.Engine.Matching;

/// <summary>
/// A ledger past what one matcher holds (<see cref="MatcherCapacity"/>): more bytes of item texts, or more items for its
/// fuzzy index, than it has room for. The ledger is refused whole: a run writes nothing, a served ledger is not matched.
/// </summary>
public sealed class LedgerCapacityException : Exception
{
    internal LedgerCapacityException(string what, long asked, long limit, string unit)
        : base(string.Create(CultureInfo.InvariantCulture, $"{what}: {asked:N0} {unit}, and one ledger holds at most {limit:N0}."))
    {
        Asked = asked;
        Limit = limit;
    }

    /// <summary>What the ledger asked for, in the limit's unit: bytes of texts or items.</summary>
    public long Asked { get; }

    /// <summary>The most one matcher holds, in the same unit.</summary>
    public long Limit { get; }
}
