using CashApp.Grpc.Hosting;
using CashApp.Store;
using Grpc.Core;
using V1 = CashApp.Grpc.V1;

namespace CashApp.Grpc.Tests.Server;

/// <summary>
/// Two <c>cashapp serve</c> instances on one SQLite file (WAL; each with its own connection pool and live matcher,
/// as two processes have): overlapping bank files ingested through both at once, and specialists resolving onto the
/// same invoices through both meanwhile. No payment is stored twice, no item is applied past its open amount, and
/// every credit is applied in full or has an exception.
/// </summary>
public sealed class TwoInstanceTests : IAsyncLifetime
{
    private const int Count = 40;

    // Each instance reads the file again in the background after every call (the other one writes it), while its
    // calls go on with the snapshot in place: the store refuses what an old snapshot gets wrong.
    private static readonly Func<ServeOptions, ServeOptions> AlwaysOld = o => o with { SnapshotMaxAge = TimeSpan.Zero };
    private readonly ServerFixture _first = new(64L * 1024 * 1024, configure: AlwaysOld);
    private ServerFixture _second = null!;

    public async Task InitializeAsync()
    {
        await _first.InitializeAsync();
        _second = ServerFixture.OnStoreOf(_first, AlwaysOld);
        await _second.InitializeAsync();
    }

    public async Task DisposeAsync()
    {
        await _second.DisposeAsync();
        await _first.DisposeAsync();
    }

    [Fact]
    public async Task IngestAndResolve_ThroughTwoInstancesAtOnce_NothingTwiceNothingOverAppliedNothingLost()
    {
        var invoices = Enumerable.Range(0, Count).Select(i => MatchingTests.Invoice($"TW-I{i:D2}", "TW-CUST", $"INV-80{i:D3}", 3_000L + i)).ToList();
        await _first.OpenItems().UpsertAsync(invoices);

        // Payments nobody can match, one per invoice of the first ten: specialists will apply them to those invoices,
        // which the bank files' credits also pay.
        var pending = new List<V1.ExceptionCase>();
        for (var i = 0; i < 10; i++)
        {
            pending.Add(await NewExceptionAsync($"TW-R{i:D2}", 3_000L + i));
        }

        // 30 credits quote their invoice; 10 quote nothing. The files overlap: an intraday file, the end-of-day file,
        // the end-of-day file re-sent with a new header, and a late file holding the second half again.
        var details = Enumerable.Range(0, Count).Select(i => i < 30
            ? PaymentIdentityTests.Detail($"TW-{i:D2}", 3_000L + i, $"INV-80{i:D3}")
            : PaymentIdentityTests.Detail($"TW-{i:D2}", 9_000L + i, "NO REMITTANCE")).ToList();
        var endOfDay = PaymentIdentityTests.Bai2(details, header: "2200,8");
        var files = new (ServerFixture Via, string Name, byte[] Content)[]
        {
            (_first, "intraday.bai2", PaymentIdentityTests.Bai2(details[..12], header: "1000,7")),
            (_second, "eod.bai2", endOfDay),
            (_first, "eod-resent.bai2", PaymentIdentityTests.NewHeader(endOfDay)),
            (_second, "late.bai2", PaymentIdentityTests.Bai2(details[20..], header: "2300,9")),
        };

        var ingests = files.Select(f => Task.Run(() => f.Via.BankFiles().IngestAsync(f.Name, f.Content))).ToList();
        var resolves = pending.SelectMany((e, i) => new[] { _first, _second }.Select(via => Task.Run(() => ResolveAsync(via, e, $"TW-I{i:D2}", 3_000L + i)))).ToList();
        var reports = await Task.WhenAll(ingests);
        var outcomes = await Task.WhenAll(resolves);

        // Each exception was decided once, by one instance or the other.
        Assert.All(outcomes, s => Assert.Contains(s, new[] { StatusCode.OK, StatusCode.Aborted, StatusCode.FailedPrecondition }));
        Assert.True(outcomes.Count(s => s == StatusCode.OK) <= pending.Count);
        Assert.Equal(Count, reports.Sum(r => r.NewCredits));

        var store = _first.Store;
        var bankFiles = await store.ListBankFilesAsync(100);
        var payments = new List<StoredPayment>();
        foreach (var file in bankFiles)
        {
            payments.AddRange(await store.ListPaymentsAsync(file.Id));
        }

        // No payment stored twice: 40 credits, 40 payments of the bank files, 40 keys.
        var bankPayments = payments.Where(p => p.PaymentRef.StartsWith("TW-", StringComparison.Ordinal) && !p.PaymentRef.StartsWith("TW-R", StringComparison.Ordinal)).ToList();
        Assert.Equal(Count, bankPayments.Count);
        Assert.Equal(Count, bankPayments.Select(p => p.IdentityKey).Distinct(StringComparer.Ordinal).Count());

        // No item applied past its open amount, and the store's remaining agrees with its applications.
        var applications = await store.ListApplicationsAsync(new ApplicationQuery());
        foreach (var invoice in invoices)
        {
            var applied = applications.Where(a => a.ItemId == invoice.ItemId).Sum(a => a.Amount.Minor);
            Assert.True(applied <= invoice.OpenAmountMinor, $"{invoice.ItemId}: {applied} applied to {invoice.OpenAmountMinor}");
            var stored = (await store.GetOpenItemAsync(invoice.ItemId))!;
            Assert.Equal((invoice.OpenAmountMinor - applied, applied), (stored.RemainingMinor, stored.AppliedMinor));
        }

        // Every credit applied in full, or in exceptions with the rest.
        var exceptions = new List<StoredExceptionCase>();
        for (long? after = null; ;)
        {
            var page = await store.ListExceptionsAsync(new ExceptionQuery { AfterId = after, Take = 500 });
            exceptions.AddRange(page.Items);
            if (page.NextAfterId is not { } next)
            {
                break;
            }

            after = next;
        }

        foreach (var payment in payments)
        {
            var applied = applications.Where(a => a.PaymentId == payment.Id).Sum(a => a.Amount.Minor);
            Assert.True(applied <= payment.Amount.Minor, $"{payment.PaymentRef}: {applied} applied of {payment.Amount.Minor}");
            Assert.True(applied == payment.Amount.Minor || exceptions.Any(e => e.PaymentId == payment.Id), $"{payment.PaymentRef}: {applied} of {payment.Amount.Minor} applied and no exception");
        }
    }

