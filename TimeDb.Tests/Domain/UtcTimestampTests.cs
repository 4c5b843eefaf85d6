using System.Globalization;
using System.Text;
using TimeDb.Domain.Time;

namespace TimeDb.Tests.Domain;

/// <summary>The UTF-8 formatter of streamed answers writes what the documented pattern writes, byte for byte.</summary>
public sealed class UtcTimestampTests
{
    private static IEnumerable<DateTime> Times()
    {
        yield return new DateTime(2025, 1, 1, 0, 0, 0, DateTimeKind.Utc);
        yield return new DateTime(2025, 3, 30, 1, 59, 59, DateTimeKind.Utc).AddTicks(5_000_000);
        yield return new DateTime(1, 1, 1, 0, 0, 0, DateTimeKind.Utc).AddTicks(1);
        yield return new DateTime(9999, 12, 31, 23, 59, 59, DateTimeKind.Utc).AddTicks(9_999_999);
        yield return new DateTime(2024, 2, 29, 12, 0, 0, DateTimeKind.Utc).AddTicks(1_200_000);
        var random = new Random(14);
        for (var i = 0; i < 10_000; i++)
        {
            // whole seconds, milliseconds, microseconds (what PostgreSQL stores) and any tick
            var ticks = random.NextInt64(DateTime.MinValue.Ticks, DateTime.MaxValue.Ticks);
            yield return new DateTime(ticks - (ticks % ((i % 4) switch { 0 => TimeSpan.TicksPerSecond, 1 => TimeSpan.TicksPerMillisecond, 2 => 10, _ => 1 })), DateTimeKind.Utc);
        }
    }

    [Test]
    public void FormatUtf8_WritesWhatThePatternWrites()
    {
        Span<byte> buffer = stackalloc byte[UtcTimestamp.MaxLength];
        foreach (var time in Times())
        {
            var expected = time.ToString(UtcTimestamp.Pattern, CultureInfo.InvariantCulture);
            var written = UtcTimestamp.FormatUtf8(time, buffer);
            Assert.That(Encoding.ASCII.GetString(buffer[..written]), Is.EqualTo(expected), $"ticks {time.Ticks}");
            Assert.That(UtcTimestamp.Format(time), Is.EqualTo(expected));
        }
    }
}
