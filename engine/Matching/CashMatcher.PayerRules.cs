using CashApp.Engine.Model;

namespace CashApp.Engine.Matching;

/// <content>Payer rules learnt from specialists' resolutions: accounts, names and payer ids that identify a customer.</content>
public sealed partial class CashMatcher
{
    // The active rules, by kind and key; null when none are used. Shared with forks: never changed after it is set.
    private PayerRuleBook? _payerRules;

    // The rules the book was built from, for a generation with new customers to build it again (CashMatcher.Customers.cs).
    private List<PayerRule>? _payerRuleSource;

    /// <summary>
    /// Uses the active, unshared payer rules among <paramref name="rules"/> as known accounts and names: a rule
    /// identifies the payer when no account on file does, and then the amount or a reference must still prove
    /// the items. Call before matching; forks made afterwards use the same rules. A key two active rules give
    /// to unrelated customers identifies neither.
    /// </summary>
    public void UsePayerRules(IEnumerable<PayerRule> rules)
    {
        ArgumentNullException.ThrowIfNull(rules);
        _payerRuleSource = [.. rules];
        _payerRules = PayerRuleBook.Build(_payerRuleSource, _customers);
    }

    /// <summary>The payer an active rule names for the payment, when there is one: its account first, then its payer id, then its name.</summary>
    private PayerCandidate? LearnedPayer(Payment payment)
    {
        var book = _payerRules;
        if (book is null)
        {
            return null;
        }

        foreach (var (kind, raw) in new[] { (PayerRuleKind.Account, payment.PayerAccount), (PayerRuleKind.PayerId, payment.PayerId), (PayerRuleKind.Name, payment.PayerName) })
        {
            if (PayerRule.KeyOf(kind, raw) is { } key && book.Find(kind, key) is var (customer, rule))
            {
                return new PayerCandidate(customer, 100, rule.Explanation);
            }
        }

        return null;
    }

    /// <summary>True when the payer was identified by a learned name (rather than a learned account or payer id).</summary>
    private static bool ByLearnedName(PayerCandidate payer) =>
        payer.NameOnFile is null && payer.What.StartsWith("payer by learned name ", StringComparison.Ordinal);

    /// <summary>The active rules by kind and key, each pointing at a customer of the directory.</summary>
    private sealed class PayerRuleBook
    {
        private readonly Dictionary<(PayerRuleKind, string), (int Customer, PayerRule Rule)> _rules = [];

        public static PayerRuleBook? Build(IEnumerable<PayerRule> rules, CustomerDirectory customers)
        {
            var book = new PayerRuleBook();
            var refused = new HashSet<(PayerRuleKind, string)>();
            foreach (var rule in rules.Where(r => r.State == PayerRuleState.Active && !r.Shared).OrderBy(r => r.RuleId))
            {
                var customer = customers.IndexOf(rule.CustomerId);
                var key = (rule.Kind, rule.Key);
                if (customer < 0 || refused.Contains(key))
                {
                    continue;
                }

                if (book._rules.TryGetValue(key, out var earlier) && !customers.SameFamily(earlier.Customer, customer))
                {
                    // Two unrelated customers for one key: the key proves nothing.
                    book._rules.Remove(key);
                    refused.Add(key);
                    continue;
                }

                book._rules.TryAdd(key, (customer, rule));
            }

            return book._rules.Count == 0 ? null : book;
        }

        public (int Customer, PayerRule Rule)? Find(PayerRuleKind kind, string key) =>
            _rules.TryGetValue((kind, key), out var found) ? found : null;
    }
}
