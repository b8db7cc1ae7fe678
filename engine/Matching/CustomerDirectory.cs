using CashApp.Engine.Model;

namespace CashApp.Engine.Matching;

/// <summary>A customer the payer may be, with how sure the engine is (0-100) and why.</summary>
/// <param name="NameOnFile">The customer's name the payer's was compared with: its name, trading name or an alias.</param>
/// <param name="AliasOf">The customer's name when <paramref name="NameOnFile"/> is another of its names, else null.</param>
internal readonly record struct PayerCandidate(int Customer, int Score, string What, string? NameOnFile = null, string? AliasOf = null)
{
    /// <summary>
    /// Why, in words: the account, or the payer's name against the name on file it was compared with, and whose that
    /// name is when it is an alias (built only when asked).
    /// </summary>
    public string How => NameOnFile is null ? What
        : AliasOf is null ? $"name '{What}' ~ '{NameOnFile}' ({Score})"
        : $"name '{What}' ~ '{NameOnFile}' ({Score}), alias of '{AliasOf}'";
}

/// <summary>
/// Who pays: customers with their families (a parent and its subsidiaries), known payer accounts and
/// names. Built once per run. Names are found through a token index and scored (FuzzySharp's ratio, see
/// <see cref="NameRatio"/>) only for the few candidates retrieved.
/// </summary>
internal sealed partial class CustomerDirectory
{
    private const int MaxLookupToken = 64;
    internal const int RetrievalKeyLength = 2 + MaxLookupToken;

    // A bank cuts names at its field width: a payer name that starts every one of many customers'
    // names is each of theirs alike. At least this many letters make a prefix worth following.
    private const int MinPrefix = 8;

    // How many forms retrieval by words scores, which postings bring forms in, and how many forms a shared start
    // brings in: when the payer's name, whole, starts theirs (all equally likely), and when only its first letters
    // do (a slip further on, so each is scored as a misspelling).
    private readonly NameLookupLimits _limits;

    private readonly List<string> _ids = [];
    private readonly List<string> _names = [];
    private readonly List<string?> _parentIds = [];

    // Each customer's record as given (null for one known only from its items): what tells a customer upserted
    // again unchanged from one changed (see CustomerDirectory.Generations.cs).
    private readonly List<Customer?> _records = [];

    // Whether a customer's record is kept in _records (null there when not, as for one known only from its items).
    private readonly bool _keepRecords;

    private readonly Dictionary<string, int> _index = new(StringComparer.Ordinal);

    // The build's postings, flat (see FlatPostings): each account's and account number's customers, each retrieval
    // key's name forms. A generation only reads them, and keeps what it changes in its overlays.
    private readonly FlatPostings _accounts;
    private readonly FlatPostings _accountNumbers;
    private readonly FlatPostings _tokens;
    // Each name form: its customer, compact text and legal form, and the name on file it was made from (for the explanation).
    private readonly List<(int Customer, string Compact, string Name, string? LegalForm)> _nameForms = [];
    private int[] _root = [];

    // Each customer's name forms (its name, trading name and aliases), for asking whether a payer is it: the build's
    // customer c's are _formList[_formStart[c].._formStart[c + 1]], ascending (a generation's changes, see FormsOf).
    private int[] _formStart = [0];
    private int[] _formList = [];

    // The longest postings (common words and name starts) also as bit sets, so that weighing the
    // candidates in against one costs a bit test each rather than a binary search of thousands. By slot of _tokens (an
    // array, not a map: it is read for every common key a lookup weighs by, and a map's buckets and entries are two more
    // reads the rest of the match has pushed out of the cache).
    private readonly ulong[]?[] _postingBits;

    // Each customer's place in customer id order, so that ties sort without comparing ids.
    private int[] _idRank = [];

    // Every name form's compact text in ordinal order, and the form each is, for prefix ranges.
    private string[] _sortedCompacts = [];
    private int[] _sortedForms = [];

    // The first four characters of each of _sortedCompacts as one number (see HeadOf), in the same order: where a name
    // would sort is searched in this one array first, and among the few names of its head after, rather than by
    // reading a string object somewhere in the heap at every step of a search of the whole directory.
    private ulong[] _sortedHeads = [];

    // Each customer's family as Family gives it: customer c's is _familyMembers[_familyStart[c].._familyStart[c + 1]]
    // (a generation's changes, see Family).
    private int[] _familyStart = [0];
    private int[] _familyMembers = [];

    public CustomerDirectory(IReadOnlyList<Customer> customers, IReadOnlyList<OpenItem> items)
        : this(customers, items, NameLookupLimits.Default)
    {
    }

    /// <summary>
    /// A directory whose name lookup keeps to <paramref name="limits"/> (tests reach every limit with few names). When
    /// given, <paramref name="customerOfItem"/> receives each item's customer (its index here), in the order of
    /// <paramref name="items"/>.
    /// </summary>
    internal CustomerDirectory(IReadOnlyList<Customer> customers, IReadOnlyList<OpenItem> items, NameLookupLimits limits, int[]? customerOfItem = null)
        : this(customers, ItemRecords.OverRecords([.. items], items.Count), items.Count, limits, customerOfItem)
    {
    }

