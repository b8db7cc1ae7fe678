namespace CashApp.Parsers.Camt;

/// <summary>
/// The element names the camt reader looks at, atomised in one <see cref="System.Xml.NameTable"/> so that the reader
/// compares a name by reference instead of by content. Every name the reader dispatches on must be here.
/// </summary>
internal sealed class CamtNames
{
    /// <summary>Adds every name to <paramref name="table"/>.</summary>
    public CamtNames(System.Xml.XmlNameTable table)
    {
        ArgumentNullException.ThrowIfNull(table);
        Table = table;
        Document = table.Add(nameof(Document));
        BkToCstmrStmt = table.Add(nameof(BkToCstmrStmt));
        BkToCstmrDbtCdtNtfctn = table.Add(nameof(BkToCstmrDbtCdtNtfctn));
        BkToCstmrAcctRpt = table.Add(nameof(BkToCstmrAcctRpt));
        GrpHdr = table.Add(nameof(GrpHdr));
        MsgId = table.Add(nameof(MsgId));
        CreDtTm = table.Add(nameof(CreDtTm));
        Stmt = table.Add(nameof(Stmt));
        Ntfctn = table.Add(nameof(Ntfctn));
        Id = table.Add(nameof(Id));
        ElctrncSeqNb = table.Add(nameof(ElctrncSeqNb));
        LglSeqNb = table.Add(nameof(LglSeqNb));
        FrToDt = table.Add(nameof(FrToDt));
        FrDtTm = table.Add(nameof(FrDtTm));
        ToDtTm = table.Add(nameof(ToDtTm));
        Acct = table.Add(nameof(Acct));
        IBAN = table.Add(nameof(IBAN));
        Othr = table.Add(nameof(Othr));
        Ccy = table.Add(nameof(Ccy));
        Ownr = table.Add(nameof(Ownr));
        Nm = table.Add(nameof(Nm));
        Bal = table.Add(nameof(Bal));
        Tp = table.Add(nameof(Tp));
        CdOrPrtry = table.Add(nameof(CdOrPrtry));
        Cd = table.Add(nameof(Cd));
        Prtry = table.Add(nameof(Prtry));
        Amt = table.Add(nameof(Amt));
        CdtDbtInd = table.Add(nameof(CdtDbtInd));
        Dt = table.Add(nameof(Dt));
        DtTm = table.Add(nameof(DtTm));
        TxsSummry = table.Add(nameof(TxsSummry));
        TtlNtries = table.Add(nameof(TtlNtries));
        TtlCdtNtries = table.Add(nameof(TtlCdtNtries));
        TtlDbtNtries = table.Add(nameof(TtlDbtNtries));
        NbOfNtries = table.Add(nameof(NbOfNtries));
        Sum = table.Add(nameof(Sum));
        Ntry = table.Add(nameof(Ntry));
        NtryRef = table.Add(nameof(NtryRef));
        RvslInd = table.Add(nameof(RvslInd));
        Sts = table.Add(nameof(Sts));
        BookgDt = table.Add(nameof(BookgDt));
        ValDt = table.Add(nameof(ValDt));
        AcctSvcrRef = table.Add(nameof(AcctSvcrRef));
        BkTxCd = table.Add(nameof(BkTxCd));
        Domn = table.Add(nameof(Domn));
        Fmly = table.Add(nameof(Fmly));
        SubFmlyCd = table.Add(nameof(SubFmlyCd));
        Issr = table.Add(nameof(Issr));
        NtryDtls = table.Add(nameof(NtryDtls));
        Btch = table.Add(nameof(Btch));
        NbOfTxs = table.Add(nameof(NbOfTxs));
        TxDtls = table.Add(nameof(TxDtls));
        Refs = table.Add(nameof(Refs));
        EndToEndId = table.Add(nameof(EndToEndId));
        InstrId = table.Add(nameof(InstrId));
        TxId = table.Add(nameof(TxId));
        PmtInfId = table.Add(nameof(PmtInfId));
        MndtId = table.Add(nameof(MndtId));
        UETR = table.Add(nameof(UETR));
        AmtDtls = table.Add(nameof(AmtDtls));
        TxAmt = table.Add(nameof(TxAmt));
        InstdAmt = table.Add(nameof(InstdAmt));
        CntrValAmt = table.Add(nameof(CntrValAmt));
        CcyXchg = table.Add(nameof(CcyXchg));
        XchgRate = table.Add(nameof(XchgRate));
        SrcCcy = table.Add(nameof(SrcCcy));
        TrgtCcy = table.Add(nameof(TrgtCcy));
        RltdPties = table.Add(nameof(RltdPties));
        Dbtr = table.Add(nameof(Dbtr));
        UltmtDbtr = table.Add(nameof(UltmtDbtr));
        Cdtr = table.Add(nameof(Cdtr));
        UltmtCdtr = table.Add(nameof(UltmtCdtr));
        DbtrAcct = table.Add(nameof(DbtrAcct));
        CdtrAcct = table.Add(nameof(CdtrAcct));
        Pty = table.Add(nameof(Pty));
        Agt = table.Add(nameof(Agt));
        FinInstnId = table.Add(nameof(FinInstnId));
        RmtInf = table.Add(nameof(RmtInf));
        Ustrd = table.Add(nameof(Ustrd));
        Strd = table.Add(nameof(Strd));
        RfrdDocInf = table.Add(nameof(RfrdDocInf));
        Nb = table.Add(nameof(Nb));
        RfrdDocAmt = table.Add(nameof(RfrdDocAmt));
        RmtdAmt = table.Add(nameof(RmtdAmt));
        DuePyblAmt = table.Add(nameof(DuePyblAmt));
        CdtNoteAmt = table.Add(nameof(CdtNoteAmt));
        DscntApldAmt = table.Add(nameof(DscntApldAmt));
        CdtrRefInf = table.Add(nameof(CdtrRefInf));
        Ref = table.Add(nameof(Ref));
        AddtlTxInf = table.Add(nameof(AddtlTxInf));
        AddtlNtryInf = table.Add(nameof(AddtlNtryInf));
        RtrInf = table.Add(nameof(RtrInf));
        Rsn = table.Add(nameof(Rsn));
        AddtlInf = table.Add(nameof(AddtlInf));
    }

