using System.Globalization;
using CashApp.Engine.Matching;
using CashApp.Engine.Model;
using CashApp.Parsers.Common;
using CashApp.Parsers.Currency;
using CashApp.Store;
using V1 = CashApp.Grpc.V1;

namespace CashApp.Grpc.Tests.Server;

/// <summary>
/// The served snapshot is carried forward across this server's writes (issue 16): after any sequence of
/// committed matches and AR corrections it decides exactly as a matcher over a fresh read of the store, and
/// it was read in full once.
/// </summary>
public sealed class LiveSnapshotTests
{
    private static readonly CurrencyCode Usd = new("USD");

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    public async Task Writes_AmountsOnly_CarriedForwardAndSameAsAFreshRead(int seed)
    {
        await using var server = new OwnServer();
        await server.InitializeAsync();
        var random = new Random(seed);
        // Ten customers, six invoices and a credit memo each, in two numbering series; a customer in five has no record.
        var items = new List<V1.OpenItem>();
        for (var c = 0; c < 10; c++)
        {
            for (var n = 0; n < 7; n++)
            {
                var item = MatchingTests.Invoice($"S{c:D2}-{n}", $"SC{c}", (n % 2 == 0 ? "INV-" : "DOC-") + (40_000 + (c * 10) + n).ToString(CultureInfo.InvariantCulture), 1_000_00 + (random.Next(1, 90) * 1_00));
                item.CustomerName = $"Snapshot Customer {c} Ltd";
                if (n == 6)
                {
                    item.DocType = V1.DocType.CreditMemo;
                    item.OpenAmountMinor = -50_00;
                }

                items.Add(item);
            }
        }

        await server.Fixture.Store.UpsertCustomersAsync([.. Enumerable.Range(0, 10).Where(c => c % 5 != 4).Select(c => new Customer($"SC{c}", $"Snapshot Customer {c} Ltd", null, [], []))], "test");
        await server.Fixture.OpenItems("ar-system").UpsertAsync(items);
        var probes = Probes(items);
        await AssertSameAsFreshAsync(server, probes, "after the first read");
        var loads = server.Fixture.Matcher.FullLoads;

        for (var round = 0; round < 6; round++)
        {
            if (random.Next(2) == 0)
            {
                // A committed match: pays some items in full, some in part.
                var request = new V1.MatchRequest { Commit = true };
                foreach (var item in items.Where(i => i.OpenAmountMinor > 0).OrderBy(_ => random.Next()).Take(random.Next(1, 5)))
                {
                    var open = (await server.Fixture.OpenItems("ar-system").GetAsync(new V1.GetOpenItemRequest { ItemId = item.ItemId })).OpenAmountMinor;
                    if (open > 0)
                    {
                        request.Payments.Add(MatchingTests.Payment($"SNAP-{seed}-{round}-{item.ItemId}", random.Next(3) == 0 ? open - 10_00 : open, item.InvoiceNumber));
                    }
                }

                if (request.Payments.Count > 0)
                {
                    await server.Fixture.Matching("ar-system").MatchAsync(request);
                }
            }
            else
            {
                // An AR correction: new open amounts for known items, some closed.
                var changed = items.OrderBy(_ => random.Next()).Take(random.Next(1, 6)).Select(i =>
                {
                    var copy = i.Clone();
                    copy.OpenAmountMinor = random.Next(4) == 0 ? 0 : i.OpenAmountMinor > 0 ? i.OpenAmountMinor + (random.Next(-5, 5) * 1_00) : i.OpenAmountMinor;
                    return copy;
                }).ToList();
                await server.Fixture.OpenItems("ar-system").UpsertAsync(changed);
            }

            await AssertSameAsFreshAsync(server, probes, $"after round {round}");
        }

        Assert.Equal(loads, server.Fixture.Matcher.FullLoads);
        Assert.True(server.Fixture.Matcher.CarriedForward >= 6, $"{server.Fixture.Matcher.CarriedForward} generations carried forward");
    }

