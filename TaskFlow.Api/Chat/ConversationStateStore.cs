namespace TaskFlow.Api.Chat;

/// <summary>One stored value and the version it was read at.</summary>
public sealed record StoredState(byte[] Value, string ETag);

/// <summary>
/// Where conversations live: a key/value store with optimistic concurrency, so writers never block each other and a
/// write based on a stale read is refused instead of overwriting what another request just saved.
/// </summary>
public interface IConversationStateStore
{
    Task<StoredState?> ReadAsync(string key, CancellationToken cancellationToken);

    /// <summary>
    /// Writes <paramref name="value"/> when the key is still at <paramref name="etag"/> (null: the key must not exist);
    /// false when someone else wrote it first.
    /// </summary>
    Task<bool> TryWriteAsync(string key, byte[] value, string? etag, CancellationToken cancellationToken);
}
