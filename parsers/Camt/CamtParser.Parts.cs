using System.Xml;
using CashApp.Parsers.Common;

namespace CashApp.Parsers.Camt;

/// <summary>
/// A document read in parts (<see cref="CamtParts"/>): the parser of a part reads runs of whole entries inside the
/// statement's own start tags, and the parser of the skeleton (the document with each run of entries cut down to one
/// empty <c>Ntry</c>) reads everything else and counts the parts' entries at the place of their run.
/// </summary>
internal sealed partial class CamtParser
{
    // Skeleton mode: where the runs' entries come from; null when reading a whole document or a part.
    private IRunSource? _runs;

    // Part mode: this parser reads the entries of one part, inside the statement given.
    private bool _isRun;

    // Skeleton mode: the current statement has had a run of entries.
    private bool _runInStatement;

    /// <summary>Where the skeleton's parser gets the entries of a run.</summary>
    internal interface IRunSource
    {
        /// <summary>
        /// The next run is reached in <paramref name="statement"/> after <paramref name="entriesBefore"/> entries: its
        /// entries go to <paramref name="count"/> in file order. Returns how many there were.
        /// </summary>
        int Take(CamtStatement statement, int entriesBefore, Action<EntryTotal> count);
    }

    /// <summary>What the checks at a statement's end need of one entry.</summary>
    internal readonly record struct EntryTotal(Currency.CurrencyCode Currency, Direction Direction, long AmountMinor, int Transactions, bool Booked, bool StatusMissing)
    {
        public static EntryTotal Of(CamtEntry entry) =>
            new(entry.Currency, entry.Direction, entry.AmountMinor, entry.Transactions.Count, entry.Status == CamtEntryStatus.Booked, entry.StatusCode is null);
    }

    /// <summary>A parser of the skeleton of a document read in parts.</summary>
    public static CamtParser ForSkeleton(Stream skeleton, string fileName, CamtReaderOptions options, ICollection<ParseWarning>? warnings, IRunSource runs)
    {
        ArgumentNullException.ThrowIfNull(runs);
        return new CamtParser(skeleton, fileName, options, warnings) { _runs = runs };
    }

    /// <summary>
    /// A parser of one part: <paramref name="part"/> holds the start tags of the <paramref name="ancestors"/> elements
    /// around the entries (the document's down to the statement), the entries, and the matching end tags. Its first
    /// line is line <paramref name="firstLine"/> of the file; its entries are numbered after <paramref name="entriesBefore"/>.
    /// </summary>
    public static CamtParser ForPart(Stream part, string fileName, CamtReaderOptions options, ICollection<ParseWarning>? warnings, long firstLine, int ancestors, CamtStatement statement, int entriesBefore)
    {
        ArgumentNullException.ThrowIfNull(statement);
        var parser = new CamtParser(part, fileName, options, warnings, firstLine - 1) { _isRun = true };
        try
        {
            parser.EnterPart(ancestors, statement, entriesBefore);
        }
        catch
        {
            parser.Dispose();
            throw;
        }

        return parser;
    }

    private void EnterPart(int ancestors, CamtStatement statement, int entriesBefore)
    {
        for (var i = 0; i < ancestors; i++)
        {
            if (i > 0)
            {
                Push(_r.LocalName, 0);
            }

            do
            {
                if (!_r.Read())
                {
                    UnexpectedEnd();
                }
            }
            while (_r.NodeType != XmlNodeType.Element);
        }

        // On the statement: the parser stands where the one-thread parser stands after reading the statement's header.
        _namespace = _r.NamespaceURI;
        _statement = statement;
        _entryCount = entriesBefore;
        _statementDepth = Enter();
        _state = State.Statement;
    }

    /// <summary>How many entries have been read in the current statement.</summary>
    public int EntryCount => _entryCount;

    /// <summary>Skeleton mode, on the empty <c>Ntry</c> standing for a run: counts the run's entries and moves past it.</summary>
    private void TakeRun()
    {
        if (!_r.IsEmptyElement)
        {
            throw new CamtPartsException("an entry where the skeleton has a run");
        }

        _runInStatement = true;
        _entryCount += _runs!.Take(_statement!, _entryCount, entry => CountEntry(entry));
        _r.Read();
    }

    /// <summary>The statement children that set what its entries read from the statement.</summary>
    private bool ChangesStatement(string name) =>
        Is(name, _n.Id) || Is(name, _n.ElctrncSeqNb) || Is(name, _n.CreDtTm) || Is(name, _n.Acct) || Is(name, _n.Bal);
}

/// <summary>A document cannot be read in parts after all; it is read again on one thread.</summary>
internal sealed class CamtPartsException(string reason) : Exception("camt in parts: " + reason)
{
}
