using System.CommandLine;
using System.Globalization;
using CashApp.Engine.Ar;
using CashApp.Engine.Batch;
using CashApp.Engine.Matching;
using CashApp.Engine.Model;
using CashApp.Parsers.Common;
using CashApp.Parsers.Currency;

namespace CashApp.Grpc.Cli;

/// <summary><c>cashapp match</c>: the batch contract of CONTRACT.md.</summary>
internal static class MatchCommand
{
    public static Command Create()
    {
        var openItems = new Option<FileInfo>("--open-items") { Description = "open_items.csv: one row per open AR item.", Required = true };
        var customers = new Option<FileInfo?>("--customers") { Description = "customers.csv: names, aliases, parents and known payer accounts." };
        var bank = new Option<FileInfo[]>("--bank") { Description = "A bank file (BAI2, camt.053/054 or lockbox; detected from content). Repeat for several.", Required = true, AllowMultipleArgumentsPerToken = false, Arity = ArgumentArity.OneOrMore };
        var layout = new Option<FileInfo?>("--lockbox-layout") { Description = "A lockbox layout JSON file for another bank's lockbox format (LOCKBOX.md)." };
        var output = new Option<DirectoryInfo>("--out") { Description = "Folder for applications.csv and exceptions.csv.", Required = true };
        var lenient = new Option<bool>("--lenient") { Description = "Accept known bank deviations (unreconciled trailers and the like) as warnings instead of errors." };
        var quiet = new Option<bool>("--quiet") { Description = "No progress or summary on standard error." };
        var stats = new Option<FileInfo?>("--stats") { Description = "Write the run's figures (stage times, counts, peak memory) to this JSON file." };
        var payerRules = new Option<FileInfo?>("--payer-rules") { Description = "Payer rules learnt by a served store (cashapp export --payer-rules): active rules identify payers as known accounts do." };
        var policy = new Option<FileInfo?>("--policy") { Description = "A matching policy JSON file (tolerances, name and chance thresholds); settings it does not name keep their defaults." };
        var command = new Command("match", "Apply the payments in bank files to open items; write applications.csv and exceptions.csv.")
        {
            openItems, customers, bank, layout, output, lenient, quiet, stats, policy, payerRules,
        };

        command.SetAction(async (parse, cancellationToken) =>
        {
            var isQuiet = parse.GetValue(quiet);
            var options = new MatchRunOptions
            {
                OpenItemsPath = parse.GetValue(openItems)!.FullName,
                CustomersPath = parse.GetValue(customers)?.FullName,
                BankFiles = [.. parse.GetValue(bank)!.Select(f => f.FullName)],
                LockboxLayoutPath = parse.GetValue(layout)?.FullName,
                OutputDirectory = parse.GetValue(output)!.FullName,
                Lenient = parse.GetValue(lenient),
                HugePagesFromBytes = MatchRunOptions.HugePagesFromDefault,
                LoadsWithoutCollectionsFromBytes = MatchRunOptions.LoadsWithoutCollectionsFromDefault,
            };

            // Every file named on the command line is there and is a file before any is read: a folder given as one once
            // ended in an unhandled access error (--payer-rules) or an "access denied" (--lockbox-layout).
            var policyFile = parse.GetValue(policy);
            var rulesFile = parse.GetValue(payerRules);
            if (!await CashAppCommand.AllFiles("match", [.. options.BankFiles, options.OpenItemsPath, options.CustomersPath, options.LockboxLayoutPath, policyFile?.FullName, rulesFile?.FullName]).ConfigureAwait(false))
            {
                return 2;
            }

            if (policyFile is not null)
            {
                try
                {
                    options = options with { Policy = MatchPolicyFile.Load(policyFile.FullName) };
                }
                catch (MatchPolicyException ex)
                {
                    await Console.Error.WriteLineAsync($"cashapp match: {ControlCharacters.Escaped(ex.Message)}").ConfigureAwait(false);
                    await Console.Error.WriteLineAsync("cashapp match: nothing was written.").ConfigureAwait(false);
                    return 1;
                }
            }

            if (await BytesFromVariable(HugePagesVariable, options.HugePagesFromBytes).ConfigureAwait(false) is not { } hugePagesFrom
                || await BytesFromVariable(LoadsWithoutCollectionsVariable, options.LoadsWithoutCollectionsFromBytes).ConfigureAwait(false) is not { } loadsFrom)
            {
                return 2;
            }

            options = options with { HugePagesFromBytes = hugePagesFrom, LoadsWithoutCollectionsFromBytes = loadsFrom };

            if (rulesFile is not null)
            {
                try
                {
                    options = options with { PayerRules = PayerRuleFile.Load(rulesFile.FullName) };
                }
                catch (Exception ex) when (ex is FormatException or IOException or UnauthorizedAccessException)
                {
                    await Console.Error.WriteLineAsync($"cashapp match: {ControlCharacters.Escaped(ex.Message)}").ConfigureAwait(false);
                    await Console.Error.WriteLineAsync("cashapp match: nothing was written.").ConfigureAwait(false);
                    return 1;
                }
            }

            if (OutputFolderProblem(options.OutputDirectory) is { } problem)
            {
                await Console.Error.WriteLineAsync($"cashapp match: --out {ControlCharacters.Escaped(options.OutputDirectory)}: {problem}").ConfigureAwait(false);
                return 2;
            }

            try
            {
                using var progress = isQuiet ? null : new ConsoleProgress(Console.Error);
                var summary = await MatchRun.RunAsync(options, progress, cancellationToken).ConfigureAwait(false);
                if (!isQuiet)
                {
                    WriteSummary(Console.Error, summary, options.OutputDirectory);
                }

                if (parse.GetValue(stats) is { } statsFile)
                {
                    try
                    {
                        await File.WriteAllTextAsync(statsFile.FullName, StatsJson(summary), cancellationToken).ConfigureAwait(false);
                    }
                    catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
                    {
                        // The run's outputs are already in place: say so, rather than the "nothing was written" below.
                        await Console.Error.WriteLineAsync($"cashapp match: --stats: {ControlCharacters.Escaped(ex.Message)}").ConfigureAwait(false);
                        await Console.Error.WriteLineAsync($"cashapp match: applications.csv and exceptions.csv were written to {ControlCharacters.Escaped(options.OutputDirectory)}; the figures were not.").ConfigureAwait(false);
                        return 1;
                    }
                }

                return 0;
            }
            catch (Exception ex) when (ex is BankFileFormatException or ArInputException or LedgerCapacityException or IOException or UnauthorizedAccessException)
            {
                // A bad input, or a ledger past what one run holds; or a file that changed or got shorter while it was read,
                // or an output that could not be written: the run's outputs are written whole or not at all (OutputFiles),
                // so none leaves anything behind.
                var where = ex is LedgerCapacityException ? ControlCharacters.Escaped(options.OpenItemsPath) + ": " : string.Empty;
                await Console.Error.WriteLineAsync($"cashapp match: {where}{ControlCharacters.Escaped(ex.Message)}").ConfigureAwait(false);
                await Console.Error.WriteLineAsync("cashapp match: nothing was written.").ConfigureAwait(false);
                return 1;
            }
        });

        return command;
    }

