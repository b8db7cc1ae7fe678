namespace CashApp.Engine.Matching;

/// <summary>
/// What one matcher holds: the bytes of its items' ids, invoice and PO numbers (<see cref="ItemRecords"/>, one array),
/// the items its fuzzy index of invoice numbers takes (<see cref="DeleteNeighbourhoodIndex.MaxItems"/>), and the
/// elements of any one of its indexes' arrays (the keys' characters of the reference indexes, the fuzzy index's
/// entries). A ledger past any is refused with a <see cref="LedgerCapacityException"/>. Some 67 million items of the
/// 1M-payment day's kind reach the first two; long invoice numbers reach the third sooner.
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

    /// <summary>The most elements of one index array: the characters of a reference index's keys, the fuzzy index's entries.</summary>
    public static int IndexLength => LoweredTo.Value?.IndexLength ?? Array.MaxLength;

    /// <summary>Lowers the limits for the calling flow of work until the result is disposed (for tests); those not given stay.</summary>
    public static IDisposable Lowered(int? textBytes = null, int? fuzzyItems = null, int? indexLength = null)
    {
        var limits = new Limits(textBytes ?? TextBytes, fuzzyItems ?? FuzzyItems, indexLength ?? IndexLength);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(limits.TextBytes, nameof(textBytes));
        ArgumentOutOfRangeException.ThrowIfGreaterThan(limits.TextBytes, Array.MaxLength, nameof(textBytes));
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(limits.FuzzyItems, nameof(fuzzyItems));
        ArgumentOutOfRangeException.ThrowIfGreaterThan(limits.FuzzyItems, DeleteNeighbourhoodIndex.MaxItems, nameof(fuzzyItems));
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(limits.IndexLength, nameof(indexLength));
        ArgumentOutOfRangeException.ThrowIfGreaterThan(limits.IndexLength, Array.MaxLength, nameof(indexLength));
        var before = LoweredTo.Value;
        LoweredTo.Value = limits;
        return new Restore(before);
    }

    /// <summary>Throws when the text bytes <paramref name="needed"/> (the texts read so far) are past <see cref="TextBytes"/>.</summary>
    public static void CheckTextBytes(long needed)
    {
        var limit = TextBytes;
        if (needed > limit)
        {
            throw new LedgerCapacityException(
                Invariant($"The open items' ids, invoice numbers and PO numbers take at least {needed:N0} bytes, and one ledger holds at most {limit:N0}."), needed, limit);
        }
    }

    /// <summary>Throws when item <paramref name="item"/> (its number in id order, from 0) is past the fuzzy index's room.</summary>
    public static void CheckFuzzyItem(int item)
    {
        var limit = FuzzyItems;
        if ((uint)item >= (uint)limit)
        {
            var asked = (long)item + 1;
            throw new LedgerCapacityException(
                Invariant($"The open items are more than the index of invoice numbers takes: item {asked:N0} in id order has an invoice number to index, and one ledger indexes those of its first {limit:N0} items at most."), asked, limit);
        }
    }

    /// <summary>Throws when <paramref name="length"/> elements of an index's array (<paramref name="what"/>, counted in <paramref name="unit"/>) are past <see cref="IndexLength"/>.</summary>
    public static void CheckIndexLength(long length, string what, string unit)
    {
        var limit = IndexLength;
        if (length > limit)
        {
            throw new LedgerCapacityException(
                Invariant($"The open items' {what} come to {length:N0} {unit}, and one ledger's index of them holds at most {limit:N0}."), length, limit);
        }
    }

    private static string Invariant(FormattableString text) => text.ToString(System.Globalization.CultureInfo.InvariantCulture);

    private sealed record Limits(int TextBytes, int FuzzyItems, int IndexLength);

    private sealed class Restore(Limits? before) : IDisposable
    {
        public void Dispose() => LoweredTo.Value = before;
    }
}
