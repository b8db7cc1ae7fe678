using CashApp.Parsers.Common;
using CashApp.Parsers.Currency;

namespace CashApp.Parsers.Camt;

/// <summary>Transaction details (<c>TxDtls</c>): references, amounts, related parties, remittance, return information.</summary>
internal sealed partial class CamtParser
{
    // The documents of the Strd block being read (ReadStructured does not nest).
    private readonly List<(string Number, string? Type)> _blockDocuments = [];

    private CamtTransaction ReadTransaction(int number)
    {
        var transaction = new CamtTransaction(number, Line);
        var depth = Enter(number);
        while (NextChild(depth))
        {
            var name = LocalName;
            if (Is(name, _n.Refs))
            {
                ReadReferences(transaction);
            }
            else if (Is(name, _n.Amt))
            {
                transaction.Amount = ReadAmount();
            }
            else if (Is(name, _n.CdtDbtInd))
            {
                transaction.Direction = ReadDirection();
            }
            else if (Is(name, _n.AmtDtls))
            {
                ReadAmountDetails(transaction);
            }
            else if (Is(name, _n.RltdPties))
            {
                ReadRelatedParties(transaction);
            }
            else if (Is(name, _n.RmtInf))
            {
                ReadRemittance(transaction);
            }
            else if (Is(name, _n.BkTxCd))
            {
                transaction.BankTransactionCode = ReadBankTransactionCode();
            }
            else if (Is(name, _n.AddtlTxInf))
            {
                transaction.AdditionalInfo = ReadString();
            }
            else if (Is(name, _n.RtrInf))
            {
                ReadReturn(transaction);
            }
            else
            {
                SkipElement();
            }
        }

        Leave();
        return transaction;
    }

    private void ReadReferences(CamtTransaction transaction)
    {
        var depth = Enter();
        while (NextChild(depth))
        {
            var name = LocalName;
            if (Is(name, _n.AcctSvcrRef))
            {
                transaction.AccountServicerRef = ReadString();
            }
            else if (Is(name, _n.EndToEndId))
            {
                transaction.EndToEndId = ReadString();
            }
            else if (Is(name, _n.InstrId))
            {
                transaction.InstructionId = ReadString();
            }
            else if (Is(name, _n.TxId))
            {
                transaction.TransactionId = ReadString();
            }
            else if (Is(name, _n.MsgId))
            {
                transaction.MessageId = ReadString();
            }
            else if (Is(name, _n.PmtInfId))
            {
                transaction.PaymentInformationId = ReadString();
            }
            else if (Is(name, _n.MndtId))
            {
                transaction.MandateId = ReadString();
            }
            else if (Is(name, _n.UETR))
            {
                transaction.Uetr = ReadString();
            }
            else
            {
                SkipElement();
            }
        }

        Leave();
    }

    /// <summary>Reads <c>AmtDtls</c>: <c>InstdAmt</c>, <c>TxAmt</c> and <c>CntrValAmt</c>, each an <c>Amt</c> with an optional <c>CcyXchg</c>.</summary>
    private void ReadAmountDetails(CamtTransaction transaction)
    {
        var depth = Enter();
        while (NextChild(depth))
        {
            var name = LocalName;
            if (Is(name, _n.TxAmt))
            {
                transaction.TransactionAmount = ReadAmountAndExchange(transaction);
            }
            else if (Is(name, _n.InstdAmt))
            {
                transaction.InstructedAmount = ReadAmountAndExchange(transaction);
            }
            else if (Is(name, _n.CntrValAmt))
            {
                transaction.CounterValueAmount = ReadAmountAndExchange(transaction);
            }
            else
            {
                SkipElement();
            }
        }

        Leave();
    }

    private Money? ReadAmountAndExchange(CamtTransaction transaction)
    {
        Money? amount = null;
        var depth = Enter();
        while (NextChild(depth))
        {
            var name = LocalName;
            if (Is(name, _n.Amt))
            {
                amount = ReadAmount();
            }
            else if (Is(name, _n.CcyXchg))
            {
                var exchangeDepth = Enter();
                while (NextChild(exchangeDepth))
                {
                    if (Is(LocalName, _n.XchgRate))
                    {
                        transaction.ExchangeRate = ReadString();
                    }
                    else
                    {
                        SkipElement();
                    }
                }

                Leave();
            }
            else
            {
                SkipElement();
            }
        }

        Leave();
        return amount;
    }