    private static async Task<StatusCode> ResolveAsync(ServerFixture via, V1.ExceptionCase exception, string itemId, long minor)
    {
        try
        {
            await via.Exceptions("specialist").ResolveAsync(new V1.ResolveExceptionRequest
            {
                ExceptionId = exception.ExceptionId,
                ExpectedRowVersion = exception.RowVersion,
                Reason = "customer called",
                ApplyToItems = new V1.ApplyToItems { Applications = { new V1.ItemApplication { ItemId = itemId, AmountMinor = minor } } },
            });
            return StatusCode.OK;
        }
        catch (RpcException ex)
        {
            return ex.StatusCode;
        }
    }

    /// <summary>Commits a payment nobody can match through the first instance, and returns the exception it opened.</summary>
    private async Task<V1.ExceptionCase> NewExceptionAsync(string reference, long minor)
    {
        var response = await _first.Matching("ar-system").MatchAsync(new V1.MatchRequest
        {
            Commit = true,
            Payments = { new V1.Payment { PaymentRef = reference, AmountMinor = minor, Currency = "USD", PayerName = "Unknown Payer " + reference } },
        });
        Assert.True(response.Committed);
        var page = await _first.Exceptions("specialist").ListAsync(new V1.ListExceptionsRequest { Status = V1.ExceptionStatus.Open, PageSize = 1000 });
        return Assert.Single(page.Exceptions, e => e.PaymentRef == reference);
    }
}
