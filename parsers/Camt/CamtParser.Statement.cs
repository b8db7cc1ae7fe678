using CashApp.Parsers.Common;
using CashApp.Parsers.Currency;

namespace CashApp.Parsers.Camt;

/// <summary>The statement header (<c>Stmt</c>/<c>Ntfctn</c>), its balances and <c>TxsSummry</c>, and the checks at its end.</summary>
internal sealed partial class CamtParser
{
    // Booked credits and debits per currency of the current statement, for the balance check.
    private readonly Dictionary<string, (long Credits, long Debits)> _bookedByCurrency = new(StringComparer.Ordinal);

    private void CountEntry(CamtEntry entry)
    {
        _totals.Add(entry);
        if (entry.Status == CamtEntryStatus.Booked)
        {
            ref var booked = ref System.Runtime.InteropServices.CollectionsMarshal.GetValueRefOrAddDefault(_bookedByCurrency, entry.Currency.Code, out _);
            if (entry.Direction == Direction.Credit)
            {
                booked.Credits = checked(booked.Credits + entry.AmountMinor);
            }
            else
            {
                booked.Debits = checked(booked.Debits + entry.AmountMinor);
            }
        }
    }

    private void ReadStatementChild()
    {
        if (_statementHandedOut)
        {
            // A header element after an entry (AddtlStmtInf, or a bank's odd order): the entries handed out keep the
            // header as read before them, as CamtStatement promises, even when a reader on another thread maps them
            // only after this change.
            _statement = _statement!.Copy();
            _statementHandedOut = false;
        }

        var statement = _statement!;
        var name = LocalName;
        if (Is(name, _n.Id))
        {
            statement.Id = ReadString();
        }
        else if (Is(name, _n.ElctrncSeqNb))
        {
            statement.ElectronicSequenceNumber = ReadString();
        }
        else if (Is(name, _n.CreDtTm))
        {
            statement.CreatedAt = ReadString();
        }
        else if (Is(name, _n.Acct))
        {
            ReadAccount(statement);
        }
        else if (Is(name, _n.Bal))
        {
            ReadBalance(statement);
        }
        else if (Is(name, _n.TxsSummry))
        {
            ReadSummary();
        }
        else
        {
            SkipElement();
        }
    }

    private void ReadAccount(CamtStatement statement)
    {
        var depth = Enter();
        while (NextChild(depth))
        {
            var name = LocalName;
            if (Is(name, _n.Id))
            {
                var (iban, other) = ReadAccountId();
                statement.AccountIban = iban;
                statement.AccountOtherId = other;
            }
            else if (Is(name, _n.Ccy))
            {
                statement.AccountCurrency = ReadCode();
            }
            else if (Is(name, _n.Ownr))
            {
                statement.AccountOwnerName = ReadPartyName();
            }
            else
            {
                SkipElement();
            }
        }

        Leave();
    }

