using CashApp.Engine.Matching;
using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;

namespace CashApp.Engine.Tests.Matching;

/// <summary>
/// The matcher's items grouped by customer in two flat arrays read back as a list a customer would: each customer's
/// items, every one of them once, in the order of their numbers, and nothing for a customer with none. Items past the
/// count (room for items added later) belong to no customer.
/// </summary>
public sealed class ItemsByCustomerProperties
{
    [Property(MaxTest = 500, Replay = "(43,11)")]
    public Property EachCustomersItems_InNumberOrder_EveryItemOnce() =>
        Prop.ForAll(
            Gen.Choose(1, 12).SelectMany(customers => Gen.ArrayOf(Gen.Choose(0, customers - 1)).Select(of => (customers, of))).ToArbitrary(),
            Gen.Choose(0, 5).ToArbitrary(),
            (given, room) =>
            {
                var (customers, of) = given;

                // The customers' column is longer than the items, as the matcher's is; its room holds what a later
                // generation may write there, here customer 0.
                var customerOf = of.Concat(Enumerable.Repeat(0, room)).ToArray();
                var (at, items) = CashMatcher.ItemsByCustomer(customerOf, of.Length, customers);

                var failures = new List<string>();
                if (at.Length != customers + 1 || at[0] != 0 || at[^1] != of.Length || items.Length != of.Length)
                {
                    failures.Add($"starts [{string.Join(',', at)}] for {items.Length} items");
                }
                else
                {
                    for (var c = 0; c < customers; c++)
                    {
                        var expected = Enumerable.Range(0, of.Length).Where(i => of[i] == c);
                        var actual = items[at[c]..at[c + 1]];
                        if (!actual.SequenceEqual(expected))
                        {
                            failures.Add($"customer {c}: [{string.Join(',', actual)}]");
                        }
                    }
                }

                return (failures.Count == 0).Label($"[{string.Join(',', of)}] +{room}: {string.Join("; ", failures)}");
            });
}
