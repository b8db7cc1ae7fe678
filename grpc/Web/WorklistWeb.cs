using System.Net;
using System.Reflection;
using System.Security.Claims;
using System.Threading.RateLimiting;
using CashApp.Grpc.Hosting;
using Microsoft.AspNetCore.Authentication.Cookies;
using Microsoft.AspNetCore.Connections;
using Microsoft.AspNetCore.Connections.Features;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.Server.Kestrel.Core;

namespace CashApp.Grpc.Web;

/// <summary>
/// The specialists' worklist in <c>cashapp serve</c>: Razor Pages on their own HTTP/1.1 endpoints
/// (<c>--web-urls</c>), beside the gRPC endpoints, over the same store and the same rules. A page is
/// answered only on a web endpoint and a gRPC call only on a gRPC endpoint.
/// </summary>
internal static class WorklistWeb
{
    /// <summary>The sign-in cookie's scheme.</summary>
    public const string Scheme = CookieAuthenticationDefaults.AuthenticationScheme;

    /// <summary>The policy that admin pages need.</summary>
    public const string AdminPolicy = "admin";

    /// <summary>The policy every other page needs: a specialist or an admin.</summary>
    public const string PeoplePolicy = "people";

    private const string SignInLimiter = "sign-in";

    // No inline script or style: every script and style sheet is a file this server serves.
    private const string ContentSecurityPolicy = "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'; connect-src 'self'";

    private static readonly object WebConnection = new();

    /// <summary>Marks an endpoint as belonging to the web side.</summary>
    internal sealed class WebEndpoint;

    /// <summary>Where the web endpoints listen, and their bound ports once started (port 0 becomes the port taken).</summary>
    internal sealed class WebAddresses
    {
        public List<ListenOptions> Listeners { get; } = [];

        /// <summary>The addresses, as <c>http://127.0.0.1:PORT</c>, after the server started.</summary>
        public IReadOnlyList<Uri> Bound(IReadOnlyList<string> configured) =>
            [.. Listeners.Select((l, i) => new UriBuilder(configured[i]) { Port = l.IPEndPoint?.Port ?? new Uri(configured[i]).Port }.Uri)];
    }

    /// <summary>
    /// Binds every endpoint explicitly: the gRPC ones HTTP/2 only, as before, and the web ones HTTP/1.1 (and
    /// HTTP/2 over TLS), each web connection marked so that pages are answered there alone.
    /// </summary>
    public static void Listen(KestrelServerOptions kestrel, ServeOptions options, WebAddresses web)
    {
        foreach (var url in options.Urls)
        {
            Bind(kestrel, url, listen => listen.Protocols = HttpProtocols.Http2);
        }

        foreach (var url in options.WebUrls)
        {
            var https = url.StartsWith("https://", StringComparison.OrdinalIgnoreCase);
            Bind(kestrel, url, listen =>
            {
                listen.Protocols = https ? HttpProtocols.Http1AndHttp2 : HttpProtocols.Http1;
                listen.Use(next => connection =>
                {
                    connection.Items[WebConnection] = true;
                    return next(connection);
                });
                web.Listeners.Add(listen);
            });
        }
    }

