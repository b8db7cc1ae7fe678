using Microsoft.Data.SqlClient;

namespace CashApp.Store;

/// <summary>
/// SqlClient's configurable retry logic for the SQL Server store: opening a connection and every statement run outside
/// a transaction are tried again on a transient fault, with an exponential back-off. SqlClient never retries a
/// statement inside a transaction (a deadlock victim's transaction is rolled back whole, and only its caller can
/// redo it), so a retry never applies anything twice.
/// </summary>
public static class SqlServerRetry
{
    /// <summary>
    /// The errors tried again: deadlock victim (1205), lock request time-out (1222), a database or server being
    /// moved or failed over (4060, 40197, 40501, 40613, 49918, 49919, 49920, 4221, 42108, 42109), and the network
    /// errors a failover shows a client (64, 233, 10053, 10054, 10060, 11001).
    /// </summary>
    public static IReadOnlyList<int> TransientErrors { get; } =
        [1205, 1222, 4060, 4221, 40197, 40501, 40613, 42108, 42109, 49918, 49919, 49920, 64, 233, 10053, 10054, 10060, 11001];

    /// <summary>The default options: five tries, one second apart at first, at most 20 seconds apart.</summary>
    public static SqlRetryLogicOption DefaultOptions() => new()
    {
        NumberOfTries = 5,
        DeltaTime = TimeSpan.FromSeconds(1),
        MaxTimeInterval = TimeSpan.FromSeconds(20),
        TransientErrors = [.. TransientErrors],
    };

    /// <summary>An exponential retry provider over <paramref name="options"/> (the defaults when null).</summary>
    public static SqlRetryLogicBaseProvider Create(SqlRetryLogicOption? options = null) =>
        SqlConfigurableRetryFactory.CreateExponentialRetryProvider(options ?? DefaultOptions());
}