    [Fact]
    public async Task Upsert_NewItems_CarriedForwardAndMatchedThroughGrpc()
    {
        await using var server = new OwnServer();
        await server.InitializeAsync();
        await server.Fixture.Store.UpsertCustomersAsync([new Customer("NC", "Newitem Customer Ltd", null, [], [])], "test");
        await server.Fixture.OpenItems("ar-system").UpsertAsync(
            [MatchingTests.Invoice("M-1", "OTHER", "INV-88000", 10_00), MatchingTests.Invoice("N-1", "NC", "INV-77001", 500_00), MatchingTests.Invoice("N-2", "NC", "INV-77002", 450_00)]);
        await AssertSameAsFreshAsync(server, [Paid("NP-1", 600_00, "INV-77003")], "before");
        var (loads, carried) = (server.Fixture.Matcher.FullLoads, server.Fixture.Matcher.CarriedForward);

        // New invoices: one quoting a number of its own, one sharing N-1's number, one of a customer known only from its items.
        var shared = MatchingTests.Invoice("N-4", "NC", "INV-77001", 321_00);
        var other = MatchingTests.Invoice("N-5", "OTHER", "INV-88001", 99_00);
        await server.Fixture.OpenItems("ar-system").UpsertAsync([MatchingTests.Invoice("N-3", "NC", "INV-77003", 600_00), shared, other]);
        var response = await server.Fixture.Matching("ar-system").MatchAsync(new V1.MatchRequest { Payments = { MatchingTests.Payment("NP-1", 600_00, "INV-77003") } });

        Assert.Equal(("N-3", 600_00L), (Assert.Single(response.Applications).ItemId, response.Applications[0].AmountMinor));
        Assert.Equal(loads, server.Fixture.Matcher.FullLoads);
        Assert.Equal(carried + 1, server.Fixture.Matcher.CarriedForward);
        await AssertSameAsFreshAsync(server, [Paid("NP-1", 600_00, "INV-77003"), Paid("NP-2", 321_00, "INV-77001"), Paid("NP-3", 99_00, "INV-88001")], "after");
        Assert.Equal(loads, server.Fixture.Matcher.FullLoads);
    }

    [Fact]
    public async Task Upsert_NewItemAmongKnownIds_CarriedForwardAndMatched()
    {
        await using var server = new OwnServer();
        await server.InitializeAsync();
        await server.Fixture.OpenItems("ar-system").UpsertAsync([MatchingTests.Invoice("N-1", "NC", "INV-77001", 500_00), MatchingTests.Invoice("N-3", "NC", "INV-77003", 700_00)]);
        await AssertSameAsFreshAsync(server, [Paid("NP-1", 600_00, "INV-77002")], "before");
        var (loads, carried, refused) = (server.Fixture.Matcher.FullLoads, server.Fixture.Matcher.CarriedForward, server.Fixture.Matcher.CarryRefused);

        // N-2 sorts between N-1 and N-3: the generation numbers it after N-3 and ranks it between them, as a fresh read
        // orders it. A payment of N-3 and N-2 (quoted in that order) is applied line by line in id order: N-2 first.
        await server.Fixture.OpenItems("ar-system").UpsertAsync([MatchingTests.Invoice("N-2", "NC", "INV-77002", 600_00)]);
        var both = new Payment("NP-2", new Money(1_300_00, Usd), "Somebody", null, [new RemittanceLine("INV-77003", null), new RemittanceLine("INV-77002", null)], null, "probe", 2);
        var applied = await AssertSameAsFreshAsync(server, [Paid("NP-1", 600_00, "INV-77002")], "after");
        var appliedBoth = await AssertSameAsFreshAsync(server, [both], "after, both");

        Assert.Equal("N-2", Assert.Single(applied.Applications).ItemId);
        Assert.Equal(["N-2", "N-3"], appliedBoth.Applications.Select(a => a.ItemId));
        Assert.Equal((loads, carried + 1, refused), (server.Fixture.Matcher.FullLoads, server.Fixture.Matcher.CarriedForward, server.Fixture.Matcher.CarryRefused));
    }

