namespace TimeDb.Api.Authentication;

/// <summary>
/// The scope an action needs when it is not the one its HTTP method implies (GET → read, anything else → write);
/// read by <see cref="KeyScopeHandler"/>. Used by the key endpoints, which need <c>keys</c>.
/// </summary>
[AttributeUsage(AttributeTargets.Method | AttributeTargets.Class, AllowMultiple = false)]
internal sealed class RequiresScopeAttribute(string scope) : Attribute
{
    public string Scope { get; } = scope;
}
