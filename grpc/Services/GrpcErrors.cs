using System.Diagnostics;
using System.Diagnostics.CodeAnalysis;
using System.Globalization;
using Google.Protobuf.WellKnownTypes;
using Google.Rpc;
using Grpc.Core;

namespace CashApp.Grpc.Services;

/// <summary>
/// Where a value sits in a request, such as <c>payments[3].currency</c>: kept as its parts and written out only when a
/// violation names it. A valid request, nearly every one, then makes no text per field: the served unary Match made
/// nine such strings a payment, about a twelfth of what the server allocated a call (PERFORMANCE.md, "Served: the
/// collector's pauses").
/// </summary>
internal readonly struct FieldPath
{
    private readonly string _head;
    private readonly long _index;
    private readonly string? _member;

    /// <summary>The element <paramref name="index"/> of the repeated field <paramref name="list"/>: <c>list[index]</c>.</summary>
    public FieldPath(string list, long index)
        : this(list, index, null)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(index);
    }

    private FieldPath(string head, long index, string? member)
    {
        _head = head;
        _index = index;
        _member = member;
    }

    /// <summary>A whole path given as text.</summary>
    public static implicit operator FieldPath(string path) => new(path, -1, null);

    /// <summary>A field of this element, <c>list[index].member</c>; of a path given as text, <c>path.member</c>.</summary>
    public FieldPath Member(string member) => _member is null
        ? new FieldPath(_head, _index, member)
        : new FieldPath(ToString(), -1, member);

    public override string ToString() => (_index, _member) switch
    {
        _ when _head is null => string.Empty,
        (< 0, null) => _head,
        (< 0, _) => _head + "." + _member,
        (_, null) => string.Create(CultureInfo.InvariantCulture, $"{_head}[{_index}]"),
        _ => string.Create(CultureInfo.InvariantCulture, $"{_head}[{_index}].{_member}"),
    };
}

/// <summary>
/// Collects what is wrong with a request, field by field, so that a client hears of every problem at
/// once. Field paths follow the proto (<c>payments[3].currency</c>).
/// </summary>
internal sealed class Violations
{
    private List<BadRequest.Types.FieldViolation>? _list;

    public bool Any => _list is { Count: > 0 };

    public int Count => _list?.Count ?? 0;

    public void Add(FieldPath field, string description)
    {
        // A client that sends a million bad rows hears of the first hundred.
        if (Count < 100)
        {
            (_list ??= []).Add(new BadRequest.Types.FieldViolation { Field = field.ToString(), Description = description });
        }
    }

    /// <summary>Throws INVALID_ARGUMENT listing the violations, if there are any.</summary>
    public void ThrowIfAny()
    {
        if (_list is { Count: > 0 })
        {
            GrpcErrors.ThrowInvalidArgument(_list);
        }
    }

    public override string ToString() => _list is null ? string.Empty : string.Join("; ", _list.Select(v => v.Field + ": " + v.Description));
}

/// <summary>The failures services raise, as rich statuses (google.rpc.Status with details).</summary>
[StackTraceHidden]
internal static class GrpcErrors
{
    [DoesNotReturn]
    public static void ThrowInvalidArgument(IReadOnlyList<BadRequest.Types.FieldViolation> violations)
    {
        var first = violations[0];
        var message = violations.Count == 1
            ? $"{first.Field}: {first.Description}"
            : $"{first.Field}: {first.Description} (and {violations.Count - 1} more)";
        var status = new Google.Rpc.Status
        {
            Code = (int)Code.InvalidArgument,
            Message = message,
            Details = { Any.Pack(new BadRequest { FieldViolations = { violations } }) },
        };
        throw status.ToRpcException();
    }

    [DoesNotReturn]
    public static void ThrowInvalidArgument(string field, string description) =>
        ThrowInvalidArgument([new BadRequest.Types.FieldViolation { Field = field, Description = description }]);

    /// <summary>A bank file that cannot be read: the field is <c>data</c>, and the description names file and line.</summary>
    [DoesNotReturn]
    public static void ThrowBadFile(string fileName, long lineNumber, string errorCode, string message)
    {
        var status = new Google.Rpc.Status
        {
            Code = (int)Code.InvalidArgument,
            Message = message,
            Details =
            {
                Any.Pack(new BadRequest { FieldViolations = { new BadRequest.Types.FieldViolation { Field = "data", Description = message } } }),
                Any.Pack(new ErrorInfo
                {
                    Reason = errorCode,
                    Domain = "cashapp.v1",
                    Metadata =
                    {
                        ["file_name"] = fileName,
                        ["line"] = lineNumber.ToString(System.Globalization.CultureInfo.InvariantCulture),
                    },
                }),
            },
        };
        throw status.ToRpcException();
    }

    [DoesNotReturn]
    public static void ThrowNotFound(string what) =>
        throw new RpcException(new global::Grpc.Core.Status(StatusCode.NotFound, what));

    /// <summary>
    /// Optimistic concurrency lost: ABORTED, as google.rpc.Code documents for a read-modify-write
    /// conflict that the client should retry from the read. (FAILED_PRECONDITION would tell the client
    /// not to retry until the system changes, which is the wrong advice here.)
    /// </summary>
    [DoesNotReturn]
    public static void ThrowConflict(string message) =>
        throw new RpcException(new global::Grpc.Core.Status(StatusCode.Aborted, message));

    /// <summary>A request that is valid but cannot be carried out against the ledger as it stands.</summary>
    [DoesNotReturn]
    public static void ThrowFailedPrecondition(string message) =>
        throw new RpcException(new global::Grpc.Core.Status(StatusCode.FailedPrecondition, message));

    [DoesNotReturn]
    public static void ThrowResourceExhausted(string message) =>
        throw new RpcException(new global::Grpc.Core.Status(StatusCode.ResourceExhausted, message));
}
