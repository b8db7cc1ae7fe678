using System.Globalization;
using CashApp.Parsers.Common;
using CashApp.Parsers.Currency;

namespace CashApp.Engine.Deposits;

/// <summary>Whether a deposit agrees with its detail.</summary>
public enum DepositStatus
{
    /// <summary>Lockbox or reference, date and total agree: the detail's payments are the deposit's money.</summary>
    Reconciled,

    /// <summary>Lockbox or reference and date agree, the total does not: a specialist must look.</summary>
    Differing,
}

/// <summary>What a deposit's detail is.</summary>
public enum DepositDetailKind
{
    /// <summary>Every check of one lockbox on one deposit date, in a lockbox file.</summary>
    Lockbox,

    /// <summary>The checks of one batch of a lockbox (banks that deposit batch by batch).</summary>
    LockboxBatch,

    /// <summary>The transactions of one entry in a camt.054 notification.</summary>
    Notification,

    /// <summary>One check of a lockbox, the detail of an item in a lockbox deposit (BAI2 116).</summary>
    LockboxCheck,
}

/// <summary>
/// The detail a deposit was held against: where it is, what it is keyed by, and its total. For a
/// <see cref="DepositStatus.Differing"/> deposit it is what of the lockbox or entry no other deposit took.
/// </summary>
/// <param name="Kind">Lockbox, lockbox batch or camt.054 entry.</param>
/// <param name="SourceFile">The file holding the detail, as named to the reader.</param>
/// <param name="Key">The lockbox number, or the entry's reference, as the detail file writes it.</param>
/// <param name="Batch">The batch, for <see cref="DepositDetailKind.LockboxBatch"/>.</param>
/// <param name="Date">The deposit (lockbox) or booking (camt) date.</param>
/// <param name="Currency">ISO 4217 code.</param>
/// <param name="TotalMinor">The detail's total in minor units (credits less debits of a netted entry).</param>
/// <param name="Count">How many transactions (checks) make it up.</param>
/// <param name="LineNumber">The line of its first transaction.</param>
public sealed record DepositDetail(
    DepositDetailKind Kind,
    string SourceFile,
    string Key,
    string? Batch,
    DateOnly Date,
    string Currency,
    long TotalMinor,
    int Count,
    long LineNumber)
{
    /// <summary>
    /// Every file that holds part of the detail, in ordinal order (<see cref="SourceFile"/> is the first): the detail
    /// of one lockbox or entry may come in several files, and is tied to its deposit by the bank's data, not by them.
    /// </summary>
    public IReadOnlyList<string> Files { get; init; } = [SourceFile];

    /// <summary>Where the detail is, for a person: its file and first line, or every file it came in.</summary>
    public string Where => Files.Count > 1
        ? $"{string.Join(", ", Files)}; first {SourceFile} line {LineNumber.ToString(CultureInfo.InvariantCulture)}"
        : $"{SourceFile} line {LineNumber.ToString(CultureInfo.InvariantCulture)}";

    /// <summary>The file or files of the detail, comma-separated: what a deposit's outcome names as its detail file.</summary>
    public string FileNames => string.Join(", ", Files);
}

/// <summary>A deposit credit and the detail it was reconciled with, or differs from.</summary>
public sealed record DepositMatch(BankTransaction Deposit, DepositStatus Status, DepositDetail Detail)
{
    /// <summary>The deposit less its detail, in minor units: positive when the bank credited more than the detail holds.</summary>
    public long DifferenceMinor => checked(Deposit.AmountMinor - Detail.TotalMinor);

    /// <summary>One sentence for a person: what was compared, in which files, and how it came out.</summary>
    public string Describe()
    {
        var (what, deposit, detail) = Parts();
        if (Deposit.TypeCode == DepositReconciliation.Bai2LockboxItem)
        {
            return Status == DepositStatus.Reconciled
                ? $"{what}: {deposit} reconciled with a check of batch {Detail.Batch} ({Detail.SourceFile} line {Detail.LineNumber.ToString(CultureInfo.InvariantCulture)}); the check is applied, not the item"
                : $"{what}: {deposit} matches no check of that amount left among its {detail}";
        }

        return Status == DepositStatus.Reconciled
            ? $"{what}: {deposit} reconciled with its detail, {detail}; the detail's payments are applied, not the deposit"
            : $"{what}: {deposit} differs from its detail, {detail}, by {Amount(DifferenceMinor)}";
    }

