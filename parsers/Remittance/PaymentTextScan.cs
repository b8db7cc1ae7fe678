using CashApp.Parsers.Common;
using CashApp.Parsers.Currency;
using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using static CashApp.Parsers.Remittance.PaymentTextParser;

namespace CashApp.Parsers.Remittance;

/// <summary>Where a value sits in a payment text: 0-based start and length, in chars.</summary>
internal readonly record struct TextRange(int Start, int Length);

/// <summary>A label found in a payment text: its index in <see cref="Labels"/>, where it starts and its value.</summary>
internal readonly record struct FoundLabel(int Label, int Start, TextRange Value);

/// <summary>
/// The work of <see cref="PaymentTextParser"/> over a span: the labels of a payment text, who paid and the
/// remittance, as positions in the text, so that a reader makes strings only of the values it keeps. One instance
/// is reused text after text (its buffers grow to the longest); not thread-safe.
/// </summary>
internal sealed class PaymentTextScan
{
    /// <summary>The labels by a hash of the two characters before their colon, longest label first (so leftmost first).</summary>
    private static readonly Candidate[]?[] ByEnding = IndexByEnding();

    private static readonly string[] EdiSegments = ["RMR*", "NTE*", "REF*", "BPR*", "TRN*", "DTM*", "ADX*", "ENT*", "N1*", "IT1*"];

    private readonly List<RemittanceLine> lines = [];
    private FoundLabel[] labels = new FoundLabel[16];
    private int labelCount;
    private TextRange[] remittance = new TextRange[4];
    private int remittanceCount;
    private char[] joined = new char[256];
    private int[] colons = new int[64];

    /// <summary>The labels found, in text order, each with its value (after any '=' and trimmed).</summary>
    public ReadOnlySpan<FoundLabel> Labels => labels.AsSpan(0, labelCount);

    /// <summary>The payer's name: the first non-empty name label, else the first by-order-of name.</summary>
    public TextRange? PayerName { get; private set; }

    /// <summary>The payer's identifier.</summary>
    public TextRange? PayerId { get; private set; }

    /// <summary>The payer's account as given (without the routing number).</summary>
    public TextRange? PayerAccount { get; private set; }

    /// <summary>The payer's routing number, when a <c>DABA:</c> gave one.</summary>
    public TextRange? PayerRouting { get; private set; }

    /// <summary>True when the text has a <c>DACT:</c> label: the payer account is then <c>ROUTING:ACCOUNT</c> when both are known.</summary>
    public bool PayerAccountIsDact { get; private set; }

    /// <summary>The documents listed in EDI RMR segments; the list is reused by the next <see cref="Read"/>.</summary>
    public List<RemittanceLine> Lines => lines;

    /// <summary>True when the text follows a known layout: it had labels or EDI remittance lines.</summary>
    public bool Recognized => labelCount > 0 || lines.Count > 0;

