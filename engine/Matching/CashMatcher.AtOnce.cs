using System.Runtime.CompilerServices;
using CashApp.Engine.Model;

namespace CashApp.Engine.Matching;

// The common case, decided without building an analysis: most payments quote references that each
// name one open invoice, and those invoices add up to the payment. The general path (Analyse, then
// DecideByReference) would choose exactly these items, at cost zero and alone at that cost; this path
// reaches the same decision without allocating keys, quotes or fits, and gives up (null) on anything
// else: a quote that names no item or several, a PO number, a repeated item, a sum that differs, or
// items of unrelated customers. A property test holds both paths to the same answers.
public sealed partial class CashMatcher
{
    private const int MaxReferenceLength = 128;

    /// <summary>When false, every payment takes the general path (for the tests that compare the two).</summary>
    internal bool DecideAtOnceEnabled { get; set; } = true;

    // What the at-once path says of its decisions: the general path would say the same.
    private const double AtOnceConfidence = 0.99;
    private const string AtOnceWhy = " by reference, amount equal";

    /// <summary>
    /// Applies the payment when the at-once path decides it, and says whether it did; otherwise the
    /// payment takes the general path. A decision below the policy's bar for applying without review is
    /// left to the general path, which refers it.
    /// </summary>
    [SkipLocalsInit]
    private bool ApplyAtOnce(Payment payment, List<Application> applications, long[]? guess = null)
    {
        Span<int> items = stackalloc int[MaxQuotes];
        var quotes = guess is not null && StillHolds(guess, items) ? guess.Length / 2 : AtOnceItems(payment, items);
        if (quotes < 0)
        {
            return false;
        }

        var probability = AtOnceProbability(payment, quotes);
        if (!AppliesWithoutReview(probability))
        {
            return false;
        }

        var score = new MatchScore(probability);

        // As the general path words it: the items in the order quoted; the lines in item order.
        var why = Describe(items[0]);
        for (var q = 1; q < quotes; q++)
        {
            why = why + " + " + Describe(items[q]);
        }

        why += AtOnceWhy;
        items = items[..quotes];
        SortItems(items);
        foreach (var item in items)
        {
            Apply(payment, item, _remaining[item], MatchMethod.ExactReference, score, why, applications);
        }

        Decided?.Invoke(payment, AtOnceEvidence(payment, quotes));
        return true;
    }

    // How many times an open amount has been written (twice each: odd while one is being written). Written by the
    // matching thread alone (Apply), read by the payer prefetch's to know that no amount moved while it guessed.
    private int _amountsWritten;

    /// <summary>
    /// The at-once path's items for the payment, each followed by its open amount, as <see cref="AtOnceItems"/> finds them
    /// now, when it would decide the payment (its probability at the bar, as <see cref="ApplyAtOnce"/> asks); null
    /// otherwise, or when an open amount was written while it looked (the matching thread applies as this runs).
    /// </summary>
    /// <remarks>
    /// Made ahead of the matching thread by the payer prefetch, which guessed this anyway to know whose payers to find;
    /// the matching thread then checks it (<see cref="StillHolds"/>) instead of looking the quotes up again. An amount
    /// the checked arithmetic cannot take (a stripped quote's chance of an item near long.MaxValue) gives no guess: the
    /// matching thread then looks the quotes up itself, and sends the payment to exceptions as it would alone, where a
    /// throw on this thread would end the run, or not, by how the threads ran.
    /// </remarks>
    internal long[]? AtOnceGuess(Payment payment)
    {
        try
        {
            return Guess(payment);
        }
        catch (OverflowException)
        {
            return null;
        }
    }

    [SkipLocalsInit]
    private long[]? Guess(Payment payment)
    {
        var before = Volatile.Read(ref _amountsWritten);
        Span<int> items = stackalloc int[MaxQuotes];
        var quotes = AtOnceItems(payment, items);
        if (quotes < 0 || !AppliesWithoutReview(AtOnceProbability(payment, quotes)) || (before & 1) != 0)
        {
            return null;
        }

        var guess = new long[2 * quotes];
        for (var q = 0; q < quotes; q++)
        {
            guess[2 * q] = items[q];
            guess[(2 * q) + 1] = _remaining[items[q]];
        }

        // Every open amount read above was read while none was written: they are of one moment.
        Interlocked.MemoryBarrier();
        return Volatile.Read(ref _amountsWritten) == before ? guess : null;
    }

