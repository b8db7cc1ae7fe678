using System.Runtime.CompilerServices;
using CashApp.Engine.Model;

namespace CashApp.Engine.Matching;

// Two rules of how far a quoted reference proves an item, kept apart from the search for the items:
// - A reference names an item, the bank names the payer: when the payer is known (a known account, a name
//   equal to a customer's) and is in another family than the item, one of the two is wrong, and the engine
//   cannot tell which. The payment is an exception naming both.
// - A number that meets an item's only after a letter prefix is dropped (4521 or RE 4521 for INV-4521) is
//   weaker proof than the number as AR prints it: it holds only when the amount it is confirmed by is
//   unlikely to be chance, never when the quote's own prefix is another numbering series of the ledger
//   (CM-4521 is not INV-4521), and never when it meets items of two series (A-4521 and B-4521).
public sealed partial class CashMatcher
{
    /// <summary>
    /// Score from which the bank's words identify a payer well enough to overrule a reference: a known account
    /// with its bank (100), a name equal to a customer's (100) or a long start of it (96); never a bare account
    /// number (<see cref="CustomerDirectory.BareAccountScore"/>).
    /// </summary>
    private const int KnownPayerScore = 95;

    /// <summary>
    /// The payer the bank's words identify strongly, when nothing they say (a weaker account, a name that
    /// corroborates) points at the family of <paramref name="customer"/>; else null. Names repeat: two
    /// customers may both be BOLT CHEMICALS, so a name equal to another's does not exclude this one.
    /// </summary>
    private PayerCandidate? KnownPayerElsewhere(Analysis analysis, int customer)
    {
        PayerCandidate? first = null;
        foreach (var payer in Payers(analysis))
        {
            if (payer.Score >= Policy.MinCorroborationScore && _customers.SameFamily(payer.Customer, customer))
            {
                return null;
            }

            if (payer.Score >= KnownPayerScore)
            {
                first ??= payer;
            }
        }

        return first;
    }

    /// <summary>
    /// The family of the payer the bank's words identify strongly (a known account with its bank, a name equal
    /// or nearly to a customer's), when every such payer is of one family; else null.
    /// </summary>
    private int? KnownPayerFamily(Analysis analysis)
    {
        // The payers found list a customer once, by its account when it has one: a bare account number (weak)
        // would hide that the name is the customer's exactly. So the names are asked too.
        var payment = analysis.Payment;
        var named = PayersNamed(payment.UltimatePayerName);
        if (FirstIdentified(named) < 0)
        {
            named = PayersNamed(payment.PayerName);
        }

        int? family = null;
        foreach (var payer in Payers(analysis).Concat(named))
        {
            if (payer.Score < KnownPayerScore)
            {
                continue;
            }

            if (family is null)
            {
                family = payer.Customer;
            }
            else if (!_customers.SameFamily(family.Value, payer.Customer))
            {
                return null;
            }
        }

        return family;
    }

    /// <summary>
    /// Narrows a quote that meets items of two series only without their prefixes (1688 for A-1688 and B-1688)
    /// to the one item of the known payer's family, when that family has exactly one of them and no other
    /// plausible payer owns another. Which series the payer meant, the amount never decides; its own ledger
    /// may. The narrowed quote is still a stripped key: the payer vouches for it, and the amount must agree.
    /// </summary>
    private void NarrowToKnownPayer(Analysis analysis, Quote quote)
    {
        if (KnownPayerFamily(analysis) is not { } family)
        {
            return;
        }

        var mine = quote.Exact.FindAll(o => _customers.SameFamily(_customerOf[o.Item], family));
        if (mine.Count != 1)
        {
            return;
        }

        // Another customer the bank's words may also mean, owning one of the other items: the payer is not that known.
        foreach (var payer in Payers(analysis))
        {
            if (payer.Score >= Policy.MinCorroborationScore && !_customers.SameFamily(payer.Customer, family)
                && quote.Exact.Exists(o => _customers.SameFamily(_customerOf[o.Item], payer.Customer)))
            {
                return;
            }
        }

        quote.Exact.Clear();
        quote.Exact.Add(mine[0]);
        quote.AcrossSeries = false;
        quote.NarrowedByPayer = true;
    }

