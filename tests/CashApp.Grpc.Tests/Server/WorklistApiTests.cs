using CashApp.Engine.Model;
using CashApp.Parsers.Common;
using CashApp.Parsers.Currency;
using CashApp.Store;
using Grpc.Core;
using V1 = CashApp.Grpc.V1;

namespace CashApp.Grpc.Tests.Server;

/// <summary>
/// The Exceptions service's worklist operations (the page's twins) on a server of their own: search with
/// counts, decide with write-off codes and tolerance, reopen, notes and history, bulk assign and accept, item search.
/// </summary>
public sealed class WorklistApiTests(ServerFixture server) : IClassFixture<ServerFixture>, IAsyncLifetime
{
    private readonly Dictionary<string, string> _ids = new(StringComparer.Ordinal);

    public async Task InitializeAsync()
    {
        var usd = new CurrencyCode("USD");
        var day = new DateOnly(2026, 11, 1);
        await server.Store.UpsertCustomersAsync([new Customer("W1", "Wingtip Toys", null, [], []), new Customer("W2", "Wingtip West", "W1", [], []), new Customer("X1", "Other Co", null, [], []), new Customer("R1", "Ranked Parent", null, [], []), new Customer("R2", "Ranked Child", "R1", [], []), new Customer("R9", "Rival Co", null, [], [])], "test");
        await server.Store.UpsertOpenItemsAsync(
            [
                new OpenItem("WI-1", DocType.Invoice, "W1", "Wingtip Toys", "WI-1", null, usd, 100_00, day, day),
                new OpenItem("WI-2", DocType.Invoice, "W2", "Wingtip West", "WI-2", null, usd, 200_00, day, day),
                new OpenItem("XI-1", DocType.Invoice, "X1", "Other Co", "XI-1", null, usd, 200_00, day, day),
                new OpenItem("RI-1", DocType.Invoice, "R1", "Ranked Parent", "RI-1", null, usd, 100_00, day, day),
                new OpenItem("RI-2", DocType.Invoice, "R2", "Ranked Child", "RI-2", null, usd, 200_00, day, day),
                new OpenItem("RX-1", DocType.Invoice, "R9", "Rival Co", "RX-1", null, usd, 200_00, day, day),
            ],
            "test");
        var cases = new (string Ref, long Minor, string Payer, ExceptionReason Reason, Suggestion[] Suggestions)[]
        {
            ("W-ACCEPT", 100_00, "WINGTIP TOYS", ExceptionReason.NoMatch, [new Suggestion(["WI-1"], new MatchScore(0.95), "amount equal")]),
            ("W-LOW", 200_00, "WINGTIP WEST", ExceptionReason.NoMatch, [new Suggestion(["WI-2"], new MatchScore(0.5), "amount equal, name weak")]),
            ("W-OVER", 200_40, "OTHER CO", ExceptionReason.Overpayment, [new Suggestion(["XI-1"], new MatchScore(0.8), "reference")]),
            ("W-UNKNOWN", 5_00, "NOBODY KNOWN", ExceptionReason.UnknownPayer, []),
            ("W-S1", 300_00, "SEARCHABLE ONE", ExceptionReason.NoMatch, []),
            ("W-S2", 1_00, "SEARCHABLE TWO", ExceptionReason.UnknownPayer, []),
            ("W-RANK", 300_00, "RANKED CHILD", ExceptionReason.Ambiguous,
            [
                new Suggestion(["RI-1", "RI-2"], new MatchScore(0.7), "RI-1 + RI-2 by reference"),
                new Suggestion(["RI-2"], new MatchScore(0.6), "near 'RI-1' (1 edit)"),
                new Suggestion(["RX-1"], new MatchScore(0.6), "near 'RI-1' (1 edit)"),
            ]),
        };
        await server.Store.StoreIngestAsync(new IngestBatch
        {
            FileName = "worklist-api.bai2",
            ContentHash = new string('b', 64),
            Format = BankFileFormat.Bai2,
            Actor = "test",
            Credits = [.. cases.Select((c, i) => new BankTransaction { PaymentRef = c.Ref, Direction = Direction.Credit, AmountMinor = c.Minor, Currency = "USD", Format = BankFileFormat.Bai2, SourceFile = "worklist-api.bai2", LineNumber = i + 1, PayerName = c.Payer, PayerId = c.Ref == "W-RANK" ? "R2" : null })],
            Applications = [],
            Exceptions = [.. cases.Select(c => new ExceptionCase(c.Ref, new Money(c.Minor, usd), c.Reason, "test", c.Suggestions))],
        });
        foreach (var e in (await server.Store.ListExceptionsAsync(new ExceptionQuery { Take = 1000 })).Items)
        {
            _ids[e.PaymentRef] = e.Id.ToString(System.Globalization.CultureInfo.InvariantCulture);
        }
    }

