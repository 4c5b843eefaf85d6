namespace TimeDb.Domain.Users;

/// <summary>Whether requests need an API key, as the database says; unknown fails closed.</summary>
public enum AuthenticationMode
{
    /// <summary>The schema was created with users: every data request needs a key.</summary>
    On,

    /// <summary>Single-user mode: the schema was created without users, requests need no key.</summary>
    Off,

    /// <summary>
    /// The TimeDB tables are missing or the setting cannot be read: nothing is served but the overview,
    /// health, docs and viewer files (503 elsewhere), and nothing is ever treated as "off".
    /// </summary>
    Unknown,
}

/// <summary>Reads the authentication mode of the database (cached briefly, shared by concurrent callers).</summary>
public interface IAuthenticationMode
{
    /// <summary>
    /// The mode; throws <see cref="Errors.DatabaseUnavailableException"/> when the database cannot be asked
    /// (unreachable, login refused, busy): an outage is never read as a mode.
    /// </summary>
    Task<AuthenticationMode> GetAsync(CancellationToken cancellationToken);
}
