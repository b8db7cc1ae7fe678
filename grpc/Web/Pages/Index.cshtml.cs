using System.Globalization;
using CashApp.Engine.Model;
using CashApp.Parsers.Currency;
using CashApp.Store;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace CashApp.Grpc.Web.Pages;

/// <summary>The worklist: open exceptions, filtered, sorted and paged, with one-key actions and bulk actions.</summary>
public sealed class IndexModel : PageModel
{
    internal const int PageSize = 50;

    [BindProperty(SupportsGet = true, Name = "status")]
    public string? Status { get; set; }

    [BindProperty(SupportsGet = true, Name = "reason")]
    public string? Reason { get; set; }

    [BindProperty(SupportsGet = true, Name = "assignee")]
    public string? Assignee { get; set; }

    [BindProperty(SupportsGet = true, Name = "currency")]
    public string? Currency { get; set; }

    [BindProperty(SupportsGet = true, Name = "min")]
    public string? Min { get; set; }

    [BindProperty(SupportsGet = true, Name = "max")]
    public string? Max { get; set; }

    [BindProperty(SupportsGet = true, Name = "minage")]
    public int? MinAgeDays { get; set; }

    [BindProperty(SupportsGet = true, Name = "maxage")]
    public int? MaxAgeDays { get; set; }

    [BindProperty(SupportsGet = true, Name = "q")]
    public string? Text { get; set; }

    [BindProperty(SupportsGet = true, Name = "sort")]
    public string? Sort { get; set; }

    [BindProperty(SupportsGet = true, Name = "dir")]
    public string? Direction { get; set; }

    [BindProperty(SupportsGet = true, Name = "page")]
    public int PageNumber { get; set; } = 1;

    [TempData]
    public string? Message { get; set; }

    internal WorklistPage Result { get; private set; } = new([], 0, new Dictionary<ExceptionReason, long>());

    internal List<string> Errors { get; } = [];

    internal DateTimeOffset Now { get; private set; }

    internal IReadOnlyList<StoredUser> People { get; private set; } = [];

    internal static IReadOnlyList<(string Code, string Label)> Sorts { get; } =
    [
        ("age", "Age"), ("amount", "Payment"), ("unapplied", "Unapplied"), ("payer", "Payer"), ("currency", "Currency"),
    ];

    internal static IReadOnlyList<ExceptionReason> Reasons { get; } = Enum.GetValues<ExceptionReason>();

    internal int PageCount => (int)Math.Max(1, (Result.TotalCount + PageSize - 1) / PageSize);

    public async Task<IActionResult> OnGetAsync(CancellationToken cancellationToken)
    {
        var actions = Actions;
        Now = HttpContext.RequestServices.GetRequiredService<TimeProvider>().GetUtcNow();
        var query = BuildQuery();
        if (Errors.Count == 0)
        {
            Result = await actions.Worklist.ListWorklistAsync(query, cancellationToken).ConfigureAwait(false);
        }
        else
        {
            Response.StatusCode = StatusCodes.Status400BadRequest;
        }

        People = await actions.Worklist.ListUsersAsync(cancellationToken).ConfigureAwait(false);
        return Page();
    }

    public async Task<IActionResult> OnPostAcceptAsync(string? one, string? back, CancellationToken cancellationToken)
    {
        if (!TryParseRef(one, out var id, out var version))
        {
            return BadRequest();
        }

        var result = await Actions.AcceptTopAsync(id, version, Me, cancellationToken).ConfigureAwait(false);
        Message = result.Status == ResolveStatus.Resolved ? result.Message : Lost(result.Status, result.Message);
        return LocalRedirect(Format.LocalOrHome(back));
    }

