using System.CommandLine;
using System.Text.Json;
using TimeDb.Domain.Entities;
using TimeDb.Infrastructure.Schema;
using TimeDb.Infrastructure.Users;

namespace TimeDb.Cli.Commands;

/// <summary><c>timedb users …</c>: the users of each tenant and the key each gets at creation.</summary>
internal static class UserCommands
{
    private static readonly JsonSerializerOptions JsonOptions = new() { PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower, WriteIndented = true };

    public static Command Create(CliConsole console) => new("users", "Manage users and their API keys") { CreateUser(console) };

    private static Command CreateUser(CliConsole console)
    {
        var tenant = new Option<Guid>("--tenant-id", "-t") { Description = "Tenant (UUID) the user belongs to", Required = true };
        var email = new Option<string>("--email", "-e") { Description = "Email of the user, unique per tenant", Required = true };
        var tier = new Option<string>("--tier") { Description = $"Rate-limit tier: {string.Join(", ", UserTiers.All)}", DefaultValueFactory = _ => UserTiers.Default };
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
                await console.Out.WriteLineAsync(JsonSerializer.Serialize(new
                {
                    created.User.UserId,
                    created.User.TenantId,
                    created.User.Email,
                    created.User.Tier,
                    created.User.IsAdmin,
                    created.Key.KeyId,
                    ApiKey = created.Secret.Value,
                }, JsonOptions));
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
}