    [Fact]
    public async Task Upsert_CustomersUnchanged_KeepsTheSnapshotARenamedOneIsCarriedAndANewIdAmongTheKnownReadsInFull()
    {
        await using var server = new OwnServer();
        await server.InitializeAsync();
        var known = new V1.Customer { CustomerId = "UC", Name = "Unchanged Customer Ltd" };
        await server.Fixture.Customers("ar-system").UpsertAsync([known]);
        await server.Fixture.OpenItems("ar-system").UpsertAsync([MatchingTests.Invoice("U-1", "UC", "INV-66001", 500_00)]);
        await AssertSameAsFreshAsync(server, [Paid("UP-1", 500_00, "INV-66001")], "before");
        var (loads, refused) = (server.Fixture.Matcher.FullLoads, server.Fixture.Matcher.CarryRefused);

        await server.Fixture.Customers("ar-system").UpsertAsync([known]);
        await AssertSameAsFreshAsync(server, [Paid("UP-1", 500_00, "INV-66001")], "after the same customer again");
        Assert.Equal(loads, server.Fixture.Matcher.FullLoads);

        // Renamed: carried forward, found by its new name, with no read of the ledger.
        await server.Fixture.Customers("ar-system").UpsertAsync([new V1.Customer { CustomerId = "UC", Name = "Renamed Payer GmbH" }]);
        var byName = new Payment("UP-2", new Money(500_00, Usd), "Renamed Payer GmbH", null, [], null, "probe", 2);
        var applied = await AssertSameAsFreshAsync(server, [byName], "after the customer was renamed");
        Assert.Equal("U-1", Assert.Single(applied.Applications).ItemId);
        Assert.Equal((loads, refused), (server.Fixture.Matcher.FullLoads, server.Fixture.Matcher.CarryRefused));

        // A new id sorting before a known one: customers are numbered in id order, so the ledger is read anew, and the refusal counted.
        await server.Fixture.Customers("ar-system").UpsertAsync([new V1.Customer { CustomerId = "UB", Name = "Before Unchanged Ltd" }]);
        await AssertSameAsFreshAsync(server, [byName], "after a new id among the known ones");
        Assert.Equal((loads + 1, refused + 1), (server.Fixture.Matcher.FullLoads, server.Fixture.Matcher.CarryRefused));
    }

    /// <summary>
    /// An AR system sends all its customers again with one new one: only the new one is handed to the matcher and carried
    /// forward. Were every id sent counted as changed, more than <see cref="Grpc.Matching.LiveMatcher.MaxChangedItems"/>
    /// of them would make the next call read the whole ledger instead. (One batch, no poll: what the upsert hands over
    /// is all the matcher gets.)
    /// </summary>
    [Fact]
    public async Task Upsert_AllCustomersAgainWithOneNew_OnlyTheNewOneCarriedForward()
    {
        await using var server = new OwnServer(o => o with { UpsertBatchSize = 20_000, PollChanges = TimeSpan.Zero });
        await server.InitializeAsync();
        var customers = Enumerable.Range(0, Grpc.Matching.LiveMatcher.MaxChangedItems + 1)
            .Select(c => new V1.Customer { CustomerId = $"AC-{c:D6}", Name = $"Again Customer {c} Ltd" })
            .ToList();
        await server.Fixture.Customers("ar-system").UpsertAsync(customers);
        await server.Fixture.Matcher.SnapshotAsync(CancellationToken.None);
        var (loads, carried, refused) = (server.Fixture.Matcher.FullLoads, server.Fixture.Matcher.CarriedForward, server.Fixture.Matcher.CarryRefused);

        var added = new V1.Customer { CustomerId = "AC-999999", Name = "Latecomer Pulleys Ltd" };
        var summary = await server.Fixture.Customers("ar-system").UpsertAsync([.. customers, added]);
        var snapshot = await server.Fixture.Matcher.SnapshotAsync(CancellationToken.None);

        Assert.Equal((1, 0, customers.Count), (summary.Inserted, summary.Updated, summary.Unchanged));
        Assert.Contains(snapshot.Customers, c => c.CustomerId == added.CustomerId);
        Assert.Equal((loads, carried + 1, refused), (server.Fixture.Matcher.FullLoads, server.Fixture.Matcher.CarriedForward, server.Fixture.Matcher.CarryRefused));
    }

    /// <summary>The same for open items: all sent again with one new one, only the new one is read and carried forward.</summary>
    [Fact]
    public async Task Upsert_AllItemsAgainWithOneNew_OnlyTheNewOneCarriedForward()
    {
        await using var server = new OwnServer(o => o with { UpsertBatchSize = 20_000, PollChanges = TimeSpan.Zero });
        await server.InitializeAsync();
        var items = Enumerable.Range(0, Grpc.Matching.LiveMatcher.MaxChangedItems + 1)
            .Select(i => MatchingTests.Invoice($"AI-{i:D6}", "AIC", "INV-A" + i.ToString("D6", CultureInfo.InvariantCulture), 100_00 + i))
            .ToList();
        await server.Fixture.Customers("ar-system").UpsertAsync([new V1.Customer { CustomerId = "AIC", Name = "Again Items Co" }]);
        await server.Fixture.OpenItems("ar-system").UpsertAsync(items);
        await server.Fixture.Matcher.SnapshotAsync(CancellationToken.None);
        var (loads, carried, refused) = (server.Fixture.Matcher.FullLoads, server.Fixture.Matcher.CarriedForward, server.Fixture.Matcher.CarryRefused);

        var added = MatchingTests.Invoice("AI-999999", "AIC", "INV-A999999", 77_77);
        var summary = await server.Fixture.OpenItems("ar-system").UpsertAsync([.. items, added]);
        var matched = await server.Fixture.Matching("ar-system").MatchAsync(new V1.MatchRequest { Payments = { MatchingTests.Payment("AIP-1", 77_77, "INV-A999999") } });

        Assert.Equal((1, 0, items.Count), (summary.Inserted, summary.Updated, summary.Unchanged));
        Assert.Equal("AI-999999", Assert.Single(matched.Applications).ItemId);
        Assert.Equal((loads, carried + 1, refused), (server.Fixture.Matcher.FullLoads, server.Fixture.Matcher.CarriedForward, server.Fixture.Matcher.CarryRefused));
    }

