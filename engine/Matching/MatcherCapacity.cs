namespace CashApp.Engine.Matching;

/// <summary>
/// What one matcher holds: the bytes of its items' ids, invoice and PO numbers (<see cref="ItemRecords"/>, one array),
/// and the items its fuzzy index takes (<see cref="DeleteNeighbourhoodIndex.MaxItems"/>). A ledger past either is
/// refused with a <see cref="LedgerCapacityException"/>. Some 67 million items of the 1M-payment day's kind reach both.
/// </summary>
/// <remarks>
/// A test reaches them with a few items by lowering them (<see cref="Lowered"/>). A lowering holds only in the flow of
/// work that made it and in what that starts (an <see cref="AsyncLocal{T}"/>), so tests running beside it see the real
/// limits.
/// </remarks>
internal static class MatcherCapacity
{
    private static readonly AsyncLocal<Limits?> LoweredTo = new();

    /// <summary>The most bytes of item texts.</summary>
    public static int TextBytes => LoweredTo.Value?.TextBytes ?? Array.MaxLength;

    /// <summary>The most items in the fuzzy index: items numbered from 0 up to one less.</summary>
    public static int FuzzyItems => LoweredTo.Value?.FuzzyItems ?? DeleteNeighbourhoodIndex.MaxItems;

    /// <summary>Lowers the limits for the calling flow of work until the result is disposed (for tests).</summary>
    public static IDisposable Lowered(int textBytes, int fuzzyItems)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(textBytes);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(textBytes, Array.MaxLength);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(fuzzyItems);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(fuzzyItems, DeleteNeighbourhoodIndex.MaxItems);
        var before = LoweredTo.Value;
        LoweredTo.Value = new Limits(textBytes, fuzzyItems);
        return new Restore(before);
    }

    /// <summary>Throws when the text bytes <paramref name="needed"/> are past <see cref="TextBytes"/>.</summary>
    public static void CheckTextBytes(long needed)
    {
        var limit = TextBytes;
        if (needed > limit)
        {
            throw new LedgerCapacityException("The open items' ids, invoice numbers and PO numbers come to more bytes than they have room for", needed, limit, "bytes");
        }
    }

    /// <summary>Throws when item <paramref name="item"/> is past the fuzzy index's room.</summary>
    public static void CheckFuzzyItem(int item)
    {
        var limit = FuzzyItems;
        if ((uint)item >= (uint)limit)
        {
            throw new LedgerCapacityException("The open items are more than the fuzzy index takes", (long)item + 1, limit, "items");
        }
    }

    private sealed record Limits(int TextBytes, int FuzzyItems);

    private sealed class Restore(Limits? before) : IDisposable
    {
        public void Dispose() => LoweredTo.Value = before;
    }
}
