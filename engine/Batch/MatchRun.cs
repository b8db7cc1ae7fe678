using System.Diagnostics;
using CashApp.Engine.Ar;
using CashApp.Engine.Deposits;
using CashApp.Engine.Matching;
using CashApp.Engine.Model;
using CashApp.Engine.Output;
using CashApp.Parsers.Common;
using CashApp.Parsers.Currency;
using CashApp.Parsers.Lockbox;

namespace CashApp.Engine.Batch;

/// <summary>The inputs of one <c>cashapp match</c> run, as CONTRACT.md defines them.</summary>
public sealed record MatchRunOptions
{
    /// <summary><c>open_items.csv</c>.</summary>
    public required string OpenItemsPath { get; init; }

    /// <summary><c>customers.csv</c>, optional.</summary>
    public string? CustomersPath { get; init; }

    /// <summary>The bank files, any format.</summary>
    public required IReadOnlyList<string> BankFiles { get; init; }

    /// <summary>A lockbox layout file, or null for the default layout.</summary>
    public string? LockboxLayoutPath { get; init; }

    /// <summary>Where <c>applications.csv</c> and <c>exceptions.csv</c> go.</summary>
    public required string OutputDirectory { get; init; }

    /// <summary>Accept known bank deviations as warnings.</summary>
    public bool Lenient { get; init; }

    /// <summary>The matching policy.</summary>
    public MatchPolicy Policy { get; init; } = MatchPolicy.Default;

    /// <summary>Payer rules learnt by a served store (<c>cashapp export --payer-rules</c>); only the active ones are used.</summary>
    public IReadOnlyList<PayerRule> PayerRules { get; init; } = [];

    /// <summary>
    /// From how many bytes of input files (open items, customers and bank files together) the run asks Linux to back
    /// the collector's heap with 2 MB pages (<see cref="HugePages.AdviseCollectorHeap"/>). The advice is the whole
    /// process's, so a library caller is not given it unless it asks: <see cref="long.MaxValue"/>, never, by default;
    /// <c>cashapp match</c>, a process of its own, asks from <see cref="HugePagesFromDefault"/>. 0 asks always.
    /// </summary>
    /// <remarks>
    /// On this project's host, a VM that hands freed memory back to its host, the advice makes the loads slower and the
    /// match stage faster; which wins has changed with the host's state within an hour, so <c>cashapp match</c> keeps
    /// asking from <see cref="HugePagesFromDefault"/> (PERFORMANCE.md, "Session 47").
    /// </remarks>
    public long HugePagesFromBytes { get; init; } = long.MaxValue;

    /// <summary>What <c>cashapp match</c> sets <see cref="HugePagesFromBytes"/> to: 64 MiB, below which a day's heap is small and the 2 MB rounding not worth it.</summary>
    public const long HugePagesFromDefault = 64L << 20;

    /// <summary>
    /// From how many bytes of input files the run holds the collector off while it loads them (<see cref="LoadsWithoutCollections"/>):
    /// the hold is the whole process's, so a library caller is not given it unless it asks: <see cref="long.MaxValue"/>,
    /// never, by default; <c>cashapp match</c>, a process of its own, asks from <see cref="LoadsWithoutCollectionsFromDefault"/>.
    /// 0 asks always.
    /// </summary>
    public long LoadsWithoutCollectionsFromBytes { get; init; } = long.MaxValue;

    /// <summary>
    /// What <c>cashapp match</c> sets <see cref="LoadsWithoutCollectionsFromBytes"/> to: 8 MiB. A 21-44 MB bank file's parse
    /// stage ran a fifth to a third faster held (its loads' collections copied every transaction they kept), for some
    /// 50 MiB more peak; below, the loads allocate little (PERFORMANCE.md, "Session 34").
    /// </summary>
    public const long LoadsWithoutCollectionsFromDefault = 8L << 20;

    /// <summary>Told of every payment applied, with the evidence its confidence was calibrated on (the calibration tool's record).</summary>
    internal Action<Payment, Evidence>? Decided { get; init; }

    /// <summary>The calibration table, when not the engine's own (the calibration tool's held-out check).</summary>
    internal ConfidenceCalibration? Calibration { get; init; }

    /// <summary>For tests: what the books are checked and the files written from, given the matcher's result (a run whose books do not balance).</summary>
    internal Func<MatchResult, MatchResult>? Matched { get; init; }

