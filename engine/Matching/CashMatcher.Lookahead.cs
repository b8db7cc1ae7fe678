using System.Runtime.CompilerServices;
using CashApp.Engine.Model;

namespace CashApp.Engine.Matching;

// Exact matching against a large ledger is bound by memory, not arithmetic: each payment names a random
// item of millions, and its lookup is a chain of dependent cache misses (the table slot, the key's
// characters, the open amount and currency, the item, its number). One payment's chain cannot be
// shortened, but the chains of the payments a few places ahead are independent of it. So while one
// payment is decided, the lookahead walks the chains of the next ones a step each and asks the
// processor to fetch what each step will read. By the time a payment is decided, its chain is in cache.
// It only hints: it decides nothing, changes nothing, and a wrong guess costs a wasted fetch.
public sealed partial class CashMatcher
{
    /// <summary>
    /// How many of <paramref name="ordered"/> the exact matcher decides, each found and confirmed as matching
    /// would (the lookahead, the reference probes, the currency, open-amount, family and sum checks), but
    /// none applied: the exact matcher's decision without the records it writes, which the benchmarks
    /// measure beside the whole path.
    /// </summary>
    [SkipLocalsInit]
    internal int CountDecidedAtOnce(IReadOnlyList<Payment> ordered)
    {
        var lookahead = new ReferenceLookahead(this, ordered, explains: false);
        Span<int> items = stackalloc int[MaxQuotes];
        var decided = 0;
        for (var at = 0; at < ordered.Count; at++)
        {
            lookahead.Warm(at);
            decided += AtOnceItems(ordered[at], items) >= 0 ? 1 : 0;
        }

        return decided;
    }

    private sealed class ReferenceLookahead(CashMatcher matcher, IReadOnlyList<Payment> ordered, bool explains = true)
    {
        // How many payments ahead each step runs. A payment is decided in a few hundred nanoseconds, about
        // one fetch from memory, so each step gets two payments' time. On the 1M-item benchmark, steps 1, 2
        // and 3 apart measured the same within the machine's noise.
        private const int SlotsAt = 8;
        private const int KeysAt = 6;
        private const int ItemsAt = 4;
        private const int NumbersAt = 2;
        private const int Ring = 16;
        private const int KeysPerPayment = 4;

        private readonly ulong[] _hashes = new ulong[Ring * KeysPerPayment];
        private readonly int[] _items = new int[Ring * KeysPerPayment];
        private readonly int[] _counts = new int[Ring];

        /// <summary>Called as payment <paramref name="at"/> is about to be decided: moves every chain ahead one step.</summary>
        public void Warm(int at)
        {
            if (at == 0)
            {
                // The first payments get what time allows.
                for (var p = 0; p < SlotsAt; p++)
                {
                    Slots(p);
                }
            }

            Slots(at + SlotsAt);
            Keys(at + KeysAt);
            if (explains)
            {
                Items(at + ItemsAt, numbers: false);
                Items(at + NumbersAt, numbers: true);
            }
        }

        // Step 1: the lookup keys of the payment's quotes, and the table slots they start at.
        [SkipLocalsInit]
        private void Slots(int p)
        {
            if (p >= ordered.Count)
            {
                return;
            }

            var payment = ordered[p];
            Span<char> buffer = stackalloc char[ReferenceText.KeyBufferFactor * MaxReferenceLength];
            Span<Range> keys = stackalloc Range[ReferenceText.MaxLookupKeys];
            var at = p % Ring * KeysPerPayment;
            var count = 0;
            var lines = payment.Remittance;
            for (var l = 0; l < lines.Count && count < KeysPerPayment; l++)
            {
                count = Hash(lines[l].Reference, buffer, keys, at, count);
            }

            var text = payment.FreeText;
            var position = 0;
            while (count < KeysPerPayment && ReferenceText.NextToken(text, ref position, out var range))
            {
                count = Hash(text.AsSpan(range), buffer, keys, at, count);
            }

            _counts[p % Ring] = count;
        }

        private int Hash(ReadOnlySpan<char> reference, Span<char> buffer, Span<Range> keys, int at, int count)
        {
            if (reference.Length > MaxReferenceLength)
            {
                return count;
            }

            var found = ReferenceText.LookupKeys(reference, buffer, keys);
            if (found == 0)
            {
                return count;
            }

            // The key the at-once path probes first.
            var hash = KeyIndex.HashOf(buffer[keys[ProbedFrom(keys[..found])]]);
            matcher._invoiceKeys.PrefetchSlot(hash);
            matcher._poKeys.PrefetchSlot(hash);
            _hashes[at + count] = hash;

            // No item until step 2 finds one: the steps after it skip a key step 2 has not reached (the
            // first payments of a batch), rather than read what an earlier payment left in the ring.
            _items[at + count] = -1;
            return count + 1;
        }

        // Step 2: the slots are in; fetch the keys' characters and the open amount and currency of the item each names.
        private void Keys(int p)
        {
            if (p >= ordered.Count)
            {
                return;
            }

            // A payment the at-once path leaves asks the near items of its amount first (a payment of one quote lacks the
            // whole amount): the bucket of the amounts table it will walk.
            matcher._byAmount?.PrefetchBucket(ordered[p].Amount.Minor);
            var at = p % Ring * KeysPerPayment;
            for (var k = 0; k < _counts[p % Ring]; k++)
            {
                var item = matcher._invoiceKeys.PrefetchKey(_hashes[at + k]);
                _items[at + k] = item;
                if (item >= 0)
                {
                    Prefetch.Line(ref matcher._remaining.Slot(item));
                    Prefetch.Line(ref matcher._currencyOf[item]);
                    Prefetch.Line(ref matcher._seriesOfItem[item]);
                    matcher._items.PrefetchPlace(item);
                }
            }
        }

        // Step 3 (for the explanations and applications): the start of the items' texts, their ids and numbers, whose place
        // step 2 fetched. Step 4: the line after, where a text that starts late in its line goes on.
        private void Items(int p, bool numbers)
        {
            if (p >= ordered.Count)
            {
                return;
            }

            if (!numbers)
            {
                // The bucket fetched one step ago, two payments back: its first entry.
                matcher._byAmount?.PrefetchFirst(ordered[p].Amount.Minor, matcher._remaining);
            }

            var at = p % Ring * KeysPerPayment;
            for (var k = 0; k < _counts[p % Ring]; k++)
            {
                if (_items[at + k] >= 0)
                {
                    matcher._items.PrefetchTexts(_items[at + k], further: numbers);
                }
            }
        }
    }
}
