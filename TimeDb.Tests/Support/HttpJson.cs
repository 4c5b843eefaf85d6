using System.Net.Http.Json;
using System.Text;
using System.Text.Json;

namespace TimeDb.Tests.Support;

/// <summary>Short helpers for JSON over HTTP in tests. Bodies are anonymous objects with snake_case names.</summary>
internal static class HttpJson
{
    private static readonly JsonSerializerOptions Options = new();

    public static Task<HttpResponseMessage> PostJsonAsync(this HttpClient client, string url, object body) =>
        client.PostAsJsonAsync(new Uri(url, UriKind.Relative), body, Options);

    public static Task<HttpResponseMessage> PutJsonAsync(this HttpClient client, string url, object body) =>
        client.PutAsJsonAsync(new Uri(url, UriKind.Relative), body, Options);

    public static Task<HttpResponseMessage> PostRawAsync(this HttpClient client, string url, string body, string contentType = "application/json") =>
        client.PostAsync(new Uri(url, UriKind.Relative), new StringContent(body, Encoding.UTF8, contentType));

    /// <summary>POSTs a JSON text, with an <c>Idempotency-Key</c> header when <paramref name="idempotencyKey"/> is given.</summary>
    public static Task<HttpResponseMessage> PostWithKeyAsync(this HttpClient client, string url, string body, string? idempotencyKey)
    {
        var request = new HttpRequestMessage(HttpMethod.Post, new Uri(url, UriKind.Relative)) { Content = new StringContent(body, System.Text.Encoding.UTF8, "application/json") };
        if (idempotencyKey is not null)
        {
            request.Headers.TryAddWithoutValidation("Idempotency-Key", idempotencyKey);
        }

        return client.SendAsync(request);
    }

    public static Task<HttpResponseMessage> PutRawAsync(this HttpClient client, string url, string body) =>
        client.PutAsync(new Uri(url, UriKind.Relative), new StringContent(body, Encoding.UTF8, "application/json"));

    public static Task<HttpResponseMessage> GetAsync(this HttpClient client, string url) =>
        client.GetAsync(new Uri(url, UriKind.Relative));

    public static async Task<JsonElement> JsonAsync(this HttpResponseMessage response)
    {
        var text = await response.Content.ReadAsStringAsync();
        using var document = JsonDocument.Parse(text);
        return document.RootElement.Clone();
    }

    /// <summary>Reads the body, asserting the status first (the body is in the failure message).</summary>
    public static async Task<JsonElement> ExpectAsync(this Task<HttpResponseMessage> call, int status)
    {
        using var response = await call;
        var text = await response.Content.ReadAsStringAsync();
        Assert.That((int)response.StatusCode, Is.EqualTo(status), text);
        if (text.Length == 0)
        {
            return default;
        }

        using var document = JsonDocument.Parse(text);
        return document.RootElement.Clone();
    }

    public static string Str(this JsonElement e, string name) => e.GetProperty(name).ToString();

    public static Guid Id(this JsonElement e, string name) => e.GetProperty(name).GetGuid();

    public static double? Num(this JsonElement e, string name) =>
        e.GetProperty(name).ValueKind == JsonValueKind.Null ? null : e.GetProperty(name).GetDouble();

    public static List<JsonElement> Data(this JsonElement e) => [.. e.GetProperty("data").EnumerateArray()];
}