    /// <summary>The table the names live in.</summary>
    public System.Xml.XmlNameTable Table { get; }

    /// <summary><c>Document</c>.</summary>
    public string Document { get; }

    /// <summary><c>BkToCstmrStmt</c>.</summary>
    public string BkToCstmrStmt { get; }

    /// <summary><c>BkToCstmrDbtCdtNtfctn</c>.</summary>
    public string BkToCstmrDbtCdtNtfctn { get; }

    /// <summary><c>BkToCstmrAcctRpt</c>.</summary>
    public string BkToCstmrAcctRpt { get; }

    /// <summary><c>GrpHdr</c>.</summary>
    public string GrpHdr { get; }

    /// <summary><c>MsgId</c>.</summary>
    public string MsgId { get; }

    /// <summary><c>CreDtTm</c>.</summary>
    public string CreDtTm { get; }

    /// <summary><c>Stmt</c>.</summary>
    public string Stmt { get; }

    /// <summary><c>Ntfctn</c>.</summary>
    public string Ntfctn { get; }

    /// <summary><c>Id</c>.</summary>
    public string Id { get; }

    /// <summary><c>ElctrncSeqNb</c>.</summary>
    public string ElctrncSeqNb { get; }

    /// <summary><c>LglSeqNb</c>.</summary>
    public string LglSeqNb { get; }

    /// <summary><c>FrToDt</c>.</summary>
    public string FrToDt { get; }

    /// <summary><c>FrDtTm</c>.</summary>
    public string FrDtTm { get; }

    /// <summary><c>ToDtTm</c>.</summary>
    public string ToDtTm { get; }

    /// <summary><c>Acct</c>.</summary>
    public string Acct { get; }

    /// <summary><c>IBAN</c>.</summary>
    public string IBAN { get; }

    /// <summary><c>Othr</c>.</summary>
    public string Othr { get; }

    /// <summary><c>Ccy</c>.</summary>
    public string Ccy { get; }

    /// <summary><c>Ownr</c>.</summary>
    public string Ownr { get; }

    /// <summary><c>Nm</c>.</summary>
    public string Nm { get; }

    /// <summary><c>Bal</c>.</summary>
    public string Bal { get; }

    /// <summary><c>Tp</c>.</summary>
    public string Tp { get; }

    /// <summary><c>CdOrPrtry</c>.</summary>
    public string CdOrPrtry { get; }

    /// <summary><c>Cd</c>.</summary>
    public string Cd { get; }

    /// <summary><c>Prtry</c>.</summary>
    public string Prtry { get; }

    /// <summary><c>Amt</c>.</summary>
    public string Amt { get; }

    /// <summary><c>CdtDbtInd</c>.</summary>
    public string CdtDbtInd { get; }

    /// <summary><c>Dt</c>.</summary>
    public string Dt { get; }

    /// <summary><c>DtTm</c>.</summary>
    public string DtTm { get; }

    /// <summary><c>TxsSummry</c>.</summary>
    public string TxsSummry { get; }

    /// <summary><c>TtlNtries</c>.</summary>
    public string TtlNtries { get; }

    /// <summary><c>TtlCdtNtries</c>.</summary>
    public string TtlCdtNtries { get; }

    /// <summary><c>TtlDbtNtries</c>.</summary>
    public string TtlDbtNtries { get; }

    /// <summary><c>NbOfNtries</c>.</summary>
    public string NbOfNtries { get; }

    /// <summary><c>Sum</c>.</summary>
    public string Sum { get; }

    /// <summary><c>Ntry</c>.</summary>
    public string Ntry { get; }

    /// <summary><c>NtryRef</c>.</summary>
    public string NtryRef { get; }

    /// <summary><c>RvslInd</c>.</summary>
    public string RvslInd { get; }

    /// <summary><c>Sts</c>.</summary>
    public string Sts { get; }