    /// <summary>
    /// A directory of <paramref name="customers"/> and of the customers the first <paramref name="count"/> of
    /// <paramref name="items"/> name, whose name lookup keeps to <paramref name="limits"/>. When given,
    /// <paramref name="customerOfItem"/> receives each item's customer (its index here): found while the directory reads
    /// the items anyway, not looked up again. Without <paramref name="keepRecords"/> no customer's record is kept, only
    /// what lookups read of it: <see cref="With"/> then answers any known customer given, changed or not, with null, for
    /// the caller to build anew (a batch run's directory, which makes no generation).
    /// </summary>
    internal CustomerDirectory(IReadOnlyList<Customer> customers, ItemRecords items, int count, NameLookupLimits limits, int[]? customerOfItem = null, bool keepRecords = true)
    {
        _limits = limits;
        _keepRecords = keepRecords;

        // Room for about fourteen keys a name form, two forms a customer, before the adds' buffer grows; an account
        // (routing number and account) a customer. (The 1M day's 500k customers: 9.5M adds of 170k keys of 1.7M
        // characters; 455k accounts of 9.1M characters, 341k account numbers of 3.7M.)
        _tokens = new FlatPostings(adds: 28 * customers.Count, keys: customers.Count / 2, keyChars: 4 * customers.Count);
        _accounts = new FlatPostings(adds: customers.Count, keys: customers.Count, keyChars: 22 * customers.Count);
        _accountNumbers = new FlatPostings(adds: customers.Count, keys: customers.Count, keyChars: 12 * customers.Count);

        // Reading names into words is most of the work and needs nothing of the directory: done on every core first,
        // then added one customer after another in the order given, as if read in that order.
        var names = NamesRead(customers);
        // The lists and the index made at their size (customers known only from their items may add a few), and the forms'
        // list at the number of forms the names read make: grown by doubling, they left some 77 MiB of copies in the 1M
        // day's index stage, which runs without a collection (session 36).
        _ids.Capacity = _names.Capacity = _parentIds.Capacity = _records.Capacity = customers.Count;
        _index.EnsureCapacity(customers.Count);
        if (names is not null)
        {
            var forms = 0;
            foreach (var read in names)
            {
                forms += FormsOf(read.Name) + (read.Trading is { } trading ? FormsOf(trading) : 0);
                foreach (var alias in read.Aliases)
                {
                    forms += FormsOf(alias);
                }
            }

            _nameForms.Capacity = forms;
        }

        for (var c = 0; c < customers.Count; c++)
        {
            AddCustomer(customers[c], names?[c]);
        }

        // Customers known only from their open items still pay: their AR name identifies them. Looked up once a pair of
        // customer id and name the items carry (500k lookups on the 1M day, not 5M), in the items' order, so a customer
        // is added as the first of its items names it.
        // Items kept as records (a served ledger's) are each their own pair: looked up each, with no table beside them.
        var customerOfParty = items.SharesParties ? new int[items.PartyCount] : null;
        customerOfParty?.AsSpan().Fill(-1);
        for (var i = 0; i < count; i++)
        {
            var party = items.PartyOf(i);
            var customer = customerOfParty?[party] ?? -1;
            if (customer < 0)
            {
                var customerId = items.PartyId(party);
                if (!_index.TryGetValue(customerId, out customer))
                {
                    customer = Add(customerId, items.PartyName(party), null, null);
                    _fromItems++;
                }

                customerOfParty?[party] = customer;
            }

            if (customerOfItem is not null)
            {
                customerOfItem[i] = customer;
            }
        }

        _tokens.Freeze();
        _accounts.Freeze();
        _accountNumbers.Freeze();
        _formCapacity = _nameForms.Count + RoomForAddedForms(_nameForms.Count);
        BuildFamilies();
        (_formStart, _formList) = FormsByCustomer();
        var byId = Enumerable.Range(0, _ids.Count).ToArray();
        Array.Sort([.. _ids], byId, StringComparer.Ordinal);
        _idRank = new int[_ids.Count];
        for (var rank = 0; rank < byId.Length; rank++)
        {
            _idRank[byId[rank]] = rank;
        }

        _lastId = byId.Length > 0 ? _ids[byId[^1]] : null;
        _postingBits = new ulong[]?[_tokens.Count];
        for (var slot = 0; slot < _tokens.Count; slot++)
        {
            var postings = _tokens.Of(slot);
            if (postings.Count >= _limits.MinBitsPostings)
            {
                // Room for the forms later generations add, so that the bits of a word they leave alone still serve.
                _postingBits[slot] = NameRetrieval.Bits(postings.Span, _formCapacity);
            }
        }

        _sortedCompacts = [.. _nameForms.Select(f => f.Compact)];
        _sortedForms = [.. Enumerable.Range(0, _nameForms.Count)];
        Array.Sort(_sortedCompacts, _sortedForms, StringComparer.Ordinal);
        _sortedHeads = HeadsOf(_sortedCompacts);
    }

    public int Count => _ids.Count;

    public string Id(int customer) => _ids[customer];

    public string Name(int customer) => _names[customer];

    public int IndexOf(string customerId) =>
        _index.TryGetValue(customerId, out var at) || (_indexAdded is { } added && added.TryGetValue(customerId, out at)) ? at : -1;

    /// <summary>The top of the customer's family: its ultimate parent, or itself.</summary>
    public int Root(int customer) => _root[customer];

    /// <summary>
    /// Every customer in the family rooted at <paramref name="root"/>, the root first. A span: the matcher walks a payer's
    /// family for every payment it decides by payer, and a walk of the list as an interface was an enumerator made and two
    /// interface calls a member.
    /// </summary>
    public ReadOnlySpan<int> Family(int root) =>
        _familiesAdded is { } added && added.TryGetValue(root, out var family) ? System.Runtime.InteropServices.CollectionsMarshal.AsSpan(family)
        : _familyMembers.AsSpan(_familyStart[root], _familyStart[root + 1] - _familyStart[root]);

    /// <summary>A retrieval key's name forms, ascending (none when no form has the key): what a lookup reads, for tests.</summary>
    internal int[] PostingsOf(string key) => TryPostings(key, out var postings) ? postings.Span.ToArray() : [];

    /// <summary>A name form's customer, compact text and the name it was made from, for tests.</summary>
    internal (int Customer, string Compact, string Name) Form(int form) => (_nameForms[form].Customer, _nameForms[form].Compact, _nameForms[form].Name);

    /// <summary>A customer's name forms, ascending: the build's, or those a generation gave it.</summary>
    internal ReadOnlySpan<int> FormsOf(int customer) =>
        _formsAdded is { } added && added.TryGetValue(customer, out var forms) ? System.Runtime.InteropServices.CollectionsMarshal.AsSpan(forms)
        : customer + 1 < _formStart.Length ? _formList.AsSpan(_formStart[customer], _formStart[customer + 1] - _formStart[customer])
        : [];

    public bool SameFamily(int a, int b) => _root[a] == _root[b];

    /// <summary>
    /// True when the payer's name scores at least <paramref name="minScore"/> against a name of a customer in
    /// the family of <paramref name="customer"/>: a cheap check of one family, not a search of every customer.
    /// </summary>
    public bool NameResembles(string? payerName, int customer, int minScore)
    {
        var (tokens, legalForm) = NameText.TokensAndForm(payerName);
        if (tokens.Length == 0)
        {
            return false;
        }

        var compact = string.Concat(tokens);
        var ratio = NameRatio.OfThread(compact);
        string[]? payerPrinted = null;
        foreach (var member in Family(Root(customer)))
        {
            foreach (var form in FormsOf(member))
            {
                if (Score(ratio, compact, payerName!, tokens, ref payerPrinted, legalForm, form) >= minScore)
                {
                    return true;
                }
            }
        }

        return false;
    }

    /// <summary>The score of a bare account number (no routing number or IBAN) that one customer alone has.</summary>
    public const int BareAccountScore = 90;