    /// <summary>Reads one payment text; the results describe it until the next call.</summary>
    /// <param name="text">The text, continuations joined verbatim.</param>
    /// <param name="minorDigits">Decimals of the payment's currency, for EDI amounts.</param>
    /// <param name="pieceStarts">Where each continuation starts in <paramref name="text"/>: a label may start there without a space before it.</param>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public void Read(ReadOnlySpan<char> text, int minorDigits, ReadOnlySpan<int> pieceStarts)
    {
        labelCount = 0;
        remittanceCount = 0;
        lines.Clear();
        PayerName = PayerId = PayerAccount = PayerRouting = null;
        PayerAccountIsDact = false;
        FindLabels(text, pieceStarts);
        if (labelCount == 0)
        {
            // No layout: the text may still be bare EDI segments.
            if (LooksLikeEdi(text))
            {
                ReadEdi(text, 0, text.Length, minorDigits);
            }

            return;
        }

        TextRange? fallbackName = null;
        var previous = Role.Other;
        for (var i = 0; i < labelCount; i++)
        {
            var found = labels[i];
            var label = PaymentTextParser.Labels[found.Label];
            var valueEnd = i + 1 < labelCount ? labels[i + 1].Start : text.Length;
            var value = Value(text, found.Start + label.Text.Length, valueEnd);
            if (label.Role != Role.Remittance && KeyAtPieceStart(text, value.Start, value.Start + value.Length, pieceStarts, afterLetter: true) is var key and >= 0)
            {
                // A continuation that starts a field of a layout not known here ends the value: a key is never part of a name or an id.
                value = Trimmed(text, value.Start, key);
            }

            if (label.Role != Role.Remittance)
            {
                // A key of a layout not known here ("REF:", "NAME=", "/ROC/") ends a name or an id too; the number a
                // reference key gives is read as remittance.
                value = BeforeInnerKey(text, value, label.Role is Role.PayerName or Role.PayerNameFallback, out var reference);
                if (reference.Length > 0)
                {
                    AddRemittanceByField(text, reference, pieceStarts);
                }
            }

            labels[i] = found with { Value = value };
            TextRange? nonEmpty = value.Length == 0 ? null : value;
            switch (label.Role)
            {
                case Role.PayerName:
                    PayerName ??= nonEmpty;
                    break;
                case Role.PayerNameFallback:
                    fallbackName ??= nonEmpty;
                    break;
                case Role.PayerId:
                    PayerId ??= nonEmpty;
                    break;
                case Role.WireId when previous == Role.PayerName && label.Text == "ID:":
                    // Fedwire "ORIG:NAME ID:ACCOUNT": the originator's identifier is its account number.
                    PayerId ??= nonEmpty;
                    PayerAccount ??= nonEmpty;
                    break;
                case Role.PayerAccount:
                    PayerAccount ??= nonEmpty;
                    PayerAccountIsDact = true;
                    break;
                case Role.PayerRouting:
                    PayerRouting ??= nonEmpty;
                    break;
                case Role.Reference when value.Length > 0 && text.Slice(value.Start, value.Length).ContainsAnyInRange('0', '9'):
                    // "ENTRY DESCR:PAYMENT INV-1001": the number is read; a description of words alone says nothing of what was paid.
                    AddRemittanceByField(text, value, pieceStarts);
                    break;
                case Role.Remittance when value.Length > 0:
                    var slice = text.Slice(value.Start, value.Length);
                    if (LooksLikeEdi(slice))
                    {
                        ReadEdi(text, value.Start, value.Start + value.Length, minorDigits);
                    }
                    else
                    {
                        AddRemittanceByField(text, value, pieceStarts);
                    }

                    break;
            }

            previous = label.Role;
        }

        PayerName ??= fallbackName;
    }

    /// <summary>The remittance text of the last <see cref="Read"/> (its pieces joined with spaces), or null.</summary>
    public string? RemittanceText(ReadOnlySpan<char> text) => remittanceCount == 0 ? null : new string(RemittanceChars(text));

    /// <summary>The characters of <see cref="RemittanceText"/> (empty for null), valid until the next <see cref="Read"/>.</summary>
    public ReadOnlySpan<char> RemittanceChars(ReadOnlySpan<char> text)
    {
        if (remittanceCount <= 1)
        {
            return remittanceCount == 0 ? default : text.Slice(remittance[0].Start, remittance[0].Length);
        }

        var length = remittanceCount - 1;
        for (var i = 0; i < remittanceCount; i++)
        {
            length += remittance[i].Length;
        }

        if (joined.Length < length)
        {
            joined = new char[Math.Max(length, joined.Length * 2)];
        }

        var at = 0;
        for (var i = 0; i < remittanceCount; i++)
        {
            if (i > 0)
            {
                joined[at++] = ' ';
            }

            text.Slice(remittance[i].Start, remittance[i].Length).CopyTo(joined.AsSpan(at));
            at += remittance[i].Length;
        }

        return joined.AsSpan(0, length);
    }

