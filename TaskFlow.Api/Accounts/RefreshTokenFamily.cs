namespace TaskFlow.Api.Accounts;

/// <summary>
/// One sign-in's chain of refresh tokens. Only the newest token of the chain (<see cref="CurrentTokenId"/>) can be
/// traded for new tokens, once; presenting an older one means it was copied, so the whole chain is revoked.
/// </summary>
public sealed class RefreshTokenFamily
{
    public Guid Id { get; set; }
    public string UserId { get; set; } = "";
    public Guid CurrentTokenId { get; set; }
    public DateTimeOffset CreatedAt { get; set; }
    public DateTimeOffset ExpiresAt { get; set; }
    public DateTimeOffset? RevokedAt { get; set; }
}