    /// <summary>The exception for quoted items of one customer paid by a known payer of another.</summary>
    private Decision PayerConflict(PayerCandidate payer, IReadOnlyList<int> items, Payment payment) =>
        new([], MatchMethod.Manual, 0,
            $"{string.Join(" + ", items.Select(Describe))} quoted, of customer {_customers.Id(_customerOf[items[0]])}, but the payer is customer {_customers.Id(payer.Customer)} ({payer.How}): the reference or the payer is wrong",
            ExceptionReason.Conflict,
            [Suggest(items, 0.4, $"quoted, of customer {_customers.Id(_customerOf[items[0]])}"),
             .. Closest(payer.Customer, payment.Amount.Minor, payment.Amount.Currency.Code).Take(Policy.MaxSuggestions - 1)]);

    /// <summary>The letters a full key starts with: its numbering series (INV of INV1004567), empty for a bare number.</summary>
    private static ReadOnlySpan<char> SeriesOf(ReadOnlySpan<char> fullKey)
    {
        var letters = 0;
        while (letters < fullKey.Length && char.IsAsciiLetter(fullKey[letters]))
        {
            letters++;
        }

        return fullKey[..letters];
    }

    /// <summary>The index of a series among the ledger's (see <see cref="_series"/>), or -1 when no item's number starts with it.</summary>
    private int SeriesIndex(ReadOnlySpan<char> series) => _seriesIndex.TryGetValue(series, out var at) ? at : -1;

    /// <summary>
    /// Whether a quote whose full key starts with <paramref name="quoteSeries"/> names <paramref name="item"/> as
    /// AR prints it (the same series), only after its prefix is dropped (weak), or not at all (the quote's
    /// prefix is another series of the ledger).
    /// </summary>
    private KeyStrength StrengthOf(ReadOnlySpan<char> quoteSeries, int item)
    {
        // The common case, a number quoted as AR prints it, without a lookup.
        if (quoteSeries.SequenceEqual(_series[_seriesOfItem[item]]))
        {
            return KeyStrength.Full;
        }

        var quoted = SeriesIndex(quoteSeries);
        if (quoted == _seriesOfItem[item] && (quoted >= 0 || quoteSeries.IsEmpty))
        {
            return KeyStrength.Full;
        }

        return quoteSeries.IsEmpty || quoted < 0 ? KeyStrength.Stripped : KeyStrength.OtherSeries;
    }

    /// <summary>
    /// How a quote (<paramref name="reference"/>, of full key <paramref name="fullKey"/>) names <paramref name="item"/>,
    /// over the two readings of its series: the letters of its full key (INVCM of "INV CM-293", INV of "INV 1004567"),
    /// then the letters of the number after its lead words (CM; none for 1004567). Full under either is Full;
    /// otherwise a number with letters of its own is judged by them (CM-293 is not INV-293, whatever leads it).
    /// </summary>
    private KeyStrength StrengthOf(ReadOnlySpan<char> reference, ReadOnlySpan<char> fullKey, int item)
    {
        var glued = StrengthOf(SeriesOf(fullKey), item);
        if (glued == KeyStrength.Full)
        {
            return glued;
        }

        Span<char> letters = reference.Length <= MaxReferenceLength ? stackalloc char[reference.Length] : new char[reference.Length];
        var own = OwnSeries(reference, letters);
        if (own.IsEmpty && ReferenceText.LeadEnd(reference) == 0)
        {
            return glued;
        }

        var strength = StrengthOf(own, item);
        return strength == KeyStrength.Full || !own.IsEmpty ? strength : glued;
    }

    /// <summary>The letters of the number after the lead words of <paramref name="reference"/> (see <see cref="ReferenceText.SeriesAfterLead"/>), written into <paramref name="into"/>; empty when none.</summary>
    private static ReadOnlySpan<char> OwnSeries(ReadOnlySpan<char> reference, Span<char> into)
    {
        var n = ReferenceText.SeriesAfterLead(reference, into);
        return n <= 0 ? [] : into[..n];
    }

    /// <summary>How a quoted number meets an item's.</summary>
    private enum KeyStrength
    {
        /// <summary>As AR prints it (letters and all).</summary>
        Full,

        /// <summary>Only once a letter prefix is dropped: proof only with an amount unlikely to be chance.</summary>
        Stripped,

        /// <summary>The quote's prefix is another numbering series of the ledger: no proof at all.</summary>
        OtherSeries,
    }

    /// <summary>Whether an item found by a stripped key, at its open amount, is too likely to be chance to decide at once.</summary>
    private bool StrippedByChance(int item) =>
        _opening[item] > 0 && Prior.Chance(_remaining[item], _currencyOf[item], roundAmounts: true) > Policy.MaxChanceSingle;

