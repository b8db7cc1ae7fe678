using System.Globalization;
using BenchmarkDotNet.Attributes;
using CashApp.Engine.Ar;
using CashApp.Engine.Output;
using CashApp.ScaleGen;

namespace CashApp.Benchmarks.Csv;

/// <summary>
/// Whether a hand-written CSV path earns its keep against Sylvan, the library that does the rest: reading
/// open_items.csv (blocks parsed on both cores vs Sylvan's row-by-row reader, both with the same checks), and
/// writing a match run's applications.csv through <see cref="CsvOut"/> (Sylvan's writer over string rows).
/// The hand-written UTF-8 writer this was compared with (commit "CsvBenchmarks: ...") was no faster and is gone.
/// </summary>
[MemoryDiagnoser]
public class CsvBenchmarks
{
    private const int Rows = 1_000_000;

    private string _directory = string.Empty;
    private string _openItems = string.Empty;
    private (string Payment, string Item, long Minor, string Explanation)[] _applications = [];

    [GlobalSetup]
    public void Setup()
    {
        _directory = Directory.CreateTempSubdirectory("cashapp-csv-bench").FullName;
        ScaleDay.Run(new ScaleOptions { OutputDirectory = _directory, Seed = 1, Customers = 100_000, Payments = 1_000, ItemsPerCustomer = 9.5 });
        _openItems = Path.Combine(_directory, "open_items.csv");
        Console.WriteLine($"// open_items.csv: {new FileInfo(_openItems).Length / 1e6:F1} MB, {File.ReadLines(_openItems).Count() - 1} items");
        _applications = [.. Enumerable.Range(0, Rows).Select(i => (
            "P" + i.ToString("D9", CultureInfo.InvariantCulture),
            "INV-" + (1_000_000 + (i * 7 % 900_000)).ToString(CultureInfo.InvariantCulture),
            (long)(i * 37 % 5_000_000) + 1,
            i % 10 == 0 ? "INV-1004567 ('1004576', 1 edit) by reference, amount equal" : "by reference, amount equal"))];
    }

    [GlobalCleanup]
    public void Cleanup() => Directory.Delete(_directory, recursive: true);

    [Benchmark(Description = "open items: hand-written block reader (both cores)")]
    public int ReadOpenItemsBlocks() => ArFiles.ReadOpenItems(_openItems).Count;

    [Benchmark(Description = "open items: Sylvan CsvDataReader (row by row)")]
    public int ReadOpenItemsSylvan() => ArFiles.ReadOpenItemsSequential(_openItems).Count;

    [Benchmark(Description = "1M applications rows: CsvOut (Sylvan CsvDataWriter)")]
    public long WriteSylvan()
    {
        var counter = new CountingStream();
        using (var writer = new StreamWriter(counter, new System.Text.UTF8Encoding(false), 1 << 16))
        {
            CsvOut.Write(writer, ["payment_ref", "item_id", "amount", "currency", "method", "confidence", "explanation"], _applications.Select(a => new string?[]
            {
                a.Payment,
                a.Item,
                (a.Minor / 100).ToString(CultureInfo.InvariantCulture) + "." + (a.Minor % 100).ToString("D2", CultureInfo.InvariantCulture),
                "USD",
                "exact_reference",
                "0.987",
                a.Explanation,
            }));
        }

        return counter.Written;
    }

    /// <summary>A sink that counts what it is given, so that no disk is measured.</summary>
    private sealed class CountingStream : Stream
    {
        public long Written { get; private set; }

        public override bool CanRead => false;

        public override bool CanSeek => false;

        public override bool CanWrite => true;

        public override long Length => Written;

        public override long Position { get => Written; set => throw new NotSupportedException(); }

        public override void Flush()
        {
        }

        public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException();

        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

        public override void SetLength(long value) => throw new NotSupportedException();

        public override void Write(byte[] buffer, int offset, int count) => Written += count;

        public override void Write(ReadOnlySpan<byte> buffer) => Written += buffer.Length;
    }
}