    /// <summary>
    /// Why the output folder cannot be made or written into, found before any input is read (a run of a large day takes
    /// a minute before it writes), or null. Only what can be known without making anything: the path or one of its
    /// parents is a file. What only writing can tell (permissions, a full disk) is reported when the write fails.
    /// </summary>
    private static string? OutputFolderProblem(string directory) =>
        File.Exists(directory) ? "is a file; expected a folder for applications.csv and exceptions.csv." : OutputFiles.UnderAFile(directory);

    private static void WriteSummary(TextWriter error, MatchRunSummary summary, string outputDirectory)
    {
        var ci = CultureInfo.InvariantCulture;
        error.WriteLine();
        error.WriteLine("bank file                                   format     credits  payments  debits       credit total   MiB  seconds");
        foreach (var file in summary.Files)
        {
            var name = Path.GetFileName(file.FileName);
            error.WriteLine(string.Create(ci, $"{Trim(name, 42),-42}  {FormatName(file.Format),-9} {file.Credits,8} {file.Payments,9} {file.Debits,7}  {Totals(file),17} {Size(file.FileName),5:N0} {file.ReadTime.TotalSeconds,8:F2}"));
            foreach (var warning in file.Warnings.Take(10))
            {
                error.WriteLine($"  {warning}");
            }

            if (file.Warnings.Count > 10)
            {
                error.WriteLine(string.Create(ci, $"  ... and {file.Warnings.Count - 10} more warnings"));
            }
        }

        error.WriteLine();
        error.WriteLine(string.Create(ci, $"open items {summary.OpenItems:N0}, customers {summary.Customers:N0}"));
        error.WriteLine(string.Create(ci, $"payments {summary.Payments:N0}: applied {summary.PaymentsApplied:N0} (in full {summary.PaymentsFullyApplied:N0}), exceptions {summary.Exceptions:N0}, hit rate {summary.HitRate:P1}"));
        if (DepositLine(summary) is { } deposits)
        {
            error.WriteLine(deposits);
        }

        if (DuplicateLine(summary) is { } duplicates)
        {
            error.WriteLine(duplicates);
        }

        error.WriteLine();
        foreach (var line in StageTable(summary))
        {
            error.WriteLine(line);
        }

        error.WriteLine($"wrote {Path.Combine(outputDirectory, "applications.csv")}, {Path.Combine(outputDirectory, "exceptions.csv")} and {Path.Combine(outputDirectory, "deposits.csv")}");
    }

