using System.CommandLine;
using TimeDb.Domain.Entities;
using TimeDb.Infrastructure.Schema;
using TimeDb.Infrastructure.Users;

namespace TimeDb.Cli.Commands;

/// <summary><c>timedb users …</c>: the users of each tenant.</summary>
internal static class UserCommands
{
    public static Command Create(CliConsole console) => new("users", "Manage users and their API keys")
    {
        CreateUser(console),
        ListUsers(console),
        SetActive(console, "activate", active: true),
        SetActive(console, "deactivate", active: false),
        RegenerateKey(console),
        SetTier(console),
    };

    private static Option<string> Tier(bool required) => new("--tier")
    {
        Description = $"Rate-limit tier: {string.Join(", ", UserTiers.All)}",
        Required = required,
        DefaultValueFactory = required ? null! : _ => UserTiers.Default,
    };

    private static Command CreateUser(CliConsole console)
    {
        var tenant = new Option<Guid>("--tenant-id", "-t") { Description = "Tenant (UUID) the user belongs to", Required = true };
        var email = CliOptions.Email();
        var tier = Tier(required: false);
        tier.AcceptOnlyFromAmong([.. UserTiers.All]);
        var admin = new Option<bool>("--admin") { Description = "May call the schema endpoints" };
        var json = CommonOptions.Json();
        var dsn = CommonOptions.Dsn();

        var command = new Command("create", "Create a user and print its API key (shown once)") { tenant, email, tier, admin, json, dsn };
        command.SetAction(async (parsed, ct) =>
        {
            await using var services = CliServices.For(parsed.GetValue(dsn));
            var created = await services.Get<UserAdministration>().CreateUserAsync(
                parsed.GetValue(tenant), parsed.GetValue(email)!, parsed.GetValue(tier)!, parsed.GetValue(admin), ct);
            var authenticationOn = await services.Get<SchemaManager>().IsAuthenticationEnabledAsync(ct);

            if (parsed.GetValue(json))
            {
                await CliOutput.JsonAsync(console, new
                {
                    created.User.UserId, created.User.TenantId, created.User.Email, created.User.Tier, created.User.IsAdmin,
                    created.Key.KeyId, ApiKey = created.Secret.Value,
                });
            }
            else
            {
                await console.Out.WriteLineAsync($"Created user {created.User.Email} in tenant {created.User.TenantId} (tier {created.User.Tier}{(created.User.IsAdmin ? ", admin" : "")}).");
                await console.Out.WriteLineAsync($"API key (shown once, store it now): {created.Secret.Value}");
            }

            if (!authenticationOn)
            {
                await console.Error.WriteLineAsync("warning: authentication is off for this database; keys are not checked until `timedb create tables --with-users`");
            }

            return ExitCodes.Success;
        });
        return command;
    }

    private static Command ListUsers(CliConsole console)
    {
        var tenant = new Option<Guid?>("--tenant-id", "-t") { Description = "Only this tenant" };
        var inactive = new Option<bool>("--include-inactive") { Description = "Also list deactivated users" };
        var json = CommonOptions.Json();
        var dsn = CommonOptions.Dsn();
        var command = new Command("list", "List users") { tenant, inactive, json, dsn };
        command.SetAction(async (parsed, ct) =>
        {
            await using var services = CliServices.For(parsed.GetValue(dsn));
            var users = await services.Get<UserAdministration>().ListUsersAsync(parsed.GetValue(tenant), parsed.GetValue(inactive), ct);
            if (parsed.GetValue(json))
            {
                await CliOutput.JsonAsync(console, users.Select(u => new { u.UserId, u.TenantId, u.Email, u.Tier, u.IsAdmin, u.IsActive, u.CreatedAt, u.UpdatedAt }));
                return ExitCodes.Success;
            }

            await CliOutput.TableAsync(console, ["tenant_id", "email", "tier", "admin", "active", "created_at"],
                users.Select(u => new[] { u.TenantId.ToString(), u.Email, u.Tier, u.IsAdmin ? "yes" : "no", u.IsActive ? "yes" : "no", CliOutput.Time(u.CreatedAt) }));
            return ExitCodes.Success;
        });
        return command;
    }

