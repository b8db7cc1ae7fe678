using CashApp.Store;
using Microsoft.SqlServer.TransactSql.ScriptDom;

namespace CashApp.Store.Tests;

/// <summary>The deposit statements of the SQL Server store parse as T-SQL, and both dialects take the same parameters.</summary>
public sealed class DepositSqlTests
{
    private static IEnumerable<LedgerStatement> All(DepositSql sql) =>
        sql.Schema.Concat(typeof(DepositSql).GetProperties().Where(p => p.PropertyType == typeof(LedgerStatement)).Select(p => (LedgerStatement)p.GetValue(sql)!));

    public static TheoryData<string> StatementNames => [.. All(DepositSql.SqlServer).Select(s => s.Name)];

    [Theory]
    [MemberData(nameof(StatementNames))]
    public void Statement_ParsedAsTSql160_HasNoErrors(string name)
    {
        var statement = All(DepositSql.SqlServer).Single(s => s.Name == name);
        Assert.True(Parse(statement.Text).Count == 0, $"{name}: {string.Join("; ", Parse(statement.Text).Select(e => $"line {e.Line}: {e.Message}"))}");
    }

    [Fact]
    public void Dialects_EveryStatement_TakesTheSameParametersInBoth()
    {
        var sqlite = All(DepositSql.Sqlite).Where(s => !s.Name.StartsWith("Deposits.", StringComparison.Ordinal)).ToDictionary(s => s.Name);
        foreach (var statement in All(DepositSql.SqlServer).Where(s => !s.Name.StartsWith("Deposits.", StringComparison.Ordinal)))
        {
            Assert.Equal(statement.Parameters, sqlite[statement.Name].Parameters);
        }
    }

    [Fact]
    public void SqliteDialect_ParsedAsTSql_Fails()
    {
        // The check has teeth: CREATE TABLE IF NOT EXISTS is not T-SQL.
        Assert.NotEmpty(Parse(DepositSql.Sqlite.Schema[0].Text));
    }

    private static IList<ParseError> Parse(string text)
    {
        var parser = new TSql160Parser(initialQuotedIdentifiers: true);
        using var reader = new StringReader(text);
        parser.Parse(reader, out var errors);
        return errors;
    }
}