    /// <summary>The deposits held against their detail in another file, or null when there were none.</summary>
    internal static string? DepositLine(MatchRunSummary summary) =>
        summary.DepositsReconciled + summary.DepositsDiffering == 0
            ? null
            : string.Create(CultureInfo.InvariantCulture, $"deposits with detail {summary.DepositsReconciled + summary.DepositsDiffering:N0}: reconciled {summary.DepositsReconciled:N0}, differing {summary.DepositsDiffering:N0} (deposit_mismatch; see deposits.csv)");

    /// <summary>The credits an earlier file of the run already brought, or null when there were none.</summary>
    internal static string? DuplicateLine(MatchRunSummary summary) =>
        summary.Duplicates == 0
            ? null
            : string.Create(CultureInfo.InvariantCulture, $"credits already received in an earlier file {summary.Duplicates:N0}: not applied again (duplicate; see exceptions.csv)");

    /// <summary>
    /// The stage table: time, units handled, units per second and peak memory of each stage, then the whole
    /// run. Stages that overlap (parse beside the AR loads, the check beside the write) add up to more than the total, and each one's CPU,
    /// allocation and GC pause count the others' work too: a row marked * is such a stage, and a row per group of them
    /// gives their figures together.
    /// </summary>
    internal static IEnumerable<string> StageTable(MatchRunSummary summary)
    {
        var ci = CultureInfo.InvariantCulture;
        yield return "stage                seconds   cpu seconds         count      per second   peak MiB  alloc MiB  GC pause s";
        foreach (var stage in summary.Stages)
        {
            var rate = stage.Elapsed.TotalSeconds > 0 ? stage.Count / stage.Elapsed.TotalSeconds : 0;
            var name = stage.Overlaps.Count > 0 ? stage.Stage + " *" : stage.Stage;
            yield return string.Create(ci, $"{name,-18} {stage.Elapsed.TotalSeconds,9:F3} {stage.Cpu.TotalSeconds,13:F3} {stage.Count,13:N0} {rate,15:N0} {stage.PeakWorkingSetBytes / (1024.0 * 1024.0),10:N0} {stage.AllocatedBytes / (1024.0 * 1024.0),10:N0} {stage.GcPause.TotalSeconds,11:F2}");
        }

        foreach (var group in summary.OverlappingStages)
        {
            yield return string.Create(ci, $"{"* together",-18} {group.Elapsed.TotalSeconds,9:F3} {group.Cpu.TotalSeconds,13:F3} {string.Empty,13} {string.Empty,15} {string.Empty,10} {group.AllocatedBytes / (1024.0 * 1024.0),10:N0} {group.GcPause.TotalSeconds,11:F2}   ({string.Join(", ", group.Stages)} ran at once: each row counts the others' CPU and allocation too)");
        }

        var perSecond = summary.Elapsed.TotalSeconds > 0 ? summary.Payments / summary.Elapsed.TotalSeconds : 0;
        yield return string.Create(ci, $"garbage collections: gen0 {GC.CollectionCount(0):N0}, gen1 {GC.CollectionCount(1):N0}, gen2 {GC.CollectionCount(2):N0}; paused {GC.GetTotalPauseDuration().TotalSeconds:F2}s");
        yield return string.Create(ci, $"{"total",-18} {summary.Elapsed.TotalSeconds,9:F3} {Cpu().TotalSeconds,13:F3} {summary.Payments,13:N0} {perSecond,15:N0} {summary.PeakWorkingSetBytes / (1024.0 * 1024.0),10:N0}");
    }

