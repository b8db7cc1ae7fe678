using CashApp.Engine.Model;
using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;
using static CashApp.Store.Tests.Ledger;

namespace CashApp.Store.Tests;

/// <summary>Invariants of deciding and reopening, over random splits of a payment (SQLite, one store for all cases).</summary>
public sealed class WorklistStoreProperties : IAsyncLifetime
{
    private readonly string _directory = Directory.CreateTempSubdirectory("cashapp-worklist-props-").FullName;
    private ICashStore _store = null!;
    private int _round;

    public async Task InitializeAsync() => _store = await CashStores.OpenSqliteAsync(Path.Combine(_directory, "cashapp.db"), new ManualClock());

    public async Task DisposeAsync()
    {
        await _store.DisposeAsync();
        Directory.Delete(_directory, recursive: true);
    }

    [Property(MaxTest = 25, Replay = "(7,11)")]
    public Property DecideThenReopen_AnySplit_AppliedPlusUnappliedIsThePaymentAndReopenRestoresEveryItem() =>
        Prop.ForAll(Gen.Choose(0, int.MaxValue).ToArbitrary(), seed =>
        {
            // Up to four items of 1.00 to 500.00 (one a credit memo at times), each taken in part; the rest left on account.
            var random = new Random(seed);
            var round = ++_round;
            var count = random.Next(1, 5);
            var opens = Enumerable.Range(0, count).Select(i => (long)random.Next(100, 50_001) * (i > 0 && random.Next(4) == 0 ? -1 : 1)).ToArray();
            var parts = opens.Select(o => Math.Sign(o) * (long)random.Next(1, (int)Math.Abs(o) + 1)).ToArray();
            if (parts.Sum() <= 0)
            {
                return true;
            }

            var ids = opens.Select((_, i) => $"R{round}-{i}").ToArray();
            var payment = parts.Sum() + random.Next(0, 1_000);
            Run(_store.UpsertOpenItemsAsync([.. ids.Select((id, i) => opens[i] < 0 ? CreditMemo(id, opens[i]) : Invoice(id, opens[i]))], "ar"));
            Run(_store.StoreIngestAsync(Batch($"round-{round}", [Credit($"PR{round}", payment)], exceptions: [Unapplied($"PR{round}", payment)])));
            var exception = Run(_store.ListExceptionsAsync(new ExceptionQuery { Status = ExceptionStatus.Open, Take = 1000 })).Items.Single(e => e.PaymentRef == $"PR{round}");
            var worklist = (IWorklistStore)_store;

            var decided = Run(worklist.DecideAsync(new DecisionRequest
            {
                ExceptionId = exception.Id,
                ExpectedRowVersion = exception.RowVersion,
                Allocations = [.. ids.Select((id, i) => new ItemAllocation(id, parts[i]))],
                Rest = payment == parts.Sum() ? RestDisposition.MustBalance : RestDisposition.LeaveOnAccount,
                Actor = "p",
                Reason = "p",
            }));
            var applied = Run(_store.ListApplicationsAsync(new ApplicationQuery { PaymentId = exception.PaymentId })).Sum(a => a.Amount.Minor);
            var balanced = decided.Status == ResolveStatus.Resolved && applied + decided.Exception!.Unapplied.Minor == payment;

            var reopened = Run(worklist.ReopenExceptionAsync(new ReopenRequest { ExceptionId = exception.Id, ExpectedRowVersion = decided.Exception!.RowVersion, Actor = "p", Reason = "p" }));
            var restored = ids.Select((id, i) => Run(_store.GetOpenItemAsync(id))!).Select((item, i) => item.RemainingMinor == opens[i] && item.Status == OpenItemStatus.Open).All(x => x);
            var netZero = Run(_store.ListApplicationsAsync(new ApplicationQuery { PaymentId = exception.PaymentId })).Sum(a => a.Amount.Minor) == 0;
            return balanced && reopened.Exception!.Unapplied.Minor == payment && reopened.Exception.Status == ExceptionStatus.Open && restored && netZero;
        });

    private static T Run<T>(Task<T> task) => task.GetAwaiter().GetResult();
}