    /// <summary>
    /// A new customer upserted with its items, then a payment naming it only by name (no reference, no account): applied
    /// through gRPC by a generation carried forward, without reading the ledger again, and as a fresh read decides.
    /// </summary>
    [Fact]
    public async Task Upsert_NewCustomerWithItems_CarriedForwardAndMatchedByNameThroughGrpc()
    {
        await using var server = new OwnServer();
        await server.InitializeAsync();
        await server.Fixture.Customers("ar-system").UpsertAsync([new V1.Customer { CustomerId = "KA", Name = "Known Anchor Ltd" }]);
        await server.Fixture.OpenItems("ar-system").UpsertAsync([MatchingTests.Invoice("K-1", "KA", "INV-55001", 400_00)]);
        await AssertSameAsFreshAsync(server, [Paid("KP-1", 400_00, "INV-55001")], "before");
        var (loads, carried, refused) = (server.Fixture.Matcher.FullLoads, server.Fixture.Matcher.CarriedForward, server.Fixture.Matcher.CarryRefused);

        await server.Fixture.Customers("ar-system").UpsertAsync([new V1.Customer
        {
            CustomerId = "KB", Name = "Brandnew Harbour Traders GmbH", Aliases = { "BHT Trading" }, BankAccounts = { "DE89370400440532013000" },
        }]);
        var item = MatchingTests.Invoice("K-2", "KB", "INV-55002", 812_34);
        item.CustomerName = "Brandnew Harbour Traders GmbH";
        await server.Fixture.OpenItems("ar-system").UpsertAsync([item]);
        var response = await server.Fixture.Matching("ar-system").MatchAsync(new V1.MatchRequest
        {
            Payments = { new V1.Payment { PaymentRef = "KP-2", AmountMinor = 812_34, Currency = "USD", PayerName = "BRANDNEW HARBOUR TRADERS" } },
        });

        Assert.Equal(("K-2", 812_34L), (Assert.Single(response.Applications).ItemId, response.Applications[0].AmountMinor));
        // Carried forward, at least once: the server's change poll may carry the customer before the item is upserted.
        Assert.Equal((loads, refused), (server.Fixture.Matcher.FullLoads, server.Fixture.Matcher.CarryRefused));
        Assert.InRange(server.Fixture.Matcher.CarriedForward, carried + 1, carried + 2);
        var byAlias = new Payment("KP-3", new Money(812_34, Usd), "BHT Trading", null, [], null, "probe", 3);
        var byAccount = new Payment("KP-4", new Money(812_34, Usd), null, "DE89370400440532013000", [], null, "probe", 4);
        await AssertSameAsFreshAsync(server, [byAlias], "after, by alias");
        await AssertSameAsFreshAsync(server, [byAccount], "after, by account");
        Assert.Equal(loads, server.Fixture.Matcher.FullLoads);
    }

