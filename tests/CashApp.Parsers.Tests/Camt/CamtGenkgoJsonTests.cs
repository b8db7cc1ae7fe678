using System.Globalization;
using System.Text.Json;
using CashApp.Parsers.Camt;
using CashApp.Parsers.Common;
using CashApp.Tests;

namespace CashApp.Parsers.Tests.Camt;

/// <summary>
/// genkgo/camt ships a JSON dump of its own reading beside each XML sample (its RegressionTest compares them
/// byte for byte). Counts, amounts, references and names read here must agree with it.
/// </summary>
public sealed class CamtGenkgoJsonTests
{
    public static IEnumerable<object[]> Pairs() => TestPaths.SharedRows(
        () => CamtExpected.AllXml()
            .Where(file => file.Contains("genkgo__camt", StringComparison.Ordinal) && File.Exists(Json(file)))
            .Select(file => new object[] { file }),
        TestPaths.AbsentFile);

    private static string Json(string file) => Path.ChangeExtension(TestPaths.ExternalFile(file), ".json");

    [SkippableTheory]
    [MemberData(nameof(Pairs))]
    public void ReadEntries_GenkgoSample_AgreesWithGenkgoJson(string file)
    {
        using var json = JsonDocument.Parse(File.ReadAllText(Json(file)));
        var root = json.RootElement;
        var entries = CamtExpected.Entries(file);

        Assert.Equal(root.GetProperty("getRecords").GetArrayLength(), CamtExpected.StatementCount(file));
        var expected = root.GetProperty("getEntries").EnumerateArray().ToList();

        // genkgo's dumper keys entries so that only the last statement's survive in a multi-statement file.
        if (!file.EndsWith("multi.statement.xml", StringComparison.Ordinal))
        {
            Assert.Equal(expected.Count, entries.Count);
        }

        foreach (var want in expected)
        {
            var signed = long.Parse(want.GetProperty("getAmount").GetProperty("getAmount").GetString()!, CultureInfo.InvariantCulture);
            var servicerRef = want.GetProperty("getAccountServicerReference").GetString();
            var got = Assert.Single(entries, e => e.AccountServicerRef == servicerRef && (e.Direction == Direction.Credit ? e.AmountMinor : -e.AmountMinor) == signed);
            Assert.Equal(want.GetProperty("getAmount").GetProperty("getCurrency").GetProperty("getCode").GetString(), got.Currency.Code);
            Assert.Equal(want.GetProperty("getStatus").GetString(), got.StatusCode);
            Assert.Equal(want.GetProperty("getReversalIndicator").GetBoolean(), got.IsReversal);
            Assert.Equal(want.GetProperty("getCreditDebitIndicator").GetString(), got.Direction == Direction.Credit ? "CRDT" : "DBIT");

            var details = Details(want);
            Assert.Equal(details.Count, got.Transactions.Count);
            for (var i = 0; i < details.Count; i++)
            {
                var reference = details[i].GetProperty("getReference");
                Assert.Equal(Text(reference, "getEndToEndId"), got.Transactions[i].EndToEndId);
                Assert.Equal(Text(reference, "getAccountServicerReference"), got.Transactions[i].AccountServicerRef);
                Assert.Equal(Text(reference, "getUuidEndToEndReference"), got.Transactions[i].Uetr);
                Assert.Equal(PartyName(details[i], "Debtor"), got.Transactions[i].DebtorName);
                Assert.Equal(PartyName(details[i], "UltimateDebtor"), got.Transactions[i].UltimateDebtorName);
                Assert.Equal(PartyName(details[i], "Creditor"), got.Transactions[i].CreditorName);
            }
        }
    }

    /// <summary>The details of an entry; genkgo writes the first as a back-reference to <c>getTransactionDetail</c>.</summary>
    private static List<JsonElement> Details(JsonElement entry)
    {
        var list = new List<JsonElement>();
        var index = 0;
        foreach (var detail in entry.GetProperty("getTransactionDetails").EnumerateArray())
        {
            list.Add(detail.ValueKind == JsonValueKind.String && index == 0 ? entry.GetProperty("getTransactionDetail") : detail);
            index++;
        }

        return list;
    }

    private static string? Text(JsonElement element, string property) =>
        element.ValueKind == JsonValueKind.Object && element.TryGetProperty(property, out var value) && value.ValueKind == JsonValueKind.String ? value.GetString() : null;

    private static string? PartyName(JsonElement detail, string role)
    {
        foreach (var party in detail.GetProperty("getRelatedParties").EnumerateArray())
        {
            if (party.ValueKind == JsonValueKind.Object
                && party.GetProperty("getRelatedPartyType") is { ValueKind: JsonValueKind.Object } type
                && type.GetProperty("__CLASS__").GetString()!.EndsWith("\\" + role, StringComparison.Ordinal))
            {
                return Text(type, "getName");
            }
        }

        return null;
    }
}
