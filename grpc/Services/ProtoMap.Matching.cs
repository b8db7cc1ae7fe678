using CashApp.Engine.Model;
using CashApp.Parsers.Common;
using V1 = CashApp.Grpc.V1;

namespace CashApp.Grpc.Services;

internal static partial class ProtoMap
{
    /// <summary>Most payments one MatchRequest may carry.</summary>
    public const int MaxPaymentsPerRequest = 10_000;

    /// <summary>Most remittance lines one payment may carry.</summary>
    public const int MaxRemittanceLines = 1_000;

    /// <summary>The source file name payments of the match API carry.</summary>
    public const string MatchApiSource = "match-api";

    /// <summary>
    /// The payments of a request as bank transactions (booked credits), the form the engine and the store
    /// take; null with violations when anything is invalid.
    /// </summary>
    public static List<BankTransaction>? ToTransactions(V1.MatchRequest request, Violations violations)
    {
        if (request.Payments.Count == 0)
        {
            violations.Add("payments", "at least one payment is required.");
            return null;
        }

        if (request.Payments.Count > MaxPaymentsPerRequest)
        {
            violations.Add("payments", $"at most {MaxPaymentsPerRequest} payments per request, found {request.Payments.Count}.");
            return null;
        }

        // One payment cannot repeat a reference: a served call of one payment makes no set.
        var seen = request.Payments.Count > 1 ? new HashSet<string>(StringComparer.Ordinal) : null;
        var transactions = new List<BankTransaction>(request.Payments.Count);
        for (var i = 0; i < request.Payments.Count; i++)
        {
            var before = violations.Count;
            var field = new FieldPath("payments", i);
            var payment = request.Payments[i];
            var reference = Key(payment.PaymentRef, field.Member("payment_ref"), violations);
            if (reference is not null && seen is not null && !seen.Add(reference))
            {
                violations.Add(field.Member("payment_ref"), $"'{Clip(reference)}' appears twice in this request.");
            }

            if (payment.AmountMinor <= 0)
            {
                violations.Add(field.Member("amount_minor"), $"a payment is a positive amount, found {payment.AmountMinor}.");
            }

            var currency = Currency(payment.Currency, field.Member("currency"), violations);
            var remittance = Remittance(payment.Remittance, field, violations);
            var transaction = new BankTransaction
            {
                PaymentRef = reference ?? string.Empty,
                Direction = Direction.Credit,
                AmountMinor = payment.AmountMinor,
                Currency = currency?.Code ?? string.Empty,
                Format = BankFileFormat.Unknown,
                SourceFile = MatchApiSource,
                LineNumber = i + 1,
                PayerName = Text(payment.PayerName, field.Member("payer_name"), violations),
                PayerAccount = Key(payment.PayerAccount, field.Member("payer_account"), violations, required: false),
                PayerId = Key(payment.PayerId, field.Member("payer_id"), violations, required: false),
                UltimatePayerName = Text(payment.UltimateDebtorName, field.Member("ultimate_debtor_name"), violations),
                FreeText = Text(payment.RemittanceText, field.Member("remittance_text"), violations),
                ValueDate = Date(payment.ValueDate, field.Member("value_date"), violations, required: false),
                Remittance = remittance,
            };
            if (violations.Count == before)
            {
                transactions.Add(transaction);
            }
        }

        return violations.Any ? null : transactions;
    }

    private static RemittanceLine[] Remittance(Google.Protobuf.Collections.RepeatedField<V1.RemittanceLine> lines, FieldPath field, Violations violations)
    {
        if (lines.Count > MaxRemittanceLines)
        {
            violations.Add(field.Member("remittance"), $"at most {MaxRemittanceLines} lines, found {lines.Count}.");
            return [];
        }

        var result = new RemittanceLine[lines.Count];
        // The lines' own paths (payments[3].remittance[j]) start from one text a payment, not one a line.
        var list = lines.Count == 0 ? string.Empty : field.Member("remittance").ToString();
        for (var j = 0; j < lines.Count; j++)
        {
            var line = lines[j];
            var reference = Key(line.Reference, new FieldPath(list, j).Member("reference"), violations) ?? string.Empty;
            var kind = line.Kind switch
            {
                V1.RemittanceKind.Invoice => RemittanceKind.Invoice,
                V1.RemittanceKind.CreditNote => RemittanceKind.CreditNote,
                V1.RemittanceKind.CreditorReference => RemittanceKind.CreditorReference,
                V1.RemittanceKind.PurchaseOrder => RemittanceKind.PurchaseOrder,
                _ => RemittanceKind.Unspecified,
            };
            result[j] = new RemittanceLine(reference, line.HasAmountMinor ? line.AmountMinor : null, kind)
            {
                InvoicedMinor = line.HasInvoicedMinor ? line.InvoicedMinor : null,
                DiscountMinor = line.HasDiscountMinor ? line.DiscountMinor : null,
            };
        }

        return result;
    }

