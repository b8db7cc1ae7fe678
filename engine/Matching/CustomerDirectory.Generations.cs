using System.Runtime.InteropServices;
using CashApp.Engine.Model;

namespace CashApp.Engine.Matching;

// A served ledger gains customers a few at a time (an AR system's upsert of a new account), and its known customers change
// (an account added, a new alias, a rename, a new parent): the next directory is this one with them, not a new read and
// index of the whole ledger (issue 16). A generation shares the build's dictionaries and flat postings, only read, and
// keeps what changed since in small overlays of lists that every lookup consults first (_indexAdded, _tokensAdded,
// _accountsAdded, _formsAdded, _familiesAdded); the per-customer and per-form arrays are copied once and extended. A known customer's accounts change in copies of the lists of its
// old and new accounts (each list stays in customer order, as a build makes it). A renamed customer's old name forms
// are taken out of copies of their postings and out of the sorted names (they stay numbered, reached by nothing), and
// its new forms are numbered after every form: where a fresh build numbers them, among its neighbours' forms, is kept
// as their order (_formOrder), which the lookup follows wherever a tie is decided by form number.
internal sealed partial class CustomerDirectory
{
    /// <summary>At most this many customers are added or changed in generations since the full build; beyond, the ledger is read again.</summary>
    internal const int MaxAddedCustomers = 10_000;

    // How many customers are known only from their open items: a customer on record sorts before all of them in a
    // build, so one added after them would be numbered otherwise than a build numbers it.
    private int _fromItems;

    // The greatest customer id known (ordinal), and the parent ids no known customer has.
    private string? _lastId;
    private HashSet<string> _unknownParents = new(StringComparer.Ordinal);

    // How many name forms the build's bit sets have room for, and how many customers were added, and how many known
    // ones changed, since the build.
    private int _formCapacity;
    private readonly int _addedCustomers;
    private readonly int _changedCustomers;

    // The overlays of a generation: ids, postings and accounts added or changed since the build, and the bit sets of
    // long postings made since. Null in a build. Each generation has its own copy, so none is written once it is made.
    private readonly Dictionary<string, int>? _indexAdded;
    private readonly Dictionary<string, List<int>>? _tokensAdded;
    private readonly Dictionary<string, List<int>>.AlternateLookup<ReadOnlySpan<char>> _tokensAddedBySpan;
    private readonly Dictionary<List<int>, ulong[]>? _bitsAdded;
    private readonly Dictionary<string, List<int>>? _accountsAdded;
    private readonly Dictionary<string, List<int>>? _accountNumbersAdded;

    // The name forms of each customer a generation renamed or added, and the families a generation made or joined
    // (only when no known customer's family changed: else BuildFamilies lays every family out again). Null in a build.
    private readonly Dictionary<int, List<int>>? _formsAdded;
    private Dictionary<int, List<int>>? _familiesAdded;

    // Once a generation renamed a customer: the order of the forms (a fresh build's numbering), and for each postings
    // list that holds a form numbered out of that order, its first form in it. Null until then.
    private readonly FormOrder? _formOrder;
    private readonly Dictionary<List<int>, int>? _firstInOrder;

    // The lists a generation being made has copied (or made) for itself, and may add to; null once made, and in a build.
    private HashSet<List<int>>? _owned;

