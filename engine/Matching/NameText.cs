using System.Collections.Frozen;
using System.Text;
using AnyAscii;

namespace CashApp.Engine.Matching;

/// <summary>
/// Brings company names, as AR keeps them and as banks print them, to one comparable form: upper case,
/// no punctuation, common business abbreviations spelled out, legal-form suffixes dropped, and
/// <c>DBA</c> / <c>C/O</c> forms reduced to the name that pays.
/// </summary>
public static class NameText
{
    private static readonly FrozenDictionary<string, string> Abbreviations = new Dictionary<string, string>(StringComparer.Ordinal)
    {
        ["INTL"] = "INTERNATIONAL", ["INTERNATL"] = "INTERNATIONAL", ["MFG"] = "MANUFACTURING", ["MFRS"] = "MANUFACTURERS",
        ["SVCS"] = "SERVICES", ["SVC"] = "SERVICE", ["SERV"] = "SERVICES", ["SYS"] = "SYSTEMS", ["IND"] = "INDUSTRIES",
        ["INDS"] = "INDUSTRIES", ["LOG"] = "LOGISTICS", ["SOL"] = "SOLUTIONS", ["SOLNS"] = "SOLUTIONS", ["HLDGS"] = "HOLDINGS",
        ["HLDG"] = "HOLDING", ["AMER"] = "AMERICAN", ["NATL"] = "NATIONAL", ["ELEC"] = "ELECTRONICS", ["PTNRS"] = "PARTNERS", ["PTNR"] = "PARTNERS", ["PRTNRS"] = "PARTNERS",
        ["ASSOC"] = "ASSOCIATES", ["ASSN"] = "ASSOCIATION", ["BROS"] = "BROTHERS", ["DIST"] = "DISTRIBUTION",
        ["DISTR"] = "DISTRIBUTION", ["ENGG"] = "ENGINEERING", ["ENG"] = "ENGINEERING", ["MGMT"] = "MANAGEMENT",
        ["TECHN"] = "TECHNOLOGIES", ["TECHS"] = "TECHNOLOGIES", ["UNIV"] = "UNIVERSITY", ["GRP"] = "GROUP", ["MKTG"] = "MARKETING",
        ["PHARM"] = "PHARMA", ["CHEM"] = "CHEMICALS", ["LABS"] = "LABS", ["TRANSP"] = "TRANSPORT", ["EQUIP"] = "EQUIPMENT",
        ["FIN"] = "FINANCIAL", ["INS"] = "INSURANCE", ["CTR"] = "CENTER", ["MTN"] = "MOUNTAIN", ["STD"] = "STANDARD",
        ["GEN"] = "GENERAL", ["CONSOL"] = "CONSOLIDATED", ["INTEG"] = "INTEGRATED", ["PREC"] = "PRECISION",
        ["AND"] = "AND",
    }.ToFrozenDictionary(StringComparer.Ordinal);

    // The short forms banks print, for comparing with names whose words were run together ("ATLASHLDGS").
    private static readonly FrozenDictionary<string, string> ShortForms = new Dictionary<string, string>(StringComparer.Ordinal)
    {
        ["INTERNATIONAL"] = "INTL", ["MANUFACTURING"] = "MFG", ["SERVICES"] = "SVCS", ["SYSTEMS"] = "SYS", ["INDUSTRIES"] = "IND",
        ["LOGISTICS"] = "LOG", ["SOLUTIONS"] = "SOL", ["HOLDINGS"] = "HLDGS", ["AMERICAN"] = "AMER", ["NATIONAL"] = "NATL",
        ["ELECTRONICS"] = "ELEC", ["PARTNERS"] = "PTNRS", ["ASSOCIATES"] = "ASSOC", ["BROTHERS"] = "BROS", ["DISTRIBUTION"] = "DIST",
        ["ENGINEERING"] = "ENG", ["MANAGEMENT"] = "MGMT", ["TECHNOLOGIES"] = "TECH", ["TECHNOLOGY"] = "TECH", ["MARKETING"] = "MKTG",
        ["EQUIPMENT"] = "EQUIP", ["FINANCIAL"] = "FIN", ["INSURANCE"] = "INS", ["CENTER"] = "CTR", ["MOUNTAIN"] = "MTN",
        ["CHEMICALS"] = "CHEM", ["CONSOLIDATED"] = "CONSOL", ["DEVELOPMENT"] = "DEV", ["PRODUCTS"] = "PRODS", ["COMMUNICATIONS"] = "COMMS",
    }.ToFrozenDictionary(StringComparer.Ordinal);