    /// <summary>A match result for the wire.</summary>
    public static V1.MatchResponse ToProto(MatchResult result, IReadOnlyList<ExceptionCase> exceptions, string? fileId)
    {
        var response = new V1.MatchResponse { Committed = fileId is not null, FileId = fileId ?? string.Empty };
        foreach (var application in result.Applications)
        {
            response.Applications.Add(ToProto(application));
        }

        foreach (var exception in exceptions)
        {
            var proto = new V1.MatchException
            {
                PaymentRef = exception.PaymentRef,
                UnappliedAmountMinor = exception.Unapplied.Minor,
                Currency = exception.Unapplied.Currency.Code,
                Reason = ToProto(exception.Reason),
                Detail = exception.Detail,
            };
            foreach (var suggestion in exception.Suggestions)
            {
                proto.Suggestions.Add(ToProto(suggestion));
            }

            response.Exceptions.Add(proto);
        }

        return response;
    }

    public static V1.Application ToProto(Application application) => new()
    {
        PaymentRef = application.PaymentRef,
        ItemId = application.ItemId,
        AmountMinor = application.Amount.Minor,
        Currency = application.Amount.Currency.Code,
        Method = ToProto(application.Method),
        Confidence = application.Confidence.Value,
        Explanation = application.Explanation,
        DeductionMinor = application.DeductionMinor,
        DeductionReason = application.DeductionReason ?? string.Empty,
    };

    public static V1.Suggestion ToProto(Suggestion suggestion)
    {
        var proto = new V1.Suggestion { Score = suggestion.Score.Value, Why = suggestion.Why };
        proto.ItemIds.Add(suggestion.ItemIds);
        return proto;
    }

    public static V1.MatchMethod ToProto(MatchMethod method) => method switch
    {
        MatchMethod.ExactReference => V1.MatchMethod.ExactReference,
        MatchMethod.FuzzyReference => V1.MatchMethod.FuzzyReference,
        MatchMethod.PurchaseOrder => V1.MatchMethod.PurchaseOrder,
        MatchMethod.AccountAmount => V1.MatchMethod.AccountAmount,
        MatchMethod.NameAmount => V1.MatchMethod.NameAmount,
        MatchMethod.Combination => V1.MatchMethod.Combination,
        MatchMethod.Manual => V1.MatchMethod.Manual,
        _ => V1.MatchMethod.Unspecified,
    };

    public static V1.ExceptionReason ToProto(ExceptionReason reason) => reason switch
    {
        ExceptionReason.UnknownPayer => V1.ExceptionReason.UnknownPayer,
        ExceptionReason.NoMatch => V1.ExceptionReason.NoMatch,
        ExceptionReason.Ambiguous => V1.ExceptionReason.Ambiguous,
        ExceptionReason.Overpayment => V1.ExceptionReason.Overpayment,
        ExceptionReason.NotAPayment => V1.ExceptionReason.NotAPayment,
        ExceptionReason.Conflict => V1.ExceptionReason.Conflict,
        ExceptionReason.DepositReconciled => V1.ExceptionReason.DepositReconciled,
        ExceptionReason.DepositMismatch => V1.ExceptionReason.DepositMismatch,
        ExceptionReason.DepositAwaitingDetail => V1.ExceptionReason.DepositAwaitingDetail,
        ExceptionReason.Duplicate => V1.ExceptionReason.Duplicate,
        _ => V1.ExceptionReason.Unspecified,
    };

    public static V1.BankFileFormat ToProto(BankFileFormat format) => format switch
    {
        BankFileFormat.Bai2 => V1.BankFileFormat.Bai2,
        BankFileFormat.Camt053 => V1.BankFileFormat.Camt053,
        BankFileFormat.Camt054 => V1.BankFileFormat.Camt054,
        BankFileFormat.Lockbox => V1.BankFileFormat.Lockbox,
        BankFileFormat.LockboxCsv => V1.BankFileFormat.LockboxCsv,
        _ => V1.BankFileFormat.Unspecified,
    };
}
