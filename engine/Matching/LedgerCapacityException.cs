namespace CashApp.Engine.Matching;

/// <summary>
/// A ledger past what one matcher holds (<see cref="MatcherCapacity"/>): more bytes of item texts, items numbered past
/// its index of invoice numbers, or more keys than one of its indexes' arrays can hold. The ledger is refused whole: a
/// run writes nothing, a served ledger is not matched.
/// </summary>
public sealed class LedgerCapacityException : Exception
{
    internal LedgerCapacityException(string message, long asked, long limit)
        : base(message)
    {
        Asked = asked;
        Limit = limit;
    }

    /// <summary>What the ledger asked for, in the limit's unit (bytes, items or keys): at least this much.</summary>
    public long Asked { get; }

    /// <summary>The most one matcher holds, in the same unit.</summary>
    public long Limit { get; }
}
