using System.Net;
using System.Text.RegularExpressions;
using CashApp.Grpc.Hosting;
using CashApp.Grpc.Security;
using CashApp.Grpc.Web;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace CashApp.Web.Tests;

/// <summary>The web endpoint's guards over plain HTTP: no browser needed.</summary>
[Collection(SharedWebServer.Name)]
public sealed partial class WebSecurityTests(WebFixture web)
{
    [Fact]
    public async Task GrpcMethod_OnTheWebEndpoint_IsNotFound()
    {
        using var client = new HttpClient { BaseAddress = web.WebAddress };
        using var content = new ByteArrayContent([0, 0, 0, 0, 0]);
        content.Headers.ContentType = new("application/grpc");

        using var response = await client.PostAsync("/cashapp.v1.Exceptions/List", content);

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
    }

    [Fact]
    public async Task Page_OnTheGrpcEndpoint_IsNotServed()
    {
        using var client = new HttpClient { BaseAddress = web.GrpcAddress, DefaultRequestVersion = HttpVersion.Version20, DefaultVersionPolicy = HttpVersionPolicy.RequestVersionExact };

        using var signIn = await client.GetAsync("/signin");
        using var asset = await client.GetAsync("/assets/site.css");

        Assert.Equal((HttpStatusCode.NotFound, HttpStatusCode.NotFound), (signIn.StatusCode, asset.StatusCode));
    }

    [Fact]
    public async Task SignInPage_Headers_ForbidInlineScriptAndFraming()
    {
        using var client = new HttpClient { BaseAddress = web.WebAddress };

        using var response = await client.GetAsync("/signin");

        var csp = string.Join(";", response.Headers.GetValues("Content-Security-Policy"));
        Assert.Contains("script-src 'self'", csp, StringComparison.Ordinal);
        Assert.DoesNotContain("unsafe-inline", csp, StringComparison.Ordinal);
        Assert.Contains("frame-ancestors 'none'", csp, StringComparison.Ordinal);
        Assert.Equal("DENY", response.Headers.GetValues("X-Frame-Options").Single());
        Assert.DoesNotContain("<script>", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Post_WithoutTheAntiforgeryToken_IsRefusedAndAddsNoNote()
    {
        var (client, _) = await SignedInAsync(web.WebAddress, "alice");
        var id = web.Exceptions["keyboard"];
        using var form = new FormUrlEncodedContent([new("note", "forged")]);

        using var response = await client.PostAsync($"/exceptions/{id}?handler=Note", form);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.DoesNotContain(await web.Worklist.ListExceptionHistoryAsync(id), e => e.Reason == "forged");
        client.Dispose();
    }

    [Fact]
    public async Task SignIn_FiveWrongPasswords_LocksOutEvenTheRightPassword()
    {
        Assert.True(await web.Worklist.AddUserAsync("locky", "specialist", SignInService.Hash("locky", "specialist", WebFixture.Password), "test"));
        using var client = NewClient(web.WebAddress);
        for (var i = 0; i < SignInService.MaxFailures; i++)
        {
            using var wrong = await PostSignInAsync(client, "locky", "wrong password " + i);
            Assert.NotEqual(HttpStatusCode.Redirect, wrong.StatusCode);
        }

        using var right = await PostSignInAsync(client, "locky", WebFixture.Password);

        Assert.Equal(HttpStatusCode.Forbidden, right.StatusCode);
        Assert.Contains("locked", await right.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.NotNull((await web.Worklist.FindUserAsync("locky"))!.LockedUntil);
    }

    [Fact]
    public async Task SignIn_MoreAttemptsThanTheLimit_AreRefusedWith429()
    {
        var folder = Directory.CreateTempSubdirectory("cashapp-web-limit-").FullName;
        var keyFile = Path.Combine(folder, "keys.txt");
        await File.WriteAllLinesAsync(keyFile, [ApiKeyRing.FileLine(ApiKeyRing.NewKey(), Role.Admin)]);
        var options = new ServeOptions
        {
            Urls = ["http://127.0.0.1:0"],
            WebUrls = ["http://127.0.0.1:0"],
            DbPath = Path.Combine(folder, "cashapp.db"),
            ApiKeysPath = keyFile,
            SignInsPerMinute = 3,
            ConfigurationArgs = ["--Logging:LogLevel:Default=Warning"],
        };
        await using var app = await CashAppHost.BuildAsync(options);
        await app.StartAsync();
        var address = app.Services.GetRequiredService<WorklistWeb.WebAddresses>().Bound(options.WebUrls).Single();
        using var client = NewClient(address);

        var statuses = new List<HttpStatusCode>();
        for (var i = 0; i < 4; i++)
        {
            using var response = await PostSignInAsync(client, "nobody", "whatever password");
            statuses.Add(response.StatusCode);
        }

        await app.StopAsync();
        Assert.Equal([HttpStatusCode.Unauthorized, HttpStatusCode.Unauthorized, HttpStatusCode.Unauthorized, HttpStatusCode.TooManyRequests], statuses);
    }

    private static HttpClient NewClient(Uri address) =>
        new(new HttpClientHandler { CookieContainer = new CookieContainer(), AllowAutoRedirect = false }) { BaseAddress = address };

    private static async Task<(HttpClient Client, HttpResponseMessage SignIn)> SignedInAsync(Uri address, string name)
    {
        var client = NewClient(address);
        var response = await PostSignInAsync(client, name, WebFixture.Password);
        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        return (client, response);
    }

    private static async Task<HttpResponseMessage> PostSignInAsync(HttpClient client, string name, string password)
    {
        var page = await client.GetStringAsync("/signin");
        var token = Token().Match(page).Groups[1].Value;
        using var form = new FormUrlEncodedContent([new("Name", name), new("Password", password), new("__csrf", token)]);
        return await client.PostAsync("/signin", form);
    }

    [GeneratedRegex("name=\"__csrf\" type=\"hidden\" value=\"([^\"]+)\"")]
    private static partial Regex Token();
}
