using System.Security.Cryptography;
using Microsoft.EntityFrameworkCore;
using TaskFlow.Api.Data;

namespace TaskFlow.Api.Tasks;

/// <summary>
/// The first answer to a POST sent with an <c>Idempotency-Key</c>, kept for 24 hours so a replay gets the same
/// answer and creates nothing. Written in the same transaction as the task it created.
/// </summary>
public sealed class IdempotencyRecord
{
    public const int KeyMaxLength = 200;
    public static readonly TimeSpan Lifetime = TimeSpan.FromHours(24);

    public required string UserId { get; init; }
    public required string Key { get; init; }
    /// <summary>SHA-256 of the request body: the same key with another body is a client error (422).</summary>
    public required byte[] RequestHash { get; init; }
    public required int TaskId { get; init; }
    /// <summary>The JSON of the first 201 response, replayed as it was.</summary>
    public required string ResponseBody { get; init; }
    public required DateTimeOffset CreatedAt { get; init; }

    public static byte[] Hash(byte[] body) => SHA256.HashData(body);

    /// <summary>The live record for this key, if any; an expired one is removed so the key can be used again.</summary>
    public static async Task<IdempotencyRecord?> FindAsync(ApiDbContext db, string userId, string key, DateTimeOffset now, CancellationToken cancellationToken)
    {
        var record = await db.IdempotencyRecords.AsNoTracking().SingleOrDefaultAsync(r => r.UserId == userId && r.Key == key, cancellationToken);
        if (record is null || record.CreatedAt > now - Lifetime) return record;
        await db.IdempotencyRecords.Where(r => r.UserId == userId && r.Key == key).ExecuteDeleteAsync(cancellationToken);
        return null;
    }
}
