using CashApp.Store;
using CashApp.Engine.Matching;
using CashApp.Grpc.Matching;
using CashApp.Grpc.Security;
using CashApp.Grpc.Services;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace CashApp.Grpc.Hosting;

/// <summary>A server that would not be safe to start, for a reason the operator can fix.</summary>
internal sealed class ServeConfigurationException : Exception
{
    public ServeConfigurationException(string message)
        : base(message)
    {
    }

    public ServeConfigurationException()
    {
    }

    public ServeConfigurationException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}

/// <summary>
/// Builds the <c>cashapp serve</c> host: Kestrel with HTTP/2, the cashapp.v1 services behind API keys,
/// grpc.health.v1 and server reflection, over one store.
/// </summary>
internal static class CashAppHost
{
    /// <summary>
    /// Opens the store (running its migrations), reads the keys, and builds the application. The caller
    /// starts it (<c>RunAsync</c>, or <c>StartAsync</c> in tests) and disposes it; the store is disposed
    /// with the application.
    /// </summary>
    public static Task<WebApplication> BuildAsync(ServeOptions options, CancellationToken cancellationToken = default) =>
        BuildAsync(options, TimeProvider.System, cancellationToken);

    /// <summary>As above, with the clock the server's snapshot ages by and its pages tell the time with (a fake one in tests).</summary>
    internal static async Task<WebApplication> BuildAsync(ServeOptions options, TimeProvider clock, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(clock);
        // The application is this assembly even when a test host starts it: the worklist's pages are found in it.
        var builder = WebApplication.CreateSlimBuilder(new WebApplicationOptions { Args = [.. options.ConfigurationArgs], ApplicationName = typeof(CashAppHost).Assembly.GetName().Name });
        var kestrelEndpoints = builder.Configuration.GetSection("Kestrel:Endpoints").GetChildren().Select(e => e["Url"]).OfType<string>().ToList();
        var refusal = AddressPolicy.Check(options.Urls.Concat(kestrelEndpoints).Concat(options.WebUrls), options.AllowInsecureHttp);
        refusal ??= options.Oidc is { } oidc ? Web.WebOidc.Check(oidc, options.WebUrls) : null;
        if (refusal is not null)
        {
            throw new ServeConfigurationException(refusal);
        }

        if (!File.Exists(options.ApiKeysPath))
        {
            throw new ServeConfigurationException($"{options.ApiKeysPath}: no such key file; make one with 'cashapp keys add --role admin --file {options.ApiKeysPath}'.");
        }

        ApiKeyRing keys;
        try
        {
            keys = ApiKeyRing.Load(options.ApiKeysPath);
        }
        catch (ApiKeyFileException ex)
        {
            throw new ServeConfigurationException(ex.Message, ex);
        }

        if (keys.Count == 0)
        {
            throw new ServeConfigurationException($"{options.ApiKeysPath}: holds no keys, so every call would be refused; add one with 'cashapp keys add'.");
        }

        var policy = MatchPolicy.Default;
        if (options.PolicyPath is { } policyPath)
        {
            if (!File.Exists(policyPath))
            {
                throw new ServeConfigurationException($"{policyPath}: no such policy file.");
            }

            try
            {
                policy = MatchPolicyFile.Load(policyPath);
            }
            catch (MatchPolicyException ex)
            {
                throw new ServeConfigurationException(ex.Message, ex);
            }
        }

        if (options.PollChanges < TimeSpan.Zero)
        {
            throw new ServeConfigurationException($"--poll-changes must be 0 (off) or more seconds (got {options.PollChanges.TotalSeconds}).");
        }

        if (options.SnapshotMaxAge < TimeSpan.Zero)
        {
            throw new ServeConfigurationException($"--snapshot-max-age must be 0 or more seconds (got {options.SnapshotMaxAge.Value.TotalSeconds}).");
        }

        var web = new Web.WorklistWeb.WebAddresses();
        if (kestrelEndpoints.Count == 0 && options.WebUrls.Count == 0)
        {
            builder.WebHost.UseUrls([.. options.Urls]);
        }

        builder.WebHost.UseKestrelHttpsConfiguration();
        builder.WebHost.ConfigureKestrel(kestrel =>
        {
            // gRPC needs HTTP/2; without TLS there is no ALPN to negotiate it, so every endpoint speaks only HTTP/2 (h2c on loopback).
            kestrel.ConfigureEndpointDefaults(listen => listen.Protocols = HttpProtocols.Http2);
            // A client may run this many calls at once on one connection; further streams wait at the client.
            kestrel.Limits.Http2.MaxStreamsPerConnection = options.MaxStreamsPerConnection;
            kestrel.AddServerHeader = false;
            if (options.WebUrls.Count > 0)
            {
                Web.WorklistWeb.Listen(kestrel, options, web);
            }
        });
        builder.Services.Configure<HostOptions>(host => host.ShutdownTimeout = options.ShutdownTimeout);
        builder.Logging.AddFilter("Microsoft.AspNetCore", LogLevel.Warning);
        // Hosting starts an Activity and a logging scope for every request whenever its diagnostics category logs at any
        // level, whether or not anything reads them: about a tenth of what a unary Match allocated on the server, and so
        // of its collections (PERFORMANCE.md, "Served: the collector's pauses"). At Warning that category writes nothing
        // per request; a failed start still fails the command with its error. An operator who sets the category's level
        // (--Logging:LogLevel:Microsoft.AspNetCore.Hosting.Diagnostics=Information, for request logs or for request ids
        // in log scopes) gets it as set, and a tracing listener (ActivitySource or DiagnosticListener) still gets its
        // activities.
        if (builder.Configuration["Logging:LogLevel:Microsoft.AspNetCore.Hosting.Diagnostics"] is null)
        {
            builder.Logging.AddFilter("Microsoft.AspNetCore.Hosting.Diagnostics", LogLevel.None);
        }
        builder.Logging.AddFilter("Grpc", LogLevel.Warning);

        var store = await OpenStoreAsync(options, cancellationToken).ConfigureAwait(false);
        builder.Services.AddSingleton<ICashStore>(_ => store);
        builder.Services.AddSingleton(options);
        builder.Services.AddSingleton(keys);
        builder.Services.AddSingleton(clock);
        builder.Services.AddSingleton(policy);
        builder.Services.AddSingleton(sp => new LiveMatcher(
            store,
            sp.GetRequiredService<MatchPolicy>(),
            options.SnapshotMaxAge ?? (options.SqlServer is null || options.PollChanges > TimeSpan.Zero ? TimeSpan.MaxValue : ServeOptions.SharedSnapshotMaxAge),
            sp.GetRequiredService<TimeProvider>(),
            sp.GetRequiredService<ILogger<LiveMatcher>>(),
            options.PollChanges));
        builder.Services.AddSingleton(sp => new LedgerService(store, sp.GetRequiredService<LiveMatcher>()) { IngestBatchSize = options.IngestBatchSize });
        builder.Services.AddHostedService<LedgerWarmup>();

        if (options.MaxConcurrentWrites < 1 || options.WriteQueueLength < 0 || options.MaxStreamsPerConnection < 1 || options.UpsertBatchSize < 1 || options.IngestBatchSize < 1)
        {
            throw new ServeConfigurationException($"--max-concurrent-writes, --max-streams-per-connection, --upsert-batch and --ingest-batch must be at least 1 and --write-queue at least 0 (got {options.MaxConcurrentWrites}, {options.MaxStreamsPerConnection}, {options.UpsertBatchSize}, {options.IngestBatchSize}, {options.WriteQueueLength}).");
        }

        builder.Services.AddRateLimiter(limiter => limiter.AddPolicy(WriteLimiter.Policy, new WriteLimiter(options)));
        builder.Services.AddSingleton(web);
        if (options.WebUrls.Count > 0)
        {
            Web.WorklistWeb.AddServices(builder, options);
        }
        else
        {
            builder.Services.AddSingleton<Web.WorklistActions>();
        }

        // gRPC makes each interceptor and the service of every call anew (with the container's help) unless the container
        // holds them: these hold nothing of a call, so one each serves every call (about 2 % of the server's CPU under
        // the unary Match load; PERFORMANCE.md, "Session 17").
        builder.Services.AddSingleton<ApiKeyInterceptor>();
        builder.Services.AddSingleton<FaultInterceptor>();
        builder.Services.AddSingleton<MatchingService>();

        builder.Services.AddGrpc(grpc =>
        {
            grpc.Interceptors.Add<ApiKeyInterceptor>();
            grpc.Interceptors.Add<FaultInterceptor>();
            grpc.MaxReceiveMessageSize = options.MaxMessageBytes;
            grpc.MaxSendMessageSize = 64 * 1024 * 1024;
            grpc.EnableDetailedErrors = false;
        });
        builder.Services.AddGrpcReflection();
        builder.Services.AddGrpcHealthChecks()
            .AddAsyncCheck("store", async token =>
            {
                await store.ListBankFilesAsync(1, token).ConfigureAwait(false);
                return HealthCheckResult.Healthy();
            })
            .AddCheck<LedgerHealthCheck>("ledger");

        var app = builder.Build();
        if (options.WebUrls.Count > 0)
        {
            // The worklist's pipeline runs the rate limiter middleware, for its sign-in limit and the write limit alike.
            Web.WorklistWeb.Map(app);
        }
        else
        {
            app.UseRateLimiter();
        }

        app.MapGrpcService<OpenItemsService>();
        app.MapGrpcService<CustomersService>();
        app.MapGrpcService<BankFilesService>();
        app.MapGrpcService<MatchingService>();
        app.MapGrpcService<ExceptionsService>();
        app.MapGrpcService<ReportsService>();
        app.MapGrpcService<PayerRulesService>();
        app.MapGrpcHealthChecksService();
        app.MapGrpcReflectionService();
        app.Lifetime.ApplicationStarted.Register(() =>
        {
            var addresses = string.Join(", ", app.Urls);
            var where = options.SqlServer is null ? "SQLite " + Path.GetFullPath(options.DbPath) : "SQL Server";
            Log.Started(app.Logger, addresses, where, keys.Count);
        });
        return app;
    }

    private static Task<ICashStore> OpenStoreAsync(ServeOptions options, CancellationToken cancellationToken) =>
        options.SqlServer is { } connectionString
            ? CashStores.OpenSqlServerAsync(connectionString, TimeProvider.System, cancellationToken)
            : CashStores.OpenSqliteAsync(options.DbPath, TimeProvider.System, cancellationToken);
}
