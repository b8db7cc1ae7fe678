using System.Data;
using CashApp.Store;
using Microsoft.SqlServer.TransactSql.ScriptDom;

namespace CashApp.Store.Tests;

/// <summary>
/// Every T-SQL statement of the SQL Server store parses as T-SQL (SQL Server 2022 grammar), so no SQLite
/// dialect slips in, and every parameter it uses is declared with the type the column needs.
/// </summary>
public sealed class SqlServerStatementTests
{
    /// <summary>The SqlClient type of every parameter name the SQL Server store sends.</summary>
    private static readonly Dictionary<string, SqlDbType> Expected = new(StringComparer.Ordinal)
    {
        // Money in minor units, ids and row versions: bigint, never decimal or float.
        ["@amount_minor"] = SqlDbType.BigInt, ["@ar_open_minor"] = SqlDbType.BigInt, ["@unapplied_minor"] = SqlDbType.BigInt,
        ["@min_unapplied"] = SqlDbType.BigInt, ["@max_unapplied"] = SqlDbType.BigInt,
        ["@id"] = SqlDbType.BigInt, ["@bank_file_id"] = SqlDbType.BigInt, ["@payment_id"] = SqlDbType.BigInt, ["@exception_id"] = SqlDbType.BigInt,
        ["@after_id"] = SqlDbType.BigInt, ["@expected_row_version"] = SqlDbType.BigInt, ["@line_number"] = SqlDbType.BigInt,

        // Counts and sizes.
        ["@take"] = SqlDbType.Int, ["@version"] = SqlDbType.Int, ["@confidence_milli"] = SqlDbType.Int, ["@credit_count"] = SqlDbType.Int,
        ["@payment_count"] = SqlDbType.Int, ["@debit_count"] = SqlDbType.Int, ["@application_count"] = SqlDbType.Int, ["@exception_count"] = SqlDbType.Int,

        // Times and dates.
        ["@updated_at"] = SqlDbType.DateTimeOffset, ["@received_at"] = SqlDbType.DateTimeOffset, ["@applied_at"] = SqlDbType.DateTimeOffset,
        ["@created_at"] = SqlDbType.DateTimeOffset, ["@resolved_at"] = SqlDbType.DateTimeOffset, ["@at"] = SqlDbType.DateTimeOffset,
        ["@completed_at"] = SqlDbType.DateTimeOffset,
        ["@since"] = SqlDbType.DateTimeOffset, ["@created_before"] = SqlDbType.DateTimeOffset, ["@created_after"] = SqlDbType.DateTimeOffset,
        ["@age8"] = SqlDbType.DateTimeOffset, ["@age31"] = SqlDbType.DateTimeOffset, ["@age91"] = SqlDbType.DateTimeOffset,
        ["@doc_date"] = SqlDbType.Date, ["@due_date"] = SqlDbType.Date, ["@value_date"] = SqlDbType.Date,

        ["@is_payment"] = SqlDbType.Bit,
    };

    public static TheoryData<string> StatementNames => [.. SqlServerStatements.All.Select(s => s.Name)];

    private static LedgerStatement Statement(string name) => SqlServerStatements.All.Single(s => s.Name == name);

    [Theory]
    [MemberData(nameof(StatementNames))]
    public void Statement_ParsedAsTSql160_HasNoErrors(string name)
    {
        var statement = Statement(name);

        var (_, errors) = Parse(statement.Text);

        Assert.True(errors.Count == 0, $"{name}: {string.Join("; ", errors.Select(e => $"line {e.Line} col {e.Column}: {e.Message}"))}\n{statement.Text}");
    }

    [Theory]
    [MemberData(nameof(StatementNames))]
    public void Statement_VariablesUsed_AreExactlyTheDeclaredParameters(string name)
    {
        var statement = Statement(name);
        var (fragment, _) = Parse(statement.Text);
        var visitor = new VariableCollector();
        fragment.Accept(visitor);

        Assert.Equal(statement.Parameters.Select(p => p.Name).Order(StringComparer.Ordinal), visitor.Used.Order(StringComparer.Ordinal));
    }

