using System.Globalization;
using CashApp.Engine.Model;
using CashApp.Store;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace CashApp.Grpc.Web.Pages;

/// <summary>
/// One exception: its payment and file, ranked suggestions, a search of the payer family's open items, a
/// selection with an amount per item that must balance, the decisions, and the history.
/// </summary>
public sealed class ExceptionModel : PageModel
{
    /// <summary>One item offered for the selection, as the form posts it back.</summary>
    public sealed class LineInput
    {
        public string ItemId { get; set; } = string.Empty;

        public bool Take { get; set; }

        public string? Amount { get; set; }
    }

    [BindProperty(SupportsGet = true, Name = "q")]
    public string? Search { get; set; }

    [BindProperty(SupportsGet = true, Name = "amount")]
    public string? SearchAmount { get; set; }

    [TempData]
    public string? Message { get; set; }

    internal StoredExceptionCase Exception { get; private set; } = null!;

    internal StoredPayment? Payment { get; private set; }

    internal StoredBankFile? BankFile { get; private set; }

    internal IReadOnlyList<StoredApplication> Applications { get; private set; } = [];

    internal IReadOnlyList<ExceptionEvent> History { get; private set; } = [];

    /// <summary>Per suggestion, why it ranks below the one above it (null for the first).</summary>
    internal IReadOnlyList<string?> WhyLower { get; private set; } = [];

    internal List<(StoredOpenItem Item, string Source, bool Take, string Amount)> Candidates { get; } = [];

    internal Customer? Family { get; private set; }

    internal string? Error { get; private set; }

    internal bool Lost { get; private set; }

    internal long WriteOffLimitMinor { get; private set; }

    internal IReadOnlyList<StoredUser> People { get; private set; } = [];

    internal DateTimeOffset Now { get; private set; }

    internal string Me => WorklistWeb.Person(User).Name;

    public async Task<IActionResult> OnGetAsync(long id, CancellationToken cancellationToken) =>
        await LoadAsync(id, null, cancellationToken).ConfigureAwait(false) ? Page() : NotFound();

    public async Task<IActionResult> OnPostDecideAsync(long id, long version, string? rest, string? reasonCode, string? reason, List<LineInput>? lines, bool? remember, CancellationToken cancellationToken)
    {
        var exception = await Actions.Store.GetExceptionAsync(id, cancellationToken).ConfigureAwait(false);
        if (exception is null)
        {
            return NotFound();
        }

        var digits = exception.Unapplied.Currency.MinorDigits;
        var allocations = new List<ItemAllocation>();
        var disposition = rest switch
        {
            "on_account" => RestDisposition.LeaveOnAccount,
            "write_off" => RestDisposition.WriteOff,
            "refund" => RestDisposition.Refund,
            "not_customer" => RestDisposition.NotACustomerPayment,
            _ => RestDisposition.MustBalance,
        };
        if (disposition != RestDisposition.NotACustomerPayment)
        {
            foreach (var line in (lines ?? []).Where(l => l.Take))
            {
                if (!Format.TryParseAmount(line.Amount, digits, out var minor))
                {
                    return await ShowAsync(id, $"The amount for item '{line.ItemId}' is not an amount: '{line.Amount}'.", false, lines, cancellationToken).ConfigureAwait(false);
                }

                allocations.Add(new ItemAllocation(line.ItemId, minor));
            }
        }

        var result = await Actions.DecideAsync(
            new DecisionRequest
            {
                ExceptionId = id,
                ExpectedRowVersion = version,
                Allocations = allocations,
                Rest = disposition,
                ReasonCode = disposition == RestDisposition.WriteOff ? reasonCode : null,
                Actor = Me,
                Reason = string.IsNullOrWhiteSpace(reason) ? DefaultReason(disposition) : reason.Trim(),
            },
            remember,
            cancellationToken).ConfigureAwait(false);
        return result.Status switch
        {
            ResolveStatus.Resolved or ResolveStatus.PartiallyApplied => Done(id, result.Message),
            ResolveStatus.Conflict => await ShowAsync(id, "Someone else changed this exception first; nothing of yours was posted. " + result.Message + " Below is how it stands now.", true, null, cancellationToken).ConfigureAwait(false),
            ResolveStatus.NotFound => NotFound(),
            _ => await ShowAsync(id, result.Message, false, lines, cancellationToken).ConfigureAwait(false),
        };
    }

