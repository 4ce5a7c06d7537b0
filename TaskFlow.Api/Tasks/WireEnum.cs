using System.Collections.Frozen;
using System.Text.Json;

namespace TaskFlow.Api.Tasks;

/// <summary>Enum values as they appear on the wire and in the database: snake_case ("in_progress").</summary>
public static class WireEnum
{
    public static string ToWire<TEnum>(this TEnum value) where TEnum : struct, Enum => Names<TEnum>.ToWire[value];

    public static bool TryParse<TEnum>(string? wire, out TEnum value) where TEnum : struct, Enum =>
        Names<TEnum>.FromWire.TryGetValue(wire ?? "", out value);

    public static TEnum Parse<TEnum>(string wire) where TEnum : struct, Enum =>
        TryParse<TEnum>(wire, out var value) ? value : throw new FormatException($"'{wire}' is not a {typeof(TEnum).Name}.");

    public static string Allowed<TEnum>() where TEnum : struct, Enum =>
        string.Join(", ", Enum.GetValues<TEnum>().Select(v => v.ToWire()));

    private static class Names<TEnum> where TEnum : struct, Enum
    {
        public static readonly FrozenDictionary<TEnum, string> ToWire =
            Enum.GetValues<TEnum>().ToFrozenDictionary(v => v, v => JsonNamingPolicy.SnakeCaseLower.ConvertName(v.ToString()));

        public static readonly FrozenDictionary<string, TEnum> FromWire =
            ToWire.ToFrozenDictionary(pair => pair.Value, pair => pair.Key);
    }
}
