namespace TimeDb.Infrastructure.Configuration;

/// <summary>The connection string is missing or malformed. The message never contains a password.</summary>
public sealed class ConnectionStringException(string message) : Exception(message);
