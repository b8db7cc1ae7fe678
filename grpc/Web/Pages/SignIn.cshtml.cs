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

    [BindProperty(SupportsGet = true)]
    public string? Refused { get; set; }

    internal string? Message { get; private set; }

    internal bool WithOidc => HttpContext.RequestServices.GetRequiredService<Hosting.ServeOptions>().Oidc is not null;

    /// <summary>Where a person just signed in through the provider goes on to.</summary>
    internal string? Continue { get; private set; }

    public void OnGet()
    {
        if (Refused == "oidc")
        {
            Message = "Your organisation's sign-in was refused, or it named no CashApp person: an admin adds people with 'cashapp users add'.";
        }
    }

    /// <summary>Sends the browser to the OpenID Connect provider; it comes back signed in, or refused.</summary>
    public IActionResult OnGetOidc()
    {
        if (!WithOidc)
        {
            return NotFound();
        }

        var back = "/signin?handler=Done&ReturnUrl=" + Uri.EscapeDataString(Format.LocalOrHome(ReturnUrl));
        return Challenge(new AuthenticationProperties { RedirectUri = back }, WebOidc.Scheme);
    }

    /// <summary>Back from the provider, signed in: a page of this site that goes on to where the person was going.</summary>
    public IActionResult OnGetDone()
    {
        Continue = Format.LocalOrHome(ReturnUrl);
        Message = null;
        return Page();
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
