using CashApp.Store;
using Microsoft.SqlServer.TransactSql.ScriptDom;

namespace CashApp.Store.Tests;

/// <summary>The payer rule statements of the SQL Server store parse as T-SQL, and both dialects take the same parameters.</summary>
public sealed class PayerRuleSqlTests
{
    private static IEnumerable<LedgerStatement> All(PayerRuleSql sql) =>
        sql.Schema.Concat(typeof(PayerRuleSql).GetProperties().Where(p => p.PropertyType == typeof(LedgerStatement)).Select(p => (LedgerStatement)p.GetValue(sql)!));

    public static TheoryData<string> StatementNames => [.. All(PayerRuleSql.SqlServer).Select(s => s.Name)];

    [Theory]
    [MemberData(nameof(StatementNames))]
    public void Statement_ParsedAsTSql160_HasNoErrors(string name)
    {
        var statement = All(PayerRuleSql.SqlServer).Single(s => s.Name == name);
        Assert.True(Parse(statement.Text).Count == 0, $"{name}: {string.Join("; ", Parse(statement.Text).Select(e => $"line {e.Line}: {e.Message}"))}");
    }

    [Fact]
    public void Dialects_EveryStatement_TakesTheSameParametersInBoth()
    {
        var sqlite = All(PayerRuleSql.Sqlite).Where(s => !s.Name.StartsWith("PayerRules.", StringComparison.Ordinal)).ToDictionary(s => s.Name);
        foreach (var statement in All(PayerRuleSql.SqlServer).Where(s => !s.Name.StartsWith("PayerRules.", StringComparison.Ordinal)))
        {
            Assert.Equal(statement.Parameters, sqlite[statement.Name].Parameters);
        }
    }

    [Fact]
    public void SqliteDialect_ParsedAsTSql_Fails()
    {
        // The check has teeth: LIMIT and CREATE TABLE IF NOT EXISTS are not T-SQL.
        Assert.NotEmpty(Parse(PayerRuleSql.Sqlite.SelectRulesPage.Text));
        Assert.NotEmpty(Parse(PayerRuleSql.Sqlite.Schema[0].Text));
    }

    private static IList<ParseError> Parse(string text)
    {
        var parser = new TSql160Parser(initialQuotedIdentifiers: true);
        using var reader = new StringReader(text);
        parser.Parse(reader, out var errors);
        return errors;
    }
}
