namespace CashApp.Store;

/// <summary>The stable codes the store writes for its own enums (the engine's are <see cref="CashApp.Engine.Model.LedgerCodes"/>).</summary>
public static class StoreCodes
{
    /// <summary>The code of an exception status.</summary>
    public static string Of(ExceptionStatus value) => value == ExceptionStatus.Open ? "open" : "resolved";

    /// <summary>The code of an item status.</summary>
    public static string Of(OpenItemStatus value) => value == OpenItemStatus.Open ? "open" : "closed";

    /// <summary>The code of a bank file status.</summary>
    public static string Of(BankFileStatus value) => value == BankFileStatus.Ingested ? "ingested" : "rejected";

    /// <summary>The code of a resolution.</summary>
    public static string Of(ResolutionKind value) => value switch
    {
        ResolutionKind.ApplyToItems => "apply_to_items",
        ResolutionKind.LeaveOnAccount => "leave_on_account",
        ResolutionKind.Refund => "refund",
        _ => "write_off",
    };

    internal static ExceptionStatus ParseExceptionStatus(string code) => code == "open" ? ExceptionStatus.Open : ExceptionStatus.Resolved;

    internal static OpenItemStatus ParseItemStatus(string code) => code == "open" ? OpenItemStatus.Open : OpenItemStatus.Closed;

    internal static BankFileStatus ParseFileStatus(string code) => code == "ingested" ? BankFileStatus.Ingested : BankFileStatus.Rejected;

    internal static ResolutionKind ParseResolution(string code) => code switch
    {
        "apply_to_items" => ResolutionKind.ApplyToItems,
        "leave_on_account" => ResolutionKind.LeaveOnAccount,
        "refund" => ResolutionKind.Refund,
        "write_off" => ResolutionKind.WriteOff,
        _ => throw Unknown("resolution", code),
    };

    private static InvalidDataException Unknown(string what, string code) => new($"The store holds an unknown {what} code '{code}'.");
}