    /// <summary>
    /// A known customer given a bank account, then a payment from that account alone (no name, no reference): applied
    /// through gRPC by a generation carried forward, without reading the ledger again, and as a fresh read decides; the
    /// account taken away again, the payment is no longer the customer's.
    /// </summary>
    [Fact]
    public async Task Upsert_AccountAddedToAKnownCustomer_CarriedForwardAndMatchedByAccountThroughGrpc()
    {
        await using var server = new OwnServer();
        await server.InitializeAsync();
        var known = new V1.Customer { CustomerId = "KA", Name = "Known Anchor Ltd" };
        await server.Fixture.Customers("ar-system").UpsertAsync([known]);
        await server.Fixture.OpenItems("ar-system").UpsertAsync([MatchingTests.Invoice("K-1", "KA", "INV-55001", 400_00), MatchingTests.Invoice("K-2", "KA", "INV-55002", 731_20)]);
        var payment = new V1.Payment { PaymentRef = "KP-1", AmountMinor = 731_20, Currency = "USD", PayerAccount = "DE89370400440532013000" };
        var before = await server.Fixture.Matching("ar-system").MatchAsync(new V1.MatchRequest { Payments = { payment } });
        Assert.Empty(before.Applications);
        var (loads, carried, refused) = (server.Fixture.Matcher.FullLoads, server.Fixture.Matcher.CarriedForward, server.Fixture.Matcher.CarryRefused);

        var withAccount = known.Clone();
        withAccount.BankAccounts.Add("DE89370400440532013000");
        await server.Fixture.Customers("ar-system").UpsertAsync([withAccount]);
        var response = await server.Fixture.Matching("ar-system").MatchAsync(new V1.MatchRequest { Payments = { payment } });

        Assert.Equal(("K-2", 731_20L), (Assert.Single(response.Applications).ItemId, response.Applications[0].AmountMinor));
        Assert.Equal((loads, refused), (server.Fixture.Matcher.FullLoads, server.Fixture.Matcher.CarryRefused));
        Assert.InRange(server.Fixture.Matcher.CarriedForward, carried + 1, carried + 2);
        var byAccount = new Payment("KP-1", new Money(731_20, Usd), null, "DE89370400440532013000", [], null, "probe", 1);
        await AssertSameAsFreshAsync(server, [byAccount], "after the account was added");

        await server.Fixture.Customers("ar-system").UpsertAsync([known]);
        var again = await AssertSameAsFreshAsync(server, [byAccount], "after the account was taken away");
        Assert.Empty(again.Applications);
        Assert.Equal((loads, refused), (server.Fixture.Matcher.FullLoads, server.Fixture.Matcher.CarryRefused));
    }

    private static Payment Paid(string reference, long minor, string quoted) =>
        new(reference, new Money(minor, Usd), "Somebody", null, [new RemittanceLine(quoted, null)], null, "probe", 1);

    private static List<Payment> Probes(List<V1.OpenItem> items) =>
        [.. items.SelectMany((item, n) => new[]
        {
            new Payment($"PR-{n:D3}A", new Money(Math.Abs(item.OpenAmountMinor), Usd), item.CustomerName, null, [new RemittanceLine(item.InvoiceNumber, null)], null, "probe", (2 * n) + 1),
            new Payment($"PR-{n:D3}B", new Money(Math.Abs(item.OpenAmountMinor) - 3_00, Usd), n % 3 == 0 ? "Unknown Payer" : item.CustomerName, null, [], n % 2 == 0 ? "REF " + item.InvoiceNumber : null, "probe", (2 * n) + 2),
        })];

    private static async Task<MatchResult> AssertSameAsFreshAsync(OwnServer server, IReadOnlyList<Payment> payments, string when)
    {
        var (served, _) = await server.Fixture.Matcher.MatchAsync(payments, MatchStage.Whole, null, CancellationToken.None);
        var snapshot = await server.Fixture.Store.LoadSnapshotAsync();
        var fresh = new CashMatcher(snapshot.OpenItems, snapshot.Customers, MatchPolicy.Default);
        if (server.Fixture.Store is IPayerRuleStore rules)
        {
            fresh.UsePayerRules(await rules.ListActivePayerRulesAsync());
        }

        Assert.Equal(Text(fresh.Match(payments)), Text(served), ignoreLineEndingDifferences: false);
        Assert.True(served.Applications.Count + served.Exceptions.Count > 0, when);
        return served;
    }

    private static string Text(MatchResult result) => string.Join('\n', result.Applications.Select(a => a.ToString()).Concat(result.Exceptions.Select(e =>
        $"{e.PaymentRef} {e.Unapplied} {e.Reason} {e.Detail} | {string.Join(" | ", e.Suggestions.Select(s => $"{string.Join(',', s.ItemIds)} {s.Score} {s.Why}"))}")));

    private sealed class OwnServer(Func<CashApp.Grpc.Hosting.ServeOptions, CashApp.Grpc.Hosting.ServeOptions>? configure = null) : IAsyncDisposable
    {
        public ServerFixture Fixture { get; } = new(64L * 1024 * 1024, configure: configure);

        public Task InitializeAsync() => Fixture.InitializeAsync();

        public async ValueTask DisposeAsync() => await Fixture.DisposeAsync();
    }
}
