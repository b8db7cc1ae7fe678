using CashApp.Engine.Model;

namespace CashApp.Engine.Matching;

/// <content>A served ledger's next generation with customers an AR system upserted (issue 16): see <see cref="CustomerDirectory.With"/>.</content>
public sealed partial class CashMatcher
{
    /// <summary>
    /// A matcher whose customers are these ones with <paramref name="customers"/> upserted, each a record as the store
    /// now holds it (new, or known and renamed, given aliases, accounts or a parent): it decides every payment exactly as
    /// a matcher built afresh from the changed ledger would, and is made in time proportional to the customers added or
    /// changed since the full build (and one copy of the per-customer and per-name arrays), not to the ledger. Its open
    /// amounts, items and payer rules are this one's (the rules pointed again at the directory: a rule for a new customer
    /// takes effect). This matcher itself carries on unchanged. Returns null, so that the caller reads the whole ledger,
    /// where the change cannot be carried so as to decide the same (see <see cref="CustomerDirectory.With"/>: a new
    /// customer whose id does not sort after every known id; a new customer in a ledger with customers known only from
    /// their items, or one of those put on record; a known customer of a matcher built without its customers' records).
    /// </summary>
    public CashMatcher? WithChangedCustomers(IReadOnlyList<Customer> customers)
    {
        ArgumentNullException.ThrowIfNull(customers);
        if (_customers.With(customers) is not { } directory)
        {
            return null;
        }

        var next = Fork();
        next._customers = directory;
        next._payerRules = _payerRuleSource is { } rules ? PayerRuleBook.Build(rules, directory) : null;
        return next;
    }
}
