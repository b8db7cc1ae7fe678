using CashApp.Engine.Model;

namespace CashApp.Store;

/// <summary>A person who signs in to the worklist: a specialist or an admin. Machines use API keys instead.</summary>
/// <param name="Name">The sign-in name; also what the worklist shows as assignee.</param>
/// <param name="Role">The role's name as key files write it (<c>specialist</c> or <c>admin</c>).</param>
/// <param name="PasswordHash">ASP.NET Core Identity's password hash (version 3 format): never the password.</param>
/// <param name="FailedSignIns">Failed sign-ins since the last success.</param>
/// <param name="LockedUntil">No sign-in is accepted before this time, right password or not.</param>
public sealed record StoredUser(string Name, string Role, string PasswordHash, int FailedSignIns, DateTimeOffset? LockedUntil, DateTimeOffset CreatedAt);

/// <summary>How the worklist is ordered.</summary>
public enum WorklistSort
{
    /// <summary>Oldest first (by when the exception was raised).</summary>
    Age,

    /// <summary>By the payment's amount.</summary>
    PaymentAmount,

    /// <summary>By the unapplied amount.</summary>
    Unapplied,

    /// <summary>By the payer's name as printed.</summary>
    Payer,

    /// <summary>By currency.</summary>
    Currency,
}

/// <summary>
/// The worklist's filter: every field narrows, null means any. Paging is by offset, so a page number and a
/// count of pages can be shown; the order always ends on the exception id, so pages never overlap.
/// </summary>
public sealed record WorklistQuery
{
    /// <summary>Only this status; any when null.</summary>
    public ExceptionStatus? Status { get; init; } = ExceptionStatus.Open;

    /// <summary>Only this reason.</summary>
    public ExceptionReason? Reason { get; init; }

    /// <summary>Only exceptions assigned to this person.</summary>
    public string? Assignee { get; init; }

    /// <summary>Only exceptions assigned to nobody.</summary>
    public bool Unassigned { get; init; }

    /// <summary>Only this ISO 4217 currency.</summary>
    public string? Currency { get; init; }

    /// <summary>Only an unapplied amount of at least this, in minor units.</summary>
    public long? MinUnappliedMinor { get; init; }

    /// <summary>Only an unapplied amount of at most this, in minor units.</summary>
    public long? MaxUnappliedMinor { get; init; }

    /// <summary>Only exceptions at least this old.</summary>
    public TimeSpan? MinAge { get; init; }

    /// <summary>Only exceptions at most this old.</summary>
    public TimeSpan? MaxAge { get; init; }

    /// <summary>Text found (ignoring case) in the payer's name, the payment reference, the free text or the remittance lines.</summary>
    public string? Text { get; init; }

    /// <summary>The order.</summary>
    public WorklistSort Sort { get; init; } = WorklistSort.Age;

    /// <summary>Descending instead of ascending.</summary>
    public bool Descending { get; init; }

    /// <summary>Rows to skip.</summary>
    public int Skip { get; init; }

    /// <summary>Page size, 1 to 500.</summary>
    public int Take { get; init; } = 50;
}

/// <summary>One line of the worklist: the exception with what a specialist needs to see of its payment and file.</summary>
public sealed record WorklistRow(StoredExceptionCase Exception, string? PayerAccount, string? FreeText, string BankFileName, long LineNumber);

/// <summary>A page of the worklist with the count of every exception the filter matches, by reason.</summary>
public sealed record WorklistPage(IReadOnlyList<WorklistRow> Rows, long TotalCount, IReadOnlyDictionary<ExceptionReason, long> CountByReason);

/// <summary>What to do with what is left of a payment after the items chosen are applied.</summary>
public enum RestDisposition
{
    /// <summary>Nothing may be left: the allocations must add up to the unapplied amount exactly.</summary>
    MustBalance,

    /// <summary>Leave the rest on the customer's account.</summary>
    LeaveOnAccount,

    /// <summary>Write the rest off with a reason code, up to a limit.</summary>
    WriteOff,

    /// <summary>Send the rest back to the payer.</summary>
    Refund,

    /// <summary>The payment is not a customer's (only with no allocations).</summary>
    NotACustomerPayment,
}

/// <summary>
/// A specialist's decision on an exception, made at once: apply these amounts to these items, and dispose of
/// the rest as <see cref="Rest"/> says. Either all of it happens or none.
/// </summary>
public sealed record DecisionRequest
{
    /// <summary>The exception.</summary>
    public required long ExceptionId { get; init; }

    /// <summary>The row version the specialist saw.</summary>
    public required long ExpectedRowVersion { get; init; }

    /// <summary>The items and amounts (negative for a credit memo taken); each item once.</summary>
    public IReadOnlyList<ItemAllocation> Allocations { get; init; } = [];

    /// <summary>What happens to the rest.</summary>
    public RestDisposition Rest { get; init; } = RestDisposition.MustBalance;

    /// <summary>For a write-off: the reason code (for example <c>bank_fee</c>, <c>small_difference</c>).</summary>
    public string? ReasonCode { get; init; }

    /// <summary>For a write-off: the largest rest that may be written off, in minor units (the policy's tolerance).</summary>
    public long WriteOffLimitMinor { get; init; }

    /// <summary>Who decided.</summary>
    public required string Actor { get; init; }

    /// <summary>Why, in the specialist's words.</summary>
    public required string Reason { get; init; }

    /// <summary>What the decision teaches about who pays, learnt in the decision's own transaction; null learns nothing.</summary>
    public ResolutionLearning? Learn { get; init; }
}

/// <summary>Reopens a resolved exception: its applications are reversed by new, opposite applications; nothing is deleted.</summary>
public sealed record ReopenRequest
{
    /// <summary>The exception.</summary>
    public required long ExceptionId { get; init; }

    /// <summary>The row version the caller saw.</summary>
    public required long ExpectedRowVersion { get; init; }

    /// <summary>Who reopened it.</summary>
    public required string Actor { get; init; }

    /// <summary>Why.</summary>
    public required string Reason { get; init; }
}

/// <summary>A search of open items: by text (item id, invoice or PO number, customer name) and or amount, within a payer family.</summary>
public sealed record ItemSearchQuery
{
    /// <summary>The family: this customer's parent and its subsidiaries (or the customer and its subsidiaries); any customer when null.</summary>
    public string? FamilyOf { get; init; }

    /// <summary>Text found, ignoring case, in the item id, invoice or PO number, or customer name.</summary>
    public string? Text { get; init; }

    /// <summary>Only items whose remaining amount is exactly this.</summary>
    public long? AmountMinor { get; init; }

    /// <summary>Only items in this currency.</summary>
    public string? Currency { get; init; }

    /// <summary>Rows to skip.</summary>
    public int Skip { get; init; }

    /// <summary>At most this many, 1 to 200.</summary>
    public int Take { get; init; } = 25;
}

/// <summary>One event in an exception's history.</summary>
/// <param name="Action">raised, exception.assign, exception.resolve, exception.note, exception.reopen.</param>
public sealed record ExceptionEvent(DateTimeOffset At, string Actor, string Action, string? Reason, string? After);

/// <summary>One day's bank files and how much of it matching applied without a specialist.</summary>
public sealed record DayFigure(DateOnly Day, int Files, int Payments, int PaymentsFullyApplied)
{
    /// <summary>The automatic rate: share of payments applied in full by matching.</summary>
    public double AutoRate => Payments == 0 ? 0 : (double)PaymentsFullyApplied / Payments;
}
