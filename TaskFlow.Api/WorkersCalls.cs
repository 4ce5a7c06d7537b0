namespace TaskFlow.Api;

/// <summary>What a failed call to the Workers looks like once the standard resilience handler has given up.</summary>
public static class WorkersCalls
{
    /// <summary>
    /// The Workers did not answer usefully: an HTTP failure, or the resilience pipeline's own verdicts (total
    /// timeout, open circuit). The caller answers 503, not 500.
    /// </summary>
    public static bool IsUnavailable(Exception exception) =>
        exception is HttpRequestException or Polly.Timeout.TimeoutRejectedException or Polly.CircuitBreaker.BrokenCircuitException;
}
