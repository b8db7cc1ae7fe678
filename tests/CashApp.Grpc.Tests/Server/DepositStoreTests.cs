using System.Text;
using CashApp.Engine.Model;
using CashApp.Fixtures;
using CashApp.Parsers.Common;
using CashApp.Parsers.Currency;
using CashApp.Parsers.Lockbox;
using CashApp.Parsers.Tests.Bai2;
using CashApp.Parsers.Tests.Camt;
using CashApp.Store;
using V1 = CashApp.Grpc.V1;

namespace CashApp.Grpc.Tests.Server;

/// <summary>
/// Deposits and their detail through the served store, each file in its own Ingest call: a BAI2 lockbox deposit
/// (115) and the lockbox file of its checks, a camt.053 entry booked without details and its camt.054. In either
/// order the deposit is reconciled with its detail (or is a deposit_mismatch naming both files); it is never applied
/// as a payment and never an unknown payer, and the detail's checks are applied once. Each test runs its own server.
/// </summary>
public sealed class DepositStoreTests : IAsyncLifetime
{
    private static readonly DateOnly Day = new(2026, 11, 20);
    private ServerFixture _server = new();

    public Task InitializeAsync() => _server.InitializeAsync();

    public Task DisposeAsync() => _server.DisposeAsync();

    [Fact]
    public async Task Ingest_DepositThenItsLockboxFile_HeldAwaitingThenReconciledAndChecksAppliedOnce()
    {
        await UpsertItemsAsync();

        var bai2 = await _server.BankFiles().IngestAsync("day.bai2", Bai2(1_250_00));
        var held = Assert.Single(bai2.Deposits);
        Assert.Equal((V1.DepositOutcome.Types.Status.AwaitingDetail, "LBX0012345", "day.bai2", ""), (held.Status, held.PaymentRef, held.DepositFile, held.DetailFile));
        Assert.Equal(1, bai2.Applied);
        var awaiting = await DepositExceptionAsync();
        Assert.Equal((ExceptionReason.DepositAwaitingDetail, ExceptionStatus.Open, 1_250_00L), (awaiting.Reason, awaiting.Status, awaiting.Unapplied.Minor));

        var lockbox = await _server.BankFiles().IngestAsync("day.lockbox.txt", Lockbox());
        var reconciled = Assert.Single(lockbox.Deposits);
        Assert.Equal((V1.DepositOutcome.Types.Status.Reconciled, held.PaymentId, "day.bai2", "day.lockbox.txt"), (reconciled.Status, reconciled.PaymentId, reconciled.DepositFile, reconciled.DetailFile));
        Assert.Equal(2, lockbox.Applied);

        await AssertReconciledAsync(held.PaymentId);
    }

    [Fact]
    public async Task Ingest_LockboxFileThenItsDeposit_ReconciledOnArrival()
    {
        await UpsertItemsAsync();

        var lockbox = await _server.BankFiles().IngestAsync("day.lockbox.txt", Lockbox());
        Assert.Empty(lockbox.Deposits);
        Assert.Equal(2, lockbox.Applied);

        var bai2 = await _server.BankFiles().IngestAsync("day.bai2", Bai2(1_250_00));
        var reconciled = Assert.Single(bai2.Deposits);
        Assert.Equal((V1.DepositOutcome.Types.Status.Reconciled, "day.bai2", "day.lockbox.txt"), (reconciled.Status, reconciled.DepositFile, reconciled.DetailFile));
        Assert.Equal(1, bai2.Applied);
        Assert.Contains("reconciled with its detail", reconciled.Description, StringComparison.Ordinal);

        await AssertReconciledAsync(reconciled.PaymentId);
    }

