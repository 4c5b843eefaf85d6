namespace TimeDb.Api.Limits;

/// <summary>Marks an action that holds a database connection and memory for long (reads, uploads, updates): it passes the <see cref="HeavyRequestGate"/>.</summary>
[AttributeUsage(AttributeTargets.Method | AttributeTargets.Class)]
internal sealed class HeavyRequestAttribute : Attribute;