    /// <summary>
    /// The comparison alone, for a deposit whose money was decided otherwise (a specialist resolved it by hand): what
    /// was compared, in which files, and whether the totals agree; nothing about what is applied.
    /// </summary>
    public string DescribeComparison()
    {
        var (what, deposit, detail) = Parts();
        return Status == DepositStatus.Reconciled
            ? $"{what}: {deposit} agrees with its detail, {detail}"
            : $"{what}: {deposit} differs from its detail, {detail}, by {Amount(DifferenceMinor)}";
    }

    private (string What, string Deposit, string Detail) Parts()
    {
        var what = Detail.Kind switch
        {
            DepositDetailKind.Lockbox or DepositDetailKind.LockboxCheck => $"lockbox {Detail.Key} of {Day(Detail.Date)}",
            DepositDetailKind.LockboxBatch => $"lockbox {Detail.Key} batch {Detail.Batch} of {Day(Detail.Date)}",
            _ => $"entry {Detail.Key} of {Day(Detail.Date)}",
        };
        var items = Detail.Kind == DepositDetailKind.Notification ? "transactions" : "checks";
        var deposit = $"{(Deposit.TypeCode == DepositReconciliation.Bai2LockboxItem ? "item" : "deposit")} {Deposit.Currency} {Amount(Deposit.AmountMinor)} ({Deposit.SourceFile} line {Deposit.LineNumber.ToString(CultureInfo.InvariantCulture)})";
        var detail = $"{Detail.Count.ToString(CultureInfo.InvariantCulture)} {items} totalling {Detail.Currency} {Amount(Detail.TotalMinor)} ({Detail.Where})";
        return (what, deposit, detail);
    }

    private string Amount(long minor) =>
        CurrencyCode.TryParse(Deposit.Currency, out var code) ? MinorUnits.Format(minor, code.MinorDigits) : minor.ToString(CultureInfo.InvariantCulture);

    private static string Day(DateOnly date) => date.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);
}

/// <summary>
/// Tells which credits of a day's bank files are deposits whose detail came in another file, and whether each
/// agrees with that detail. A BAI2 lockbox deposit (type code 115) is held against the lockbox file's checks of
/// the lockbox its bank reference, customer reference or text names, on its date; a camt.053 entry booked without
/// details is held against the camt.054 entry of the same reference (entry <c>AcctSvcrRef</c>, <c>NtryRef</c>,
/// batch <c>PmtInfId</c> or <c>MsgId</c>) and booking date. A deposit is <see cref="DepositStatus.Reconciled"/>
/// when key, date, currency and total agree, and <see cref="DepositStatus.Differing"/> when key, date and currency
/// agree and the total does not. A credit with no detail in the files given is no deposit here: it stays a payment.
/// </summary>
/// <remarks>
/// The detail's transactions are the payments; a covered deposit is never applied. Pure and order-independent:
/// the same transactions in any order give the same answer.
/// </remarks>
public sealed class DepositReconciliation
{
    /// <summary>The BAI2 type code of a lockbox deposit (BAI2 appendix A: 115 "Lockbox Deposit").</summary>
    public const string Bai2LockboxDeposit = "115";

    /// <summary>The BAI2 type code of one check of a lockbox deposit (BAI2 appendix A: 116 "Item in Lockbox Deposit").</summary>
    public const string Bai2LockboxItem = "116";

    private readonly Dictionary<BankTransaction, DepositMatch> _byDeposit;

    private DepositReconciliation(List<DepositMatch> deposits)
    {
        Deposits = deposits;
        _byDeposit = new Dictionary<BankTransaction, DepositMatch>(deposits.Count, ReferenceEqualityComparer.Instance);
        foreach (var match in deposits)
        {
            _byDeposit.Add(match.Deposit, match);
        }

        Reconciled = deposits.Count(d => d.Status == DepositStatus.Reconciled);
        Differing = deposits.Count - Reconciled;
    }