    /// <summary>
    /// Whether a guess of <see cref="AtOnceGuess"/> is what <see cref="AtOnceItems"/> would find now, its items written
    /// into <paramref name="items"/> in the order quoted: it is when none of its items' open amounts has moved since.
    /// </summary>
    /// <remarks>
    /// Within a run an open amount only moves towards zero, and an item once closed stays closed. So with its own items'
    /// amounts unchanged, every test the guess passed passes again: each quote still names its one open item (the others
    /// it names, closed then, are closed still; none it did not name has opened), a number that named no open item
    /// names none, the items' sum, their chance (of their opening and open amounts) and the payer are what they were.
    /// </remarks>
    private bool StillHolds(long[] guess, Span<int> items)
    {
        for (var q = 0; q < guess.Length / 2; q++)
        {
            var item = (int)guess[2 * q];
            if (_remaining[item] != guess[(2 * q) + 1])
            {
                return false;
            }

            items[q] = item;
        }

        return true;
    }

    /// <summary>
    /// The items the at-once path would apply the payment to, in the order quoted, written into
    /// <paramref name="items"/>; returns how many, or -1 when it gives the payment to the general path.
    /// </summary>
    [SkipLocalsInit]
    private int AtOnceItems(Payment payment, Span<int> items)
    {
        if (!DecideAtOnceEnabled)
        {
            return -1;
        }

        var currency = CurrencyIndex(payment.Amount.Currency.Code);
        Span<ulong> hashes = stackalloc ulong[ReferenceText.MaxLookupKeys];
        Span<ulong> seen = stackalloc ulong[MaxQuotes * ReferenceText.MaxLookupKeys];
        Span<char> buffer = stackalloc char[ReferenceText.KeyBufferFactor * MaxReferenceLength];
        Span<Range> keys = stackalloc Range[ReferenceText.MaxLookupKeys];
        int quotes = 0, seenCount = 0;

        // Structured lines are each a quote (as in Analyse); every one must name exactly one invoice.
        // Indexed, not enumerated: an interface's enumerator is an allocation per payment.
        var lines = payment.Remittance;
        for (var l = 0; l < lines.Count; l++)
        {
            var line = lines[l];
            if (line.Reference.Length > MaxReferenceLength)
            {
                return -1;
            }

            var count = ReferenceText.LookupKeys(line.Reference, buffer, keys);
            if (count == 0)
            {
                continue;
            }

            HashKeys(buffer, keys[..count], hashes);
            var item = AsQuoted(line.Reference, buffer, keys[0], OnlyInvoice(buffer, keys[..count], hashes[..count], currency));
            if (item < 0 || quotes == MaxQuotes || items[..quotes].Contains(item))
            {
                return -1;
            }

            items[quotes++] = item;
            hashes[..count].CopyTo(seen[seenCount..]);
            seenCount += count;
        }

        // Free-text tokens: one that repeats a key already quoted is the same quote, and a number that
        // matches nothing and cannot be a document number is noise; any other must name one invoice.
        var text = payment.FreeText;
        var position = 0;
        while (ReferenceText.NextToken(text, ref position, out var range))
        {
            var token = text.AsSpan(range);
            if (token.Length > MaxReferenceLength)
            {
                return -1;
            }

            var count = ReferenceText.LookupKeys(token, buffer, keys);
            if (count == 0)
            {
                continue;
            }

            HashKeys(buffer, keys[..count], hashes);
            if (seen[..seenCount].ContainsAny(hashes[..count]))
            {
                continue;
            }

            if (seenCount + count > seen.Length)
            {
                return -1;
            }

            hashes[..count].CopyTo(seen[seenCount..]);
            seenCount += count;
            var item = AsQuoted(token, buffer, keys[0], OnlyInvoice(buffer, keys[..count], hashes[..count], currency));
            if (item == NoItem && !LooksLikeDocumentNumber(buffer, keys[..count]))
            {
                continue;
            }

            if (item < 0 || quotes == MaxQuotes || items[..quotes].Contains(item))
            {
                return -1;
            }

            items[quotes++] = item;
        }

        if (quotes == 0)
        {
            return -1;
        }

        // One family (a single item trivially is: its customer need not be looked up). A sum past the range of a long
        // is no payment's amount: the general path has the payment (the payer prefetch's guess runs this too, on its
        // own thread, where an overflow thrown would end the run).
        long sum = _remaining[items[0]];
        for (var q = 1; q < quotes; q++)
        {
            if (!TryAdd(sum, _remaining[items[q]], out sum))
            {
                return -1;
            }

            if (!_customers.SameFamily(_customerOf[items[0]], _customerOf[items[q]]))
            {
                return -1;
            }
        }

        // A payer the bank names must be the items' customer, or the general path finds out who it is.
        return sum == payment.Amount.Minor && PayerFitsAtOnce(payment, items[0]) ? quotes : -1;
    }