    private static readonly FrozenSet<string> LegalForms = new[]
    {
        "INC", "INCORPORATED", "LLC", "LC", "CORP", "CORPORATION", "CO", "COMPANY", "LTD", "LIMITED", "LP", "LLP", "PLC",
        "GROUP", "GMBH", "AG", "SA", "SARL", "SAS", "BV", "NV", "SPA", "SRL", "SE", "SL", "OY", "OYJ", "AB", "AS", "APS",
        "KG", "OHG", "PTY", "PTE", "BHD", "KK", "ULC", "PC", "PLLC", "THE",
    }.ToFrozenSet(StringComparer.Ordinal);

    // The kind each legal-form word names, so that spellings of one form compare equal ("INC" and "INCORPORATED";
    // "LTD" and "LIMITED"). Words that say nothing of the kind ("CO", "COMPANY", "GROUP", "THE") are left out. A form
    // not listed is its own kind. "INC" and "CORP" stay two: in two states they are two companies, and a payer's
    // bank prints the name the payer's account is held in, its registered one.
    private static readonly FrozenDictionary<string, string> FormKinds = new Dictionary<string, string>(StringComparer.Ordinal)
    {
        ["INC"] = "INC", ["INCORPORATED"] = "INC", ["CORP"] = "CORP", ["CORPORATION"] = "CORP",
        ["LLC"] = "LLC", ["LC"] = "LLC", ["LTD"] = "LTD", ["LIMITED"] = "LTD",
        ["CO"] = string.Empty, ["COMPANY"] = string.Empty, ["GROUP"] = string.Empty, ["THE"] = string.Empty,
    }.ToFrozenDictionary(StringComparer.Ordinal);

    /// <summary>The name's words in canonical form, without legal-form words.</summary>
    public static string[] Tokens(string? name) => TokensAndForm(name).Tokens;

    /// <summary>
    /// The name's words as <see cref="Tokens(string?)"/> reads them, each the string <paramref name="words"/> keeps for it:
    /// a word already in the table makes no string (see <see cref="WordTable"/>).
    /// </summary>
    internal static string[] Tokens(string? name, WordTable words) => TokensAndForm(name, spellOut: true, words).Tokens;

    /// <summary>
    /// Words kept once each, by their letters: what a directory reads its name forms' words into, so that the words it
    /// keeps for hundreds of thousands of forms are a string for each distinct word, not one for each word of each form
    /// (PERFORMANCE.md, "Session 45"). It holds every word it is given until it is dropped, as the forms' words are.
    /// Safe for lookups on several threads at once; two that add one word at once both get the one kept.
    /// </summary>
    internal sealed class WordTable
    {
        private readonly System.Collections.Concurrent.ConcurrentDictionary<string, string> _words = new(StringComparer.Ordinal);
        private readonly System.Collections.Concurrent.ConcurrentDictionary<string, string>.AlternateLookup<ReadOnlySpan<char>> _byLetters;

        public WordTable() => _byLetters = _words.GetAlternateLookup<ReadOnlySpan<char>>();

        /// <summary>How many words are kept.</summary>
        public int Count => _words.Count;

        /// <summary>The word of these letters: the one kept, or a new one kept from now on.</summary>
        public string Of(ReadOnlySpan<char> letters)
        {
            if (_byLetters.TryGetValue(letters, out var word))
            {
                return word;
            }

            var made = new string(letters);
            return _words.GetOrAdd(made, made);
        }
    }

    /// <summary>
    /// The name's words in canonical form, without legal-form words (as <see cref="Tokens"/>), and the kind of legal
    /// form the name ends with: its legal-form words in canonical spelling (<c>INC</c> for "Inc." and "Incorporated",
    /// <c>GMBH KG</c> for "GmbH &amp; Co. KG"), or null when it names none.
    /// </summary>
    public static (string[] Tokens, string? LegalForm) TokensAndForm(string? name) => TokensAndForm(name, spellOut: true);

    /// <summary>
    /// The name's words as <see cref="Tokens"/> reads them, but as printed: abbreviations are not spelled out ("GEN" stays
    /// GEN, where <see cref="Tokens"/> makes it GENERAL; "GRP" stays GRP, where GROUP would be dropped as a legal form). A
    /// cut or misspelt word can look like an abbreviation of another ("GEN" for Gent, "UNIV" of UNIV ERSAL): what
    /// <see cref="NameWords"/> compares besides the spelled-out words.
    /// </summary>
    public static string[] PrintedTokens(string? name) => TokensAndForm(name, spellOut: false).Tokens;