    /// <summary>
    /// Why items some of which were found only by stripped keys are not proven by a payment of
    /// <paramref name="amount"/>, or null when they are: the payer vouches for their family, or an amount
    /// like it is unlikely to be chance.
    /// </summary>
    private string? StrippedUnproven(Analysis analysis, bool stripped, int family, long amount, string currency)
    {
        if (!stripped || PayerAgrees(analysis, family))
        {
            return null;
        }

        var chance = ChanceOf(amount, currency, roundAmounts: true);
        return chance <= Policy.MaxChanceSingle
            ? null
            : $"the quoted numbers meet the items' only without their prefixes, the payer does not vouch for them, and an open item of {Amount(amount, analysis.Payment.Amount.Currency)} turns up by chance {chance.ToString("P1", System.Globalization.CultureInfo.InvariantCulture)} of the time";
    }

    /// <summary>True when the payer is, by account or by a close name, in the family of <paramref name="customer"/>.</summary>
    private bool PayerAgrees(Analysis analysis, int customer)
    {
        // Loops, not LINQ: these run for each near item of the amount in the exact-fit search, and a closure over
        // the customer was an allocation per call.
        foreach (var p in Payers(analysis))
        {
            if (p.Score >= Policy.MinCorroborationScore && _customers.SameFamily(p.Customer, customer))
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>True when the payer is identified (by account or a close name) and none of the candidates is in the family of <paramref name="customer"/>.</summary>
    private bool PayerDisagrees(Analysis analysis, int customer)
    {
        var identified = false;
        foreach (var p in Payers(analysis))
        {
            if (p.Score >= Policy.MinNameScore)
            {
                if (_customers.SameFamily(p.Customer, customer))
                {
                    return false;
                }

                identified = true;
            }
        }

        return identified;
    }

    /// <summary>
    /// Keeps of a quote's invoice hits those its number may prove (see <see cref="KeyStrength"/>): the hits of
    /// the number as AR prints it when there are any; otherwise the hits without the prefix, marked so, and
    /// the quote marked when they span two series.
    /// </summary>
    [SkipLocalsInit]
    private void KeepAsQuoted(Quote quote)
    {
        if (quote.Exact.Count == 0)
        {
            return;
        }

        // The series as the letters glued to the number read it (INV of "INV 1004567"), then as the number's own
        // letters after lead words (CM of "INV CM-293", none of "INV 1004567"): the first reading that names an
        // item as AR prints it decides, and a number with letters of its own is judged by them. Read as spans and
        // sifted in loops: this runs for every quote that names an item, and lambdas over the series were a closure
        // and two delegates each.
        scoped var series = SeriesOf(quote.Keys[0]);
        if (KeepOfStrength(quote.Exact, series, KeyStrength.Full, keep: true))
        {
            return;
        }

        if (ReferenceText.LeadEnd(quote.Text) > 0)
        {
            var own = OwnSeries(quote.Text, quote.Text.Length <= MaxReferenceLength ? stackalloc char[MaxReferenceLength] : new char[quote.Text.Length]);
            if (KeepOfStrength(quote.Exact, own, KeyStrength.Full, keep: true))
            {
                return;
            }

            if (own.Length > 0)
            {
                series = own;
            }
        }

        KeepOfStrength(quote.Exact, series, KeyStrength.OtherSeries, keep: false);
        var acrossSeries = false;
        for (var o = 0; o < quote.Exact.Count; o++)
        {
            quote.Exact[o] = quote.Exact[o] with { Stripped = true };
            acrossSeries |= _seriesOfItem[quote.Exact[o].Item] != _seriesOfItem[quote.Exact[0].Item];
        }

        quote.AcrossSeries = acrossSeries;
    }

    /// <summary>
    /// Keeps, in order, the hits whose strength against <paramref name="series"/> is <paramref name="strength"/> (or, not
    /// <paramref name="keep"/>, is not): when <paramref name="keep"/>, only if there is one, and says whether there was.
    /// </summary>
    private bool KeepOfStrength(List<Option> exact, ReadOnlySpan<char> series, KeyStrength strength, bool keep)
    {
        var kept = 0;
        for (var o = 0; o < exact.Count; o++)
        {
            if ((StrengthOf(series, exact[o].Item) == strength) == keep)
            {
                exact[kept++] = exact[o];
            }
        }

        if (kept == 0 && keep)
        {
            return false;
        }

        exact.RemoveRange(kept, exact.Count - kept);
        return kept > 0;
    }
}
