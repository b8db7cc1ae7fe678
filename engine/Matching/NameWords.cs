namespace CashApp.Engine.Matching;

/// <summary>
/// Whether two company names, each read into its words (<see cref="NameText.Tokens"/>), differ by a whole word: each has
/// a word that is no spelling of any word of the other. "PIONEER TENNESSEE SUPPLY" and "Pioneer Tennessee Solutions",
/// "FRONTIER MINNESOTA ELECTRONICS" and "Frontier Maine Electronics", "ACME WEST" and "Acme East" are two companies,
/// however alike their letters. A name of fewer words is not such a difference: a bank cuts names and payers drop
/// words, so a payer whose words are all spellings of the customer's still identifies it.
/// </summary>
/// <remarks>
/// A spelling of a word is what banks and payers print for it: the word itself; its start ("TENN", a name cut at the
/// field's width), with one slip in what is left ("AIRLANE" of AIRLINES); an abbreviation keeping its first letter and
/// some of the rest in order ("HLTH", "CNTR"; a letter dropped anywhere is one too); one slip (a letter changed, added
/// or dropped, two swapped), or two in a word of eight letters or more whose first letter stays (NORTHERN is no
/// SOUTHERN); the same word in the singular ("SUPPLIES", "SUPPLY"); two or more words run together ("NORTHWEST",
/// "NORTH WEST"). Words of one or two letters (initials, state codes) and joining words (AND, OF, THE) are no
/// difference, nor a legal form cut at the name's end ("GRO"), nor one run into its last word ("STORESINC"). A number
/// is spelled as a number: digits without their leading zeros, an ordinal (3RD, THIRD), a Roman numeral (III); another
/// number is another branch, unless the payer's is the start of it at the end of a name no legal form ends. Digits a
/// reader of the paper took for letters (GO0DYEAR) are read as letters against a word without digits.
/// </remarks>
public static class NameWords
{
    /// <summary>The most words a name is read with; a name of more is never said to differ.</summary>
    private const int MaxWords = 64;

    /// <summary>The longest run of words that may be written as one.</summary>
    private const int MaxRun = 6;

    private static readonly HashSet<string> Joining = new(StringComparer.Ordinal)
    {
        "AND", "THE", "FOR", "UND", "DER", "DIE", "DAS", "DEL", "DES", "LES", "LOS", "LAS", "VAN", "VON", "DEN",
    };

    /// <summary>The legal forms a bank runs into the name's last word ("STORESINC", "110LLC", "TRADERSCO"), longest first (LLC before LC).</summary>
    private static readonly string[] JoinedLegalForms = [.. NameText.LegalFormWords.OrderByDescending(f => f.Length).ThenBy(f => f, StringComparer.Ordinal)];

    /// <summary>
    /// True when the payer's name and the customer's differ by a whole word (see the class), read with their abbreviations
    /// spelled out (<see cref="NameText.Tokens"/>) and as printed (<see cref="NameText.PrintedTokens"/>) alike: a word cut
    /// or misspelt into an abbreviation of another ("GEN" of Gent, read as GENERAL) is no whole word replaced.
    /// </summary>
    public static bool WordReplaced(string? payerName, string? customerName)
    {
        var (payerWords, payerForm) = NameText.TokensAndForm(payerName);
        return WordReplaced(payerName, payerWords, payerForm is null, customerName, NameText.Tokens(customerName));
    }

    /// <summary>
    /// As <see cref="WordReplaced(string?, string?)"/>, with the names' words already read; <paramref name="payerMayBeCut"/>
    /// when no legal form ends the payer's name, so that its last word may be where the bank cut it.
    /// </summary>
    internal static bool WordReplaced(string? payerName, string[] payerWords, bool payerMayBeCut, string? customerName, string[] customerWords)
    {
        string[]? payerPrinted = null, customerPrinted = null;
        return WordReplaced(payerName, payerWords, ref payerPrinted, payerMayBeCut, customerName, customerWords, ref customerPrinted);
    }