    [Fact]
    public async Task Ingest_DepositOfAnotherTotal_IsADepositMismatchNamingBothFilesAndTheChecksStillApply()
    {
        await UpsertItemsAsync();

        await _server.BankFiles().IngestAsync("day.bai2", Bai2(1_300_00));
        var lockbox = await _server.BankFiles().IngestAsync("day.lockbox.txt", Lockbox());

        var mismatch = Assert.Single(lockbox.Deposits);
        Assert.Equal(V1.DepositOutcome.Types.Status.Mismatch, mismatch.Status);
        var exception = await DepositExceptionAsync();
        Assert.Equal((ExceptionReason.DepositMismatch, ExceptionStatus.Open, 1_300_00L), (exception.Reason, exception.Status, exception.Unapplied.Minor));
        Assert.Contains("day.bai2", exception.Detail, StringComparison.Ordinal);
        Assert.Contains("day.lockbox.txt", exception.Detail, StringComparison.Ordinal);
        Assert.Contains("differs", exception.Detail, StringComparison.Ordinal);
        Assert.Empty(await _server.Store.ListApplicationsAsync(new ApplicationQuery { PaymentId = Id(mismatch.PaymentId) }));
        Assert.Equal(0, (await _server.Store.GetOpenItemAsync("DS-I1"))!.RemainingMinor);
        Assert.Equal(0, (await _server.Store.GetOpenItemAsync("DS-I2"))!.RemainingMinor);
    }

    [Fact]
    public async Task Ingest_DetailResent_NothingAppliedOrReconciledTwiceAndALaterDepositWaits()
    {
        await UpsertItemsAsync();
        await _server.BankFiles().IngestAsync("day.bai2", Bai2(1_250_00));
        var first = await _server.BankFiles().IngestAsync("day.lockbox.txt", Lockbox());
        Assert.Single(first.Deposits);

        // The bank sends the lockbox file again (trailing spaces trimmed: other bytes, the same checks).
        var resent = await _server.BankFiles().IngestAsync("day-resent.lockbox.txt", Lockbox(trim: true));
        Assert.False(resent.Duplicate);
        Assert.Equal((0, 2, 0), (resent.NewCredits, resent.AlreadyReceivedCount, resent.Applied));
        Assert.Empty(resent.Deposits);

        // A second deposit of the same lockbox and total (another bank reference) finds the checks taken: it waits.
        var second = await _server.BankFiles().IngestAsync("late.bai2", Bai2(1_250_00, depositRef: "LBX0012345-2", header: "2200,9"));
        var waiting = Assert.Single(second.Deposits);
        Assert.Equal(V1.DepositOutcome.Types.Status.AwaitingDetail, waiting.Status);

        var store = (DbCashStore)_server.Store;
        var counts = await store.CountDepositsAsync();
        Assert.Equal(1, counts[DepositState.Reconciled]);
        Assert.Equal(1, counts[DepositState.AwaitingDetail]);
        Assert.Equal(3, (await store.ListApplicationsAsync(new ApplicationQuery())).Count);
    }

    [Fact]
    public async Task Ingest_Camt053EntryWithoutDetailsThenItsCamt054_Reconciled()
    {
        await _server.OpenItems().UpsertAsync([MatchingTests.Invoice("DC-I1", "DC-CUST", "INV-2001", 1_200_00, "EUR"), MatchingTests.Invoice("DC-I2", "DC-CUST", "INV-2002", 300_00, "EUR")]);
        var (statement, notification) = Camt(1_500_00);

        var booked = await _server.BankFiles().IngestAsync("day.camt053.xml", statement);
        Assert.Equal(V1.DepositOutcome.Types.Status.AwaitingDetail, Assert.Single(booked.Deposits).Status);
        Assert.Equal(0, booked.Applied);

        var notified = await _server.BankFiles().IngestAsync("day.camt054.xml", notification);
        var reconciled = Assert.Single(notified.Deposits);
        Assert.Equal((V1.DepositOutcome.Types.Status.Reconciled, "day.camt053.xml", "day.camt054.xml"), (reconciled.Status, reconciled.DepositFile, reconciled.DetailFile));
        Assert.Equal(2, notified.Applied);
        var exception = Assert.Single((await _server.Store.ListExceptionsAsync(new ExceptionQuery())).Items);
        Assert.Equal((ExceptionReason.DepositReconciled, ExceptionStatus.Resolved), (exception.Reason, exception.Status));
    }