    /// <summary>For tests: every transaction read with its whole <see cref="BankTransaction.Extra"/>, as before <see cref="MatchRun.ReadsExtra"/>.</summary>
    internal bool KeepEveryExtra { get; init; }
}

/// <summary>Per bank file: its format and how many credits and debits it held.</summary>
public sealed record BankFileSummary(string FileName, BankFileFormat Format, int Credits, int Payments, int Debits, Int128 CreditMinorTotal, IReadOnlyList<ParseWarning> Warnings)
{
    /// <summary>How long reading the file took (files are read side by side).</summary>
    public TimeSpan ReadTime { get; init; }

    /// <summary>The credits' total per currency, in minor units (a file's credits, each a long, may add up past one).</summary>
    public IReadOnlyDictionary<string, Int128> CreditTotals { get; init; } = new Dictionary<string, Int128>();

    /// <summary>How many of the file's credits an earlier file of the run already brought.</summary>
    public int Duplicates { get; init; }
}

/// <summary>
/// One stage of a run: how long it took, how many units it handled, and the most memory the process held
/// while it ran (stages may overlap: parsing the bank files runs beside loading the AR files, and checking the books
/// beside writing the files; the write ends only once the check has, since it keeps its files only then).
/// </summary>
public sealed record StageTiming(string Stage, TimeSpan Elapsed, long Count, long PeakWorkingSetBytes = 0)
{
    /// <summary>
    /// CPU time the whole process used while the stage ran (all threads; overlapping stages share it). On a
    /// busy machine it says more than the wall clock about what the stage costs.
    /// </summary>
    public TimeSpan Cpu { get; init; }

    /// <summary>Bytes the process allocated while the stage ran (all threads).</summary>
    public long AllocatedBytes { get; init; }

    /// <summary>Time the garbage collector paused the process while the stage ran.</summary>
    public TimeSpan GcPause { get; init; }

    /// <summary>When the stage started, from the start of the run.</summary>
    public TimeSpan Started { get; init; }

    /// <summary>
    /// The other stages that ran during some of this one's time, in the order they started. Its <see cref="Cpu"/>,
    /// <see cref="AllocatedBytes"/> and <see cref="GcPause"/> count their work too; <see cref="MatchRunSummary.OverlappingStages"/>
    /// gives such stages' figures together.
    /// </summary>
    public IReadOnlyList<string> Overlaps { get; init; } = [];
}

/// <summary>
/// Stages that ran at once (each overlapping another of them), measured together from the first one's start to the
/// last one's end: the figures that can be told apart, where each stage's own <see cref="StageTiming.Cpu"/> and
/// <see cref="StageTiming.AllocatedBytes"/> also count the others' work.
/// </summary>
public sealed record StageGroup(IReadOnlyList<string> Stages, TimeSpan Elapsed, TimeSpan Cpu, long AllocatedBytes, TimeSpan GcPause);

/// <summary>What a run did.</summary>
public sealed record MatchRunSummary(
    IReadOnlyList<BankFileSummary> Files,
    int OpenItems,
    int Customers,
    int Payments,
    int PaymentsApplied,
    int PaymentsFullyApplied,
    int Exceptions,
    IReadOnlyList<StageTiming> Stages,
    TimeSpan Elapsed,
    long PeakWorkingSetBytes)
{
    /// <summary>Share of payments applied in full.</summary>
    public double HitRate => Payments == 0 ? 0 : (double)PaymentsFullyApplied / Payments;

    /// <summary>Deposits (a BAI2 lockbox deposit, a camt.053 entry without details) that agree with their detail in another file.</summary>
    public int DepositsReconciled { get; init; }

    /// <summary>Deposits whose lockbox or reference and date agree with a detail file, and whose total does not.</summary>
    public int DepositsDiffering { get; init; }

    /// <summary>Credits that an earlier file of the run already brought (the same identity key): listed as duplicates, never applied again.</summary>
    public int Duplicates { get; init; }

    /// <summary>The span of address space the run advised for 2 MB pages at its start (<see cref="MatchRunOptions.HugePagesFromBytes"/>); 0 when none.</summary>
    public long HugePageAdvisedBytes { get; init; }

    /// <summary>The stages that ran at once (the bank files' parse beside the AR loads, the check beside the write), with their figures together.</summary>
    public IReadOnlyList<StageGroup> OverlappingStages { get; init; } = [];

    /// <summary>
    /// The bytes of allocation the runtime was asked to let the loads make without a collection, for small and for large
    /// objects each (<see cref="MatchRunOptions.LoadsWithoutCollectionsFromBytes"/>); 0 when it was not asked.
    /// </summary>
    public long LoadsWithoutCollectionsBudgetBytes { get; init; }

    /// <summary>Whether the loads ran to their end without a collection (false when not asked, refused, or past the budget).</summary>
    public bool LoadsRanWithoutCollections { get; init; }
}