    /// <summary>
    /// Finds the labels, left to right: a label starts the text, follows a space or starts a continuation, and a
    /// weak label does not count inside remittance text. Every label ends at its only ':', so a label that starts
    /// at or before a colon ends at that colon: rather than try every word, each colon is tried against the labels
    /// that end with the two characters before it, longest (leftmost) first. The first colon with a match gives the
    /// leftmost label, as a scan of every character would. The colons are found first, sixteen characters at a
    /// time, and a candidate is tried by its first and last four characters before its whole text.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private void FindLabels(ReadOnlySpan<char> text, ReadOnlySpan<int> pieceStarts)
    {
        var colonCount = FindColons(text);
        var inRemittance = false;
        var from = 0;
        ref var first = ref MemoryMarshal.GetReference(text);
        for (var c = 0; c < colonCount; c++)
        {
            // The shortest label, "ID:", has two characters before its colon.
            var colon = colons[c];
            if (colon < 2 || ByEnding[Ending(text[colon - 2], text[colon - 1])] is not { } candidates)
            {
                continue;
            }

            foreach (var candidate in candidates)
            {
                var start = colon + 1 - candidate.Text.Length;
                if (start < from || (inRemittance && candidate.Weak))
                {
                    continue;
                }

                if (candidate.Text.Length > 4)
                {
                    // Four characters are eight bytes: the label's first four and the four before its colon, read at
                    // once; a label of up to eight characters before its colon is then wholly compared.
                    if (Unsafe.ReadUnaligned<ulong>(ref Unsafe.As<char, byte>(ref Unsafe.Add(ref first, start))) != candidate.Head
                        || Unsafe.ReadUnaligned<ulong>(ref Unsafe.As<char, byte>(ref Unsafe.Add(ref first, colon - 4))) != candidate.Tail
                        || (candidate.Text.Length > 9 && !text.Slice(start + 4, candidate.Text.Length - 9).SequenceEqual(candidate.Text.AsSpan(4, candidate.Text.Length - 9))))
                    {
                        continue;
                    }
                }
                else if (!text[start..colon].SequenceEqual(candidate.Text.AsSpan(0, candidate.Text.Length - 1)))
                {
                    continue;
                }

                if (start == 0 || text[start - 1] == ' ' || pieceStarts.Contains(start))
                {
                    AddLabel(new FoundLabel(candidate.Index, start, default));
                    inRemittance = candidate.Remittance;
                    from = colon + 1;
                    break;
                }
            }
        }
    }

    /// <summary>Puts where each ':' of <paramref name="text"/> is, in order, into <see cref="colons"/>; returns how many.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private int FindColons(ReadOnlySpan<char> text)
    {
        if (colons.Length < text.Length)
        {
            colons = new int[Math.Max(text.Length, colons.Length * 2)];
        }

        var found = colons;
        var count = 0;
        var i = 0;
        if (Vector256.IsHardwareAccelerated)
        {
            ref var chars = ref Unsafe.As<char, ushort>(ref MemoryMarshal.GetReference(text));
            var colon = Vector256.Create((ushort)':');
            for (; i <= text.Length - Vector256<ushort>.Count; i += Vector256<ushort>.Count)
            {
                var mask = Vector256.Equals(Vector256.LoadUnsafe(ref chars, (nuint)i), colon).ExtractMostSignificantBits();
                while (mask != 0)
                {
                    found[count++] = i + BitOperations.TrailingZeroCount(mask);
                    mask &= mask - 1;
                }
            }
        }

        // The rest; or, where 256-bit vectors are not accelerated (ARM64, older x64), the whole text by IndexOf, which
        // is vectorised at the width the machine has.
        for (var at = text[i..].IndexOf(':'); at >= 0; at = text[i..].IndexOf(':'))
        {
            i += at;
            found[count++] = i++;
        }

        return count;
    }

    /// <summary>The bucket of <see cref="ByEnding"/> for the two characters before a colon.</summary>
    internal static int Ending(char secondLast, char last) => ((secondLast * 31) + last) & 255;

