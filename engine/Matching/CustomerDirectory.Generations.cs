using System.Diagnostics.CodeAnalysis;
using CashApp.Engine.Model;

namespace CashApp.Engine.Matching;

// A served ledger gains customers a few at a time (an AR system's upsert of a new account): the next directory is this
// one with them, not a new read and index of the whole ledger (issue 16). A generation shares the build's dictionaries,
// only read, and keeps what changed since in small overlays that every lookup consults first (_indexAdded, _tokensAdded,
// _accountsAdded); the per-customer and per-form arrays are copied once and extended.
internal sealed partial class CustomerDirectory
{
    /// <summary>At most this many customers are added in generations since the full build; beyond, the ledger is read again.</summary>
    internal const int MaxAddedCustomers = 10_000;

    // How many customers are known only from their open items: a customer on record sorts before all of them in a
    // build, so one added after them would be numbered otherwise than a build numbers it.
    private int _fromItems;

    // The greatest customer id known (ordinal), and the parent ids no known customer has.
    private string? _lastId;
    private readonly HashSet<string> _unknownParents = new(StringComparer.Ordinal);

    // How many name forms the build's bit sets have room for, and how many customers were added since the build.
    private int _formCapacity;
    private readonly int _addedCustomers;

    // The overlays of a generation: ids, postings and accounts added or changed since the build, and the bit sets of
    // long postings made since. Null in a build. Each generation has its own copy, so none is written once it is made.
    private readonly Dictionary<string, int>? _indexAdded;
    private readonly Dictionary<string, List<int>>? _tokensAdded;
    private readonly Dictionary<string, List<int>>.AlternateLookup<ReadOnlySpan<char>> _tokensAddedBySpan;
    private readonly Dictionary<List<int>, ulong[]>? _bitsAdded;
    private readonly Dictionary<string, List<int>>? _accountsAdded;
    private readonly Dictionary<string, List<int>>? _accountNumbersAdded;

    // The lists a generation being made has copied (or made) for itself, and may add to; null once made, and in a build.
    private HashSet<List<int>>? _owned;

    /// <summary>
    /// A directory of these customers and <paramref name="changed"/> (each a customer record as it now stands) that
    /// finds every payer exactly as a directory built afresh from them all would, made in time proportional to the
    /// customers added since the full build and one copy of the per-customer arrays, not to the directory. This one,
    /// when none is new or changed. Null, so that the caller builds anew, where the change cannot be carried so: a
    /// known customer changed (its name, aliases, accounts or parent); a new customer whose id does not sort after every
    /// known id (customers are numbered in id order, and ties among names are broken by number) or that is the parent a
    /// known customer names; a directory with customers known only from their items (they are numbered after every
    /// customer on record); or more than <see cref="MaxAddedCustomers"/> customers (or half the build's) added since.
    /// </summary>
    public CustomerDirectory? With(IReadOnlyList<Customer> changed)
    {
        ArgumentNullException.ThrowIfNull(changed);
        var added = new List<Customer>();
        foreach (var customer in changed)
        {
            var at = IndexOf(customer.CustomerId);
            if (at < 0)
            {
                added.Add(customer);
            }
            else if (_records[at] is not { } record || !SameRecord(record, customer))
            {
                return null;
            }
        }

        if (added.Count == 0)
        {
            return this;
        }

        added.Sort((a, b) => string.CompareOrdinal(a.CustomerId, b.CustomerId));
        var last = _lastId;
        foreach (var customer in added)
        {
            if ((last is not null && string.CompareOrdinal(last, customer.CustomerId) >= 0) || _unknownParents.Contains(customer.CustomerId))
            {
                return null;
            }

            last = customer.CustomerId;
        }

        var built = _ids.Count - _addedCustomers;
        return _fromItems == 0 && _addedCustomers + added.Count <= Math.Min(MaxAddedCustomers, Math.Max(1_000, built / 2))
            ? new CustomerDirectory(this, added)
            : null;
    }

