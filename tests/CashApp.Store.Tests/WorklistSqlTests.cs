using System.Data;
using CashApp.Store;
using Microsoft.SqlServer.TransactSql.ScriptDom;

namespace CashApp.Store.Tests;

/// <summary>The worklist's SQL Server statements parse as T-SQL, use exactly their parameters, and send money as bigint; both dialects take the same parameters.</summary>
public sealed class WorklistSqlTests
{
    private static readonly Dictionary<string, SqlDbType> Expected = new(StringComparer.Ordinal)
    {
        ["@amount_minor"] = SqlDbType.BigInt, ["@unapplied_minor"] = SqlDbType.BigInt, ["@min_unapplied"] = SqlDbType.BigInt, ["@max_unapplied"] = SqlDbType.BigInt,
        ["@id"] = SqlDbType.BigInt, ["@exception_id"] = SqlDbType.BigInt, ["@expected_row_version"] = SqlDbType.BigInt,
        ["@take"] = SqlDbType.Int, ["@skip"] = SqlDbType.Int, ["@unassigned"] = SqlDbType.Int, ["@max_failures"] = SqlDbType.Int,
        ["@updated_at"] = SqlDbType.DateTimeOffset, ["@created_at"] = SqlDbType.DateTimeOffset, ["@since"] = SqlDbType.DateTimeOffset,
        ["@created_before"] = SqlDbType.DateTimeOffset, ["@created_after"] = SqlDbType.DateTimeOffset, ["@lock_until"] = SqlDbType.DateTimeOffset,
    };

    public static TheoryData<string> StatementNames => [.. WorklistSql.SqlServer.All().Select(s => s.Name)];

    [Theory]
    [MemberData(nameof(StatementNames))]
    public void Statement_ParsedAsTSql160_HasNoErrorsAndUsesExactlyItsParameters(string name)
    {
        var statement = WorklistSql.SqlServer.All().Single(s => s.Name == name);
        var parser = new TSql160Parser(initialQuotedIdentifiers: true);
        using var reader = new StringReader(statement.Text);
        var fragment = parser.Parse(reader, out var errors);
        var visitor = new Variables();
        fragment.Accept(visitor);

        Assert.True(errors.Count == 0, $"{name}: {string.Join("; ", errors.Select(e => $"line {e.Line}: {e.Message}"))}");
        Assert.Equal(statement.Parameters.Select(p => p.Name).Order(StringComparer.Ordinal), visitor.Used.Order(StringComparer.Ordinal));
        foreach (var parameter in statement.Parameters)
        {
            var (type, _) = SqlServerCashStore.ParameterType(parameter.Type);
            Assert.Equal(Expected.TryGetValue(parameter.Name, out var known) ? known : SqlDbType.NVarChar, type);
        }
    }

    [Fact]
    public void Dialects_EveryStatement_TakesTheSameParametersInBoth()
    {
        var sqlite = WorklistSql.Sqlite.All().ToDictionary(s => s.Name);
        Assert.Equal(sqlite.Count, WorklistSql.SqlServer.All().Count());
        foreach (var statement in WorklistSql.SqlServer.All())
        {
            Assert.Equal(statement.Parameters, sqlite[statement.Name].Parameters);
        }
    }

    [Theory]
    [InlineData("100%", "%100\\%%")]
    [InlineData("a_b", "%A\\_B%")]
    [InlineData(" [x] ", "%\\[X]%")]
    [InlineData("  ", null)]
    public void LikePattern_Wildcards_AreEscapedAndUpperCased(string text, string? expected) =>
        Assert.Equal(expected, DbCashStore.LikePattern(text));

    private sealed class Variables : TSqlFragmentVisitor
    {
        public HashSet<string> Used { get; } = new(StringComparer.Ordinal);

        public override void Visit(VariableReference node) => Used.Add(node.Name);
    }
}