    /// <summary>The services the pages need: cookies, antiforgery, roles, the sign-in rate limit.</summary>
    public static void AddServices(WebApplicationBuilder builder, ServeOptions options)
    {
        var secure = options.WebUrls.Any(u => !AddressPolicy.IsLoopback(new Uri(u.Replace("://*", "://0.0.0.0", StringComparison.Ordinal).Replace("://+", "://0.0.0.0", StringComparison.Ordinal)).Host));
        var cookiePolicy = secure ? CookieSecurePolicy.Always : CookieSecurePolicy.SameAsRequest;
        builder.Services.AddRazorPages(pages =>
        {
            pages.RootDirectory = "/Web/Pages";
            pages.Conventions.AuthorizeFolder("/", PeoplePolicy);
            pages.Conventions.AuthorizeFolder("/Admin", AdminPolicy);
            pages.Conventions.AllowAnonymousToPage("/SignIn");
            pages.Conventions.AddPageApplicationModelConvention("/SignIn", model => model.EndpointMetadata.Add(new Microsoft.AspNetCore.RateLimiting.EnableRateLimitingAttribute(SignInLimiter)));
        });
        builder.Services.Configure<Microsoft.AspNetCore.Mvc.CookieTempDataProviderOptions>(notice =>
        {
            // The one-line notices after a post-redirect-get travel in this cookie.
            notice.Cookie.Name = "cashapp.notice";
            notice.Cookie.SameSite = SameSiteMode.Strict;
            notice.Cookie.SecurePolicy = cookiePolicy;
        });
        var authentication = builder.Services.AddAuthentication(Scheme).AddCookie(Scheme, cookie =>
        {
            cookie.Cookie.Name = "cashapp.signin";
            cookie.Cookie.HttpOnly = true;
            cookie.Cookie.SameSite = SameSiteMode.Strict;
            cookie.Cookie.SecurePolicy = cookiePolicy;
            cookie.LoginPath = "/signin";
            cookie.LogoutPath = "/signout";
            cookie.AccessDeniedPath = "/denied";
            cookie.ExpireTimeSpan = TimeSpan.FromHours(9);
            cookie.SlidingExpiration = true;
        });
        if (options.Oidc is { } oidc)
        {
            WebOidc.Add(authentication, oidc);
        }
        builder.Services.AddAuthorizationBuilder()
            .AddPolicy(AdminPolicy, policy => policy.RequireRole("admin"))
            .AddPolicy(PeoplePolicy, policy => policy.RequireRole("specialist", "admin"));
        builder.Services.AddAntiforgery(antiforgery =>
        {
            antiforgery.Cookie.Name = "cashapp.antiforgery";
            antiforgery.Cookie.SameSite = SameSiteMode.Strict;
            antiforgery.Cookie.SecurePolicy = cookiePolicy;
            antiforgery.FormFieldName = "__csrf";
        });
        builder.Services.AddRateLimiter(limiter =>
        {
            limiter.RejectionStatusCode = StatusCodes.Status429TooManyRequests;
            limiter.AddPolicy(SignInLimiter, context =>
                HttpMethods.IsPost(context.Request.Method)
                    ? RateLimitPartition.GetFixedWindowLimiter(
                        context.Connection.RemoteIpAddress?.ToString() ?? "unknown",
                        _ => new FixedWindowRateLimiterOptions { PermitLimit = options.SignInsPerMinute, Window = TimeSpan.FromMinutes(1), QueueLimit = 0 })
                    : RateLimitPartition.GetNoLimiter("get"));
        });
        // Sign-in cookies stay valid across restarts: the key ring lives beside the SQLite file (for SQL Server, in
        // the default per-user folder, which instances behind one balancer must share).
        var protection = builder.Services.AddDataProtection().SetApplicationName("cashapp");
        if (options.SqlServer is null)
        {
            protection.PersistKeysToFileSystem(new DirectoryInfo(Path.Combine(Path.GetDirectoryName(Path.GetFullPath(options.DbPath)) ?? ".", "cashapp-web-keys")));
        }

        builder.Services.AddSingleton<SignInService>();
        builder.Services.AddSingleton<WorklistActions>();
    }

