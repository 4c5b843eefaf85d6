using System.Globalization;

namespace TimeDb.Domain.Text;

/// <summary>
/// The longest text each input field may hold (SPEC §9): the one place for these numbers, read by every
/// validator and by the upload parser. Caps apply to input only; text stored before them still reads back.
/// Lengths are Unicode characters (code points, as PostgreSQL's char_length counts them), so an emoji is one.
/// </summary>
public static class TextCaps
{
    public const int SeriesKey = 256;
    public const int Unit = 64;
    public const int Description = 4_096;
    public const int Annotation = 4_096;
    public const int Tag = 64;
    public const int TagsPerValue = 32;
    public const int WorkflowId = 256;
    public const int KeyName = 128;

    /// <summary>run_params as JSON, in UTF-8 bytes as sent (64 kB).</summary>
    public const int RunParamsBytes = 64 * 1024;

    /// <summary>Nesting of run_params: the object itself is level 1.</summary>
    public const int RunParamsDepth = 16;

    public static readonly string RunParamsTooLarge =
        string.Create(CultureInfo.InvariantCulture, $"run_params must be at most {RunParamsBytes / 1024} kB ({RunParamsBytes} bytes) as JSON");

    public static readonly string RunParamsTooDeep =
        string.Create(CultureInfo.InvariantCulture, $"run_params must be at most {RunParamsDepth} levels deep (the object itself is level 1)");

    public static readonly string TooManyTags =
        string.Create(CultureInfo.InvariantCulture, $"tags must hold at most {TagsPerValue} tags");

    public static readonly string TagTooLong =
        string.Create(CultureInfo.InvariantCulture, $"a tag must be at most {Tag} characters");

    /// <summary>True when <paramref name="text"/> (null counts as empty) has at most <paramref name="cap"/> characters.</summary>
    public static bool Fits(string? text, int cap) => Fits(text.AsSpan(), cap);

    /// <inheritdoc cref="Fits(string?, int)"/>
    public static bool Fits(ReadOnlySpan<char> text, int cap)
    {
        if (text.Length <= cap)
        {
            return true;
        }

        // A code point is one or two UTF-16 units: beyond twice the cap it cannot fit, whatever it holds.
        if (text.Length > 2L * cap)
        {
            return false;
        }

        var characters = 0;
        foreach (var _ in text.EnumerateRunes())
        {
            characters++;
        }

        return characters <= cap;
    }

    /// <summary>Null when <paramref name="text"/> fits, else the message naming <paramref name="field"/> and the cap.</summary>
    public static string? Check(string field, string? text, int cap) => Fits(text, cap) ? null : TooLong(field, cap);

    public static string TooLong(string field, int cap) =>
        string.Create(CultureInfo.InvariantCulture, $"{field} must be at most {cap} characters");
}
