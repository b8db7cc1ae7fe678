using CashApp.Engine.Matching;
using CashApp.Engine.Model;
using CashApp.Parsers.Currency;
using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;

namespace CashApp.Engine.Tests.Matching;

/// <summary>
/// The counters that choose which payer names a run remembers the payers of: a name given more than once, as the
/// payer's or the ultimate payer's, is always called repeated (else every payment of a customer who pays twice would
/// look its name up again). Which names are remembered never changes a decision: a name finds the same payers either way.
/// </summary>
public sealed class RepeatedNamesProperties
{
    [Property(MaxTest = 200, Replay = "(20261204,15)")]
    public Property RepeatedNames_ANameGivenTwice_IsAlwaysCalledRepeated() =>
        Prop.ForAll(ArbMap.Default.ArbFor<int>(), seed =>
        {
            var random = new Random(seed);
            var names = Enumerable.Range(0, random.Next(1, 400)).Select(n => $"PAYER {n} {random.Next(1000)}").ToArray();
            var payments = new List<Payment>();
            for (var p = random.Next(1, 300); p > 0; p--)
            {
                string? Pick() => random.Next(4) == 0 ? null : names[random.Next(names.Length)];
                payments.Add(new Payment($"P{p}", new Money(100, new CurrencyCode("USD")), Pick(), null, [], null, "day.bai2", p) { UltimatePayerName = Pick() });
            }

            var given = payments.SelectMany(p => new[] { p.PayerName, p.UltimatePayerName }).OfType<string>().CountBy(n => n);
            var repeated = new RepeatedNames(payments);
            return given.Where(g => g.Value > 1).All(g => repeated.Repeated(g.Key));
        });
}
