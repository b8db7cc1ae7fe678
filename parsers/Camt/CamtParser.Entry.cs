using CashApp.Parsers.Common;

namespace CashApp.Parsers.Camt;

/// <summary>Entries (<c>Ntry</c>): amount, direction, status, dates, references, bank transaction code, details.</summary>
internal sealed partial class CamtParser
{
    // The codes met most recently, reused while their parts are the same strings: a statement alternates between a
    // handful of codes (credits, debits, fees), so one remembered code would be rebuilt at every switch.
    private readonly CamtBankTransactionCode?[] _recentCodes = new CamtBankTransactionCode?[8];
    private int _nextCodeSlot;

    private CamtEntry ReadEntry()
    {
        var line = Line;
        var position = Position;
        var entry = new CamtEntry(_statement!, ++_entryCount, line);
        bool hasAmount = false, hasDirection = false;
        var depth = Enter(entry.Number);
        while (NextChild(depth))
        {
            var name = LocalName;
            if (Is(name, _n.Amt))
            {
                var amount = ReadAmount();
                entry.AmountMinor = amount.Minor;
                entry.Currency = amount.Currency;
                hasAmount = true;
            }
            else if (Is(name, _n.CdtDbtInd))
            {
                entry.Direction = ReadDirection();
                hasDirection = true;
            }
            else if (Is(name, _n.NtryDtls))
            {
                ReadEntryDetails(entry);
            }
            else if (Is(name, _n.Sts))
            {
                ReadStatus(entry);
            }
            else if (Is(name, _n.BookgDt))
            {
                entry.BookingDate = ReadDateChoice();
            }
            else if (Is(name, _n.ValDt))
            {
                entry.ValueDate = ReadDateChoice();
            }
            else if (Is(name, _n.AcctSvcrRef))
            {
                entry.AccountServicerRef = ReadString();
            }
            else if (Is(name, _n.NtryRef))
            {
                entry.EntryRef = ReadString();
            }
            else if (Is(name, _n.BkTxCd))
            {
                entry.BankTransactionCode = ReadBankTransactionCode();
            }
            else if (Is(name, _n.RvslInd))
            {
                entry.IsReversal = ReadBoolean();
            }
            else if (Is(name, _n.AddtlNtryInf))
            {
                entry.AdditionalInfo = ReadString();
            }
            else
            {
                SkipElement();
            }
        }

        if (!hasAmount)
        {
            Fail(CamtErrorCodes.MissingElement, line, position, string.Empty, null, Format(CamtErrorMessages.MissingElement, "element Amt"));
        }

        if (!hasDirection)
        {
            Fail(CamtErrorCodes.MissingElement, line, position, string.Empty, null, Format(CamtErrorMessages.MissingElement, "element CdtDbtInd"));
        }

        if (entry.StatusCode is null)
        {
            // Sts is mandatory, yet some banks (a Lithuanian camt.053.001.08) leave it out of their statements,
            // which report booked entries only; one warning per statement says so.
            entry.Status = CamtEntryStatus.Booked;
            _totals.MissingStatus++;
        }

        Leave();
        return entry;
    }

    /// <summary>Reads <c>Sts</c>: the code as text in 001.02, in <c>Sts/Cd</c> (or <c>Sts/Prtry</c>) from 001.03 on.</summary>
    private void ReadStatus(CamtEntry entry)
    {
        string? code = null;
        if (IsEmptyElement)
        {
            Advance();
        }
        else
        {
            var depth = Enter();
            while (true)
            {
                var type = NodeType;
                if (type is System.Xml.XmlNodeType.Text or System.Xml.XmlNodeType.CDATA)
                {
                    var length = AppendValue(0);
                    code = Intern(_text.AsSpan(0, length).Trim());
                    Advance();
                }
                else if (type == System.Xml.XmlNodeType.Element)
                {
                    if (!NextChild(depth))
                    {
                        break;
                    }

                    var name = LocalName;
                    if (Is(name, _n.Cd) || Is(name, _n.Prtry))
                    {
                        code = ReadCode();
                    }
                    else
                    {
                        SkipElement();
                    }
                }
                else if (type == System.Xml.XmlNodeType.EndElement)
                {
                    break;
                }
                else if (!Advance())
                {
                    UnexpectedEnd();
                }
            }

            Leave();
        }

        entry.StatusCode = code;
        entry.Status = code switch
        {
            "BOOK" => CamtEntryStatus.Booked,
            "PDNG" => CamtEntryStatus.Pending,
            "INFO" => CamtEntryStatus.Information,
            _ => CamtEntryStatus.Other,
        };
    }

