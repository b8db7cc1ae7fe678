using CashApp.Engine.Matching;
using CashApp.Engine.Model;

namespace CashApp.Store;

/// <summary>
/// Why each suggestion of an exception ranks below the one above it, from what the store holds now: the
/// items' open amounts against the amount still to apply, their customer families against the payer's, the
/// explanation's evidence and the confidence (<see cref="SuggestionRanking"/>). The page and the API use it.
/// </summary>
public static class SuggestionRanks
{
    /// <summary>One entry per suggestion of <paramref name="exception"/>: null for the first.</summary>
    public static async Task<IReadOnlyList<string?>> WhyLowerAsync(this ICashStore store, StoredExceptionCase exception, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(store);
        ArgumentNullException.ThrowIfNull(exception);
        if (exception.Suggestions.Count < 2)
        {
            return [.. exception.Suggestions.Select(_ => (string?)null)];
        }

        var customers = new Dictionary<string, Customer?>(StringComparer.Ordinal);
        var payment = await store.GetPaymentAsync(exception.PaymentId, cancellationToken).ConfigureAwait(false);
        var payerFamily = payment?.PayerId is { Length: > 0 } payerId ? await FamilyAsync(payerId).ConfigureAwait(false) : null;
        var currency = exception.Unapplied.Currency;
        var facts = new List<SuggestionFacts>(exception.Suggestions.Count);
        foreach (var suggestion in exception.Suggestions)
        {
            long covered = 0;
            var notOpen = new List<string>();
            var families = new List<string>();
            foreach (var itemId in suggestion.ItemIds)
            {
                var item = await store.GetOpenItemAsync(itemId, cancellationToken).ConfigureAwait(false);
                if (item is null || item.Status != OpenItemStatus.Open || item.Item.Currency != currency)
                {
                    notOpen.Add(itemId);
                    continue;
                }

                covered = checked(covered + item.RemainingMinor);
                var family = await FamilyAsync(item.Item.CustomerId).ConfigureAwait(false) ?? item.Item.CustomerId;
                if (!families.Contains(family, StringComparer.Ordinal))
                {
                    families.Add(family);
                }
            }

            var payer = payerFamily is null || families.Count == 0 ? SuggestionPayer.Unknown
                : families.All(f => f == payerFamily) ? SuggestionPayer.PayersFamily
                : SuggestionPayer.OtherFamily;
            facts.Add(new SuggestionFacts(suggestion.ItemIds, suggestion.Score.Value, suggestion.Why, covered, notOpen, families, payer));
        }

        var target = exception.Status == ExceptionStatus.Open ? exception.Unapplied : exception.PaymentAmount;
        return SuggestionRanking.WhyLower(facts, target);

        // The family a customer belongs to, as "id name" of its top parent; null when the customer is unknown.
        async Task<string?> FamilyAsync(string customerId)
        {
            var customer = await CustomerAsync(customerId).ConfigureAwait(false);
            if (customer is null)
            {
                return null;
            }

            var root = customer.ParentId is { Length: > 0 } parentId ? await CustomerAsync(parentId).ConfigureAwait(false) ?? customer : customer;
            return $"{root.CustomerId} {root.Name}";
        }

        async Task<Customer?> CustomerAsync(string customerId)
        {
            if (!customers.TryGetValue(customerId, out var customer))
            {
                customer = await store.GetCustomerAsync(customerId, cancellationToken).ConfigureAwait(false);
                customers[customerId] = customer;
            }

            return customer;
        }
    }
}