    // The kept words as strings: an abbreviation spelled out (or a legal-form word) is the reader's table's own string,
    // any other word made once, or the one table gives for its letters.
    private static (string[] Tokens, string? LegalForm) TokensAndForm(string? name, bool spellOut, WordTable? table = null)
    {
        if (string.IsNullOrWhiteSpace(name))
        {
            return ([], null);
        }

        var words = NameWordsRead.OfThread();
        var (start, end, legalForm) = words.Read(name, spellOut);
        var tokens = new string[end - start];
        for (var w = start; w < end; w++)
        {
            tokens[w - start] = words.Table(w) ?? table?.Of(words.Word(w)) ?? new string(words.Word(w));
        }

        words.Release();
        return (tokens, legalForm);
    }

    /// <summary>
    /// The name's words as <see cref="TokensAndForm(string?)"/> reads them, given as their compact text (the words side by
    /// side, <see cref="Compact"/>) and each word's length in it, and the kind of its legal form: what a directory reading
    /// every customer's name keeps, with no string made for any word.
    /// </summary>
    internal static (string Compact, WordLengths Words, string? LegalForm) CompactAndForm(string? name)
    {
        if (string.IsNullOrWhiteSpace(name))
        {
            return (string.Empty, default, null);
        }

        var words = NameWordsRead.OfThread();
        var (start, end, legalForm) = words.Read(name, spellOut: true);
        var compact = words.Text(start, end);
        Span<int> lengths = end - start <= 64 ? stackalloc int[end - start] : new int[end - start];
        for (var w = start; w < end; w++)
        {
            lengths[w - start] = words.Length(w);
        }

        words.Release();
        return (compact, new WordLengths(lengths), legalForm);
    }

    /// <summary>The lengths of a name's words in its compact text, in order (<see cref="CompactAndForm"/>).</summary>
    /// <remarks>
    /// Up to eight words of up to 255 letters (nearly every name) are packed in one number, a byte a word; a longer name's
    /// are kept in an array.
    /// </remarks>
    internal readonly struct WordLengths
    {
        private const int Packed = 8;

        private readonly ulong _packed;
        private readonly int[]? _lengths;

        internal WordLengths(ReadOnlySpan<int> lengths)
        {
            var fits = lengths.Length <= Packed;
            foreach (var length in lengths)
            {
                fits &= length <= byte.MaxValue;
            }

            if (!fits)
            {
                _lengths = lengths.ToArray();
                return;
            }

            for (var w = 0; w < lengths.Length; w++)
            {
                _packed |= (ulong)lengths[w] << (8 * w);
            }
        }

        /// <summary>The lengths of <paramref name="words"/>, in order.</summary>
        internal static WordLengths Of(string[] words)
        {
            Span<int> lengths = words.Length <= 64 ? stackalloc int[words.Length] : new int[words.Length];
            for (var w = 0; w < words.Length; w++)
            {
                lengths[w] = words[w].Length;
            }

            return new WordLengths(lengths);
        }

        /// <summary>How many words: packed, as many as the bytes in use (no word is empty).</summary>
        public int Count => _lengths?.Length ?? (71 - System.Numerics.BitOperations.LeadingZeroCount(_packed)) / 8;

        /// <summary>The length of word <paramref name="word"/>, one of the <see cref="Count"/>.</summary>
        public int this[int word]
        {
            get
            {
                System.Diagnostics.Debug.Assert((uint)word < (uint)Count, "a word of the name");
                return _lengths?[word] ?? (int)((_packed >> (8 * word)) & byte.MaxValue);
            }
        }
    }

    /// <summary>
    /// One name's words read into this thread's buffers (<see cref="Read"/>): their text side by side, abbreviations spelled
    /// out, where each ends, and the table's own string for a word that is one (an abbreviation spelled out, a legal-form
    /// word). Read through before the thread reads another name; one grown past a long name's room is dropped, as the
    /// builder is.
    /// </summary>
    internal sealed class NameWordsRead
    {
        private char[] _text = new char[128];
        private int[] _ends = new int[16];
        private string?[] _tables = new string?[16];
        private int _count;

        [ThreadStatic]
        private static NameWordsRead? t_read;