    public async Task<IActionResult> OnPostAssignMeAsync(string? one, string? back, CancellationToken cancellationToken)
    {
        if (!TryParseRef(one, out var id, out var version))
        {
            return BadRequest();
        }

        var result = await Actions.AssignAsync(id, version, Me, Me, cancellationToken).ConfigureAwait(false);
        Message = result.Status == UpdateStatus.Updated ? result.Message : "Not changed: " + result.Message;
        return LocalRedirect(Format.LocalOrHome(back));
    }

    public async Task<IActionResult> OnPostBulkAssignAsync(string[]? ids, string? to, string? back, CancellationToken cancellationToken)
    {
        var assignee = to switch
        {
            null or "" or "me" => Me,
            "nobody" => null,
            _ => to,
        };
        if (assignee is not null && assignee != Me && await Actions.Worklist.FindUserAsync(assignee, cancellationToken).ConfigureAwait(false) is null)
        {
            Message = $"There is no person named '{assignee}'.";
            return LocalRedirect(Format.LocalOrHome(back));
        }

        int done = 0, lost = 0;
        foreach (var reference in ids ?? [])
        {
            if (TryParseRef(reference, out var id, out var version))
            {
                var result = await Actions.AssignAsync(id, version, assignee, Me, cancellationToken).ConfigureAwait(false);
                _ = result.Status == UpdateStatus.Updated ? done++ : lost++;
            }
        }

        Message = string.Create(CultureInfo.InvariantCulture, $"{done} assigned to {assignee ?? "nobody"}") + (lost > 0 ? string.Create(CultureInfo.InvariantCulture, $"; {lost} had changed meanwhile and were left as they are.") : ".");
        return LocalRedirect(Format.LocalOrHome(back));
    }

    public async Task<IActionResult> OnPostBulkAcceptAsync(string[]? ids, string? minConfidence, string? back, CancellationToken cancellationToken)
    {
        if (!double.TryParse(minConfidence, NumberStyles.Float, CultureInfo.InvariantCulture, out var percent) || percent is < 0 or > 100)
        {
            Message = "Give the lowest confidence to accept as a percentage from 0 to 100.";
            return LocalRedirect(Format.LocalOrHome(back));
        }

        int accepted = 0, below = 0, refused = 0;
        foreach (var reference in ids ?? [])
        {
            if (!TryParseRef(reference, out var id, out var version))
            {
                continue;
            }

            var exception = await Actions.Store.GetExceptionAsync(id, cancellationToken).ConfigureAwait(false);
            if (exception is null || exception.Suggestions.Count == 0 || exception.Suggestions[0].Score.Value * 100 < percent)
            {
                below++;
                continue;
            }

            var result = await Actions.AcceptTopAsync(id, version, Me, cancellationToken).ConfigureAwait(false);
            _ = result.Status == ResolveStatus.Resolved ? accepted++ : refused++;
        }

        Message = string.Create(CultureInfo.InvariantCulture, $"{accepted} accepted; {below} below {percent:0.#}% or without a suggestion left alone; {refused} could not be accepted (changed, or not balancing).");
        return LocalRedirect(Format.LocalOrHome(back));
    }

    /// <summary>The worklist's address with some parameters changed.</summary>
    internal string Link(string? sort = null, string? dir = null, int? page = null)
    {
        var values = new List<KeyValuePair<string, string?>>
        {
            new("status", Status), new("reason", Reason), new("assignee", Assignee), new("currency", Currency), new("min", Min), new("max", Max),
            new("minage", MinAgeDays?.ToString(CultureInfo.InvariantCulture)), new("maxage", MaxAgeDays?.ToString(CultureInfo.InvariantCulture)), new("q", Text),
            new("sort", sort ?? Sort), new("dir", dir ?? Direction), new("page", (page ?? PageNumber).ToString(CultureInfo.InvariantCulture)),
        };
        return "/" + Microsoft.AspNetCore.Http.QueryString.Create(values.Where(v => !string.IsNullOrEmpty(v.Value)));
    }

    internal string Me => WorklistWeb.Person(User).Name;

    internal string CurrentSort => Sort ?? "age";

