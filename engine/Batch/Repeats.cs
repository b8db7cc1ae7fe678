using System.Globalization;
using CashApp.Parsers.Common;

namespace CashApp.Engine.Batch;

/// <summary>
/// The credits of a run's files that an earlier file already brought: the same identity key
/// (<see cref="PaymentIdentity"/>), as in a re-sent day with a new <c>01</c> header, an intraday BAI2 beside the
/// end-of-day file, or one entry in a camt.053 and a camt.054. Files count in the order given; within one file the
/// keys' ordinals keep identical credits apart, so a single file has no repeats.
/// </summary>
internal sealed class Repeats
{
    private readonly HashSet<BankTransaction> _repeats = new(ReferenceEqualityComparer.Instance);

    private Repeats()
    {
    }

    /// <summary>Each repeated credit, in file order, with the credit of an earlier file that first brought it.</summary>
    public List<(BankTransaction Credit, BankTransaction First)> Credits { get; } = [];

    /// <summary>Finds the repeats among <paramref name="files"/>, in the order given.</summary>
    /// <remarks>
    /// A key starts with its credit's format family (<see cref="PaymentIdentity.Family"/>: <c>bai2|</c>, <c>camt|</c>,
    /// ...), so two credits of different families never have one key. Only the credits of a family that two or more
    /// files hold are given keys: a day of one BAI2, one camt.053 and one lockbox file (a million credits, some 3 s of
    /// hashing on one core between the loads and the index) has none to give. A key's ordinal counts the earlier credits
    /// of the file with the same fields, family included, so leaving the other families' credits out changes no key.
    /// </remarks>
    public static Repeats Find(IReadOnlyList<BankFileReadResult> files)
    {
        var found = new Repeats();
        if (files.Count < 2)
        {
            return found;
        }

        var shared = SharedFamilies(files);
        if (shared.Count == 0)
        {
            return found;
        }

        var first = new Dictionary<string, BankTransaction>(StringComparer.Ordinal);
        foreach (var file in files)
        {
            var credits = file.Transactions.Where(t => t.Direction == Direction.Credit && shared.Contains(PaymentIdentity.Family(t.Format))).ToList();
            var keys = PaymentIdentity.Keys(credits);
            for (var i = 0; i < credits.Count; i++)
            {
                if (first.TryGetValue(keys[i], out var earlier))
                {
                    found._repeats.Add(credits[i]);
                    found.Credits.Add((credits[i], earlier));
                }
            }

            // Added after the whole file: a file never repeats itself (its ordinals tell its equal credits apart).
            for (var i = 0; i < credits.Count; i++)
            {
                first.TryAdd(keys[i], credits[i]);
            }
        }

        return found;
    }

    /// <summary>The format families whose credits two or more of <paramref name="files"/> hold: the only keys that can meet.</summary>
    private static HashSet<string> SharedFamilies(IReadOnlyList<BankFileReadResult> files)
    {
        var seen = new HashSet<string>(StringComparer.Ordinal);
        var shared = new HashSet<string>(StringComparer.Ordinal);
        var ofFile = new HashSet<string>(StringComparer.Ordinal);
        foreach (var file in files)
        {
            ofFile.Clear();
            var last = (BankFileFormat)(-1);
            foreach (var t in file.Transactions)
            {
                // A file's credits are nearly always of one format: the family is looked up when it changes.
                if (t.Direction == Direction.Credit && t.Format != last)
                {
                    last = t.Format;
                    ofFile.Add(PaymentIdentity.Family(last));
                }
            }

            foreach (var family in ofFile)
            {
                if (!seen.Add(family))
                {
                    shared.Add(family);
                }
            }
        }

        return shared;
    }

    /// <summary>Whether <paramref name="transaction"/> repeats a credit of an earlier file.</summary>
    public bool Contains(BankTransaction transaction) => _repeats.Contains(transaction);

    /// <summary>The detail of a repeat's exception: the credit that first brought the payment, and where.</summary>
    public static string Describe(BankTransaction first) =>
        string.Create(CultureInfo.InvariantCulture, $"the same payment as {first.PaymentRef} in {first.SourceFile} line {first.LineNumber}, already received: not applied again");
}
