using Microsoft.AspNetCore.Mvc.RazorPages;

namespace CashApp.Grpc.Web.Pages;

/// <summary>Where a person is sent whose role may not open a page.</summary>
public sealed class DeniedModel : PageModel
{
    public void OnGet() => Response.StatusCode = StatusCodes.Status403Forbidden;
}