/// <summary>Reports which stage a run is in and how far along it is.</summary>
public interface IRunProgress
{
    /// <summary>A stage starts; <paramref name="total"/> is its size when known.</summary>
    void StageStarted(string stage, long? total);

    /// <summary>The stage has done <paramref name="done"/> units.</summary>
    void Advance(string stage, long done);

    /// <summary>The stage is over.</summary>
    void StageCompleted(string stage, TimeSpan elapsed, long count);
}

/// <summary>
/// The batch job: read the AR files and every bank file, match, check the books balance, and write
/// <c>applications.csv</c> and <c>exceptions.csv</c>. Nothing is written unless every input read cleanly.
/// </summary>
public static class MatchRun
{
    /// <summary>Columns of <c>applications.csv</c>.</summary>
    public static readonly IReadOnlyList<string> ApplicationColumns =
        ["payment_ref", "item_id", "amount", "currency", "method", "confidence", "explanation", "deduction", "deduction_reason"];

    /// <summary>Columns of <c>deposits.csv</c>: one row per deposit held against its detail.</summary>
    public static readonly IReadOnlyList<string> DepositColumns =
        ["deposit_ref", "status", "currency", "deposit_amount", "detail_total", "difference", "detail_count", "detail_kind", "key", "batch", "date", "deposit_file", "deposit_line", "detail_file", "detail_line"];

    /// <summary>Columns of <c>exceptions.csv</c>.</summary>
    public static readonly IReadOnlyList<string> ExceptionColumns =
        ["payment_ref", "unapplied_amount", "currency", "payment_amount", "reason", "detail", "suggestions", "source_file", "line"];

    /// <summary>
    /// True for a transaction whose <see cref="BankTransaction.Extra"/> the run reads: for its identity key, to find a
    /// credit an earlier file brought (<see cref="PaymentIdentity.ReadsExtra"/>), or to reconcile a deposit with its
    /// detail (<see cref="DepositReconciliation.ReadsExtra"/>). Nothing else in the run reads <c>Extra</c>.
    /// </summary>
    internal static bool ReadsExtra(BankTransaction transaction) =>
        PaymentIdentity.ReadsExtra(transaction) || DepositReconciliation.ReadsExtra(transaction);

