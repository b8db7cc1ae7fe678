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
    public static Repeats Find(IReadOnlyList<BankFileReadResult> files)
    {
        var found = new Repeats();
        if (files.Count < 2)
        {
            return found;
        }

        var first = new Dictionary<string, BankTransaction>(StringComparer.Ordinal);
        foreach (var file in files)
        {
            var credits = file.Transactions.Where(t => t.Direction == Direction.Credit).ToList();
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

    /// <summary>Whether <paramref name="transaction"/> repeats a credit of an earlier file.</summary>
    public bool Contains(BankTransaction transaction) => _repeats.Contains(transaction);

    /// <summary>The detail of a repeat's exception: the credit that first brought the payment, and where.</summary>
    public static string Describe(BankTransaction first) =>
        string.Create(CultureInfo.InvariantCulture, $"the same payment as {first.PaymentRef} in {first.SourceFile} line {first.LineNumber}, already received: not applied again");
}