    /// <summary>
    /// The labels by <see cref="Ending"/>, longest first, labels of one length in the order of
    /// <see cref="PaymentTextParser.Labels"/>. Built with arrays, not LINQ: the grouping and ordering over
    /// <see cref="Candidate"/> made the JIT compile about forty generic methods at the start of every process that reads
    /// a bank file.
    /// </summary>
    internal static Candidate[]?[] IndexByEnding()
    {
        var labels = PaymentTextParser.Labels;
        var counts = new int[256];
        foreach (var label in labels)
        {
            counts[Ending(label.Text[^3], label.Text[^2])]++;
        }

        var table = new Candidate[]?[256];
        var filled = new int[256];
        for (var index = 0; index < labels.Length; index++)
        {
            var label = labels[index];
            var ending = Ending(label.Text[^3], label.Text[^2]);
            var bucket = table[ending] ??= new Candidate[counts[ending]];

            // An insertion sort that moves only past shorter labels: stable, as the order of equal lengths must be.
            var at = filled[ending]++;
            for (; at > 0 && bucket[at - 1].Text.Length < label.Text.Length; at--)
            {
                bucket[at] = bucket[at - 1];
            }

            bucket[at] = new Candidate(index, label.Text, label.Weak, label.Role == Role.Remittance);
        }

        return table;
    }

    /// <summary>A label as <see cref="FindLabels"/> tries it: its index in <see cref="PaymentTextParser.Labels"/> and what the search needs of it.</summary>
    internal readonly record struct Candidate(int Index, string Text, bool Weak, bool Remittance)
    {
        /// <summary>The label's first four characters as eight bytes, as they lie in memory; 0 for a label of four characters or fewer with its colon.</summary>
        public ulong Head { get; } = Text.Length > 4 ? MemoryMarshal.Read<ulong>(MemoryMarshal.AsBytes(Text.AsSpan(0, 4))) : 0;

        /// <summary>The four characters before the label's colon as eight bytes; 0 for a label of four characters or fewer with its colon.</summary>
        public ulong Tail { get; } = Text.Length > 4 ? MemoryMarshal.Read<ulong>(MemoryMarshal.AsBytes(Text.AsSpan(Text.Length - 5, 4))) : 0;
    }

    private void AddLabel(FoundLabel found)
    {
        if (labelCount == labels.Length)
        {
            Array.Resize(ref labels, labels.Length * 2);
        }

        labels[labelCount++] = found;
    }

    /// <summary>
    /// Adds a remittance value, as one piece per field: where the bank's width ran out and a continuation starts
    /// with a key of a layout not known here ("FACTUURNR 9004204786" + "CHARGES:SHA"), the value and the key
    /// are two pieces, joined with a space, never glued into one word. Any other cut is joined verbatim: it
    /// falls inside a word or a number, and splitting there would make two of one.
    /// </summary>
    private void AddRemittanceByField(ReadOnlySpan<char> text, TextRange value, ReadOnlySpan<int> pieceStarts)
    {
        var start = value.Start;
        var end = value.Start + value.Length;
        while (KeyAtPieceStart(text, start, end, pieceStarts, afterLetter: false) is var key and >= 0)
        {
            var piece = Trimmed(text, start, key);
            if (piece.Length > 0)
            {
                AddRemittance(piece.Start, piece.Length);
            }

            start = key;
        }

        var last = Trimmed(text, start, end);
        if (last.Length > 0)
        {
            AddRemittance(last.Start, last.Length);
        }
    }

    /// <summary>
    /// The first continuation start inside (<paramref name="start"/>, <paramref name="end"/>) where a key (<c>CHARGES:</c>)
    /// begins, or -1. In remittance text a continuation right after a letter is taken as a word cut in two
    /// ("C" + "HARGES:SHA"), never as a key, unless <paramref name="afterLetter"/> (a name or id, which a key never continues).
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static int KeyAtPieceStart(ReadOnlySpan<char> text, int start, int end, ReadOnlySpan<int> pieceStarts, bool afterLetter)
    {
        foreach (var at in pieceStarts)
        {
            if (at > start && at < end && (afterLetter || !char.IsAsciiLetter(text[at - 1])) && StartsWithKey(text[at..end]))
            {
                return at;
            }
        }

        return -1;
    }

