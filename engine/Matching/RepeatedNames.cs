using CashApp.Engine.Model;

namespace CashApp.Engine.Matching;

/// <summary>
/// Which payer names a batch gives more than once, told from a table of counters by each name's hash: a name it
/// calls given once is given once; one it calls repeated may only share its counter with another name. What lets
/// the run's payers-by-name cache keep only the names that can come back.
/// </summary>
/// <remarks>
/// The cache is for the customer who pays several times a day, but it kept every name looked up, with its payers, to
/// the stage's end: in the middle of a 200k-payment day's match stage the payer lists were its largest survivor (some
/// 50 MB, more than its applications), each copied by two collections on its way to gen2, though a name given once is
/// never looked up again. One byte a counter, eight counters a payment, so two names rarely share one; the table
/// holds no references, so the collector never reads it.
/// </remarks>
internal sealed class RepeatedNames
{
    private const int CountersPerPayment = 8;

    private readonly byte[] _counts;
    private readonly int _mask;

    /// <summary>Counts every payer name (the payer's and the ultimate payer's) of <paramref name="payments"/>.</summary>
    public RepeatedNames(IReadOnlyList<Payment> payments)
    {
        var size = (int)System.Numerics.BitOperations.RoundUpToPowerOf2((uint)Math.Max(64, Math.Min(payments.Count, 1 << 26) * CountersPerPayment));
        _counts = new byte[size];
        _mask = size - 1;
        foreach (var payment in payments)
        {
            Count(payment.PayerName);
            Count(payment.UltimatePayerName);
        }
    }

    /// <summary>False when <paramref name="name"/> is given at most once; true when more often, or when its counter is shared.</summary>
    public bool Repeated(string name) => _counts[Slot(name)] > 1;

    private void Count(string? name)
    {
        if (name is not null)
        {
            ref var count = ref _counts[Slot(name)];
            count = (byte)Math.Min(count + 1, 2);
        }
    }

    private int Slot(string name) => StringComparer.Ordinal.GetHashCode(name) & _mask;
}