    /// <summary>
    /// A directory of these customers and <paramref name="changed"/> (each a customer record as it now stands; an id
    /// given twice, as last given) that finds every payer exactly as a directory built afresh from them all would, made
    /// in time proportional to the customers added or changed since the full build and one copy of the per-customer and
    /// per-form arrays, not to the directory. This one, when none is new or changed. A known customer may change in
    /// every way (its name, aliases, accounts and parent). Null, so that the caller builds anew, where the change cannot
    /// be carried so: a new customer whose id does not sort after every known id (customers are numbered in id order,
    /// and ties among names are broken by number); a new customer in a directory with customers known only from their
    /// items (they are numbered after every customer on record), or one of those put on record; a customer whose record
    /// the directory did not keep (a build without its customers' records, a batch run's), given changed or not; or more
    /// than <see cref="MaxAddedCustomers"/> customers (or half the build's) added or changed since.
    /// </summary>
    public CustomerDirectory? With(IReadOnlyList<Customer> changed)
    {
        ArgumentNullException.ThrowIfNull(changed);
        var given = new Dictionary<string, Customer>(StringComparer.Ordinal);
        foreach (var customer in changed)
        {
            given[customer.CustomerId] = customer;
        }

        var added = new List<Customer>();
        var known = new List<(int At, Customer Now)>();
        foreach (var customer in given.Values)
        {
            var at = IndexOf(customer.CustomerId);
            if (at < 0)
            {
                added.Add(customer);
            }
            else if (_records[at] is not { } record)
            {
                return null;
            }
            else if (!SameRecord(record, customer))
            {
                known.Add((at, customer));
            }
        }

        if (added.Count == 0 && known.Count == 0)
        {
            return this;
        }

        added.Sort((a, b) => string.CompareOrdinal(a.CustomerId, b.CustomerId));
        known.Sort((a, b) => a.At.CompareTo(b.At));
        var last = _lastId;
        foreach (var customer in added)
        {
            if (last is not null && string.CompareOrdinal(last, customer.CustomerId) >= 0)
            {
                return null;
            }

            last = customer.CustomerId;
        }

        var built = _ids.Count - _addedCustomers;
        var carried = _addedCustomers + _changedCustomers + added.Count + known.Count;
        return (_fromItems == 0 || added.Count == 0) && carried <= Math.Min(MaxAddedCustomers, Math.Max(1_000, built / 2))
            ? new CustomerDirectory(this, added, known)
            : null;
    }