    private static double Size(string path) => File.Exists(path) ? new FileInfo(path).Length / 1048576.0 : 0;

    private static TimeSpan Cpu()
    {
        using var process = System.Diagnostics.Process.GetCurrentProcess();
        return process.TotalProcessorTime;
    }

    /// <summary>
    /// The environment variable that sets from how many bytes of input the run asks for 2 MB pages
    /// (<see cref="MatchRunOptions.HugePagesFromBytes"/>): a number of bytes, or <c>never</c>; empty or unset,
    /// <see cref="MatchRunOptions.HugePagesFromDefault"/>.
    /// </summary>
    internal const string HugePagesVariable = "CASHAPP_HUGE_PAGES_FROM";

    /// <summary>
    /// The environment variable that sets from how many bytes of input the run loads its files with the collector held
    /// off (<see cref="MatchRunOptions.LoadsWithoutCollectionsFromBytes"/>): a number of bytes, or <c>never</c>; empty or
    /// unset, <see cref="MatchRunOptions.LoadsWithoutCollectionsFromDefault"/>.
    /// </summary>
    internal const string LoadsWithoutCollectionsVariable = "CASHAPP_LOADS_WITHOUT_GC_FROM";

    /// <summary>
    /// The size <paramref name="variable"/> sets (<see cref="BytesOrNever"/>), <paramref name="byDefault"/> when it is unset or
    /// empty; null, said on standard error, when it is neither a number of bytes nor <c>never</c>.
    /// </summary>
    private static async Task<long?> BytesFromVariable(string variable, long byDefault)
    {
        if (Environment.GetEnvironmentVariable(variable) is not { Length: > 0 } value)
        {
            return byDefault;
        }

        var bytes = BytesOrNever(value);
        if (bytes is null)
        {
            await Console.Error.WriteLineAsync($"cashapp match: {variable}: expected a number of bytes (0 or more) or 'never', found '{ControlCharacters.Escaped(value)}'.").ConfigureAwait(false);
        }

        return bytes;
    }

    /// <summary>The value of <see cref="HugePagesVariable"/> or <see cref="LoadsWithoutCollectionsVariable"/> as bytes (<c>never</c>: <see cref="long.MaxValue"/>); null when it is neither.</summary>
    internal static long? BytesOrNever(string value) =>
        value.Trim() is var text && text.Equals("never", StringComparison.OrdinalIgnoreCase) ? long.MaxValue
        : long.TryParse(text, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var bytes) ? bytes
        : null;

    /// <summary>The run's figures as JSON, for the scale runner and CI.</summary>
    internal static string StatsJson(MatchRunSummary summary) => StatsJson(summary, GC.GetConfigurationVariables());