    /// <summary>An answer with no deposits.</summary>
    public static DepositReconciliation None { get; } = new([]);

    /// <summary>Every deposit covered by detail, reconciled or differing, in a canonical order.</summary>
    public IReadOnlyList<DepositMatch> Deposits { get; }

    /// <summary>How many deposits agree with their detail.</summary>
    public int Reconciled { get; }

    /// <summary>How many deposits differ from their detail.</summary>
    public int Differing { get; }

    /// <summary>True when <paramref name="transaction"/> (this very instance) is a deposit covered by detail.</summary>
    public bool TryGet(BankTransaction transaction, [System.Diagnostics.CodeAnalysis.MaybeNullWhen(false)] out DepositMatch match) =>
        _byDeposit.TryGetValue(transaction, out match);

    /// <summary>
    /// Reconciles the deposits among <paramref name="transactions"/> (any number of files, any order) with their
    /// detail. The transactions are enumerated twice, the second time only when there is a deposit: a day without
    /// deposits costs one pass and no allocation per transaction.
    /// </summary>
    public static DepositReconciliation Reconcile(IEnumerable<BankTransaction> transactions)
    {
        ArgumentNullException.ThrowIfNull(transactions);
        var deposits = new List<Candidate>();
        foreach (var t in transactions)
        {
            switch (t.Format)
            {
                case BankFileFormat.Bai2 when t is { Direction: Direction.Credit, IsPayment: true, TypeCode: Bai2LockboxDeposit, ValueDate: { } date }:
                    deposits.Add(new Candidate(t, date, LockboxTokens(t)));
                    break;
                case BankFileFormat.Bai2 when t is { Direction: Direction.Credit, IsPayment: true, TypeCode: Bai2LockboxItem, ValueDate: { } date }:
                    deposits.Add(new Candidate(t, date, LockboxTokens(t)) { IsItem = true });
                    break;
                case BankFileFormat.Camt053 when t is { Direction: Direction.Credit, IsPayment: true } && t.Extra.ContainsKey("without_details") && CamtDate(t) is { } date:
                    if (EntryKeys(t) is { Count: > 0 } references)
                    {
                        deposits.Add(new Candidate(t, date, references));
                    }

                    break;
                default:
                    break;
            }
        }

        if (deposits.Count == 0)
        {
            return None;
        }

        // Detail is tied to its deposit by the bank's data alone (lockbox or entry, date, currency), never by the file
        // that carries it: a lockbox whose checks come in two transmissions is one lockbox, whatever the files are named.
        var lockboxes = new Dictionary<(string Lockbox, DateOnly Date, string Currency), Group>();
        var entries = new Dictionary<(string? Statement, string? Servicer, string? EntryRef, DateOnly Date, string Currency), Group>();
        foreach (var t in transactions)
        {
            switch (t.Format)
            {
                case BankFileFormat.Lockbox when t is { Direction: Direction.Credit, ValueDate: { } date } && SplitCheckRef(t.PaymentRef) is { } check:
                    AddCheck(lockboxes, t, check.Lockbox, check.Batch, date);
                    break;
                case BankFileFormat.Camt054 when CamtDate(t) is { } date && EntryKeys(t) is { Count: > 0 } entryKeys:
                    AddEntryTransaction(entries, t, date, entryKeys);
                    break;
                default:
                    break;
            }
        }

        var groups = lockboxes.Values.Concat(entries.Values.Where(e => e.Usable))
            .OrderBy(g => g.SourceFile, StringComparer.Ordinal).ThenBy(g => g.FirstLine).ToList();
        var byKey = new Dictionary<string, List<Group>>(StringComparer.Ordinal);
        foreach (var group in groups)
        {
            foreach (var key in group.Keys)
            {
                if (!byKey.TryGetValue(key, out var list))
                {
                    byKey[key] = list = [];
                }

                list.Add(group);
            }
        }

        // A canonical order, so that the files' order never changes which deposit takes which detail.
        deposits.Sort(static (a, b) =>
        {
            var c = a.Date.CompareTo(b.Date);
            c = c != 0 ? c : string.CompareOrdinal(a.Deposit.Currency, b.Deposit.Currency);
            c = c != 0 ? c : a.Deposit.AmountMinor.CompareTo(b.Deposit.AmountMinor);
            c = c != 0 ? c : string.CompareOrdinal(a.Deposit.PaymentRef, b.Deposit.PaymentRef);
            c = c != 0 ? c : string.CompareOrdinal(a.Deposit.SourceFile, b.Deposit.SourceFile);
            return c != 0 ? c : a.Deposit.LineNumber.CompareTo(b.Deposit.LineNumber);
        });

        foreach (var deposit in deposits)
        {
            var seen = new HashSet<Group>(ReferenceEqualityComparer.Instance);
            foreach (var key in deposit.Keys)
            {
                foreach (var group in byKey.GetValueOrDefault(key) ?? [])
                {
                    if (group.Date == deposit.Date && group.Currency == deposit.Deposit.Currency)
                    {
                        if (seen.Add(group))
                        {
                            deposit.Groups.Add(group);
                        }

                        if (!IsPayerAssigned(key))
                        {
                            deposit.Named.Add(group);
                        }
                    }
                }
            }

            deposit.Groups.Sort(static (a, b) => a.SourceFile != b.SourceFile ? string.CompareOrdinal(a.SourceFile, b.SourceFile) : a.FirstLine.CompareTo(b.FirstLine));
        }

        var matches = new List<DepositMatch>();
        var lumps = deposits.Where(d => !d.IsItem).ToList();
        ReconcileItems(deposits.Where(d => d.IsItem));

        // First a whole lockbox or entry of exactly the deposit's amount, then a single batch of it (a bank that
        // deposits batch by batch); what is left, with lockbox or reference and date agreeing, differs.
        foreach (var deposit in lumps)
        {
            if (deposit.Groups.FirstOrDefault(g => !g.Taken && g.TakenBatches == 0 && g.Total == deposit.Deposit.AmountMinor) is { } whole)
            {
                whole.Taken = true;
                deposit.Match = new DepositMatch(deposit.Deposit, DepositStatus.Reconciled, whole.Detail());
            }
        }

        foreach (var deposit in lumps.Where(d => d.Match is null))
        {
            var batch = deposit.Groups.Where(g => !g.Taken).SelectMany(g => g.Batches.Values)
                .FirstOrDefault(b => !b.Taken && b.Total == deposit.Deposit.AmountMinor);
            if (batch is not null)
            {
                batch.Taken = true;
                batch.Parent!.TakenBatches++;
                deposit.Match = new DepositMatch(deposit.Deposit, DepositStatus.Reconciled, batch.Detail());
            }
        }

        foreach (var deposit in deposits)
        {
            // Only a detail the bank's own reference names can differ: a payer's batch id may be another payer's too.
            var named = deposit.Groups.Where(deposit.Named.Contains).ToList();
            if (deposit.Match is null && !deposit.IsItem && named.Count > 0)
            {
                // The batches other deposits left may be exactly this one's: then it is the rest of the lockbox.
                var group = named.FirstOrDefault(g => !g.Taken) ?? named[0];
                var rest = group.Remainder();
                var agrees = rest.Count > 0 && rest.TotalMinor == deposit.Deposit.AmountMinor;
                if (agrees)
                {
                    group.TakeRest();
                }

                deposit.Match = new DepositMatch(deposit.Deposit, agrees ? DepositStatus.Reconciled : DepositStatus.Differing, rest);
            }

            if (deposit.Match is { } match)
            {
                matches.Add(match);
            }
        }

        return new DepositReconciliation(matches);
    }

