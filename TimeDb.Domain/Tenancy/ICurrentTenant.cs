namespace TimeDb.Domain.Tenancy;

/// <summary>
/// Who is calling: the authenticated tenant and user, or nobody in single-user mode. Identity only: what a
/// request may see or change is the <see cref="ITenantContext"/>, set from this once per request.
/// </summary>
public interface ICurrentTenant
{
    /// <summary>True when an API key identified the caller; then <see cref="TenantId"/> is set.</summary>
    bool IsAuthenticated { get; }

    /// <summary>The caller's tenant when authenticated, else null.</summary>
    Guid? TenantId { get; }

    /// <summary>The key owner's id when authenticated, else null.</summary>
    Guid? UserId { get; }

    /// <summary>The key owner's email, written as changed_by on corrections; null in single-user mode.</summary>
    string? UserEmail { get; }
}
