using Microsoft.Data.SqlClient;

namespace CashApp.Store.Tests;

/// <summary>The SQL Server store retries transient faults with SqlClient's retry logic, and the provider is the caller's to choose.</summary>
public sealed class SqlServerRetryTests
{
    [Fact]
    public void DefaultOptions_TransientErrors_IncludeDeadlockAndFailover()
    {
        var options = SqlServerRetry.DefaultOptions();

        Assert.Contains(1205, options.TransientErrors);
        Assert.Contains(40613, options.TransientErrors);
        Assert.Contains(4060, options.TransientErrors);
        Assert.True(options.NumberOfTries > 1);
    }

    [Fact]
    public void Store_NoProviderGiven_RetriesWithTheDefaultExponentialProvider()
    {
        var store = new SqlServerCashStore("Server=127.0.0.1,1;Connect Timeout=1", TimeProvider.System);

        Assert.NotNull(store.RetryLogicProvider.RetryLogic);
        Assert.Equal(SqlServerRetry.DefaultOptions().NumberOfTries, store.RetryLogicProvider.RetryLogic!.NumberOfTries);
    }

    [Fact]
    public async Task Store_ProviderGiven_OpensEveryConnectionThroughIt()
    {
        var provider = new CountingProvider();
        await using var store = new SqlServerCashStore("Server=127.0.0.1,1;Connect Timeout=1;Encrypt=False", TimeProvider.System, provider);

        // Nothing listens there: opening fails, but only after going through the provider.
        await Assert.ThrowsAnyAsync<Exception>(() => store.MigrateAsync());

        Assert.True(provider.Calls > 0);
    }

    /// <summary>A provider that runs each operation once and counts it.</summary>
    private sealed class CountingProvider : SqlRetryLogicBaseProvider
    {
        private int _calls;

        public int Calls => Volatile.Read(ref _calls);

        public override TResult Execute<TResult>(object sender, Func<TResult> function)
        {
            Interlocked.Increment(ref _calls);
            return function();
        }

        public override Task<TResult> ExecuteAsync<TResult>(object sender, Func<Task<TResult>> function, CancellationToken cancellationToken = default)
        {
            Interlocked.Increment(ref _calls);
            return function();
        }

        public override Task ExecuteAsync(object sender, Func<Task> function, CancellationToken cancellationToken = default)
        {
            Interlocked.Increment(ref _calls);
            return function();
        }
    }
}