    /// <summary>
    /// True for a credit that is a deposit whose detail comes in another file (a BAI2 lockbox deposit 115 or item
    /// 116, a camt.053 entry booked without details that names an entry): what <see cref="Reconcile"/> holds against
    /// detail. The served store holds such a credit until its detail arrives instead of matching it as a payment.
    /// </summary>
    public static bool IsDeposit(BankTransaction transaction)
    {
        ArgumentNullException.ThrowIfNull(transaction);
        return transaction.Format switch
        {
            BankFileFormat.Bai2 => transaction is { Direction: Direction.Credit, IsPayment: true, TypeCode: Bai2LockboxDeposit or Bai2LockboxItem, ValueDate: not null },
            BankFileFormat.Camt053 => transaction is { Direction: Direction.Credit, IsPayment: true } && transaction.Extra.ContainsKey("without_details")
                && CamtDate(transaction) is not null && EntryKeys(transaction).Count > 0,
            _ => false,
        };
    }

    /// <summary>
    /// Where a transaction of a detail file (a lockbox check, a camt.054 transaction) belongs: its lockbox or entry
    /// (as <see cref="DepositDetail.Key"/> names it), its batch (lockbox) and its date; null for any other.
    /// </summary>
    public static (string Key, string? Batch, DateOnly Date)? DetailOf(BankTransaction transaction)
    {
        ArgumentNullException.ThrowIfNull(transaction);
        switch (transaction.Format)
        {
            case BankFileFormat.Lockbox when transaction is { Direction: Direction.Credit, ValueDate: { } date } && SplitCheckRef(transaction.PaymentRef) is { } check:
                return (check.Lockbox, check.Batch, date);
            case BankFileFormat.Camt054 when CamtDate(transaction) is { } date && EntryKeys(transaction).Count > 0:
                var t = transaction.Extra;
                var name = t.GetValueOrDefault("entry_account_servicer_ref") ?? t.GetValueOrDefault("entry_ref")
                    ?? t.GetValueOrDefault("batch_payment_information_id") ?? t.GetValueOrDefault("batch_message_id")!;
                return (name, null, date);
            default:
                return null;
        }
    }

