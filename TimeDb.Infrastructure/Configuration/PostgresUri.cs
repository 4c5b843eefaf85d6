using System.Globalization;
using Npgsql;

namespace TimeDb.Infrastructure.Configuration;

/// <summary>
/// Converts libpq-style URIs (<c>postgresql://user:pass@host:5432/db?sslmode=require</c>, also
/// <c>postgres://</c>) to Npgsql keyword connection strings. Error messages name the part that is
/// wrong and never hold any text of the connection string (SPEC §9): a password with an unencoded
/// <c>/</c>, <c>?</c> or <c>#</c> ends up in the host, port, query or database part, so no part is safe to echo.
/// </summary>
public static class PostgresUri
{
    /// <summary>The advice every "cannot be parsed" message ends with: the usual cause is an unencoded password.</summary>
    public const string EncodingHint =
        "a password holding '/', '?', '#' or '@' must be percent-encoded (%2F, %3F, %23, %40)";

    private static readonly string[] Schemes = ["postgresql://", "postgres://"];

    // libpq query parameters and the Npgsql keywords they become.
    private static readonly Dictionary<string, string> QueryKeywords = new(StringComparer.OrdinalIgnoreCase)
    {
        ["sslmode"] = "SSL Mode",
        ["connect_timeout"] = "Timeout",
        ["application_name"] = "Application Name",
        ["sslcert"] = "SSL Certificate",
        ["sslkey"] = "SSL Key",
        ["sslrootcert"] = "Root Certificate",
        ["sslpassword"] = "SSL Password",
        ["target_session_attrs"] = "Target Session Attributes",
        ["options"] = "Options",
        ["channel_binding"] = "Channel Binding",
        ["gssencmode"] = "GSS Encryption Mode",
        ["passfile"] = "Passfile",
        ["user"] = "Username",
        ["password"] = "Password",
        ["dbname"] = "Database",
        ["host"] = "Host",
        ["port"] = "Port",
    };

    private static readonly Dictionary<string, string> SslModes = new(StringComparer.OrdinalIgnoreCase)
    {
        ["disable"] = "Disable",
        ["allow"] = "Allow",
        ["prefer"] = "Prefer",
        ["require"] = "Require",
        ["verify-ca"] = "VerifyCA",
        ["verify-full"] = "VerifyFull",
    };

    public static bool IsUri(string value) =>
        Schemes.Any(s => value.TrimStart().StartsWith(s, StringComparison.OrdinalIgnoreCase));

    /// <summary>Returns an Npgsql connection string for a URI, or validates a keyword string and returns it.</summary>
    public static string ToNpgsql(string dsn)
    {
        ArgumentNullException.ThrowIfNull(dsn);
        var trimmed = dsn.Trim();
        if (trimmed.Length == 0)
        {
            throw new ConnectionStringException("the connection string is empty");
        }

        return IsUri(trimmed) ? FromUri(trimmed) : ValidateKeywords(trimmed);
    }

    private static string ValidateKeywords(string keywords)
    {
        if (trimmedLooksLikeOtherUri(keywords))
        {
            throw new ConnectionStringException("the connection URI must start with postgresql:// or postgres://");
        }

        try
        {
            var builder = new NpgsqlConnectionStringBuilder(keywords);
            if (string.IsNullOrEmpty(builder.Host))
            {
                throw new ConnectionStringException("the connection string names no Host");
            }

            return builder.ConnectionString;
        }
        catch (ArgumentException)
        {
            // Npgsql's message echoes the keyword, which may be a piece of a password holding ';'.
            throw new ConnectionStringException(
                "the connection string is not valid: a keyword is unknown or a value is malformed (quote a value that holds ';')");
        }

        static bool trimmedLooksLikeOtherUri(string s) => s.Contains("://", StringComparison.Ordinal) && !s.Contains('=', StringComparison.Ordinal);
    }

    private static string FromUri(string uri)
    {
        var rest = uri[(uri.IndexOf("://", StringComparison.Ordinal) + 3)..];
        RefuseMisplacedAt(rest);
        var fragment = rest.IndexOf('#', StringComparison.Ordinal);
        if (fragment >= 0)
        {
            rest = rest[..fragment];
        }

        var query = "";
        var q = rest.IndexOf('?', StringComparison.Ordinal);
        if (q >= 0)
        {
            query = rest[(q + 1)..];
            rest = rest[..q];
        }

        var slash = rest.IndexOf('/', StringComparison.Ordinal);
        var authority = slash >= 0 ? rest[..slash] : rest;
        var path = slash >= 0 ? rest[(slash + 1)..] : "";

        var builder = new NpgsqlConnectionStringBuilder();
        var at = authority.LastIndexOf('@');
        if (at >= 0)
        {
            var userInfo = authority[..at];
            authority = authority[(at + 1)..];
            var colon = userInfo.IndexOf(':', StringComparison.Ordinal);
            var user = Decode(colon >= 0 ? userInfo[..colon] : userInfo, "user name");
            if (user.Length > 0)
            {
                builder.Username = user;
            }

            if (colon >= 0)
            {
                builder.Password = Decode(userInfo[(colon + 1)..], "password");
            }
        }

        ApplyHosts(builder, authority);

        if (path.Length > 0)
        {
            builder.Database = Decode(path, "database name");
        }

        ApplyQuery(builder, query);

        if (string.IsNullOrEmpty(builder.Host))
        {
            builder.Host = "localhost";
        }

        return builder.ConnectionString;
    }