    /// <summary>The next generation: <paramref name="last"/> with <paramref name="added"/> (new, in id order, after every known id) numbered after its customers.</summary>
    private CustomerDirectory(CustomerDirectory last, List<Customer> added)
    {
        _limits = last._limits;
        _index = last._index;
        _tokens = last._tokens;
        _tokensBySpan = last._tokensBySpan;
        _postingBits = last._postingBits;
        _accounts = last._accounts;
        _accountNumbers = last._accountNumbers;
        _indexAdded = new(last._indexAdded ?? [], StringComparer.Ordinal);
        _tokensAdded = new(last._tokensAdded ?? [], StringComparer.Ordinal);
        _tokensAddedBySpan = _tokensAdded.GetAlternateLookup<ReadOnlySpan<char>>();
        _bitsAdded = new(last._bitsAdded ?? [], ReferenceEqualityComparer.Instance);
        _accountsAdded = new(last._accountsAdded ?? [], StringComparer.Ordinal);
        _accountNumbersAdded = new(last._accountNumbersAdded ?? [], StringComparer.Ordinal);
        _formCapacity = last._formCapacity;
        _addedCustomers = last._addedCustomers + added.Count;
        _lastId = added[^1].CustomerId;

        var first = last._ids.Count;
        var count = first + added.Count;
        _ids = Extended(last._ids, count);
        _names = Extended(last._names, count);
        _parentIds = Extended(last._parentIds, count);
        _records = Extended(last._records, count);
        var firstForm = last._nameForms.Count;
        _nameForms = Extended(last._nameForms, firstForm + (4 * added.Count));
        _owned = new(ReferenceEqualityComparer.Instance);
        foreach (var customer in added)
        {
            AddCustomer(customer);
        }

        // Families: a new customer joins its parent's family last (it has the highest number), or heads its own. No known
        // customer names a new one as its parent (see With), so every known customer's family stays as it was.
        _root = Extended(last._root, count);
        _familyOfRoot = Extended(last._familyOfRoot, count);
        _unknownParents = last._unknownParents;
        for (var c = first; c < count; c++)
        {
            _root[c] = RootOf(c);
            _familyOfRoot[c] = [c];
            _owned.Add(_familyOfRoot[c]);
            if (_parentIds[c] is { } parent && IndexOf(parent) < 0 && !_unknownParents.Contains(parent))
            {
                _unknownParents = new(_unknownParents, StringComparer.Ordinal) { parent };
            }
        }

        for (var c = first; c < count; c++)
        {
            var root = _root[c];
            if (root != c)
            {
                var family = _familyOfRoot[root];
                if (!_owned.Contains(family))
                {
                    _familyOfRoot[root] = family = [.. family];
                    _owned.Add(family);
                }

                family.Add(c);
            }
        }

        _formsOfCustomer = Extended(last._formsOfCustomer, count);
        for (var form = firstForm; form < _nameForms.Count; form++)
        {
            (_formsOfCustomer[_nameForms[form].Customer] ??= []).Add(form);
        }

        // The new ids sort after every known one, in the order they are numbered in.
        _idRank = Extended(last._idRank, count);
        for (var c = first; c < count; c++)
        {
            _idRank[c] = c;
        }

        foreach (var postings in _tokensAdded.Values)
        {
            if (postings.Count >= _limits.MinBitsPostings && _owned.Contains(postings))
            {
                _bitsAdded[postings] = NameRetrieval.Bits(postings, Math.Max(_formCapacity, _nameForms.Count));
            }
        }

        // The new forms merged into the ordinal order of the known ones.
        var newForms = Enumerable.Range(firstForm, _nameForms.Count - firstForm).ToArray();
        var newCompacts = newForms.Select(f => _nameForms[f].Compact).ToArray();
        Array.Sort(newCompacts, newForms, StringComparer.Ordinal);
        var total = last._sortedCompacts.Length + newForms.Length;
        _sortedCompacts = new string[total];
        _sortedForms = new int[total];
        for (int i = 0, j = 0, k = 0; k < total; k++)
        {
            if (j == newForms.Length || (i < last._sortedCompacts.Length && string.CompareOrdinal(last._sortedCompacts[i], newCompacts[j]) <= 0))
            {
                (_sortedCompacts[k], _sortedForms[k]) = (last._sortedCompacts[i], last._sortedForms[i++]);
            }
            else
            {
                (_sortedCompacts[k], _sortedForms[k]) = (newCompacts[j], newForms[j++]);
            }
        }

        _owned = null;
    }

