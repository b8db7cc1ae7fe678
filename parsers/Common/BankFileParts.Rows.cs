using System.Runtime.CompilerServices;

namespace CashApp.Parsers.Common;

/// <summary>
/// The values of one transaction that <c>cashapp parse</c> writes as a row, where a <see cref="BankTransaction"/> has
/// strings as spans: a reader may give them straight from the text it decoded, without a string or a transaction
/// per row (<see cref="BankFileParts.ReadRowsAsync"/>). Each value is the one of the transaction the one-thread
/// reader builds (<see cref="Of"/>), null and empty alike as an empty span. Valid only during the call it is given to.
/// </summary>
public readonly ref struct BankRow
{
    /// <inheritdoc cref="BankTransaction.PaymentRef"/>
    public ReadOnlySpan<char> PaymentRef { get; init; }

    /// <inheritdoc cref="BankTransaction.Direction"/>
    public Direction Direction { get; init; }

    /// <inheritdoc cref="BankTransaction.AmountMinor"/>
    public long AmountMinor { get; init; }

    /// <inheritdoc cref="BankTransaction.Currency"/>
    public string Currency { get; init; }

    /// <inheritdoc cref="BankTransaction.Format"/>
    public BankFileFormat Format { get; init; }

    /// <inheritdoc cref="BankTransaction.LineNumber"/>
    public long LineNumber { get; init; }

    /// <inheritdoc cref="BankTransaction.IsPayment"/>
    public bool IsPayment { get; init; }

    /// <inheritdoc cref="BankTransaction.TypeCode"/>
    public ReadOnlySpan<char> TypeCode { get; init; }

    /// <inheritdoc cref="BankTransaction.ValueDate"/>
    public DateOnly? ValueDate { get; init; }

    /// <inheritdoc cref="BankTransaction.PayerName"/>
    public ReadOnlySpan<char> PayerName { get; init; }

    /// <inheritdoc cref="BankTransaction.PayerAccount"/>
    public ReadOnlySpan<char> PayerAccount { get; init; }

    /// <inheritdoc cref="BankTransaction.PayerId"/>
    public ReadOnlySpan<char> PayerId { get; init; }

    /// <inheritdoc cref="BankTransaction.Remittance"/>
    public BankRowRemittance Remittance { get; init; }

    /// <inheritdoc cref="BankTransaction.FreeText"/>
    public ReadOnlySpan<char> FreeText { get; init; }

    /// <summary>The row of a transaction.</summary>
    public static BankRow Of(BankTransaction transaction)
    {
        ArgumentNullException.ThrowIfNull(transaction);
        return new BankRow
        {
            PaymentRef = transaction.PaymentRef,
            Direction = transaction.Direction,
            AmountMinor = transaction.AmountMinor,
            Currency = transaction.Currency,
            Format = transaction.Format,
            LineNumber = transaction.LineNumber,
            IsPayment = transaction.IsPayment,
            TypeCode = transaction.TypeCode,
            ValueDate = transaction.ValueDate,
            PayerName = transaction.PayerName,
            PayerAccount = transaction.PayerAccount,
            PayerId = transaction.PayerId,
            Remittance = new BankRowRemittance(transaction.Remittance),
            FreeText = transaction.FreeText,
        };
    }
}

