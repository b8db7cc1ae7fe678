using CashApp.Engine.Model;
using CashApp.Store;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace CashApp.Grpc.Web.Pages;

/// <summary>The day at a glance: files and payments, the automatic rate, exceptions by reason, unapplied cash by age.</summary>
public sealed class DashboardModel : PageModel
{
    internal LedgerSummary Summary { get; private set; } = null!;

    internal IReadOnlyList<DayFigure> Days { get; private set; } = [];

    internal IReadOnlyDictionary<ExceptionReason, long> ByReason { get; private set; } = new Dictionary<ExceptionReason, long>();

    internal DayFigure Today => Days.Count > 0 ? Days[^1] : new DayFigure(DateOnly.MinValue, 0, 0, 0);

    public async Task OnGetAsync(CancellationToken cancellationToken)
    {
        var actions = HttpContext.RequestServices.GetRequiredService<WorklistActions>();
        Summary = await actions.Store.GetSummaryAsync(cancellationToken).ConfigureAwait(false);
        Days = await actions.Worklist.ListDailyFiguresAsync(30, cancellationToken).ConfigureAwait(false);
        ByReason = await actions.Worklist.CountOpenByReasonAsync(cancellationToken).ConfigureAwait(false);
    }
}
