namespace TaskFlow.Api;

/// <summary>Limits on what any request to the API may be, whatever its endpoint.</summary>
public static class ApiLimits
{
    /// <summary>1 MiB: 25 times the largest task a client can send (see Program.cs); a larger body is a 413.</summary>
    public const long MaxRequestBodyBytes = 1024 * 1024;
}