    /// <summary>Runs the job.</summary>
    /// <remarks>
    /// The bank files are parsed (one file per core) while the open items and customers load (the open
    /// items on every core); then the credits are sorted (payments, repeats, deposits), the indexes built and the
    /// payments matched; the files are written side by side while the books are checked, and kept only once they
    /// balance. A bad input stops the run before anything is written.
    /// </remarks>
    public static async Task<MatchRunSummary> RunAsync(MatchRunOptions options, IRunProgress? progress, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(options);
        var total = Stopwatch.StartNew();

        // A large day's heap grows to gigabytes, much of it in arrays committed megabytes at a time: faulted in 2 MB at a
        // time they cost the kernel a fraction of what 4 KB pages do (PERFORMANCE.md, "Session 24").
        var inputBytes = InputBytes(options);
        var adviseHugePages = inputBytes >= options.HugePagesFromBytes;
        var hugePages = adviseHugePages ? HugePages.AdviseCollectorHeap() : 0;
        using var memory = new MemoryWatch(TimeSpan.FromMilliseconds(50));
        var run = new StageRunner(progress, memory, total);

        var layout = options.LockboxLayoutPath is null ? null : LockboxLayout.Load(options.LockboxLayoutPath);
        // Every other transaction's Extra is dropped as it is read, so that a million transactions do not keep copies
        // of their records' text (PERFORMANCE.md, "Session 29").
        var readOptions = new BankFileReadOptions { Lenient = options.Lenient, LockboxLayout = layout, KeepExtra = options.KeepEveryExtra ? null : ReadsExtra };
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var readTimes = new System.Collections.Concurrent.ConcurrentDictionary<string, TimeSpan>(StringComparer.Ordinal);

        // What the loads allocate is the day's data, which lives on to the index stage: collections during them would only
        // copy it. Held off from the loads' start to their end, failed or not (LoadsWithoutCollections); the using is for a
        // throw before the loads are awaited.
        using var loads = LoadsWithoutCollections.Start(inputBytes >= options.LoadsWithoutCollectionsFromBytes
            ? LoadsWithoutCollections.BudgetFor(inputBytes, GC.GetGCMemoryInfo().TotalAvailableMemoryBytes)
            : 0);
        var parseTask = run.Stage("parse", options.BankFiles.Count, async () =>
        {
            var tasks = options.BankFiles.Select(path => Task.Run(async () =>
            {
                var watch = Stopwatch.StartNew();
                var read = await BankFileReading.ReadFileAsync(path, readOptions, stop.Token).ConfigureAwait(false);
                readTimes[path] = watch.Elapsed;
                return read;
            }, stop.Token)).ToArray();
            var results = await Task.WhenAll(tasks).ConfigureAwait(false);
            return (results, (long)results.Sum(r => r.Transactions.Count));
        });

        var itemsTask = run.Stage("load open items", null, () => Task.Run(() =>
        {
            var read = ArFiles.ReadOpenItemRecords(options.OpenItemsPath, new SyncProgress(n => progress?.Advance("load open items", n)));
            return (read, (long)read.Count);
        }, stop.Token));

        var customersTask = run.Stage("load customers", null, () => Task.Run(() =>
        {
            var list = options.CustomersPath is null ? [] : ArFiles.ReadCustomers(options.CustomersPath);
            return (list, (long)list.Count);
        }, stop.Token));

        BankFileReadResult[] files;
        ItemRecords items;
        List<Customer> customers;
        try
        {
            // A bad bank file stops the AR loads too: nothing more is spent on a run that cannot complete.
            files = await parseTask.ConfigureAwait(false);
            items = await itemsTask.ConfigureAwait(false);
            customers = await customersTask.ConfigureAwait(false);
        }
        catch
        {
            await stop.CancelAsync().ConfigureAwait(false);
            throw;
        }
        finally
        {
            loads.Dispose();
        }

        // A credit an earlier file of the run already brought (the same identity key) is that payment again: it is
        // listed as a duplicate and neither reconciled nor applied a second time.
        var repeats = Repeats.Find(files);

        // A deposit whose detail is in another of the day's files is that detail's money: the detail's payments
        // are applied, the deposit never is, and it is reported reconciled or differing instead.
        var deposits = DepositReconciliation.Reconcile(files.SelectMany(f => f.Transactions).Where(t => !repeats.Contains(t)));

        // Each credit is a repeat, a deposit, a payment or a credit that is not one, sorted on every core.
        var (payments, notPayments, depositCredits, summaries) = CreditSorting.Sort(files, repeats, deposits, file => readTimes.GetValueOrDefault(file));

        // The parsed files are done with: their transactions (a million objects on a large day) are not kept through
        // indexing and matching. Dropping them before the index is built, not after, lets the next collection take
        // them back: the index stage's first, or the match stage's. The array is the parse task's own result, so
        // emptying it, not just dropping this reference, frees them. (A bad currency in a bank file now stops the
        // run before indexing rather than after, with the same message.)
        Array.Clear(files);
        files = [];

        // Nothing the loads allocated under a hold that lasted to their end has been marked or copied yet. A full
        // collection here was the first to do it, and the match stage's marked it all again; without it, the match
        // stage's one collection marks and copies the loads' data and the index's together, and takes back both
        // stages' garbage. Meanwhile the index stage allocates against what is left of the hold's budget: the runtime
        // (.NET 10) leaves the region's allocation budgets in place after it ends, a detail of its own, not a promise,
        // so a runtime that did otherwise would only collect in this stage as any program does (and the 64 MiB cap on
        // the first generation applies again from the match stage's collection). Loads that ran with the collector are
        // collected here, as they always were (PERFORMANCE.md, "Session 33").
        var loadsHeld = loads.HeldThroughout;

        // Counted now: the matcher takes the loaded columns over and leaves them empty.
        var itemCount = items.Count;
        var matcher = await run.Stage("index", itemCount, () =>
        {
            // Collected here, not between stages, so that the stage's figures carry what it costs.
            if (!loadsHeld)
            {
                CollectFreed(adviseHugePages);
            }

            // A run makes no generation, so its directory keeps no customer's record (500k on the 1M-payment day, with
            // their accounts): only what lookups read lives through matching (PERFORMANCE.md, "Session 45").
            var built = new CashMatcher(items, customers, options.Policy, keepCustomerRecords: false);
            built.UsePayerRules(options.PayerRules);
            built.Decided = options.Decided;
            built.Calibration = options.Calibration ?? built.Calibration;
            return Task.FromResult((built, (long)itemCount));
        }).ConfigureAwait(false);

        // The matcher keeps the items it needs, in its own order (it took the loaded columns over and left them empty), and
        // the directory what it needs of the customers: the loaded list (held by its load task too) is emptied, not just dropped.
        var customerCount = customers.Count;
        customers.Clear();
        customers.TrimExcess();
        var result = await run.Stage("match", payments.Count, () =>
        {
            CollectFreed(adviseHugePages);
            var matched = matcher.Match(payments);
            return Task.FromResult((options.Matched is { } tamper ? tamper(matched) : matched, (long)payments.Count));
        }).ConfigureAwait(false);

        // Credits that are not payments (pending, informational, reversals) are never applied, and never lost.
        var exceptions = new List<ExceptionCase>(result.Exceptions);
        foreach (var credit in notPayments)
        {
            var currency = new CurrencyCode(credit.Currency);
            exceptions.Add(new ExceptionCase(credit.PaymentRef, new Money(credit.AmountMinor, currency), ExceptionReason.NotAPayment, credit.NotPaymentReason ?? "not a booked payment", []));
        }

        // Deposits are listed too, so that every credit of the files is in applications or exceptions (CONTRACT.md):
        // a reconciled one for the record (its money is applied through its detail), a differing one to be worked.
        foreach (var match in deposits.Deposits)
        {
            var credit = match.Deposit;
            var reason = match.Status == DepositStatus.Reconciled ? ExceptionReason.DepositReconciled : ExceptionReason.DepositMismatch;
            exceptions.Add(new ExceptionCase(credit.PaymentRef, new Money(credit.AmountMinor, new CurrencyCode(credit.Currency)), reason, match.Describe(), []));
        }

        // Repeats are listed too, with nothing unapplied: their money is the first credit's, applied or in
        // exceptions under it. A repeat keeps its own file and line in exceptions.csv.
        var repeatSources = new Dictionary<ExceptionCase, BankTransaction>(ReferenceEqualityComparer.Instance);
        foreach (var (credit, first) in repeats.Credits)
        {
            var currency = new CurrencyCode(credit.Currency);
            var repeat = new ExceptionCase(credit.PaymentRef, new Money(0, currency), ExceptionReason.Duplicate, Repeats.Describe(first), []);
            exceptions.Add(repeat);
            repeatSources.Add(repeat, credit);
        }

        // The books are checked while the files are written: neither keeps both cores busy alone (the check's two sides
        // are unequal, and the write is one file's rows on one thread), and together they do. The files are kept only
        // once the books balance (OutputFiles: whole or not at all).
        var checking = run.Stage("check", result.Applications.Count, () => Task.Run(() =>
        {
            // Only the items applied to can break the books; passing just those spares a dictionary of every open
            // item (millions) and checks exactly the same. After a run they are the items whose open amount moved,
            // which the matcher finds from its amounts without reading the items; one applied to and not among them
            // is looked up by id, and an id the matcher does not know stays out, and the check names it. The check reads
            // the items where the matcher keeps them, by number (matcher.Book): no id string is made for any of them.
            // The summary's counts come from the check's table of payment references, which holds every one already.
            var counted = BalanceCheck.VerifyAndCount(payments, matcher.Book, matcher.ItemsMoved(), result.Applications, result.Exceptions);
            return (counted, (long)result.Applications.Count);
        }, cancellationToken));

        var writing = run.Stage("write", result.Applications.Count + exceptions.Count, async () =>
        {
            // Written whole or not at all: a run that fails here, or whose books do not balance, leaves the folder as
            // it was (OutputFiles).
            using var outputs = new OutputFiles(options.OutputDirectory);
            var applicationsPath = outputs.PathFor("applications.csv");
            var exceptionsPath = outputs.PathFor("exceptions.csv");
            var depositsPath = outputs.PathFor("deposits.csv");
            var applications = Task.Run(() => WriteApplications(applicationsPath, result.Applications), cancellationToken);
            var exceptionsFile = Task.Run(() => WriteExceptions(exceptionsPath, exceptions, payments, [.. notPayments, .. depositCredits], repeatSources), cancellationToken);
            var depositsFile = Task.Run(() => WriteDeposits(depositsPath, deposits), cancellationToken);
            await Task.WhenAll(applications, exceptionsFile, depositsFile).ConfigureAwait(false);
            await checking.ConfigureAwait(false);
            outputs.Commit();
            return (0, (long)(result.Applications.Count + exceptions.Count));
        });

        BalanceCheck.PaymentCounts counts;
        try
        {
            counts = await checking.ConfigureAwait(false);
        }
        catch
        {
            // Books that do not balance are the failure to report, whatever the writing came to: it commits nothing,
            // and its own failure (the check's again, or the disk's) is observed here and let go.
            try
            {
                await writing.ConfigureAwait(false);
            }
            catch
            {
            }

            throw;
        }

        await writing.ConfigureAwait(false);

        var (applied, fully) = counts;
        return new MatchRunSummary(
            summaries,
            itemCount,
            customerCount,
            payments.Count,
            applied,
            fully,
            exceptions.Count - deposits.Reconciled - repeats.Credits.Count,
            run.Timings(),
            total.Elapsed,
            MemoryWatch.ProcessPeak())
        {
            OverlappingStages = run.Groups(),
            DepositsReconciled = deposits.Reconciled,
            DepositsDiffering = deposits.Differing,
            Duplicates = repeats.Credits.Count,
            HugePageAdvisedBytes = hugePages,
            LoadsWithoutCollectionsBudgetBytes = loads.Budget,
            LoadsRanWithoutCollections = loadsHeld,
        };
    }

