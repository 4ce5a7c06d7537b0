using System.Text.Json.Nodes;

namespace TaskFlow.IntegrationTests.Clients;

/// <summary>Instants as the API writes and reads them.</summary>
public static class Instants
{
    /// <summary>UTC, milliseconds, Z: the form the API answers with.</summary>
    public static string Iso(DateTimeOffset instant) => instant.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'");

    public static DateTimeOffset Instant(JsonNode? value) => DateTimeOffset.Parse(value!.GetValue<string>());
}
