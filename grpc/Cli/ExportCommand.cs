using System.CommandLine;
using System.Globalization;
using System.Text;
using CashApp.Engine.Batch;
using CashApp.Store;

namespace CashApp.Grpc.Cli;

/// <summary><c>cashapp export</c>: the applications made since a date, as CSV for posting back to AR.</summary>
internal static class ExportCommand
{
    public static Command Create()
    {
        var since = new Option<string>("--since") { Description = "Export applications made at or after this ISO 8601 date or time (UTC unless an offset is given), e.g. 2026-11-23.", Required = true };
        var db = new Option<FileInfo?>("--db") { Description = $"The SQLite ledger file (default {StoreLocation.DefaultSqlitePath})." };
        var sqlServer = new Option<string?>("--sqlserver") { Description = "A SQL Server connection string: use the shared ledger instead of a SQLite file." };
        var output = new Option<FileInfo>("--out") { Description = "The CSV file to write.", Required = true };
        var payerRules = new Option<FileInfo?>("--payer-rules") { Description = "Also write every payer rule the store learnt (JSON), for cashapp match --payer-rules." };
        var command = new Command("export", "Write the applications made since a date as CSV, for posting back to AR.") { since, db, sqlServer, output, payerRules };

        command.SetAction(async (parse, cancellationToken) =>
        {
            var text = parse.GetValue(since)!;
            if (!DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal, out var from))
            {
                await Console.Error.WriteLineAsync($"cashapp export: --since '{text}' is not an ISO 8601 date or time.").ConfigureAwait(false);
                return 2;
            }

            var connectionString = parse.GetValue(sqlServer);
            var path = parse.GetValue(db)?.FullName ?? StoreLocation.DefaultSqlitePath;
            if (connectionString is null && !File.Exists(path))
            {
                await Console.Error.WriteLineAsync($"cashapp export: {path}: no such ledger database.").ConfigureAwait(false);
                return 2;
            }

            var target = parse.GetValue(output)!.FullName;
            var rulesTarget = parse.GetValue(payerRules)?.FullName;
            foreach (var (option, file) in new[] { ("--out", target), ("--payer-rules", rulesTarget) })
            {
                if (file is not null && (Directory.Exists(file) ? "is a folder; expected a file to write or replace." : OutputFiles.UnderAFile(file)) is { } problem)
                {
                    await Console.Error.WriteLineAsync($"cashapp export: {option} {file}: {problem}").ConfigureAwait(false);
                    return 2;
                }
            }

            await using var store = await CashStores.OpenAsync(new StoreLocation { SqlitePath = path, SqlServerConnectionString = connectionString }, TimeProvider.System, cancellationToken).ConfigureAwait(false);
            int rows;
            int? ruleCount = null, activeRules = null;
            try
            {
                // Never leave a half-written export for AR to import: both files are written under hidden names beside
                // their targets and renamed once both are complete; a failure leaves the targets as they were.
                using var applicationsFolder = new OutputFiles(Path.GetDirectoryName(target)!);
                using var rulesFolder = rulesTarget is null ? null : new OutputFiles(Path.GetDirectoryName(rulesTarget)!);
                await using (var writer = new StreamWriter(applicationsFolder.PathFor(Path.GetFileName(target)), append: false, new UTF8Encoding(false)))
                {
                    rows = await ApplicationExport.WriteCsvAsync(store, from, writer, cancellationToken).ConfigureAwait(false);
                }

                if (rulesFolder is not null && store is IPayerRuleStore rules)
                {
                    var all = await rules.ListAllPayerRulesAsync(cancellationToken: cancellationToken).ConfigureAwait(false);
                    await using (var stream = File.Create(rulesFolder.PathFor(Path.GetFileName(rulesTarget!))))
                    {
                        CashApp.Engine.Matching.PayerRuleFile.Write(stream, all);
                    }

                    (ruleCount, activeRules) = (all.Count, all.Count(r => r.State == CashApp.Engine.Matching.PayerRuleState.Active));
                }

                applicationsFolder.Commit();
                rulesFolder?.Commit();
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
            {
                await Console.Error.WriteLineAsync($"cashapp export: {ex.Message}").ConfigureAwait(false);
                await Console.Error.WriteLineAsync("cashapp export: nothing was written.").ConfigureAwait(false);
                return 1;
            }

            await Console.Error.WriteLineAsync(string.Create(CultureInfo.InvariantCulture, $"cashapp export: {rows} applications since {from:yyyy-MM-dd'T'HH:mm:ss'Z'} written to {target}")).ConfigureAwait(false);
            if (ruleCount is { } count)
            {
                await Console.Error.WriteLineAsync(string.Create(CultureInfo.InvariantCulture, $"cashapp export: {count} payer rules ({activeRules} active) written to {rulesTarget}")).ConfigureAwait(false);
            }

            return 0;
        });

        return command;
    }
}