    /// <summary>Customers whose known accounts include the payer's account.</summary>
    public List<PayerCandidate> ByAccount(string? account)
    {
        var found = new List<PayerCandidate>();
        var customers = AccountLookup(account, out var bareNumber);
        if (customers.IsEmpty)
        {
            return found;
        }

        if (bareNumber is null)
        {
            var what = "known account " + account;
            found.Capacity = customers.Length;
            foreach (var customer in customers)
            {
                found.Add(new PayerCandidate(customer, 100, what));
            }
        }
        else
        {
            found.Add(new PayerCandidate(customers[0], BareAccountScore, "known account number " + bareNumber));
        }

        return found;
    }

    /// <summary>
    /// The customers <see cref="ByAccount"/> finds, in its order, or none: for asking who they are without making a
    /// candidate and its words for each (the at-once path asks for every payment that names an account).
    /// </summary>
    public ReadOnlySpan<int> CustomersByAccount(string? account) => AccountLookup(account, out _);

    /// <summary>
    /// The customers whose known accounts include <paramref name="account"/>, with the bare account number when it was
    /// found by that alone; none when neither finds any.
    /// </summary>
    private ReadOnlySpan<int> AccountLookup(string? account, out string? bareNumber)
    {
        bareNumber = null;
        if (NormalizeAccount(account) is { } key && Listed(_accounts, _accountsAdded, key) is { IsEmpty: false } customers)
        {
            return customers;
        }

        // A wire names the originator's account number without its bank: an account number is unique only
        // within its bank, so it is weak evidence. It identifies a customer that alone has it (as a close
        // name does), and never overrules a quoted reference. An ACH company id (payerId) is no account
        // number at all, whatever its digits, and is not looked up as one.
        if (AccountNumber(account) is { } number && Listed(_accountNumbers, _accountNumbersAdded, number) is { Length: 1 } byNumber)
        {
            bareNumber = number;
            return byNumber;
        }

        return [];
    }

    /// <summary>Customers whose name or alias resembles the payer name, best first, scored 0-100.</summary>
    public List<PayerCandidate> ByName(string? payerName) => ByName(payerName, minScore: 0);

    /// <summary>
    /// The customers of <see cref="ByName(string?)"/> that score at least <paramref name="minScore"/>, in its order: what
    /// the matcher keeps, since its rules read no payer scored below their lowest bar, and most of those a lookup scores
    /// are far below it (names sharing a word or a start with the payer's).
    /// </summary>
    public List<PayerCandidate> ByName(string? payerName, int minScore)
    {
        var found = new List<PayerCandidate>();
        var (tokens, legalForm) = NameText.TokensAndForm(payerName);
        if (tokens.Length == 0)
        {
            return found;
        }

        var compact = string.Concat(tokens);
        if (compact.Length < 3)
        {
            return found;
        }

        // Retrieve: name forms sharing a rare enough word, or the start of the name allowing one dropped
        // or added letter (the typing slips and truncations banks print). Keys are taken rarest first:
        // a key shared by few forms brings in candidates, a common one (a city, an industry) only adds
        // weight to those already in, since a word that thousands of customers share points at none of
        // them; the best few by weight are scored. A key too common to bring any in ends retrieval by words.
        var keys = RetrievalPostings(tokens, compact);
        var retrieval = NameRetrieval.Start();
        var at = 0;
        if (keys.Count > 0 && keys[0].Postings.Count <= _limits.MaxPostings)
        {
            for (; at < keys.Count && (at == 0 || keys[at].Postings.Count <= _limits.MaxBringingIn); at++)
            {
                retrieval.BringIn(keys[at].Postings.Span, keys[at].Prefix ? 2 : 1);
            }

            // With no more in than are scored, every one is scored whatever its weight.
            if (retrieval.Count > _limits.MaxScored)
            {
                for (; at < keys.Count; at++)
                {
                    var (prefix, postings) = keys[at];
                    retrieval.Weigh(postings.Span, BitsOf(postings), prefix ? 2 : 1);
                }
            }
        }

        // Each customer's best score, and the first of its forms that scored it (the name the explanation shows). The
        // map is this thread's, emptied for each lookup: the order below does not depend on the map's.
        var best = _bestOfThread ??= [];
        best.Clear();
        var ratio = NameRatio.OfThread(compact);
        // The payer's printed words, read by the first form whose words are compared (most lookups compare none).
        string[]? payerPrinted = null;
        Span<int> top = _limits.MaxScored <= 256 ? stackalloc int[_limits.MaxScored] : new int[_limits.MaxScored];
        var chosen = retrieval.Top(_limits.MaxScored, top, _formOrder);
        FetchForms(chosen);
        foreach (var form in chosen)
        {
            ScoreForm(form);
        }

        // Names the payer's starts, whole or up to a slip: retrieval by words misses them when the cut
        // leaves only common words ("NORTHWIND PACIFI"), and caps them when many share the start.
        if (compact.Length >= MinPrefix)
        {
            var (from, to, length) = LongestPrefixRange(compact);
            if (length >= MinPrefix && to - from <= (length == compact.Length ? _limits.MaxWholePrefixForms : _limits.MaxPartPrefixForms))
            {
                FetchForms(_sortedForms.AsSpan(from, to - from));
                for (var sorted = from; sorted < to; sorted++)
                {
                    ScoreForm(_sortedForms[sorted]);
                }
            }
        }

        // Best first, then in customer id order (the rank of each id, kept from the start; each customer once, so the
        // order is total). Each as one number, the score above the rank, sorted with its customer and form beside it in
        // this thread's buffers: only the list of candidates is kept.
        if (_orderOfThread is not { } order || order.Length < best.Count || _scoredOfThread is not { } scored || scored.Length < best.Count)
        {
            var length = Math.Max(best.Count, 2 * (_orderOfThread?.Length ?? 0));
            _orderOfThread = order = new long[length];
            _scoredOfThread = scored = new long[length];
        }

        var next = 0;
        foreach (var (customer, (score, form)) in best)
        {
            order[next] = ((long)-score << 32) | (uint)_idRank[customer];
            scored[next++] = ((long)customer << 32) | (uint)form;
        }

        order.AsSpan(0, next).Sort(scored.AsSpan(0, next));
        var kept = 0;
        while (kept < next && -(int)(order[kept] >> 32) >= minScore)
        {
            kept++;
        }

        found.Capacity = kept;
        for (var k = 0; k < kept; k++)
        {
            var customer = (int)(scored[k] >> 32);
            var compared = _nameForms[unchecked((int)scored[k])].Name;
            found.Add(new PayerCandidate(customer, -(int)(order[k] >> 32), payerName!, compared, compared == _names[customer] ? null : _names[customer]));
        }

        return found;

        void ScoreForm(int form)
        {
            var score = Score(ratio, compact, payerName!, tokens, ref payerPrinted, legalForm, form);
            var customer = _nameForms[form].Customer;
            ref var bestOfCustomer = ref System.Runtime.InteropServices.CollectionsMarshal.GetValueRefOrAddDefault(best, customer, out var scored);
            if (!scored || score > bestOfCustomer.Score || (score == bestOfCustomer.Score && form < bestOfCustomer.Form))
            {
                bestOfCustomer = (score, form);
            }
        }
    }