    /// <summary>
    /// The next generation: <paramref name="last"/> with <paramref name="changed"/> (known, by number) as they now stand and
    /// <paramref name="added"/> (new, in id order, after every known id) numbered after its customers.
    /// </summary>
    private CustomerDirectory(CustomerDirectory last, List<Customer> added, List<(int At, Customer Now)> changed)
    {
        _limits = last._limits;
        _index = last._index;
        _tokens = last._tokens;
        _postingBits = last._postingBits;
        _accounts = last._accounts;
        _accountNumbers = last._accountNumbers;
        _indexAdded = new(last._indexAdded ?? [], StringComparer.Ordinal);
        _tokensAdded = new(last._tokensAdded ?? [], StringComparer.Ordinal);
        _tokensAddedBySpan = _tokensAdded.GetAlternateLookup<ReadOnlySpan<char>>();
        _bitsAdded = new(last._bitsAdded ?? [], ReferenceEqualityComparer.Instance);
        _accountsAdded = new(last._accountsAdded ?? [], StringComparer.Ordinal);
        _accountNumbersAdded = new(last._accountNumbersAdded ?? [], StringComparer.Ordinal);
        _formStart = last._formStart;
        _formList = last._formList;
        _formsAdded = new(last._formsAdded ?? []);
        _formCapacity = last._formCapacity;
        _fromItems = last._fromItems;
        _addedCustomers = last._addedCustomers + added.Count;

        // The added customers' records are kept, so that a later change to one is carried, whether or not the build kept
        // its own customers' (theirs stay null, and a change to one of them needs a build anew).
        _keepRecords = true;
        _changedCustomers = last._changedCustomers + changed.Count;
        _lastId = added.Count > 0 ? added[^1].CustomerId : last._lastId;

        var first = last._ids.Count;
        var count = first + added.Count;
        _ids = Extended(last._ids, count);
        _names = Extended(last._names, count);
        _parentIds = Extended(last._parentIds, count);
        _records = Extended(last._records, count);
        var firstForm = last._nameForms.Count;
        _nameForms = Extended(last._nameForms, firstForm + (4 * (added.Count + changed.Count)));
        _owned = new(ReferenceEqualityComparer.Instance);

        // Known customers first, as they now stand: their new name forms are the ones numbered out of order.
        var removedForms = new HashSet<int>();
        var families = false;
        foreach (var (at, now) in changed)
        {
            var was = _records[at]!;
            _records[at] = now;
            if (was.Name != now.Name || !was.Aliases.SequenceEqual(now.Aliases, StringComparer.Ordinal))
            {
                RemoveForms(at, removedForms);
                _names[at] = now.Name;
                AddNames(at, now.Name);
                AddAliases(at, now.Aliases);
            }

            ChangeAccounts(at, was.BankAccounts, now.BankAccounts);
            if (was.ParentId != now.ParentId)
            {
                _parentIds[at] = now.ParentId;
                families = true;
            }
        }

        var firstAddedForm = _nameForms.Count;
        foreach (var customer in added)
        {
            AddCustomer(customer);
        }

        if (families || added.Exists(c => last._unknownParents.Contains(c.CustomerId)))
        {
            // A known customer's family changed (a new parent, or a new customer is the parent it names): every family
            // as a build makes them, in time proportional to the customers, not to their names.
            BuildFamilies();
        }
        else
        {
            AddToFamilies(last, first, count);
        }

        for (var form = firstForm; form < _nameForms.Count; form++)
        {
            OwnedList(_formsAdded!, _nameForms[form].Customer, FormsOf(_nameForms[form].Customer)).Add(form);
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

        _formOrder = last._formOrder;
        _firstInOrder = last._firstInOrder;
        if (firstAddedForm > firstForm || _formOrder is not null)
        {
            (_formOrder, _firstInOrder) = OrderOfForms(last, firstForm, firstAddedForm);
        }

        MergeSortedForms(last, firstForm, removedForms);
        _owned = null;
    }

    /// <summary>Families as <paramref name="last"/> had them with the customers numbered from <paramref name="first"/> on in theirs: no known customer's family changed.</summary>
    private void AddToFamilies(CustomerDirectory last, int first, int count)
    {
        // A new customer joins its parent's family last (it has the highest number), or heads its own.
        _root = Extended(last._root, count);
        _familyStart = last._familyStart;
        _familyMembers = last._familyMembers;
        var families = _familiesAdded = new(last._familiesAdded ?? []);
        _unknownParents = last._unknownParents;
        for (var c = first; c < count; c++)
        {
            _root[c] = RootOf(c);
            families[c] = [c];
            _owned!.Add(families[c]);
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
                OwnedList(families, root, Family(root)).Add(c);
            }
        }
    }

    /// <summary>Takes a renamed customer's name forms out of the postings and out of its forms; they stay numbered, reached by no lookup.</summary>
    private void RemoveForms(int customer, HashSet<int> removed)
    {
        Span<char> key = stackalloc char[RetrievalKeyLength];
        foreach (var form in FormsOf(customer))
        {
            // The form keeps the name it was made from, not its words: the same words again, as the build made them.
            var (_, compact, name, _) = _nameForms[form];
            ForEachRetrievalKey(NameText.Tokens(name), compact, key, (k, _) =>
            {
                var list = PostingsToAddTo(k);
                var at = list.BinarySearch(form);
                if (at >= 0)
                {
                    list.RemoveAt(at);
                }
            });
            removed.Add(form);
        }

        _formsAdded![customer] = [];
        _owned!.Add(_formsAdded[customer]);
    }

