using System.Security.Cryptography;
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
internal sealed class BankFilesService(ICashStore store, LedgerService ledger, ServeOptions options, ILogger<BankFilesService> logger) : V1.BankFiles.BankFilesBase
{
    /// <summary>Longest file name accepted.</summary>
    public const int MaxFileNameLength = 255;

    /// <summary>Longest lockbox layout JSON accepted.</summary>
    public const int MaxLayoutLength = 1024 * 1024;

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
        var earlier = await store.FindBankFileAsync(hash, cancellationToken).ConfigureAwait(false);
        if (earlier is { Status: BankFileStatus.Ingested })
        {
            Log.DuplicateFile(logger, caller, fileName, earlier.Id);
            return Report(earlier, fileName, hash, size, duplicate: true, []);
        }

        file.Position = 0;
        var head = new byte[BankFiles.DetectionWindow];
        var headLength = await file.ReadAtLeastAsync(head, head.Length, throwOnEndOfStream: false, cancellationToken).ConfigureAwait(false);
        var format = BankFiles.Detect(head.AsSpan(0, headLength));
        file.Position = 0;

        var warnings = new ParseWarningCollection(LedgerService.MaxWarnings);
        var transactions = new List<BankTransaction>();
        try
        {
            var layout = layoutJson is null ? null : LockboxLayout.Parse(layoutJson, "lockbox_layout");
            var readOptions = new BankFileReadOptions { LockboxLayout = layout, MaxDocumentCharacters = options.MaxFileBytes };
            await foreach (var transaction in BankFiles.ReadAsync(file, fileName, format, readOptions, warnings, cancellationToken).ConfigureAwait(false))
            {
                transactions.Add(transaction);
            }

            var unknown = transactions.FirstOrDefault(t => !CurrencyCode.TryParse(t.Currency, out _));
            if (unknown is not null)
            {
                var message = $"{fileName}:{unknown.LineNumber}: unknown currency '{unknown.Currency}'.";
                Log.BadFile(logger, caller, fileName, message);
                await store.RecordRejectedBankFileAsync(hash, fileName, format, caller.Name, message, cancellationToken).ConfigureAwait(false);
                GrpcErrors.ThrowBadFile(fileName, unknown.LineNumber, "UNKNOWN_CURRENCY", message);
            }
        }
        catch (BankFileFormatException ex)
        {
            Log.BadFile(logger, caller, fileName, ex.Message);
            await store.RecordRejectedBankFileAsync(hash, fileName, format, caller.Name, ex.Message, cancellationToken).ConfigureAwait(false);
            GrpcErrors.ThrowBadFile(ex.FileName, ex.LineNumber, ex.ErrorCode, ex.Message);
        }

        StoredBatch write;
        try
        {
            write = await ledger.StoreTransactionsAsync(transactions, fileName, hash, format, caller.Name, cancellationToken).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            Log.IngestRolledBack(logger, caller, fileName, "the call was cancelled or the server is stopping");
            throw;
        }

        var stored = write.File;
        if (write.Status == IngestStatus.Duplicate)
        {
            // Another call stored the same content between our look-up and our write.
            Log.DuplicateFile(logger, caller, fileName, stored.Id);
            return Report(stored, fileName, hash, size, duplicate: true, []);
        }

        Log.Ingested(logger, caller, fileName, size, format, stored.Id, stored.CreditCount, stored.ApplicationCount, stored.ExceptionCount);
        var report = Report(stored, fileName, hash, size, duplicate: false, warnings);
        report.NewCredits = write.NewCredits;
        report.WarningCount = warnings.Total;
        report.AlreadyReceivedCount = write.AlreadyReceived.Count;
        report.AlreadyReceived.AddRange(write.AlreadyReceived.Take(1000).Select(ProtoMap.ToProto));
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
        else if (name.Length > MaxFileNameLength || name.AsSpan().IndexOfAny(['/', '\\', '\0']) >= 0)
        {
            violations.Add("file_name", $"a plain file name of at most {MaxFileNameLength} characters, without folders.");
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