        public static NameWordsRead OfThread() => t_read ??= new NameWordsRead();

        /// <summary>Lets the buffers go when a long name grew them, so that no thread keeps the longest name it read.</summary>
        public void Release()
        {
            Array.Clear(_tables, 0, _count);
            _count = 0;
            if (_text.Length > MaxCachedBuilder || _ends.Length > MaxCachedWords)
            {
                t_read = null;
            }
        }

        /// <summary>Word <paramref name="word"/>'s letters.</summary>
        public ReadOnlySpan<char> Word(int word) => _text.AsSpan(Start(word), Length(word));

        public int Length(int word) => _ends[word] - Start(word);

        /// <summary>The table's own string for word <paramref name="word"/> when it is one (spelled out, a legal form), else null.</summary>
        public string? Table(int word) => _tables[word];

        /// <summary>The words from <paramref name="start"/> to before <paramref name="end"/> side by side, as a string.</summary>
        public string Text(int start, int end) => start == end ? string.Empty : new string(_text.AsSpan(Start(start), _ends[end - 1] - Start(start)));

        private int Start(int word) => word == 0 ? 0 : _ends[word - 1];

        /// <summary>
        /// Reads the name's words into the buffers, and says which of them are kept (legal-form words go wherever they stand
        /// at the end, and "THE" at the start) and the kind of the legal form the name ends with (see <see cref="TokensAndForm(string?)"/>).
        /// </summary>
        public (int Start, int End, string? LegalForm) Read(string name, bool spellOut)
        {
            // Letters without an ASCII decomposition (ß, Ø, Æ, Ł, Œ) and Greek or Cyrillic names are transliterated,
            // not dropped: ØRSTED is ORSTED, never RSTED, and ГАЗПРОМ is GAZPROM, never nothing.
            // Upper-cased a character at a time, not as a copy of the name: the text is ASCII here, so that is what
            // ToUpperInvariant makes of it, and the markers are found ignoring case.
            var ascii = Ascii.IsValid(name) ? name : name.Transliterate();
            System.Diagnostics.Debug.Assert(Ascii.IsValid(ascii), "the transliteration is ASCII");
            var builder = t_builder?.Clear() ?? new StringBuilder(64);
            foreach (var letter in PayingName(ascii))
            {
                var c = char.ToUpperInvariant(letter);
                if (char.IsAsciiLetterOrDigit(c))
                {
                    builder.Append(c);
                }
                else if (c == '&' || c == '+')
                {
                    builder.Append(" AND ");
                }
                else if (c is '.' or '\'' or '`')
                {
                    // "S.A.", "B.V.", "O'Neil": the dots and apostrophes join, they do not separate.
                }
                else if (char.IsLetterOrDigit(c))
                {
                    builder.Append(Fold(c));
                }
                else
                {
                    builder.Append(' ');
                }
            }

            // The words, read off the text into the buffers: a name is read for every payment, so no string of the whole
            // text and no string of a word is made here.
            var text = builder.Length <= 256 ? stackalloc char[builder.Length] : new char[builder.Length];
            builder.CopyTo(0, text, builder.Length);
            t_builder = builder.Capacity <= MaxCachedBuilder ? builder : null;
            _count = 0;
            for (var at = 0; at < text.Length;)
            {
                var length = text[at..].IndexOf(' ');
                length = length < 0 ? text.Length - at : length;
                if (length > 0)
                {
                    var word = text.Slice(at, length);
                    Add(word, spellOut && AbbreviationsBySpan.TryGetValue(word, out var full) ? full
                        : LegalFormsBySpan.TryGetValue(word, out var form) ? form
                        : null);
                }

                at += length + 1;
            }

            var legalForm = LegalFormOf();

            // Legal forms go wherever they stand at the end ("ACME CO INC"), and "THE" at the start. A bank
            // that cuts a name to its field width leaves a legal form half written ("CORPORA"): that goes too.
            var end = _count;
            while (end > 1 && (LegalFormsBySpan.Contains(Word(end - 1)) || CutLegalForm(Word(end - 1)) is not null))
            {
                end--;
            }

            var start = end > 1 && Word(0).SequenceEqual("THE") ? 1 : 0;
            return (start, end, legalForm);
        }

