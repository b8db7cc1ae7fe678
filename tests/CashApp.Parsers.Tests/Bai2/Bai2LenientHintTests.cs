using System.Text;
using CashApp.Parsers.Bai2;
using CashApp.Parsers.Common;

namespace CashApp.Parsers.Tests.Bai2;

/// <summary>
/// Every deviation that lenient reading accepts is, in a strict read, an error that says so: the person who reads
/// it learns that <c>--lenient</c> is the way through. And an error lenient reading does not accept never says so.
/// </summary>
public sealed class Bai2LenientHintTests
{
    private const string Head = "01,S,R,260101,0000,1,,,2/\n02,,B,1,260101,,,/\n03,1,USD/\n";

    /// <summary>Each known deviation in an otherwise valid file: its name, the file, and the code strict and lenient report.</summary>
    public static TheoryData<string, string, string> Deviations() => new()
    {
        { "account control total off", Head + "16,165,100,0,R1,,T\n49,101,3/\n98,101,1,5/\n99,101,1,7/\n", Bai2ErrorCodes.ControlTotal },
        { "group control total off", Head + "16,165,100,0,R1,,T\n49,100,3/\n98,101,1,5/\n99,101,1,7/\n", Bai2ErrorCodes.ControlTotal },
        { "file control total off", Head + "16,165,100,0,R1,,T\n49,100,3/\n98,100,1,5/\n99,101,1,7/\n", Bai2ErrorCodes.ControlTotal },
        { "account record count off", Head + "16,165,100,0,R1,,T\n49,100,4/\n98,100,1,5/\n99,100,1,7/\n", Bai2ErrorCodes.RecordCount },
        { "group record count off", Head + "16,165,100,0,R1,,T\n49,100,3/\n98,100,1,6/\n99,100,1,7/\n", Bai2ErrorCodes.RecordCount },
        { "file record count off", Head + "16,165,100,0,R1,,T\n49,100,3/\n98,100,1,5/\n99,100,1,8/\n", Bai2ErrorCodes.RecordCount },
        { "record count without the 88s", Head + "16,165,100,0,R1,,T\n88,MORE TEXT\n49,100,3/\n98,100,1,6/\n99,100,1,8/\n", Bai2ErrorCodes.RecordCountWithout88 },
        { "number of accounts off", Head + "16,165,100,0,R1,,T\n49,100,3/\n98,100,2,5/\n99,100,1,7/\n", Bai2ErrorCodes.AccountCount },
        { "number of groups off", Head + "16,165,100,0,R1,,T\n49,100,3/\n98,100,1,5/\n99,100,2,7/\n", Bai2ErrorCodes.GroupCount },
        { "98 with two fields", Head + "16,165,100,0,R1,,T\n49,100,3/\n98,100,5/\n99,100,1,7/\n", Bai2ErrorCodes.GroupTrailerTwoFields },
        { "a '/' inside a field", "01,AB/GS/RPFILE,R,260101,0000,1,,,2/\n02,,B,1,260101,,,/\n03,1,USD/\n16,165,100,0,R1,,T\n49,100,3/\n98,100,1,5/\n99,100,1,7/\n", Bai2ErrorCodes.DataAfterDelimiter },
        { "several records on one line", Head + "16,165,100,0,R1,,T\n49,100,3/ 98,100,1,5/\n99,100,1,7/\n", Bai2ErrorCodes.SeveralRecordsOnLine },
        { "a record after a detail's text on its line", Head + "16,165,100,0,R1,,PAYMENT/ 49,100,3/\n98,100,1,5/\n99,100,1,7/\n", Bai2ErrorCodes.SeveralRecordsOnLine },
        { "an empty line", Head + "16,165,100,0,R1,,T\n\n49,100,3/\n98,100,1,5/\n99,100,1,7/\n", Bai2ErrorCodes.BlankLine },
        { "88 without its comma", Head + "16,165,100,0,R1,,T\n88:EREF: 42\n49,100,3/\n98,100,1,6/\n99,100,1,8/\n", Bai2ErrorCodes.MalformedContinuation },
        { "a type code that is no transaction", Head + "16,010,100,0,R1,,T\n49,100,3/\n98,100,1,5/\n99,100,1,7/\n", Bai2ErrorCodes.BadTypeCode },
    };