    private void ReadRelatedParties(CamtTransaction transaction)
    {
        var depth = Enter();
        while (NextChild(depth))
        {
            var name = LocalName;
            if (Is(name, _n.Dbtr))
            {
                transaction.DebtorName = ReadPartyName();
            }
            else if (Is(name, _n.UltmtDbtr))
            {
                transaction.UltimateDebtorName = ReadPartyName();
            }
            else if (Is(name, _n.DbtrAcct))
            {
                transaction.DebtorAccount = ReadAccount();
            }
            else if (Is(name, _n.Cdtr))
            {
                transaction.CreditorName = ReadPartyName();
            }
            else if (Is(name, _n.UltmtCdtr))
            {
                transaction.UltimateCreditorName = ReadPartyName();
            }
            else if (Is(name, _n.CdtrAcct))
            {
                transaction.CreditorAccount = ReadAccount();
            }
            else
            {
                SkipElement();
            }
        }

        Leave();
    }

    /// <summary>A party's name: <c>Nm</c> directly (001.02 to 001.07), <c>Pty/Nm</c>, or a bank's <c>Agt/FinInstnId/Nm</c> (001.08 on).</summary>
    private string? ReadPartyName()
    {
        string? name = null;
        var depth = Enter();
        while (NextChild(depth))
        {
            var child = LocalName;
            if (Is(child, _n.Nm))
            {
                name = ReadString();
            }
            else if (Is(child, _n.Pty) || Is(child, _n.Agt) || Is(child, _n.FinInstnId))
            {
                name = ReadPartyName() ?? name;
            }
            else
            {
                SkipElement();
            }
        }

        Leave();
        return name;
    }

    /// <summary>A cash account: <c>Id/IBAN</c>, else <c>Id/Othr/Id</c>.</summary>
    private string? ReadAccount()
    {
        string? account = null;
        var depth = Enter();
        while (NextChild(depth))
        {
            if (Is(LocalName, _n.Id))
            {
                var (iban, other) = ReadAccountId();
                account = iban ?? other;
            }
            else
            {
                SkipElement();
            }
        }

        Leave();
        return account;
    }

    private void ReadRemittance(CamtTransaction transaction)
    {
        var depth = Enter();
        while (NextChild(depth))
        {
            var name = LocalName;
            if (Is(name, _n.Ustrd))
            {
                // As written, white space and all: where the bank cut a line at its width, a space at either
                // side of the cut tells a cut between words from a cut inside one.
                if (ReadString(trim: false) is { } line && !string.IsNullOrWhiteSpace(line))
                {
                    (transaction._unstructured ??= []).Add(line);
                }
            }
            else if (Is(name, _n.Strd))
            {
                ReadStructured(transaction);
            }
            else
            {
                SkipElement();
            }
        }

        Leave();
    }

    /// <summary>
    /// Reads one <c>Strd</c> block: its documents (<c>RfrdDocInf</c>, repeated from 001.03 on), its amounts
    /// (<c>RfrdDocAmt</c>, one per block) and its creditor reference (<c>CdtrRefInf</c>). The amounts belong to
    /// the block's only document, or to its creditor reference when it names no document.
    /// </summary>
    private void ReadStructured(CamtTransaction transaction)
    {
        // The block's amounts follow its documents, so the documents wait in a list the parser reuses.
        var documents = _blockDocuments;
        documents.Clear();
        DocumentAmounts amounts = default;
        CamtCreditorReference? creditorReference = null;
        var depth = Enter();
        while (NextChild(depth))
        {
            var name = LocalName;
            if (Is(name, _n.RfrdDocInf))
            {
                var document = ReadReferredDocument();
                if (document.Number is not null)
                {
                    documents.Add((document.Number, document.Type));
                }
            }
            else if (Is(name, _n.RfrdDocAmt))
            {
                amounts = ReadDocumentAmounts();
            }
            else if (Is(name, _n.CdtrRefInf))
            {
                creditorReference = ReadCreditorReference();
            }
            else
            {
                SkipElement();
            }
        }

        Leave();
        if (documents.Count > 0)
        {
            var list = transaction._documents ??= [];
            var only = documents.Count == 1;
            foreach (var (number, type) in documents)
            {
                list.Add(new CamtReferredDocument(number, type, KindOf(type))
                {
                    RemittedMinor = only ? amounts.Remitted : null,
                    DuePayableMinor = only ? amounts.DuePayable : null,
                    CreditNoteMinor = only ? amounts.CreditNote : null,
                    DiscountMinor = only ? amounts.Discount : null,
                });
            }
        }

        if (creditorReference is not null)
        {
            if (documents.Count == 0 && amounts.Remitted is { } remitted)
            {
                creditorReference = creditorReference with { RemittedMinor = remitted };
            }

            (transaction._creditorReferences ??= []).Add(creditorReference);
        }
    }

