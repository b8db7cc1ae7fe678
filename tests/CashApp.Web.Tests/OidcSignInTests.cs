using System.Net;
using System.Security.Claims;
using System.Web;
using CashApp.Grpc.Hosting;
using CashApp.Grpc.Security;
using CashApp.Grpc.Web;
using CashApp.Store;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace CashApp.Web.Tests;

/// <summary>
/// Optional OpenID Connect sign-in, offline: the settings are checked before the server starts; a provider on
/// loopback (its discovery document and an empty key set only) receives the challenge; its callback is served
/// and a refused answer lands on the sign-in page; a claim maps to a CashApp person or to nobody. The token
/// exchange itself (a signed id_token) is not run here.
/// </summary>
[Collection(SharedWebServer.Name)]
public sealed class OidcSignInTests(WebFixture web)
{
    [Theory]
    [InlineData("https://login.example.com/tenant/v2.0", "cashapp", true, null)]
    [InlineData("http://127.0.0.1:8080/realms/cash", "cashapp", true, null)]
    [InlineData("https://login.example.com/tenant/v2.0", "cashapp", false, "give --web-urls as well")]
    [InlineData("login.example.com", "cashapp", true, "expected the provider's absolute https:// address")]
    [InlineData("ftp://login.example.com", "cashapp", true, "expected the provider's absolute https:// address")]
    [InlineData("http://idp.example.com/realms/cash", "cashapp", true, "plain http:// is for a provider on this machine only")]
    [InlineData("https://login.example.com/tenant/v2.0", " ", true, "needs --oidc-client-id")]
    public void Check_Settings_NameWhatIsWrong(string authority, string clientId, bool withWeb, string? expected)
    {
        var problem = WebOidc.Check(new WebOidcOptions(authority, clientId, null), withWeb ? ["http://127.0.0.1:5081"] : []);

        if (expected is null)
        {
            Assert.Null(problem);
        }
        else
        {
            Assert.Contains(expected, problem, StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task Build_BadAuthority_RefusesToStart()
    {
        var options = Options("http://idp.example.com/realms/cash");

        var refused = await Assert.ThrowsAsync<ServeConfigurationException>(() => CashAppHost.BuildAsync(options));

        Assert.Contains("--oidc-authority 'http://idp.example.com/realms/cash'", refused.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task PersonAsync_Claim_MapsToTheStoredPersonAndRoleOrToNobody()
    {
        var people = (IWorklistStore)web.Store;
        static ClaimsPrincipal External(params Claim[] claims) => new(new ClaimsIdentity(claims, "oidc"));

        var (root, _) = await WebOidc.PersonAsync(External(new Claim("preferred_username", "root"), new Claim("sub", "x1")), "preferred_username", people, default);
        var (stranger, strangerWhy) = await WebOidc.PersonAsync(External(new Claim("preferred_username", "mallory")), "preferred_username", people, default);
        var (missing, missingWhy) = await WebOidc.PersonAsync(External(new Claim("sub", "x1")), "preferred_username", people, default);

        Assert.Equal(("root", "admin"), (root!.Identity!.Name, root.FindFirstValue(ClaimTypes.Role)));
        Assert.Null(stranger);
        Assert.Contains("'mallory' is not a CashApp person", strangerWhy, StringComparison.Ordinal);
        Assert.Null(missing);
        Assert.Contains("no 'preferred_username' claim", missingWhy, StringComparison.Ordinal);
    }

    [Fact]
    public async Task SignIn_WithTheProvider_RedirectsThereWithCodeAndPkceAndRefusalsComeBack()
    {
        var provider = WebApplication.CreateSlimBuilder();
        provider.WebHost.UseUrls("http://127.0.0.1:0");
        await using var idp = provider.Build();
        idp.MapGet("/.well-known/openid-configuration", (HttpContext context) =>
        {
            var issuer = $"http://{context.Request.Host}";
            return Results.Json(new Dictionary<string, object>
            {
                ["issuer"] = issuer,
                ["authorization_endpoint"] = issuer + "/authorize",
                ["token_endpoint"] = issuer + "/token",
                ["jwks_uri"] = issuer + "/jwks",
                ["response_types_supported"] = new[] { "code" },
                ["subject_types_supported"] = new[] { "public" },
                ["id_token_signing_alg_values_supported"] = new[] { "RS256" },
            });
        });
        idp.MapGet("/jwks", () => Results.Json(new { keys = Array.Empty<object>() }));
        await idp.StartAsync();
        var authority = idp.Urls.Single();

        await using var app = await CashAppHost.BuildAsync(Options(authority));
        await app.StartAsync();
        var address = app.Services.GetRequiredService<WorklistWeb.WebAddresses>().Bound(["http://127.0.0.1:0"]).Single();
        using var client = new HttpClient(new HttpClientHandler { CookieContainer = new CookieContainer(), AllowAutoRedirect = false }) { BaseAddress = address };

        var signInPage = await client.GetStringAsync("/signin");
        using var challenge = await client.GetAsync("/signin?handler=Oidc&ReturnUrl=%2Fdashboard");
        var location = challenge.Headers.Location!;
        var query = HttpUtility.ParseQueryString(location.Query);
        using var refused = await client.GetAsync("/signin-oidc?code=forged&state=forged");
        var refusedPage = await client.GetStringAsync(refused.Headers.Location!.OriginalString);

        Assert.Contains("href=\"/signin?handler=Oidc", signInPage, StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.Redirect, challenge.StatusCode);
        Assert.Equal(authority.TrimEnd('/') + "/authorize", location.GetLeftPart(UriPartial.Path));
        Assert.Equal(("cashapp-test", "code", "S256"), (query["client_id"], query["response_type"], query["code_challenge_method"]));
        Assert.NotEqual("form_post", query["response_mode"]); // absent means query for the code flow
        Assert.Equal(new Uri(address, "/signin-oidc"), new Uri(query["redirect_uri"]!));
        Assert.False(string.IsNullOrEmpty(query["code_challenge"]));
        Assert.Equal(HttpStatusCode.Redirect, refused.StatusCode);
        Assert.Equal("/signin?refused=oidc", refused.Headers.Location!.OriginalString);
        Assert.Contains("sign-in was refused, or it named no CashApp person", refusedPage, StringComparison.Ordinal);
        await app.StopAsync();
        await idp.StopAsync();
    }

    private static ServeOptions Options(string authority)
    {
        var folder = Directory.CreateTempSubdirectory("cashapp-oidc-").FullName;
        var keyFile = Path.Combine(folder, "keys.txt");
        File.WriteAllLines(keyFile, [ApiKeyRing.FileLine(ApiKeyRing.NewKey(), Role.Admin)]);
        return new ServeOptions
        {
            Urls = ["http://127.0.0.1:0"],
            WebUrls = ["http://127.0.0.1:0"],
            DbPath = Path.Combine(folder, "cashapp.db"),
            ApiKeysPath = keyFile,
            ShutdownTimeout = TimeSpan.FromSeconds(5),
            ConfigurationArgs = ["--Logging:LogLevel:Default=Warning"],
            Oidc = new WebOidcOptions(authority, "cashapp-test", null),
        };
    }
}
