using CashApp.Grpc.Hosting;
using CashApp.Grpc.Security;
using Grpc.Core;
using Grpc.Core.Interceptors;
using Grpc.Net.Client;
using Microsoft.AspNetCore.Builder;
using V1 = CashApp.Grpc.V1;

namespace CashApp.Grpc.Tests.Server;

/// <summary>
/// Payer rules learnt from resolutions, end to end on real servers over one SQLite file: learn, fire and
/// explain; a disagreeing resolution revokes; a shared account is refused; a revoked rule no longer fires;
/// rules survive a restart and two instances see the same rules.
/// </summary>
public sealed class PayerRuleTests : IAsyncLifetime
{
    // An account no customer has on file, and a name no customer's resembles.
    private const string Account = "021000021:555000111";
    private const string LearnedKey = "21000021:555000111";
    private const string PayerName = "ZQX REMIT 77";

    private readonly string _folder = Directory.CreateTempSubdirectory("cashapp-payer-rules-").FullName;
    private readonly Dictionary<string, string> _keys = new(StringComparer.Ordinal);
    private readonly List<Host> _hosts = [];

    public async Task InitializeAsync()
    {
        var lines = new List<string>();
        foreach (var name in Roles.Names)
        {
            Assert.True(Roles.TryParse(name, out var role));
            _keys[name] = ApiKeyRing.NewKey();
            lines.Add(ApiKeyRing.FileLine(_keys[name], role));
        }

        await File.WriteAllLinesAsync(Path.Combine(_folder, "keys.txt"), lines);
    }

