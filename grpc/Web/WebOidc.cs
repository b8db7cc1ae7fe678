using System.Security.Claims;
using CashApp.Grpc.Hosting;
using CashApp.Store;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.OpenIdConnect;
using Microsoft.IdentityModel.Protocols.OpenIdConnect;

namespace CashApp.Grpc.Web;

/// <summary>
/// Optional sign-in through a company's OpenID Connect provider (Entra ID, Keycloak, ...), beside the
/// password sign-in: the authorization code flow with PKCE, answered by query on <see cref="CallbackPath"/>.
/// The provider says who someone is; CashApp still says what they may do: one claim (by default
/// <c>preferred_username</c>) must name a person made with <c>cashapp users add</c>, whose role is taken from
/// the store. Anyone else is refused. After the provider answers, the usual sign-in cookie is issued.
/// </summary>
internal static class WebOidc
{
    /// <summary>The authentication scheme of the provider.</summary>
    public const string Scheme = OpenIdConnectDefaults.AuthenticationScheme;

    /// <summary>Where the provider sends the browser back (register it with the provider).</summary>
    public const string CallbackPath = "/signin-oidc";

    /// <summary>The environment variable that holds the client secret (never a command-line argument, which others can read).</summary>
    public const string SecretVariable = "CASHAPP_OIDC_CLIENT_SECRET";

    /// <summary>Why these settings cannot work, or null when they can.</summary>
    public static string? Check(WebOidcOptions oidc, IReadOnlyList<string> webUrls)
    {
        ArgumentNullException.ThrowIfNull(oidc);
        if (webUrls.Count == 0)
        {
            return "--oidc-authority signs people in to the worklist page: give --web-urls as well.";
        }

        if (!Uri.TryCreate(oidc.Authority, UriKind.Absolute, out var authority) || (authority.Scheme != Uri.UriSchemeHttps && authority.Scheme != Uri.UriSchemeHttp))
        {
            return $"--oidc-authority '{oidc.Authority}': expected the provider's absolute https:// address (the issuer, e.g. https://login.microsoftonline.com/TENANT/v2.0).";
        }

        if (authority.Scheme == Uri.UriSchemeHttp && !AddressPolicy.IsLoopback(authority.Host))
        {
            return $"--oidc-authority '{oidc.Authority}': plain http:// is for a provider on this machine only; use https://.";
        }

        if (string.IsNullOrWhiteSpace(oidc.ClientId))
        {
            return "--oidc-authority needs --oidc-client-id: the client (application) id registered with the provider.";
        }

        if (string.IsNullOrWhiteSpace(oidc.NameClaim))
        {
            return "--oidc-name-claim: expected the name of the claim that holds the CashApp person's name, e.g. preferred_username.";
        }

        return null;
    }

    /// <summary>Adds the provider's scheme: it signs in with the cookie scheme once <see cref="PersonAsync"/> found the person.</summary>
    public static void Add(AuthenticationBuilder authentication, WebOidcOptions oidc)
    {
        authentication.AddOpenIdConnect(Scheme, options =>
        {
            options.Authority = oidc.Authority;
            options.ClientId = oidc.ClientId;
            options.ClientSecret = oidc.ClientSecret;
            options.RequireHttpsMetadata = new Uri(oidc.Authority).Scheme == Uri.UriSchemeHttps;
            options.ResponseType = OpenIdConnectResponseType.Code;
            options.UsePkce = true;

            // The answer comes back as a top-level GET: the correlation and nonce cookies can then be Lax, and no
            // cross-site form post is needed (the page's CSP allows forms to this site only).
            options.ResponseMode = OpenIdConnectResponseMode.Query;
            options.CorrelationCookie.SameSite = SameSiteMode.Lax;
            options.NonceCookie.SameSite = SameSiteMode.Lax;
            options.CallbackPath = CallbackPath;
            options.SignInScheme = WorklistWeb.Scheme;
            options.MapInboundClaims = false;
            options.SaveTokens = false;
            options.GetClaimsFromUserInfoEndpoint = false;
            options.Scope.Clear();
            options.Scope.Add("openid");
            options.Scope.Add("profile");
            options.Events.OnTokenValidated = async context =>
            {
                var people = (IWorklistStore)context.HttpContext.RequestServices.GetRequiredService<ICashStore>();
                var (person, refusal) = await PersonAsync(context.Principal, oidc.NameClaim, people, context.HttpContext.RequestAborted).ConfigureAwait(false);
                if (person is null)
                {
                    context.Fail(refusal);
                    return;
                }

                context.Principal = person;
            };
            options.Events.OnRemoteFailure = context =>
            {
                // No detail of the provider's answer in the URL: only that it was refused.
                context.Response.Redirect("/signin?refused=oidc");
                context.HandleResponse();
                return Task.CompletedTask;
            };
        });
    }

    /// <summary>
    /// The CashApp person the provider's claims name: the name and the role as the store holds them, or null
    /// and why not when the claim is missing or names nobody made with <c>cashapp users add</c>.
    /// </summary>
    public static async Task<(ClaimsPrincipal? Person, string Refusal)> PersonAsync(ClaimsPrincipal? external, string nameClaim, IWorklistStore people, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(people);
        var name = external?.FindFirst(nameClaim)?.Value?.Trim();
        if (string.IsNullOrEmpty(name))
        {
            return (null, $"the provider's token has no '{nameClaim}' claim");
        }

        var user = await people.FindUserAsync(name, cancellationToken).ConfigureAwait(false);
        if (user is null)
        {
            return (null, $"'{name}' is not a CashApp person (cashapp users add --name {name} --role specialist)");
        }

        var identity = new ClaimsIdentity(
            [new Claim(ClaimTypes.Name, user.Name), new Claim(ClaimTypes.Role, user.Role), new Claim("amr", "oidc")],
            WorklistWeb.Scheme,
            ClaimTypes.Name,
            ClaimTypes.Role);
        return (new ClaimsPrincipal(identity), string.Empty);
    }
}

/// <summary>The OpenID Connect provider the worklist page may sign people in with.</summary>
/// <param name="Authority">The provider's issuer address; its discovery document is under <c>/.well-known/openid-configuration</c>.</param>
/// <param name="ClientId">The client id registered with the provider.</param>
/// <param name="ClientSecret">The client secret, from <c>CASHAPP_OIDC_CLIENT_SECRET</c>; null for a public client.</param>
/// <param name="NameClaim">The claim that holds the CashApp person's name.</param>
internal sealed record WebOidcOptions(string Authority, string ClientId, string? ClientSecret, string NameClaim = "preferred_username");