    public async Task<IActionResult> OnPostAssignAsync(long id, long version, string? to, CancellationToken cancellationToken)
    {
        var assignee = to switch
        {
            null or "" or "me" => Me,
            "nobody" => null,
            _ => to,
        };
        var result = await Actions.AssignAsync(id, version, assignee, Me, cancellationToken).ConfigureAwait(false);
        return result.Status switch
        {
            UpdateStatus.Updated => Done(id, result.Message),
            UpdateStatus.Conflict => await ShowAsync(id, "Someone else changed this exception first; it was not reassigned. " + result.Message + " Below is how it stands now.", true, null, cancellationToken).ConfigureAwait(false),
            _ => NotFound(),
        };
    }

    public async Task<IActionResult> OnPostNoteAsync(long id, string? note, CancellationToken cancellationToken)
    {
        if (string.IsNullOrWhiteSpace(note))
        {
            return await ShowAsync(id, "A note needs some text.", false, null, cancellationToken).ConfigureAwait(false);
        }

        return await Actions.Worklist.AddExceptionNoteAsync(id, Me, note.Trim(), cancellationToken).ConfigureAwait(false)
            ? Done(id, "Note added.")
            : NotFound();
    }

    public async Task<IActionResult> OnPostReopenAsync(long id, long version, string? reason, CancellationToken cancellationToken)
    {
        var result = await Actions.ReopenAsync(
            new ReopenRequest { ExceptionId = id, ExpectedRowVersion = version, Actor = Me, Reason = string.IsNullOrWhiteSpace(reason) ? "reopened in the worklist" : reason.Trim() },
            cancellationToken).ConfigureAwait(false);
        return result.Status switch
        {
            ResolveStatus.Resolved => Done(id, result.Message),
            ResolveStatus.Conflict => await ShowAsync(id, "Someone else changed this exception first; it was not reopened. " + result.Message + " Below is how it stands now.", true, null, cancellationToken).ConfigureAwait(false),
            ResolveStatus.NotFound => NotFound(),
            _ => await ShowAsync(id, result.Message, false, null, cancellationToken).ConfigureAwait(false),
        };
    }

    internal string Amount(long minor) => Format.Amount(minor, Exception.Unapplied.Currency);

    internal bool RememberByDefault => Actions.RememberByDefault;

    private WorklistActions Actions => HttpContext.RequestServices.GetRequiredService<WorklistActions>();

    private static string DefaultReason(RestDisposition rest) => rest switch
    {
        RestDisposition.LeaveOnAccount => "applied, rest on account",
        RestDisposition.WriteOff => "applied, small rest written off",
        RestDisposition.Refund => "rest to refund",
        RestDisposition.NotACustomerPayment => "not a customer payment",
        _ => "applied in the worklist",
    };

    private RedirectResult Done(long id, string message)
    {
        Message = message;
        return Redirect("/exceptions/" + id.ToString(CultureInfo.InvariantCulture));
    }

    private async Task<IActionResult> ShowAsync(long id, string error, bool lost, List<LineInput>? posted, CancellationToken cancellationToken)
    {
        if (!await LoadAsync(id, posted, cancellationToken).ConfigureAwait(false))
        {
            return NotFound();
        }

        Error = error;
        Lost = lost;
        Response.StatusCode = lost ? StatusCodes.Status409Conflict : StatusCodes.Status422UnprocessableEntity;
        return Page();
    }

