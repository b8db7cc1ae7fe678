using CashApp.Engine.Model;

namespace CashApp.Store.Tests;

/// <summary>Every code the store writes reads back as what was written: a new reason is never stored as another.</summary>
public sealed class LedgerCodesTests
{
    public static TheoryData<ExceptionReason> Reasons() => [.. Enum.GetValues<ExceptionReason>()];

    [Theory]
    [MemberData(nameof(Reasons))]
    public void ExceptionReason_StoredCode_ReadsBackTheSameReason(ExceptionReason reason)
    {
        var code = LedgerCodes.Of(reason);

        Assert.Equal(reason, LedgerCodes.ParseReason(code));
    }

    [Fact]
    public void ExceptionReason_Codes_AreDistinctAndNoneFallsBackToConflict()
    {
        var reasons = Enum.GetValues<ExceptionReason>();

        Assert.Equal(reasons.Length, reasons.Select(LedgerCodes.Of).Distinct(StringComparer.Ordinal).Count());
        Assert.Equal([ExceptionReason.Conflict], reasons.Where(r => LedgerCodes.Of(r) == "conflict"));
    }
}