    /// <summary>
    /// The part of a value before the first key inside it (<c>REF:</c>, <c>NAME=</c>, <c>/ROC/</c>, after a space, a
    /// comma or a semicolon): a key is never part of a name or an id. A key the value starts with (<c>NAME=ACME</c>,
    /// <c>NAME:ACME</c>; not <c>ACME: THE TOOL COMPANY</c>) is skipped, and so, for a name, is an account it starts with (<c>/DE89370400440532013000 ACME GMBH</c>, as SWIFT
    /// writes the ordering customer). When the first key is a reference key (<see cref="IsReferenceKey"/>),
    /// <paramref name="reference"/> is the rest of the value after it; else it is empty.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    internal static TextRange BeforeInnerKey(ReadOnlySpan<char> text, TextRange value, bool isName, out TextRange reference)
    {
        // Every key has a ':' or '=', or starts with '/' (the lead key, an account a name starts with, an inner key):
        // a value with none of them, most names and ids, is what it was (it comes trimmed). One search instead of
        // the lead key's walk over the first word.
        if (!text.Slice(value.Start, value.Length).ContainsAny(KeyMarks))
        {
            reference = default;
            return value;
        }

        return BeforeInnerKeySearched(text, value, isName, out reference);
    }

    /// <summary><see cref="BeforeInnerKey"/> without its first test: the whole search, for any value.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    internal static TextRange BeforeInnerKeySearched(ReadOnlySpan<char> text, TextRange value, bool isName, out TextRange reference)
    {
        reference = default;
        var start = value.Start;
        var end = value.Start + value.Length;
        if (KeyLength(text[start..end], out var leadWord) is var lead and > 0
            && (text[start + lead - 1] == '=' || text[start..end][leadWord].Equals("NAME", StringComparison.OrdinalIgnoreCase)))
        {
            start = Trimmed(text, start + lead, end).Start;
        }
        else if (isName && text[start..end] is ['/', _, ..] account && char.IsAsciiLetterOrDigit(account[1]) && account.IndexOf(' ') is var space and > 0
            && !account[1..space].ContainsAnyExcept(AccountChars))
        {
            start = Trimmed(text, start + space, end).Start;
        }

        // A key after the first character needs a ':' or '=' at most MaxKeyLength + 1 characters after its start, or
        // starts with '/': none starts more than that before the first of them, and most values (a name, an id) have none.
        var first = start + 1 < end ? text[(start + 1)..end].IndexOfAny(KeyMarks) : -1;
        if (first < 0)
        {
            return Trimmed(text, start, end);
        }

        for (var at = Math.Max(start + 1, start + 1 + first - MaxKeyLength - 1); at < end; at++)
        {
            if (text[at - 1] is not (' ' or ',' or ';') || KeyLength(text[at..end], out var word) is not (var length and > 0))
            {
                continue;
            }

            // A bank's word before the key is part of it ("CLEARING REF:"), and the reference is the bank's own.
            var qualifier = BankQualifierBefore(text[start..(at - 1)]);
            if (qualifier >= 0)
            {
                at = start + qualifier;
            }
            else if (IsReferenceKey(text.Slice(at, end - at)[word]))
            {
                reference = Trimmed(text, at + length, end);
            }

            // The separator before the key is the layout's, not the value's.
            return Trimmed(text, start, text[at - 1] is ',' or ';' ? at - 1 : at);
        }

        return Trimmed(text, start, end);
    }

    /// <summary>The characters a key after a value's start needs: its ':' or '=', or the '/' a SWIFT code starts with.</summary>
    private static readonly System.Buffers.SearchValues<char> KeyMarks = System.Buffers.SearchValues.Create("/:=");

    private static readonly System.Buffers.SearchValues<char> AccountChars =
        System.Buffers.SearchValues.Create("0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz-");

