using CashApp.Engine.Matching;
using CashApp.Engine.Model;

namespace CashApp.Engine.Tests.Matching;

/// <summary>
/// Name lookups keep their buffers per thread (the server matches on many threads against one directory): lookups
/// on several threads at once find what the same lookups find one after another.
/// </summary>
public sealed class NameLookupConcurrencyTests
{
    [Fact]
    public void ByNameAndNameResembles_OnManyThreadsAtOnce_FindWhatTheyFindOneAfterAnother()
    {
        var words = NameLookupProperties.Words;
        var forms = NameLookupProperties.Forms;
        var random = new Random(20);
        string NameOf(int i) => string.Join(' ', Enumerable.Range(0, 1 + (i % 4)).Select(_ => words[random.Next(words.Length)])) + " " + forms[i % forms.Length];
        var names = Enumerable.Range(0, 400).Select(NameOf).ToList();
        var customers = names.Select((name, i) => new Customer($"C{i:D4}", name, i % 5 == 0 && i > 0 ? $"C{i - 1:D4}" : null, [], [])).ToList();
        var directory = new CustomerDirectory(customers, []);
        var payers = names.Select(n => n.ToUpperInvariant()).Concat(names.Select(n => n[..Math.Max(1, n.Length / 2)])).ToList();

        string Answer(int p) =>
            string.Join(";", directory.ByName(payers[p]).Select(c => $"{c.Customer}:{c.Score}:{c.NameOnFile}"))
            + "|" + directory.NameResembles(payers[p], p % customers.Count, 80);
        var expected = Enumerable.Range(0, payers.Count).Select(Answer).ToList();

        var found = new string[4][];
        Parallel.For(0, found.Length, new ParallelOptions { MaxDegreeOfParallelism = found.Length }, t =>
        {
            // Each thread in its own order (forwards or backwards, from its own start), so that different names are looked up at the same time.
            found[t] = new string[payers.Count];
            for (var k = 0; k < payers.Count; k++)
            {
                var p = ((t % 2 == 0 ? k : payers.Count - 1 - k) + (t * 97)) % payers.Count;
                found[t][p] = Answer(p);
            }
        });

        foreach (var answers in found)
        {
            Assert.Equal(expected, answers);
        }
    }
}