        // A word, as the table's string when it is one (an abbreviation spelled out is that string's letters).
        private void Add(ReadOnlySpan<char> word, string? table)
        {
            var letters = table ?? word;
            var from = _count == 0 ? 0 : _ends[_count - 1];
            if (from + letters.Length > _text.Length)
            {
                Array.Resize(ref _text, Math.Max(_text.Length * 2, from + letters.Length));
            }

            if (_count == _ends.Length)
            {
                Array.Resize(ref _ends, _count * 2);
                Array.Resize(ref _tables, _count * 2);
            }

            letters.CopyTo(_text.AsSpan(from));
            _ends[_count] = from + letters.Length;
            _tables[_count++] = table;
        }

        /// <summary>
        /// The kind of the legal form at the end of the words (see <see cref="TokensAndForm(string?)"/>): its legal-form
        /// words, an "AND" between two of them skipped ("GMBH AND CO KG"), each in canonical spelling, the words that name
        /// no kind left out; null when there are none. A form cut by the bank's width ("CORPORA") is the form it starts;
        /// one that ends in a joining word ("GMBH &amp; CO", the rest of "GMBH &amp; CO. KG" cut off) names no kind.
        /// </summary>
        private string? LegalFormOf()
        {
            // The first kind found is the last one written; a list is made only at a second (most names end in one or none).
            string? last = null;
            List<string>? kinds = null;
            var at = _count - 1;

            // The first word is the name, never its form ("AB" alone, "SA" alone).
            while (at > 0)
            {
                var word = Word(at);
                if (word.SequenceEqual("AND") && at > 1 && LegalFormsBySpan.Contains(Word(at - 1)) && last is not null)
                {
                    at--;
                    continue;
                }

                var kind = LegalFormsBySpan.TryGetValue(word, out var form) ? FormKinds.GetValueOrDefault(form, form)
                    : CutLegalForm(word) is { } cut ? FormKinds.GetValueOrDefault(cut, string.Empty)
                    : null;
                if (kind is null)
                {
                    break;
                }

                if (kind.Length > 0)
                {
                    if (last is null)
                    {
                        last = kind;
                    }
                    else
                    {
                        (kinds ??= [last]).Insert(0, kind);
                    }
                }

                at--;
            }

            return kinds is null ? last : string.Join(' ', kinds);
        }
    }

    // Declared after the tables they read: static fields are set in the order they are written.
    private static readonly FrozenDictionary<string, string>.AlternateLookup<ReadOnlySpan<char>> AbbreviationsBySpan = Abbreviations.GetAlternateLookup<ReadOnlySpan<char>>();

    private static readonly FrozenSet<string>.AlternateLookup<ReadOnlySpan<char>> LegalFormsBySpan = LegalForms.GetAlternateLookup<ReadOnlySpan<char>>();

    private static readonly FrozenDictionary<string, string>.AlternateLookup<ReadOnlySpan<char>> ShortFormsBySpan = ShortForms.GetAlternateLookup<ReadOnlySpan<char>>();

    private const int MaxCachedWords = 64;

    // One per thread, cleared for each name: names are read for every payment, on every thread that matches. One grown
    // past a long name's room is dropped, not kept, so that no server thread holds the longest name it ever read.
    [ThreadStatic]
    private static StringBuilder? t_builder;

    private const int MaxCachedBuilder = 512;

    /// <summary>
    /// True when two names' legal forms (see <see cref="TokensAndForm"/>) are of different kinds: both names carry one,
    /// and they differ ("INC" and "BV", "GMBH" and "GMBH KG"). A name without a form conflicts with none.
    /// </summary>
    public static bool LegalFormsConflict(string? payerForm, string? customerForm) =>
        payerForm is not null && customerForm is not null && !string.Equals(payerForm, customerForm, StringComparison.Ordinal);

    private static readonly string[] LongLegalForms = ["CORPORATION", "INCORPORATED", "COMPANY", "LIMITED", "GROUP"];

    /// <summary>The legal-form words ("INC", "GMBH", "CO", "CORPORATION"; not "THE"): what a bank may run into a name's last word.</summary>
    internal static IEnumerable<string> LegalFormWords => LegalForms.Where(f => f != "THE");

    /// <summary>True when <paramref name="token"/> is the cut-off start, of at least <paramref name="least"/> letters, of a long legal form ("COR", "GRO").</summary>
    internal static bool IsCutLegalForm(string token, int least) => token.Length >= least && CutLegalForm(token, least) is not null;

    /// <summary>The long legal form <paramref name="token"/> is the cut-off start of ("CORPORA": CORPORATION), if any.</summary>
    private static string? CutLegalForm(ReadOnlySpan<char> token) => CutLegalForm(token, least: 4);

