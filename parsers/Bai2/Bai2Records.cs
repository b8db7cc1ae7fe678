using CashApp.Parsers.Common;

namespace CashApp.Parsers.Bai2;

/// <summary>The record types of a BAI2 file; the value is the two-digit record code.</summary>
public enum Bai2RecordCode
{
    /// <summary>No record.</summary>
    None = 0,

    /// <summary><c>01</c>: one per file.</summary>
    FileHeader = 1,

    /// <summary><c>02</c>: starts a group of accounts sharing an originator and as-of date.</summary>
    GroupHeader = 2,

    /// <summary><c>03</c>: starts an account, with its balances and summaries.</summary>
    AccountIdentifier = 3,

    /// <summary><c>16</c>: one transaction.</summary>
    TransactionDetail = 16,

    /// <summary><c>49</c>: ends an account.</summary>
    AccountTrailer = 49,

    /// <summary><c>88</c>: continues the record before it; never a record on its own in this reader's output.</summary>
    Continuation = 88,

    /// <summary><c>98</c>: ends a group.</summary>
    GroupTrailer = 98,

    /// <summary><c>99</c>: ends the file.</summary>
    FileTrailer = 99,
}

/// <summary>When the money of an amount is available (the BAI2 funds type).</summary>
public enum Bai2FundsType
{
    /// <summary>Blank: not given.</summary>
    NotGiven,

    /// <summary><c>0</c>: immediate availability.</summary>
    Immediate,

    /// <summary><c>1</c>: one-day availability.</summary>
    OneDay,

    /// <summary><c>2</c>: two or more days.</summary>
    TwoOrMoreDays,

    /// <summary><c>Z</c>: unknown (the default).</summary>
    Unknown,

    /// <summary><c>V</c>: value dated, with a value date and optional time.</summary>
    ValueDated,

    /// <summary><c>S</c>: distributed over immediate, one-day and two-or-more-day amounts.</summary>
    Distributed,

    /// <summary><c>D</c>: distributed by days, as a number of (days, amount) pairs.</summary>
    DistributedByDays,
}

/// <summary>One (days, amount) pair of funds type <c>D</c>.</summary>
public readonly record struct Bai2Distribution(int Days, long Amount);

/// <summary>The funds type of an amount and the availability fields that go with it.</summary>
public readonly record struct Bai2Availability
{
    /// <summary>The funds type.</summary>
    public Bai2FundsType FundsType { get; init; }

    /// <summary>Value date of funds type <c>V</c>.</summary>
    public DateOnly? ValueDate { get; init; }

    /// <summary>Value time of funds type <c>V</c>, when given (end of day is 23:59:59.9999999).</summary>
    public TimeOnly? ValueTime { get; init; }

    /// <summary>Immediate amount of funds type <c>S</c>, when given.</summary>
    public long? Immediate { get; init; }

    /// <summary>One-day amount of funds type <c>S</c>, when given.</summary>
    public long? OneDay { get; init; }

    /// <summary>Two-or-more-day amount of funds type <c>S</c>, when given.</summary>
    public long? TwoOrMoreDays { get; init; }

    /// <summary>The (days, amount) pairs of funds type <c>D</c>; empty otherwise.</summary>
    public IReadOnlyList<Bai2Distribution> Distributions
    {
        get => distributions ?? [];
        init => distributions = value;
    }

    private readonly IReadOnlyList<Bai2Distribution>? distributions;
}

/// <summary>Status of a group (02 field 3).</summary>
public enum Bai2GroupStatus
{
    /// <summary><c>1</c>: update.</summary>
    Update = 1,

    /// <summary><c>2</c>: deletion.</summary>
    Deletion = 2,

    /// <summary><c>3</c>: correction.</summary>
    Correction = 3,

    /// <summary><c>4</c>: test only.</summary>
    TestOnly = 4,
}

/// <summary>The as-of-date modifier of a group (02 field 7).</summary>
public enum Bai2AsOfDateModifier
{
    /// <summary>Blank.</summary>
    NotGiven = 0,

    /// <summary><c>1</c>: interim previous-day data.</summary>
    InterimPreviousDay = 1,

    /// <summary><c>2</c>: final previous-day data.</summary>
    FinalPreviousDay = 2,

    /// <summary><c>3</c>: interim same-day data.</summary>
    InterimSameDay = 3,

    /// <summary><c>4</c>: final same-day data.</summary>
    FinalSameDay = 4,
}

/// <summary>One record of a BAI2 file as the typed record API gives it; continuations are already joined.</summary>
public abstract record Bai2Record
{
    /// <summary>1-based physical line where the record starts.</summary>
    public required long LineNumber { get; init; }

    /// <summary>The record code.</summary>
    public abstract Bai2RecordCode Code { get; }
}