    [Fact]
    public async Task Ingest_DepositResolvedByHandBeforeItsDetail_DetailReportedAsResolvedByHandAndItsChecksNotAppliedAgain()
    {
        await UpsertItemsAsync();
        var bai2 = await _server.BankFiles().IngestAsync("day.bai2", Bai2(1_250_00));
        var held = Assert.Single(bai2.Deposits);

        // The specialist does not wait for the lockbox file: the deposit is INV-1001 and INV-1002, applied by hand.
        var byHand = await ResolveByHandAsync(new V1.ResolveExceptionRequest
        {
            ApplyToItems = new V1.ApplyToItems { Applications = { new V1.ItemApplication { ItemId = "DS-I1", AmountMinor = 1_000_00 }, new V1.ItemApplication { ItemId = "DS-I2", AmountMinor = 250_00 } } },
        });

        var lockbox = await _server.BankFiles().IngestAsync("day.lockbox.txt", Lockbox());

        var outcome = Assert.Single(lockbox.Deposits);
        Assert.Equal((V1.DepositOutcome.Types.Status.Reconciled, held.PaymentId, "day.lockbox.txt"), (outcome.Status, outcome.PaymentId, outcome.DetailFile));
        Assert.Contains($"deposit already resolved by hand by {byHand.ResolvedBy} on {byHand.ResolvedAt!.Value.UtcDateTime:yyyy-MM-dd HH:mm} UTC", outcome.Description, StringComparison.Ordinal);
        Assert.Contains("agrees with its detail", outcome.Description, StringComparison.Ordinal);
        Assert.Equal((2, 0), (lockbox.NewCredits, lockbox.Applied));

        // Each item applied once, by the specialist; each check stored, covered by the deposit, nothing of it unapplied.
        var applications = await _server.Store.ListApplicationsAsync(new ApplicationQuery());
        Assert.Equal(["DS-I1", "DS-I2", "DS-I3"], applications.Select(a => a.ItemId).Order(StringComparer.Ordinal));
        Assert.Equal(0, (await _server.Store.GetOpenItemAsync("DS-I1"))!.RemainingMinor);
        var exceptions = (await _server.Store.ListExceptionsAsync(new ExceptionQuery())).Items;
        var checks = exceptions.Where(e => e.BankFileId == Id(lockbox.FileId)).ToList();
        Assert.Equal(2, checks.Count);
        Assert.All(checks, e => Assert.Equal((ExceptionReason.DepositReconciled, ExceptionStatus.Resolved, 0L), (e.Reason, e.Status, e.Unapplied.Minor)));
        Assert.All(checks, e => Assert.Contains("LBX0012345 (day.bai2 line", e.Detail, StringComparison.Ordinal));
        Assert.DoesNotContain(exceptions, e => e.Status == ExceptionStatus.Open);
        Assert.Equal(1, (await ((DbCashStore)_server.Store).CountDepositsAsync())[DepositState.Reconciled]);
    }

    [Fact]
    public async Task Ingest_DepositResolvedByHandThenDetailOfAnotherTotal_AnOpenMismatchNamingBothFilesAndNothingAppliedAgain()
    {
        await UpsertItemsAsync();
        var bai2 = await _server.BankFiles().IngestAsync("day.bai2", Bai2(1_300_00));
        var held = Assert.Single(bai2.Deposits);
        var byHand = await ResolveByHandAsync(new V1.ResolveExceptionRequest { LeaveOnAccount = new V1.LeaveOnAccount { CustomerId = "DS-ACME" } });

        var lockbox = await _server.BankFiles().IngestAsync("day.lockbox.txt", Lockbox());

        var outcome = Assert.Single(lockbox.Deposits);
        Assert.Equal((V1.DepositOutcome.Types.Status.Mismatch, held.PaymentId), (outcome.Status, outcome.PaymentId));
        Assert.Equal(0, lockbox.Applied);
        var mismatch = Assert.Single((await _server.Store.ListExceptionsAsync(new ExceptionQuery())).Items, e => e.Status == ExceptionStatus.Open);
        Assert.Equal((ExceptionReason.DepositMismatch, 0L, Id(held.PaymentId)), (mismatch.Reason, mismatch.Unapplied.Minor, mismatch.PaymentId));
        Assert.Contains($"resolved by hand by {byHand.ResolvedBy} on ", mismatch.Detail, StringComparison.Ordinal);
        Assert.Contains("day.bai2", mismatch.Detail, StringComparison.Ordinal);
        Assert.Contains("day.lockbox.txt", mismatch.Detail, StringComparison.Ordinal);
        Assert.Contains("differs from its detail", mismatch.Detail, StringComparison.Ordinal);
        Assert.Equal(1_000_00, (await _server.Store.GetOpenItemAsync("DS-I1"))!.RemainingMinor);
        Assert.Equal(250_00, (await _server.Store.GetOpenItemAsync("DS-I2"))!.RemainingMinor);
    }

