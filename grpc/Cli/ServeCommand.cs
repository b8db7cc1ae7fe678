using System.CommandLine;
using CashApp.Engine.Model;
using CashApp.Grpc.Hosting;
using CashApp.Grpc.Security;

namespace CashApp.Grpc.Cli;

/// <summary><c>cashapp serve</c>: the gRPC service cashapp.v1 over a SQLite or SQL Server store.</summary>
internal static class ServeCommand
{
    public static Command Create()
    {
        var urls = new Option<string[]>("--urls") { Description = $"Where to listen, ';'-separated (default {ServeOptions.DefaultUrl}). Plain http:// is h2c, for loopback only; https:// takes its certificate from Kestrel's configuration (Kestrel:Certificates:Default:Path, ...).", AllowMultipleArgumentsPerToken = true };
        var webUrls = new Option<string[]>("--web-urls") { Description = "Where the specialists' worklist page listens (HTTP/1.1), ';'-separated, e.g. http://127.0.0.1:5081; plain http:// for loopback only. People sign in as made by 'cashapp users add'.", AllowMultipleArgumentsPerToken = true };
        var db = new Option<FileInfo?>("--db") { Description = "The SQLite database file (default cashapp.db)." };
        var sqlServer = new Option<string?>("--sqlserver") { Description = "A SQL Server connection string, instead of SQLite." };
        var keys = new Option<FileInfo>("--api-keys") { Description = "The API key file (made with 'cashapp keys add').", Required = true };
        var insecure = new Option<bool>("--allow-insecure-http") { Description = "Allow plain HTTP on a non-loopback address (only behind a TLS-terminating proxy)." };
        var maxFile = new Option<long>("--max-file-mb") { Description = "Largest bank file one Ingest may carry, in MiB (default 512).", DefaultValueFactory = _ => 512 };
        var policy = new Option<FileInfo?>("--policy") { Description = "A matching policy JSON file (tolerances, name and chance thresholds); settings it does not name keep their defaults." };
        var writes = new Option<int>("--max-concurrent-writes") { Description = "Ingest and Upsert calls that run at once (default 4); more wait in the queue.", DefaultValueFactory = _ => 4 };
        var queue = new Option<int>("--write-queue") { Description = "Ingest and Upsert calls that may wait for a turn (default 64); beyond it a call is refused with RESOURCE_EXHAUSTED.", DefaultValueFactory = _ => 64 };
        var streams = new Option<int>("--max-streams-per-connection") { Description = "HTTP/2 streams (concurrent calls) one client connection may open (default 100).", DefaultValueFactory = _ => 100 };
        var upsertBatch = new Option<int>("--upsert-batch") { Description = "Rows of an Upsert stream committed per store transaction (default 5000).", DefaultValueFactory = _ => 5_000 };
        var ingestBatch = new Option<int>("--ingest-batch") { Description = "Transactions of an ingested bank file matched and stored per store transaction (default 10000): memory is held for one batch, not the file.", DefaultValueFactory = _ => CashApp.Store.LedgerService.DefaultIngestBatchSize };
        var pollChanges = new Option<double>("--poll-changes") { Description = "Seconds between the matcher's questions to the store about what any instance changed since its snapshot; the changes are carried into the snapshot without reading the whole ledger (default 1; 0 turns it off).", DefaultValueFactory = _ => ServeOptions.DefaultPollChanges.TotalSeconds };
        var snapshotMaxAge = new Option<double?>("--snapshot-max-age") { Description = "Seconds the matcher's ledger snapshot may age before it is read again in full in the background (default never; with --poll-changes 0, 5 with --sqlserver)." };
        var oidcAuthority = new Option<string?>("--oidc-authority") { Description = $"Also let people sign in to the worklist page through this OpenID Connect provider (its issuer address, e.g. https://login.microsoftonline.com/TENANT/v2.0). Its client secret is read from {Web.WebOidc.SecretVariable}; its callback is /signin-oidc." };
        var oidcClientId = new Option<string?>("--oidc-client-id") { Description = "The client id registered with the --oidc-authority provider." };
        var oidcNameClaim = new Option<string>("--oidc-name-claim") { Description = "The claim that names the CashApp person (made with 'cashapp users add'); default preferred_username.", DefaultValueFactory = _ => "preferred_username" };
        var command = new Command("serve", "Run the gRPC service cashapp.v1: bank files in, matches out, exceptions worked; every call needs an API key.")
        {
            urls, webUrls, db, sqlServer, keys, insecure, maxFile, policy, writes, queue, streams, upsertBatch, ingestBatch, pollChanges, snapshotMaxAge, oidcAuthority, oidcClientId, oidcNameClaim,
        };
        command.TreatUnmatchedTokensAsErrors = false;
        command.Validators.Add(result =>
        {
            if (result.GetResult(db) is not null && result.GetResult(sqlServer) is not null)
            {
                result.AddError("Give --db or --sqlserver, not both.");
            }
        });

        command.SetAction(async (parse, cancellationToken) =>
        {
            var given = parse.GetValue(urls);
            var options = new ServeOptions
            {
                Urls = given is { Length: > 0 } ? [.. given.SelectMany(u => u.Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))] : [ServeOptions.DefaultUrl],
                WebUrls = [.. (parse.GetValue(webUrls) ?? []).SelectMany(u => u.Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))],
                DbPath = parse.GetValue(db)?.FullName ?? "cashapp.db",
                SqlServer = parse.GetValue(sqlServer),
                ApiKeysPath = parse.GetValue(keys)!.FullName,
                AllowInsecureHttp = parse.GetValue(insecure),
                MaxFileBytes = checked(parse.GetValue(maxFile) * 1024 * 1024),
                PolicyPath = parse.GetValue(policy)?.FullName,
                MaxConcurrentWrites = parse.GetValue(writes),
                WriteQueueLength = parse.GetValue(queue),
                MaxStreamsPerConnection = parse.GetValue(streams),
                UpsertBatchSize = parse.GetValue(upsertBatch),
                IngestBatchSize = parse.GetValue(ingestBatch),
                PollChanges = TimeSpan.FromSeconds(parse.GetValue(pollChanges)),
                SnapshotMaxAge = parse.GetValue(snapshotMaxAge) is { } seconds ? TimeSpan.FromSeconds(seconds) : null,
                Oidc = parse.GetValue(oidcAuthority) is { Length: > 0 } authority
                    ? new Web.WebOidcOptions(authority, parse.GetValue(oidcClientId) ?? string.Empty, Environment.GetEnvironmentVariable(Web.WebOidc.SecretVariable) is { Length: > 0 } secret ? secret : null, parse.GetValue(oidcNameClaim) ?? "preferred_username")
                    : null,

                // Anything else (--Kestrel:Certificates:Default:Path=...) is ASP.NET Core configuration.
                ConfigurationArgs = [.. parse.UnmatchedTokens],
            };

            WebApplication app;
            try
            {
                app = await CashAppHost.BuildAsync(options, cancellationToken).ConfigureAwait(false);
            }
            catch (Exception ex) when (ex is ServeConfigurationException or ApiKeyFileException)
            {
                await Console.Error.WriteLineAsync($"cashapp serve: {ControlCharacters.Escaped(ex.Message)}").ConfigureAwait(false);
                return 2;
            }

            await using (app.ConfigureAwait(false))
            {
                // Ctrl+C and SIGTERM stop the host gracefully: in-flight calls get ShutdownTimeout to finish.
                await app.RunAsync().ConfigureAwait(false);
            }

            return 0;
        });

        return command;
    }
}