    /// <summary>The middleware and endpoints: the gate between web and gRPC endpoints, security headers, sign-in, pages and assets.</summary>
    public static void Map(WebApplication app)
    {
        // The provider's answer has no endpoint: the OpenID Connect handler takes it in UseAuthentication.
        PathString? oidcCallback = app.Services.GetRequiredService<ServeOptions>().Oidc is null ? null : new PathString(WebOidc.CallbackPath);
        app.UseRouting();
        app.Use(async (context, next) =>
        {
            var web = IsWebConnection(context);
            var endpoint = context.GetEndpoint();
            var webEndpoint = endpoint?.Metadata.GetMetadata<WebEndpoint>() is not null
                || (web && endpoint is null && oidcCallback is { } callback && context.Request.Path == callback);
            if (web != webEndpoint || (web && endpoint is null && !webEndpoint))
            {
                context.Response.StatusCode = StatusCodes.Status404NotFound;
                return;
            }

            if (web)
            {
                var headers = context.Response.Headers;
                headers.ContentSecurityPolicy = ContentSecurityPolicy;
                headers.XContentTypeOptions = "nosniff";
                headers.XFrameOptions = "DENY";
                headers["Referrer-Policy"] = "no-referrer";
                headers["Cross-Origin-Opener-Policy"] = "same-origin";
                if (!context.Request.Path.StartsWithSegments("/assets", StringComparison.Ordinal))
                {
                    // As antiforgery sets them: a page that carries a form token is never cached.
                    headers.CacheControl = "no-cache, no-store";
                    headers.Pragma = "no-cache";
                }
            }

            await next(context).ConfigureAwait(false);
        });
        app.UseAuthentication();
        app.UseAuthorization();
        app.UseRateLimiter();
        app.MapRazorPages().WithMetadata(new WebEndpoint());
        foreach (var (name, type) in Assets)
        {
            app.MapGet("/assets/" + name, (HttpContext context) => ServeAsset(context, name, type)).WithMetadata(new WebEndpoint()).AllowAnonymous();
        }
    }

    /// <summary>True when the request came in on a <c>--web-urls</c> endpoint.</summary>
    public static bool IsWebConnection(HttpContext context) =>
        context.Features.Get<IConnectionItemsFeature>()?.Items.ContainsKey(WebConnection) == true;

    /// <summary>The person signed in: their name (the assignee name) and role.</summary>
    public static (string Name, string Role) Person(ClaimsPrincipal user) =>
        (user.Identity?.Name ?? throw new InvalidOperationException("no one is signed in"), user.FindFirstValue(ClaimTypes.Role) ?? "specialist");

    private static readonly (string Name, string Type)[] Assets =
    [
        ("site.css", "text/css; charset=utf-8"),
        ("worklist.js", "text/javascript; charset=utf-8"),
        ("exception.js", "text/javascript; charset=utf-8"),
    ];

    private static async Task ServeAsset(HttpContext context, string name, string type)
    {
        await using var stream = Assembly.GetExecutingAssembly().GetManifestResourceStream("CashApp.Grpc.Web.Assets." + name)
            ?? throw new InvalidOperationException("asset missing: " + name);
        context.Response.ContentType = type;
        context.Response.Headers.CacheControl = "no-cache";
        await stream.CopyToAsync(context.Response.Body, context.RequestAborted).ConfigureAwait(false);
    }

    private static void Bind(KestrelServerOptions kestrel, string url, Action<ListenOptions> configure)
    {
        var uri = new Uri(url.Replace("://*", "://0.0.0.0", StringComparison.Ordinal).Replace("://+", "://0.0.0.0", StringComparison.Ordinal));
        var https = uri.Scheme == Uri.UriSchemeHttps;
        void Configure(ListenOptions listen)
        {
            configure(listen);
            if (https)
            {
                listen.UseHttps();
            }
        }

        if (string.Equals(uri.Host, "localhost", StringComparison.OrdinalIgnoreCase))
        {
            kestrel.ListenLocalhost(uri.Port, Configure);
        }
        else if (IPAddress.TryParse(uri.Host.Trim('[', ']'), out var address))
        {
            if (address.Equals(IPAddress.Any))
            {
                kestrel.ListenAnyIP(uri.Port, Configure);
            }
            else
            {
                kestrel.Listen(address, uri.Port, Configure);
            }
        }
        else
        {
            throw new ServeConfigurationException($"'{url}': give an IP address, localhost or * to listen on, not a host name.");
        }
    }
}