    [Fact]
    public async Task Resolve_UnknownAccountRemembered_NextDayAppliedByTheRule_ExplainedWithItsProvenance()
    {
        var server = await StartAsync();
        await SeedAsync(server);
        var exceptionId = await ResolveDayOneAsync(server, "P-1", "INV-N1", remember: null);

        var rule = Assert.Single((await server.Rules().ListAsync(new V1.ListPayerRulesRequest { CustomerId = "C-NORTH", Kind = V1.PayerRuleKind.Account })).Rules);
        Assert.Equal(V1.PayerRuleState.Active, rule.State);
        Assert.Equal(LearnedKey, rule.Key);
        Assert.Equal(exceptionId, rule.ExceptionId);
        Assert.False(rule.Shared);
        Assert.Equal(1, rule.Agreed);

        // The name is learnt too, but a name needs two agreeing resolutions: suggested only.
        var name = Assert.Single((await server.Rules().ListAsync(new V1.ListPayerRulesRequest { Kind = V1.PayerRuleKind.Name })).Rules);
        Assert.Equal(V1.PayerRuleState.Suggested, name.State);

        // Day 2: the same account, no reference, the amount of another of Northwind's items.
        var day2 = await CommitAsync(server, Pay("P-2", 2_345_67));
        var applied = Assert.Single(day2.Applications);
        Assert.Equal("INV-N2", applied.ItemId);
        Assert.Contains($"payer by learned account {LearnedKey} [rule {rule.RuleId}], from the resolution of EXC-{exceptionId} by {rule.ResolvedBy} on ", applied.Explanation, StringComparison.Ordinal);

        var fired = await server.Rules().GetAsync(new V1.GetPayerRuleRequest { RuleId = rule.RuleId });
        Assert.Equal(1, fired.FiredCount);
        Assert.NotNull(fired.LastFiredAt);

        // The rule names the payer; it never applies cash by itself: an amount nothing fits is an exception.
        var nothing = await CommitAsync(server, Pay("P-3", 9_999_01));
        Assert.Empty(nothing.Applications);
        var exception = Assert.Single(nothing.Exceptions);
        Assert.Equal(V1.ExceptionReason.NoMatch, exception.Reason);
        Assert.Contains("payer by learned account", exception.Detail, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Resolve_NameTwiceForTheSameCustomer_MakesTheNameActive_AndItFires()
    {
        var server = await StartAsync();
        await SeedAsync(server);
        static V1.Payment ByName(string reference, long amountMinor) => new() { PaymentRef = reference, AmountMinor = amountMinor, Currency = "USD", PayerName = "ZEPH TRADING 42" };
        await CommitAsync(server, ByName("P-1", 1_234_56));
        await ResolveAsync(server, "P-1", "INV-N1", 1_234_56, remember: true);
        var once = Assert.Single((await server.Rules().ListAsync(new V1.ListPayerRulesRequest { Kind = V1.PayerRuleKind.Name })).Rules);
        Assert.Equal(V1.PayerRuleState.Suggested, once.State);
        Assert.Equal(V1.ExceptionReason.UnknownPayer, Assert.Single((await CommitAsync(server, ByName("P-2", 2_345_67))).Exceptions).Reason);

        // A second resolution agrees: the policy's two for names are met.
        await ResolveAsync(server, "P-2", "INV-N2", 2_345_67, remember: true);
        var twice = await server.Rules().GetAsync(new V1.GetPayerRuleRequest { RuleId = once.RuleId });
        Assert.Equal(V1.PayerRuleState.Active, twice.State);
        Assert.Equal(2, twice.Agreed);
        var applied = Assert.Single((await CommitAsync(server, ByName("P-3", 3_456_78))).Applications);
        Assert.Equal("INV-N3", applied.ItemId);
        Assert.Contains($"payer by learned name ZEPHTRADING42 [rule {once.RuleId}]", applied.Explanation, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Resolve_NotRemembered_LearnsNothing()
    {
        var server = await StartAsync();
        await SeedAsync(server);
        await ResolveDayOneAsync(server, "P-1", "INV-N1", remember: false);

        Assert.Empty((await server.Rules().ListAsync(new V1.ListPayerRulesRequest())).Rules);
        var day2 = await CommitAsync(server, Pay("P-2", 2_345_67));
        Assert.Equal(V1.ExceptionReason.UnknownPayer, Assert.Single(day2.Exceptions).Reason);
    }

    [Fact]
    public async Task Resolve_DisagreeingWithAnActiveRule_RevokesIt_RaisesWhatItDecided_AndTheAccountIsShared()
    {
        var server = await StartAsync();
        await SeedAsync(server);
        await ResolveDayOneAsync(server, "P-1", "INV-N1", remember: true);
        var day2 = await CommitAsync(server, Pay("P-2", 2_345_67));
        Assert.Single(day2.Applications);

        // The same account pays for an unrelated customer: the rule names Northwind, no item of Northwind fits,
        // so the payment is an exception, and a specialist applies it to Fabrikam's invoice.
        var day3 = await CommitAsync(server, Pay("P-4", 4_567_89));
        Assert.Equal(V1.ExceptionReason.NoMatch, Assert.Single(day3.Exceptions).Reason);
        await ResolveAsync(server, "P-4", "INV-F1", 4_567_89, remember: true);

        var rules = (await server.Rules().ListAsync(new V1.ListPayerRulesRequest { Kind = V1.PayerRuleKind.Account })).Rules;
        Assert.Equal(2, rules.Count);
        Assert.All(rules, r => Assert.True(r.Shared));
        Assert.DoesNotContain(rules, r => r.State == V1.PayerRuleState.Active);
        var north = Assert.Single(rules, r => r.CustomerId == "C-NORTH");
        Assert.Equal(V1.PayerRuleState.Revoked, north.State);
        Assert.Equal(1, north.Disagreed);

        // What the rule decided since is raised for review, and the cash stays applied until a person decides.
        var open = (await server.Exceptions().ListAsync(new V1.ListExceptionsRequest { Status = V1.ExceptionStatus.Open, PageSize = 100 })).Exceptions;
        var review = Assert.Single(open, e => e.PaymentRef == "P-2");
        Assert.Equal(V1.ExceptionReason.Conflict, review.Reason);
        Assert.StartsWith("review:", review.Detail, StringComparison.Ordinal);
        Assert.Equal(0, review.UnappliedAmountMinor);

        // Day 4: the shared account identifies nobody; a shared rule cannot be reinstated.
        var day4 = await CommitAsync(server, Pay("P-5", 3_456_78));
        Assert.Equal(V1.ExceptionReason.UnknownPayer, Assert.Single(day4.Exceptions).Reason);
        var refused = await Assert.ThrowsAsync<RpcException>(async () => await server.Rules("specialist").ReinstateAsync(new V1.ReinstatePayerRuleRequest { RuleId = north.RuleId, Reason = "try" }));
        Assert.Equal(StatusCode.FailedPrecondition, refused.StatusCode);
    }

    [Fact]
    public async Task Resolve_AccountSeenPayingForTwoUnrelatedCustomers_IsSharedAndNeverLearnt()
    {
        var server = await StartAsync();
        await SeedAsync(server);
        // A PSP's account: day 1 pays Northwind and Fabrikam, both resolved before anything fired.
        await CommitAsync(server, Pay("P-1", 1_234_56), Pay("P-4", 4_567_89));
        await ResolveAsync(server, "P-1", "INV-N1", 1_234_56, remember: true);
        await ResolveAsync(server, "P-4", "INV-F1", 4_567_89, remember: true);

        var rules = (await server.Rules().ListAsync(new V1.ListPayerRulesRequest { Kind = V1.PayerRuleKind.Account })).Rules;
        Assert.Equal(2, rules.Count);
        Assert.All(rules, r => Assert.True(r.Shared));
        Assert.Empty((await server.Rules().ListAsync(new V1.ListPayerRulesRequest { State = V1.PayerRuleState.Active })).Rules);

        var day2 = await CommitAsync(server, Pay("P-2", 2_345_67));
        Assert.Empty(day2.Applications);
        Assert.Equal(V1.ExceptionReason.UnknownPayer, Assert.Single(day2.Exceptions).Reason);
    }

    [Fact]
    public async Task Resolve_AccountThatAlreadyPaidAnUnrelatedCustomer_IsSharedFromTheStart_AndNeverLearnt()
    {
        var server = await StartAsync();
        await SeedAsync(server);
        // Day 1: the account pays Fabrikam's invoice, quoting it (applied by the reference, no rule involved),
        // and pays something else without a reference, which a specialist applies to Northwind's invoice.
        var quoted = Pay("P-4", 4_567_89);
        quoted.RemittanceText = "INV-F1";
        var day1 = await CommitAsync(server, quoted, Pay("P-1", 1_234_56));
        Assert.Equal("INV-F1", Assert.Single(day1.Applications).ItemId);
        await ResolveAsync(server, "P-1", "INV-N1", 1_234_56, remember: true);

        // Both the account and the printed name paid for two unrelated customers: shared, suggested, never active.
        var rules = (await server.Rules().ListAsync(new V1.ListPayerRulesRequest())).Rules;
        Assert.Contains(rules, r => r.Kind == V1.PayerRuleKind.Account);
        Assert.Contains(rules, r => r.Kind == V1.PayerRuleKind.Name);
        Assert.All(rules, r => Assert.Equal((true, V1.PayerRuleState.Suggested, "C-NORTH"), (r.Shared, r.State, r.CustomerId)));
        var day2 = await CommitAsync(server, Pay("P-2", 2_345_67));
        Assert.Equal(V1.ExceptionReason.UnknownPayer, Assert.Single(day2.Exceptions).Reason);
    }

    [Fact]
    public async Task Revoke_ThenNextDay_BackToExceptions_AndReinstateFiresAgain()
    {
        var server = await StartAsync();
        await SeedAsync(server);
        await ResolveDayOneAsync(server, "P-1", "INV-N1", remember: true);
        var rule = Assert.Single((await server.Rules().ListAsync(new V1.ListPayerRulesRequest { State = V1.PayerRuleState.Active })).Rules);

        var revoked = await server.Rules("specialist").RevokeAsync(new V1.RevokePayerRuleRequest { RuleId = rule.RuleId, Reason = "that account was a one-off" });
        Assert.Equal(V1.PayerRuleState.Revoked, revoked.State);
        var again = await Assert.ThrowsAsync<RpcException>(async () => await server.Rules("specialist").RevokeAsync(new V1.RevokePayerRuleRequest { RuleId = rule.RuleId }));
        Assert.Equal(StatusCode.FailedPrecondition, again.StatusCode);
        var denied = await Assert.ThrowsAsync<RpcException>(async () => await server.Rules("treasury").RevokeAsync(new V1.RevokePayerRuleRequest { RuleId = rule.RuleId }));
        Assert.Equal(StatusCode.PermissionDenied, denied.StatusCode);

        var day2 = await CommitAsync(server, Pay("P-2", 2_345_67));
        Assert.Empty(day2.Applications);
        Assert.Equal(V1.ExceptionReason.UnknownPayer, Assert.Single(day2.Exceptions).Reason);

        await server.Rules("admin").ReinstateAsync(new V1.ReinstatePayerRuleRequest { RuleId = rule.RuleId, Reason = "it is theirs after all" });
        var day3 = await CommitAsync(server, Pay("P-3", 3_456_78));
        Assert.Equal("INV-N3", Assert.Single(day3.Applications).ItemId);

        // The rule's whole story over the API: learnt from the resolution, revoked, reinstated, by whom and why.
        var history = await server.Rules("specialist").HistoryAsync(new V1.GetPayerRuleHistoryRequest { RuleId = rule.RuleId });
        Assert.Equal(rule.RuleId, history.Rule.RuleId);
        Assert.Equal(V1.PayerRuleState.Active, history.Rule.State);
        Assert.Equal(["learned_active", "revoked", "reinstated"], history.Events.Select(e => e.Event));
        Assert.Equal((rule.ExceptionId, rule.ResolvedBy), (history.Events[0].ExceptionId, history.Events[0].Actor));
        Assert.Equal(("", "that account was a one-off"), (history.Events[1].ExceptionId, history.Events[1].Reason));
        Assert.Equal("it is theirs after all", history.Events[2].Reason);
        Assert.All(history.Events, e => Assert.NotNull(e.At));
        var unknown = await Assert.ThrowsAsync<RpcException>(async () => await server.Rules().HistoryAsync(new V1.GetPayerRuleHistoryRequest { RuleId = "999" }));
        Assert.Equal(StatusCode.NotFound, unknown.StatusCode);
    }

    [Fact]
    public async Task Resolve_LearningFailsInsideTheResolution_LeavesNeitherTheResolutionNorARule()
    {
        var server = await StartAsync();
        await SeedAsync(server);
        await CommitAsync(server, Pay("P-1", 1_234_56));
        var exception = Assert.Single((await server.Exceptions().ListAsync(new V1.ListExceptionsRequest { Status = V1.ExceptionStatus.Open })).Exceptions);

        // A fault between the resolution's writes and its commit: the database refuses the rule the resolution teaches.
        await SqlAsync("CREATE TRIGGER fail_learning BEFORE INSERT ON payer_rules BEGIN SELECT RAISE(ABORT, 'injected fault'); END");
        await Assert.ThrowsAsync<RpcException>(async () => await ResolveAsync(server, "P-1", "INV-N1", 1_234_56, remember: true));

        var after = await server.Exceptions().GetAsync(new V1.GetExceptionRequest { ExceptionId = exception.ExceptionId });
        Assert.Equal((V1.ExceptionStatus.Open, exception.RowVersion, 1_234_56L), (after.Status, after.RowVersion, after.UnappliedAmountMinor));
        Assert.Equal("0", await SqlAsync("SELECT COUNT(*) FROM applications"));
        Assert.Equal("0", await SqlAsync("SELECT COUNT(*) FROM payer_rules"));
        Assert.Equal("123456", await SqlAsync("SELECT remaining_minor FROM open_items WHERE item_id = 'INV-N1'"));

        // Without the fault the same decision, on the same row version, resolves and learns, once.
        await SqlAsync("DROP TRIGGER fail_learning");
        await ResolveAsync(server, "P-1", "INV-N1", 1_234_56, remember: true);
        Assert.Equal(V1.PayerRuleState.Active, Assert.Single((await server.Rules().ListAsync(new V1.ListPayerRulesRequest { Kind = V1.PayerRuleKind.Account })).Rules).State);
        Assert.Equal("1", await SqlAsync("SELECT COUNT(*) FROM applications"));
    }

    /// <summary>Runs one statement on the test's SQLite file, beside the server, and returns its first value as text.</summary>
    private async Task<string?> SqlAsync(string sql)
    {
        await using var connection = new Microsoft.Data.Sqlite.SqliteConnection($"Data Source={Path.Combine(_folder, "cashapp.db")};Pooling=False");
        await connection.OpenAsync();
        await using var command = connection.CreateCommand();
        command.CommandText = sql;
        return Convert.ToString(await command.ExecuteScalarAsync(), System.Globalization.CultureInfo.InvariantCulture);
    }

    [Fact]
    public async Task Rules_SurviveARestart_AndTwoInstancesSeeTheSameRules()
    {
        var first = await StartAsync();
        await SeedAsync(first);
        var exceptionId = await ResolveDayOneAsync(first, "P-1", "INV-N1", remember: true);
        var second = await StartAsync();
        await first.StopAsync();

        // The second instance, on the same database, sees the rule the first learnt, and uses it.
        var rule = Assert.Single((await second.Rules().ListAsync(new V1.ListPayerRulesRequest { State = V1.PayerRuleState.Active })).Rules);
        Assert.Equal(exceptionId, rule.ExceptionId);
        Assert.Equal("INV-N2", Assert.Single((await CommitAsync(second, Pay("P-2", 2_345_67))).Applications).ItemId);
        await second.StopAsync();

        // A restart reads them back, with the firing recorded.
        var third = await StartAsync();
        var after = await third.Rules().GetAsync(new V1.GetPayerRuleRequest { RuleId = rule.RuleId });
        Assert.Equal(V1.PayerRuleState.Active, after.State);
        Assert.Equal(1, after.FiredCount);
        Assert.Equal("INV-N3", Assert.Single((await CommitAsync(third, Pay("P-3", 3_456_78))).Applications).ItemId);
    }

    [Fact]
    public async Task Export_WritesTheRules_AndABatchMatchWithThemAppliesWhatWithoutThemIsAnException()
    {
        // The served store learns an ACH originator id (a payer id) from a resolution.
        var server = await StartAsync();
        await SeedAsync(server);
        var day1 = await CommitAsync(server, new V1.Payment { PaymentRef = "P-1", AmountMinor = 1_234_56, Currency = "USD", PayerName = PayerName, PayerId = "9988776655" });
        Assert.Equal(V1.ExceptionReason.UnknownPayer, Assert.Single(day1.Exceptions).Reason);
        await ResolveAsync(server, "P-1", "INV-N1", 1_234_56, remember: true);
        await server.StopAsync();

        var rulesFile = Path.Combine(_folder, "rules.json");
        var code = await CashApp.Grpc.Cli.CashAppCommand.InvokeAsync(["export", "--since", "2000-01-01", "--db", Path.Combine(_folder, "cashapp.db"), "--out", Path.Combine(_folder, "applications.csv"), "--payer-rules", rulesFile]);
        Assert.Equal(0, code);
        Assert.Contains(CashApp.Engine.Matching.PayerRuleFile.Load(rulesFile), r => r.Kind == CashApp.Engine.Matching.PayerRuleKind.PayerId && r.Key == "9988776655" && r.CustomerId == "C-NORTH");

        // A nightly batch day: an ACH credit from that originator, no reference, of another Northwind item's amount.
        await File.WriteAllLinesAsync(Path.Combine(_folder, "open_items.csv"),
        [
            "item_id,doc_type,customer_id,customer_name,invoice_number,po_number,currency,open_amount,doc_date,due_date",
            "INV-N2,INV,C-NORTH,Northwind Pacific Trading,INV-N2,,USD,2345.67,2026-11-02,2026-12-02",
            "INV-F1,INV,C-FAB,Fabrikam Industries,INV-F1,,USD,4567.89,2026-11-02,2026-12-02",
        ]);
        await File.WriteAllLinesAsync(Path.Combine(_folder, "day.bai2"),
        [
            "01,BANK,CASHAPP,261205,0600,1,,,2/",
            "02,CASHAPP,BANK,1,261205,0600,USD,2/",
            "03,1000123456,USD,010,100000,,/",
            "16,165,234567,0,26120500000001,,ORIG CO NAME:ZQX REMIT 77 ORIG ID:9988776655 DESC DATE:261205 ENTRY DESCR:PAYMENTS SEC:CCD/",
            "49,334567,3/",
            "98,334567,1,5/",
            "99,334567,1,7/",
        ]);
        string[] day = ["match", "--open-items", Path.Combine(_folder, "open_items.csv"), "--bank", Path.Combine(_folder, "day.bai2"), "--lenient", "--quiet"];

        Assert.Equal(0, await CashApp.Grpc.Cli.CashAppCommand.InvokeAsync([.. day, "--out", Path.Combine(_folder, "without")]));
        Assert.Contains("unknown_payer", await File.ReadAllTextAsync(Path.Combine(_folder, "without", "exceptions.csv")), StringComparison.Ordinal);

        Assert.Equal(0, await CashApp.Grpc.Cli.CashAppCommand.InvokeAsync([.. day, "--out", Path.Combine(_folder, "with"), "--payer-rules", rulesFile]));
        var applications = await File.ReadAllTextAsync(Path.Combine(_folder, "with", "applications.csv"));
        Assert.Contains("INV-N2", applications, StringComparison.Ordinal);
        Assert.Contains("payer by learned payer_id 9988776655", applications, StringComparison.Ordinal);
    }

    public async Task DisposeAsync()
    {
        foreach (var host in _hosts)
        {
            await host.DisposeAsync();
        }

        try
        {
            Directory.Delete(_folder, recursive: true);
        }
        catch (IOException)
        {
            // A file still held open on a slow shutdown: the temp folder is cleaned by the OS.
        }
    }

    private static V1.Payment Pay(string paymentRef, long amountMinor) => new()
    {
        PaymentRef = paymentRef,
        AmountMinor = amountMinor,
        Currency = "USD",
        PayerName = PayerName,
        PayerAccount = Account,
    };

    private static async Task SeedAsync(Host server)
    {
        await server.Customers().UpsertAsync(
        [
            new V1.Customer { CustomerId = "C-NORTH", Name = "Northwind Pacific Trading" },
            new V1.Customer { CustomerId = "C-FAB", Name = "Fabrikam Industries" },
        ]);
        await server.OpenItems().UpsertAsync(
        [
            Item("INV-N1", "C-NORTH", "Northwind Pacific Trading", 1_234_56),
            Item("INV-N2", "C-NORTH", "Northwind Pacific Trading", 2_345_67),
            Item("INV-N3", "C-NORTH", "Northwind Pacific Trading", 3_456_78),
            Item("INV-F1", "C-FAB", "Fabrikam Industries", 4_567_89),
            Item("INV-F2", "C-FAB", "Fabrikam Industries", 5_678_91),
        ]);
    }

    private static V1.OpenItem Item(string id, string customer, string name, long amountMinor) => new()
    {
        ItemId = id,
        DocType = V1.DocType.Invoice,
        CustomerId = customer,
        CustomerName = name,
        InvoiceNumber = id,
        Currency = "USD",
        OpenAmountMinor = amountMinor,
        DocDate = new Google.Type.Date { Year = 2026, Month = 11, Day = 2 },
        DueDate = new Google.Type.Date { Year = 2026, Month = 12, Day = 2 },
    };

    /// <summary>A day-1 payment from the unknown account goes to exceptions; a specialist applies it to the item. Returns the exception id.</summary>
    private static async Task<string> ResolveDayOneAsync(Host server, string paymentRef, string itemId, bool? remember, long amountMinor = 1_234_56)
    {
        var day1 = await CommitAsync(server, Pay(paymentRef, amountMinor));
        Assert.Empty(day1.Applications);
        Assert.Equal(V1.ExceptionReason.UnknownPayer, Assert.Single(day1.Exceptions).Reason);
        return await ResolveAsync(server, paymentRef, itemId, amountMinor, remember);
    }

    private static async Task<string> ResolveAsync(Host server, string paymentRef, string itemId, long amountMinor, bool? remember)
    {
        var open = (await server.Exceptions().ListAsync(new V1.ListExceptionsRequest { Status = V1.ExceptionStatus.Open, PageSize = 100 })).Exceptions;
        var exception = Assert.Single(open, e => e.PaymentRef == paymentRef);
        var request = new V1.ResolveExceptionRequest
        {
            ExceptionId = exception.ExceptionId,
            ExpectedRowVersion = exception.RowVersion,
            Reason = "the account is the customer's, per their remittance email",
            ApplyToItems = new V1.ApplyToItems { Applications = { new V1.ItemApplication { ItemId = itemId, AmountMinor = amountMinor } } },
        };
        if (remember is { } value)
        {
            request.Remember = value;
        }

        var resolved = await server.Exceptions("specialist").ResolveAsync(request);
        Assert.Equal(V1.ExceptionStatus.Resolved, resolved.Status);
        return exception.ExceptionId;
    }

    private static async Task<V1.MatchResponse> CommitAsync(Host server, params V1.Payment[] payments)
    {
        var request = new V1.MatchRequest { Commit = true };
        request.Payments.AddRange(payments);
        var response = await server.Matching().MatchAsync(request);
        Assert.True(response.Committed);
        return response;
    }

    private async Task<Host> StartAsync()
    {
        var app = await CashAppHost.BuildAsync(new ServeOptions
        {
            Urls = ["http://127.0.0.1:0"],
            DbPath = Path.Combine(_folder, "cashapp.db"),
            ApiKeysPath = Path.Combine(_folder, "keys.txt"),
            ShutdownTimeout = TimeSpan.FromSeconds(10),
            ConfigurationArgs = ["--Logging:LogLevel:Default=Warning"],
        });
        await app.StartAsync();
        var host = new Host(app, GrpcChannel.ForAddress(new Uri(app.Urls.Single())), _keys);
        _hosts.Add(host);
        return host;
    }

    /// <summary>One <c>cashapp serve</c> over the test's database, with a client per role.</summary>
    private sealed class Host(WebApplication app, GrpcChannel channel, Dictionary<string, string> keys) : IAsyncDisposable
    {
        private bool _stopped;

        public V1.PayerRules.PayerRulesClient Rules(string role = "admin") => new(As(role));

        public V1.Exceptions.ExceptionsClient Exceptions(string role = "admin") => new(As(role));

        public V1.Matching.MatchingClient Matching() => new(As("ar-system"));

        public V1.Customers.CustomersClient Customers() => new(As("ar-system"));

        public V1.OpenItems.OpenItemsClient OpenItems() => new(As("ar-system"));

        public async Task StopAsync()
        {
            if (!_stopped)
            {
                _stopped = true;
                channel.Dispose();
                await app.StopAsync();
                await app.DisposeAsync();
            }
        }

        public async ValueTask DisposeAsync() => await StopAsync();

        private CallInvoker As(string role) => channel.Intercept(metadata =>
        {
            metadata.Add("authorization", "Bearer " + keys[role]);
            return metadata;
        });
    }
}