    /// <summary>The input files' sizes together; a file that is not there counts nothing (the run reports it when it reads it).</summary>
    private static long InputBytes(MatchRunOptions options)
    {
        var bytes = 0L;
        foreach (var path in options.BankFiles.Append(options.OpenItemsPath).Append(options.CustomersPath))
        {
            if (path is not null && new FileInfo(path) is { Exists: true } file)
            {
                bytes += file.Length;
            }
        }

        return bytes;
    }

    /// <summary>
    /// A full, compacting collection where a stage has just let go of a large part of the heap (the parsed files, the
    /// loaded lists): left to itself the collector finds them gone only at its next full collection, and the next
    /// stage's survivors are given new memory meanwhile, which is what sets the run's peak.
    /// </summary>
    /// <remarks>
    /// <para>
    /// Aggressive, not only forced: the collector then also compacts the large objects and gives back every region it
    /// freed. After a forced one the 1M day's process kept some 1 GB it no longer used (the loads' and the index's
    /// garbage, and holes between large arrays), and what the match stage's collections then left committed set the
    /// run's peak, differently from run to run. Given back, the memory costs the match stage about a second to touch
    /// again; the index stage gathers the item columns into id order in about a second less for it, leaving the arrays
    /// this collection takes back (PERFORMANCE.md, "Session 40").
    /// </para>
    /// <para>
    /// The collector gives the memory it frees back by mapping it anew, and a new mapping has no advice: with
    /// <paramref name="adviseHugePages"/> the heap is advised again after the collection, so that the next stage's large
    /// arrays get 2 MB pages where the freed ones were.
    /// </para>
    /// </remarks>
    private static void CollectFreed(bool adviseHugePages)
    {
        GC.Collect(GC.MaxGeneration, GCCollectionMode.Aggressive, blocking: true, compacting: true);
        if (adviseHugePages)
        {
            HugePages.AdviseCollectorHeap();
        }
    }