    private static string? CutLegalForm(ReadOnlySpan<char> token, int least)
    {
        if (token.Length >= least)
        {
            foreach (var form in LongLegalForms)
            {
                if (form.Length > token.Length && form.AsSpan().StartsWith(token, StringComparison.Ordinal))
                {
                    return form;
                }
            }
        }

        return null;
    }

    /// <summary>The canonical words in their usual short forms, joined without spaces ("ATLASHLDGS").</summary>
    public static string ShortCompact(string[] tokens)
    {
        ArgumentNullException.ThrowIfNull(tokens);
        return ShortCompact(tokens, string.Concat(tokens));
    }

    /// <summary>
    /// As <see cref="ShortCompact(string[])"/>, given the words' <paramref name="compact"/> text: that string itself when
    /// no word has a short form (most names), so that no copy of it is made.
    /// </summary>
    internal static string ShortCompact(string[] tokens, string compact)
    {
        System.Diagnostics.Debug.Assert(compact == string.Concat(tokens), "the compact text is the words joined");
        return ShortCompact(compact, WordLengths.Of(tokens));
    }

    /// <summary>
    /// As <see cref="ShortCompact(string[], string)"/>, of the words given as their <paramref name="compact"/> text and
    /// <paramref name="words"/>' lengths in it (<see cref="CompactAndForm"/>): that string itself when no word has a short form.
    /// </summary>
    internal static string ShortCompact(string compact, WordLengths words)
    {
        var length = 0;
        var changed = false;
        for (int w = 0, at = 0; w < words.Count; at += words[w++])
        {
            var word = compact.AsSpan(at, words[w]);
            if (ShortFormsBySpan.TryGetValue(word, out var shortForm))
            {
                length += shortForm.Length;
                changed = true;
            }
            else
            {
                length += word.Length;
            }
        }

        if (!changed)
        {
            return compact;
        }

        return string.Create(length, (compact, words), static (text, name) =>
        {
            for (int w = 0, at = 0; w < name.words.Count; at += name.words[w++])
            {
                var word = name.compact.AsSpan(at, name.words[w]);
                var letters = ShortFormsBySpan.TryGetValue(word, out var shortForm) ? shortForm : word;
                letters.CopyTo(text);
                text = text[letters.Length..];
            }
        });
    }

    /// <summary>The canonical words joined without spaces: the form truncation and dropped spaces leave comparable.</summary>
    public static string Compact(string? name) => string.Concat(Tokens(name));

    private static readonly string[] CareOfMarkers = [" C/O ", " ATTN ", " ATTN: ", " FBO "];

    private static readonly string[] TradingMarkers = [" DBA ", " D/B/A ", " T/A "];

    // "ACME INC DBA ROADRUNNER SUPPLY" pays as either; "ACME INC C/O FIRST BANK" pays as ACME. The name is ASCII here
    // (see TokensAndForm), so a marker found ignoring case is where it stands in the upper-cased name.
    private static ReadOnlySpan<char> PayingName(ReadOnlySpan<char> name)
    {
        foreach (var marker in CareOfMarkers)
        {
            var at = name.IndexOf(marker, StringComparison.OrdinalIgnoreCase);
            if (at > 0)
            {
                name = name[..at];
            }
        }

        foreach (var marker in TradingMarkers)
        {
            var at = name.IndexOf(marker, StringComparison.OrdinalIgnoreCase);
            if (at > 0)
            {
                name = name[..at];
            }
        }

        return name;
    }

    /// <summary>The trading name after a <c>DBA</c> marker, if the name has one.</summary>
    public static string? TradingName(string? name)
    {
        if (name is null)
        {
            return null;
        }

        // Found ignoring case, not in an upper-cased copy: the name may hold any letter, and the one that upper-cases to
        // an ASCII letter (ſ, to S) is one no marker has. A marker with an S would have to be looked for in the copy.
        foreach (var marker in TradingMarkers)
        {
            var at = name.IndexOf(marker, StringComparison.OrdinalIgnoreCase);
            if (at > 0)
            {
                return name[(at + marker.Length)..];
            }
        }

        return null;
    }

    private static char Fold(char c)
    {
        var decomposed = c.ToString().Normalize(NormalizationForm.FormD);
        return decomposed.Length > 0 && char.IsAsciiLetterOrDigit(decomposed[0]) ? char.ToUpperInvariant(decomposed[0]) : ' ';
    }
}
