using System.Security.Cryptography;
using CashApp.Engine.Model;
using CashApp.Store;
using CashApp.Grpc.Hosting;
using CashApp.Grpc.Matching;
using CashApp.Grpc.Security;
using CashApp.Parsers.Common;
using CashApp.Parsers.Currency;
using CashApp.Parsers.Lockbox;
using Grpc.Core;
using V1 = CashApp.Grpc.V1;

namespace CashApp.Grpc.Services;

/// <summary>
/// cashapp.v1.BankFiles: a bank file streamed in chunks is spooled to a temporary file (hashed on the
/// way), read whole, matched, and stored in one store transaction; or, when anything is wrong, not
/// stored at all. A client that goes away, or a server that stops, before the store commits leaves
/// nothing behind.
/// </summary>
internal sealed class BankFilesService(LedgerService ledger, ServeOptions options, ILogger<BankFilesService> logger) : V1.BankFiles.BankFilesBase
{
    /// <summary>Longest file name accepted.</summary>
    public const int MaxFileNameLength = 255;

    /// <summary>Longest lockbox layout JSON accepted.</summary>
    public const int MaxLayoutLength = 1024 * 1024;

    [Microsoft.AspNetCore.RateLimiting.EnableRateLimiting(Hosting.WriteLimiter.Policy)]
    public override async Task<V1.IngestReport> Ingest(IAsyncStreamReader<V1.FileChunk> requestStream, ServerCallContext context)
    {
        var caller = context.Caller();
        var cancellationToken = context.CancellationToken;
        var spool = Path.Combine(Path.GetTempPath(), $"cashapp-ingest-{Guid.NewGuid():N}.tmp");
        await using var file = new FileStream(spool, FileMode.CreateNew, FileAccess.ReadWrite, FileShare.None, 1 << 16, FileOptions.DeleteOnClose | FileOptions.Asynchronous);
        using var sha = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        string? fileName = null;
        string? layoutJson = null;
        long size = 0;
        await foreach (var chunk in requestStream.ReadAllAsync(cancellationToken).ConfigureAwait(false))
        {
            if (fileName is null)
            {
                fileName = FirstChunk(chunk, out layoutJson);
            }

            size += chunk.Data.Length;
            if (size > options.MaxFileBytes)
            {
                GrpcErrors.ThrowResourceExhausted($"{fileName}: larger than the {options.MaxFileBytes} bytes this server accepts in one file; nothing was stored.");
            }

            sha.AppendData(chunk.Data.Span);
            await file.WriteAsync(chunk.Data.Memory, cancellationToken).ConfigureAwait(false);
        }

        if (fileName is null)
        {
            GrpcErrors.ThrowInvalidArgument("file_name", "the stream was empty: the first chunk names the file.");
        }

        if (size == 0)
        {
            GrpcErrors.ThrowInvalidArgument("data", $"{fileName}: the file is empty.");
        }

        var hash = Convert.ToHexStringLower(sha.GetHashAndReset());
        file.Position = 0;
        IngestResult ingest;
        try
        {
            var layout = layoutJson is null ? null : LockboxLayout.Parse(layoutJson, "lockbox_layout");
            var ingestOptions = new IngestOptions { Actor = caller.Name, LockboxLayout = layout, MaxDocumentCharacters = options.MaxFileBytes };

            // The one ingest path (LedgerService over BankFileReading): detection knows the layout, as in cashapp match.
            ingest = await ledger.IngestBankFileAsync(file, fileName, hash, ingestOptions, cancellationToken).ConfigureAwait(false);
        }
        catch (BankFileFormatException ex)
        {
            Log.BadFile(logger, caller, fileName, ex.Message);
            GrpcErrors.ThrowBadFile(ex.FileName, ex.LineNumber, ex.ErrorCode, ex.Message);
            throw;
        }
        catch (OperationCanceledException)
        {
            Log.IngestRolledBack(logger, caller, fileName, "the call was cancelled or the server is stopping");
            throw;
        }

        var stored = ingest.File;
        if (ingest.Status == IngestStatus.Duplicate)
        {
            // The same content was stored before, or by another call between our look-up and our write.
            Log.DuplicateFile(logger, caller, fileName, stored.Id);
            return Report(stored, fileName, hash, size, duplicate: true, []);
        }

        Log.Ingested(logger, caller, fileName, size, stored.Format, stored.Id, stored.CreditCount, stored.ApplicationCount, stored.ExceptionCount);
        var report = Report(stored, fileName, hash, size, duplicate: false, ingest.Warnings);
        report.NewCredits = ingest.NewCredits;
        report.WarningCount = ingest.WarningCount;
        report.AlreadyReceivedCount = ingest.AlreadyReceivedCount;
        report.AlreadyReceived.AddRange(ingest.AlreadyReceived.Take(1000).Select(ProtoMap.ToProto));
        report.Deposits.AddRange(ingest.Deposits.Select(d => new V1.DepositOutcome
        {
            PaymentId = ProtoMap.Id(d.PaymentId),
            PaymentRef = d.PaymentRef,
            Status = d.State switch
            {
                DepositState.AwaitingDetail => V1.DepositOutcome.Types.Status.AwaitingDetail,
                DepositState.Reconciled => V1.DepositOutcome.Types.Status.Reconciled,
                _ => V1.DepositOutcome.Types.Status.Mismatch,
            },
            DepositFile = d.DepositFile,
            DetailFile = d.DetailFile ?? string.Empty,
            Description = d.Description,
        }));
        return report;
    }

    private static string FirstChunk(V1.FileChunk chunk, out string? layoutJson)
    {
        var violations = new Violations();
        var name = chunk.FileName;
        if (string.IsNullOrWhiteSpace(name))
        {
            violations.Add("file_name", "required on the first chunk.");
        }
        else if (name.Length > MaxFileNameLength || name.AsSpan().IndexOfAny('/', '\\') >= 0 || ControlCharacters.FirstIn(name) >= 0)
        {
            // The name is stored, listed on the worklist and written in every message about the file.
            violations.Add("file_name", $"a plain file name of at most {MaxFileNameLength} characters, without folders or control characters.");
        }

        if (chunk.LockboxLayout.Length > MaxLayoutLength)
        {
            violations.Add("lockbox_layout", $"at most {MaxLayoutLength} characters.");
        }

        violations.ThrowIfAny();
        layoutJson = chunk.LockboxLayout.Length == 0 ? null : chunk.LockboxLayout;
        return name;
    }

    private static V1.IngestReport Report(StoredBankFile file, string fileName, string hash, long size, bool duplicate, IReadOnlyList<ParseWarning> warnings)
    {
        var report = new V1.IngestReport
        {
            FileId = ProtoMap.Id(file.Id),
            FileName = fileName,
            Format = ProtoMap.ToProto(file.Format),
            Credits = file.CreditCount,
            Debits = file.DebitCount,
            Applied = file.ApplicationCount,
            Exceptions = file.ExceptionCount,
            Duplicate = duplicate,
            Sha256 = hash,
            SizeBytes = size,
            ReceivedAt = ProtoMap.ToProto(file.ReceivedAt),
        };
        foreach (var warning in warnings.Take(1000))
        {
            report.Warnings.Add(new V1.ParseWarning { Line = warning.LineNumber, Code = warning.Code, Message = warning.Message });
        }

        return report;
    }
}