    [Fact]
    public async Task Ingest_LockboxDetailSplitOverTwoFilesOfAnyName_TiedToItsDepositByLockboxDateAndTotal()
    {
        await UpsertItemsAsync();
        var bai2 = await _server.BankFiles().IngestAsync("day.bai2", Bai2(1_250_00));
        var held = Assert.Single(bai2.Deposits);

        // The bank sends lockbox 0012345 of the day in two transmissions, named as its system names them.
        var morning = await _server.BankFiles().IngestAsync("LBX_AM_7731.dat", Lockbox(batch: "001"));
        Assert.Equal(V1.DepositOutcome.Types.Status.Mismatch, Assert.Single(morning.Deposits).Status);
        var afternoon = await _server.BankFiles().IngestAsync("transmission-2.txt", Lockbox(batch: "002"));

        var reconciled = Assert.Single(afternoon.Deposits);
        Assert.Equal((V1.DepositOutcome.Types.Status.Reconciled, held.PaymentId, "LBX_AM_7731.dat, transmission-2.txt"), (reconciled.Status, reconciled.PaymentId, reconciled.DetailFile));
        var exception = Assert.Single((await _server.Store.ListExceptionsAsync(new ExceptionQuery())).Items);
        Assert.Equal((ExceptionReason.DepositReconciled, ExceptionStatus.Resolved, 0L), (exception.Reason, exception.Status, exception.Unapplied.Minor));
        Assert.Equal(["DS-I1", "DS-I2", "DS-I3"], (await _server.Store.ListApplicationsAsync(new ApplicationQuery())).Select(a => a.ItemId).Order(StringComparer.Ordinal));
    }

    [Fact]
    public async Task Ingest_BothPartsOfALockboxUnderOtherNamesThenTheDeposit_Reconciled()
    {
        await UpsertItemsAsync();
        await _server.BankFiles().IngestAsync("b.txt", Lockbox(batch: "002"));
        await _server.BankFiles().IngestAsync("a.txt", Lockbox(batch: "001"));

        var bai2 = await _server.BankFiles().IngestAsync("day.bai2", Bai2(1_250_00));

        var reconciled = Assert.Single(bai2.Deposits);
        Assert.Equal((V1.DepositOutcome.Types.Status.Reconciled, "a.txt, b.txt"), (reconciled.Status, reconciled.DetailFile));
        Assert.Equal(1, (await ((DbCashStore)_server.Store).CountDepositsAsync())[DepositState.Reconciled]);
    }