/// <summary>The <c>01</c> file header.</summary>
public sealed record Bai2FileHeader(
    string Sender,
    string Receiver,
    DateOnly CreationDate,
    TimeOnly? CreationTime,
    string FileId,
    int? PhysicalRecordLength,
    int? BlockSize,
    int Version) : Bai2Record
{
    /// <inheritdoc/>
    public override Bai2RecordCode Code => Bai2RecordCode.FileHeader;
}

/// <summary>The <c>02</c> group header.</summary>
/// <param name="UltimateReceiver">Field 1, when given.</param>
/// <param name="Originator">Field 2: the bank that reports.</param>
/// <param name="Status">Field 3.</param>
/// <param name="AsOfDate">Field 4.</param>
/// <param name="AsOfTime">Field 5 when it is a time of day; null when blank or end of day.</param>
/// <param name="AsOfEndOfDay">True when field 5 is 2400 or 9999 (end of day).</param>
/// <param name="Currency">Field 6, when given.</param>
/// <param name="Modifier">Field 7.</param>
public sealed record Bai2GroupHeader(
    string? UltimateReceiver,
    string Originator,
    Bai2GroupStatus Status,
    DateOnly AsOfDate,
    TimeOnly? AsOfTime,
    bool AsOfEndOfDay,
    string? Currency,
    Bai2AsOfDateModifier Modifier) : Bai2Record
{
    /// <inheritdoc/>
    public override Bai2RecordCode Code => Bai2RecordCode.GroupHeader;
}

/// <summary>One balance or summary of an <c>03</c> record.</summary>
/// <param name="TypeCode">The type code; null when the summary is blank.</param>
/// <param name="Amount">The amount, signed, in minor units; null when blank.</param>
/// <param name="ItemCount">The item count; null when blank.</param>
/// <param name="Availability">Funds type and availability.</param>
public readonly record struct Bai2AccountSummary(Bai2TypeCode? TypeCode, long? Amount, int? ItemCount, Bai2Availability Availability);

/// <summary>The <c>03</c> account identifier with its balances and summaries.</summary>
/// <param name="AccountNumber">The customer account number.</param>
/// <param name="CurrencyGiven">The currency code in the record, when given.</param>
/// <param name="Currency">The account's currency: the record's, else the group's, else the reader's default.</param>
/// <param name="Summaries">The balances and summaries in file order.</param>
public sealed record Bai2AccountIdentifier(
    string AccountNumber,
    string? CurrencyGiven,
    string Currency,
    IReadOnlyList<Bai2AccountSummary> Summaries) : Bai2Record
{
    /// <inheritdoc/>
    public override Bai2RecordCode Code => Bai2RecordCode.AccountIdentifier;
}

/// <summary>The <c>16</c> transaction detail, with the text of its <c>88</c> continuations joined on.</summary>
/// <param name="TypeCode">The type code.</param>
/// <param name="Amount">The amount, unsigned, in minor units of the account's currency.</param>
/// <param name="Currency">The account's currency.</param>
/// <param name="Availability">Funds type and availability.</param>
/// <param name="BankReference">The bank reference number, when given.</param>
/// <param name="CustomerReference">The customer reference number, when given.</param>
/// <param name="Text">The text, verbatim, continuations joined with nothing between them.</param>
public sealed record Bai2TransactionDetail(
    Bai2TypeCode TypeCode,
    long Amount,
    string Currency,
    Bai2Availability Availability,
    string? BankReference,
    string? CustomerReference,
    string Text) : Bai2Record
{
    /// <inheritdoc/>
    public override Bai2RecordCode Code => Bai2RecordCode.TransactionDetail;

    /// <summary>Credit or debit, from the type code; null for a code without a direction.</summary>
    public Direction? Direction => TypeCode.Direction;
}

/// <summary>The <c>49</c> account trailer.</summary>
public sealed record Bai2AccountTrailer(long ControlTotal, int RecordCount) : Bai2Record
{
    /// <inheritdoc/>
    public override Bai2RecordCode Code => Bai2RecordCode.AccountTrailer;
}

/// <summary>The <c>98</c> group trailer; <see cref="AccountCount"/> is null for a two-field trailer (lenient mode).</summary>
public sealed record Bai2GroupTrailer(long ControlTotal, int? AccountCount, int RecordCount) : Bai2Record
{
    /// <inheritdoc/>
    public override Bai2RecordCode Code => Bai2RecordCode.GroupTrailer;
}

/// <summary>The <c>99</c> file trailer.</summary>
public sealed record Bai2FileTrailer(long ControlTotal, int GroupCount, int RecordCount) : Bai2Record
{
    /// <inheritdoc/>
    public override Bai2RecordCode Code => Bai2RecordCode.FileTrailer;
}
