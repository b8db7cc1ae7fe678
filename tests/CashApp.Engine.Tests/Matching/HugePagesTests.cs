using CashApp.Engine.Matching;

namespace CashApp.Engine.Tests.Matching;

/// <summary>Advising huge pages is a hint: the array, its length and every value written to it stay what they are.</summary>
public sealed class HugePagesTests
{
    [Theory]
    [InlineData(0)]
    [InlineData(1_000)]
    [InlineData((40 << 20) / sizeof(long))]
    [InlineData(((40 << 20) / sizeof(long)) + 3)]
    public void Advised_IsTheSameArray_AndHoldsWhatIsWrittenBeforeAndAfter(int length)
    {
        var array = GC.AllocateUninitializedArray<long>(length);
        var half = length / 2;
        for (var i = 0; i < half; i++)
        {
            array[i] = (i * 7919L) ^ 0x5DEECE66DL;
        }

        var advised = HugePages.Advised(array);
        for (var i = half; i < length; i++)
        {
            array[i] = (i * 7919L) ^ 0x5DEECE66DL;
        }

        Assert.Same(array, advised);
        Assert.Equal(length, advised.Length);
        for (var i = 0; i < length; i++)
        {
            Assert.Equal((i * 7919L) ^ 0x5DEECE66DL, advised[i]);
        }
    }

    [Fact]
    public void KeyIndex_LargeEnoughToBeAdvised_WalksEachKeysItemsNewestFirst()
    {
        // 1.5M keys: a slot table of 32 MB and characters of 30 MB, both past the size from which pages are advised.
        const int keys = 1_500_000;
        var index = new KeyIndex(keys, 8 * keys);
        for (var item = 0; item < 2 * keys; item++)
        {
            index.Add(KeyOf(item % keys), item);
        }

        index.Settle();
        Assert.Equal(keys, index.Count);
        for (var key = 0; key < keys; key += 997)
        {
            var walked = new List<int>();
            foreach (var item in index.Items(KeyOf(key)))
            {
                walked.Add(item);
            }

            Assert.Equal([key + keys, key], walked);
        }
    }

    private static string KeyOf(int n) => $"INV{n:D7}";
}