    [Fact]
    public async Task Ingest_DepositResolvedByHandThenItsDetailInTwoFiles_PartsAddUpToReconciledWithOneMismatchMeanwhile()
    {
        await UpsertItemsAsync();
        var bai2 = await _server.BankFiles().IngestAsync("day.bai2", Bai2(1_250_00));
        var held = Assert.Single(bai2.Deposits);
        await ResolveByHandAsync(new V1.ResolveExceptionRequest
        {
            ApplyToItems = new V1.ApplyToItems { Applications = { new V1.ItemApplication { ItemId = "DS-I1", AmountMinor = 1_000_00 }, new V1.ItemApplication { ItemId = "DS-I2", AmountMinor = 250_00 } } },
        });

        // Batch 001 alone is short of the deposit: one open mismatch says so, nothing unapplied, nothing applied again.
        var morning = await _server.BankFiles().IngestAsync("am.txt", Lockbox(batch: "001"));
        Assert.Equal((V1.DepositOutcome.Types.Status.Mismatch, 0), (Assert.Single(morning.Deposits).Status, morning.Applied));
        var shortBy = Assert.Single((await _server.Store.ListExceptionsAsync(new ExceptionQuery())).Items, e => e.Status == ExceptionStatus.Open);
        Assert.Equal((ExceptionReason.DepositMismatch, 0L, Id(held.PaymentId)), (shortBy.Reason, shortBy.Unapplied.Minor, shortBy.PaymentId));

        // Batch 002 completes it: stored detail and new detail together agree, and that same exception is closed.
        var afternoon = await _server.BankFiles().IngestAsync("pm.txt", Lockbox(batch: "002"));
        var reconciled = Assert.Single(afternoon.Deposits);
        Assert.Equal((V1.DepositOutcome.Types.Status.Reconciled, held.PaymentId, "am.txt, pm.txt", 0), (reconciled.Status, reconciled.PaymentId, reconciled.DetailFile, afternoon.Applied));
        var exceptions = (await _server.Store.ListExceptionsAsync(new ExceptionQuery())).Items;
        Assert.DoesNotContain(exceptions, e => e.Status == ExceptionStatus.Open);
        Assert.Equal(2, exceptions.Count(e => e.PaymentId == Id(held.PaymentId)));
        var closed = Assert.Single(exceptions, e => e.Id == shortBy.Id);
        Assert.Equal((ExceptionReason.DepositReconciled, ExceptionStatus.Resolved, 0L), (closed.Reason, closed.Status, closed.Unapplied.Minor));
        Assert.Equal(1, (await ((DbCashStore)_server.Store).CountDepositsAsync())[DepositState.Reconciled]);
        Assert.Equal(["DS-I1", "DS-I2", "DS-I3"], (await _server.Store.ListApplicationsAsync(new ApplicationQuery())).Select(a => a.ItemId).Order(StringComparer.Ordinal));

        // A third file of the day finds the deposit settled: nothing of it is compared, opened or applied again.
        var resent = await _server.BankFiles().IngestAsync("pm-again.txt", Lockbox(batch: "002", trim: true));
        Assert.Empty(resent.Deposits);
        Assert.DoesNotContain((await _server.Store.ListExceptionsAsync(new ExceptionQuery())).Items, e => e.Status == ExceptionStatus.Open);
    }

    [Fact]
    public async Task Ingest_DepositResolvedByHandThenItsLockboxFileCutBetweenBatchesByStreamedIngest_Reconciled()
    {
        // One check per store transaction: the lockbox file's batches 001 and 002 reach the store apart.
        await _server.DisposeAsync();
        _server = new ServerFixture(64L * 1024 * 1024, configure: o => o with { IngestBatchSize = 1 });
        await _server.InitializeAsync();
        await UpsertItemsAsync();
        var held = Assert.Single((await _server.BankFiles().IngestAsync("day.bai2", Bai2(1_250_00))).Deposits);
        await ResolveByHandAsync(new V1.ResolveExceptionRequest { LeaveOnAccount = new V1.LeaveOnAccount { CustomerId = "DS-ACME" } });

        var lockbox = await _server.BankFiles().IngestAsync("day.lockbox.txt", Lockbox(batch: "both"));

        Assert.Equal((2, 0), (lockbox.NewCredits, lockbox.Applied));
        Assert.Contains(lockbox.Deposits, d => d.PaymentId == held.PaymentId && d.Status == V1.DepositOutcome.Types.Status.Reconciled);
        Assert.DoesNotContain((await _server.Store.ListExceptionsAsync(new ExceptionQuery())).Items, e => e.Status == ExceptionStatus.Open);
        Assert.Equal(1, (await ((DbCashStore)_server.Store).CountDepositsAsync())[DepositState.Reconciled]);
        Assert.Equal(1_000_00, (await _server.Store.GetOpenItemAsync("DS-I1"))!.RemainingMinor);
    }

