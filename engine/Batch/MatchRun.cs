using System.Diagnostics;
using CashApp.Engine.Ar;
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
}

/// <summary>Per bank file: its format and how many credits and debits it held.</summary>
public sealed record BankFileSummary(string FileName, BankFileFormat Format, int Credits, int Payments, int Debits, long CreditMinorTotal, IReadOnlyList<ParseWarning> Warnings);

/// <summary>One stage of a run and how long it took.</summary>
public sealed record StageTiming(string Stage, TimeSpan Elapsed, long Count);

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
        ["payment_ref", "item_id", "amount", "currency", "method", "confidence", "explanation"];

    /// <summary>Columns of <c>exceptions.csv</c>.</summary>
    public static readonly IReadOnlyList<string> ExceptionColumns =
        ["payment_ref", "unapplied_amount", "currency", "payment_amount", "reason", "detail", "suggestions", "source_file", "line"];

    /// <summary>Runs the job.</summary>
    public static async Task<MatchRunSummary> RunAsync(MatchRunOptions options, IRunProgress? progress, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(options);
        var total = Stopwatch.StartNew();
        var stages = new List<StageTiming>();

        // Read the bank files first, in parallel: a bad file stops the run before anything else is spent.
        var layout = options.LockboxLayoutPath is null ? null : LockboxLayout.Load(options.LockboxLayoutPath);
        var readOptions = new BankFileReadOptions { Lenient = options.Lenient, LockboxLayout = layout };
        var files = await Stage(stages, progress, "parse", options.BankFiles.Count, async () =>
        {
            var tasks = options.BankFiles.Select(path => Task.Run(() => BankFiles.ReadAllAsync(path, readOptions, cancellationToken), cancellationToken)).ToArray();
            var results = await Task.WhenAll(tasks).ConfigureAwait(false);
            return (results, (long)results.Sum(r => r.Transactions.Count));
        }).ConfigureAwait(false);

        var items = await Stage(stages, progress, "load open items", null, () =>
        {
            var list = ArFiles.ReadOpenItems(options.OpenItemsPath, new Progress<long>(n => progress?.Advance("load open items", n)));
            return Task.FromResult((list, (long)list.Count));
        }).ConfigureAwait(false);

        var customers = await Stage(stages, progress, "load customers", null, () =>
        {
            var list = options.CustomersPath is null ? [] : ArFiles.ReadCustomers(options.CustomersPath);
            return Task.FromResult((list, (long)list.Count));
        }).ConfigureAwait(false);

        var matcher = await Stage(stages, progress, "index", items.Count, () =>
        {
            var built = new CashMatcher(items, customers, options.Policy);
            return Task.FromResult((built, (long)items.Count));
        }).ConfigureAwait(false);

        var payments = new List<Payment>();
        var notPayments = new List<BankTransaction>();
        var summaries = new List<BankFileSummary>();
        foreach (var file in files)
        {
            int credits = 0, paying = 0, debits = 0;
            long creditTotal = 0;
            foreach (var transaction in file.Transactions)
            {
                if (transaction.Direction == Direction.Debit)
                {
                    debits++;
                    continue;
                }

                credits++;
                creditTotal = checked(creditTotal + transaction.AmountMinor);
                if (transaction.IsPayment)
                {
                    paying++;
                    payments.Add(Payment.FromTransaction(transaction));
                }
                else
                {
                    notPayments.Add(transaction);
                }
            }

            summaries.Add(new BankFileSummary(file.FileName, file.Format, credits, paying, debits, creditTotal, file.Warnings));
        }

        var result = await Stage(stages, progress, "match", payments.Count, () =>
        {
            var matched = matcher.Match(payments);
            return Task.FromResult((matched, (long)payments.Count));
        }).ConfigureAwait(false);

        // Credits that are not payments (pending, informational, reversals) are never applied, and never lost.
        var exceptions = new List<ExceptionCase>(result.Exceptions);
        foreach (var credit in notPayments)
        {
            var currency = new CurrencyCode(credit.Currency);
            exceptions.Add(new ExceptionCase(credit.PaymentRef, new Money(credit.AmountMinor, currency), ExceptionReason.NotAPayment, credit.NotPaymentReason ?? "not a booked payment", []));
        }

        BalanceCheck.Verify(payments, items, result.Applications, result.Exceptions);

        await Stage(stages, progress, "write", result.Applications.Count + exceptions.Count, () =>
        {
            Directory.CreateDirectory(options.OutputDirectory);
            WriteApplications(Path.Combine(options.OutputDirectory, "applications.csv"), result.Applications);
            var sources = payments.GroupBy(p => p.PaymentRef, StringComparer.Ordinal).ToDictionary(g => g.Key, g => g.First(), StringComparer.Ordinal);
            WriteExceptions(Path.Combine(options.OutputDirectory, "exceptions.csv"), exceptions, sources, notPayments);
            return Task.FromResult((0, (long)(result.Applications.Count + exceptions.Count)));
        }).ConfigureAwait(false);

        var appliedRefs = result.Applications.Select(a => a.PaymentRef).ToHashSet(StringComparer.Ordinal);
        var unappliedRefs = result.Exceptions.Where(e => e.Unapplied.Minor != 0).Select(e => e.PaymentRef).ToHashSet(StringComparer.Ordinal);
        var fully = payments.Count(p => appliedRefs.Contains(p.PaymentRef) && !unappliedRefs.Contains(p.PaymentRef));
        using var process = Process.GetCurrentProcess();
        return new MatchRunSummary(
            summaries,
            items.Count,
            customers.Count,
            payments.Count,
            appliedRefs.Count,
            fully,
            exceptions.Count,
            stages,
            total.Elapsed,
            process.PeakWorkingSet64);
    }

    private static void WriteApplications(string path, IReadOnlyList<Application> applications)
    {
        CsvOut.WriteFile(path, ApplicationColumns, applications.Select(a => new[]
        {
            a.PaymentRef,
            a.ItemId,
            a.Amount.ToString(),
            a.Amount.Currency.Code,
            MethodName(a.Method),
            a.Confidence.ToString(),
            a.Explanation,
        }));
    }

    private static void WriteExceptions(string path, IReadOnlyList<ExceptionCase> exceptions, Dictionary<string, Payment> payments, List<BankTransaction> notPayments)
    {
        var others = notPayments.GroupBy(t => t.PaymentRef, StringComparer.Ordinal).ToDictionary(g => g.Key, g => g.First(), StringComparer.Ordinal);
        CsvOut.WriteFile(path, ExceptionColumns, exceptions.Select(e =>
        {
            string? amount = null, file = null, line = null;
            if (payments.TryGetValue(e.PaymentRef, out var p))
            {
                (amount, file, line) = (p.Amount.ToString(), p.SourceFile, p.LineNumber.ToString(System.Globalization.CultureInfo.InvariantCulture));
            }
            else if (others.TryGetValue(e.PaymentRef, out var t))
            {
                (amount, file, line) = (MinorUnits.Format(t.AmountMinor, e.Unapplied.Currency.MinorDigits), t.SourceFile, t.LineNumber.ToString(System.Globalization.CultureInfo.InvariantCulture));
            }

            return new[]
            {
                e.PaymentRef,
                e.Unapplied.ToString(),
                e.Unapplied.Currency.Code,
                amount,
                ReasonName(e.Reason),
                e.Detail,
                string.Join(" | ", e.Suggestions.Select(s => $"{string.Join('+', s.ItemIds)} ({s.Score}: {s.Why})")),
                file,
                line,
            };
        }));
    }

    /// <summary>The stable text of a method, as written to CSV and the wire.</summary>
    public static string MethodName(MatchMethod method) => method switch
    {
        MatchMethod.ExactReference => "exact_reference",
        MatchMethod.FuzzyReference => "fuzzy_reference",
        MatchMethod.PurchaseOrder => "po_reference",
        MatchMethod.AccountAmount => "account_amount",
        MatchMethod.NameAmount => "name_amount",
        MatchMethod.Combination => "combination",
        _ => "manual",
    };

    /// <summary>The stable text of an exception reason.</summary>
    public static string ReasonName(ExceptionReason reason) => reason switch
    {
        ExceptionReason.UnknownPayer => "unknown_payer",
        ExceptionReason.NoMatch => "no_match",
        ExceptionReason.Ambiguous => "ambiguous",
        ExceptionReason.Overpayment => "overpayment",
        ExceptionReason.NotAPayment => "not_a_payment",
        _ => "conflict",
    };

    private static async Task<T> Stage<T>(List<StageTiming> stages, IRunProgress? progress, string name, long? total, Func<Task<(T Value, long Count)>> work)
    {
        progress?.StageStarted(name, total);
        var watch = Stopwatch.StartNew();
        var (value, count) = await work().ConfigureAwait(false);
        stages.Add(new StageTiming(name, watch.Elapsed, count));
        progress?.StageCompleted(name, watch.Elapsed, count);
        return value;
    }
}
