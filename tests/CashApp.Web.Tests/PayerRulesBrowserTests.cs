using CashApp.Engine.Matching;
using CashApp.Store;
using Deque.AxeCore.Playwright;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace CashApp.Web.Tests;

/// <summary>
/// Learning from the worklist's own decisions, and the rules page: deciding with "remember who paid" makes a
/// payer rule that the rules page shows with where it came from; unticked, nothing is learnt; revoke and
/// reinstate from the page are events in the rule's history.
/// </summary>
[Collection(SharedWebServer.Name)]
public sealed class PayerRulesBrowserTests(WebFixture web)
{
    // The fixture's payer accounts are 021000021:(1000 + the case's index); as rules, without the leading zero.
    private const string RememberedAccount = "21000021:1009";

    [SkippableFact]
    public async Task Decide_WithRememberTicked_MakesARule_TheRulesPageShowsIt_RevokeAndReinstateAreEvents()
    {
        var id = web.Exceptions["remember"];
        var page = await web.NewPageAsync("alice");
        await page.GotoAsync($"/exceptions/{id}");
        // The policy's rememberResolutions (on by default) ticks the box.
        await Expect(page.Locator("#remember")).ToBeCheckedAsync();
        await page.FillAsync("#q", "INV-8001");
        await page.ClickAsync("#search-items");
        await page.Locator("tr.candidate[data-item='INV-8001'] input.take").CheckAsync();
        await Expect(page.Locator("#rest")).ToHaveTextAsync("0.00");
        await page.ClickAsync("#apply");
        await Expect(page.Locator("#message")).ToContainTextAsync("77.00 USD applied");

        var account = Assert.Single((await Rules().ListPayerRulesAsync(new PayerRuleQuery { CustomerId = "C6", Kind = PayerRuleKind.Account })).Items);
        Assert.Equal((RememberedAccount, PayerRuleState.Active, id, "alice"), (account.Key, account.State, account.ExceptionId, account.ResolvedBy));

        // The navigation leads to the rules page; the filters narrow it to the customer's account rules.
        await page.ClickAsync("nav >> text=Payer rules");
        await Expect(page.Locator("h1")).ToHaveTextAsync("Payer rules");
        await page.FillAsync("#f-customer", "C6");
        await page.SelectOptionAsync("#f-kind", "account");
        await page.ClickAsync("#filter");
        var row = page.Locator($"tr.rule[data-rule='{account.RuleId}']");
        await Expect(page.Locator("tr.rule")).ToHaveCountAsync(1);
        await Expect(row.Locator("td.key")).ToHaveTextAsync(RememberedAccount);
        await Expect(row.Locator("td.state")).ToHaveTextAsync("active");
        await Expect(row).ToContainTextAsync($"EXC-{id} by alice");
        await Expect(row.Locator("ol.events")).ToContainTextAsync("learned_active by alice");

        // The name is remembered too, but a name needs two agreeing resolutions: suggested.
        await page.SelectOptionAsync("#f-kind", "name");
        await page.ClickAsync("#filter");
        await Expect(page.Locator("tr.rule td.state")).ToHaveTextAsync("suggested");
        await page.GotoAsync("/rules?customer=C6&kind=account");
        await page.ScreenshotAsync(new PageScreenshotOptions { Path = WebFixture.ScreenshotPath("rules"), FullPage = true });

        // Revoke with a reason that carries markup: an event, shown as text.
        const string Hostile = "<img src=x onerror=\"window.__xss=9\"> one-off";
        await row.Locator("input[name=reason]").Last.FillAsync(Hostile);
        await row.Locator("button.revoke").ClickAsync();
        await Expect(page.Locator("[role=status]")).ToContainTextAsync($"Payer rule {account.RuleId} revoked");
        await Expect(row.Locator("td.state")).ToHaveTextAsync("revoked");
        await Expect(row.Locator("ol.events li").Last).ToContainTextAsync("revoked by alice: " + Hostile);
        Assert.Equal("undefined", await page.EvaluateAsync<string>("() => typeof window.__xss"));
        Assert.Equal(PayerRuleState.Revoked, (await Rules().GetPayerRuleAsync(account.RuleId))!.State);

        await row.Locator("button.reinstate").ClickAsync();
        await Expect(row.Locator("td.state")).ToHaveTextAsync("active");
        var events = await Rules().ListPayerRuleEventsAsync(account.RuleId);
        Assert.Equal(["learned_active", "revoked", "reinstated"], events.Select(e => e.Event));
        Assert.All(events, e => Assert.Equal("alice", e.Actor));
        await page.Context.CloseAsync();
    }

    [SkippableFact]
    public async Task Decide_WithRememberUnticked_LearnsNothing()
    {
        var id = web.Exceptions["forget"];
        var page = await web.NewPageAsync("bob");
        await page.GotoAsync($"/exceptions/{id}");
        await page.FillAsync("#q", "INV-8101");
        await page.ClickAsync("#search-items");
        await page.Locator("tr.candidate[data-item='INV-8101'] input.take").CheckAsync();
        await page.Locator("#remember").UncheckAsync();
        await page.ClickAsync("#apply");
        await Expect(page.Locator("#message")).ToContainTextAsync("88.00 USD applied");

        Assert.Equal(ExceptionStatus.Resolved, (await web.Store.GetExceptionAsync(id))!.Status);
        Assert.Empty((await Rules().ListPayerRulesAsync(new PayerRuleQuery { CustomerId = "C7" })).Items);
        await page.GotoAsync("/rules?customer=C7");
        await Expect(page.Locator("#no-rules")).ToBeVisibleAsync();
        await page.Context.CloseAsync();
    }

    [SkippableFact]
    public async Task RulesPage_SignedOutLeadsToSignIn_AndSignedInHasNoSeriousOrCriticalViolations()
    {
        var signedOut = await web.NewPageAsync(null);
        await signedOut.GotoAsync("/rules");
        Assert.Equal("/signin", new Uri(signedOut.Url).AbsolutePath);
        await signedOut.Context.CloseAsync();

        var page = await web.NewPageAsync("root");
        foreach (var path in new[] { "/rules", "/rules?state=revoked&kind=name&customer=C1" })
        {
            await page.GotoAsync(path);
            var result = await page.RunAxe();
            var bad = result.Violations.Where(v => v.Impact is "serious" or "critical").Select(v => $"{path}: {v.Id} ({v.Impact}) {v.Help} at {string.Join(", ", v.Nodes.Select(n => n.Target.ToString()))}").ToList();
            Assert.True(bad.Count == 0, string.Join(Environment.NewLine, bad));
        }

        await page.Context.CloseAsync();
    }

    private IPayerRuleStore Rules() => (IPayerRuleStore)web.Store;
}