    /// <summary>The date a deposit is held against its detail by: the camt booking date (else value date), the BAI2 as-of date.</summary>
    public static DateOnly? DepositDate(BankTransaction transaction)
    {
        ArgumentNullException.ThrowIfNull(transaction);
        return transaction.Format is BankFileFormat.Camt053 or BankFileFormat.Camt054 ? CamtDate(transaction) : transaction.ValueDate;
    }

    /// <summary>
    /// True when <see cref="Reconcile"/>, <see cref="IsDeposit"/> or <see cref="DetailOf"/> may read
    /// <paramref name="transaction"/>'s <see cref="BankTransaction.Extra"/>: a BAI2 lockbox deposit or item, a camt.053
    /// credit booked without details, any camt.054 transaction. Every other transaction is reconciled the same with an
    /// empty <c>Extra</c>, so a caller that keeps the day's transactions to reconcile them can drop theirs
    /// (<see cref="BankFileReadOptions.KeepExtra"/>). Not <see cref="DepositDate"/>, which reads the booking date of
    /// every camt transaction (the store's).
    /// </summary>
    public static bool ReadsExtra(BankTransaction transaction)
    {
        ArgumentNullException.ThrowIfNull(transaction);
        return transaction.Format switch
        {
            BankFileFormat.Bai2 => transaction is { Direction: Direction.Credit, IsPayment: true, TypeCode: Bai2LockboxDeposit or Bai2LockboxItem },
            BankFileFormat.Camt053 => transaction is { Direction: Direction.Credit, IsPayment: true } && transaction.Extra.ContainsKey("without_details"),
            BankFileFormat.Camt054 => true,
            _ => false,
        };
    }

    /// <summary>The <see cref="BankTransaction.Extra"/> fields reconciliation reads: what a store keeps to reconcile later.</summary>
    public static IReadOnlyList<string> ExtraFields { get; } =
    [
        "customer_ref", "raw_text", "without_details", "booking_date", "statement_id",
        "entry_account_servicer_ref", "entry_ref", "batch_payment_information_id", "batch_message_id",
    ];

