using System.Globalization;
using CashApp.Store;
using V1 = CashApp.Grpc.V1;

namespace CashApp.Grpc.Services;

internal static partial class ProtoMap
{
    /// <summary>Default page size of List calls.</summary>
    public const int DefaultPageSize = 100;

    /// <summary>Largest page size of List calls.</summary>
    public const int MaxPageSize = 1000;

    /// <summary>A stored item for the wire: open amount is what may still be applied.</summary>
    public static V1.OpenItem ToProto(StoredOpenItem stored)
    {
        var proto = ToProto(stored.Item);
        proto.Status = stored.Status == OpenItemStatus.Closed
            ? V1.OpenItemStatus.Closed
            : stored.AppliedMinor != 0 ? V1.OpenItemStatus.PartiallyApplied : V1.OpenItemStatus.Open;
        proto.RowVersion = stored.RowVersion;
        proto.AppliedAmountMinor = stored.AppliedMinor;
        return proto;
    }

    public static V1.ExceptionCase ToProto(StoredExceptionCase exception, bool withSuggestions)
    {
        var proto = new V1.ExceptionCase
        {
            ExceptionId = Id(exception.Id),
            PaymentRef = exception.PaymentRef,
            Currency = exception.Unapplied.Currency.Code,
            PaymentAmountMinor = exception.PaymentAmount.Minor,
            UnappliedAmountMinor = exception.Unapplied.Minor,
            Reason = ToProto(exception.Reason),
            Detail = exception.Detail,
            Status = exception.Status == ExceptionStatus.Open ? V1.ExceptionStatus.Open : V1.ExceptionStatus.Resolved,
            Assignee = exception.Assignee ?? string.Empty,
            RowVersion = exception.RowVersion,
            CreatedAt = ToProto(exception.CreatedAt),
            UpdatedAt = ToProto(exception.UpdatedAt),
            FileId = Id(exception.BankFileId),
            PayerName = exception.PayerName ?? string.Empty,
            Resolution = exception.Resolution switch
            {
                ResolutionKind.ApplyToItems => V1.ResolutionKind.ApplyToItems,
                ResolutionKind.LeaveOnAccount => V1.ResolutionKind.LeaveOnAccount,
                ResolutionKind.Refund => V1.ResolutionKind.Refund,
                ResolutionKind.WriteOff => V1.ResolutionKind.WriteOff,
                ResolutionKind.NotACustomerPayment => V1.ResolutionKind.NotACustomerPayment,
                _ => V1.ResolutionKind.Unspecified,
            },
            ResolutionReason = exception.ResolutionReason ?? string.Empty,
            ResolvedBy = exception.ResolvedBy ?? string.Empty,
            ResolvedAt = ToProto(exception.ResolvedAt),
        };
        if (withSuggestions)
        {
            foreach (var suggestion in exception.Suggestions)
            {
                proto.Suggestions.Add(ToProto(suggestion));
            }
        }

        return proto;
    }