    internal bool CurrentDescending => Direction == "desc";

    private WorklistActions Actions => HttpContext.RequestServices.GetRequiredService<WorklistActions>();

    private WorklistQuery BuildQuery()
    {
        ExceptionStatus? status = Status switch
        {
            null or "" or "open" => ExceptionStatus.Open,
            "resolved" => ExceptionStatus.Resolved,
            "any" => null,
            _ => Invalid<ExceptionStatus?>("status", "open, resolved or any"),
        };
        ExceptionReason? reason = null;
        if (!string.IsNullOrEmpty(Reason))
        {
            var found = Reasons.Where(r => LedgerCodes.Of(r) == Reason).ToList();
            reason = found.Count == 1 ? found[0] : Invalid<ExceptionReason?>("reason", string.Join(", ", Reasons.Select(LedgerCodes.Of)));
        }

        var digits = 2;
        string? currency = null;
        if (!string.IsNullOrWhiteSpace(Currency))
        {
            if (CurrencyCode.TryParse(Currency.Trim().ToUpperInvariant(), out var code))
            {
                currency = code.Code;
                digits = code.MinorDigits;
            }
            else
            {
                Invalid<string>("currency", "an ISO 4217 code such as USD");
            }
        }

        long? min = null, max = null;
        if (!string.IsNullOrWhiteSpace(Min))
        {
            min = Format.TryParseAmount(Min, digits, out var value) ? value : Invalid<long?>("min", "an amount such as 100.00");
        }

        if (!string.IsNullOrWhiteSpace(Max))
        {
            max = Format.TryParseAmount(Max, digits, out var value) ? value : Invalid<long?>("max", "an amount such as 100.00");
        }

        if (MinAgeDays is < 0 || MaxAgeDays is < 0)
        {
            Invalid<int>("age", "a number of days, 0 or more");
        }

        var sort = CurrentSort switch
        {
            "age" => WorklistSort.Age,
            "amount" => WorklistSort.PaymentAmount,
            "unapplied" => WorklistSort.Unapplied,
            "payer" => WorklistSort.Payer,
            "currency" => WorklistSort.Currency,
            _ => Invalid<WorklistSort>("sort", string.Join(", ", Sorts.Select(s => s.Code))),
        };
        PageNumber = Math.Max(1, PageNumber);
        return new WorklistQuery
        {
            Status = status,
            Reason = reason,
            Assignee = Assignee switch
            {
                null or "" or "any" or "unassigned" => null,
                "mine" => Me,
                _ => Assignee,
            },
            Unassigned = Assignee == "unassigned",
            Currency = currency,
            MinUnappliedMinor = min,
            MaxUnappliedMinor = max,
            MinAge = MinAgeDays is { } minAge ? TimeSpan.FromDays(minAge) : null,
            MaxAge = MaxAgeDays is { } maxAge ? TimeSpan.FromDays(maxAge) : null,
            Text = string.IsNullOrWhiteSpace(Text) ? null : Text.Trim(),
            Sort = sort,
            Descending = CurrentDescending,
            Skip = (int)Math.Min(int.MaxValue, ((long)PageNumber - 1) * PageSize),
            Take = PageSize,
        };
    }

    private T Invalid<T>(string field, string expected)
    {
        Errors.Add($"The filter '{field}' expects {expected}.");
        return default!;
    }

    internal static bool TryParseRef(string? reference, out long id, out long version)
    {
        id = version = 0;
        var parts = (reference ?? string.Empty).Split(':');
        return parts.Length == 2
            && long.TryParse(parts[0], NumberStyles.None, CultureInfo.InvariantCulture, out id)
            && long.TryParse(parts[1], NumberStyles.None, CultureInfo.InvariantCulture, out version);
    }

    internal static string Lost(ResolveStatus status, string message) => status switch
    {
        ResolveStatus.Conflict => "Someone else changed it first: " + message,
        _ => "Not done: " + message,
    };
}
