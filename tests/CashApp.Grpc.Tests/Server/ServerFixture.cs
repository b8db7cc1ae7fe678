using CashApp.Grpc.Hosting;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using CashApp.Grpc.Security;
using Grpc.Core;
using Grpc.Core.Interceptors;
using Grpc.Net.Client;
using V1 = CashApp.Grpc.V1;

namespace CashApp.Grpc.Tests.Server;

/// <summary>
/// A real <c>cashapp serve</c> host on a free loopback port (h2c), over a fresh SQLite database in a
/// temporary folder, with one API key per role. Clients are the generated ones, over a real channel.
/// </summary>
public sealed class ServerFixture : IAsyncLifetime
{
    private readonly Dictionary<string, string> _keys = new(StringComparer.Ordinal);
    private WebApplication? _app;
    private readonly string? _dbPath;
    private readonly IReadOnlyDictionary<string, string>? _inheritedKeys;
    private GrpcChannel? _channel;
    private readonly Func<ServeOptions, ServeOptions> _configure;
    private readonly TimeProvider _clock;

    public ServerFixture()
        : this(maxFileBytes: 64L * 1024 * 1024)
    {
    }

    internal ServerFixture(long maxFileBytes, string? dbPath = null, IReadOnlyDictionary<string, string>? keys = null, Func<ServeOptions, ServeOptions>? configure = null, TimeProvider? clock = null)
    {
        _configure = configure ?? (o => o);
        _clock = clock ?? TimeProvider.System;
        MaxFileBytes = maxFileBytes;
        Folder = Directory.CreateTempSubdirectory("cashapp-grpc-tests-").FullName;
        _dbPath = dbPath;
        _inheritedKeys = keys;
    }

    /// <summary>A second instance over the store and with the API keys of another: two <c>cashapp serve</c> processes on one database.</summary>
    internal static ServerFixture OnStoreOf(ServerFixture other, Func<ServeOptions, ServeOptions>? configure = null, TimeProvider? clock = null) =>
        new(other.MaxFileBytes, other.DbPath, other._keys, configure, clock);

    public string Folder { get; }

    public long MaxFileBytes { get; }

    public Uri Address { get; private set; } = null!;

    public GrpcChannel Channel => _channel ?? throw new InvalidOperationException("not started");

    /// <summary>Told the path of each request the server has taken in, before it is handled.</summary>
    public Action<string>? RequestArrived { get; set; }

    public async Task InitializeAsync()
    {
        var keyFile = Path.Combine(Folder, "keys.txt");
        var lines = new List<string>();
        foreach (var name in Roles.Names)
        {
            Assert.True(Roles.TryParse(name, out var role));
            var key = _inheritedKeys?[name] ?? ApiKeyRing.NewKey();
            _keys[name] = key;
            lines.Add(ApiKeyRing.FileLine(key, role));
        }

        await File.WriteAllLinesAsync(keyFile, lines);
        _app = await CashAppHost.BuildAsync(_configure(new ServeOptions
        {
            Urls = ["http://127.0.0.1:0"],
            DbPath = DbPath,
            ApiKeysPath = keyFile,
            MaxFileBytes = MaxFileBytes,
            ShutdownTimeout = TimeSpan.FromSeconds(10),
            ConfigurationArgs = ["--Logging:LogLevel:Default=Warning"],
        }), _clock, default);
        _app.Use(async (context, next) =>
        {
            RequestArrived?.Invoke(context.Request.Path);
            await next(context);
        });
        await _app.StartAsync();
        Address = new Uri(_app.Urls.Single());
        _channel = GrpcChannel.ForAddress(Address, new GrpcChannelOptions { MaxReceiveMessageSize = 64 * 1024 * 1024 });

        // The server reads the ledger as it starts: the tests begin once it is ready, as a load balancer would wait.
        await Matcher.Ready.WaitAsync(TimeSpan.FromMinutes(2));
    }

    /// <summary>The key of a role.</summary>
    public string Key(string role) => _keys[role];

    /// <summary>A call invoker that sends <c>authorization: Bearer KEY</c>, or nothing when <paramref name="key"/> is null.</summary>
    public CallInvoker As(string? key) =>
        key is null ? Channel.CreateCallInvoker() : Channel.Intercept(metadata =>
        {
            metadata.Add("authorization", "Bearer " + key);
            return metadata;
        });

    public CallInvoker AsRole(string role) => As(Key(role));

    public V1.OpenItems.OpenItemsClient OpenItems(string role = "admin") => new(AsRole(role));

    public V1.Customers.CustomersClient Customers(string role = "admin") => new(AsRole(role));

    public V1.BankFiles.BankFilesClient BankFiles(string role = "admin") => new(AsRole(role));

    public V1.Matching.MatchingClient Matching(string role = "admin") => new(AsRole(role));

    public V1.Exceptions.ExceptionsClient Exceptions(string role = "admin") => new(AsRole(role));

    public V1.Reports.ReportsClient Reports(string role = "admin") => new(AsRole(role));

    /// <summary>The SQLite file behind the server.</summary>
    public string DbPath => _dbPath ?? Path.Combine(Folder, "cashapp.db");

    /// <summary>Stops the server as Ctrl+C would: no new calls, in-flight calls get the shutdown timeout to finish.</summary>
    public Task StopServerAsync() => _app!.StopAsync();

    /// <summary>The store behind the server, to check what was (not) stored.</summary>
    internal CashApp.Store.ICashStore Store => _app!.Services.GetRequiredService<CashApp.Store.ICashStore>();

    /// <summary>The server's container.</summary>
    internal IServiceProvider Services => _app!.Services;

    /// <summary>The server's live matcher: what the snapshot tests compare with a fresh read of the store.</summary>
    internal Grpc.Matching.LiveMatcher Matcher => _app!.Services.GetRequiredService<Grpc.Matching.LiveMatcher>();

    public async Task DisposeAsync()
    {
        _channel?.Dispose();
        if (_app is not null)
        {
            await _app.StopAsync();
            await _app.DisposeAsync();
        }

        try
        {
            Directory.Delete(Folder, recursive: true);
        }
        catch (IOException)
        {
            // A file still held open on a slow shutdown: the temp folder is cleaned by the OS.
        }
    }
}

[CollectionDefinition(Name)]
public sealed class SharedServer : ICollectionFixture<ServerFixture>
{
    public const string Name = "server";
}