    /// <summary><c>BookgDt</c>.</summary>
    public string BookgDt { get; }

    /// <summary><c>ValDt</c>.</summary>
    public string ValDt { get; }

    /// <summary><c>AcctSvcrRef</c>.</summary>
    public string AcctSvcrRef { get; }

    /// <summary><c>BkTxCd</c>.</summary>
    public string BkTxCd { get; }

    /// <summary><c>Domn</c>.</summary>
    public string Domn { get; }

    /// <summary><c>Fmly</c>.</summary>
    public string Fmly { get; }

    /// <summary><c>SubFmlyCd</c>.</summary>
    public string SubFmlyCd { get; }

    /// <summary><c>Issr</c>.</summary>
    public string Issr { get; }

    /// <summary><c>NtryDtls</c>.</summary>
    public string NtryDtls { get; }

    /// <summary><c>Btch</c>.</summary>
    public string Btch { get; }

    /// <summary><c>NbOfTxs</c>.</summary>
    public string NbOfTxs { get; }

    /// <summary><c>TxDtls</c>.</summary>
    public string TxDtls { get; }

    /// <summary><c>Refs</c>.</summary>
    public string Refs { get; }

    /// <summary><c>EndToEndId</c>.</summary>
    public string EndToEndId { get; }

    /// <summary><c>InstrId</c>.</summary>
    public string InstrId { get; }

    /// <summary><c>TxId</c>.</summary>
    public string TxId { get; }

    /// <summary><c>PmtInfId</c>.</summary>
    public string PmtInfId { get; }

    /// <summary><c>MndtId</c>.</summary>
    public string MndtId { get; }

    /// <summary><c>UETR</c>.</summary>
    public string UETR { get; }

    /// <summary><c>AmtDtls</c>.</summary>
    public string AmtDtls { get; }

    /// <summary><c>TxAmt</c>.</summary>
    public string TxAmt { get; }

    /// <summary><c>InstdAmt</c>.</summary>
    public string InstdAmt { get; }

    /// <summary><c>CntrValAmt</c>.</summary>
    public string CntrValAmt { get; }

    /// <summary><c>CcyXchg</c>.</summary>
    public string CcyXchg { get; }

    /// <summary><c>XchgRate</c>.</summary>
    public string XchgRate { get; }

    /// <summary><c>SrcCcy</c>.</summary>
    public string SrcCcy { get; }

    /// <summary><c>TrgtCcy</c>.</summary>
    public string TrgtCcy { get; }

    /// <summary><c>RltdPties</c>.</summary>
    public string RltdPties { get; }

    /// <summary><c>Dbtr</c>.</summary>
    public string Dbtr { get; }

    /// <summary><c>UltmtDbtr</c>.</summary>
    public string UltmtDbtr { get; }

    /// <summary><c>Cdtr</c>.</summary>
    public string Cdtr { get; }

    /// <summary><c>UltmtCdtr</c>.</summary>
    public string UltmtCdtr { get; }

    /// <summary><c>DbtrAcct</c>.</summary>
    public string DbtrAcct { get; }

    /// <summary><c>CdtrAcct</c>.</summary>
    public string CdtrAcct { get; }

    /// <summary><c>Pty</c>.</summary>
    public string Pty { get; }

    /// <summary><c>Agt</c>.</summary>
    public string Agt { get; }

    /// <summary><c>FinInstnId</c>.</summary>
    public string FinInstnId { get; }

    /// <summary><c>RmtInf</c>.</summary>
    public string RmtInf { get; }

    /// <summary><c>Ustrd</c>.</summary>
    public string Ustrd { get; }

    /// <summary><c>Strd</c>.</summary>
    public string Strd { get; }

    /// <summary><c>RfrdDocInf</c>.</summary>
    public string RfrdDocInf { get; }

    /// <summary><c>Nb</c>.</summary>
    public string Nb { get; }

    /// <summary><c>RfrdDocAmt</c>.</summary>
    public string RfrdDocAmt { get; }

    /// <summary><c>RmtdAmt</c>.</summary>
    public string RmtdAmt { get; }

    /// <summary><c>DuePyblAmt</c>.</summary>
    public string DuePyblAmt { get; }

    /// <summary><c>CdtNoteAmt</c>.</summary>
    public string CdtNoteAmt { get; }

    /// <summary><c>DscntApldAmt</c>.</summary>
    public string DscntApldAmt { get; }

    /// <summary><c>CdtrRefInf</c>.</summary>
    public string CdtrRefInf { get; }

    /// <summary><c>Ref</c>.</summary>
    public string Ref { get; }

    /// <summary><c>AddtlTxInf</c>.</summary>
    public string AddtlTxInf { get; }

    /// <summary><c>AddtlNtryInf</c>.</summary>
    public string AddtlNtryInf { get; }

    /// <summary><c>RtrInf</c>.</summary>
    public string RtrInf { get; }

    /// <summary><c>Rsn</c>.</summary>
    public string Rsn { get; }

    /// <summary><c>AddtlInf</c>.</summary>
    public string AddtlInf { get; }
}
