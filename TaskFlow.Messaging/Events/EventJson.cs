using System.Globalization;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace TaskFlow.Messaging.Events;

/// <summary>The one JSON shape TaskFlow speaks on the wire: snake_case names, nulls written, UTC times ending in Z.</summary>
public static class EventJson
{
    public static readonly JsonSerializerOptions Options = Create();

    /// <summary>
    /// For reading an event's data into its record: the wire options, and what the record (and so its schema) requires
    /// is required. A constructor parameter without a default must be present and a non-nullable field not null, so
    /// data that does not fit its record fails to read instead of arriving with holes.
    /// </summary>
    public static readonly JsonSerializerOptions Reading = CreateReading();

    /// <summary>Applies TaskFlow's wire conventions to an existing options instance (e.g. ASP.NET Core's).</summary>
    public static JsonSerializerOptions Configure(JsonSerializerOptions options)
    {
        options.PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower;
        options.DictionaryKeyPolicy = null;
        options.DefaultIgnoreCondition = JsonIgnoreCondition.Never;
        options.Converters.Add(new JsonStringEnumConverter(JsonNamingPolicy.SnakeCaseLower, allowIntegerValues: false));
        options.Converters.Add(new UtcTimestampConverter());
        return options;
    }

    private static JsonSerializerOptions Create()
    {
        var options = Configure(new JsonSerializerOptions(JsonSerializerDefaults.Web));
        options.MakeReadOnly(populateMissingResolver: true);
        return options;
    }

    private static JsonSerializerOptions CreateReading()
    {
        var options = new JsonSerializerOptions(Options) { RespectNullableAnnotations = true, RespectRequiredConstructorParameters = true };
        options.MakeReadOnly(populateMissingResolver: true);
        return options;
    }

    public static byte[] SerializeToUtf8Bytes<T>(T value) => JsonSerializer.SerializeToUtf8Bytes(value, Options);

    /// <summary>
    /// The seed writes timestamps as "2025-01-16T10:00:00Z": always UTC, fractions only when present.
    /// </summary>
    private sealed class UtcTimestampConverter : JsonConverter<DateTimeOffset>
    {
        private const string Format = "yyyy-MM-dd'T'HH:mm:ss.FFFFFFF'Z'";

        /// <exception cref="JsonException">
        /// Not a time: bad data like any other value that does not fit its field (without a message of its own, the
        /// serializer's names the type and the path).
        /// </exception>
        public override DateTimeOffset Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options) =>
            DateTimeOffset.TryParse(reader.GetString(), CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var value)
                ? value
                : throw new JsonException();

        public override void Write(Utf8JsonWriter writer, DateTimeOffset value, JsonSerializerOptions options) =>
            writer.WriteStringValue(value.UtcDateTime.ToString(Format, CultureInfo.InvariantCulture));
    }
}