    /// <summary>An exception filter from the wire; null with violations when invalid.</summary>
    public static ExceptionQuery? ToDomain(V1.ListExceptionsRequest request, Violations violations)
    {
        var take = PageSize(request.PageSize, violations);
        var after = PageToken(request.PageToken, violations);
        string? currency = null;
        if (request.Currency.Length > 0)
        {
            currency = Currency(request.Currency, "currency", violations)?.Code;
        }

        if (request.HasMinAgeDays && request.MinAgeDays < 0)
        {
            violations.Add("min_age_days", "zero or more.");
        }

        if (request.HasMaxAgeDays && request.MaxAgeDays < 0)
        {
            violations.Add("max_age_days", "zero or more.");
        }

        if (request.HasMinAgeDays && request.HasMaxAgeDays && request.MinAgeDays > request.MaxAgeDays)
        {
            violations.Add("max_age_days", $"at least min_age_days ({request.MinAgeDays}).");
        }

        if (request.HasMinAmountMinor && request.HasMaxAmountMinor && request.MinAmountMinor > request.MaxAmountMinor)
        {
            violations.Add("max_amount_minor", $"at least min_amount_minor ({request.MinAmountMinor}).");
        }

        ExceptionStatus? status = request.Status switch
        {
            V1.ExceptionStatus.Open => ExceptionStatus.Open,
            V1.ExceptionStatus.Resolved => ExceptionStatus.Resolved,
            V1.ExceptionStatus.Unspecified => null,
            _ => null,
        };
        if (!Enum.IsDefined(request.Status))
        {
            violations.Add("status", $"unknown status {(int)request.Status}.");
        }

        if (violations.Any)
        {
            return null;
        }

        return new ExceptionQuery
        {
            Status = status,
            Currency = currency,
            MinAge = request.HasMinAgeDays ? TimeSpan.FromDays(request.MinAgeDays) : null,
            // An exception is "at most N days old" for the whole of its Nth day.
            MaxAge = request.HasMaxAgeDays ? TimeSpan.FromDays(request.MaxAgeDays + 1) : null,
            MinUnappliedMinor = request.HasMinAmountMinor ? request.MinAmountMinor : null,
            MaxUnappliedMinor = request.HasMaxAmountMinor ? request.MaxAmountMinor : null,
            AfterId = after,
            Take = take,
        };
    }

    /// <summary>A specialist's decision from the wire; null with violations when invalid.</summary>
    public static ResolveRequest? ToDomain(V1.ResolveExceptionRequest request, string actor, Violations violations)
    {
        var id = ExceptionId(request.ExceptionId, "exception_id", violations);
        if (request.ExpectedRowVersion <= 0)
        {
            violations.Add("expected_row_version", "required: the row_version of the exception as last read.");
        }

        if (string.IsNullOrWhiteSpace(request.Reason))
        {
            violations.Add("reason", "required: why, in words.");
        }
        else
        {
            Text(request.Reason, "reason", violations);
        }

        ResolutionKind? kind = null;
        var allocations = new List<ItemAllocation>();
        switch (request.ActionCase)
        {
            case V1.ResolveExceptionRequest.ActionOneofCase.ApplyToItems:
                kind = ResolutionKind.ApplyToItems;
                var lines = request.ApplyToItems.Applications;
                if (lines.Count == 0)
                {
                    violations.Add("apply_to_items.applications", "at least one item.");
                }

                var seen = new HashSet<string>(StringComparer.Ordinal);
                for (var i = 0; i < lines.Count; i++)
                {
                    var itemId = Key(lines[i].ItemId, $"apply_to_items.applications[{i}].item_id", violations);
                    if (itemId is not null && !seen.Add(itemId))
                    {
                        violations.Add($"apply_to_items.applications[{i}].item_id", $"'{Clip(itemId)}' appears twice.");
                    }

                    if (lines[i].AmountMinor == 0)
                    {
                        violations.Add($"apply_to_items.applications[{i}].amount_minor", "not zero.");
                    }

                    if (itemId is not null)
                    {
                        allocations.Add(new ItemAllocation(itemId, lines[i].AmountMinor));
                    }
                }

                break;
            case V1.ResolveExceptionRequest.ActionOneofCase.LeaveOnAccount:
                kind = ResolutionKind.LeaveOnAccount;
                break;
            case V1.ResolveExceptionRequest.ActionOneofCase.Refund:
                kind = ResolutionKind.Refund;
                break;
            case V1.ResolveExceptionRequest.ActionOneofCase.WriteOff:
                kind = ResolutionKind.WriteOff;
                break;
            default:
                violations.Add("action", "required: apply_to_items, leave_on_account, refund or write_off.");
                break;
        }

        if (violations.Any || id is null || kind is null)
        {
            return null;
        }

        var reason = request.Reason;
        if (kind == ResolutionKind.LeaveOnAccount && request.LeaveOnAccount.CustomerId.Length > 0)
        {
            reason = $"{reason} (on account of {request.LeaveOnAccount.CustomerId})";
        }

        return new ResolveRequest
        {
            ExceptionId = id.Value,
            ExpectedRowVersion = request.ExpectedRowVersion,
            Kind = kind.Value,
            Allocations = allocations,
            Actor = actor,
            Reason = reason,
        };
    }

