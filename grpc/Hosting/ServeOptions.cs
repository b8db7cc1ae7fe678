using CashApp.Store;

namespace CashApp.Grpc.Hosting;

/// <summary>How <c>cashapp serve</c> runs.</summary>
internal sealed record ServeOptions
{
    /// <summary>The default address: loopback only, plain HTTP/2.</summary>
    public const string DefaultUrl = "http://127.0.0.1:5080";

    /// <summary>Where to listen. Plain <c>http://</c> is h2c and only for loopback; <c>https://</c> takes its certificate from Kestrel's configuration.</summary>
    public IReadOnlyList<string> Urls { get; init; } = [DefaultUrl];

    /// <summary>The SQLite database file, when <see cref="SqlServer"/> is not set.</summary>
    public string DbPath { get; init; } = "cashapp.db";

    /// <summary>A SQL Server connection string; replaces <see cref="DbPath"/>.</summary>
    public string? SqlServer { get; init; }

    /// <summary>The API key file (<c>cashapp keys add</c>).</summary>
    public required string ApiKeysPath { get; init; }

    /// <summary>Serve plain HTTP on a non-loopback address (behind a TLS-terminating proxy only).</summary>
    public bool AllowInsecureHttp { get; init; }

    /// <summary>Largest bank file one Ingest stream may carry.</summary>
    public long MaxFileBytes { get; init; } = 512L * 1024 * 1024;

    /// <summary>Largest single message received (a FileChunk, a MatchRequest).</summary>
    public int MaxMessageBytes { get; init; } = 4 * 1024 * 1024;

    /// <summary>How long a stopping server waits for in-flight calls (an ingest completes or rolls back).</summary>
    public TimeSpan ShutdownTimeout { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>How often the matcher asks the store what changed when <see cref="PollChanges"/> is not set.</summary>
    public static readonly TimeSpan DefaultPollChanges = TimeSpan.FromSeconds(1);

    /// <summary>
    /// How often the matcher asks the store what any instance changed since its snapshot (the store's change log) and
    /// carries the snapshot forward with it; zero turns the poll off. Other instances' writes are seen within it
    /// without reading the whole ledger.
    /// </summary>
    public TimeSpan PollChanges { get; init; } = DefaultPollChanges;

    /// <summary>The snapshot max age with SQL Server when <see cref="SnapshotMaxAge"/> is not set and <see cref="PollChanges"/> is off.</summary>
    public static readonly TimeSpan SharedSnapshotMaxAge = TimeSpan.FromSeconds(5);

    /// <summary>
    /// How old the matcher's snapshot may grow before it is read again in the background, for the writes of other
    /// instances on the same database (calls go on with the old one meanwhile; the store refuses what it got wrong).
    /// When null: never while <see cref="PollChanges"/> is on (the poll sees other instances' writes); with the poll
    /// off, <see cref="SharedSnapshotMaxAge"/> with SQL Server and never with SQLite.
    /// </summary>
    public TimeSpan? SnapshotMaxAge { get; init; }

    /// <summary>The matching policy file (<c>--policy</c>), or null for the defaults.</summary>
    public string? PolicyPath { get; init; }

    /// <summary>Where the specialists' worklist page listens (HTTP/1.1); none when empty. Plain <c>http://</c> is for loopback only.</summary>
    public IReadOnlyList<string> WebUrls { get; init; } = [];

    /// <summary>The OpenID Connect provider people may also sign in with on the worklist page; none when null.</summary>
    public Web.WebOidcOptions? Oidc { get; init; }

    /// <summary>Sign-in attempts one address may make per minute on the worklist page.</summary>
    public int SignInsPerMinute { get; init; } = 10;

    /// <summary>Ingest and Upsert calls that may run at once (<see cref="WriteLimiter"/>).</summary>
    public int MaxConcurrentWrites { get; init; } = 4;

    /// <summary>Ingest and Upsert calls that may wait for a turn; any further one is refused with RESOURCE_EXHAUSTED.</summary>
    public int WriteQueueLength { get; init; } = 64;

    /// <summary>HTTP/2 streams (concurrent calls) one client connection may open (Kestrel's Http2.MaxStreamsPerConnection).</summary>
    public int MaxStreamsPerConnection { get; init; } = 100;

    /// <summary>Rows of an Upsert stream committed per store transaction: memory and the write lock are held for one batch.</summary>
    public int UpsertBatchSize { get; init; } = 5_000;

    /// <summary>Transactions of an ingested bank file matched and stored per store transaction (<see cref="LedgerService.IngestBatchSize"/>).</summary>
    public int IngestBatchSize { get; init; } = LedgerService.DefaultIngestBatchSize;

    /// <summary>Further configuration arguments (<c>--Kestrel:Certificates:Default:Path=...</c>), passed to ASP.NET Core.</summary>
    public IReadOnlyList<string> ConfigurationArgs { get; init; } = [];
}