    private static void WriteDeposits(string path, DepositReconciliation deposits)
    {
        var ci = System.Globalization.CultureInfo.InvariantCulture;
        CsvOut.WriteFile(path, DepositColumns, deposits.Deposits.Select(match =>
        {
            var d = match.Deposit;
            var detail = match.Detail;
            var digits = new CurrencyCode(d.Currency).MinorDigits;
            return new string?[]
            {
                d.PaymentRef,
                match.Status == DepositStatus.Reconciled ? "reconciled" : "differing",
                d.Currency,
                MinorUnits.Format(d.AmountMinor, digits),
                MinorUnits.Format(detail.TotalMinor, digits),
                MinorUnits.Format(match.DifferenceMinor, digits),
                detail.Count.ToString(ci),
                detail.Kind switch
                {
                    DepositDetailKind.Lockbox => "lockbox",
                    DepositDetailKind.LockboxBatch => "lockbox_batch",
                    DepositDetailKind.LockboxCheck => "lockbox_check",
                    _ => "camt054_entry",
                },
                detail.Key,
                detail.Batch,
                detail.Date.ToString("yyyy-MM-dd", ci),
                d.SourceFile,
                d.LineNumber.ToString(ci),
                detail.SourceFile,
                detail.LineNumber.ToString(ci),
            };
        }));
    }

