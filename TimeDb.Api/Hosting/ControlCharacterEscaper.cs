using System.Buffers;
using System.Globalization;
using System.Text;
using Serilog.Core;
using Serilog.Events;

namespace TimeDb.Api.Hosting;

/// <summary>
/// Escapes control characters (CR, LF, ESC, the other C0/C1 codes and the Unicode line separators) in every
/// text value of every log event, so that a request path like <c>/x%0a[12:00:00 INF] forged</c> cannot forge
/// a log line or send terminal escapes to whoever reads the log (SPEC §9). One enricher, last in the pipeline:
/// it covers the request log, a problem's event and the framework's own events alike.
/// </summary>
internal sealed class ControlCharacterEscaper : ILogEventEnricher
{
    public void Enrich(LogEvent logEvent, ILogEventPropertyFactory propertyFactory)
    {
        ArgumentNullException.ThrowIfNull(logEvent);
        List<LogEventProperty>? escaped = null;
        foreach (var (name, value) in logEvent.Properties)
        {
            if (Escape(value) is { } replacement)
            {
                (escaped ??= []).Add(new LogEventProperty(name, replacement));
            }
        }

        foreach (var property in escaped ?? [])
        {
            logEvent.AddOrUpdateProperty(property);
        }
    }

    // C0 and C1 controls (char.IsControl) and the Unicode line and paragraph separators; searched with
    // vectorised code, because every text value of every event (several per request) is checked.
    private static readonly SearchValues<char> Escaped = SearchValues.Create(
        [.. Enumerable.Range(0, 0x20).Concat(Enumerable.Range(0x7F, 0x21)).Select(c => (char)c), '\u2028', '\u2029']);

    /// <summary>The text with each control character written as <c>\n</c>, <c>\r</c>, <c>\t</c> or <c>\uXXXX</c>.</summary>
    public static string EscapeText(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        if (!HasEscaped(text))
        {
            return text;
        }

        var builder = new StringBuilder(text.Length + 16);
        foreach (var c in text)
        {
            _ = c switch
            {
                '\n' => builder.Append("\\n"),
                '\r' => builder.Append("\\r"),
                '\t' => builder.Append("\\t"),
                _ when NeedsEscape(c) => builder.Append("\\u").Append(((int)c).ToString("x4", CultureInfo.InvariantCulture)),
                _ => builder.Append(c),
            };
        }

        return builder.ToString();
    }

    private static bool NeedsEscape(char c) => Escaped.Contains(c);

    private static bool HasEscaped(string text) => text.AsSpan().ContainsAny(Escaped);

    /// <summary>An escaped copy of the value, or null when it holds no control character.</summary>
    private static LogEventPropertyValue? Escape(LogEventPropertyValue value)
    {
        switch (value)
        {
            case ScalarValue { Value: string text } when HasEscaped(text):
                return new ScalarValue(EscapeText(text));
            case ScalarValue { Value: { } other } when other is not (string or ValueType) && other.ToString() is { } shown && HasEscaped(shown):
                // An object logged as a scalar (a Uri, say) is rendered by its ToString.
                return new ScalarValue(EscapeText(shown));
            case SequenceValue sequence:
                var elements = sequence.Elements.Select(e => Escape(e)).ToList();
                return elements.Any(e => e is not null)
                    ? new SequenceValue(sequence.Elements.Select((e, i) => elements[i] ?? e))
                    : null;
            case StructureValue structure:
                var properties = structure.Properties.Select(p => Escape(p.Value)).ToList();
                return properties.Any(p => p is not null)
                    ? new StructureValue(structure.Properties.Select((p, i) => new LogEventProperty(EscapeText(p.Name), properties[i] ?? p.Value)), structure.TypeTag)
                    : null;
            case DictionaryValue dictionary:
                var entries = dictionary.Elements.Select(kv => (Key: Escape(kv.Key), Value: Escape(kv.Value))).ToList();
                return entries.Any(e => e.Key is not null || e.Value is not null)
                    ? new DictionaryValue(dictionary.Elements.Select((kv, i) =>
                        new KeyValuePair<ScalarValue, LogEventPropertyValue>((ScalarValue?)entries[i].Key ?? kv.Key, entries[i].Value ?? kv.Value)))
                    : null;
            default:
                return null;
        }
    }
}
