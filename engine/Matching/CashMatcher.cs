using CashApp.Engine.Model;

namespace CashApp.Engine.Matching;

/// <summary>
/// Applies payments to open items. Built once per run over the open items and customers; then
/// <see cref="Match"/> applies a batch of payments. (First cut: exact invoice numbers only.)
/// </summary>
public sealed class CashMatcher
{
    private readonly Dictionary<string, List<OpenItem>> _byNumber = new(StringComparer.Ordinal);
    private readonly Dictionary<string, long> _remaining = new(StringComparer.Ordinal);

    /// <summary>Builds the indexes.</summary>
    public CashMatcher(IReadOnlyList<OpenItem> items, IReadOnlyList<Customer> customers, MatchPolicy policy)
    {
        ArgumentNullException.ThrowIfNull(items);
        ArgumentNullException.ThrowIfNull(customers);
        Policy = policy ?? throw new ArgumentNullException(nameof(policy));
        foreach (var item in items)
        {
            _remaining[item.ItemId] = item.OpenMinor;
            var key = item.InvoiceNumber.ToUpperInvariant();
            if (!_byNumber.TryGetValue(key, out var list))
            {
                _byNumber[key] = list = [];
            }

            list.Add(item);
        }
    }

    /// <summary>The policy in force.</summary>
    public MatchPolicy Policy { get; }

    /// <summary>Applies the payments, in a canonical order so that input order never changes the result.</summary>
    public MatchResult Match(IReadOnlyList<Payment> payments)
    {
        ArgumentNullException.ThrowIfNull(payments);
        var applications = new List<Application>();
        var exceptions = new List<ExceptionCase>();
        foreach (var payment in payments.OrderBy(p => p.PaymentRef, StringComparer.Ordinal).ThenBy(p => p.Amount.Minor))
        {
            OpenItem? hit = null;
            foreach (var line in payment.Remittance)
            {
                if (_byNumber.TryGetValue(line.Reference.ToUpperInvariant(), out var items) && items.Count == 1
                    && items[0].Currency.Code == payment.Amount.Currency.Code
                    && _remaining[items[0].ItemId] == payment.Amount.Minor)
                {
                    hit = items[0];
                    break;
                }
            }

            if (hit is null)
            {
                exceptions.Add(new ExceptionCase(payment.PaymentRef, payment.Amount, ExceptionReason.NoMatch, "no exact reference", []));
                continue;
            }

            _remaining[hit.ItemId] = 0;
            applications.Add(new Application(payment.PaymentRef, hit.ItemId, payment.Amount, MatchMethod.ExactReference, new MatchScore(1), $"{hit.InvoiceNumber} by reference, amount equal"));
        }

        return new MatchResult(applications, exceptions);
    }
}
