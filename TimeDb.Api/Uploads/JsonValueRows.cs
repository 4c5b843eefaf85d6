using System.Collections;
using TimeDb.Api.Contracts;
using TimeDb.Domain.Runs;

namespace TimeDb.Api.Uploads;

/// <summary>
/// The <c>value_rows</c> of a JSON upload as System.Text.Json fills it: its collection converter reads one element at
/// a time (resumably, as the body arrives) and calls <see cref="Add"/>, which hands the row to the upload's
/// <see cref="UploadRows"/>. No list of rows is ever held; this type only passes them on.
/// </summary>
internal sealed class JsonValueRows : ICollection<ValueRowRequest?>, ICollection
{
    // The serializer creates this with its parameterless constructor; the rows of the upload being read are
    // handed over by JsonUploadReader for the duration of one DeserializeAsync call.
    private static readonly AsyncLocal<UploadRows?> Current = new();

    private readonly UploadRows _rows = Current.Value
        ?? throw new InvalidOperationException("value_rows are read only by JsonUploadReader.");

    /// <summary>Rows seen so far: the serializer names the index of a failing element by it (<c>$.value_rows[Count]</c>).</summary>
    public int Count => (int)_rows.Received;

    public bool IsReadOnly => false;

    bool ICollection.IsSynchronized => false;

    object ICollection.SyncRoot => this;

    internal static IDisposable ReadInto(UploadRows rows)
    {
        Current.Value = rows;
        return new Scope();
    }

    public void Add(ValueRowRequest? item)
    {
        if (item is null)
        {
            _rows.AddRefused("a value row must be an object");
            return;
        }

        _rows.Add(new NewValueRow(item.ValueKey, item.ValidTime, item.ValidTimeEnd, item.Value, item.SeriesId));
    }

    // The rows are not kept here: nothing to enumerate, find or remove.
    public IEnumerator<ValueRowRequest?> GetEnumerator() => Enumerable.Empty<ValueRowRequest?>().GetEnumerator();

    IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();

    public void Clear() => throw new NotSupportedException();

    public bool Contains(ValueRowRequest? item) => false;

    public void CopyTo(ValueRowRequest?[] array, int arrayIndex)
    {
    }

    void ICollection.CopyTo(Array array, int index)
    {
    }

    public bool Remove(ValueRowRequest? item) => false;

    private sealed class Scope : IDisposable
    {
        public void Dispose() => Current.Value = null;
    }
}