    private async Task<bool> LoadAsync(long id, List<LineInput>? posted, CancellationToken cancellationToken)
    {
        var store = Actions.Store;
        Now = HttpContext.RequestServices.GetRequiredService<TimeProvider>().GetUtcNow();
        WriteOffLimitMinor = Actions.WriteOffLimitMinor;
        var exception = await store.GetExceptionAsync(id, cancellationToken).ConfigureAwait(false);
        if (exception is null)
        {
            return false;
        }

        Exception = exception;
        Payment = await store.GetPaymentAsync(exception.PaymentId, cancellationToken).ConfigureAwait(false);
        BankFile = await store.GetBankFileAsync(exception.BankFileId, cancellationToken).ConfigureAwait(false);
        Applications = await store.ListApplicationsAsync(new ApplicationQuery { PaymentId = exception.PaymentId }, cancellationToken).ConfigureAwait(false);
        History = await Actions.Worklist.ListExceptionHistoryAsync(id, cancellationToken).ConfigureAwait(false);
        People = await Actions.Worklist.ListUsersAsync(cancellationToken).ConfigureAwait(false);
        WhyLower = await store.WhyLowerAsync(exception, cancellationToken).ConfigureAwait(false);

        var currency = exception.Unapplied.Currency;
        var seen = new HashSet<string>(StringComparer.Ordinal);
        var takeTop = posted is null && exception.Status == ExceptionStatus.Open;
        for (var rank = 0; rank < exception.Suggestions.Count; rank++)
        {
            var suggestion = exception.Suggestions[rank];
            foreach (var itemId in suggestion.ItemIds)
            {
                var item = await store.GetOpenItemAsync(itemId, cancellationToken).ConfigureAwait(false);
                if (item is not null && seen.Add(itemId))
                {
                    Add(item, string.Create(CultureInfo.InvariantCulture, $"suggestion {rank + 1}"), takeTop && rank == 0 && item.Status == OpenItemStatus.Open);
                }
            }
        }

        var familyCustomer = Candidates.Count > 0 ? Candidates[0].Item.Item.CustomerId : Payment?.PayerId;
        if (familyCustomer is not null)
        {
            var customer = await store.GetCustomerAsync(familyCustomer, cancellationToken).ConfigureAwait(false);
            Family = customer?.ParentId is { } parent ? await store.GetCustomerAsync(parent, cancellationToken).ConfigureAwait(false) ?? customer : customer;
        }

        foreach (var line in posted ?? [])
        {
            if (seen.Add(line.ItemId) && await store.GetOpenItemAsync(line.ItemId, cancellationToken).ConfigureAwait(false) is { } item)
            {
                Add(item, "selected", false);
            }
        }

        long? amount = null;
        if (!string.IsNullOrWhiteSpace(SearchAmount))
        {
            amount = Format.TryParseAmount(SearchAmount, currency.MinorDigits, out var minor) ? minor : null;
            if (amount is null)
            {
                Error = $"The search amount '{SearchAmount}' is not an amount.";
            }
        }

        if (!string.IsNullOrWhiteSpace(Search) || amount is not null)
        {
            var found = await Actions.Worklist.SearchOpenItemsAsync(
                new ItemSearchQuery { FamilyOf = Family?.CustomerId, Text = Search, AmountMinor = amount, Currency = currency.Code, Take = 25 },
                cancellationToken).ConfigureAwait(false);
            foreach (var item in found.Where(i => seen.Add(i.Item.ItemId)))
            {
                Add(item, "search", false);
            }
        }

        if (posted is not null)
        {
            for (var i = 0; i < Candidates.Count; i++)
            {
                var line = posted.FirstOrDefault(l => l.ItemId == Candidates[i].Item.Item.ItemId);
                if (line is not null)
                {
                    Candidates[i] = Candidates[i] with { Take = line.Take, Amount = line.Amount ?? string.Empty };
                }
            }
        }

        return true;

        void Add(StoredOpenItem item, string source, bool take) =>
            Candidates.Add((item, source, take, Format.Amount(item.RemainingMinor, item.Item.Currency)));
    }
}
