using CashApp.Engine.Matching;
using CashApp.Grpc.Matching;
using CashApp.Store;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace CashApp.Grpc.Web.Pages;

/// <summary>
/// Payer rules: what resolutions taught about who pays, filtered by customer, state and kind, each with where
/// it came from and its history; specialists and admins revoke and reinstate (events, as over the API).
/// </summary>
public sealed class RulesModel : PageModel
{
    /// <summary>At most this many rules on the page; the filters narrow it.</summary>
    internal const int PageSize = 200;

    [BindProperty(SupportsGet = true, Name = "customer")]
    public string? Customer { get; set; }

    [BindProperty(SupportsGet = true, Name = "state")]
    public string? State { get; set; }

    [BindProperty(SupportsGet = true, Name = "kind")]
    public string? Kind { get; set; }

    [TempData]
    public string? Message { get; set; }

    internal string? Error { get; private set; }

    internal IReadOnlyList<(PayerRule Rule, IReadOnlyList<PayerRuleEvent> Events)> Rules { get; private set; } = [];

    internal bool More { get; private set; }

    internal static IReadOnlyList<string> States { get; } = ["suggested", "active", "revoked"];

    internal static IReadOnlyList<string> Kinds { get; } = ["account", "name", "payer_id"];

    public async Task<IActionResult> OnGetAsync(CancellationToken cancellationToken)
    {
        if (Store() is null)
        {
            return NotFound();
        }

        await LoadAsync(cancellationToken).ConfigureAwait(false);
        return Page();
    }

    public Task<IActionResult> OnPostRevokeAsync(long ruleId, string? reason, CancellationToken cancellationToken) =>
        ChangeAsync(ruleId, reason, revoke: true, cancellationToken);

    public Task<IActionResult> OnPostReinstateAsync(long ruleId, string? reason, CancellationToken cancellationToken) =>
        ChangeAsync(ruleId, reason, revoke: false, cancellationToken);

    internal static string StateWord(PayerRuleState state) => state switch
    {
        PayerRuleState.Active => "active",
        PayerRuleState.Revoked => "revoked",
        _ => "suggested",
    };

    private async Task<IActionResult> ChangeAsync(long ruleId, string? reason, bool revoke, CancellationToken cancellationToken)
    {
        var store = Store();
        if (store is null)
        {
            return NotFound();
        }

        var me = WorklistWeb.Person(User).Name;
        var why = string.IsNullOrWhiteSpace(reason) ? (revoke ? "revoked in the worklist" : "reinstated in the worklist") : reason.Trim();
        var change = revoke
            ? await store.RevokePayerRuleAsync(ruleId, me, why, cancellationToken).ConfigureAwait(false)
            : await store.ReinstatePayerRuleAsync(ruleId, me, why, cancellationToken).ConfigureAwait(false);
        switch (change.Status)
        {
            case PayerRuleChangeStatus.Changed:
                // The next match reads the rules again.
                HttpContext.RequestServices.GetRequiredService<LiveMatcher>().PayerRulesChanged();
                Message = change.Message;
                return Redirect(Url.Page("/Rules", new { customer = Customer, state = State, kind = Kind }) ?? "/rules");
            case PayerRuleChangeStatus.NotFound:
                return NotFound();
            default:
                Error = change.Message;
                Response.StatusCode = StatusCodes.Status409Conflict;
                await LoadAsync(cancellationToken).ConfigureAwait(false);
                return Page();
        }
    }

    private async Task LoadAsync(CancellationToken cancellationToken)
    {
        var store = Store()!;
        PayerRuleState? state = State switch
        {
            "suggested" => PayerRuleState.Suggested,
            "active" => PayerRuleState.Active,
            "revoked" => PayerRuleState.Revoked,
            _ => null,
        };
        PayerRuleKind? kind = Kind switch
        {
            "account" => PayerRuleKind.Account,
            "name" => PayerRuleKind.Name,
            "payer_id" => PayerRuleKind.PayerId,
            _ => null,
        };
        var page = await store.ListPayerRulesAsync(
            new PayerRuleQuery { CustomerId = string.IsNullOrWhiteSpace(Customer) ? null : Customer.Trim(), State = state, Kind = kind, Take = PageSize },
            cancellationToken).ConfigureAwait(false);
        var rules = new List<(PayerRule, IReadOnlyList<PayerRuleEvent>)>(page.Items.Count);
        foreach (var rule in page.Items)
        {
            rules.Add((rule, await store.ListPayerRuleEventsAsync(rule.RuleId, cancellationToken).ConfigureAwait(false)));
        }

        Rules = rules;
        More = page.NextAfterId is not null;
    }

    private IPayerRuleStore? Store() => HttpContext.RequestServices.GetRequiredService<WorklistActions>().Store as IPayerRuleStore;
}