    private static string StatsJson(MatchRunSummary summary, IReadOnlyDictionary<string, object> collector) => System.Text.Json.JsonSerializer.Serialize(new
    {
        payments = summary.Payments,
        open_items = summary.OpenItems,
        customers = summary.Customers,
        applied = summary.PaymentsApplied,
        exceptions = summary.Exceptions,
        deposits_reconciled = summary.DepositsReconciled,
        deposits_differing = summary.DepositsDiffering,
        duplicates = summary.Duplicates,
        seconds = summary.Elapsed.TotalSeconds,
        cpu_seconds = Cpu().TotalSeconds,
        gc_pause_seconds = GC.GetTotalPauseDuration().TotalSeconds,
        gc_gen2 = GC.CollectionCount(2),
        files = summary.Files.Select(f => new { file = Path.GetFileName(f.FileName), format = FormatName(f.Format), credits = f.Credits, duplicates = f.Duplicates, bytes = File.Exists(f.FileName) ? new FileInfo(f.FileName).Length : 0, seconds = f.ReadTime.TotalSeconds }),
        peak_working_set_bytes = summary.PeakWorkingSetBytes,
        huge_page_advised_bytes = summary.HugePageAdvisedBytes,
        loads_without_collections_budget_bytes = summary.LoadsWithoutCollectionsBudgetBytes,
        loads_ran_without_collections = summary.LoadsRanWithoutCollections,

        // The collector's settings as the runtime took them from cashapp.runtimeconfig.json and DOTNET_ variables. The heaps
        // are those it started with: all it uses without DATAS, the most it may grow to with it.
        processors = Environment.ProcessorCount,
        gc_server = System.Runtime.GCSettings.IsServerGC,
        gc_max_heaps = CollectorSetting(collector, "HeapCount"),
        gc_dynamic_adaptation = CollectorSetting(collector, "GCDynamicAdaptationMode"),
        gc_gen0_max_budget_bytes = CollectorSetting(collector, "GCGen0MaxBudget"),
        stages = summary.Stages.Select(s => new { stage = s.Stage, started_seconds = s.Started.TotalSeconds, seconds = s.Elapsed.TotalSeconds, cpu_seconds = s.Cpu.TotalSeconds, count = s.Count, peak_working_set_bytes = s.PeakWorkingSetBytes, allocated_bytes = s.AllocatedBytes, gc_pause_seconds = s.GcPause.TotalSeconds, overlaps = s.Overlaps }),
        // Stages that ran at once count each other's CPU and allocation in their own figures; these are theirs together.
        overlapping_stages = summary.OverlappingStages.Select(g => new { stages = g.Stages, seconds = g.Elapsed.TotalSeconds, cpu_seconds = g.Cpu.TotalSeconds, allocated_bytes = g.AllocatedBytes, gc_pause_seconds = g.GcPause.TotalSeconds }),
    });

    /// <summary>A numeric setting of the collector among <paramref name="collector"/> (<see cref="GC.GetConfigurationVariables"/>); -1 when it is not there.</summary>
    private static long CollectorSetting(IReadOnlyDictionary<string, object> collector, string name) =>
        collector.TryGetValue(name, out var value) && value is long number ? number : -1;

    // "USD 12645111.38", or one per currency for a file that holds several.
    private static string Totals(BankFileSummary file) =>
        file.CreditTotals.Count == 0 ? "0" : string.Join(" ", file.CreditTotals.Select(t => $"{t.Key} {Amount(t.Value, t.Key)}"));

    internal static string FormatName(BankFileFormat format) => format switch
    {
        BankFileFormat.Bai2 => "BAI2",
        BankFileFormat.Camt053 => "camt.053",
        BankFileFormat.Camt054 => "camt.054",
        BankFileFormat.Lockbox => "lockbox",
        BankFileFormat.LockboxCsv => "lockbox-csv",
        _ => "unknown",
    };

    private static string Trim(string text, int width) => text.Length <= width ? text : "..." + text[^(width - 3)..];

    internal static string Amount(long minor, string currency) =>
        CurrencyCode.TryParse(currency, out var code) ? MinorUnits.Format(minor, code.MinorDigits) : minor.ToString(CultureInfo.InvariantCulture);

    /// <summary>A total as <see cref="Amount(long, string)"/> writes an amount; a total past a long's range too.</summary>
    internal static string Amount(Int128 minor, string currency) =>
        MinorUnits.Format(minor, CurrencyCode.TryParse(currency, out var code) ? code.MinorDigits : 0);
}