    /// <summary>A known customer's accounts from <paramref name="was"/> to <paramref name="now"/>: its number out of the lists of the accounts it no longer has, into those of the new.</summary>
    private void ChangeAccounts(int customer, IReadOnlyList<string> was, IReadOnlyList<string> now)
    {
        Change(_accounts, _accountsAdded, was.Select(NormalizeAccount), now.Select(NormalizeAccount));
        Change(_accountNumbers, _accountNumbersAdded, was.Select(AccountNumber), now.Select(AccountNumber));

        void Change(FlatPostings map, Dictionary<string, List<int>>? added, IEnumerable<string?> before, IEnumerable<string?> after)
        {
            var old = before.OfType<string>().ToHashSet(StringComparer.Ordinal);
            var kept = after.OfType<string>().ToHashSet(StringComparer.Ordinal);
            foreach (var key in old.Where(k => !kept.Contains(k)).Order(StringComparer.Ordinal))
            {
                // An emptied list stays in the overlay: the account is no longer anyone's (see Listed).
                var list = OwnedList(added!, key, Listed(map, added, key));
                var at = list.BinarySearch(customer);
                if (at >= 0)
                {
                    list.RemoveAt(at);
                }
            }

            foreach (var key in kept.Where(k => !old.Contains(k)).Order(StringComparer.Ordinal))
            {
                AddTo(map, added, key, customer);
            }
        }
    }

    /// <summary>
    /// The order of the forms once some are numbered out of it (<paramref name="firstForm"/> up to <paramref name="firstAddedForm"/>,
    /// the renamed customers' new ones, and those earlier generations moved), and the first form in that order of each list
    /// this generation made that holds one of them.
    /// </summary>
    private (FormOrder Order, Dictionary<List<int>, int> FirstInOrder) OrderOfForms(CustomerDirectory last, int firstForm, int firstAddedForm)
    {
        var moved = new ulong[(_nameForms.Count + 63) >> 6];
        last._formOrder?.CopyMovedTo(moved);
        for (var form = firstForm; form < firstAddedForm; form++)
        {
            moved[form >> 6] |= 1UL << form;
        }

        var order = new FormOrder(_nameForms, moved);
        var firstInOrder = new Dictionary<List<int>, int>(last._firstInOrder ?? [], ReferenceEqualityComparer.Instance);
        foreach (var postings in _tokensAdded!.Values)
        {
            if (!_owned!.Contains(postings) || postings.Count == 0)
            {
                continue;
            }

            var firstOf = postings[0];
            var anyMoved = false;
            foreach (var form in postings)
            {
                anyMoved |= order.Moved(form);
                if (order.Compare(form, firstOf) < 0)
                {
                    firstOf = form;
                }
            }

            if (anyMoved)
            {
                firstInOrder[postings] = firstOf;
            }
        }

        return (order, firstInOrder);
    }

    /// <summary>The sorted name forms: <paramref name="last"/>'s but <paramref name="removed"/>, with those numbered from <paramref name="firstForm"/> on merged in.</summary>
    private void MergeSortedForms(CustomerDirectory last, int firstForm, HashSet<int> removed)
    {
        var newForms = Enumerable.Range(firstForm, _nameForms.Count - firstForm).ToArray();
        var newCompacts = newForms.Select(f => _nameForms[f].Compact).ToArray();
        Array.Sort(newCompacts, newForms, StringComparer.Ordinal);
        var total = last._sortedCompacts.Length - removed.Count + newForms.Length;
        _sortedCompacts = new string[total];
        _sortedForms = new int[total];
        var i = 0;
        for (int j = 0, k = 0; k < total; k++)
        {
            while (i < last._sortedForms.Length && removed.Contains(last._sortedForms[i]))
            {
                i++;
            }

            if (j == newForms.Length || (i < last._sortedCompacts.Length && string.CompareOrdinal(last._sortedCompacts[i], newCompacts[j]) <= 0))
            {
                (_sortedCompacts[k], _sortedForms[k]) = (last._sortedCompacts[i], last._sortedForms[i++]);
            }
            else
            {
                (_sortedCompacts[k], _sortedForms[k]) = (newCompacts[j], newForms[j++]);
            }
        }

        _sortedHeads = HeadsOf(_sortedCompacts);
    }

