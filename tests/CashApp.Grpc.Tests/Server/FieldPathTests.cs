using CashApp.Grpc.Services;
using V1 = CashApp.Grpc.V1;

namespace CashApp.Grpc.Tests.Server;

/// <summary>
/// Violations name the field the way the proto writes it, though a valid request no longer makes those names: the
/// paths are written out only when a violation is added.
/// </summary>
public sealed class FieldPathTests
{
    [Theory]
    [InlineData("assignee", null, "assignee")]
    [InlineData("payments", 3L, "payments[3]")]
    [InlineData("items", 4_000_000_000L, "items[4000000000]")]
    public void ToString_WritesTheProtoPath(string head, long? index, string expected)
    {
        FieldPath path = index is { } i ? new FieldPath(head, i) : head;
        Assert.Equal(expected, path.ToString());
    }

    [Fact]
    public void Member_OfAnElementOfAMemberAndOfText_NamesEachStep()
    {
        Assert.Equal("payments[3].currency", new FieldPath("payments", 3).Member("currency").ToString());
        Assert.Equal("payments[3].remittance.reference", new FieldPath("payments", 3).Member("remittance").Member("reference").ToString());
        Assert.Equal("request.currency", ((FieldPath)"request").Member("currency").ToString());
        Assert.Throws<ArgumentOutOfRangeException>(() => new FieldPath("payments", -1));
        Assert.Equal(string.Empty, default(FieldPath).ToString());
    }

    [Fact]
    public void ToTransactions_BadRemittanceLine_NamesThePaymentAndTheLine()
    {
        var request = new V1.MatchRequest
        {
            Payments =
            {
                new V1.Payment { PaymentRef = "P1", AmountMinor = 5, Currency = "USD" },
                new V1.Payment
                {
                    PaymentRef = "P2", AmountMinor = 5, Currency = "USD", PayerName = new string('n', ProtoMap.MaxTextLength + 1),
                    Remittance = { new V1.RemittanceLine { Reference = "INV-1" }, new V1.RemittanceLine { Reference = " " } },
                },
            },
        };
        var violations = new Violations();

        Assert.Null(ProtoMap.ToTransactions(request, violations));

        Assert.Equal(["payments[1].payer_name", "payments[1].remittance[1].reference"], Fields(violations));
    }

    [Fact]
    public void ToDomain_CustomerWithBadAliasAndAccount_NamesEachByIndex()
    {
        var customer = new V1.Customer
        {
            CustomerId = "C1", Name = "Acme",
            Aliases = { "Acme Corp", new string('a', ProtoMap.MaxTextLength + 1) },
            BankAccounts = { string.Empty },
        };
        var violations = new Violations();

        ProtoMap.ToDomain(customer, new FieldPath("customers", 7), violations);

        Assert.Equal(["customers[7].aliases[1]", "customers[7].bank_accounts[0]"], Fields(violations));
    }

    [Fact]
    public void ToTransactions_OnePaymentValid_NoViolations()
    {
        var request = new V1.MatchRequest { Payments = { new V1.Payment { PaymentRef = "P1", AmountMinor = 5, Currency = "USD", Remittance = { new V1.RemittanceLine { Reference = "INV-1" } } } } };
        var violations = new Violations();

        var transactions = ProtoMap.ToTransactions(request, violations);

        Assert.False(violations.Any);
        Assert.Equal("INV-1", Assert.Single(Assert.Single(transactions!).Remittance).Reference);
    }

    private static List<string> Fields(Violations violations) =>
        [.. violations.ToString().Split("; ").Select(v => v[..v.IndexOf(':', StringComparison.Ordinal)]).Order(StringComparer.Ordinal)];
}
