using Microsoft.AspNetCore.Mvc;
using TimeDb.Api.Authentication;
using TimeDb.Api.Contracts;
using TimeDb.Domain.Errors;
using TimeDb.Domain.Tenancy;
using TimeDb.Domain.Users;

namespace TimeDb.Api.Controllers;

/// <summary>Your own API keys. The key itself is shown once, when it is created.</summary>
[ApiController]
[Route("keys")]
public sealed class KeysController(IKeyAdministration keys, ICurrentTenant caller, TimeProvider clock) : ControllerBase
{
    /// <summary>List your keys (name, prefix, scopes, dates; never the key).</summary>
    [HttpGet]
    [ProducesResponseType<IReadOnlyList<KeyResponse>>(StatusCodes.Status200OK)]
    [ProducesResponseType<ProblemDetails>(StatusCodes.Status400BadRequest, "application/problem+json")]
    public async Task<ActionResult<IReadOnlyList<KeyResponse>>> List(CancellationToken cancellationToken)
    {
        var list = await keys.ListKeysAsync(CallerId(), cancellationToken);
        return Ok(list.Select(KeyResponse.From).ToList());
    }

    /// <summary>
    /// Create a key for yourself, within your key's scopes and expiry; the answer holds it this once (never cached).
    /// A user holds at most 100 unrevoked keys.
    /// </summary>
    [HttpPost]
    [RequiresScope(KeyScopes.Keys)]
    [ResponseCache(NoStore = true)]
    [Consumes("application/json")]
    [ProducesResponseType<CreatedKeyResponse>(StatusCodes.Status201Created)]
    [ProducesResponseType<ValidationProblemDetails>(StatusCodes.Status400BadRequest, "application/problem+json")]
    [ProducesResponseType<ProblemDetails>(StatusCodes.Status409Conflict, "application/problem+json")]
    [ProducesResponseType<ProblemDetails>(StatusCodes.Status413PayloadTooLarge, "application/problem+json")]
    public async Task<ActionResult<CreatedKeyResponse>> Create([FromBody] CreateKeyRequest request, CancellationToken cancellationToken)
    {
        var created = await keys.CreateKeyAsync(CallerId(), request.ToKeyRequest(clock.GetUtcNow()), CallerKeyId(), cancellationToken);
        return Created($"/keys/{created.Key.KeyId}", CreatedKeyResponse.From(created));
    }

    /// <summary>Revoke one of your keys, for good. Revoking it again changes nothing and says so (200, already_revoked).</summary>
    [HttpDelete("{keyId:guid}")]
    [RequiresScope(KeyScopes.Keys)]
    [ProducesResponseType<RevokedKeyResponse>(StatusCodes.Status200OK)]
    [ProducesResponseType<ProblemDetails>(StatusCodes.Status400BadRequest, "application/problem+json")]
    [ProducesResponseType<ProblemDetails>(StatusCodes.Status404NotFound, "application/problem+json")]
    public async Task<ActionResult<RevokedKeyResponse>> Revoke(Guid keyId, CancellationToken cancellationToken) =>
        RevokedKeyResponse.From(await keys.RevokeKeyAsync(keyId, CallerId(), cancellationToken));

    private Guid CallerId() => caller.UserId
        ?? throw new DomainException("API keys exist only when authentication is on: create the schema with `timedb create tables --with-users`");

    /// <summary>The key this request came with: the one a new key must stay within.</summary>
    private Guid? CallerKeyId() =>
        Guid.TryParse(User.FindFirst(ApiKeyDefaults.Claims.KeyId)?.Value, out var id) ? id : null;
}