    public Task DisposeAsync() => Task.CompletedTask;

    [Fact]
    public async Task Search_TextReasonAndUnassigned_FilterWithCountsByReason()
    {
        var client = server.Exceptions("specialist");

        var both = await client.SearchAsync(new V1.SearchExceptionsRequest { Text = "searchable", Unassigned = true });
        var unknown = await client.SearchAsync(new V1.SearchExceptionsRequest { Text = "searchable", Reason = V1.ExceptionReason.UnknownPayer });
        var largest = await client.SearchAsync(new V1.SearchExceptionsRequest { Text = "Searchable", Sort = V1.WorklistSort.Unapplied, Descending = true, PageSize = 1 });
        var nobody = await client.SearchAsync(new V1.SearchExceptionsRequest { Text = "searchable", Assignee = "nobody-at-all" });

        Assert.Equal(["W-S1", "W-S2"], both.Exceptions.Select(e => e.PaymentRef).Order());
        Assert.Equal([(V1.ExceptionReason.UnknownPayer, 1L), (V1.ExceptionReason.NoMatch, 1L)], both.Counts.Select(c => (c.Reason, c.Count)).OrderBy(c => c.Item1 == V1.ExceptionReason.NoMatch));
        Assert.Equal("W-S2", Assert.Single(unknown.Exceptions).PaymentRef);
        Assert.Equal(("W-S1", 2L), (Assert.Single(largest.Exceptions).PaymentRef, largest.TotalCount));
        Assert.Empty(nobody.Exceptions);
    }

    [Fact]
    public async Task Get_Suggestions_SayWhyEachRanksBelowTheOneAbove()
    {
        var ranked = await server.Exceptions("specialist").GetAsync(new V1.GetExceptionRequest { ExceptionId = _ids["W-RANK"] });

        Assert.Equal(
            [
                "",
                "covers 200.00 of 300.00, 100.00 short; reference near match (1 edit) instead of exact (confidence 60% against 70%)",
                "the items belong to another family (R9 Rival Co) than the payer's",
            ],
            ranked.Suggestions.Select(s => s.RanksLowerBecause));
    }

    [Fact]
    public async Task Decide_WriteOff_NeedsAKnownReasonCodeAndStaysWithinTheTolerance()
    {
        var client = server.Exceptions("specialist");
        var policy = await client.WriteOffPolicyAsync(new V1.WriteOffPolicyRequest());
        var over = await client.GetAsync(new V1.GetExceptionRequest { ExceptionId = _ids["W-OVER"] });
        var request = new V1.DecideExceptionRequest
        {
            ExceptionId = over.ExceptionId,
            ExpectedRowVersion = over.RowVersion,
            Applications = { new V1.ItemApplication { ItemId = "XI-1", AmountMinor = 200_00 } },
            Rest = V1.RestDisposition.WriteOff,
            WriteOffReasonCode = "because",
            Reason = "40 cents over",
        };

        var unknownCode = await Assert.ThrowsAsync<RpcException>(() => client.DecideAsync(request).ResponseAsync);
        request.WriteOffReasonCode = policy.ReasonCodes[0];
        var decided = await client.DecideAsync(request);

        Assert.Equal(StatusCode.InvalidArgument, unknownCode.StatusCode);
        Assert.True(policy.MaxWriteOffMinor >= 40);
        Assert.Equal((V1.ExceptionStatus.Resolved, V1.ResolutionKind.WriteOff, 40L), (decided.Status, decided.Resolution, decided.UnappliedAmountMinor));
    }

