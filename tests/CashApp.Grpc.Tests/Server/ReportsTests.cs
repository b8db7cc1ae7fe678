using static CashApp.Grpc.Tests.Server.PaymentIdentityTests;
using V1 = CashApp.Grpc.V1;

namespace CashApp.Grpc.Tests.Server;

/// <summary>The reports summary over a ledger whose sums pass what an int64 holds. Each test runs its own server.</summary>
public sealed class ReportsTests : IAsyncLifetime
{
    private readonly ServerFixture _server = new();

    public Task InitializeAsync() => _server.InitializeAsync();

    public Task DisposeAsync() => _server.DisposeAsync();

    [Fact]
    public async Task Summary_UnappliedPastAnInt64_SaysSoInsteadOfFailing()
    {
        // Eleven files of one unmatched payment of the largest 18-digit amount each: every amount is valid and each
        // is stored as an exception, but their sum passes an int64. The summary used to fail with Internal there.
        const long largest = 999_999_999_999_999_999;
        for (var i = 1; i <= 11; i++)
        {
            var report = await _server.BankFiles("treasury").IngestAsync($"huge-{i}.bai2", Bai2([Detail($"HUGE-{i}", largest, $"NO SUCH INVOICE {i}")]));
            Assert.Equal(1, report.Exceptions);
        }

        var summary = await _server.Reports().SummaryAsync(new V1.SummaryRequest());

        var usd = Assert.Single(summary.Unapplied, u => u.Currency == "USD");
        Assert.Equal((11L, long.MaxValue, true), (usd.OpenExceptions, usd.UnappliedAmountMinor, usd.BeyondInt64));
        Assert.Equal(
            [(0, 7, long.MaxValue, true), (8, 30, 0L, false), (31, 90, 0L, false), (91, 0, 0L, false)],
            usd.ByAge.Select(b => (b.MinAgeDays, b.MaxAgeDays, b.UnappliedAmountMinor, b.BeyondInt64)));
        Assert.False(usd.ByAge[3].HasMaxAgeDays);
    }
}
