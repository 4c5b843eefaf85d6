using System.Text.Encodings.Web;

namespace TimeDb.Api.Json;

/// <summary>
/// How every JSON answer escapes text: only what JSON requires (quotes, backslashes, control characters), not
/// the HTML-sensitive <c>&lt; &gt; &amp; '</c> or non-ASCII, which the default encoder writes as six-byte
/// <c>\uXXXX</c>. Safe because answers are <c>application/json</c> with <c>nosniff</c>, never HTML (ADR-013-text-caps-and-json-escaping).
/// </summary>
internal static class JsonEncoding
{
    public static JavaScriptEncoder Encoder => JavaScriptEncoder.UnsafeRelaxedJsonEscaping;
}
