using System.Security.Claims;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace CashApp.Grpc.Web.Pages;

/// <summary>The one page a signed-out browser may see.</summary>
public sealed class SignInModel : PageModel
{
    [BindProperty]
    public string? Name { get; set; }

    [BindProperty]
    public string? Password { get; set; }

    [BindProperty(SupportsGet = true)]
    public string? ReturnUrl { get; set; }

    internal string? Message { get; private set; }

    public void OnGet()
    {
    }

    public async Task<IActionResult> OnPostAsync(CancellationToken cancellationToken)
    {
        if (string.IsNullOrWhiteSpace(Name) || string.IsNullOrEmpty(Password))
        {
            Message = "Give your name and password.";
            return Page();
        }

        var signIn = HttpContext.RequestServices.GetRequiredService<SignInService>();
        var (outcome, user) = await signIn.CheckAsync(Name.Trim(), Password, cancellationToken).ConfigureAwait(false);
        Password = null;
        switch (outcome)
        {
            case SignInOutcome.SignedIn:
                var identity = new ClaimsIdentity(
                    [new Claim(ClaimTypes.Name, user!.Name), new Claim(ClaimTypes.Role, user.Role)],
                    WorklistWeb.Scheme,
                    ClaimTypes.Name,
                    ClaimTypes.Role);
                await HttpContext.SignInAsync(WorklistWeb.Scheme, new ClaimsPrincipal(identity)).ConfigureAwait(false);
                return LocalRedirect(Format.LocalOrHome(ReturnUrl));
            case SignInOutcome.LockedOut:
                Message = $"Too many failed sign-ins: this name is locked for {SignInService.LockoutTime.TotalMinutes:0} minutes.";
                Response.StatusCode = StatusCodes.Status403Forbidden;
                return Page();
            default:
                Message = "Wrong name or password.";
                Response.StatusCode = StatusCodes.Status401Unauthorized;
                return Page();
        }
    }
}
