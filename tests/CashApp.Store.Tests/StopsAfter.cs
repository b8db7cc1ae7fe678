using CashApp.Engine.Matching;
using CashApp.Engine.Model;

namespace CashApp.Store.Tests;

/// <summary>Matches on a snapshot read for each call, as a server does, and stops as a killed server when asked to match after <c>calls</c> calls.</summary>
internal sealed class StopsAfter(ICashStore store, int calls) : ILedgerMatcher
{
    private int _calls;

    public async ValueTask<(MatchResult Result, LedgerSnapshot Snapshot)> MatchAsync(IReadOnlyList<Payment> payments, MatchStage stage, AmountChances? chances, CancellationToken cancellationToken)
    {
        if (++_calls > calls)
        {
            throw new OperationCanceledException("the server stopped mid-file");
        }

        var snapshot = await store.LoadSnapshotAsync(cancellationToken);
        return (new CashMatcher(snapshot.OpenItems, snapshot.Customers, MatchPolicy.Default).Match(payments, stage, chances), snapshot);
    }

    public void Invalidate()
    {
    }

    public void ItemsChanged(IEnumerable<string> itemIds)
    {
    }
}