    // Each thread's buffers for ByName, which runs on the matching thread, the payer prefetch's and the server's.
    [ThreadStatic]
    private static Dictionary<int, (int Score, int Form)>? _bestOfThread;

    [ThreadStatic]
    private static long[]? _orderOfThread;

    [ThreadStatic]
    private static long[]? _scoredOfThread;

    [ThreadStatic]
    private static List<(bool Prefix, Postings Postings)>? _keysOfThread;

    /// <summary>
    /// Asks for the name forms about to be scored, and then their compact names, ahead of need: the forms of one
    /// lookup lie anywhere in the directory, so scoring them one after another would wait for memory twice a form.
    /// </summary>
    private void FetchForms(ReadOnlySpan<int> forms)
    {
        var all = System.Runtime.InteropServices.CollectionsMarshal.AsSpan(_nameForms);
        foreach (var form in forms)
        {
            Prefetch.Line(ref all[form]);
        }

        foreach (var form in forms)
        {
            Prefetch.Object(all[form].Compact);
        }
    }

    /// <summary>
    /// The range of name forms (in <see cref="_sortedCompacts"/>) that start with the longest start of
    /// <paramref name="compact"/> any form has, and that start's length. The longest common start with
    /// any sorted string is the longest with one of the two neighbours of the place it would sort in.
    /// </summary>
    private (int From, int To, int Length) LongestPrefixRange(string compact)
    {
        var at = SortedPlace(_sortedCompacts, _sortedHeads, compact);
        if (at < 0)
        {
            at = ~at;
        }

        var length = 0;
        if (at < _sortedCompacts.Length)
        {
            length = compact.AsSpan().CommonPrefixLength(_sortedCompacts[at]);
        }

        if (at > 0)
        {
            length = Math.Max(length, compact.AsSpan().CommonPrefixLength(_sortedCompacts[at - 1]));
        }

        if (length == 0)
        {
            return (0, 0, 0);
        }

        var prefix = compact.AsSpan(0, length);
        return (FirstAfter(prefix, inclusive: false, at), FirstAfter(prefix, inclusive: true, at), length);
    }

    /// <summary>
    /// Where <paramref name="compact"/> is in <paramref name="sorted"/> (in ordinal order, <paramref name="heads"/> their heads),
    /// or, not there, the complement of where it would sort: what <see cref="Array.BinarySearch{T}(T[], T, IComparer{T})"/>
    /// of the whole array gives (of equal names, any one). The names whose head (<see cref="HeadOf"/>) is below the name's
    /// all sort before it and those above after it, so only the names of its head are compared as strings.
    /// </summary>
    internal static int SortedPlace(string[] sorted, ulong[] heads, string compact)
    {
        var head = HeadOf(compact);
        var lo = SortedSearch.LowerBound<ulong>(heads, head);
        var end = head == ulong.MaxValue ? heads.Length : lo + SortedSearch.LowerBound<ulong>(heads.AsSpan(lo), head + 1);
        return Array.BinarySearch(sorted, lo, end - lo, compact, StringComparer.Ordinal);
    }

    /// <summary>
    /// The first four characters of <paramref name="name"/>, sixteen bits each, the first highest, a missing one 0: two names
    /// in ordinal order have their heads in the same order or equal (a name that is the start of another has the smaller
    /// head or the same; else the first character that differs decides, if it is one of the four, and the heads are equal if not).
    /// </summary>
    internal static ulong HeadOf(ReadOnlySpan<char> name)
    {
        ulong head = 0;
        for (var i = 0; i < 4; i++)
        {
            head = (head << 16) | (i < name.Length ? name[i] : 0u);
        }

        return head;
    }

    internal static ulong[] HeadsOf(string[] sorted)
    {
        var heads = new ulong[sorted.Length];
        for (var i = 0; i < sorted.Length; i++)
        {
            heads[i] = HeadOf(sorted[i]);
        }

        return heads;
    }

    /// <summary>
    /// The first sorted form ordered after <paramref name="prefix"/> (or, inclusive, after every form starting with it),
    /// searched outwards from <paramref name="near"/>, where a name that starts with the prefix would sort: before it
    /// when not inclusive, from it on when inclusive. The forms that share a start are few beside the directory, so a
    /// search that widens its steps from there reads a few names near it instead of halving the whole directory.
    /// </summary>
    private int FirstAfter(ReadOnlySpan<char> prefix, bool inclusive, int near)
    {
        int lo, hi;
        if (inclusive)
        {
            // Every form before `near` is at or before the prefix: step right until past it.
            lo = hi = near;
            for (var step = 1; hi < _sortedCompacts.Length && GoesLeft(hi, prefix, inclusive); step <<= 1)
            {
                lo = hi + 1;
                hi = near + step;
            }

            hi = Math.Min(hi, _sortedCompacts.Length);
        }
        else
        {
            // The form at `near` is not before the prefix: step left until one is.
            hi = near;
            var probe = near - 1;
            for (var step = 1; probe >= 0 && !GoesLeft(probe, prefix, inclusive); step <<= 1)
            {
                hi = probe;
                probe = near - (2 * step);
            }

            lo = Math.Max(probe + 1, 0);
        }

        while (lo < hi)
        {
            var mid = (lo + hi) >>> 1;
            if (GoesLeft(mid, prefix, inclusive))
            {
                lo = mid + 1;
            }
            else
            {
                hi = mid;
            }
        }

        return lo;
    }

    /// <summary>True when the sorted form at <paramref name="at"/> comes before <paramref name="prefix"/> (or, inclusive, starts with it).</summary>
    private bool GoesLeft(int at, ReadOnlySpan<char> prefix, bool inclusive)
    {
        var name = _sortedCompacts[at].AsSpan();
        var order = name[..Math.Min(name.Length, prefix.Length)].SequenceCompareTo(prefix);
        if (order == 0 && name.Length < prefix.Length)
        {
            order = -1;
        }

        return order < 0 || (inclusive && order == 0);
    }