    /// <summary>Reads <c>BkTxCd</c>: <c>Domn/Cd</c>, <c>Domn/Fmly/Cd</c>, <c>Domn/Fmly/SubFmlyCd</c>, <c>Prtry/Cd</c> and <c>Prtry/Issr</c>.</summary>
    private CamtBankTransactionCode? ReadBankTransactionCode()
    {
        string? domain = null, family = null, subFamily = null, proprietary = null, issuer = null;
        var depth = Enter();
        while (NextChild(depth))
        {
            var name = LocalName;
            if (Is(name, _n.Domn))
            {
                var domainDepth = Enter();
                while (NextChild(domainDepth))
                {
                    var inner = LocalName;
                    if (Is(inner, _n.Cd))
                    {
                        domain = ReadCode();
                    }
                    else if (Is(inner, _n.Fmly))
                    {
                        var familyDepth = Enter();
                        while (NextChild(familyDepth))
                        {
                            var leaf = LocalName;
                            if (Is(leaf, _n.Cd))
                            {
                                family = ReadCode();
                            }
                            else if (Is(leaf, _n.SubFmlyCd))
                            {
                                subFamily = ReadCode();
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
            else if (Is(name, _n.Prtry))
            {
                var proprietaryDepth = Enter();
                while (NextChild(proprietaryDepth))
                {
                    var inner = LocalName;
                    if (Is(inner, _n.Cd))
                    {
                        proprietary = ReadCode();
                    }
                    else if (Is(inner, _n.Issr))
                    {
                        issuer = ReadCode();
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
        if (domain is null && proprietary is null)
        {
            return null;
        }

        // Codes are pooled strings, so the same code in a later entry reuses the same object.
        foreach (var recent in _recentCodes)
        {
            if (recent is not null && ReferenceEquals(recent.Domain, domain) && ReferenceEquals(recent.Family, family)
                && ReferenceEquals(recent.SubFamily, subFamily) && ReferenceEquals(recent.Proprietary, proprietary)
                && ReferenceEquals(recent.ProprietaryIssuer, issuer))
            {
                return recent;
            }
        }

        var code = new CamtBankTransactionCode(domain, family, subFamily, proprietary, issuer);
        _recentCodes[_nextCodeSlot] = code;
        _nextCodeSlot = (_nextCodeSlot + 1) % _recentCodes.Length;
        return code;
    }

    /// <summary>Reads one <c>NtryDtls</c> block: an optional <c>Btch</c> and any number of <c>TxDtls</c>.</summary>
    private void ReadEntryDetails(CamtEntry entry)
    {
        var depth = Enter();
        while (NextChild(depth))
        {
            var name = LocalName;
            if (Is(name, _n.TxDtls))
            {
                entry._transactions.Add(ReadTransaction(entry._transactions.Count + 1));
            }
            else if (Is(name, _n.Btch))
            {
                var batchDepth = Enter();
                while (NextChild(batchDepth))
                {
                    var inner = LocalName;
                    if (Is(inner, _n.PmtInfId))
                    {
                        entry.BatchPaymentInformationId = ReadString();
                    }
                    else if (Is(inner, _n.MsgId))
                    {
                        entry.BatchMessageId = ReadString();
                    }
                    else if (Is(inner, _n.NbOfTxs))
                    {
                        var text = ReadText();
                        if (int.TryParse(text, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var count))
                        {
                            entry.BatchCount = count;
                        }
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
}