    [Fact]
    public async Task Ingest_DepositResolvedByHandDiffersAndAnotherDepositOfTheLockboxHeld_TheHeldOneKeepsItsBatch()
    {
        await UpsertItemsAsync();
        var first = Assert.Single((await _server.BankFiles().IngestAsync("day.bai2", Bai2(1_300_00))).Deposits);
        await ResolveByHandAsync(new V1.ResolveExceptionRequest { LeaveOnAccount = new V1.LeaveOnAccount { CustomerId = "DS-ACME" } });
        var second = Assert.Single((await _server.BankFiles().IngestAsync("late.bai2", Bai2(250_00, depositRef: "LBX0012345-2", header: "2200,9"))).Deposits);
        Assert.Equal(V1.DepositOutcome.Types.Status.AwaitingDetail, second.Status);

        // Batch 002 is exactly the held deposit; the hand-resolved one differs from what is left (batch 001), not from both.
        var lockbox = await _server.BankFiles().IngestAsync("day.lockbox.txt", Lockbox(batch: "both"));

        Assert.Equal(V1.DepositOutcome.Types.Status.Mismatch, Assert.Single(lockbox.Deposits, d => d.PaymentId == first.PaymentId).Status);
        Assert.Equal(V1.DepositOutcome.Types.Status.Reconciled, Assert.Single(lockbox.Deposits, d => d.PaymentId == second.PaymentId).Status);
        Assert.Equal(1, lockbox.Applied);
        Assert.Equal(1_000_00, (await _server.Store.GetOpenItemAsync("DS-I1"))!.RemainingMinor);
        Assert.Equal(0, (await _server.Store.GetOpenItemAsync("DS-I2"))!.RemainingMinor);
        var mismatch = Assert.Single((await _server.Store.ListExceptionsAsync(new ExceptionQuery())).Items, e => e.Reason == ExceptionReason.DepositMismatch);
        Assert.Equal((ExceptionStatus.Open, Id(first.PaymentId)), (mismatch.Status, mismatch.PaymentId));
        var counts = await ((DbCashStore)_server.Store).CountDepositsAsync();
        Assert.Equal((1, 1), (counts[DepositState.Reconciled], counts[DepositState.Mismatch]));
    }

    [Fact]
    public async Task Ingest_TwoDepositsOfTheLockboxResolvedByHandAndDiffering_EachCheckCountsForOneDepositOnly()
    {
        await UpsertItemsAsync();

        // Deposit A (1,400.00) is resolved by hand; the lockbox's batch 001 (1,000.00) comes and A takes it: it differs.
        var a = Assert.Single((await _server.BankFiles().IngestAsync("day.bai2", Bai2(1_400_00))).Deposits);
        await ResolveByHandAsync(new V1.ResolveExceptionRequest { LeaveOnAccount = new V1.LeaveOnAccount { CustomerId = "DS-ACME" } });
        var morning = await _server.BankFiles().IngestAsync("am.txt", Lockbox(batch: "001"));
        Assert.Equal((V1.DepositOutcome.Types.Status.Mismatch, a.PaymentId), (Assert.Single(morning.Deposits).Status, Assert.Single(morning.Deposits).PaymentId));

        // Deposit B (1,250.00) of the same lockbox and date comes later and is resolved by hand too.
        var b = Assert.Single((await _server.BankFiles().IngestAsync("late.bai2", Bai2(1_250_00, depositRef: "LBX0012345-2", header: "2200,9"))).Deposits);
        Assert.Equal(V1.DepositOutcome.Types.Status.AwaitingDetail, b.Status);
        var held = Assert.Single((await _server.Store.ListExceptionsAsync(new ExceptionQuery())).Items, e => e.PaymentId == Id(b.PaymentId) && e.Status == ExceptionStatus.Open);
        await _server.Exceptions("specialist").ResolveAsync(new V1.ResolveExceptionRequest
        {
            ExceptionId = held.Id.ToString(System.Globalization.CultureInfo.InvariantCulture),
            ExpectedRowVersion = held.RowVersion,
            Reason = "the customer's remittance advice came by email",
            LeaveOnAccount = new V1.LeaveOnAccount { CustomerId = "DS-BOLT" },
        });

        // Batch 002 (250.00): B may count it, not A's batch 001 as well, though 001 and 002 together are B's amount.
        var afternoon = await _server.BankFiles().IngestAsync("pm.txt", Lockbox(batch: "002"));
        var outcome = Assert.Single(afternoon.Deposits);
        Assert.Equal((V1.DepositOutcome.Types.Status.Mismatch, b.PaymentId, "pm.txt"), (outcome.Status, outcome.PaymentId, outcome.DetailFile));
        Assert.Equal(0, afternoon.Applied);

        // Each deposit's open mismatch counts its own checks: 1,000.00 and 250.00, the lockbox's 1,250.00 once.
        var open = (await _server.Store.ListExceptionsAsync(new ExceptionQuery())).Items.Where(e => e.Status == ExceptionStatus.Open).ToList();
        var ofA = Assert.Single(open, e => e.PaymentId == Id(a.PaymentId));
        var ofB = Assert.Single(open, e => e.PaymentId == Id(b.PaymentId));
        Assert.Equal((ExceptionReason.DepositMismatch, ExceptionReason.DepositMismatch), (ofA.Reason, ofB.Reason));
        Assert.Contains("1 checks totalling USD 1000.00", ofA.Detail, StringComparison.Ordinal);
        Assert.Contains("1 checks totalling USD 250.00", ofB.Detail, StringComparison.Ordinal);
        var counts = await ((DbCashStore)_server.Store).CountDepositsAsync();
        Assert.Equal((0, 2), (counts.GetValueOrDefault(DepositState.Reconciled), counts[DepositState.Mismatch]));
        Assert.Equal(1_000_00, (await _server.Store.GetOpenItemAsync("DS-I1"))!.RemainingMinor);
        Assert.Equal(250_00, (await _server.Store.GetOpenItemAsync("DS-I2"))!.RemainingMinor);
    }