    /// <summary>
    /// <paramref name="item"/>, when the quote (<paramref name="reference"/>, of full key <paramref name="fullKey"/>) names it as the general
    /// path would let it: as AR prints the number, or without its prefix at an amount unlikely to be chance;
    /// otherwise <see cref="NotOne"/>, for the general path.
    /// </summary>
    private int AsQuoted(ReadOnlySpan<char> reference, ReadOnlySpan<char> buffer, Range fullKey, int item) =>
        item < 0 ? item : StrengthOf(reference, buffer[fullKey], item) switch
        {
            KeyStrength.Full => item,
            KeyStrength.Stripped when !StrippedByChance(item) => item,
            _ => NotOne,
        };

    private const int NoItem = -1;
    private const int NotOne = -2;

    /// <summary>
    /// The one open item of the payment's currency the keys name, found as an invoice number; <see cref="NoItem"/>
    /// when they name none, <see cref="NotOne"/> when several or when a PO number names another.
    /// </summary>
    private int OnlyInvoice(ReadOnlySpan<char> buffer, ReadOnlySpan<Range> keys, ReadOnlySpan<ulong> hashes, int currency)
    {
        var skip = ProbedFrom(keys);
        keys = keys[skip..];
        hashes = hashes[skip..];
        var found = NoItem;
        for (var k = 0; k < keys.Length; k++)
        {
            foreach (var item in _invoiceKeys.Items(buffer[keys[k]], hashes[k]))
            {
                if (item != found && IsOpenIn(item, currency))
                {
                    if (found != NoItem)
                    {
                        return NotOne;
                    }

                    found = item;
                }
            }
        }

        for (var k = 0; k < keys.Length; k++)
        {
            foreach (var item in _poKeys.Items(buffer[keys[k]], hashes[k]))
            {
                if (item != found && IsOpenIn(item, currency))
                {
                    return NotOne;
                }
            }
        }

        return found;
    }

    /// <summary>
    /// Which of a quote's lookup keys need probing. Items are indexed under their full key and its core,
    /// so when the quote has a core of its own (INV1004567 and 1004567) every item its full key finds, its
    /// core finds too: the core alone is looked up.
    /// </summary>
    private static int ProbedFrom(ReadOnlySpan<Range> keys) =>
        keys.Length > 1 && keys[1].End.Equals(keys[0].End) && keys[1].Start.Value > keys[0].Start.Value ? 1 : 0;

    private static void HashKeys(ReadOnlySpan<char> buffer, ReadOnlySpan<Range> keys, Span<ulong> hashes)
    {
        for (var k = 0; k < keys.Length; k++)
        {
            hashes[k] = KeyIndex.HashOf(buffer[keys[k]]);
        }
    }

    private static bool LooksLikeDocumentNumber(ReadOnlySpan<char> buffer, ReadOnlySpan<Range> keys)
    {
        foreach (var key in keys)
        {
            var text = buffer[key];
            if (text.Length >= 5 && CountDigits(text) >= 4)
            {
                return true;
            }
        }

        return false;
    }

    private static int CountDigits(ReadOnlySpan<char> text)
    {
        var digits = 0;
        foreach (var c in text)
        {
            if (char.IsAsciiDigit(c))
            {
                digits++;
            }
        }

        return digits;
    }

    /// <summary>
    /// Whether the at-once path may decide for the family of <paramref name="item"/>'s customer without finding the payer:
    /// the bank names no payer, or names one by an account of that family or a name like one of its names.
    /// Anything else is for the general path, which finds the payer and asks <see cref="KnownPayerElsewhere"/>.
    /// </summary>
    private bool PayerFitsAtOnce(Payment payment, int item)
    {
        var named = !string.IsNullOrWhiteSpace(payment.PayerName);
        if (!named && payment.PayerAccount is null && string.IsNullOrWhiteSpace(payment.UltimatePayerName))
        {
            // Nobody named: the item's customer is not even looked up (a read from memory per payment).
            return true;
        }

        var customer = _customerOf[item];
        if (payment.PayerAccount is not null)
        {
            // The customers alone, not candidates with their words: this runs for every payment that names an account.
            if (_customers.CustomersByAccount(payment.PayerAccount) is { IsEmpty: false } byAccount)
            {
                // A loop, not a lambda: a closure over the parameter would be allocated on every call, taken or not.
                foreach (var payer in byAccount)
                {
                    if (_customers.SameFamily(payer, customer))
                    {
                        return true;
                    }
                }

                return false;
            }
        }

        return (!named && string.IsNullOrWhiteSpace(payment.UltimatePayerName))
            || _customers.NameResembles(payment.UltimatePayerName, customer, Policy.MinCorroborationScore)
            || (named && _customers.NameResembles(payment.PayerName, customer, Policy.MinCorroborationScore));
    }
}