    private static void WriteApplications(string path, IReadOnlyList<Application> applications) =>
        CsvOut.WriteFile(path, ApplicationColumns, applications.Select(a => new string?[]
        {
            a.PaymentRef,
            a.ItemId,
            MinorUnits.Format(a.Amount.Minor, a.Amount.Currency.MinorDigits),
            a.Amount.Currency.Code,
            LedgerCodes.Of(a.Method),
            Score(a.Confidence.Value),
            a.Explanation,
            a.DeductionMinor == 0 ? null : MinorUnits.Format(a.DeductionMinor, a.Amount.Currency.MinorDigits),
            a.DeductionReason,
        }));

    /// <summary>A score in [0, 1] with three decimals (<c>0.875</c>).</summary>
    /// <remarks>A score has only 1,001 texts: each is made once, not once per application (a million on the 1M day).</remarks>
    private static string Score(double value) => ScoreText.All[(int)Math.Round(value * 1000)];

    /// <summary>The texts, made at the first row written rather than with the class: a run that fails earlier needs none.</summary>
    private static class ScoreText
    {
        public static readonly string[] All = Make();

        private static string[] Make()
        {
            var texts = new string[1001];
            for (var thousandths = 0; thousandths < texts.Length; thousandths++)
            {
                texts[thousandths] = MinorUnits.Format(thousandths, 3);
            }

            return texts;
        }
    }

    private static void WriteExceptions(string path, List<ExceptionCase> exceptions, List<Payment> payments, List<BankTransaction> notPayments, Dictionary<ExceptionCase, BankTransaction> repeats)
    {
        // Only the payments that went to exceptions need their source looked up.
        var wanted = new HashSet<string>(exceptions.Count, StringComparer.Ordinal);
        foreach (var e in exceptions)
        {
            wanted.Add(e.PaymentRef);
        }

        var sources = new Dictionary<string, Payment>(wanted.Count, StringComparer.Ordinal);
        foreach (var p in payments)
        {
            if (wanted.Contains(p.PaymentRef))
            {
                sources.TryAdd(p.PaymentRef, p);
            }
        }

        var others = new Dictionary<string, BankTransaction>(StringComparer.Ordinal);
        foreach (var t in notPayments)
        {
            others.TryAdd(t.PaymentRef, t);
        }

        var ci = System.Globalization.CultureInfo.InvariantCulture;
        var suggestions = new System.Text.StringBuilder();
        CsvOut.WriteFile(path, ExceptionColumns, exceptions.Select(e =>
        {
            string? paymentAmount = null;
            string? file = null;
            long? line = null;
            if (repeats.TryGetValue(e, out var repeat))
            {
                paymentAmount = MinorUnits.Format(repeat.AmountMinor, e.Unapplied.Currency.MinorDigits);
                (file, line) = (repeat.SourceFile, repeat.LineNumber);
            }
            else if (sources.TryGetValue(e.PaymentRef, out var p))
            {
                paymentAmount = MinorUnits.Format(p.Amount.Minor, p.Amount.Currency.MinorDigits);
                (file, line) = (p.SourceFile, p.LineNumber);
            }
            else if (others.TryGetValue(e.PaymentRef, out var t))
            {
                paymentAmount = MinorUnits.Format(t.AmountMinor, e.Unapplied.Currency.MinorDigits);
                (file, line) = (t.SourceFile, t.LineNumber);
            }

            suggestions.Clear();
            foreach (var s in e.Suggestions)
            {
                if (suggestions.Length > 0)
                {
                    suggestions.Append(" | ");
                }

                suggestions.AppendJoin('+', s.ItemIds).Append(ci, $" ({s.Score}: {s.Why})");
            }

            return new string?[]
            {
                e.PaymentRef,
                MinorUnits.Format(e.Unapplied.Minor, e.Unapplied.Currency.MinorDigits),
                e.Unapplied.Currency.Code,
                paymentAmount,
                LedgerCodes.Of(e.Reason),
                e.Detail,
                suggestions.ToString(),
                file,
                line?.ToString(ci),
            };
        }));
    }