/// <summary>
/// The documents of a <see cref="BankRow"/>: each one's reference, amount and kind, as the transaction's
/// <see cref="RemittanceLine"/>s have them. A reader gives either those lines, or the references' text in one span with
/// where each lies (<see cref="BankRowDocument"/>), so that a row needs no string or object per document. Valid only
/// during the call its row is given to.
/// </summary>
public readonly ref struct BankRowRemittance
{
    private readonly IReadOnlyList<RemittanceLine>? lines;
    private readonly ReadOnlySpan<char> chars;
    private readonly ReadOnlySpan<BankRowDocument> documents;

    /// <summary>The documents of a transaction's remittance lines.</summary>
    public BankRowRemittance(IReadOnlyList<RemittanceLine> lines)
    {
        ArgumentNullException.ThrowIfNull(lines);
        this.lines = lines;
    }

    /// <summary>The documents whose references lie in <paramref name="chars"/> where <paramref name="documents"/> say.</summary>
    public BankRowRemittance(ReadOnlySpan<char> chars, ReadOnlySpan<BankRowDocument> documents)
    {
        this.chars = chars;
        this.documents = documents;
    }

    /// <summary>How many documents there are; none for a row made without any.</summary>
    public int Count => lines?.Count ?? documents.Length;

    /// <summary>The reference of the document at <paramref name="index"/> (<see cref="RemittanceLine.Reference"/>).</summary>
    public ReadOnlySpan<char> Reference(int index) =>
        lines is not null ? lines[index].Reference : chars.Slice(documents[index].Start, documents[index].Length);

    /// <summary>The amount of the document at <paramref name="index"/> (<see cref="RemittanceLine.AmountMinor"/>).</summary>
    public long? AmountMinor(int index) => lines is not null ? lines[index].AmountMinor : documents[index].AmountMinor;

    /// <summary>The kind of the document at <paramref name="index"/> (<see cref="RemittanceLine.Kind"/>).</summary>
    public RemittanceKind Kind(int index) => lines is not null ? lines[index].Kind : documents[index].Kind;
}

/// <summary>A document of a <see cref="BankRowRemittance"/>: its reference's place in the text, its amount and kind.</summary>
public readonly record struct BankRowDocument(int Start, int Length, long? AmountMinor, RemittanceKind Kind);

/// <summary>Takes the row of one transaction into its part (<see cref="BankFileParts.ReadRowsAsync"/>).</summary>
/// <typeparam name="TPart">What the caller makes of a part's rows.</typeparam>
public delegate void BankRowAction<in TPart>(TPart part, in BankRow row);

/// <summary>Takes the row of one transaction.</summary>
public delegate void BankRowSink(in BankRow row);

/// <content>Parts read as rows (<see cref="BankRow"/>) rather than transactions.</content>
public static partial class BankFileParts
{
    /// <summary>
    /// Reads the file at <paramref name="path"/> in parts as <see cref="ReadAsync{TPart}(string, BankFileFormat, BankFileReadOptions, ICollection{ParseWarning}?, Func{int, TPart}, Action{TPart, BankTransaction}, Action{TPart}?, Action?, int, int, CancellationToken)"/>
    /// does, with each transaction given to <paramref name="add"/> as its <see cref="BankRow"/>: the same rows, in the
    /// same order, with the same warnings, checks and errors. A strict BAI2 file's rows are made from the record's text,
    /// and a lockbox file's from the check's records, without a <see cref="BankTransaction"/> or its strings
    /// (<see cref="BankFileReadOptions.WithoutExtra"/> is implied).
    /// </summary>
    /// <param name="add">Adds a row to its part; called on worker threads, one part at a time per thread.</param>
    /// <inheritdoc cref="ReadAsync{TPart}(string, BankFileFormat, BankFileReadOptions, ICollection{ParseWarning}?, Func{int, TPart}, Action{TPart, BankTransaction}, Action{TPart}?, Action?, int, int, CancellationToken)" path="/param[@name!='add']"/>
    /// <inheritdoc cref="ReadAsync{TPart}(string, BankFileFormat, BankFileReadOptions, ICollection{ParseWarning}?, Func{int, TPart}, Action{TPart, BankTransaction}, Action{TPart}?, Action?, int, int, CancellationToken)" path="/typeparam"/>
    public static Task<IReadOnlyList<TPart>> ReadRowsAsync<TPart>(
        string path,
        BankFileFormat format,
        BankFileReadOptions options,
        ICollection<ParseWarning>? warnings,
        Func<int, TPart> createPart,
        BankRowAction<TPart> add,
        Action<TPart>? complete,
        Action? checkedWhole,
        int partBytes = 0,
        int workers = 0,
        CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(add);
        ArgumentNullException.ThrowIfNull(options);
        return ReadCoreAsync(
            path,
            format,
            options with { WithoutExtra = true },
            warnings,
            createPart,
            (reader, part, bytes, isFinal, container) => reader.ReadRows(part.State, bytes, part, isFinal, [MethodImpl(MethodImplOptions.AggressiveOptimization)] (in BankRow row) => add(container, in row)),
            complete,
            checkedWhole,
            partBytes,
            workers,
            cancellationToken);
    }
}