    /// <summary>
    /// The postings of the retrieval keys of a payer name (see <see cref="ForEachRetrievalKey"/>), each list
    /// once, rarest first, looked up from a stack buffer rather than built as strings. The list is this thread's, good
    /// until the thread's next lookup.
    /// </summary>
    private List<(bool Prefix, Postings Postings)> RetrievalPostings(string[] tokens, string compact)
    {
        var keys = _keysOfThread ??= new(24);
        keys.Clear();

        // Every key written out and hashed first, and then looked up in steps taken for all of them (the table's entry,
        // the slot's starts, the key's characters and first postings asked for ahead): a name's dozen keys lie anywhere
        // in tables of megabytes, and looked up one after another each waited for memory three or four times. The keys
        // are then looked up and added in the order they came, as before.
        var batch = _keyBatchOfThread ??= new();
        batch.Clear();
        var gather = new GatherKeys(batch);
        ForEachRetrievalKey(tokens, compact, stackalloc char[RetrievalKeyLength], ref gather);
        var count = batch.Count;
        for (var k = 0; k < count; k++)
        {
            var hash = batch.Hash(k) = KeyIndex.HashOf(batch.Key(k));
            _tokens.PrefetchEntry(hash);
        }

        for (var k = 0; k < count; k++)
        {
            _tokens.PrefetchSlot(batch.Hash(k));
        }

        for (var k = 0; k < count; k++)
        {
            _tokens.PrefetchKeyAndPostings(batch.Hash(k));
        }

        for (var k = 0; k < count; k++)
        {
            AddPostings(keys, batch.Key(k), batch.Hash(k), batch.Prefix(k));
        }

        keys.Sort(_keyOrder ??= KeyOrder);
        return keys;
    }

    /// <summary>The postings of a payer name's retrieval keys, in the order a lookup takes them (for tests).</summary>
    internal List<(bool Prefix, int[] Postings)> RetrievalPostingsOf(string? payerName)
    {
        var (tokens, _) = NameText.TokensAndForm(payerName);
        return tokens.Length == 0 ? [] : [.. RetrievalPostings(tokens, string.Concat(tokens)).Select(key => (key.Prefix, key.Postings.Span.ToArray()))];
    }

    [ThreadStatic]
    private static KeyBatch? _keyBatchOfThread;

    /// <summary>A name's retrieval keys written out side by side, with whether each is a prefix key and its hash: this thread's, reused.</summary>
    private sealed class KeyBatch
    {
        private char[] _chars = new char[512];
        private Entry[] _entries = new Entry[32];

        public int Count { get; private set; }

        public void Clear() => Count = 0;

        public ReadOnlySpan<char> Key(int k)
        {
            var from = k == 0 ? 0 : _entries[k - 1].End;
            return _chars.AsSpan(from, _entries[k].End - from);
        }

        public bool Prefix(int k) => _entries[k].Prefix;

        public ref ulong Hash(int k) => ref _entries[k].Hash;

        public void Add(ReadOnlySpan<char> key, bool prefix)
        {
            var from = Count == 0 ? 0 : _entries[Count - 1].End;
            if (from + key.Length > _chars.Length)
            {
                Array.Resize(ref _chars, Math.Max(2 * _chars.Length, from + key.Length));
            }

            if (Count == _entries.Length)
            {
                Array.Resize(ref _entries, 2 * Count);
            }

            key.CopyTo(_chars.AsSpan(from));
            _entries[Count++] = new Entry { End = from + key.Length, Prefix = prefix };
        }

        private struct Entry
        {
            public int End;
            public bool Prefix;
            public ulong Hash;
        }
    }

    /// <summary>Each retrieval key written into a <see cref="KeyBatch"/>.</summary>
    private readonly struct GatherKeys(KeyBatch batch) : IRetrievalKeyVisit
    {
        public void Visit(ReadOnlySpan<char> key, bool prefix) => batch.Add(key, prefix);
    }

    /// <summary>The order of a lookup's keys: rarest first, then prefix keys, then by their first form.</summary>
    private int KeyOrder((bool Prefix, Postings Postings) a, (bool Prefix, Postings Postings) b) =>
        a.Postings.Count != b.Postings.Count ? a.Postings.Count.CompareTo(b.Postings.Count)
            : a.Prefix != b.Prefix ? (a.Prefix ? -1 : 1)
            : _formOrder is null ? a.Postings.Span[0].CompareTo(b.Postings.Span[0])
            : _formOrder.Compare(FirstInOrder(a.Postings), FirstInOrder(b.Postings));

    // KeyOrder as a delegate, made at the first lookup rather than at each (two threads may each make one: either serves).
    private Comparison<(bool Prefix, Postings Postings)>? _keyOrder;

    /// <summary>Adds the postings of <paramref name="key"/> (of hash <paramref name="hash"/>) to a lookup's keys, unless they are there or empty.</summary>
    private void AddPostings(List<(bool Prefix, Postings Postings)> keys, ReadOnlySpan<char> key, ulong hash, bool prefix)
    {
        // A generation leaves a key whose last form it removed with no postings: as if the key were not there.
        if (!TryPostings(key, hash, out var postings) || postings.Count == 0)
        {
            return;
        }

        // A loop, not a predicate: a lambda over `postings` would be an allocation per key.
        foreach (var (_, known) in keys)
        {
            if (known.Same(postings))
            {
                return;
            }
        }

        keys.Add((prefix, postings));
    }

    internal delegate void RetrievalKeyVisitor(ReadOnlySpan<char> key, bool prefix);

    /// <summary>What is done with each retrieval key of a name (see <see cref="ForEachRetrievalKey{TVisit}"/>).</summary>
    internal interface IRetrievalKeyVisit
    {
        void Visit(ReadOnlySpan<char> key, bool prefix);
    }

    /// <summary>A delegate handed each key.</summary>
    private readonly struct VisitByDelegate(RetrievalKeyVisitor visit) : IRetrievalKeyVisit
    {
        public void Visit(ReadOnlySpan<char> key, bool prefix) => visit(key, prefix);
    }

    /// <summary>As the generic overload, handing each key to a delegate.</summary>
    internal static void ForEachRetrievalKey(string[] tokens, string compact, Span<char> key, RetrievalKeyVisitor visit)
    {
        var byDelegate = new VisitByDelegate(visit);
        ForEachRetrievalKey(tokens, compact, key, ref byDelegate);
    }