    /// <summary>A specialist resolves the one deposit exception by hand, as <paramref name="decision"/> says.</summary>
    private async Task<StoredExceptionCase> ResolveByHandAsync(V1.ResolveExceptionRequest decision)
    {
        var deposit = await DepositExceptionAsync();
        decision.ExceptionId = deposit.Id.ToString(System.Globalization.CultureInfo.InvariantCulture);
        decision.ExpectedRowVersion = deposit.RowVersion;
        decision.Reason = "the customer's remittance advice came by email";
        await _server.Exceptions("specialist").ResolveAsync(decision);
        var resolved = await DepositExceptionAsync();
        Assert.Equal(ExceptionStatus.Resolved, resolved.Status);
        Assert.False(string.IsNullOrEmpty(resolved.ResolvedBy));
        return resolved;
    }

    private async Task AssertReconciledAsync(string depositPaymentId)
    {
        var store = _server.Store;
        var exception = await DepositExceptionAsync();
        Assert.Equal((ExceptionReason.DepositReconciled, ExceptionStatus.Resolved, 0L), (exception.Reason, exception.Status, exception.Unapplied.Minor));
        Assert.Contains("day.lockbox.txt", exception.Detail, StringComparison.Ordinal);

        // The deposit is never applied; the checks and the ACH payment are, each once.
        Assert.Empty(await store.ListApplicationsAsync(new ApplicationQuery { PaymentId = Id(depositPaymentId) }));
        var applications = await store.ListApplicationsAsync(new ApplicationQuery());
        Assert.Equal(["DS-I1", "DS-I2", "DS-I3"], applications.Select(a => a.ItemId).Order(StringComparer.Ordinal));
        Assert.DoesNotContain((await store.ListExceptionsAsync(new ExceptionQuery())).Items, e => e.Reason == ExceptionReason.UnknownPayer);
        foreach (var item in new[] { "DS-I1", "DS-I2", "DS-I3" })
        {
            Assert.Equal(0, (await store.GetOpenItemAsync(item))!.RemainingMinor);
        }
    }

    private async Task<StoredExceptionCase> DepositExceptionAsync() =>
        Assert.Single((await _server.Store.ListExceptionsAsync(new ExceptionQuery())).Items, e => e.PaymentRef.StartsWith("LBX", StringComparison.Ordinal));

