namespace CashApp.Engine.Matching;

/// <summary>
/// The id order of a matcher's items, as ranks with gaps: what every tie, sorted list and index posting follows
/// once a generation has added items whose ids sort among the known ones (so their numbers, past the build's,
/// no longer tell their place; see CashMatcher.Generations.cs). An item of the full build ranks at its number
/// shifted left by <see cref="Shift"/>; an added item takes a rank between those of its id-neighbours. Comparing
/// two ranks is comparing two ids, at the cost of a long compare.
/// </summary>
internal sealed class ItemOrder : IComparer<int>
{
    /// <summary>How far a built item's number is shifted to make its rank: the room for added items between two built ones.</summary>
    public const int Shift = 32;

    private readonly int _built;
    private readonly long[] _addedRank;

    /// <param name="built">How many items the full build numbered (they rank by number).</param>
    /// <param name="addedRank">The rank of each added item, by its number less <paramref name="built"/>; only read.</param>
    public ItemOrder(int built, long[] addedRank)
    {
        _built = built;
        _addedRank = addedRank;
    }

    /// <summary>The rank of the item numbered <paramref name="item"/>: ranks ascend with ids.</summary>
    public long Rank(int item) => item < _built ? (long)item << Shift : _addedRank[item - _built];

    /// <summary>Compares two items by id (both numbered here).</summary>
    public int Compare(int x, int y) => Rank(x).CompareTo(Rank(y));

    /// <summary>The rank a full build gives its item numbered <paramref name="item"/>.</summary>
    public static long BuiltRank(int item) => (long)item << Shift;
}
