using System.CommandLine;
using System.Data.Common;
using System.Globalization;
using System.Text;
using CashApp.Engine.Batch;
using CashApp.Engine.Model;
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
                await Console.Error.WriteLineAsync($"cashapp export: --since '{ControlCharacters.Escaped(text)}' is not an ISO 8601 date or time.").ConfigureAwait(false);
                return 2;
            }

            var connectionString = parse.GetValue(sqlServer);
            var path = parse.GetValue(db)?.FullName ?? StoreLocation.DefaultSqlitePath;
            if (connectionString is null && !File.Exists(path))
            {
                await Console.Error.WriteLineAsync($"cashapp export: {ControlCharacters.Escaped(path)}: no such ledger database.").ConfigureAwait(false);
                return 2;
            }

            var targets = new List<ExportTarget> { new("--out", parse.GetValue(output)!.FullName) };
            if (parse.GetValue(payerRules) is { } rulesFile)
            {
                targets.Add(new("--payer-rules", rulesFile.FullName));
            }

            // The ledger's own files, which a target must never replace.
            string[] ledgerFiles = connectionString is null ? [.. LedgerFileEnds.Select(end => ExportTarget.Resolved(path + end))] : [];
            for (var t = 0; t < targets.Count; t++)
            {
                var target = targets[t];
                var problem = target.Problem()
                    ?? (ledgerFiles.Contains(target.Path, ExportTarget.PathComparer) ? "is the ledger database's own file; expected another file for the export." : null)
                    ?? (targets.Take(t).FirstOrDefault(other => ExportTarget.PathComparer.Equals(other.Path, target.Path)) is { } earlier ? $"is {earlier.Option}'s file too; expected a file of its own." : null);
                if (problem is not null)
                {
                    await Console.Error.WriteLineAsync($"cashapp export: {target.Option} {ControlCharacters.Escaped(target.Given)}: {problem}").ConfigureAwait(false);
                    return 2;
                }
            }

            ICashStore store;
            try
            {
                store = await CashStores.OpenAsync(new StoreLocation { SqlitePath = path, SqlServerConnectionString = connectionString }, TimeProvider.System, cancellationToken).ConfigureAwait(false);
            }
            catch (DbException ex)
            {
                await Console.Error.WriteLineAsync($"cashapp export: {(connectionString is null ? ControlCharacters.Escaped(path) : "--sqlserver")}: cannot open the ledger: {ControlCharacters.Escaped(ex.Message)}").ConfigureAwait(false);
                await Console.Error.WriteLineAsync("cashapp export: nothing was written.").ConfigureAwait(false);
                return 1;
            }

            await using var opened = store;
            int rows;
            int? ruleCount = null, activeRules = null;
            var writing = targets[0];
            var committed = 0;
            try
            {
                // Never leave a half-written export for AR to import: both files are written under hidden names beside
                // their targets and renamed once both are complete; a failure leaves the targets as they were.
                await using (var writer = new StreamWriter(targets[0].Create(), new UTF8Encoding(false)))
                {
                    rows = await ApplicationExport.WriteCsvAsync(store, from, writer, cancellationToken).ConfigureAwait(false);
                }

                if (targets.Count > 1)
                {
                    writing = targets[1];
                    var all = await ((IPayerRuleStore)store).ListAllPayerRulesAsync(cancellationToken: cancellationToken).ConfigureAwait(false);
                    await using (var stream = targets[1].Create())
                    {
                        CashApp.Engine.Matching.PayerRuleFile.Write(stream, all);
                    }

                    (ruleCount, activeRules) = (all.Count, all.Count(r => r.State == CashApp.Engine.Matching.PayerRuleState.Active));
                }

                foreach (var target in targets)
                {
                    writing = target;
                    target.Commit();
                    committed++;
                }
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
            {
                await Console.Error.WriteLineAsync($"cashapp export: {writing.Option} {ControlCharacters.Escaped(writing.Given)}: {ControlCharacters.Escaped(ex.Message)}").ConfigureAwait(false);
                await Console.Error.WriteLineAsync(committed == 0
                    ? "cashapp export: nothing was written."
                    : $"cashapp export: {ControlCharacters.Escaped(targets[0].Given)} was written; {ControlCharacters.Escaped(writing.Given)} was not.").ConfigureAwait(false);
                return 1;
            }
            finally
            {
                // Last first: a folder the first target made and the second wrote into too is empty, and removed,
                // only once the second's hidden file is gone.
                for (var t = targets.Count - 1; t >= 0; t--)
                {
                    targets[t].Dispose();
                }
            }

            await Console.Error.WriteLineAsync(string.Create(CultureInfo.InvariantCulture, $"cashapp export: {rows} applications since {from:yyyy-MM-dd'T'HH:mm:ss'Z'} written to {targets[0].Given}")).ConfigureAwait(false);
            if (ruleCount is { } count)
            {
                await Console.Error.WriteLineAsync(string.Create(CultureInfo.InvariantCulture, $"cashapp export: {count} payer rules ({activeRules} active) written to {targets[1].Given}")).ConfigureAwait(false);
            }

            return 0;
        });

        return command;
    }

    // A SQLite ledger's files: the database, its write-ahead log and shared memory, a rollback journal.
    private static readonly string[] LedgerFileEnds = ["", "-wal", "-shm", "-journal"];

    /// <summary>
    /// One file the export writes. A regular file (or a link to one) is written under a hidden name beside it and renamed
    /// into place (<see cref="OutputFiles"/>); a device or a pipe (<c>/dev/stdout</c>, <c>/dev/null</c>) cannot be
    /// replaced, and is written to as it is.
    /// </summary>
    private sealed class ExportTarget(string option, string given) : IDisposable
    {
        public static StringComparer PathComparer { get; } = OperatingSystem.IsWindows() ? StringComparer.OrdinalIgnoreCase : StringComparer.Ordinal;

        private OutputFiles? _folder;

        public string Option { get; } = option;

        /// <summary>The path as given.</summary>
        public string Given { get; } = given;

        /// <summary>The file written: the path, or the file a link at the path leads to.</summary>
        public string Path { get; } = Resolved(given);

        // Files of the system's devices and processes (a link there may lead to a pipe, which has no path): written
        // straight, at the path given, never replaced.
        private bool Direct => IsSystemFile(Given) || IsSystemFile(Path);

        /// <summary>Why the file cannot be written, known before anything is opened, or null.</summary>
        public string? Problem() =>
            Directory.Exists(Path) ? "is a folder; expected a file to write or replace."
            : Direct ? null
            : OutputFiles.UnderAFile(Path);

        public FileStream Create()
        {
            if (Direct)
            {
                return new FileStream(Given, FileMode.Open, FileAccess.Write);
            }

            _folder = new OutputFiles(System.IO.Path.GetDirectoryName(Path)!);
            return File.Create(_folder.PathFor(System.IO.Path.GetFileName(Path)));
        }

        public void Commit() => _folder?.Commit();

        public void Dispose() => _folder?.Dispose();

        private static bool IsSystemFile(string path) =>
            !OperatingSystem.IsWindows() && (path.StartsWith("/dev/", StringComparison.Ordinal) || path.StartsWith("/proc/", StringComparison.Ordinal));

        /// <summary>The full path of the file a link at <paramref name="path"/> finally leads to, or the path when it is no link.</summary>
        public static string Resolved(string path)
        {
            var full = System.IO.Path.GetFullPath(path);
            try
            {
                return new FileInfo(full).ResolveLinkTarget(returnFinalTarget: true)?.FullName ?? full;
            }
            catch (IOException)
            {
                // A link that loops: writing it fails with its own message.
                return full;
            }
        }
    }
}