    /// <summary>
    /// The keys a name is indexed and looked up by, one generator for both so they cannot drift apart:
    /// each word of 2 to 64 letters (<c>T:</c>), and the first eight letters of the compact name with
    /// and without each one of its first nine letters (<c>P:</c>), so that a dropped, added or changed
    /// letter near the start still meets the customer. A key may come more than once. Each is written
    /// into <paramref name="key"/> (<see cref="RetrievalKeyLength"/> long) and handed to <paramref name="visit"/>: a
    /// struct, so that a build adding a million names makes no closure per name.
    /// </summary>
    internal static void ForEachRetrievalKey<TVisit>(string[] tokens, string compact, Span<char> key, ref TVisit visit)
        where TVisit : struct, IRetrievalKeyVisit
    {
        foreach (var token in tokens)
        {
            VisitWordKey(token, key, ref visit);
        }

        VisitPrefixKeys(compact, key, ref visit);
    }

    /// <summary>
    /// As <see cref="ForEachRetrievalKey{TVisit}(string[], string, Span{char}, ref TVisit)"/>, of the words given as their
    /// text side by side (<paramref name="words"/>) and their lengths in it (<see cref="NameText.CompactAndForm"/>): the same
    /// keys, in the same order.
    /// </summary>
    internal static void ForEachRetrievalKey<TVisit>(string words, NameText.WordLengths lengths, string compact, Span<char> key, ref TVisit visit)
        where TVisit : struct, IRetrievalKeyVisit
    {
        for (int w = 0, at = 0; w < lengths.Count; at += lengths[w++])
        {
            VisitWordKey(words.AsSpan(at, lengths[w]), key, ref visit);
        }

        VisitPrefixKeys(compact, key, ref visit);
    }

    // A word's key: T: and the word, for a word of 2 to 64 letters.
    private static void VisitWordKey<TVisit>(ReadOnlySpan<char> word, Span<char> key, ref TVisit visit)
        where TVisit : struct, IRetrievalKeyVisit
    {
        if (word.Length is >= 2 and <= MaxLookupToken)
        {
            "T:".CopyTo(key);
            word.CopyTo(key[2..]);
            visit.Visit(key[..(2 + word.Length)], prefix: false);
        }
    }

    // The compact name's prefix keys: P: and its first eight letters, with and without each of its first nine.
    private static void VisitPrefixKeys<TVisit>(string compact, Span<char> key, ref TVisit visit)
        where TVisit : struct, IRetrievalKeyVisit
    {
        var head = compact.AsSpan(0, Math.Min(9, compact.Length));
        "P:".CopyTo(key);
        head[..Math.Min(8, head.Length)].CopyTo(key[2..]);
        visit.Visit(key[..(2 + Math.Min(8, head.Length))], prefix: true);
        for (var i = 0; i < head.Length; i++)
        {
            // The head without its i-th letter, cut to eight.
            var length = Math.Min(8, head.Length - 1);
            for (int from = 0, to = 0; to < length; from++)
            {
                if (from != i)
                {
                    key[2 + to++] = head[from];
                }
            }

            visit.Visit(key[..(2 + length)], prefix: true);
        }
    }

    /// <summary>
    /// How alike a payer's compact name is to a customer's, 0-100. A bank that truncates a name leaves
    /// a prefix, so a payer name that is a long enough prefix of the customer's is as good as equal.
    /// </summary>
    internal static int Score(string payer, string customer) => Score(new NameRatio(payer), payer, customer);

    /// <summary>
    /// The most a name scores against a customer's whose legal form is of another kind ("ACME INC" against "ACME B.V.",
    /// "ACME GMBH" against "ACME GMBH &amp; CO. KG"): two companies of one name in two jurisdictions or of two forms are
    /// two companies, so the name alone no longer identifies the payer (below <see cref="MatchPolicy.MinNameScore"/>),
    /// yet still corroborates a quoted reference and still ranks the customer among the suggestions.
    /// </summary>
    public const int LegalFormConflictScore = 84;

    /// <summary>
    /// The most a name scores against a customer's when each has a word the other does not spell ("PIONEER TENNESSEE
    /// SUPPLY" against "Pioneer Tennessee Solutions", <see cref="NameWords"/>): however alike their letters, the names are
    /// two companies', so the name alone no longer identifies the payer (below <see cref="MatchPolicy.MinNameScore"/>), yet
    /// still corroborates a quoted reference and still ranks the customer among the suggestions.
    /// </summary>
    public const int WordReplacedScore = 84;

    private int Score(NameRatio ratioOfPayer, string payerCompact, string payerName, string[] payerWords, ref string[]? payerPrinted, string? payerForm, int formNumber)
    {
        var form = _nameForms[formNumber];
        var score = Score(ratioOfPayer, payerCompact, form.Compact);
        if (NameText.LegalFormsConflict(payerForm, form.LegalForm))
        {
            score = Math.Min(score, LegalFormConflictScore);
        }

        // Only a score above the cap can be capped, and few are: the names' words are read again only for those. A name
        // whose letters are the start of the customer's, or all of them, is the customer's cut where the bank's field ends.
        return score > WordReplacedScore && !form.Compact.StartsWith(payerCompact, StringComparison.Ordinal)
            && WordReplaced(payerName, payerWords, ref payerPrinted, payerForm, formNumber)
            ? WordReplacedScore
            : score;
    }

    /// <summary>
    /// <see cref="NameWords.WordReplaced(string?, string[], bool, string?, string[])"/> of the payer and a name form, with the
    /// form's words and printed words read once and kept (<see cref="WordsOfForm"/>), and the payer's printed words once a
    /// lookup (<paramref name="payerPrinted"/>).
    /// </summary>
    private bool WordReplaced(string payerName, string[] payerWords, ref string[]? payerPrinted, string? payerForm, int formNumber)
    {
        var words = WordsOfForm(formNumber);
        var printedOfForms = KeptOfForms(ref _printedOfForms);

        // A form read by two lookups at once may be read twice, and either's printed words kept; a form past the array
        // (none, see WordsOfForm) would be read each time.
        var name = _nameForms[formNumber].Name;
        if (formNumber < printedOfForms.Length)
        {
            return NameWords.WordReplaced(payerName, payerWords, ref payerPrinted, payerMayBeCut: payerForm is null, name, words, ref printedOfForms[formNumber]);
        }

        string[]? printed = null;
        return NameWords.WordReplaced(payerName, payerWords, ref payerPrinted, payerMayBeCut: payerForm is null, name, words, ref printed);
    }

