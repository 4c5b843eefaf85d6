using System.CommandLine;
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
                await CliOutput.JsonAsync(console, keys.Select(k => new { k.KeyId, k.Name, k.Prefix, k.CreatedAt, k.LastUsedAt, k.RevokedAt }));
                return ExitCodes.Success;
            }

            await CliOutput.TableAsync(console, ["key_id", "name", "prefix", "created_at", "last_used_at", "revoked_at"],
                keys.Select(k => new[] { k.KeyId.ToString(), k.Name, k.Prefix + "…", CliOutput.Time(k.CreatedAt), CliOutput.Time(k.LastUsedAt), CliOutput.Time(k.RevokedAt) }));
            return ExitCodes.Success;
        });
        return command;
    }

    private static Command CreateKey(CliConsole console)
    {
        var (email, tenant, dsn, json) = (CliOptions.Email(), CliOptions.TenantFilter(), CommonOptions.Dsn(), CommonOptions.Json());
        var name = new Option<string>("--name", "-n") { Description = "What the key is for", DefaultValueFactory = _ => "cli" };
        var command = new Command("create", "Issue a new key for a user (shown once)") { email, tenant, name, json, dsn };
        command.SetAction(async (parsed, ct) =>
        {
            await using var services = CliServices.For(parsed.GetValue(dsn));
            var admin = services.Get<UserAdministration>();
            var user = await admin.FindUserAsync(parsed.GetValue(email)!, parsed.GetValue(tenant), ct);
            await CliOutput.NewKeyAsync(console, await admin.CreateKeyAsync(user.UserId, parsed.GetValue(name)!, ct), parsed.GetValue(json));
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
                : $"The {UserAdministration.AlreadyRevoked(key)}.");
            return ExitCodes.Success;
        });
        return command;
    }
}