    [Theory]
    [MemberData(nameof(Deviations))]
    public async Task ReadAsync_StrictMeetsADeviationLenientAccepts_ErrorSaysLenientAcceptsIt(string deviation, string file, string code)
    {
        var bytes = Encoding.ASCII.GetBytes(file);

        var error = await Assert.ThrowsAsync<Bai2FormatException>(() => Bai2Harness.ReadTransactionsAsync(bytes, new Bai2ReaderOptions(), fileName: "day.bai2"));

        Assert.True(error.ErrorCode == code, $"{deviation}: {error.Message}");
        Assert.EndsWith(Bai2ErrorMessages.AcceptedWhenLenient, error.Message, StringComparison.Ordinal);
        Assert.StartsWith("day.bai2:", error.Message, StringComparison.Ordinal);
        var warnings = new List<ParseWarning>();
        var transactions = await Bai2Harness.ReadTransactionsAsync(bytes, new Bai2ReaderOptions { Lenient = true }, warnings);
        Assert.Contains(warnings, w => w.Code == code);
        Assert.DoesNotContain(warnings, w => w.Message.Contains(Bai2ErrorMessages.AcceptedWhenLenient, StringComparison.Ordinal));
        Assert.True(transactions.Count <= 1, deviation);
    }

    [Fact]
    public async Task ReadAsync_TextOfADetailOnALineOfItsOwn_StrictErrorSaysLenientAcceptsIt()
    {
        // A bank broke a 16's text onto the next line without an 88: lenient joins it to the 16.
        var bytes = Encoding.ASCII.GetBytes(Head + "16,165,100,0,R1,,INVOICE\nINV-1004567 AND MORE\n49,100,3/\n98,100,1,5/\n99,100,1,7/\n");

        var error = await Assert.ThrowsAsync<Bai2FormatException>(() => Bai2Harness.ReadTransactionsAsync(bytes, new Bai2ReaderOptions()));

        Assert.Equal((Bai2ErrorCodes.UnknownRecord, 5L), (error.ErrorCode, error.LineNumber));
        Assert.EndsWith(Bai2ErrorMessages.AcceptedWhenLenient, error.Message, StringComparison.Ordinal);
        var transaction = Assert.Single(await Bai2Harness.ReadTransactionsAsync(bytes, new Bai2ReaderOptions { Lenient = true }));
        Assert.Contains("INV-1004567", transaction.FreeText, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("a further record right after the '/', no space", Head + "16,165,100,0,R1,,T\n49,100,3/98,100,1,5/\n99,100,1,7/\n")]
    [InlineData("an unknown record code", Head + "16,165,100,0,R1,,T\n49,100,3/\n97,100,1,5/\n99,100,1,7/\n")]
    [InlineData("a bad amount", Head + "16,165,1X0,0,R1,,T\n49,100,3/\n98,100,1,5/\n99,100,1,7/\n")]
    [InlineData("a truncated file", Head + "16,165,100,0,R1,,T\n49,100,3/\n98,100,1,5/\n")]
    public async Task ReadAsync_ErrorLenientAlsoRejects_DoesNotPointToLenient(string what, string file)
    {
        var bytes = Encoding.ASCII.GetBytes(file);

        var strict = await Assert.ThrowsAsync<Bai2FormatException>(() => Bai2Harness.ReadTransactionsAsync(bytes, new Bai2ReaderOptions()));
        var lenient = await Assert.ThrowsAsync<Bai2FormatException>(() => Bai2Harness.ReadTransactionsAsync(bytes, new Bai2ReaderOptions { Lenient = true }));

        Assert.False(strict.Message.Contains("lenient", StringComparison.OrdinalIgnoreCase), $"{what}: {strict.Message}");
        Assert.False(lenient.Message.Contains("lenient", StringComparison.OrdinalIgnoreCase), $"{what}: {lenient.Message}");
    }
}