    /// <summary>
    /// Items of a lockbox deposit (BAI2 116), each one check: held against a check of the lockbox it names, on its
    /// date, of its amount. The checks are a pool of their own: a bank that reports the deposit (115) and its items
    /// (116) both has each reconciled. Two checks of one amount are one cash: either may answer.
    /// </summary>
    private static void ReconcileItems(IEnumerable<Candidate> items)
    {
        foreach (var item in items)
        {
            var lockboxes = item.Groups.Where(g => g.Kind == DepositDetailKind.Lockbox).ToList();
            if (lockboxes.Count == 0)
            {
                continue;
            }

            var slot = lockboxes.SelectMany(g => g.Checks).FirstOrDefault(c => !c.TakenByItem && c.Check.AmountMinor == item.Deposit.AmountMinor);
            if (slot is null)
            {
                item.Match = new DepositMatch(item.Deposit, DepositStatus.Differing, lockboxes[0].Detail());
                continue;
            }

            slot.TakenByItem = true;
            var check = slot.Check;
            var lockbox = lockboxes.First(g => g.Checks.Contains(slot));
            item.Match = new DepositMatch(item.Deposit, DepositStatus.Reconciled,
                new DepositDetail(DepositDetailKind.LockboxCheck, check.SourceFile, lockbox.Key, slot.Batch, lockbox.Date, check.Currency, check.AmountMinor, 1, check.LineNumber));
        }
    }

    /// <summary>
    /// The lockbox and batch of a lockbox check's reference, LOCKBOX-BATCH-ITEM (CONTRACT.md): the batch and item
    /// are the last two parts, so a lockbox number with a dash in it still comes out whole.
    /// </summary>
    internal static (string Lockbox, string Batch)? SplitCheckRef(string paymentRef)
    {
        var last = paymentRef.LastIndexOf('-');
        var middle = last > 0 ? paymentRef.LastIndexOf('-', last - 1) : -1;
        return middle > 0 ? (paymentRef[..middle], paymentRef[(middle + 1)..last]) : null;
    }

    /// <summary>
    /// A lockbox number as compared: upper case letters and digits, leading zeros dropped from an all-digit number
    /// (a bank prints lockbox <c>0012345</c> as <c>12345</c> as often as not).
    /// </summary>
    public static string NormalizeLockbox(ReadOnlySpan<char> number)
    {
        var text = new string(number).Trim().ToUpperInvariant();
        if (text.Length > 0 && text.All(char.IsAsciiDigit))
        {
            text = text.TrimStart('0');
            return text.Length == 0 ? "0" : text;
        }

        return text;
    }

    /// <summary>
    /// The lockbox numbers a BAI2 deposit may name: every word of its bank reference, customer reference and text
    /// (<c>LOCKBOX 0012345</c>), and every run of digits inside a word (<c>LBX0012345</c>, <c>0012345-01</c>).
    /// </summary>
    private static List<string> LockboxTokens(BankTransaction t)
    {
        var keys = new List<string>();
        void Scan(string? text)
        {
            if (string.IsNullOrEmpty(text))
            {
                return;
            }

            var span = text.AsSpan();
            var i = 0;
            while (i < span.Length)
            {
                if (!char.IsAsciiLetterOrDigit(span[i]))
                {
                    i++;
                    continue;
                }

                var start = i;
                while (i < span.Length && char.IsAsciiLetterOrDigit(span[i]))
                {
                    i++;
                }

                var word = span[start..i];
                keys.Add(LockboxKey(NormalizeLockbox(word)));
                for (var j = 0; j < word.Length;)
                {
                    if (!char.IsAsciiDigit(word[j]))
                    {
                        j++;
                        continue;
                    }

                    var digits = j;
                    while (j < word.Length && char.IsAsciiDigit(word[j]))
                    {
                        j++;
                    }

                    if (digits > 0 || j < word.Length)
                    {
                        keys.Add(LockboxKey(NormalizeLockbox(word[digits..j])));
                    }
                }
            }
        }

        Scan(t.PaymentRef);
        Scan(t.Extra.GetValueOrDefault("customer_ref"));
        Scan(t.Extra.GetValueOrDefault("raw_text") ?? t.FreeText);
        return keys;
    }

    private static string LockboxKey(string normalized) => "lockbox:" + normalized;