    public static V1.SummaryResponse ToProto(LedgerSummary summary)
    {
        var proto = new V1.SummaryResponse
        {
            BankFiles = summary.BankFiles,
            Payments = summary.Payments,
            AppliedInFull = summary.PaymentsFullyApplied,
            HitRate = summary.HitRate,
            OpenExceptions = summary.OpenExceptions,
            AsOf = ToProto(summary.AsOf),
        };
        foreach (var figure in summary.ByMethod)
        {
            proto.ByMethod.Add(new V1.MethodCount
            {
                Method = ToProto(figure.Method),
                Payments = figure.Payments,
                Applications = figure.Applications,
                Share = summary.Payments == 0 ? 0 : (double)figure.Payments / summary.Payments,
            });
        }

        foreach (var figure in summary.Unapplied)
        {
            var (total, totalBeyond) = Int64OrLimit(figure.TotalMinor);
            var currency = new V1.UnappliedByCurrency
            {
                Currency = figure.Currency,
                OpenExceptions = figure.OpenExceptions,
                UnappliedAmountMinor = total,
                BeyondInt64 = totalBeyond,
            };
            foreach (var (min, max, sum) in new (int, int?, Int128)[] { (0, 7, figure.Days0To7Minor), (8, 30, figure.Days8To30Minor), (31, 90, figure.Days31To90Minor), (91, null, figure.Over90DaysMinor) })
            {
                var (amount, beyond) = Int64OrLimit(sum);
                var bucket = new V1.AgeBucket { MinAgeDays = min, UnappliedAmountMinor = amount, BeyondInt64 = beyond };
                if (max is { } days)
                {
                    bucket.MaxAgeDays = days;
                }

                currency.ByAge.Add(bucket);
            }

            proto.Unapplied.Add(currency);
        }

        return proto;
    }

    /// <summary>A sum as an int64, or the int64 limit on its side and true when it does not fit.</summary>
    public static (long Value, bool Beyond) Int64OrLimit(Int128 sum) =>
        sum > long.MaxValue ? (long.MaxValue, true) : sum < long.MinValue ? (long.MinValue, true) : ((long)sum, false);

    public static long? ExceptionId(string text, string field, Violations violations)
    {
        if (string.IsNullOrEmpty(text))
        {
            violations.Add(field, "required.");
            return null;
        }

        if (!long.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var id) || id <= 0)
        {
            violations.Add(field, $"'{Clip(text)}' is not an exception id.");
            return null;
        }

        return id;
    }

    public static int PageSize(int requested, Violations violations)
    {
        if (requested < 0 || requested > MaxPageSize)
        {
            violations.Add("page_size", $"between 0 (the default, {DefaultPageSize}) and {MaxPageSize}, found {requested}.");
        }

        return requested == 0 ? DefaultPageSize : Math.Clamp(requested, 1, MaxPageSize);
    }

    public static long? PageToken(string token, Violations violations)
    {
        if (token.Length == 0)
        {
            return null;
        }

        if (!long.TryParse(token, NumberStyles.None, CultureInfo.InvariantCulture, out var after))
        {
            violations.Add("page_token", "not a token this server issued.");
            return null;
        }

        return after;
    }

    public static string Id(long id) => id.ToString(CultureInfo.InvariantCulture);

    /// <summary>A credit the store already held, with the file that first brought it.</summary>
    public static V1.AlreadyReceivedPayment ToProto(AlreadyReceived received) => new()
    {
        PaymentRef = received.PaymentRef,
        Line = received.LineNumber,
        IdentityKey = received.First.IdentityKey,
        FirstFileId = Id(received.First.BankFileId),
        FirstFileName = received.First.BankFileName,
        FirstPaymentRef = received.First.PaymentRef,
    };
}
