using CashApp.Engine.Model;
using CashApp.Parsers.Common;
using Google.Protobuf;
using Google.Rpc;
using Grpc.Core;
using V1 = CashApp.Grpc.V1;

namespace CashApp.Grpc.Tests.Server;

/// <summary>Client-side helpers: fixtures to messages, and rich error details out of an RpcException.</summary>
internal static class Wire
{
    public static V1.OpenItem ToProto(OpenItem item) => new()
    {
        ItemId = item.ItemId,
        DocType = item.DocType switch { DocType.Invoice => V1.DocType.Invoice, DocType.CreditMemo => V1.DocType.CreditMemo, _ => V1.DocType.DebitMemo },
        CustomerId = item.CustomerId,
        CustomerName = item.CustomerName,
        InvoiceNumber = item.InvoiceNumber,
        PoNumber = item.PoNumber ?? string.Empty,
        Currency = item.Currency.Code,
        OpenAmountMinor = item.OpenMinor,
        DocDate = new Google.Type.Date { Year = item.DocDate.Year, Month = item.DocDate.Month, Day = item.DocDate.Day },
        DueDate = new Google.Type.Date { Year = item.DueDate.Year, Month = item.DueDate.Month, Day = item.DueDate.Day },
    };

    public static V1.Customer ToProto(Customer customer)
    {
        var proto = new V1.Customer { CustomerId = customer.CustomerId, Name = customer.Name, ParentId = customer.ParentId ?? string.Empty };
        proto.Aliases.Add(customer.Aliases);
        proto.BankAccounts.Add(customer.BankAccounts);
        return proto;
    }

    public static async Task<V1.UpsertSummary> UpsertAsync(this V1.OpenItems.OpenItemsClient client, IEnumerable<V1.OpenItem> items)
    {
        using var call = client.Upsert();
        foreach (var item in items)
        {
            await call.RequestStream.WriteAsync(item);
        }

        await call.RequestStream.CompleteAsync();
        return await call;
    }

    public static async Task<V1.UpsertSummary> UpsertAsync(this V1.Customers.CustomersClient client, IEnumerable<V1.Customer> customers)
    {
        using var call = client.Upsert();
        foreach (var customer in customers)
        {
            await call.RequestStream.WriteAsync(customer);
        }

        await call.RequestStream.CompleteAsync();
        return await call;
    }

    /// <summary>Streams a file in chunks of <paramref name="chunkSize"/> bytes.</summary>
    public static async Task<V1.IngestReport> IngestAsync(this V1.BankFiles.BankFilesClient client, string fileName, byte[] content, int chunkSize = 16 * 1024, string? layout = null)
    {
        using var call = client.Ingest();
        var first = true;
        try
        {
            for (var at = 0; at < content.Length || first; at += chunkSize)
            {
                var chunk = new V1.FileChunk { Data = ByteString.CopyFrom(content, at, Math.Min(chunkSize, content.Length - at)) };
                if (first)
                {
                    chunk.FileName = fileName;
                    chunk.LockboxLayout = layout ?? string.Empty;
                    first = false;
                }

                await call.RequestStream.WriteAsync(chunk);
            }

            await call.RequestStream.CompleteAsync();
        }
        catch (RpcException)
        {
            // The server ended the call while we were still sending (a file over the limit): a write fails with
            // CANCELLED when it loses the race with the server's trailers; the call itself says what the server said.
        }

        return await call;
    }

    /// <summary>The BadRequest field violations of a rich INVALID_ARGUMENT status.</summary>
    public static IReadOnlyList<BadRequest.Types.FieldViolation> FieldViolations(this RpcException exception)
    {
        var status = exception.GetRpcStatus();
        return status?.GetDetail<BadRequest>()?.FieldViolations ?? (IReadOnlyList<BadRequest.Types.FieldViolation>)[];
    }

    /// <summary>The file read locally, by the same readers the server uses: what a report must agree with.</summary>
    public static Task<BankFileReadResult> ReadLocallyAsync(string path) => BankFiles.ReadAllAsync(path, new BankFileReadOptions());
}