    /// <summary>
    /// As above, with each name's printed words (<see cref="PrintedOf"/>) read only when asked for, into
    /// <paramref name="payerPrinted"/> and <paramref name="customerPrinted"/> when null, and read from them when not: a
    /// lookup compares one payer with dozens of customers, and a customer's name comes back lookup after lookup.
    /// </summary>
    /// <remarks>
    /// A name whose printed words are its spelled-out words (no abbreviation in it, the most) gives the same array for both
    /// (<see cref="PrintedOf"/>), and a comparison of the same words again is not made: the words alone decide it, so its
    /// answer is one already had.
    /// </remarks>
    internal static bool WordReplaced(string? payerName, string[] payerWords, ref string[]? payerPrinted, bool payerMayBeCut, string? customerName, string[] customerWords, ref string[]? customerPrinted)
    {
        if (!WordReplaced(payerWords, customerWords, payerMayBeCut))
        {
            return false;
        }

        var payerAsPrinted = payerPrinted ??= PrintedOf(payerName, payerWords);
        var customerAsPrinted = customerPrinted ??= PrintedOf(customerName, customerWords);
        var payerSpelledAsPrinted = ReferenceEquals(payerAsPrinted, payerWords);
        var customerSpelledAsPrinted = ReferenceEquals(customerAsPrinted, customerWords);

        // The payer's printed words against the customer's words, the payer's words against the customer's printed ones,
        // the printed against the printed; each left out when its words are a pair already compared (the first above, or
        // the one before it).
        return (payerSpelledAsPrinted || WordReplaced(payerAsPrinted, customerWords, payerMayBeCut))
            && (customerSpelledAsPrinted || WordReplaced(payerWords, customerAsPrinted, payerMayBeCut))
            && (payerSpelledAsPrinted || customerSpelledAsPrinted || WordReplaced(payerAsPrinted, customerAsPrinted, payerMayBeCut));
    }

    /// <summary>
    /// A name's printed words (<see cref="NameText.PrintedTokens"/>), or <paramref name="words"/> itself, its words with
    /// the abbreviations spelled out (<see cref="NameText.Tokens"/>), when the two are the same words.
    /// </summary>
    internal static string[] PrintedOf(string? name, string[] words)
    {
        var printed = NameText.PrintedTokens(name);
        return printed.AsSpan().SequenceEqual(words) ? words : printed;
    }

    /// <summary>True when each list of words has a word that is no spelling of any word of the other (see the class).</summary>
    internal static bool WordReplaced(ReadOnlySpan<string> payer, ReadOnlySpan<string> customer, bool payerMayBeCut)
    {
        if (payer.Length == 0 || customer.Length == 0 || payer.Length > MaxWords || customer.Length > MaxWords
            || !Replaced(payer, customer, payerMayBeCut))
        {
            return false;
        }

        // A legal form run into the last word is no part of it; read that way, the names may agree.
        return (WithoutJoinedForm(payer) is not { } payerCut || Replaced(payerCut, customer, payerMayBeCut: false))
            && (WithoutJoinedForm(customer) is not { } customerCut || Replaced(payer, customerCut, payerMayBeCut));
    }

    /// <summary>The words with a legal form cut off the end of the last, or null when it ends in none.</summary>
    private static string[]? WithoutJoinedForm(ReadOnlySpan<string> words)
    {
        var last = words[^1];
        foreach (var form in JoinedLegalForms)
        {
            // What is left is a word: three letters before a form of three or more, five before one of two, so that no
            // real word is read as one with a form run on (MESA is no ME SA, COSTCO no COST CO).
            if (last.Length >= form.Length + (form.Length >= 3 ? 3 : 5) && last.EndsWith(form, StringComparison.Ordinal))
            {
                var cut = words.ToArray();
                cut[^1] = last[..^form.Length];
                return cut;
            }
        }

        return null;
    }