    /// <summary>The references a camt entry is known by, each tagged with what it is, so that only like meets like.</summary>
    private static List<string> EntryKeys(BankTransaction t)
    {
        var keys = new List<string>(4);
        foreach (var (field, tag) in EntryKeyFields)
        {
            if (t.Extra.TryGetValue(field, out var value) && value.Trim() is { Length: > 0 } trimmed)
            {
                keys.Add(tag + trimmed);
            }
        }

        return keys;
    }

    /// <summary>True for a key the payer assigned (a batch's <c>PmtInfId</c> or <c>MsgId</c>): unique to the payer only.</summary>
    private static bool IsPayerAssigned(string key) => key.StartsWith(PaymentInformationTag, StringComparison.Ordinal) || key.StartsWith(MessageTag, StringComparison.Ordinal);

    private const string PaymentInformationTag = "pmtinfid:";
    private const string MessageTag = "msgid:";

    private static readonly (string Field, string Tag)[] EntryKeyFields =
    [
        ("entry_account_servicer_ref", "acctsvcrref:"),
        ("entry_ref", "ntryref:"),
        ("batch_payment_information_id", PaymentInformationTag),
        ("batch_message_id", MessageTag),
    ];

    /// <summary>The booking date, else the value date: a deposit and its notification are booked on one day.</summary>
    private static DateOnly? CamtDate(BankTransaction t) =>
        t.Extra.TryGetValue("booking_date", out var text) && DateOnly.TryParseExact(text, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var date)
            ? date
            : t.ValueDate;

    private static void AddCheck(Dictionary<(string, DateOnly, string), Group> lockboxes, BankTransaction check, string lockbox, string batch, DateOnly date)
    {
        var key = (NormalizeLockbox(lockbox), date, check.Currency);
        if (!lockboxes.TryGetValue(key, out var group))
        {
            lockboxes[key] = group = new Group(DepositDetailKind.Lockbox, lockbox, null, date, check.Currency, [LockboxKey(NormalizeLockbox(lockbox))]);
        }

        group.Spelled(lockbox);
        group.Add(check);
        group.Checks.Add(new CheckSlot(check, batch));
        if (!group.Batches.TryGetValue(batch, out var part))
        {
            group.Batches[batch] = part = new Group(DepositDetailKind.LockboxBatch, lockbox, batch, date, check.Currency, []) { Parent = group };
        }

        part.Spelled(lockbox);
        part.Add(check);
    }

    private static void AddEntryTransaction(Dictionary<(string?, string?, string?, DateOnly, string), Group> entries, BankTransaction t, DateOnly date, List<string> keys)
    {
        var key = (t.Extra.GetValueOrDefault("statement_id"), t.Extra.GetValueOrDefault("entry_account_servicer_ref"), t.Extra.GetValueOrDefault("entry_ref"), date, t.Currency);
        if (!entries.TryGetValue(key, out var group))
        {
            var name = t.Extra.GetValueOrDefault("entry_account_servicer_ref") ?? t.Extra.GetValueOrDefault("entry_ref")
                ?? t.Extra.GetValueOrDefault("batch_payment_information_id") ?? t.Extra.GetValueOrDefault("batch_message_id")!;
            entries[key] = group = new Group(DepositDetailKind.Notification, name, null, date, t.Currency, keys);
        }

        // A booked credit is the deposit's money and a debit of a netted batch takes from it. A credit that is not
        // booked (pending, a reversal, a return) would leave the deposit's money with nobody: no reconciling then.
        if (t.Direction == Direction.Credit && !t.IsPayment || t.Extra.ContainsKey("without_details"))
        {
            group.Usable = false;
        }

        group.Add(t, t.Direction == Direction.Credit ? t.AmountMinor : -t.AmountMinor);
    }

    /// <summary>One check of a lockbox, and whether an item (116) has been reconciled with it.</summary>
    private sealed class CheckSlot(BankTransaction check, string batch)
    {
        public BankTransaction Check { get; } = check;

        public string Batch { get; } = batch;

        public bool TakenByItem { get; set; }
    }

