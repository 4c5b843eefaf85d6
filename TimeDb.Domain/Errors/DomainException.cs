namespace TimeDb.Domain.Errors;

/// <summary>A rule of the domain was broken by the caller's input; the message says what to fix.</summary>
public class DomainException(string message) : Exception(message);

/// <summary>Something the caller named does not exist (or is not theirs to see).</summary>
public sealed class NotFoundException(string message) : DomainException(message);

/// <summary>The request conflicts with what is stored (e.g. a name that is taken).</summary>
public sealed class ConflictException(string message) : DomainException(message);

/// <summary>The caller is known but may not do this (another tenant, not an admin).</summary>
public sealed class ForbiddenException(string message) : DomainException(message);

/// <summary>The request is larger than this server accepts (413); the message says the limit and how to split it.</summary>
public sealed class RequestTooLargeException(string message) : DomainException(message);

/// <summary>The answer would be larger than this server sends in one response (422); the message says how to narrow the request.</summary>
public sealed class ResultTooLargeException(string message) : DomainException(message);
