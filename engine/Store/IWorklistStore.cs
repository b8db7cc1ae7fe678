using CashApp.Engine.Model;

namespace CashApp.Store;

/// <summary>
/// What the specialists' worklist needs of the store beyond <see cref="ICashStore"/>: people who sign in,
/// the filtered and sorted queue, decisions that apply and dispose of the rest at once, reopening, notes
/// and history. Every store implements it.
/// </summary>
public interface IWorklistStore
{
    /// <summary>Adds a person; false when the name is taken.</summary>
    Task<bool> AddUserAsync(string name, string role, string passwordHash, string actor, CancellationToken cancellationToken = default);

    /// <summary>A person by name (exact), or null.</summary>
    Task<StoredUser?> FindUserAsync(string name, CancellationToken cancellationToken = default);

    /// <summary>Every person, by name.</summary>
    Task<IReadOnlyList<StoredUser>> ListUsersAsync(CancellationToken cancellationToken = default);

    /// <summary>Counts a failed sign-in; at <paramref name="maxFailures"/> failures the person is locked until <paramref name="lockUntil"/>.</summary>
    Task RecordSignInFailureAsync(string name, int maxFailures, DateTimeOffset lockUntil, CancellationToken cancellationToken = default);

    /// <summary>Clears the failures after a successful sign-in, and stores a rehashed password when given.</summary>
    Task RecordSignInSuccessAsync(string name, string? rehashedPassword, CancellationToken cancellationToken = default);

    /// <summary>A page of the worklist, with counts.</summary>
    Task<WorklistPage> ListWorklistAsync(WorklistQuery query, CancellationToken cancellationToken = default);

    /// <summary>Open items found by text and or amount, within a family, by item id.</summary>
    Task<IReadOnlyList<StoredOpenItem>> SearchOpenItemsAsync(ItemSearchQuery query, CancellationToken cancellationToken = default);

    /// <summary>Applies the allocations and disposes of the rest in one transaction, under the row-version rule.</summary>
    Task<ResolveResult> DecideAsync(DecisionRequest request, CancellationToken cancellationToken = default);

    /// <summary>Reopens an exception, reversing the applications its decisions made.</summary>
    Task<ResolveResult> ReopenExceptionAsync(ReopenRequest request, CancellationToken cancellationToken = default);

    /// <summary>Adds a note to an exception's history; false when there is no such exception.</summary>
    Task<bool> AddExceptionNoteAsync(long exceptionId, string actor, string note, CancellationToken cancellationToken = default);

    /// <summary>An exception's history, oldest first, starting with its raising.</summary>
    Task<IReadOnlyList<ExceptionEvent>> ListExceptionHistoryAsync(long exceptionId, CancellationToken cancellationToken = default);

    /// <summary>Bank files, payments and payments applied in full by matching, per day of receipt, for the last <paramref name="days"/> days.</summary>
    Task<IReadOnlyList<DayFigure>> ListDailyFiguresAsync(int days, CancellationToken cancellationToken = default);

    /// <summary>Open exceptions by reason.</summary>
    Task<IReadOnlyDictionary<ExceptionReason, long>> CountOpenByReasonAsync(CancellationToken cancellationToken = default);
}