    /// <summary>A deposit credit, its date and keys, the detail groups it may belong to, and what it came to.</summary>
    private sealed class Candidate(BankTransaction deposit, DateOnly date, List<string> keys)
    {
        public BankTransaction Deposit { get; } = deposit;

        public DateOnly Date { get; } = date;

        public List<string> Keys { get; } = keys;

        public List<Group> Groups { get; } = [];

        /// <summary>The groups a bank-assigned key (lockbox number, entry reference) names, not only a payer's batch id.</summary>
        public HashSet<Group> Named { get; } = new(ReferenceEqualityComparer.Instance);

        public DepositMatch? Match { get; set; }

        /// <summary>A BAI2 116: one check of a lockbox deposit, held against one check.</summary>
        public bool IsItem { get; init; }
    }

    /// <summary>
    /// The detail of one lockbox, batch or camt.054 entry, as it is collected and taken: from one file or several. It is
    /// named by its first file in ordinal order and its first line there, whatever order the transactions came in.
    /// </summary>
    private sealed class Group(DepositDetailKind kind, string key, string? batch, DateOnly date, string currency, List<string> keys)
    {
        private readonly SortedSet<string> _files = new(StringComparer.Ordinal);

        public string SourceFile => _files.Min ?? string.Empty;

        public DateOnly Date { get; } = date;

        public string Currency { get; } = currency;

        public long FirstLine { get; private set; }

        public List<string> Keys { get; } = keys;

        public long Total { get; private set; }

        public int Count { get; private set; }

        public bool Usable { get; set; } = true;

        public bool Taken { get; set; }

        public int TakenBatches { get; set; }

        public Group? Parent { get; init; }

        public SortedDictionary<string, Group> Batches { get; } = new(StringComparer.Ordinal);

        public List<CheckSlot> Checks { get; } = [];

        public DepositDetailKind Kind { get; } = kind;

        /// <summary>The lockbox or entry as the detail writes it; of two spellings of one lockbox (<c>0012345</c>, <c>12345</c>), the first in ordinal order.</summary>
        public string Key { get; private set; } = key;

        public void Spelled(string key)
        {
            if (string.CompareOrdinal(key, Key) < 0)
            {
                Key = key;
            }
        }

        public void Add(BankTransaction t) => Add(t, t.AmountMinor);

        public void Add(BankTransaction t, long amountMinor)
        {
            var first = _files.Count == 0 || string.CompareOrdinal(t.SourceFile, SourceFile) < 0;
            _files.Add(t.SourceFile);
            if (first || t.SourceFile == SourceFile && t.LineNumber < FirstLine)
            {
                FirstLine = t.LineNumber;
            }

            Total = checked(Total + amountMinor);
            Count++;
        }

        public DepositDetail Detail() => new(Kind, SourceFile, Key, batch, Date, Currency, Total, Count, FirstLine) { Files = [.. _files] };

        /// <summary>Takes what no other deposit took.</summary>
        public void TakeRest()
        {
            foreach (var batch in Batches.Values.Where(b => !b.Taken))
            {
                batch.Taken = true;
                TakenBatches++;
            }

            Taken = Batches.Count == 0;
        }

        /// <summary>What no other deposit took: the whole, or the batches left, or nothing when another took it all.</summary>
        public DepositDetail Remainder()
        {
            if (Taken)
            {
                return Detail() with { TotalMinor = 0, Count = 0 };
            }

            var left = Batches.Values.Where(b => !b.Taken).ToList();
            return TakenBatches == 0
                ? Detail()
                : Rest(left);
        }

        private DepositDetail Rest(List<Group> left)
        {
            var first = left.OrderBy(b => b.SourceFile, StringComparer.Ordinal).ThenBy(b => b.FirstLine).FirstOrDefault();
            return Detail() with
            {
                TotalMinor = left.Sum(b => b.Total),
                Count = left.Sum(b => b.Count),
                SourceFile = first?.SourceFile ?? SourceFile,
                LineNumber = first?.FirstLine ?? FirstLine,
                Files = first is null ? [.. _files] : [.. left.SelectMany(b => b._files).Distinct().Order(StringComparer.Ordinal)],
            };
        }
    }
}