    private static Command SetActive(CliConsole console, string name, bool active)
    {
        var (email, tenant, dsn) = (CliOptions.Email(), CliOptions.TenantFilter(), CommonOptions.Dsn());
        var yes = CommonOptions.Yes();
        var command = active
            ? new Command(name, "Activate a user: its keys that were not revoked work again") { email, tenant, dsn }
            : new Command(name, "Deactivate a user: all its keys stop working at once") { email, tenant, yes, dsn };
        command.SetAction(async (parsed, ct) =>
        {
            await using var services = CliServices.For(parsed.GetValue(dsn));
            var admin = services.Get<UserAdministration>();
            var user = await admin.FindUserAsync(parsed.GetValue(email)!, parsed.GetValue(tenant), ct);
            // Already in the asked state: say so, ask nothing, change nothing, and succeed (the state is what was wanted).
            if (!active && user.IsActive)
            {
                await Confirmation.RequireAsync(console, $"Deactivate {user.Email} (tenant {user.TenantId})? All its keys stop working.",
                    parsed.GetValue(yes), "deactivate the user");
            }

            var change = await admin.SetActiveAsync(user.Email, user.TenantId, active, ct);
            var (state, verb) = active ? ("active", "Activated") : ("inactive", "Deactivated");
            await console.Out.WriteLineAsync(change.Changed
                ? $"{verb} {change.Subject.Email} (tenant {change.Subject.TenantId})."
                : $"{change.Subject.Email} (tenant {change.Subject.TenantId}) is already {state}; nothing changed.");
            return ExitCodes.Success;
        });
        return command;
    }

    private static Command RegenerateKey(CliConsole console)
    {
        var (email, tenant, dsn, yes, json) = (CliOptions.Email(), CliOptions.TenantFilter(), CommonOptions.Dsn(), CommonOptions.Yes(), CommonOptions.Json());
        var command = new Command("regenerate-key", "Revoke all keys of a user and issue a new one (shown once)") { email, tenant, yes, json, dsn };
        command.SetAction(async (parsed, ct) =>
        {
            await using var services = CliServices.For(parsed.GetValue(dsn));
            var admin = services.Get<UserAdministration>();
            var user = await admin.FindUserAsync(parsed.GetValue(email)!, parsed.GetValue(tenant), ct);
            await Confirmation.RequireAsync(console, $"Revoke every key of {user.Email} (tenant {user.TenantId}) and issue a new one?",
                parsed.GetValue(yes), "regenerate the key");
            var created = await admin.RegenerateKeyAsync(user.Email, user.TenantId, ct);
            await CliOutput.NewKeyAsync(console, created, parsed.GetValue(json));
            return ExitCodes.Success;
        });
        return command;
    }

    private static Command SetTier(CliConsole console)
    {
        var (email, tenant, dsn) = (CliOptions.Email(), CliOptions.TenantFilter(), CommonOptions.Dsn());
        var tier = Tier(required: true);
        tier.AcceptOnlyFromAmong([.. UserTiers.All]);
        var command = new Command("set-tier", "Change a user's rate-limit tier (takes effect without a restart)") { email, tier, tenant, dsn };
        command.SetAction(async (parsed, ct) =>
        {
            await using var services = CliServices.For(parsed.GetValue(dsn));
            var user = await services.Get<UserAdministration>().SetTierAsync(parsed.GetValue(email)!, parsed.GetValue(tenant), parsed.GetValue(tier)!, ct);
            await console.Out.WriteLineAsync($"{user.Email} (tenant {user.TenantId}) is now on tier {user.Tier}.");
            return ExitCodes.Success;
        });
        return command;
    }
}