    private (string? Number, string? Type) ReadReferredDocument()
    {
        string? number = null, type = null;
        var depth = Enter();
        while (NextChild(depth))
        {
            var name = LocalName;
            if (Is(name, _n.Nb))
            {
                number = ReadString();
            }
            else if (Is(name, _n.Tp))
            {
                type = ReadCodeOrProprietary(_n.CdOrPrtry);
            }
            else
            {
                SkipElement();
            }
        }

        Leave();
        return (number, type);
    }

    private DocumentAmounts ReadDocumentAmounts()
    {
        DocumentAmounts amounts = default;
        var depth = Enter();
        while (NextChild(depth))
        {
            var name = LocalName;
            if (Is(name, _n.RmtdAmt))
            {
                amounts.Remitted = ReadAmount().Minor;
            }
            else if (Is(name, _n.DuePyblAmt))
            {
                amounts.DuePayable = ReadAmount().Minor;
            }
            else if (Is(name, _n.CdtNoteAmt))
            {
                amounts.CreditNote = ReadAmount().Minor;
            }
            else if (Is(name, _n.DscntApldAmt))
            {
                // A list of typed amounts from 001.03 on (DscntApldAmt/Amt), a plain amount in 001.02.
                amounts.Discount = ReadAmountOrTypedAmount();
            }
            else
            {
                SkipElement();
            }
        }

        Leave();
        return amounts;
    }

    /// <summary>An amount written directly (<c>&lt;X Ccy=".."&gt;</c>) or as a typed amount (<c>X/Amt</c>).</summary>
    private long? ReadAmountOrTypedAmount()
    {
        if (_r.GetAttribute(_n.Ccy) is not null)
        {
            return ReadAmount().Minor;
        }

        long? amount = null;
        var depth = Enter();
        while (NextChild(depth))
        {
            if (Is(LocalName, _n.Amt))
            {
                amount = checked((amount ?? 0) + ReadAmount().Minor);
            }
            else
            {
                SkipElement();
            }
        }

        Leave();
        return amount;
    }

    private CamtCreditorReference? ReadCreditorReference()
    {
        var line = Line;
        string? type = null, text = null;
        var depth = Enter();
        while (NextChild(depth))
        {
            var name = LocalName;
            if (Is(name, _n.Ref))
            {
                text = ReadString();
            }
            else if (Is(name, _n.Tp))
            {
                type = ReadCodeOrProprietary(_n.CdOrPrtry);
            }
            else
            {
                SkipElement();
            }
        }

        Leave();
        if (text is null)
        {
            return null;
        }

        if (CreditorReference.LooksLikeIso11649(text))
        {
            if (CreditorReference.TryDecode(text, out var decoded))
            {
                return new CamtCreditorReference(text, type, decoded, IsIso11649: true);
            }

            Warn(line, CamtErrorCodes.BadCreditorReference, Format(CamtErrorMessages.BadCreditorReference, CamtFormatException.Shorten(text)));
        }

        return new CamtCreditorReference(text, type, text, IsIso11649: false);
    }

    private void ReadReturn(CamtTransaction transaction)
    {
        transaction.IsReturn = true;
        var depth = Enter();
        while (NextChild(depth))
        {
            if (Is(LocalName, _n.Rsn))
            {
                var reasonDepth = Enter();
                while (NextChild(reasonDepth))
                {
                    var name = LocalName;
                    if (Is(name, _n.Cd) || Is(name, _n.Prtry))
                    {
                        transaction.ReturnReason = ReadCode();
                    }
                    else
                    {
                        SkipElement();
                    }
                }

                Leave();
            }
            else
            {
                SkipElement();
            }
        }

        Leave();
    }

    /// <summary>What a document type code means (ISO 20022 DocumentType3Code/6Code, and common proprietary spellings).</summary>
    internal static RemittanceKind KindOf(string? type) => type switch
    {
        "CINV" or "DEBN" or "DNFA" or "HIRI" or "SBIN" or "CMCN" or "INV" or "IV" => RemittanceKind.Invoice,
        "CREN" or "CRN" or "CNFA" or "CM" => RemittanceKind.CreditNote,
        "PUOR" or "PO" => RemittanceKind.PurchaseOrder,
        "SCOR" or "RADM" or "RPIN" => RemittanceKind.CreditorReference,
        _ => RemittanceKind.Unspecified,
    };

    private struct DocumentAmounts
    {
        public long? Remitted;
        public long? DuePayable;
        public long? CreditNote;
        public long? Discount;
    }
}