    /// <summary>The first form of a postings list in the forms' order (its first by number, unless it holds a moved one: only a generation's own lists do).</summary>
    private int FirstInOrder(Postings postings) =>
        _firstInOrder is not null && postings.List is { } list && _firstInOrder.TryGetValue(list, out var first) ? first : postings.Span[0];

    /// <summary>
    /// The order of name forms a fresh build numbers them in: by customer, and a customer's forms as they were added. A
    /// customer renamed in a generation has its forms numbered after all others (the moved ones); every other form's
    /// number already follows this order.
    /// </summary>
    private sealed class FormOrder(List<(int Customer, string Compact, string Name, string? LegalForm)> forms, ulong[] moved) : IFormOrder
    {
        public bool Moved(int form) => form >> 6 < moved.Length && ((moved[form >> 6] >> form) & 1) != 0;

        public int Compare(int x, int y)
        {
            var byCustomer = forms[x].Customer.CompareTo(forms[y].Customer);
            return byCustomer != 0 ? byCustomer : x.CompareTo(y);
        }

        public void CopyMovedTo(ulong[] into) => Array.Copy(moved, into, moved.Length);
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
    private bool TryPostings(ReadOnlySpan<char> key, out Postings postings) => TryPostings(key, KeyIndex.HashOf(key), out postings);

    /// <summary>The postings of a retrieval key of hash <paramref name="hash"/> (<see cref="KeyIndex.HashOf"/>): a generation's own first, then the build's.</summary>
    private bool TryPostings(ReadOnlySpan<char> key, ulong hash, out Postings postings)
    {
        if (_tokensAdded is not null && _tokensAddedBySpan.TryGetValue(key, out var list))
        {
            postings = new(list);
            return true;
        }

        if (_tokens.TryGetSlot(key, hash, out var slot))
        {
            postings = _tokens.Of(slot);
            return true;
        }

        postings = default;
        return false;
    }

    /// <summary>The postings as bits, when kept and long enough for every form.</summary>
    private ulong[]? BitsOf(Postings postings) =>
        (postings.List is { } list ? _bitsAdded is not null && _bitsAdded.TryGetValue(list, out var bits) : (bits = _postingBits[postings.Slot]) is not null)
            ? (bits.Length << 6 >= _nameForms.Count ? bits : null)
            : null;

    /// <summary>The customers listed under an account key, or none.</summary>
    private static ReadOnlySpan<int> Listed(FlatPostings map, Dictionary<string, List<int>>? added, string key) =>
        added is not null && added.TryGetValue(key, out var list) ? CollectionsMarshal.AsSpan(list) : map.Of(key);

    /// <summary>The postings of a key to add a form to, in a generation: a copy of the known ones made for it.</summary>
    private List<int> PostingsToAddTo(ReadOnlySpan<char> key)
    {
        if (_tokensAddedBySpan.TryGetValue(key, out var mine))
        {
            if (_owned!.Contains(mine))
            {
                return mine;
            }

            _bitsAdded!.Remove(mine);
        }

        List<int> copy = mine is not null ? [.. mine] : _tokens.TryGetSlot(key, out var slot) ? [.. _tokens.Of(slot).Span] : [];
        _tokensAdded![key.ToString()] = copy;
        _owned!.Add(copy);
        return copy;
    }

    /// <summary>
    /// The list of <paramref name="key"/> in <paramref name="lists"/> that this generation owns and may change: the one it
    /// made, or a copy of <paramref name="known"/>, what the key has now (a last generation's list, or the build's).
    /// </summary>
    private List<int> OwnedList<TKey>(Dictionary<TKey, List<int>> lists, TKey key, ReadOnlySpan<int> known)
        where TKey : notnull
    {
        if (lists.TryGetValue(key, out var mine) && _owned!.Contains(mine))
        {
            return mine;
        }

        List<int> copy = [.. known];
        lists[key] = copy;
        _owned!.Add(copy);
        return copy;
    }
}