    /// <summary>
    /// True when each list has a word the other does not spell, whichever way the words are paired: single words first
    /// (the cheap reading, and most names agree in it), then runs of words first. A run first pairs "NORTHWEST" with
    /// NORTH WEST, where a single word first pairs it with NORTH alone and leaves WEST over; a single word first pairs
    /// "CHILDRENS" with CHILDREN, where a run first may take CHILDREN S for it.
    /// </summary>
    private static bool Replaced(ReadOnlySpan<string> payer, ReadOnlySpan<string> customer, bool payerMayBeCut) =>
        Replaced(payer, customer, payerMayBeCut, runsFirst: false) && Replaced(payer, customer, payerMayBeCut, runsFirst: true);

    private static bool Replaced(ReadOnlySpan<string> payer, ReadOnlySpan<string> customer, bool payerMayBeCut, bool runsFirst)
    {
        ulong payerSpelled = 0, customerSpelled = 0;

        // Equal words first, so that a word spelled out in full is not taken by a look-alike earlier in the other name.
        for (var p = 0; p < payer.Length; p++)
        {
            for (var c = 0; c < customer.Length; c++)
            {
                if ((customerSpelled & Bit(c)) == 0 && string.Equals(payer[p], customer[c], StringComparison.Ordinal))
                {
                    payerSpelled |= Bit(p);
                    customerSpelled |= Bit(c);
                    break;
                }
            }
        }

        if (runsFirst)
        {
            payerSpelled |= RunsSpelled(payer, payerSpelled, customer, ref customerSpelled);
            customerSpelled |= RunsSpelled(customer, customerSpelled, payer, ref payerSpelled);
        }

        for (var p = 0; p < payer.Length; p++)
        {
            for (var c = 0; c < customer.Length && (payerSpelled & Bit(p)) == 0; c++)
            {
                if ((customerSpelled & Bit(c)) == 0 && Spelling(payer[p], customer[c], cut: payerMayBeCut && p == payer.Length - 1 && payer[p].Length < customer[c].Length))
                {
                    payerSpelled |= Bit(p);
                    customerSpelled |= Bit(c);
                }
            }
        }

        if (!runsFirst)
        {
            payerSpelled |= RunsSpelled(payer, payerSpelled, customer, ref customerSpelled);
            customerSpelled |= RunsSpelled(customer, customerSpelled, payer, ref payerSpelled);
        }

        return Unspelled(payer, payerSpelled) && Unspelled(customer, customerSpelled);
    }

    /// <summary>
    /// The words of <paramref name="words"/> not yet spelled that a run of two or more consecutive words of
    /// <paramref name="other"/>, none of them spelled yet, spells, as bits; the run's words are marked spelled in
    /// <paramref name="otherSpelled"/>.
    /// </summary>
    private static ulong RunsSpelled(ReadOnlySpan<string> words, ulong spelled, ReadOnlySpan<string> other, ref ulong otherSpelled)
    {
        ulong found = 0;
        for (var w = 0; w < words.Length; w++)
        {
            if ((spelled & Bit(w)) != 0 || words[w].Length < 2)
            {
                continue;
            }

            for (var from = 0; from < other.Length - 1 && (found & Bit(w)) == 0; from++)
            {
                if ((otherSpelled & Bit(from)) != 0)
                {
                    continue;
                }

                for (var to = from + 1; to < other.Length && to < from + MaxRun && (otherSpelled & Bit(to)) == 0; to++)
                {
                    if (SpellsRun(words[w], other[from..(to + 1)]))
                    {
                        found |= Bit(w);
                        for (var i = from; i <= to; i++)
                        {
                            otherSpelled |= Bit(i);
                        }

                        break;
                    }
                }
            }
        }

        return found;
    }

