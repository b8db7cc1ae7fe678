using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace CashApp.Grpc.Web.Pages;

/// <summary>Signs out (a POST, with antiforgery, so that no link can sign a person out).</summary>
public sealed class SignOutModel : PageModel
{
    public void OnGet()
    {
    }

    public async Task<IActionResult> OnPostAsync()
    {
        await HttpContext.SignOutAsync(WorklistWeb.Scheme).ConfigureAwait(false);
        return Redirect("/signin");
    }
}