    /// <summary>
    /// The length of the key <paramref name="text"/> starts with, with its ':' or '=' (and an '=' after a colon), or 0:
    /// one word of letters ending in a letter (<c>REF:</c>, <c>NAME=</c>, as <see cref="StartsWithKey"/> reads them), or a
    /// SWIFT code of two to four capitals between slashes (<c>/ROC/</c>). <paramref name="word"/> is the key's word.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static int KeyLength(ReadOnlySpan<char> text, out Range word)
    {
        word = default;
        if (text.Length >= 4 && text[0] == '/')
        {
            var n = 1;
            while (n < text.Length && n <= 5 && char.IsAsciiLetterUpper(text[n]))
            {
                n++;
            }

            if (n is >= 3 and <= 5 && n < text.Length && text[n] == '/')
            {
                word = 1..n;
                return n + 1;
            }

            return 0;
        }

        var i = 0;
        while (i < text.Length && i <= MaxKeyLength && (char.IsAsciiLetter(text[i]) || (i > 0 && text[i] is '/' or '_' or '-')))
        {
            i++;
        }

        if (i < 2 || i >= text.Length || text[i] is not (':' or '=') || !char.IsAsciiLetter(text[i - 1]))
        {
            return 0;
        }

        word = 0..i;
        return i + 1 < text.Length && text[i] == ':' && text[i + 1] == '=' ? i + 2 : i + 1;
    }

    /// <summary>
    /// Whether a key names a reference of the payer's: <c>REF</c>, Fedwire and SWIFT <c>RFB</c> and <c>ROC</c>, <c>INV</c>,
    /// written as layouts write keys, in capitals. A bank's prose ("Clearing Ref: 20230821MMQFMPU7004100") is no layout.
    /// </summary>
    private static bool IsReferenceKey(ReadOnlySpan<char> word) =>
        word is "REF" or "RFB" or "ROC" or "INV" or "INVOICE" or "REFERENCE";

    /// <summary>The words before a reference key that make it the bank's reference, not the payer's ("CLEARING REF:", "BANK REF:").</summary>
    private static readonly string[] BankQualifiers = ["CLEARING", "BANK", "BNK", "SENDER", "SND", "FED", "TRANS", "TRN", "RELATED", "CLIENT", "OUR", "SERVICE"];

    /// <summary>Where the word of <see cref="BankQualifiers"/> that <paramref name="before"/> (the value before a key) ends with starts, or -1.</summary>
    private static int BankQualifierBefore(ReadOnlySpan<char> before)
    {
        before = before.TrimEnd();
        var from = before.LastIndexOfAny(' ', ',', ';') + 1;
        foreach (var qualifier in BankQualifiers)
        {
            if (before[from..].Equals(qualifier, StringComparison.OrdinalIgnoreCase))
            {
                return from;
            }
        }

        return -1;
    }

    /// <summary>The most characters of a key before its colon.</summary>
    private const int MaxKeyLength = 24;

    /// <summary>
    /// Whether <paramref name="text"/> starts with a key: one word of letters (<c>CHARGES</c>, <c>B/O</c>) ending in a
    /// letter, then ':'. One word only: the rest of a name cut by the width ("RP ID:") is no key.
    /// </summary>
    internal static bool StartsWithKey(ReadOnlySpan<char> text)
    {
        var i = 0;
        while (i < text.Length && i <= MaxKeyLength && (char.IsAsciiLetter(text[i]) || (i > 0 && text[i] is '/' or '_' or '-')))
        {
            i++;
        }

        return i >= 2 && i < text.Length && text[i] == ':' && char.IsAsciiLetter(text[i - 1]);
    }

    private void AddRemittance(int start, int length)
    {
        if (remittanceCount == remittance.Length)
        {
            Array.Resize(ref remittance, remittance.Length * 2);
        }

        remittance[remittanceCount++] = new TextRange(start, length);
    }