    /// <summary>Reads an account <c>Id</c>: <c>IBAN</c> or <c>Othr/Id</c>.</summary>
    private (string? Iban, string? Other) ReadAccountId()
    {
        string? iban = null, other = null;
        var depth = Enter();
        while (NextChild(depth))
        {
            var name = LocalName;
            if (Is(name, _n.IBAN))
            {
                iban = ReadString();
            }
            else if (Is(name, _n.Othr))
            {
                var inner = Enter();
                while (NextChild(inner))
                {
                    if (Is(LocalName, _n.Id))
                    {
                        other = ReadString();
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
        return (iban, other);
    }

    private void ReadBalance(CamtStatement statement)
    {
        var line = Line;
        var position = Position;
        string? code = null;
        Money? amount = null;
        Direction? direction = null;
        DateOnly? date = null;
        var depth = Enter();
        while (NextChild(depth))
        {
            var name = LocalName;
            if (Is(name, _n.Tp))
            {
                code = ReadCodeOrProprietary(_n.CdOrPrtry);
            }
            else if (Is(name, _n.Amt))
            {
                // Some banks write a negative balance instead of (or as well as) CdtDbtInd DBIT.
                amount = ReadAmount(allowNegative: true);
            }
            else if (Is(name, _n.CdtDbtInd))
            {
                direction = ReadDirection();
            }
            else if (Is(name, _n.Dt))
            {
                date = ReadDateChoice();
            }
            else
            {
                SkipElement();
            }
        }

        if (amount is null)
        {
            Fail(CamtErrorCodes.MissingElement, line, position, "Amt", null, Format(CamtErrorMessages.MissingElement, "element Amt"));
        }

        Leave();
        var signed = direction == Direction.Debit ? -amount.Value : amount.Value;
        statement._balances.Add(new CamtBalance(code ?? string.Empty, signed, date));
    }

    /// <summary>Reads <c>Tp</c> of a balance: <c>CdOrPrtry/Cd</c> or <c>CdOrPrtry/Prtry</c>.</summary>
    private string? ReadCodeOrProprietary(string choice)
    {
        string? code = null;
        var depth = Enter();
        while (NextChild(depth))
        {
            if (Is(LocalName, choice))
            {
                var inner = Enter();
                while (NextChild(inner))
                {
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

                Leave();
            }
            else
            {
                SkipElement();
            }
        }

        Leave();
        return code;
    }

    private void ReadSummary()
    {
        var depth = Enter();
        while (NextChild(depth))
        {
            var name = LocalName;
            if (Is(name, _n.TtlNtries))
            {
                _totals.StatedAll = ReadSummaryBlock();
            }
            else if (Is(name, _n.TtlCdtNtries))
            {
                _totals.StatedCredit = ReadSummaryBlock();
            }
            else if (Is(name, _n.TtlDbtNtries))
            {
                _totals.StatedDebit = ReadSummaryBlock();
            }
            else
            {
                SkipElement();
            }
        }

        Leave();
    }

    /// <summary>Reads <c>NbOfNtries</c> and <c>Sum</c> of a <c>TxsSummry</c> block; the sum stays text until the currency is known.</summary>
    private SummaryBlock ReadSummaryBlock()
    {
        var block = new SummaryBlock { Line = Line };
        var depth = Enter();
        while (NextChild(depth))
        {
            var name = LocalName;
            if (Is(name, _n.NbOfNtries))
            {
                var line = Line;
                var position = Position;
                var text = ReadText();
                if (!long.TryParse(text, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var count))
                {
                    var value = new string(text);
                    Fail(CamtErrorCodes.BadCode, line, position, "NbOfNtries", value, Format(CamtErrorMessages.BadCode, CamtFormatException.Shorten(value), "a count"));
                }

                block.Count = count;
            }
            else if (Is(name, _n.Sum))
            {
                block.SumLine = Line;
                block.SumPosition = Position;
                block.Sum = ReadString();
            }
            else
            {
                SkipElement();
            }
        }

        Leave();
        return block;
    }

    /// <summary>
    /// Checks opening plus booked entries against closing, and <c>TxsSummry</c> against the entries. Real
    /// statements often leave entries out (pagination, trimmed test files), so every mismatch is a warning.
    /// </summary>
    private void FinishStatement()
    {
        var statement = _statement!;
        var id = statement.Id ?? statement.Number.ToString(System.Globalization.CultureInfo.InvariantCulture);
        if (_totals.MissingStatus > 0)
        {
            Warn(statement.LineNumber, CamtErrorCodes.StatusMissing, Format(CamtErrorMessages.StatusMissing, id, _totals.MissingStatus));
        }

        if (!_options.CheckBalances)
        {
            return;
        }

        CheckBalances(statement, id);
        if (_totals.Currencies > 1 || _totals.Currency.Code is null)
        {
            // Sums over several currencies mean nothing; and with no entry there is nothing to compare.
            return;
        }

        var currency = _totals.Currency;
        CheckSummary(id, "TtlNtries", _totals.StatedAll, _totals.CreditCount + _totals.DebitCount, _totals.TransactionCount, checked(_totals.CreditAll + _totals.DebitAll), currency, checked(_totals.CreditAll - _totals.DebitAll));
        CheckSummary(id, "TtlCdtNtries", _totals.StatedCredit, _totals.CreditCount, _totals.CreditTransactionCount, _totals.CreditAll, currency);
        CheckSummary(id, "TtlDbtNtries", _totals.StatedDebit, _totals.DebitCount, _totals.DebitTransactionCount, _totals.DebitAll, currency);
    }

    private void CheckBalances(CamtStatement statement, string id)
    {
        CamtBalance? opening = null, closing = null;
        foreach (var balance in statement.Balances)
        {
            if (balance.Code == "OPBD" || (balance.Code == "PRCD" && opening is null))
            {
                opening = balance;
            }
            else if (balance.Code == "CLBD")
            {
                closing = balance;
            }
        }

        if (opening is null || closing is null)
        {
            return;
        }

        if (opening.Amount.Currency.Code != closing.Amount.Currency.Code)
        {
            Warn(statement.LineNumber, CamtErrorCodes.BalanceMismatch, Format(CamtErrorMessages.BalanceCurrencies, id, opening.Amount.Currency.Code, closing.Amount.Currency.Code));
            return;
        }

        var currency = opening.Amount.Currency;
        _bookedByCurrency.TryGetValue(currency.Code, out var booked);
        var (credits, debits) = booked;
        var expected = checked(opening.Amount.Minor + credits - debits);
        if (expected != closing.Amount.Minor)
        {
            var digits = currency.MinorDigits;
            Warn(statement.LineNumber, CamtErrorCodes.BalanceMismatch, Format(
                CamtErrorMessages.BalanceMismatch,
                id,
                currency.Code,
                MinorUnits.Format(opening.Amount.Minor, digits),
                MinorUnits.Format(credits, digits),
                MinorUnits.Format(debits, digits),
                MinorUnits.Format(expected, digits),
                MinorUnits.Format(closing.Amount.Minor, digits)));
        }
    }

    private void CheckSummary(string id, string what, SummaryBlock? stated, long entries, long transactions, long sum, CurrencyCode currency, long? net = null)
    {
        if (stated is not { } block)
        {
            return;
        }

        // Some banks count transactions (batch details) rather than entries; both readings are accepted.
        if (block.Count is { } count && count != entries && count != transactions)
        {
            Warn(block.Line, CamtErrorCodes.SummaryMismatch, Format(CamtErrorMessages.SummaryMismatch, id, what + "/NbOfNtries", count, entries));
        }

        if (block.Sum is { } text)
        {
            // Some banks sign the sum (TtlDbtNtries -509.12, or TtlNtries as the net): the magnitude is compared,
            // and for TtlNtries the net of credits and debits is accepted too.
            if (!MinorUnits.TryParse(text, currency.MinorDigits, out var statedSum))
            {
                Fail(CamtErrorCodes.BadAmount, block.SumLine, block.SumPosition, "TxsSummry/" + what + "/Sum", text, Format(CamtErrorMessages.BadAmount, CamtFormatException.Shorten(text), currency.Code, currency.MinorDigits));
            }

            statedSum = Math.Abs(statedSum);
            if (statedSum != sum && (net is null || statedSum != Math.Abs(net.Value)))
            {
                Warn(block.Line, CamtErrorCodes.SummaryMismatch, Format(CamtErrorMessages.SummaryMismatch, id, what + "/Sum", MinorUnits.Format(statedSum, currency.MinorDigits), MinorUnits.Format(sum, currency.MinorDigits)));
            }
        }
    }

    /// <summary>One <c>TxsSummry</c> block as stated.</summary>
    private struct SummaryBlock
    {
        public long Line;
        public long? Count;
        public string? Sum;
        public long SumLine;
        public int SumPosition;
    }

    /// <summary>What the entries of the current statement add up to, and what its <c>TxsSummry</c> states.</summary>
    private struct StatementTotals
    {
        public CurrencyCode Currency;
        public int Currencies;
        public long MissingStatus;
        public long CreditCount;
        public long DebitCount;
        public long TransactionCount;
        public long CreditTransactionCount;
        public long DebitTransactionCount;
        public long CreditAll;
        public long DebitAll;
        public SummaryBlock? StatedAll;
        public SummaryBlock? StatedCredit;
        public SummaryBlock? StatedDebit;

        public void Add(CamtEntry entry)
        {
            if (Currency.Code is null)
            {
                Currency = entry.Currency;
                Currencies = 1;
            }
            else if (!ReferenceEquals(Currency.Code, entry.Currency.Code) && Currency.Code != entry.Currency.Code)
            {
                Currencies++;
                Currency = entry.Currency;
            }

            var transactions = Math.Max(1, entry.Transactions.Count);
            TransactionCount += transactions;
            if (entry.Direction == Direction.Credit)
            {
                CreditCount++;
                CreditTransactionCount += transactions;
                CreditAll = checked(CreditAll + entry.AmountMinor);
            }
            else
            {
                DebitCount++;
                DebitTransactionCount += transactions;
                DebitAll = checked(DebitAll + entry.AmountMinor);
            }
        }
    }
}
