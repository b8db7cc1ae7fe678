using CashApp.Engine.Model;
using V1 = CashApp.Grpc.V1;

namespace CashApp.Grpc.Services;

internal static partial class ProtoMap
{
    /// <summary>An open item from the wire; null (with violations) when invalid. <paramref name="field"/> is its path, such as <c>items[3]</c>.</summary>
    public static OpenItem? ToDomain(V1.OpenItem item, FieldPath field, Violations violations)
    {
        var id = IdKey(item.ItemId, field.Member("item_id"), violations);
        var customer = IdKey(item.CustomerId, field.Member("customer_id"), violations);
        var number = Key(item.InvoiceNumber, field.Member("invoice_number"), violations);
        var po = Key(item.PoNumber, field.Member("po_number"), violations, required: false);
        var name = Text(item.CustomerName, field.Member("customer_name"), violations);
        var currency = Currency(item.Currency, field.Member("currency"), violations);
        var docDate = Date(item.DocDate, field.Member("doc_date"), violations, required: true);
        var dueDate = Date(item.DueDate, field.Member("due_date"), violations, required: true);
        DocType? docType = item.DocType switch
        {
            V1.DocType.Invoice => DocType.Invoice,
            V1.DocType.CreditMemo => DocType.CreditMemo,
            V1.DocType.DebitMemo => DocType.DebitMemo,
            _ => null,
        };
        if (docType is null)
        {
            violations.Add(field.Member("doc_type"), "required: DOC_TYPE_INVOICE, DOC_TYPE_CREDIT_MEMO or DOC_TYPE_DEBIT_MEMO.");
        }
        else if (docType == DocType.CreditMemo ? item.OpenAmountMinor > 0 : item.OpenAmountMinor < 0)
        {
            violations.Add(field.Member("open_amount_minor"), docType == DocType.CreditMemo
                ? $"a credit memo's open amount is negative or zero, found {item.OpenAmountMinor}."
                : $"an invoice's or debit memo's open amount is positive or zero, found {item.OpenAmountMinor}.");
            docType = null;
        }

        if (id is null || customer is null || number is null || currency is null || docDate is null || dueDate is null || docType is null)
        {
            return null;
        }

        return new OpenItem(id, docType.Value, customer, name ?? string.Empty, number, po, currency.Value, item.OpenAmountMinor, docDate.Value, dueDate.Value);
    }

    /// <summary>An open item for the wire.</summary>
    public static V1.OpenItem ToProto(OpenItem item) => new()
    {
        ItemId = item.ItemId,
        DocType = item.DocType switch
        {
            DocType.Invoice => V1.DocType.Invoice,
            DocType.CreditMemo => V1.DocType.CreditMemo,
            _ => V1.DocType.DebitMemo,
        },
        CustomerId = item.CustomerId,
        CustomerName = item.CustomerName,
        InvoiceNumber = item.InvoiceNumber,
        PoNumber = item.PoNumber ?? string.Empty,
        Currency = item.Currency.Code,
        OpenAmountMinor = item.OpenMinor,
        DocDate = ToProto(item.DocDate),
        DueDate = ToProto(item.DueDate),
    };

    /// <summary>A customer from the wire; null (with violations) when invalid.</summary>
    public static Customer? ToDomain(V1.Customer customer, FieldPath field, Violations violations)
    {
        var id = IdKey(customer.CustomerId, field.Member("customer_id"), violations);
        var name = Text(customer.Name, field.Member("name"), violations);
        if (name is null && customer.Name.Length == 0)
        {
            violations.Add(field.Member("name"), "required.");
        }

        var parent = IdKey(customer.ParentId, field.Member("parent_id"), violations, required: false);
        if (parent is not null && parent == id)
        {
            violations.Add(field.Member("parent_id"), "a customer cannot be its own parent.");
        }

        var aliases = customer.Aliases.Count == 0 ? string.Empty : field.Member("aliases").ToString();
        for (var i = 0; i < customer.Aliases.Count; i++)
        {
            Text(customer.Aliases[i], new FieldPath(aliases, i), violations);
        }

        var accounts = customer.BankAccounts.Count == 0 ? string.Empty : field.Member("bank_accounts").ToString();
        for (var i = 0; i < customer.BankAccounts.Count; i++)
        {
            Key(customer.BankAccounts[i], new FieldPath(accounts, i), violations);
        }

        if (id is null || name is null)
        {
            return null;
        }

        return new Customer(id, name, parent, [.. customer.Aliases.Where(a => a.Length > 0)], [.. customer.BankAccounts]);
    }
}
