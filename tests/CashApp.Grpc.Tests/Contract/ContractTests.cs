using System.Text;
using Google.Protobuf.Reflection;
using V1 = CashApp.Grpc.V1;

namespace CashApp.Grpc.Tests.Contract;

/// <summary>
/// Outside clients depend on cashapp.v1: its service and method names, streaming shapes, and every
/// message's field names and numbers. The generated descriptors are rendered and compared with a
/// checked-in golden; a difference is a breaking change unless it only adds. To accept an additive change,
/// run with CASHAPP_ACCEPT_GOLDEN=1 and review the diff.
/// </summary>
public sealed class ContractTests
{
    private static readonly FileDescriptor[] Files =
    [
        V1.CommonReflection.Descriptor,
        V1.OpenItemsReflection.Descriptor,
        V1.CustomersReflection.Descriptor,
        V1.BankFilesReflection.Descriptor,
        V1.MatchingReflection.Descriptor,
        V1.ExceptionsReflection.Descriptor,
        V1.ReportsReflection.Descriptor,
        V1.PayerRulesReflection.Descriptor,
    ];

    [Theory]
    [InlineData("cashapp.v1.OpenItems", "Upsert", true, false)]
    [InlineData("cashapp.v1.OpenItems", "Get", false, false)]
    [InlineData("cashapp.v1.OpenItems", "List", false, false)]
    [InlineData("cashapp.v1.Customers", "Upsert", true, false)]
    [InlineData("cashapp.v1.BankFiles", "Ingest", true, false)]
    [InlineData("cashapp.v1.Matching", "Match", false, false)]
    [InlineData("cashapp.v1.Matching", "MatchStream", true, true)]
    [InlineData("cashapp.v1.Exceptions", "List", false, false)]
    [InlineData("cashapp.v1.Exceptions", "Get", false, false)]
    [InlineData("cashapp.v1.Exceptions", "Resolve", false, false)]
    [InlineData("cashapp.v1.Exceptions", "Assign", false, false)]
    [InlineData("cashapp.v1.Reports", "Summary", false, false)]
    public void Method_FixedByTheIssue_KeepsNameAndStreamingShape(string service, string method, bool clientStreaming, bool serverStreaming)
    {
        var found = Files.SelectMany(f => f.Services).SingleOrDefault(s => s.FullName == service);
        Assert.NotNull(found);
        var m = found.FindMethodByName(method);
        Assert.NotNull(m);
        Assert.Equal(clientStreaming, m.IsClientStreaming);
        Assert.Equal(serverStreaming, m.IsServerStreaming);
    }

    [Fact]
    public void Services_FixedByTheIssue_InputAndOutputMessages()
    {
        Assert.Equal("cashapp.v1.OpenItem", V1.OpenItems.Descriptor.FindMethodByName("Upsert").InputType.FullName);
        Assert.Equal("cashapp.v1.UpsertSummary", V1.OpenItems.Descriptor.FindMethodByName("Upsert").OutputType.FullName);
        Assert.Equal("cashapp.v1.Customer", V1.Customers.Descriptor.FindMethodByName("Upsert").InputType.FullName);
        Assert.Equal("cashapp.v1.FileChunk", V1.BankFiles.Descriptor.FindMethodByName("Ingest").InputType.FullName);
        Assert.Equal("cashapp.v1.IngestReport", V1.BankFiles.Descriptor.FindMethodByName("Ingest").OutputType.FullName);
        Assert.Equal("cashapp.v1.MatchRequest", V1.Matching.Descriptor.FindMethodByName("MatchStream").InputType.FullName);
        Assert.Equal("cashapp.v1.MatchResponse", V1.Matching.Descriptor.FindMethodByName("MatchStream").OutputType.FullName);
        Assert.Equal(["file_name", "data", "lockbox_layout"], V1.FileChunk.Descriptor.Fields.InFieldNumberOrder().Select(f => f.Name));
    }

    [Fact]
    public void Files_OneServicePerFile_InPackageCashappV1()
    {
        foreach (var file in Files)
        {
            Assert.Equal("cashapp.v1", file.Package);
            Assert.StartsWith("cashapp/v1/", file.Name, StringComparison.Ordinal);
            Assert.True(file.Services.Count <= 1, file.Name + " holds more than one service");
        }
    }

    [Fact]
    public void Enums_ZeroValue_IsUnspecified()
    {
        foreach (var e in Files.SelectMany(f => f.EnumTypes))
        {
            Assert.EndsWith("_UNSPECIFIED", e.FindValueByNumber(0).Name, StringComparison.Ordinal);
        }
    }

    [Fact]
    public void Money_EveryAmountIsInt64MinorNextToACurrency()
    {
        foreach (var message in Files.SelectMany(f => f.MessageTypes))
        {
            foreach (var field in message.Fields.InDeclarationOrder().Where(f => f.Name.EndsWith("_minor", StringComparison.Ordinal)))
            {
                Assert.Equal(FieldType.Int64, field.FieldType);
            }
        }
    }

    [Fact]
    public void Descriptors_MatchGolden()
    {
        var actual = Render();
        var path = Path.Combine(AppContext.BaseDirectory, "Contract", "cashapp.v1.golden.txt");
        if (Environment.GetEnvironmentVariable("CASHAPP_ACCEPT_GOLDEN") == "1")
        {
            File.WriteAllText(Path.Combine(CashApp.Tests.TestPaths.Repo, "tests", "CashApp.Grpc.Tests", "Contract", "cashapp.v1.golden.txt"), actual);
            return;
        }

        Assert.Equal(File.ReadAllText(path).ReplaceLineEndings("\n"), actual);
    }

    private static string Render()
    {
        var text = new StringBuilder();
        foreach (var file in Files)
        {
            text.Append("file ").Append(file.Name).Append('\n');
            foreach (var service in file.Services)
            {
                text.Append("  service ").Append(service.FullName).Append('\n');
                foreach (var method in service.Methods)
                {
                    text.Append("    rpc ").Append(method.Name).Append('(')
                        .Append(method.IsClientStreaming ? "stream " : string.Empty).Append(method.InputType.FullName).Append(") returns (")
                        .Append(method.IsServerStreaming ? "stream " : string.Empty).Append(method.OutputType.FullName).Append(")\n");
                }
            }

            foreach (var message in file.MessageTypes)
            {
                RenderMessage(text, message, "  ");
            }

            foreach (var e in file.EnumTypes)
            {
                text.Append("  enum ").Append(e.FullName).Append('\n');
                foreach (var value in e.Values)
                {
                    text.Append("    ").Append(value.Name).Append(" = ").Append(value.Number).Append('\n');
                }
            }
        }

        return text.ToString();
    }

    private static void RenderMessage(StringBuilder text, MessageDescriptor message, string indent)
    {
        text.Append(indent).Append("message ").Append(message.FullName).Append('\n');
        foreach (var field in message.Fields.InFieldNumberOrder())
        {
            text.Append(indent).Append("  ").Append(field.FieldNumber).Append(' ').Append(field.Name).Append(' ')
                .Append(field.IsRepeated ? "repeated " : string.Empty)
                .Append(field.FieldType switch
                {
                    FieldType.Message => field.MessageType.FullName,
                    FieldType.Enum => field.EnumType.FullName,
                    _ => field.FieldType.ToString().ToLowerInvariant(),
                })
                .Append(field.RealContainingOneof is { } oneof ? " oneof " + oneof.Name : string.Empty)
                .Append('\n');
        }

        foreach (var nested in message.NestedTypes)
        {
            RenderMessage(text, nested, indent + "  ");
        }
    }
}