    [Theory]
    [MemberData(nameof(StatementNames))]
    public void Statement_Parameters_HaveTheExpectedSqlDbType(string name)
    {
        foreach (var parameter in Statement(name).Parameters)
        {
            var (type, size) = SqlServerCashStore.ParameterType(parameter.Type);
            var expected = Expected.TryGetValue(parameter.Name, out var known) ? known : SqlDbType.NVarChar;
            Assert.True(expected == type, $"{name} {parameter.Name}: {type}, expected {expected}");
            if (type == SqlDbType.NVarChar)
            {
                Assert.True(size is -1 or 4000, $"{name} {parameter.Name}: nvarchar({size}) would truncate silently");
            }
        }
    }

    [Fact]
    public void Statements_SameParameterName_SameTypeEverywhere()
    {
        var clashes = SqlServerStatements.All
            .SelectMany(s => s.Parameters)
            .GroupBy(p => p.Name, StringComparer.Ordinal)
            .Where(g => g.Select(p => SqlServerCashStore.ParameterType(p.Type).Type).Distinct().Count() > 1)
            .Select(g => g.Key);

        Assert.Empty(clashes);
    }

    [Fact]
    public void Dialects_EveryStatement_TakesTheSameParametersInBoth()
    {
        var sqlite = SqliteStatements.Sql.All().Where(s => !s.Name.StartsWith('V')).ToDictionary(s => s.Name);
        foreach (var statement in SqlServerStatements.Sql.All().Where(s => !s.Name.StartsWith('V')))
        {
            Assert.Equal(statement.Parameters, sqlite[statement.Name].Parameters);
        }
    }

    [Theory]
    [InlineData(nameof(LedgerSql.UpsertOpenItem))]
    [InlineData(nameof(LedgerSql.SelectExceptionsPage))]
    public void SqliteDialect_ParsedAsTSql_Fails(string name)
    {
        // The check has teeth: the SQLite forms (ON CONFLICT, LIMIT) are not T-SQL.
        var statement = SqliteStatements.Sql.All().Single(s => s.Name == name);

        Assert.NotEmpty(Parse(statement.Text).Errors);
    }

    [Fact]
    public void Statements_All_CoverEveryStatementProperty()
    {
        var names = SqlServerStatements.All.Select(s => s.Name).ToHashSet(StringComparer.Ordinal);
        var properties = typeof(LedgerSql).GetProperties().Where(p => p.PropertyType == typeof(LedgerStatement)).Select(p => p.Name);

        Assert.All(properties, p => Assert.Contains(p, names));
        Assert.Contains(names, n => n.StartsWith('V'));
    }

    private static (TSqlFragment Fragment, IList<ParseError> Errors) Parse(string text)
    {
        var parser = new TSql160Parser(initialQuotedIdentifiers: true);
        using var reader = new StringReader(text);
        var fragment = parser.Parse(reader, out var errors);
        return (fragment, errors);
    }

    private sealed class VariableCollector : TSqlFragmentVisitor
    {
        private readonly HashSet<string> _procedureArguments = new(StringComparer.Ordinal);
        private readonly HashSet<string> _declared = new(StringComparer.Ordinal);

        public HashSet<string> Used { get; } = new(StringComparer.Ordinal);

        public override void ExplicitVisit(ExecuteParameter node)
        {
            // In "EXEC sp_getapplock @Resource = ..." the name is the procedure's parameter, not ours.
            if (node.Variable is { } name)
            {
                _procedureArguments.Add(name.Name);
            }

            node.ParameterValue?.Accept(this);
        }

        public override void ExplicitVisit(DeclareTableVariableBody node)
        {
            // "DECLARE @upserted TABLE (...)": a table of the statement's own, not a parameter.
            _declared.Add(node.VariableName.Value);
            base.ExplicitVisit(node);
        }

        public override void Visit(VariableReference node)
        {
            if (!_procedureArguments.Contains(node.Name) && !_declared.Contains(node.Name))
            {
                Used.Add(node.Name);
            }
        }
    }
}