    /// <summary>Room in the bit sets of long postings for the forms generations add, shared by the generations of one build.</summary>
    private static int RoomForAddedForms(int forms) => Math.Min(4 * MaxAddedCustomers, Math.Max(256, forms / 8));

    private static bool SameRecord(Customer known, Customer now) =>
        known.CustomerId == now.CustomerId && known.Name == now.Name && known.ParentId == now.ParentId
        && known.Aliases.SequenceEqual(now.Aliases, StringComparer.Ordinal) && known.BankAccounts.SequenceEqual(now.BankAccounts, StringComparer.Ordinal);

    private static List<T> Extended<T>(List<T> list, int capacity)
    {
        var copy = new List<T>(Math.Max(capacity, list.Count));
        copy.AddRange(list);
        return copy;
    }

    private static T[] Extended<T>(T[] array, int length)
    {
        var copy = new T[length];
        Array.Copy(array, copy, array.Length);
        return copy;
    }

    /// <summary>The postings of a retrieval key: a generation's own first, then the build's.</summary>
    private bool TryPostings(ReadOnlySpan<char> key, [MaybeNullWhen(false)] out List<int> postings) =>
        (_tokensAdded is not null && _tokensAddedBySpan.TryGetValue(key, out postings)) || _tokensBySpan.TryGetValue(key, out postings);

    /// <summary>The postings as bits, when kept and long enough for every form.</summary>
    private ulong[]? BitsOf(List<int> postings) =>
        (_bitsAdded is not null && _bitsAdded.TryGetValue(postings, out var bits)) || _postingBits.TryGetValue(postings, out bits)
            ? (bits.Length << 6 >= _nameForms.Count ? bits : null)
            : null;

    /// <summary>The customers listed under an account key, or null when none is.</summary>
    private static List<int>? Listed(Dictionary<string, List<int>> map, Dictionary<string, List<int>>? added, string key) =>
        added is not null && added.TryGetValue(key, out var list) ? (list.Count > 0 ? list : null)
        : map.TryGetValue(key, out list) ? list : null;

    /// <summary>The postings of a key to add a form to: in a build, its own; in a generation, a copy of the known ones made for it.</summary>
    private List<int> PostingsToAddTo(ReadOnlySpan<char> key)
    {
        if (_owned is null)
        {
            if (!_tokensBySpan.TryGetValue(key, out var list))
            {
                _tokens[key.ToString()] = list = [];
            }

            return list;
        }

        if (TryPostings(key, out var known) && _owned.Contains(known))
        {
            return known;
        }

        List<int> copy = known is null ? [] : [.. known];
        if (known is not null)
        {
            _bitsAdded!.Remove(known);
        }

        _tokensAdded![key.ToString()] = copy;
        _owned.Add(copy);
        return copy;
    }

    /// <summary>The customers of an account key to add one to: in a build, its own; in a generation, a copy made for it.</summary>
    private List<int> ListToAddTo(Dictionary<string, List<int>> map, Dictionary<string, List<int>>? added, string key)
    {
        if (added is null || _owned is null)
        {
            if (!map.TryGetValue(key, out var list))
            {
                map[key] = list = [];
            }

            return list;
        }

        var known = added.TryGetValue(key, out var mine) ? mine : map.GetValueOrDefault(key);
        if (known is not null && _owned.Contains(known))
        {
            return known;
        }

        List<int> copy = known is null ? [] : [.. known];
        added[key] = copy;
        _owned.Add(copy);
        return copy;
    }
}
