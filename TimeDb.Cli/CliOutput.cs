using System.Globalization;
using System.Text.Json;
using TimeDb.Domain.Users;
using TimeDb.Infrastructure.Users;

namespace TimeDb.Cli;

/// <summary>How the CLI prints: JSON for scripts, aligned tables for people.</summary>
internal static class CliOutput
{
    private static readonly JsonSerializerOptions Json = new() { PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower, WriteIndented = true };

    public static Task JsonAsync(CliConsole console, object value) => console.Out.WriteLineAsync(JsonSerializer.Serialize(value, Json));

    public static string Time(DateTimeOffset? value) => value?.UtcDateTime.ToString("yyyy-MM-dd HH:mm:ss'Z'", CultureInfo.InvariantCulture) ?? "-";

    public static async Task TableAsync(CliConsole console, string[] headers, IEnumerable<string[]> rows)
    {
        var all = rows.ToList();
        var widths = headers.Select((h, i) => Math.Max(h.Length, all.Count == 0 ? 0 : all.Max(r => r[i].Length))).ToArray();
        await console.Out.WriteLineAsync(string.Join("  ", headers.Select((h, i) => h.PadRight(widths[i]))).TrimEnd());
        foreach (var row in all)
        {
            await console.Out.WriteLineAsync(string.Join("  ", row.Select((c, i) => c.PadRight(widths[i]))).TrimEnd());
        }

        if (all.Count == 0)
        {
            await console.Out.WriteLineAsync("(none)");
        }
    }

    public static async Task NewKeyAsync(CliConsole console, CreatedKey created, bool json)
    {
        if (json)
        {
            await JsonAsync(console, new
            {
                created.Key.KeyId, created.Key.Name, created.Key.UserId, created.Key.TenantId, created.Key.Scopes, created.Key.ExpiresAt, ApiKey = created.Secret.Value,
            });
            return;
        }

        var expiry = created.Key.ExpiresAt is null ? "never expires" : $"expires {Time(created.Key.ExpiresAt)}";
        await console.Out.WriteLineAsync(
            $"New key {created.Key.KeyId} ({created.Key.Name}) for tenant {created.Key.TenantId}: scopes {string.Join(',', created.Key.Scopes)}, {expiry}.");
        await console.Out.WriteLineAsync($"API key (shown once, store it now): {created.Secret.Value}");
    }
}