    /// <summary>A label's value: up to the next label, after any '=' (<c>SENDER BNK:=</c>), white space trimmed.</summary>
    private static TextRange Value(ReadOnlySpan<char> text, int start, int end)
    {
        while (start < end && text[start] == '=')
        {
            start++;
        }

        return Trimmed(text, start, end);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static TextRange Trimmed(ReadOnlySpan<char> text, int start, int end)
    {
        while (start < end && char.IsWhiteSpace(text[start]))
        {
            start++;
        }

        while (end > start && char.IsWhiteSpace(text[end - 1]))
        {
            end--;
        }

        return new TextRange(start, end - start);
    }

    /// <summary>True for EDI segments: a '*' and a known segment at the start or after a terminator.</summary>
    private static bool LooksLikeEdi(ReadOnlySpan<char> text)
    {
        if (!text.Contains('*'))
        {
            return false;
        }

        var at = 0;
        while (true)
        {
            foreach (var segment in EdiSegments)
            {
                if (text[at..].StartsWith(segment, StringComparison.Ordinal))
                {
                    return true;
                }
            }

            var terminator = text[at..].IndexOfAny('\\', '~');
            if (terminator < 0)
            {
                return false;
            }

            at += terminator + 1;
        }
    }

    /// <summary>
    /// Reads the EDI segments of text[start..end] (ended by '\' or '~', trimmed, empty ones skipped): RMR into
    /// remittance lines, NTE notes and text that is no segment into remittance text.
    /// </summary>
    private void ReadEdi(ReadOnlySpan<char> text, int start, int end, int minorDigits)
    {
        while (true)
        {
            var terminator = text[start..end].IndexOfAny('\\', '~');
            var segmentEnd = terminator < 0 ? end : start + terminator;
            var segment = Trimmed(text, start, segmentEnd);
            if (segment.Length > 0)
            {
                Segment(text, segment.Start, segment.Start + segment.Length, minorDigits);
            }

            if (terminator < 0)
            {
                return;
            }

            start = segmentEnd + 1;
        }
    }

    /// <summary>One EDI segment, text[start..end], its elements separated by '*'.</summary>
    private void Segment(ReadOnlySpan<char> text, int start, int end, int minorDigits)
    {
        // The first seven elements' bounds (RMR uses up to RMR06), and how many elements there are.
        Span<int> starts = stackalloc int[7];
        Span<int> ends = stackalloc int[7];
        var count = 0;
        var at = start;
        while (true)
        {
            var star = text[at..end].IndexOf('*');
            var elementEnd = star < 0 ? end : at + star;
            if (count < starts.Length)
            {
                starts[count] = at;
                ends[count] = elementEnd;
            }

            count++;
            if (star < 0)
            {
                break;
            }

            at = elementEnd + 1;
        }

        var name = text[starts[0]..ends[0]];
        if (name is "RMR" && count >= 3 && ends[2] > starts[2])
        {
            var kind = text[starts[1]..ends[1]] switch
            {
                "IV" => RemittanceKind.Invoice,
                "CM" or "CR" => RemittanceKind.CreditNote,
                "PO" => RemittanceKind.PurchaseOrder,
                _ => RemittanceKind.Unspecified,
            };
            lines.Add(new RemittanceLine(new string(text[starts[2]..ends[2]]), Amount(text, starts, ends, count, 4, minorDigits), kind)
            {
                InvoicedMinor = Amount(text, starts, ends, count, 5, minorDigits),
                DiscountMinor = Amount(text, starts, ends, count, 6, minorDigits),
            });
        }
        else if (name is "NTE" && count >= 3 && ends[2] > starts[2])
        {
            // The note is the rest of the segment, '*'s within it included.
            AddRemittance(starts[2], end - starts[2]);
        }
        else if (name is "NTE" && count == 2 && ends[1] > starts[1])
        {
            AddRemittance(starts[1], ends[1] - starts[1]);
        }
        else if (name is not ("RMR" or "NTE" or "REF" or "BPR" or "TRN" or "DTM" or "ADX" or "ENT" or "N1" or "IT1"))
        {
            // Text that is not a segment: a payer's note written in the addenda as it is.
            AddRemittance(start, end - start);
        }
    }

    /// <summary>An EDI amount (decimal with '.') in minor units; null when absent or not an amount, never a guess.</summary>
    private static long? Amount(ReadOnlySpan<char> text, ReadOnlySpan<int> starts, ReadOnlySpan<int> ends, int count, int index, int minorDigits) =>
        index < count && MinorUnits.TryParse(text[starts[index]..ends[index]], minorDigits, out var minor) ? minor : null;
}
