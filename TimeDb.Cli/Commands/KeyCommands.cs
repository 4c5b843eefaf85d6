using System.CommandLine;
using TimeDb.Domain.Users;
using TimeDb.Infrastructure.Users;

namespace TimeDb.Cli.Commands;

/// <summary><c>timedb keys …</c>: one user's API keys.</summary>
internal static class KeyCommands
{
    public static Command Create(CliConsole console) => new("keys", "Manage one user's API keys") { List(console), CreateKey(console), Revoke(console) };

    private static Command List(CliConsole console)
    {
        var (email, tenant, dsn, json) = (CliOptions.Email(), CliOptions.TenantFilter(), CommonOptions.Dsn(), CommonOptions.Json());
        var command = new Command("list", "List a user's keys (never the keys themselves)") { email, tenant, json, dsn };
        command.SetAction(async (parsed, ct) =>
        {
            await using var services = CliServices.For(parsed.GetValue(dsn));
            var admin = services.Get<UserAdministration>();
            var user = await admin.FindUserAsync(parsed.GetValue(email)!, parsed.GetValue(tenant), ct);
            var keys = await admin.ListKeysAsync(user.UserId, ct);
            if (parsed.GetValue(json))
            {
                await CliOutput.JsonAsync(console, keys.Select(k => new { k.KeyId, k.Name, k.Prefix, k.Scopes, k.CreatedAt, k.ExpiresAt, k.LastUsedAt, k.RevokedAt }));
                return ExitCodes.Success;
            }

            await CliOutput.TableAsync(console, ["key_id", "name", "prefix", "scopes", "created_at", "expires_at", "last_used_at", "revoked_at"],
                keys.Select(k => new[]
                {
                    k.KeyId.ToString(), k.Name, k.Prefix + "…", string.Join(',', k.Scopes), CliOutput.Time(k.CreatedAt), CliOutput.Time(k.ExpiresAt),
                    CliOutput.Time(k.LastUsedAt), CliOutput.Time(k.RevokedAt),
                }));
            return ExitCodes.Success;
        });
        return command;
    }

    private static Command CreateKey(CliConsole console)
    {
        var (email, tenant, dsn, json) = (CliOptions.Email(), CliOptions.TenantFilter(), CommonOptions.Dsn(), CommonOptions.Json());
        var name = new Option<string>("--name", "-n") { Description = "What the key is for", DefaultValueFactory = _ => "cli" };
        var scope = new Option<string[]>("--scope", "-s")
        {
            Description = $"What the key may do, repeatable: {string.Join(", ", KeyScopes.All)} (default: all)",
        };
        var expires = new Option<string?>("--expires")
        {
            Description = "When the key stops working: days (30d) or hours (12h) from now, or an ISO 8601 date/time (default: never)",
        };
        var command = new Command("create", "Issue a new key for a user (shown once)") { email, tenant, name, scope, expires, json, dsn };
        command.SetAction(async (parsed, ct) =>
        {
            await using var services = CliServices.For(parsed.GetValue(dsn));
            var admin = services.Get<UserAdministration>();
            var now = services.Get<TimeProvider>().GetUtcNow();
            var scopes = parsed.GetValue(scope) is { Length: > 0 } given ? given : null;
            var expiresAt = parsed.GetValue(expires) is { } text ? KeyExpiry.Parse(text, now) : (DateTimeOffset?)null;
            var request = new KeyRequest(parsed.GetValue(name)!, new KeyGrant(KeyScopes.Normalize(scopes), expiresAt));
            var user = await admin.FindUserAsync(parsed.GetValue(email)!, parsed.GetValue(tenant), ct);
            await CliOutput.NewKeyAsync(console, await admin.CreateKeyAsync(user.UserId, request, issuingKeyId: null, ct), parsed.GetValue(json));
            return ExitCodes.Success;
        });
        return command;
    }

    private static Command Revoke(CliConsole console)
    {
        var keyId = new Option<Guid>("--key-id", "-k") { Description = "The key to revoke (see `timedb keys list`)", Required = true };
        var (yes, dsn) = (CommonOptions.Yes(), CommonOptions.Dsn());
        var command = new Command("revoke", "Revoke a key for good") { keyId, yes, dsn };
        command.SetAction(async (parsed, ct) =>
        {
            await using var services = CliServices.For(parsed.GetValue(dsn));
            await Confirmation.RequireAsync(console, $"Revoke key {parsed.GetValue(keyId)} for good?", parsed.GetValue(yes), "revoke the key");
            var change = await services.Get<UserAdministration>().RevokeKeyAsync(parsed.GetValue(keyId), null, ct);
            var key = change.Subject;
            await console.Out.WriteLineAsync(change.Changed
                ? $"Revoked key {key.KeyId} ({key.Name}, {key.Prefix}…)."
                : $"The {KeyStateMessages.AlreadyRevoked(key)}.");
            return ExitCodes.Success;
        });
        return command;
    }
}