    [Fact]
    public async Task DecideReopenAndNote_HistoryTellsEachWithItsActor()
    {
        var client = server.Exceptions("specialist");
        var low = await client.GetAsync(new V1.GetExceptionRequest { ExceptionId = _ids["W-LOW"] });
        var decided = await client.DecideAsync(new V1.DecideExceptionRequest
        {
            ExceptionId = low.ExceptionId,
            ExpectedRowVersion = low.RowVersion,
            Applications = { new V1.ItemApplication { ItemId = "WI-2", AmountMinor = 200_00 } },
            Reason = "confirmed by phone",
        });
        var stale = await Assert.ThrowsAsync<RpcException>(() => client.ReopenAsync(new V1.ReopenExceptionRequest { ExceptionId = low.ExceptionId, ExpectedRowVersion = low.RowVersion, Reason = "x" }).ResponseAsync);
        var reopened = await client.ReopenAsync(new V1.ReopenExceptionRequest { ExceptionId = low.ExceptionId, ExpectedRowVersion = decided.RowVersion, Reason = "wrong invoice" });
        await client.AddNoteAsync(new V1.AddExceptionNoteRequest { ExceptionId = low.ExceptionId, Note = "asked the customer" });

        var history = await client.HistoryAsync(new V1.GetExceptionHistoryRequest { ExceptionId = low.ExceptionId });

        Assert.Equal(StatusCode.Aborted, stale.StatusCode);
        Assert.Equal((V1.ExceptionStatus.Open, 200_00L), (reopened.Status, reopened.UnappliedAmountMinor));
        Assert.Equal(["raised", "exception.resolve", "exception.reopen", "exception.note"], history.Events.Select(e => e.Action));
        Assert.Equal("asked the customer", history.Events[^1].Text);
        Assert.StartsWith("specialist:", history.Events[^1].Actor, StringComparison.Ordinal);
        Assert.Equal(200_00, (await server.Store.GetOpenItemAsync("WI-2"))!.RemainingMinor);
    }

    [Fact]
    public async Task BulkAssignAndAccept_ReportEachOutcome_OnlyAboveTheConfidenceAsked()
    {
        var client = server.Exceptions("specialist");
        var accept = await client.GetAsync(new V1.GetExceptionRequest { ExceptionId = _ids["W-ACCEPT"] });
        var unknown = await client.GetAsync(new V1.GetExceptionRequest { ExceptionId = _ids["W-UNKNOWN"] });

        var assigned = await client.BulkAssignAsync(new V1.BulkAssignRequest
        {
            Assignee = "carol",
            Exceptions = { new V1.ExceptionVersion { ExceptionId = unknown.ExceptionId, ExpectedRowVersion = unknown.RowVersion }, new V1.ExceptionVersion { ExceptionId = unknown.ExceptionId, ExpectedRowVersion = unknown.RowVersion } },
        });
        var accepted = await client.BulkAcceptTopAsync(new V1.BulkAcceptTopRequest
        {
            MinConfidence = 0.9,
            Exceptions = { new V1.ExceptionVersion { ExceptionId = accept.ExceptionId, ExpectedRowVersion = accept.RowVersion }, new V1.ExceptionVersion { ExceptionId = unknown.ExceptionId, ExpectedRowVersion = unknown.RowVersion + 1 } },
        });

        Assert.Equal(["done", "conflict"], assigned.Outcomes.Select(o => o.Outcome));
        Assert.Equal(["done", "skipped"], accepted.Outcomes.Select(o => o.Outcome));
        Assert.Equal(OpenItemStatus.Closed, (await server.Store.GetOpenItemAsync("WI-1"))!.Status);
    }

    [Fact]
    public async Task SearchOpenItems_WithinAFamily_FindsTheParentsAndSubsidiariesItemsOnly()
    {
        var client = server.Exceptions("specialist");

        var family = await client.SearchOpenItemsAsync(new V1.SearchOpenItemsRequest { FamilyOfCustomerId = "W2", Text = "I-" });
        var byAmount = await client.SearchOpenItemsAsync(new V1.SearchOpenItemsRequest { AmountMinor = 200_00, Currency = "USD" });

        Assert.NotEmpty(family.Items);
        Assert.All(family.Items, i => Assert.Contains(i.ItemId, new[] { "WI-1", "WI-2" }));
        Assert.DoesNotContain(family.Items, i => i.ItemId == "XI-1");
        Assert.Contains(byAmount.Items, i => i.ItemId == "XI-1" || i.ItemId == "WI-2");
        Assert.All(byAmount.Items, i => Assert.Equal(200_00, i.OpenAmountMinor));
    }

    [Fact]
    public async Task Search_AsTheArSystem_IsPermissionDenied()
    {
        var denied = await Assert.ThrowsAsync<RpcException>(() => server.Exceptions("ar-system").SearchAsync(new V1.SearchExceptionsRequest()).ResponseAsync);

        Assert.Equal(StatusCode.PermissionDenied, denied.StatusCode);
    }
}
