using System.Globalization;
using System.Text;
using CashApp.Parsers.Common;
using CashApp.Parsers.Lockbox;
using CashApp.Tests;

namespace CashApp.Parsers.Tests.Lockbox;

/// <summary>Reading helpers, the golden rendering of payments, and a stream that hands its bytes over in two reads.</summary>
internal static class LockboxTestSupport
{
    public static string Layouts => Path.Combine(TestPaths.Fixtures, "lockbox", "layouts");

    public static string Files => Path.Combine(TestPaths.Fixtures, "lockbox", "files");

    public static string Golden => Path.Combine(TestPaths.Fixtures, "lockbox", "golden");

    public static string FundersClub(string file) => TestPaths.ExternalFile("lockbox", "FundersClub__bai-lockbox", file);

    public static LockboxLayout FundersClubLayout => LockboxLayout.Load(Path.Combine(Layouts, "fundersclub-bai-lockbox.json"));

    public static async Task<List<BankTransaction>> ReadAsync(Stream stream, string name, LockboxLayout layout, List<ParseWarning>? warnings = null)
    {
        var list = new List<BankTransaction>();
        await foreach (var transaction in LockboxReader.ReadAsync(stream, name, layout, warnings))
        {
            list.Add(transaction);
        }

        return list;
    }

    public static Task<List<BankTransaction>> ReadAsync(byte[] content, string name, LockboxLayout layout, List<ParseWarning>? warnings = null) =>
        ReadAsync(new MemoryStream(content), name, layout, warnings);

    public static async Task<List<BankTransaction>> ReadFileAsync(string path, LockboxLayout layout, List<ParseWarning>? warnings = null)
    {
        await using var stream = File.OpenRead(path);
        return await ReadAsync(stream, Path.GetFileName(path), layout, warnings);
    }

    /// <summary>A stable text form of payments and warnings: what golden files hold.</summary>
    public static string Render(IEnumerable<BankTransaction> transactions, IEnumerable<ParseWarning>? warnings = null)
    {
        var text = new StringBuilder();
        foreach (var t in transactions)
        {
            text.Append(CultureInfo.InvariantCulture, $"{t.PaymentRef} {t.Direction} {t.AmountMinor} {t.Currency} format={t.Format} line={t.LineNumber} payment={t.IsPayment} type={t.TypeCode}");
            text.Append(CultureInfo.InvariantCulture, $" date={t.ValueDate?.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture)} name=[{t.PayerName}] account=[{t.PayerAccount}]\n");
            foreach (var line in t.Remittance)
            {
                text.Append(CultureInfo.InvariantCulture, $"  invoice [{line.Reference}] {line.AmountMinor?.ToString(CultureInfo.InvariantCulture) ?? "-"} {line.Kind}\n");
            }

            foreach (var (key, value) in t.Extra.OrderBy(p => p.Key, StringComparer.Ordinal))
            {
                text.Append(CultureInfo.InvariantCulture, $"  extra {key}=[{value}]\n");
            }
        }

        foreach (var warning in warnings ?? [])
        {
            text.Append(CultureInfo.InvariantCulture, $"warning line={warning.LineNumber} {warning.Code}: {warning.Message}\n");
        }

        return text.ToString();
    }

    public static string Describe(string template, params object[] args) => string.Format(CultureInfo.InvariantCulture, template, args);
}

/// <summary>A read-only stream that returns its first <c>split</c> bytes on the first read and the rest after.</summary>
internal sealed class TwoReadStream(byte[] content, int split) : Stream
{
    private int position;

    public override bool CanRead => true;

    public override bool CanSeek => false;

    public override bool CanWrite => false;

    public override long Length => content.Length;

    public override long Position { get => position; set => throw new NotSupportedException(); }

    public override int Read(byte[] buffer, int offset, int count) => Read(buffer.AsSpan(offset, count));

    public override int Read(Span<byte> buffer)
    {
        var end = position < split ? split : content.Length;
        var n = Math.Min(buffer.Length, end - position);
        content.AsSpan(position, n).CopyTo(buffer);
        position += n;
        return n;
    }

    public override ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default) => ValueTask.FromResult(Read(buffer.Span));

    public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) => Task.FromResult(Read(buffer, offset, count));

    public override void Flush()
    {
    }

    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

    public override void SetLength(long value) => throw new NotSupportedException();

    public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
}