    /// <summary>Runs stages, timing each and watching its memory, and tells the progress sink.</summary>
    private sealed class StageRunner(IRunProgress? progress, MemoryWatch memory, Stopwatch clock)
    {
        // The finished stages in the order they finished, each with where it ends on the run's clock and the process's
        // counters at its two ends.
        private readonly List<Window> _windows = [];

        public async Task<T> Stage<T>(string name, long? total, Func<Task<(T Value, long Count)>> work)
        {
            progress?.StageStarted(name, total);
            memory.Begin(name);
            var started = clock.Elapsed;
            var at = Counters.Now();
            try
            {
                var (value, count) = await work().ConfigureAwait(false);
                var ended = clock.Elapsed;
                var end = Counters.Now();
                var timing = new StageTiming(name, ended - started, count, memory.End(name))
                {
                    Cpu = end.Cpu - at.Cpu,
                    AllocatedBytes = end.Allocated - at.Allocated,
                    GcPause = end.Paused - at.Paused,
                    Started = started,
                };
                lock (_windows)
                {
                    _windows.Add(new Window(timing, ended, at, end));
                }

                progress?.StageCompleted(name, timing.Elapsed, count);
                return value;
            }
            catch
            {
                memory.End(name);
                throw;
            }
        }

        /// <summary>The stages in the order they finished, each with the others that overlapped it.</summary>
        public List<StageTiming> Timings()
        {
            lock (_windows)
            {
                return _windows.ConvertAll(w => w.Timing with
                {
                    Overlaps = _windows
                        .Where(other => !ReferenceEquals(other, w) && StageOverlap.Overlap(w.Span, other.Span))
                        .OrderBy(other => other.Span.Start)
                        .Select(other => other.Timing.Stage)
                        .ToList(),
                });
            }
        }

        /// <summary>The stages that ran at once, measured together over the group's whole window.</summary>
        public List<StageGroup> Groups()
        {
            lock (_windows)
            {
                return StageOverlap.Groups(_windows.ConvertAll(w => w.Span)).ConvertAll(group =>
                {
                    // The counters each stage read on its own thread at its ends: the earliest and the latest of them, so
                    // that the group's window holds each member's even where two stages read them at the same moment.
                    var members = group.ConvertAll(i => _windows[i]);
                    return new StageGroup(
                        members.OrderBy(w => w.Span.Start).Select(w => w.Timing.Stage).ToList(),
                        members.Max(w => w.Span.End) - members.Min(w => w.Span.Start),
                        members.Max(w => w.EndAt.Cpu) - members.Min(w => w.At.Cpu),
                        members.Max(w => w.EndAt.Allocated) - members.Min(w => w.At.Allocated),
                        members.Max(w => w.EndAt.Paused) - members.Min(w => w.At.Paused));
                });
            }
        }

        private sealed record Window(StageTiming Timing, TimeSpan End, Counters At, Counters EndAt)
        {
            public (TimeSpan Start, TimeSpan End) Span => (Timing.Started, End);
        }

        private readonly record struct Counters(TimeSpan Cpu, long Allocated, TimeSpan Paused)
        {
            public static Counters Now() => new(MemoryWatch.ProcessCpu(), GC.GetTotalAllocatedBytes(), GC.GetTotalPauseDuration());
        }
    }

    /// <summary>Reports on the reporting thread: <see cref="Progress{T}"/> would post to the thread pool, late and out of order.</summary>
    private sealed class SyncProgress(Action<long> report) : IProgress<long>
    {
        public void Report(long value) => report(value);
    }
}