    private Task<V1.UpsertSummary> UpsertItemsAsync() => _server.OpenItems().UpsertAsync(
    [
        Invoice("DS-I1", "DS-ACME", "Acme Corporation", "INV-1001", 1_000_00),
        Invoice("DS-I2", "DS-BOLT", "Bolt Industries", "INV-1002", 250_00),
        Invoice("DS-I3", "DS-ECHO", "Echo Freight LLC", "INV-3001", 75_25),
    ]);

    private static V1.OpenItem Invoice(string id, string customer, string name, string number, long minor)
    {
        var item = MatchingTests.Invoice(id, customer, number, minor);
        item.CustomerName = name;
        return item;
    }

    /// <summary>A BAI2 day: a lockbox deposit naming lockbox 0012345, and an ACH payment quoting INV-3001.</summary>
    private static byte[] Bai2(long depositMinor, string depositRef = "LBX0012345", string header = "0600,1")
    {
        var file = Bai2TestWriter.Render(new TestFile("BANK", "ACME", Day, [
            new TestGroup("BANK", Day, "USD", [
                new TestAccount("123456789", "USD", [], [
                    new TestDetail(115, depositMinor, "Z", depositRef, string.Empty, "LOCKBOX DEPOSIT 2 ITEMS"),
                    new TestDetail(165, 75_25, "Z", "ACH000777" + header[^1], string.Empty, "ORIG CO NAME:ECHO FREIGHT LLC ENTRY DESCR:PAYMENT INV-3001"),
                ]),
            ]),
        ]));
        return header == "0600,1" ? file : Encoding.ASCII.GetBytes(Encoding.ASCII.GetString(file).Replace(",0600,1,", "," + header + ",", StringComparison.Ordinal));
    }

    /// <summary>
    /// Lockbox 0012345 of the day: two checks, for INV-1001 and INV-1002, 1,250.00 together; or only batch 001 (the first
    /// check) or batch 002 (the second), when the bank sends the lockbox batch by batch; or "both" batches in one file.
    /// </summary>
    private static byte[] Lockbox(bool trim = false, string? batch = null)
    {
        var checks = new List<LockboxCheckModel>
        {
            new("001", 1_000_00, "021000021", "111111111", "1001", "ACME CORPORATION", [("INV-1001", 1_000_00)]),
            new("002", 250_00, "021000021", "222222222", "1002", "BOLT INDUSTRIES", [("INV-1002", 250_00)]),
        };
        List<LockboxBatchModel> batches = batch switch
        {
            null => [new LockboxBatchModel("001", checks)],
            "001" => [new LockboxBatchModel("001", checks[..1])],
            "both" => [new LockboxBatchModel("001", checks[..1]), new LockboxBatchModel("002", checks[1..])],
            _ => [new LockboxBatchModel("002", checks[1..])],
        };
        var text = LockboxWriter.Write(LockboxLayout.Default, [new LockboxModel("0012345", Day, batches)], new LockboxWriterOptions { NewLine = "\n", TrimLines = trim });
        return Encoding.ASCII.GetBytes(text);
    }

    /// <summary>A camt.053 entry E-77 booked without details, and the camt.054 entry E-77 with its two transactions.</summary>
    private static (byte[] Statement, byte[] Notification) Camt(long entryMinor)
    {
        var eur = new CurrencyCode("EUR");
        var lump = new EntryModel(entryMinor, eur, Direction.Credit, "BOOK", false, "E-77", null, Day, []);
        var details = new List<DetailModel>
        {
            new(1_200_00, Direction.Credit, "T-771", null, "COBALT TRADING GMBH", null, null, [], [("INV-2001", "CINV", 1_200_00)]),
            new(300_00, Direction.Credit, "T-772", null, "DELTA WERKE AG", null, null, [], [("INV-2002", "CINV", 300_00)]),
        };
        var notified = lump with { Amount = 1_500_00, Details = details };
        return (CamtWriter.Write(new StatementModel(8, false, null, [lump])), CamtWriter.Write(new StatementModel(8, true, null, [notified])));
    }

    private static long Id(string id) => long.Parse(id, System.Globalization.CultureInfo.InvariantCulture);
}