    /// <summary>
    /// An '@' in the database part, or after a '?' or '#' when the authority holds none, is a password with
    /// an unencoded '/', '?' or '#': parsed on, its pieces would become host, port and database names and
    /// reach messages and logs. Refused, without echoing any of it.
    /// </summary>
    private static void RefuseMisplacedAt(string rest)
    {
        var end = rest.IndexOfAny(['/', '?', '#']);
        if (end < 0 || rest.IndexOf('@', end) < 0)
        {
            return;
        }

        var authorityHasAt = rest.AsSpan(0, end).Contains('@');
        var path = rest[end] == '/' ? rest[(end + 1)..] : "";
        var pathEnd = path.IndexOfAny(['?', '#']);
        var database = pathEnd >= 0 ? path[..pathEnd] : path;
        if (!authorityHasAt || database.Contains('@', StringComparison.Ordinal))
        {
            throw new ConnectionStringException($"the connection URI cannot be parsed: {EncodingHint}");
        }
    }

    private static void ApplyHosts(NpgsqlConnectionStringBuilder builder, string authority)
    {
        if (authority.Length == 0)
        {
            return;
        }

        var hosts = new List<string>();
        int? singlePort = null;
        var entries = authority.Split(',');
        foreach (var entry in entries)
        {
            var (host, port) = SplitHostPort(entry);
            if (host.Length == 0)
            {
                throw new ConnectionStringException("the connection URI has an empty host name");
            }

            hosts.Add(port is null || entries.Length == 1 ? host : $"{host}:{port}");
            singlePort = port;
        }

        builder.Host = string.Join(',', hosts);
        if (entries.Length == 1 && singlePort is not null)
        {
            builder.Port = singlePort.Value;
        }
    }

    private static (string Host, int? Port) SplitHostPort(string entry)
    {
        string host;
        string? portText = null;
        if (entry.StartsWith('['))
        {
            var close = entry.IndexOf(']', StringComparison.Ordinal);
            if (close < 0)
            {
                throw new ConnectionStringException("the connection URI has an IPv6 host without a closing ']'");
            }

            host = entry[1..close];
            var after = entry[(close + 1)..];
            if (after.Length > 0)
            {
                if (!after.StartsWith(':'))
                {
                    throw new ConnectionStringException("the connection URI has text after an IPv6 host that is not a port");
                }

                portText = after[1..];
            }
        }
        else
        {
            var colon = entry.LastIndexOf(':');
            host = colon >= 0 ? entry[..colon] : entry;
            portText = colon >= 0 ? entry[(colon + 1)..] : null;
        }

        return (Decode(host, "host name"), portText is null or "" ? null : ParsePort(portText));
    }

    private static int ParsePort(string text)
    {
        if (!int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var port) || port is < 1 or > 65535)
        {
            throw new ConnectionStringException($"the connection URI's port is not a number from 1 to 65535 ({EncodingHint})");
        }

        return port;
    }

    private static void ApplyQuery(NpgsqlConnectionStringBuilder builder, string query)
    {
        foreach (var pair in query.Split('&', StringSplitOptions.RemoveEmptyEntries))
        {
            var eq = pair.IndexOf('=', StringComparison.Ordinal);
            var name = Decode(eq >= 0 ? pair[..eq] : pair, "query parameter name");
            var isSecret = name.Contains("password", StringComparison.OrdinalIgnoreCase);
            var value = Decode(eq >= 0 ? pair[(eq + 1)..] : "", isSecret ? "password" : QueryKeywords.ContainsKey(name) ? $"value of {name}" : "query parameter value");

            if (name.Equals("sslmode", StringComparison.OrdinalIgnoreCase))
            {
                if (!SslModes.TryGetValue(value, out var mode))
                {
                    throw new ConnectionStringException(
                        $"the connection URI's sslmode is not one of {string.Join(", ", SslModes.Keys)}");
                }

                value = mode;
            }

            if (name.Equals("port", StringComparison.OrdinalIgnoreCase))
            {
                builder.Port = ParsePort(value);
                continue;
            }

            var keyword = QueryKeywords.GetValueOrDefault(name, name);
            try
            {
                builder[keyword] = value;
            }
            catch (ArgumentException)
            {
                // Only names of the known list are echoed: an unknown "name" may be a piece of a password.
                throw new ConnectionStringException(QueryKeywords.ContainsKey(name)
                    ? $"the connection URI's query parameter {name} has a value that is not valid"
                    : $"the connection URI has a query parameter that is not supported (use libpq names such as sslmode, or Npgsql keywords; {EncodingHint})");
            }
        }
    }

    private static string Decode(string text, string what)
    {
        try
        {
            if (text.Contains('%', StringComparison.Ordinal) && !IsWellFormedPercentEncoding(text))
            {
                throw new FormatException();
            }

            return Uri.UnescapeDataString(text);
        }
        catch (FormatException)
        {
            throw new ConnectionStringException($"the connection URI's {what} has a malformed percent-encoding");
        }
    }

    private static bool IsWellFormedPercentEncoding(string text)
    {
        for (var i = 0; i < text.Length; i++)
        {
            if (text[i] != '%')
            {
                continue;
            }

            if (i + 2 >= text.Length || !char.IsAsciiHexDigit(text[i + 1]) || !char.IsAsciiHexDigit(text[i + 2]))
            {
                return false;
            }

            i += 2;
        }

        return true;
    }
}