    /// <summary>
    /// Each name form's printed words (<see cref="NameWords.PrintedOf"/>: its words' own array when they are the same),
    /// read when a lookup first needs them and kept, as <see cref="_wordsOfForms"/> are; null until then.
    /// </summary>
    private string[]?[]? _printedOfForms;

    /// <summary>
    /// Each name form's words (<see cref="NameText.Tokens"/> of its name), read at the first lookup that scores the form
    /// high enough to ask (<see cref="Score(NameRatio, string, string, string[], ref string[], string?, int)"/>), then kept: a customer
    /// pays again and again, and reading its name each time was most of a lookup's garbage. Null until a lookup asks.
    /// Lookups run on several threads at once; two may read one form's words at once, and either's array is kept. A
    /// directory's forms are all added before its first lookup (a generation copies its forms into a list of its own).
    /// </summary>
    private string[]?[]? _wordsOfForms;

    // The words the forms' words are: each word once, however many forms have it (on the 1M-payment day 458k forms read
    // held 1.8M word strings of 304 words, some 65 MB through matching and the check).
    private readonly NameText.WordTable _formWords = new();

    internal string[] WordsOfForm(int form)
    {
        var words = KeptOfForms(ref _wordsOfForms);

        // No form is past the array (see above); one would be read each time rather than fail a lookup.
        var name = _nameForms[form].Name;
        return form < words.Length ? words[form] ??= NameText.Tokens(name, _formWords) : NameText.Tokens(name, _formWords);
    }

    /// <summary>
    /// The array of what is kept for each name form in <paramref name="kept"/> (<see cref="_wordsOfForms"/>,
    /// <see cref="_printedOfForms"/>), made at the first lookup that asks: two lookups that ask at once keep one of theirs.
    /// </summary>
    private string[]?[] KeptOfForms(ref string[]?[]? kept)
    {
        var array = Volatile.Read(ref kept);
        if (array is null)
        {
            Interlocked.CompareExchange(ref kept, new string[]?[_nameForms.Count], null);
            array = Volatile.Read(ref kept)!;
        }

        return array;
    }

    private static int Score(NameRatio ratioOfPayer, string payer, string customer)
    {
        if (payer == customer)
        {
            return 100;
        }

        if (payer.Length >= 8 && customer.StartsWith(payer, StringComparison.Ordinal))
        {
            return 96;
        }

        // A short prefix ("LARCH IN" for Larch Industries) corroborates, but is too weak to identify alone.
        if (payer.Length >= 5 && customer.StartsWith(payer, StringComparison.Ordinal))
        {
            return 86;
        }

        var ratio = ratioOfPayer.Ratio(customer, customer.Length);
        if (payer.Length >= 8 && payer.Length < customer.Length)
        {
            // Truncated and misspelled: compare with the customer's name cut to the payer's length.
            ratio = Math.Max(ratio, ratioOfPayer.Ratio(customer, payer.Length) - 3);
        }

        return ratio;
    }

    /// <summary>An account in the form customers.csv and the readers share: IBAN, or RTN:ACCOUNT without leading zeros.</summary>
    internal static string? NormalizeAccount(string? account)
    {
        if (string.IsNullOrWhiteSpace(account))
        {
            return null;
        }

        var text = account.Replace(" ", string.Empty, StringComparison.Ordinal).ToUpperInvariant();
        var colon = text.IndexOf(':', StringComparison.Ordinal);
        if (colon < 0)
        {
            return text;
        }

        // Read as spans: most accounts have no leading zero to drop, and are then the text itself.
        var routing = text.AsSpan(0, colon).TrimStart('0');
        var number = text.AsSpan(colon + 1).TrimStart('0');
        return routing.Length == 0 || number.Length == 0 ? null
            : routing.Length + 1 + number.Length == text.Length ? text
            : string.Concat(routing, ":", number);
    }

    /// <summary>The bare account number (after the colon, if any) without leading zeros, when it is six digits or more; else null.</summary>
    internal static string? AccountNumber(string? account)
    {
        if (string.IsNullOrWhiteSpace(account))
        {
            return null;
        }

        var colon = account.IndexOf(':', StringComparison.Ordinal);
        var number = (colon < 0 ? account.AsSpan() : account.AsSpan(colon + 1)).Trim().TrimStart('0');
        return number.Length < 6 || number.ContainsAnyExcept(ReferenceText.Digits) ? null
            : number.Length == account.Length ? account
            : number.ToString();
    }

    /// <summary>
    /// A name read into what its forms are made of: the name itself (which the explanation shows), its compact text (its
    /// words side by side) and each word's length in it, its short compact text, its legal form. What
    /// <see cref="AddName(int, NameRead)"/> adds; reading it depends on the name alone. No word is made a string of its own:
    /// a build reads every customer's name, and does it without a collection (PERFORMANCE.md, "Session 45").
    /// </summary>
    private readonly record struct NameRead(string Name, NameText.WordLengths Words, string Compact, string ShortCompact, string? LegalForm)
    {
        public static NameRead Of(string name)
        {
            var (compact, words, legalForm) = NameText.CompactAndForm(name);
            return words.Count == 0
                ? new(name, default, string.Empty, string.Empty, null)
                : new(name, words, compact, NameText.ShortCompact(compact, words), legalForm);
        }
    }

    /// <summary>How many name forms <see cref="AddName(int, NameRead)"/> adds for <paramref name="name"/>.</summary>
    private static int FormsOf(NameRead name) => name.Words.Count == 0 ? 0 : name.ShortCompact != name.Compact ? 2 : 1;

    /// <summary>A customer's names read: its name and trading name (if any), then its aliases, in the order <see cref="AddCustomer"/> adds them.</summary>
    private readonly record struct NamesOfCustomer(NameRead Name, NameRead? Trading, NameRead[] Aliases);

    /// <summary>Directories from this many customers read their names on every core.</summary>
    private const int ReadNamesInParallelFrom = 4_096;

    /// <summary>Every customer's names read, in parallel, each into its own slot (so in the order given); null for a few customers.</summary>
    private static NamesOfCustomer[]? NamesRead(IReadOnlyList<Customer> customers)
    {
        if (customers.Count < ReadNamesInParallelFrom || Environment.ProcessorCount < 2)
        {
            return null;
        }

        var names = new NamesOfCustomer[customers.Count];
        Parallel.ForEach(System.Collections.Concurrent.Partitioner.Create(0, customers.Count, 1_024), range =>
        {
            for (var c = range.Item1; c < range.Item2; c++)
            {
                var customer = customers[c];
                var aliases = customer.Aliases.Count == 0 ? [] : new NameRead[customer.Aliases.Count];
                for (var a = 0; a < aliases.Length; a++)
                {
                    aliases[a] = NameRead.Of(customer.Aliases[a]);
                }

                names[c] = new(NameRead.Of(customer.Name), NameText.TradingName(customer.Name) is { } trading ? NameRead.Of(trading) : null, aliases);
            }
        });
        return names;
    }

