using System.Globalization;
using System.Text;
using BenchmarkDotNet.Attributes;
using CashApp.Parsers.Lockbox;

namespace CashApp.Benchmarks.Lockbox;

/// <summary>
/// Reading a large generated lockbox file (default layout, about 2 invoice lines per check, batches of 50 checks):
/// the naive string-splitting baseline, the validating scan (every record, field and control total checked, no
/// strings) and the readers that build one payment per check, from a span and from a stream.
/// </summary>
[MemoryDiagnoser]
[Config(typeof(ThroughputConfig))]
public class LockboxReaderBenchmarks
{
    private byte[] file = [];

    /// <summary>The generated file's size in MB (10^6 bytes).</summary>
    [Params(64)]
    public int SizeMB { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        file = LockboxBenchmarkFile.Generate(SizeMB * 1_000_000L);
        ThroughputConfig.Record(file.Length, file.AsSpan().Count((byte)'\n'));
    }

    [Benchmark(Baseline = true, Description = "naive: StreamReader lines + Substring + long.Parse")]
    public long Naive() => CpuTime.Measure(nameof(Naive), () => NaiveLockboxReader.Read(file));

    [Benchmark(Description = "LockboxReader.Validate (span, no payments)")]
    public long ValidateSpan() => CpuTime.Measure(nameof(ValidateSpan), () => LockboxReader.Validate(file, "bench", LockboxLayout.Default).AmountMinor);

    [Benchmark(Description = "LockboxReader.ValidateAsync (stream, no payments)")]
    public long ValidateStream() => CpuTime.Measure(nameof(ValidateStream), () =>
        LockboxReader.ValidateAsync(new MemoryStream(file, writable: false), "bench", LockboxLayout.Default).GetAwaiter().GetResult().AmountMinor);

    [Benchmark(Description = "LockboxReader.Read (span, payments)")]
    public long Span() => CpuTime.Measure(nameof(Span), () =>
    {
        long total = 0;
        foreach (var payment in LockboxReader.Read(file, "bench", LockboxLayout.Default))
        {
            total += payment.AmountMinor;
        }

        return total;
    });

    [Benchmark(Description = "LockboxReader.ReadAsync (stream, payments)")]
    public long Stream() => CpuTime.Measure(nameof(Stream), () => StreamCore().GetAwaiter().GetResult());

    private async Task<long> StreamCore()
    {
        long total = 0;
        await foreach (var payment in LockboxReader.ReadAsync(new MemoryStream(file, writable: false), "bench", LockboxLayout.Default, null))
        {
            total += payment.AmountMinor;
        }

        return total;
    }
}