    /// <summary>
    /// True when <paramref name="word"/> is the words of <paramref name="run"/> run together, each part a spelling of its
    /// word ("NORTHWEST"; "ATLASHLDGS" for ATLAS HOLDINGS; "PIONEERTENN", cut): no letters of the word are taken for a
    /// word of the run they do not spell ("NORTG" is no NORTH RALEIGH, though its letters come in that order).
    /// </summary>
    private static bool SpellsRun(ReadOnlySpan<char> word, ReadOnlySpan<string> run)
    {
        // A part is no longer than its word but for a letter added: a word is the start of a longer one, never its
        // spelling here ("NORTHVERMO" is no NORTH).
        if (run.Length == 1)
        {
            return word.Length <= run[0].Length + 1 && Spelling(word, run[0]);
        }

        // A part of one letter spells only a word of that letter (U S A).
        for (var split = 1; split < word.Length && split <= run[0].Length + 1; split++)
        {
            if (Spelling(word[..split], run[0]) && SpellsRun(word[split..], run[1..]))
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>True when a word not spelled by the other name could tell two companies apart.</summary>
    private static bool Unspelled(ReadOnlySpan<string> words, ulong spelled)
    {
        for (var w = 0; w < words.Length; w++)
        {
            if ((spelled & Bit(w)) == 0 && Distinguishes(words[w]) && !(w == words.Length - 1 && NameText.IsCutLegalForm(words[w], least: 2)))
            {
                return true;
            }
        }

        return false;
    }

    private static bool Distinguishes(string word) =>
        word.AsSpan().ContainsAny(ReferenceText.Digits) || (word.Length >= 3 && !Joining.Contains(word));

    /// <summary>True when one word may be a spelling of the other (see the class), either way round.</summary>
    internal static bool Spelling(ReadOnlySpan<char> a, ReadOnlySpan<char> b, bool cut = false)
    {
        if (a.SequenceEqual(b))
        {
            return true;
        }

        var shorter = a.Length <= b.Length ? a : b;
        var longer = a.Length <= b.Length ? b : a;
        var digitsA = a.ContainsAny(ReferenceText.Digits);
        var digitsB = b.ContainsAny(ReferenceText.Digits);
        if (digitsA || digitsB)
        {
            // Another number is another branch or store: numbers are equal as numbers ("012" and 12, 3RD and THIRD, III and
            // 3), or one is the other cut at the name's end. A word of letters with a digit or two in it is the word as a
            // reader of the paper misread it (GO0DYEAR), if the other word has none.
            if (Number(a) is { } numberA && Number(b) is { } numberB)
            {
                return numberA == numberB || (cut && longer.StartsWith(shorter));
            }

            return digitsA != digitsB && MisreadLetters(digitsA ? a : b, out var word, stackalloc char[MaxMisread])
                ? Spelling(word, digitsA ? b : a, cut)
                : cut && longer.StartsWith(shorter);
        }

        if (shorter.Length >= 2 && shorter[0] == longer[0] && IsSubsequence(shorter, longer))
        {
            // Its start, an abbreviation, or a letter dropped.
            return true;
        }

        if (shorter.Length >= 3 && shorter.Length < longer.Length && IsSubsequence(shorter, longer[..(shorter.Length + 1)]))
        {
            // Its start, or the whole word, with a letter dropped, the first too ("ABS" for LABS, "ERV" for SERVICES).
            return true;
        }

        // One slip; two in a long word, but not in its first letter (NORTHERN is no SOUTHERN); one in what is left of
        // a word the bank cut ("AIRLANE" of AIRLINES).
        return SameSingular(a, b)
            || (shorter.Length >= 3 && Slips(shorter, longer, 1))
            || (shorter.Length >= 8 && shorter[0] == longer[0] && Slips(shorter, longer, 2))
            || (cut && shorter.Length >= 4 && (Slips(shorter, longer[..shorter.Length], 1) || Slips(shorter, longer[..(shorter.Length + 1)], 1)));
    }

    /// <summary>The longest word read for misread letters.</summary>
    private const int MaxMisread = 64;

    /// <summary>
    /// The word with the digits a reader of the paper takes for letters read as those letters (0 O, 1 I, 5 S, 8 B, 2 Z,
    /// 6 G), into <paramref name="buffer"/>; false when the word is not mostly letters or has another digit.
    /// </summary>
    private static bool MisreadLetters(ReadOnlySpan<char> word, out ReadOnlySpan<char> read, Span<char> buffer)
    {
        read = default;
        if (word.Length > buffer.Length || word.Length - word.Count('0') - word.Count('1') - word.Count('5') - word.Count('8') - word.Count('2') - word.Count('6') < 2)
        {
            return false;
        }

        for (var i = 0; i < word.Length; i++)
        {
            var letter = word[i] switch { '0' => 'O', '1' => 'I', '5' => 'S', '8' => 'B', '2' => 'Z', '6' => 'G', var c => c };
            if (char.IsAsciiDigit(letter))
            {
                return false;
            }

            buffer[i] = letter;
        }

        read = buffer[..word.Length];
        return true;
    }

    private static readonly string[] Ordinals = ["FIRST", "SECOND", "THIRD", "FOURTH", "FIFTH", "SIXTH", "SEVENTH", "EIGHTH", "NINTH", "TENTH"];

    private static readonly string[] Romans = ["II", "III", "IV", "V", "VI", "VII", "VIII", "IX", "X", "XI", "XII"];

    /// <summary>
    /// The number a word writes, or null: digits (leading zeros aside), an ordinal (3RD, THIRD), a Roman numeral of two
    /// letters or more (II to XII; a single I, V or X may be an initial).
    /// </summary>
    private static long? Number(ReadOnlySpan<char> word)
    {
        var digits = word.Length > 2 && (word.EndsWith("ST") || word.EndsWith("ND") || word.EndsWith("RD") || word.EndsWith("TH")) && char.IsAsciiDigit(word[^3])
            ? word[..^2]
            : word;
        if (digits.Length is > 0 and <= 18 && !digits.ContainsAnyExcept(ReferenceText.Digits))
        {
            return long.Parse(digits, System.Globalization.CultureInfo.InvariantCulture);
        }

        for (var i = 0; i < Ordinals.Length; i++)
        {
            if (word.SequenceEqual(Ordinals[i]))
            {
                return i + 1;
            }
        }

        for (var i = 0; i < Romans.Length; i++)
        {
            if (word.Length >= 2 && word.SequenceEqual(Romans[i]))
            {
                return i + 2;
            }
        }

        return null;
    }

    private static bool IsSubsequence(ReadOnlySpan<char> shorter, ReadOnlySpan<char> longer)
    {
        var at = 0;
        foreach (var c in longer)
        {
            if (at < shorter.Length && shorter[at] == c)
            {
                at++;
            }
        }

        return at == shorter.Length;
    }

    /// <summary>True when the two are one word in the singular ("SUPPLIES", "SUPPLY"; "BRANDS", "BRAND").</summary>
    private static bool SameSingular(ReadOnlySpan<char> a, ReadOnlySpan<char> b)
    {
        var stemA = Singular(a, out var yA);
        var stemB = Singular(b, out var yB);
        return yA == yB && stemA.SequenceEqual(stemB);
    }

    /// <summary>The word in the singular: its stem, and whether a Y follows it ("SUPPLIES": SUPPL and a Y).</summary>
    private static ReadOnlySpan<char> Singular(ReadOnlySpan<char> word, out bool y)
    {
        if (word.Length > 4 && word.EndsWith("IES"))
        {
            y = true;
            return word[..^3];
        }

        var singular = word.Length > 3 && word[^1] == 'S' && word[^2] != 'S' ? word[..^1] : word;
        y = singular.Length > 1 && singular[^1] == 'Y';
        return y ? singular[..^1] : singular;
    }

    /// <summary>
    /// True when at most <paramref name="most"/> slips (a letter changed, added or dropped, two neighbours swapped) turn
    /// one word into the other: the optimal string alignment distance the reference index reads near numbers by.
    /// </summary>
    private static bool Slips(ReadOnlySpan<char> a, ReadOnlySpan<char> b, int most) => DeleteNeighbourhoodIndex.Distance(a, b, most) <= most;

    private static ulong Bit(int index) => 1UL << index;
}