    /// <summary>Adds a customer on record: its name, aliases and accounts, in the order a build and a generation share.</summary>
    private void AddCustomer(Customer customer, NamesOfCustomer? names = null)
    {
        var at = Add(customer.CustomerId, customer.Name, customer.ParentId, customer, names);
        if (names is { } read)
        {
            foreach (var alias in read.Aliases)
            {
                AddName(at, alias);
            }
        }
        else
        {
            AddAliases(at, customer.Aliases);
        }

        foreach (var account in customer.BankAccounts)
        {
            AddAccount(at, account);
        }
    }

    private int Add(string id, string name, string? parentId, Customer? record, NamesOfCustomer? names = null)
    {
        if (IndexOf(id) is var existing and >= 0)
        {
            return existing;
        }

        var at = _ids.Count;
        _ids.Add(id);
        _names.Add(name);
        _parentIds.Add(parentId);
        _records.Add(_keepRecords ? record : null);
        (_indexAdded ?? _index)[id] = at;
        if (names is { } read)
        {
            AddName(at, read.Name);
            if (read.Trading is { } trading)
            {
                AddName(at, trading);
            }
        }
        else
        {
            AddNames(at, name);
        }

        return at;
    }

    /// <summary>The forms of a customer's name: the name, then its trading name (a generation renaming one adds them so too).</summary>
    private void AddNames(int customer, string name)
    {
        AddName(customer, NameRead.Of(name));
        if (NameText.TradingName(name) is { } trading)
        {
            AddName(customer, NameRead.Of(trading));
        }
    }

    private void AddAliases(int customer, IReadOnlyList<string> aliases)
    {
        foreach (var alias in aliases)
        {
            AddName(customer, NameRead.Of(alias));
        }
    }

    private void AddName(int customer, NameRead name)
    {
        if (name.Words.Count == 0)
        {
            return;
        }

        AddForm(customer, name.Compact, name);
        if (name.ShortCompact != name.Compact)
        {
            AddForm(customer, name.ShortCompact, name);
        }
    }

    // A form of a name read: its keys are the name's words' and the form's compact text's.
    private void AddForm(int customer, string compact, NameRead read)
    {
        var form = _nameForms.Count;
        _nameForms.Add((customer, compact, read.Name, read.LegalForm));
        var posting = new FormPosting(this, form);
        ForEachRetrievalKey(read.Compact, read.Words, compact, stackalloc char[RetrievalKeyLength], ref posting);
    }

    /// <summary>Adds a form to the postings of each of its keys.</summary>
    private readonly struct FormPosting(CustomerDirectory directory, int form) : IRetrievalKeyVisit
    {
        public void Visit(ReadOnlySpan<char> key, bool prefix)
        {
            if (directory._owned is null)
            {
                // A build: into the flat postings, each form once.
                directory._tokens.Add(key, form);
                return;
            }

            var list = directory.PostingsToAddTo(key);

            // Postings stay ascending and hold each form once, however often a key comes.
            if (list.Count == 0 || list[^1] != form)
            {
                list.Add(form);
            }
        }
    }

    private void AddAccount(int customer, string account)
    {
        if (NormalizeAccount(account) is { } key)
        {
            AddTo(_accounts, _accountsAdded, key, customer);
        }

        if (AccountNumber(account) is { } number)
        {
            AddTo(_accountNumbers, _accountNumbersAdded, number, customer);
        }
    }

    private void AddTo(FlatPostings map, Dictionary<string, List<int>>? added, string key, int customer)
    {
        if (added is null || _owned is null)
        {
            // A build: into the flat postings, which keep each account's customers ascending, each once.
            map.Add(key, customer);
            return;
        }

        var list = OwnedList(added, key, Listed(map, added, key));

        // In customer order, each once: a build adds customers in that order, a generation may give a known one an account.
        var at = list.BinarySearch(customer);
        if (at < 0)
        {
            list.Insert(~at, customer);
        }
    }

    /// <summary>Every customer's family, and the parents no customer is: in a build, and in a generation where a family changed.</summary>
    private void BuildFamilies()
    {
        _root = new int[_ids.Count];
        _unknownParents = new(StringComparer.Ordinal);
        for (var c = 0; c < _ids.Count; c++)
        {
            _root[c] = RootOf(c);
            if (_parentIds[c] is { } parent && IndexOf(parent) < 0)
            {
                _unknownParents.Add(parent);
            }
        }

        // Each family the root first, then its other members in ascending order, each once: customer c's is c, then
        // every other customer whose root is c (none for a customer that roots no other).
        var count = _ids.Count;
        var start = new int[count + 1];
        for (var c = 0; c < count; c++)
        {
            start[c + 1]++;
            if (_root[c] != c)
            {
                start[_root[c] + 1]++;
            }
        }

        for (var c = 0; c < count; c++)
        {
            start[c + 1] += start[c];
        }

        var members = new int[start[count]];
        var next = new int[count];
        for (var c = 0; c < count; c++)
        {
            members[start[c]] = c;
            next[c] = start[c] + 1;
        }

        for (var c = 0; c < count; c++)
        {
            if (_root[c] != c)
            {
                members[next[_root[c]]++] = c;
            }
        }

        (_familyStart, _familyMembers) = (start, members);
        _familiesAdded = null;
    }

    /// <summary>Each customer's name forms, ascending, side by side: customer c's from the first array's c-th place to its next.</summary>
    private (int[] Start, int[] Forms) FormsByCustomer() => Grouping.ByKey(_nameForms.Count, _ids.Count, new CustomerOfForm(_nameForms));

    private readonly struct CustomerOfForm(List<(int Customer, string Compact, string Name, string? LegalForm)> forms) : Grouping.IKeys
    {
        public int KeyOf(int number) => forms[number].Customer;
    }

    /// <summary>The top of a customer's family: its parents followed up, stopping at an unknown parent or a cycle.</summary>
    private int RootOf(int customer)
    {
        // Most customers have no parent: no set for them.
        var at = customer;
        HashSet<int>? seen = null;
        while (_parentIds[at] is { } parent && IndexOf(parent) is var p and >= 0 && (seen ??= [customer]).Add(p))
        {
            at = p;
        }

        return at;
    }
}
