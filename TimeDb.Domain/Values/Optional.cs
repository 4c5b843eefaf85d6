using System.Diagnostics.CodeAnalysis;

namespace TimeDb.Domain.Values;

/// <summary>
/// A tri-state field of an update: absent (leave unchanged), present with null (clear), or present with a value (set).
/// </summary>
[SuppressMessage("Naming", "CA1716", Justification = "The spec names it Optional<T>; TimeDB has no Visual Basic consumers.")]
public readonly record struct Optional<T>
{
    private readonly T? _value;

    public Optional(T? value)
    {
        _value = value;
        IsSet = true;
    }

    /// <summary>The field was present in the request (possibly as null).</summary>
    public bool IsSet { get; }

    /// <summary>The value when set; default when not (check <see cref="IsSet"/>).</summary>
    public T? Value => _value;

    /// <summary>The new value if set, else the current one.</summary>
    public T? Or(T? current) => IsSet ? _value : current;
}
